#!/usr/bin/env bash
# RSS of a real exit holding a 1,000,000-entry list, idle and after a minute of load: the list
# followed as a shared list (signed, fetched from `git daemon` on loopback), then the same list as
# the exit's own (local). Issue 11 asks the shared list to keep issue 9's goal: RSS <= 160 MB with
# a million bans under load. About 5 minutes.
#
#   [EXITFILTER_JAVA_OPTS=...] benchmarks/shared/rss-load.sh [--duration SECONDS] [--only shared|local] [--nmt]
#       [--signing-key TYPE] [--shrink-after-idle PERCENT] [--keep]
#
# Each exit is started through bin/exitfilter (the launcher's options), alone with the git server
# and an nginx origin. Per exit: the seconds from its start until it refuses a name of the list
# (403; for the shared list the first fetch and apply included), RSS 40 s after that with no
# traffic, then `wrk -t2 -c50` for --duration seconds (default 60) of small GETs through it to the
# origin (benchmarks/load/proxy.lua), RSS at the end of the load and 30 s later, and the peak
# (VmHWM). --nmt starts the exits with -XX:NativeMemoryTracking=summary (a few MB more) and adds
# `jcmd VM.native_memory summary` and the top of `GC.class_histogram` after the load to the
# report. Two what-ifs: --signing-key ecdsa signs the list with an ECDSA key instead of Ed25519
# (with EXITFILTER_JAVA_OPTS=-Dorg.apache.sshd.security.provider.BC.enabled=false the exit then
# never loads Bouncy Castle, which MINA sshd needs only for Ed25519); --shrink-after-idle PERCENT
# runs one full collection at the end of the idle 40 s with MaxHeapFreeRatio=PERCENT (set through
# jcmd, then back to the launcher's), as a tighter shrink after a list's build would. Writes
# benchmarks/shared/results/RSS-LOAD-<date>.md and prints it. Loopback only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT_DIR="$ROOT/benchmarks/shared/results"
DURATION=60 ONLY="" NMT=0 KEEP=0 KEY_TYPE=ed25519 SHRINK=""
while (($#)); do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --nmt) NMT=1; shift ;;
    --signing-key) KEY_TYPE=$2; shift 2 ;;
    --shrink-after-idle) SHRINK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# The load benchmarks' helpers (HERE is their folder: proxy.lua, the origin): cleanup on exit,
# make_lists (the 1M list RESULTS.md's local figures used), start_origin (nginx), run_wrk.
HERE="$ROOT/benchmarks/load"
INSTALL=0 PIN=0 STARTUP_TIMEOUT=0 ORIGIN_HOST=127.0.0.1 PROXY_CPUS="" LOAD_CPUS=""
# shellcheck source=../load/lib.sh
source "$HERE/lib.sh"
command -v wrk >/dev/null || die "wrk is not installed"
command -v git >/dev/null || die "git is not installed"

build_jar
new_workdir
make_lists 1m
detect_servers
PORT_BASE=${PORT_BASE:-18600}
choose_ports 3
ORIGIN_PORT=$PORT_BASE GIT_PORT=$((PORT_BASE + 1)) PROXY_PORT=$((PORT_BASE + 2))
proxy_port() { echo "$PROXY_PORT"; }
start_origin

# The list's repository: the 1M list as a blocklist.yaml and its list file, one commit signed
# with an SSH key made here (gpg.format=ssh, as the signers of a network sign), served by git
# daemon.
log "making the signed repository"
ssh-keygen -q -t "$KEY_TYPE" -N '' -C bench@example.net -f "$WORK/signer"
mkdir -p "$WORK/repo" "$WORK/served"
git init -q -b main "$WORK/repo"
cp "$WORK/lists/blocklist-1m.yaml" "$WORK/repo/blocklist.yaml"
cp "$WORK/lists/domains-1m.txt" "$WORK/repo/"
git -C "$WORK/repo" add -A
git -C "$WORK/repo" -c user.name=bench -c user.email=bench@example.net -c gpg.format=ssh \
  -c user.signingkey="$WORK/signer.pub" commit -q -S -m "1M bans"
git clone -q --bare "$WORK/repo" "$WORK/served/cascade.git"
start_bg gitd "" "$WORK/gitd.log" git daemon --reuseaddr --listen=127.0.0.1 --port="$GIT_PORT" \
  --base-path="$WORK/served" --export-all "$WORK/served"
printf 'bench@example.net %s\n' "$(cut -d' ' -f1,2 "$WORK/signer.pub")" >"$WORK/allowed_signers"

BANNED=$(awk '{ print $1 }' "$WORK/lists/banned-names-1m.txt")
# EXITFILTER_JAVA_OPTS, when set, reaches the exits (to try an option; it goes into the report).
JAVA_OPTS_EXTRA="${EXITFILTER_JAVA_OPTS:-}"
((NMT)) && JAVA_OPTS_EXTRA+=" -XX:NativeMemoryTracking=summary"
REPORT_ROWS=""
DIAG=""

measure() { # kind (shared|local): one exit, measured, stopped
  local kind=$1 dir="$WORK/exit-$1" pid t0 start_to_403="" code idle end after hwm rps cpu
  if [[ $kind == shared ]]; then
    mkdir -p "$dir"
    printf 'bans: []\n' >"$dir/blocklist.yaml"
    exitfilter_config "$dir" 1m "$PROXY_PORT" "$dir/blocklist.yaml"
    cp "$WORK/allowed_signers" "$dir/cascade.allowed_signers"
    cat >>"$dir/exitfilter.yaml" <<EOF
shared-lists:
  - name: cascade
    git: git://127.0.0.1:$GIT_PORT/cascade.git
    path: blocklist.yaml
    allowed-signers: cascade.allowed_signers
    refresh: 5m
state-dir: state
EOF
  else
    exitfilter_config "$dir" 1m "$PROXY_PORT"
  fi
  log "$kind: starting the exit"
  t0=$(date +%s%N)
  start_bg "$kind" "" "$dir/exit.log" env EXITFILTER_PRINT_JVM_OPTS=1 \
    EXITFILTER_JAVA_OPTS="$JAVA_OPTS_EXTRA" "$ROOT/bin/exitfilter" run --config "$dir/exitfilter.yaml"
  pid=${PIDS[$kind]} # the launcher execs env, env execs java: this is the JVM
  for _ in $(seq 1500); do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$dir/exit.log" >&2; die "$kind exit died"; }
    code=$(http_code "127.0.0.1:$PROXY_PORT" "http://$BANNED/" 1)
    if [[ $code == 403 ]]; then
      start_to_403=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
      break
    fi
    sleep 0.2
  done
  [[ -n $start_to_403 ]] || die "$kind exit did not refuse $BANNED within 300 s"
  log "$kind: refuses the list's names after $start_to_403 s; 40 s idle"
  sleep 40
  if [[ -n $SHRINK ]]; then
    local ratio
    ratio=$(jcmd "$pid" VM.flags | grep -o 'MaxHeapFreeRatio=[0-9]*' | cut -d= -f2)
    log "$kind: RSS $(rss_mib "$pid") MiB; one full collection with MaxHeapFreeRatio=$SHRINK (then $ratio)"
    jcmd "$pid" VM.set_flag MaxHeapFreeRatio "$SHRINK" >/dev/null
    jcmd "$pid" GC.run >/dev/null
    jcmd "$pid" VM.set_flag MaxHeapFreeRatio "$ratio" >/dev/null
    sleep 5
  fi
  idle=$(rss_mib "$pid")
  log "$kind: idle RSS $idle MiB; $DURATION s of load"
  run_wrk 1m "$kind" small-50 1
  end=$(tail -1 "$RAW" | awk -F'\t' '{ print $19 }')
  rps=$(tail -1 "$RAW" | awk -F'\t' '{ printf "%.0f", $8 }')
  cpu=$(tail -1 "$RAW" | awk -F'\t' '{ print $18 }')
  sleep 30
  after=$(rss_mib "$pid")
  hwm=$(awk '{ printf "%.1f", $1 / 1024 }' <<<"$(status_kib "$pid" VmHWM)")
  log "$kind: RSS at the end of the load $end MiB, 30 s later $after MiB, peak $hwm MiB"
  REPORT_ROWS+="| $kind | $(grep -m1 'JVM options' "$dir/exit.log" | grep -o -- '-Xmx[0-9]*m') | $start_to_403 | $idle | $rps | $cpu | $end | **$after** | $hwm |"$'\n'
  if ((NMT)); then
    DIAG+=$'\n'"### $kind: after the load"$'\n\n```\n'
    DIAG+="$(jcmd "$pid" VM.native_memory summary 2>&1 | grep -E '^(Total|-| +\(malloc|Native)' | head -40)"$'\n'
    DIAG+="$(jcmd "$pid" GC.class_histogram 2>&1 | head -18)"$'\n```\n'
  fi
  stop "$kind"
}

for kind in shared local; do
  [[ -z $ONLY || $ONLY == "$kind" ]] && measure "$kind"
done

mkdir -p "$OUT_DIR"
REPORT="$OUT_DIR/RSS-LOAD-$(date -u +%Y-%m-%d-%H%M).md"
{
  echo "<!-- $(date -u +%FT%TZ); exitfilter $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- src bin pom.xml || echo ' (uncommitted changes)') -->"
  echo "# RSS with a 1,000,000-entry list: shared against local, after $DURATION s of load"
  echo
  echo "- Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- JDK: $(java -version 2>&1 | sed -n 2p); origin: $ORIGIN_KIND; git daemon $(git --version | awk '{ print $3 }')"
  [[ -n ${EXITFILTER_JAVA_OPTS:-} ]] && echo "- EXITFILTER_JAVA_OPTS=$EXITFILTER_JAVA_OPTS (after the launcher's options)"
  [[ $KEY_TYPE != ed25519 ]] && echo "- The list signed with an SSH key of type $KEY_TYPE (--signing-key)"
  [[ -n $SHRINK ]] && echo "- At the end of the idle 40 s, one full collection with MaxHeapFreeRatio=$SHRINK, then the launcher's value again (--shrink-after-idle)"
  echo "- Load: wrk -t$WRK_THREADS -c50 -d${DURATION}s, GET /small through the exit (benchmarks/load/proxy.lua)"
  echo
  echo "| list | -Xmx | start to 403 s | RSS idle 40 s after MiB | req/s | exit CPU % | RSS at the end of the load MiB | RSS 30 s later MiB | VmHWM MiB |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s' "$REPORT_ROWS"
  printf '%s' "$DIAG"
} >"$REPORT"
cat "$REPORT"
log "written $REPORT"
