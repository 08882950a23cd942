#!/usr/bin/env bash
# shellcheck disable=SC2016 # backquotes in printf formats are Markdown
# The exitfilter load benchmark: exitfilter, a direct connection (the ceiling), Squid and
# tinyproxy, side by side under wrk, on loopback only. See benchmarks/load/README.md.
#
#   benchmarks/load/run.sh [--quick] [--install] [--no-pin] [--keep] [--note TEXT]
#
# Everything it starts listens on 127.0.0.1 (and ::1 for the origin) and is stopped on exit,
# failure or Ctrl-C included; every step has a time bound, and so has the whole run.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

usage() {
  cat <<'EOF'
usage: benchmarks/load/run.sh [--quick] [--install] [--no-pin] [--keep] [--note TEXT]

  --quick     1 repetition of 3 s per run instead of 3 of 10 s: checks that the harness works
              (a few minutes); its numbers are not a measurement
  --install   also install nginx-light (or nginx), squid and tinyproxy from Debian's packages
              (wrk is always installed when missing); needs root
  --no-pin    do not pin the processes to cores with taskset
  --keep      keep the temporary folder (configs, logs, raw results) and print its path
  --note TEXT a sentence put at the top of the results file

Environment (all optional): DURATION (s), REPS, WARMUP (s), LISTS ("10k 1m"),
SCENARIOS ("small-50 paced-50 small-200 1m close banned"), SYSTEMS ("direct exitfilter squid tinyproxy"),
PORT_BASE (uses PORT_BASE..PORT_BASE+3; default the first free block from 18480), PROXY_CPUS, LOAD_CPUS (taskset lists),
ORIGIN_HOST (localhost), ORIGIN_SERVER (auto, nginx or netty), JAVA_OPTS (extra JVM options for exitfilter), MAX_MINUTES.
EOF
}

QUICK=0 INSTALL=0 PIN=1 KEEP=0 NOTE=""
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --install) INSTALL=1 ;;
    --no-pin) PIN=0 ;;
    --keep) KEEP=1 ;;
    --note) NOTE="${2:?--note needs a text}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if ((QUICK)); then
  DURATION="${DURATION:-3}" REPS="${REPS:-1}" WARMUP="${WARMUP:-2}" MAX_MINUTES="${MAX_MINUTES:-20}"
else
  DURATION="${DURATION:-10}" REPS="${REPS:-3}" WARMUP="${WARMUP:-10}" MAX_MINUTES="${MAX_MINUTES:-75}"
fi
LISTS="${LISTS:-10k 1m}"
SCENARIOS="${SCENARIOS:-small-50 paced-50 small-200 1m close banned}"
SYSTEMS="${SYSTEMS:-direct exitfilter squid tinyproxy}"
PORT_BASE_GIVEN=${PORT_BASE:+1}
PORT_BASE="${PORT_BASE:-18480}"
ORIGIN_HOST="${ORIGIN_HOST:-localhost}"
JAVA_OPTS="${JAVA_OPTS:-}"
# How long a proxy may take to answer its first request after start (the 1M lists take a while).
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-240}"
# shellcheck source=benchmarks/load/lib.sh
source "$HERE/lib.sh"

for sc in $SCENARIOS; do [[ -n "${SC_PATH[$sc]:-}" ]] || die "unknown scenario $sc"; done
for l in $LISTS; do [[ -n "${LIST_SIZE[$l]:-}" ]] || die "unknown list $l (10k or 1m)"; done

# ------------------------------------------------------------------ setup

install_packages nginx squid tinyproxy
command -v wrk >/dev/null || die "wrk is not installed"
command -v curl >/dev/null || die "curl is not installed"
build_jar
if ((PIN)) && { ! command -v taskset >/dev/null || (($(nproc) < 2)); }; then
  log "not pinning: taskset missing or fewer than 2 cores"; PIN=0
fi
NPROC=$(nproc)
HALF=$((NPROC / 2))
# The proxies get the first half of the cores, wrk and the origin the second: on two cores, one
# core each. See README.md, "Pinning".
PROXY_CPUS="${PROXY_CPUS:-$(cpu_range 0 $((HALF > 0 ? HALF - 1 : 0)))}"
LOAD_CPUS="${LOAD_CPUS:-$(cpu_range "$HALF" $((NPROC - 1)))}"

detect_servers
ACTIVE=()
for s in $SYSTEMS; do
  case $s in
    direct | exitfilter) ACTIVE+=("$s") ;;
    squid | tinyproxy)
      if command -v "$s" >/dev/null; then ACTIVE+=("$s"); else log "$s not installed: skipped (--install adds it)"; fi ;;
    *) die "unknown system $s" ;;
  esac
done

# Four ports from PORT_BASE, or the first free block of ten above.
choose_ports 4
ORIGIN_PORT=$PORT_BASE EXITFILTER_PORT=$((PORT_BASE + 1))
SQUID_PORT=$((PORT_BASE + 2)) TINYPROXY_PORT=$((PORT_BASE + 3))

new_workdir
start_watchdog "$MAX_MINUTES"

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
log "work folder $WORK; load average $LOAD_AT_START"
log "pinning: $( ((PIN)) && echo "proxies on CPU $PROXY_CPUS, wrk and origin on CPU $LOAD_CPUS" || echo off)"

# ------------------------------------------------------------------ blocklists

# shellcheck disable=SC2086
make_lists $LISTS

# ------------------------------------------------------------------ origin

start_origin

# ------------------------------------------------------------------ the proxies

start_exitfilter() { # list [extra JVM options]: exitfilter with that list, on its port
  local l=$1 dir="$WORK/exitfilter-$1"
  shift
  exitfilter_config "$dir" "$l" "$EXITFILTER_PORT"
  # shellcheck disable=SC2086
  start_bg exitfilter "$PROXY_CPUS" "$dir/exitfilter.log" \
    java $JAVA_OPTS "$@" -jar "$JAR" run --config "$dir/exitfilter.yaml"
  wait_ready exitfilter "http://127.0.0.1:$EXITFILTER_PORT" "http://$ORIGIN/small" \
    "$STARTUP_TIMEOUT" "$dir/exitfilter.log"
}

start_squid() { # list
  local l=$1 dir="$WORK/squid-$1"
  squid_config "$dir" "$l" "$SQUID_PORT"
  start_bg squid "$PROXY_CPUS" "$dir/stdout.log" squid -N -f "$dir/squid.conf"
  wait_ready squid "http://127.0.0.1:$SQUID_PORT" "http://$ORIGIN/small" "$STARTUP_TIMEOUT" "$dir/cache.log"
}

start_tinyproxy() { # list timeout
  local l=$1 timeout=$2 dir="$WORK/tinyproxy-$1"
  mkdir -p "$dir"
  cat >"$dir/tinyproxy.conf" <<EOF
# Generated by benchmarks/load/run.sh. tinyproxy's filter is a list of regular expressions
# tried one by one; "FilterType bre" is the non-deprecated spelling of "FilterExtended No".
# A plain name as a basic regex matches that name anywhere in the host, so subdomains too.
Port $TINYPROXY_PORT
Listen 127.0.0.1
Timeout 60
MaxClients 1024
LogLevel Warning
Filter "$WORK/lists/domains-$l.txt"
FilterType bre
FilterDefaultDeny No
Allow 127.0.0.1
$(id nobody >/dev/null 2>&1 && printf 'User nobody\nGroup %s' "$(id -gn nobody)")
EOF
  start_bg tinyproxy "$PROXY_CPUS" "$dir/tinyproxy.log" tinyproxy -d -c "$dir/tinyproxy.conf"
  wait_ready tinyproxy "http://127.0.0.1:$TINYPROXY_PORT" "http://$ORIGIN/small" "$timeout" "$dir/tinyproxy.log"
}

proxy_port() {
  case $1 in exitfilter) echo "$EXITFILTER_PORT" ;; squid) echo "$SQUID_PORT" ;; tinyproxy) echo "$TINYPROXY_PORT" ;; esac
}

SANITY="$WORK/sanity.tsv"
: >"$SANITY"

# ------------------------------------------------------------------ the interleaved runs

declare -A UNUSABLE=()
for phase in $LISTS; do
  log "phase $phase: ${LIST_SIZE[$phase]} banned domains"
  systems=()
  for s in "${ACTIVE[@]}"; do
    case $s in
      direct) systems+=(direct) ;;
      exitfilter) start_exitfilter "$phase" && systems+=(exitfilter) || UNUSABLE[exitfilter-$phase]="did not answer within $STARTUP_TIMEOUT s of its start" ;;
      squid) start_squid "$phase" && systems+=(squid) || UNUSABLE[squid-$phase]="did not answer within $STARTUP_TIMEOUT s of its start" ;;
      tinyproxy)
        # With 1M regular expressions tinyproxy tries each on every request; it runs alone after
        # the others (below), so that its backlog cannot steal the proxies' core.
        if [[ $phase == 1m ]]; then continue; fi
        start_tinyproxy "$phase" "$STARTUP_TIMEOUT" && systems+=(tinyproxy) || UNUSABLE[tinyproxy-$phase]="did not answer within $STARTUP_TIMEOUT s of its start" ;;
    esac
  done
  for s in "${systems[@]}"; do
    if [[ $s != direct ]]; then sanity "$s" "$phase"; fi
  done
  # Warm-up, not recorded: every scenario once per system, so that the JVM has compiled each
  # path (a cold exitfilter is several times slower for its first ten seconds or so).
  saved=$DURATION DURATION=$WARMUP
  for s in "${systems[@]}"; do
    log "  warm-up $s: ${WARMUP} s per scenario"
    for sc in $SCENARIOS; do
      [[ $s == direct && $sc == banned ]] && continue
      run_wrk "$phase" "$s" "$sc" 0 warmup
    done
  done
  DURATION=$saved
  sed -i '/\twarmup$/d' "$RAW"
  n=${#systems[@]}
  for rep in $(seq 1 "$REPS"); do
    for sc in $SCENARIOS; do
      # Round robin: each repetition starts with a different system.
      for k in $(seq 0 $((n - 1))); do
        s=${systems[$(((k + rep - 1) % n))]}
        [[ $s == direct && $sc == banned ]] && continue
        run_wrk "$phase" "$s" "$sc" "$rep"
      done
    done
  done
  for s in "${systems[@]}"; do
    if [[ $s != direct ]]; then stop "$s"; fi
  done

  if [[ $phase == 1m ]] && [[ " ${ACTIVE[*]} " == *" tinyproxy "* ]]; then
    # One bounded probe: does tinyproxy serve at all with a million rules? glibc caches an
    # automaton per regular expression as it first uses it, so its memory grows to ~9 GB.
    avail_gib=$(awk '/^MemAvailable:/ {printf "%d", $2 / 1048576}' /proc/meminfo)
    if ((avail_gib < 14)); then
      log "  tinyproxy with 1M rules: skipped, only $avail_gib GiB of memory available (it needs ~9)"
      UNUSABLE[tinyproxy-1m]="not run: it grows to ~9 GB with 1M rules and only $avail_gib GiB were available"
    else
      log "  tinyproxy with 1M rules: one probe of $DURATION s (small-50), start bounded to 120 s"
    fi
    if ((avail_gib < 14)); then
      :
    elif start_tinyproxy 1m 120; then
      sanity tinyproxy 1m
      run_wrk 1m tinyproxy small-50 1 "probe"
    else
      UNUSABLE[tinyproxy-1m]="did not answer within 120 s of its start"
    fi
    stop tinyproxy
  fi
done

# ------------------------------------------------------------------ backpressure

BP="$WORK/backpressure.env"
: >"$BP"
if [[ " ${ACTIVE[*]} " == *" exitfilter "* ]]; then
  log "backpressure: 512 MiB through exitfilter to a client reading 32 MiB/s"
  bp_list=$(echo "$LISTS" | awk '{print $1}')
  if start_exitfilter "$bp_list" -XX:NativeMemoryTracking=summary; then
    pid=${PIDS[exitfilter]}
    heap_kib() { # used heap: survivors + eden + old, from jstat
      { jstat -gc "$pid" 2>/dev/null || true; } | awk 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i }
        NR == 2 { printf "%.0f", $h["S0U"] + $h["S1U"] + $h["EU"] + $h["OU"] }'; }
    other_kib() { # NMT "Other": malloc'd and Unsafe memory, where Netty's direct buffers live
      { jcmd "$pid" VM.native_memory summary scale=KB 2>/dev/null || true; } |
        sed -n 's/^-\{0,1\} *Other (reserved=[0-9]*KB, committed=\([0-9]*\)KB).*/\1/p' | head -1; }
    rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true; }
    # Idle: a few requests so the relay path is loaded, then a full GC.
    for _ in 1 2 3; do http_code "http://127.0.0.1:$EXITFILTER_PORT" "http://$ORIGIN/1m" >/dev/null; done
    jcmd "$pid" GC.run >/dev/null 2>&1 || true
    sleep 1
    idle_heap=$(heap_kib) idle_other=$(other_kib) idle_rss=$(rss_kib)
    record_cmd "curl -s --limit-rate 32M --max-time 120 -x http://127.0.0.1:$EXITFILTER_PORT -o /dev/null http://$ORIGIN/512m"
    curl -s --limit-rate 32M --max-time 120 -x "http://127.0.0.1:$EXITFILTER_PORT" -o /dev/null \
      -w '%{http_code} %{size_download} %{time_total}\n' "http://$ORIGIN/512m" >"$WORK/backpressure-curl.txt" 2>&1 &
    curl_pid=$!
    samples="$WORK/backpressure-samples.tsv"
    printf 't_s\theap_kib\tother_kib\trss_kib\n' >"$samples"
    bp_start=$SECONDS gc_heap=""
    while kill -0 "$curl_pid" 2>/dev/null && ((SECONDS - bp_start < 130)); do
      sleep 1
      t=$((SECONDS - bp_start))
      if [[ -z $gc_heap ]] && ((t >= 8)); then
        # Mid-transfer: what survives a full GC is what the transfer holds on to.
        jcmd "$pid" GC.run >/dev/null 2>&1 || true
        gc_heap=$(heap_kib)
      fi
      printf '%s\t%s\t%s\t%s\n' "$t" "$(heap_kib)" "$(other_kib)" "$(rss_kib)" >>"$samples"
    done
    wait "$curl_pid" || true
    read -r bp_code bp_bytes bp_secs <"$WORK/backpressure-curl.txt" || true
    max_heap=$(awk -F'\t' 'NR > 1 && $2 > m { m = $2 } END { print m + 0 }' "$samples")
    max_other=$(awk -F'\t' 'NR > 1 && $3 > m { m = $3 } END { print m + 0 }' "$samples")
    max_rss=$(awk -F'\t' 'NR > 1 && $4 > m { m = $4 } END { print m + 0 }' "$samples")
    {
      echo "status=${bp_code:-}"
      echo "bytes=${bp_bytes:-}"
      echo "seconds=${bp_secs:-}"
      echo "idle_heap_kib=$idle_heap"
      echo "max_heap_kib=$max_heap"
      echo "gc_heap_kib=$gc_heap"
      echo "idle_other_kib=$idle_other"
      echo "max_other_kib=$max_other"
      echo "idle_rss_kib=$idle_rss"
      echo "max_rss_kib=$max_rss"
      echo "samples=$(($(wc -l <"$samples") - 1))"
    } >"$BP"
    stop exitfilter
  else
    echo "error=exitfilter did not start" >"$BP"
  fi
fi
stop origin

# ------------------------------------------------------------------ report

RESULTS_DIR="$HERE/results"
mkdir -p "$RESULTS_DIR"
DATE=$(date -u +%F)
SUFFIX=""
if ((QUICK)); then SUFFIX=-quick; fi
RESULT_FILE="$RESULTS_DIR/RESULTS-$DATE$SUFFIX.md"
META="$WORK/meta.env"
{
  machine_meta
  echo "mode=$( ((QUICK)) && echo "quick (--quick)" || echo full)"
  echo "note=$NOTE"
  echo "pinning=$( ((PIN)) && echo "proxy on CPU $PROXY_CPUS; wrk and origin on CPU $LOAD_CPUS (taskset)" || echo "none")"
  echo "duration=$DURATION"
  echo "reps=$REPS"
  echo "warmup=$WARMUP"
  for k in "${!UNUSABLE[@]}"; do echo "unusable.$k=${UNUSABLE[$k]}"; done
} >"$META"

# The configs go into the report, so that a result can be reproduced.
CONFIGS="$WORK/configs.md"
{
  for f in "$WORK/origin/nginx.conf" "$WORK/exitfilter-${LISTS%% *}/exitfilter.yaml" \
    "$WORK/lists/blocklist-${LISTS%% *}.yaml" "$WORK/squid-${LISTS%% *}/squid.conf" \
    "$WORK/tinyproxy-${LISTS%% *}/tinyproxy.conf"; do
    [[ -f $f ]] || continue
    printf '\n`%s`:\n\n```\n%s\n```\n' "${f#"$WORK"/}" "$(cat "$f")"
  done
  printf '\nFirst lines of the lists (`lists/domains-*.txt`, `lists/squid-*.txt`):\n\n```\n%s\n...\n%s\n...\n```\n' \
    "$(head -3 "$WORK/lists/domains-${LISTS%% *}.txt")" "$(head -3 "$WORK/lists/squid-${LISTS%% *}.txt")"
} >"$CONFIGS"
awk '!seen[$0]++' "$WORK/commands.log" >"$WORK/commands.txt"

java "$HERE/Report.java" "$META" "$RAW" "$SANITY" "$BP" "$WORK/commands.txt" "$CONFIGS" >"$RESULT_FILE"
cat "$RESULT_FILE"
log "results written to ${RESULT_FILE#"$ROOT"/}"
