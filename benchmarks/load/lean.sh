#!/usr/bin/env bash
# How lean is exitfilter on a small exit (issue 9): throughput, CPU per request, latency, memory
# after load, launch time, reload time and its peak memory, heap per list entry, and many
# connections, for exitfilter and Squid with 10k and 1M lists, side by side, on loopback only.
# See benchmarks/load/README.md, "How lean".
#
#   benchmarks/load/lean.sh [--quick] [--install] [--pin] [--keep] [--note TEXT]
#
# Everything it starts listens on 127.0.0.1 and is stopped on exit, failure or Ctrl-C included;
# every step has a time bound, and so has the whole run.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

usage() {
  cat <<'EOF'
usage: benchmarks/load/lean.sh [--quick] [--install] [--pin] [--keep] [--note TEXT]

  --quick     short runs (a few minutes): checks that the harness works; not a measurement
  --install   also install nginx-light and squid from Debian's packages (wrk always); needs root
  --pin       pin the proxies to the first half of the cores, wrk and the origin to the second
              (default: nothing pinned, every process shares every core, as on a real exit)
  --keep      keep the temporary folder (configs, logs, raw results) and print its path
  --note TEXT a sentence put at the top of the results file

Environment (all optional): DURATION (s, 10), REPS (3), WARMUP (s, 10), SOAK (s, 60),
LISTS ("10k 1m"), SYSTEMS ("exitfilter squid"), BASELINE_JAR (adds exitfilter-before, started with
java -jar BASELINE_JAR), BASELINE_JAVA_OPTS, JAVA_OPTS (exitfilter's JVM options: passed as
EXITFILTER_JAVA_OPTS to bin/exitfilter when the checkout has it, else to java -jar),
IDLE_CONNS (10000), BUSY_CONNS (9000), BUSY_SECONDS (20), MANY_LIST (1m), RELOAD_TIMEOUT (s, 120),
RELOAD_POLL_MS (ms between the reload's polls, 20), RELOAD_LATE (s after the last reload for the
late RSS sample, 35), HELD_EDITS (edits with one more tunnel and keep-alive client held before
each, 6),
PORT_BASE (default the first free block of ten from 18580), PROXY_CPUS, LOAD_CPUS (with --pin),
ORIGIN_HOST (localhost), ORIGIN_SERVER (auto, nginx or netty), MAX_MINUTES (35; quick 15).
EOF
}

QUICK=0 INSTALL=0 PIN=0 KEEP=0 NOTE=""
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --install) INSTALL=1 ;;
    --pin) PIN=1 ;;
    --keep) KEEP=1 ;;
    --note) NOTE="${2:?--note needs a text}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "lean.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if ((QUICK)); then
  DURATION="${DURATION:-3}" REPS="${REPS:-1}" WARMUP="${WARMUP:-3}" SOAK="${SOAK:-10}"
  BUSY_SECONDS="${BUSY_SECONDS:-5}" MAX_MINUTES="${MAX_MINUTES:-15}"
else
  DURATION="${DURATION:-10}" REPS="${REPS:-3}" WARMUP="${WARMUP:-10}" SOAK="${SOAK:-60}"
  BUSY_SECONDS="${BUSY_SECONDS:-20}" MAX_MINUTES="${MAX_MINUTES:-35}"
fi
LISTS="${LISTS:-10k 1m}"
SYSTEMS="${SYSTEMS:-exitfilter squid}"
BASELINE_JAR="${BASELINE_JAR:-}"
BASELINE_JAVA_OPTS="${BASELINE_JAVA_OPTS:-}"
JAVA_OPTS="${JAVA_OPTS:-}"
IDLE_CONNS="${IDLE_CONNS:-10000}"
BUSY_CONNS="${BUSY_CONNS:-9000}"
MANY_LIST="${MANY_LIST:-1m}"
RELOAD_TIMEOUT="${RELOAD_TIMEOUT:-120}"
RELOAD_POLL_MS="${RELOAD_POLL_MS:-20}"
HELD_EDITS="${HELD_EDITS:-6}"
PORT_BASE_GIVEN=${PORT_BASE:+1}
PORT_BASE="${PORT_BASE:-18580}"
ORIGIN_HOST="${ORIGIN_HOST:-localhost}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-240}"
# Up to BUSY_CONNS + IDLE_CONNS upstream connections from the proxies at once.
ORIGIN_CONNECTIONS="${ORIGIN_CONNECTIONS:-19000}"
# shellcheck source=benchmarks/load/lib.sh
source "$HERE/lib.sh"

for l in $LISTS; do [[ $l == 10k || $l == 1m ]] || die "unknown list $l (10k or 1m)"; done
[[ -z $BASELINE_JAR || -f $BASELINE_JAR ]] || die "BASELINE_JAR $BASELINE_JAR is not a file"
# The many-connections scenario: wrk's 9,000 connections, counted like any wrk scenario.
SC_PATH[busy]=/small SC_CONNS[busy]=$BUSY_CONNS SC_CLOSE[busy]=0 SC_DELAY[busy]=0

# Every process started from here inherits as many open files as the hard limit allows: 10,000
# idle clients are 10,000 sockets in the proxy, and up as many again towards the origin.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
SQUID_MAX_FDS=$NOFILE

# ------------------------------------------------------------------ setup

install_packages nginx squid
command -v wrk >/dev/null || die "wrk is not installed"
command -v curl >/dev/null || die "curl is not installed"
command -v jcmd >/dev/null || die "jcmd (from the JDK) is not installed"
build_jar
if ((PIN)) && { ! command -v taskset >/dev/null || (($(nproc) < 2)); }; then
  log "not pinning: taskset missing or fewer than 2 cores"; PIN=0
fi
NPROC=$(nproc)
HALF=$((NPROC / 2))
PROXY_CPUS="${PROXY_CPUS:-$(cpu_range 0 $((HALF > 0 ? HALF - 1 : 0)))}"
LOAD_CPUS="${LOAD_CPUS:-$(cpu_range "$HALF" $((NPROC - 1)))}"
detect_servers

# exitfilter is started through the checkout's launcher when there is one (it sizes the JVM from
# the list), else as before; a baseline jar, when given, always the old way.
LAUNCHER=""
[[ -x "$ROOT/bin/exitfilter" ]] && LAUNCHER="$ROOT/bin/exitfilter"
VARIANTS=()
for s in $SYSTEMS; do
  case $s in
    exitfilter) VARIANTS+=(exitfilter); [[ -n $BASELINE_JAR ]] && VARIANTS+=(exitfilter-before) ;;
    squid) if ((HAVE_SQUID)); then VARIANTS+=(squid); else log "squid not installed: skipped (--install adds it)"; fi ;;
    *) die "unknown system $s (exitfilter or squid)" ;;
  esac
done

# Instances: VARIANT-LIST, plus VARIANT-empty of each exitfilter for the heap per entry.
INSTANCES=()
for v in "${VARIANTS[@]}"; do for l in $LISTS; do INSTANCES+=("$v-$l"); done; done
EMPTIES=()
for v in "${VARIANTS[@]}"; do [[ $v == exitfilter* ]] && EMPTIES+=("$v-empty"); done
choose_ports $((1 + ${#INSTANCES[@]} + ${#EMPTIES[@]}))
ORIGIN_PORT=$PORT_BASE
declare -A PORT=()
k=1
for i in "${INSTANCES[@]}" "${EMPTIES[@]}"; do PORT[$i]=$((PORT_BASE + k)); k=$((k + 1)); done
proxy_port() { echo "${PORT[$1]}"; }
variant_of() { echo "${1%-*}"; }
list_of() { echo "${1##*-}"; }

new_workdir
: >"$WORK/sanity.tsv"
FACTS="$WORK/facts.tsv"
: >"$FACTS"
fact() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$FACTS"; } # instance key value
start_watchdog "$MAX_MINUTES"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
log "work folder $WORK; load average $LOAD_AT_START; open files per process: $NOFILE"
log "pinning: $( ((PIN)) && echo "proxies on CPU $PROXY_CPUS, wrk and origin on CPU $LOAD_CPUS" || echo "off: every process shares every core")"
log "exitfilter started with: ${LAUNCHER:-java -jar target/exitfilter.jar}${BASELINE_JAR:+; baseline java -jar $BASELINE_JAR}"

# shellcheck disable=SC2086
make_lists empty $LISTS
start_origin

# ------------------------------------------------------------------ starting, and launch time

# The start is polled without starting a process per poll: on a 2-core machine a poll every 10 ms
# that forked a subshell, date and sleep took a good part of a core from the process whose start
# it timed (Squid's and exitfilter's alike). EPOCHREALTIME is the same clock as date's.
epoch_ms() { local t=${EPOCHREALTIME/./}; REPLY=$((t / 1000)); }
now_ms() { epoch_ms; echo "$REPLY"; } # the same clock, where a subshell does not matter
listening() { { exec {LISTENING_FD}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1; exec {LISTENING_FD}>&-; }
nap() { # seconds: sleep without /bin/sleep (read's timeout on a pipe no one writes to)
  [[ -n ${NAP_FD:-} ]] || exec {NAP_FD}<> <(:)
  read -rt "$1" -u "$NAP_FD" || true
}

jvm_pid() { # pid: that process if it is a JVM, else its first descendant that is (a launcher's)
  local pid=$1 depth c
  for depth in 1 2 3 4; do
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */java ]] && { echo "$pid"; return 0; }
    c=$(pgrep -P "$pid" | head -1 || true)
    [[ -n $c ]] || break
    pid=$c
  done
  echo "$1"
}

start_instance() { # instance: starts it, measures launch to listening and to a first answer
  local i=$1 v l port dir t0 t_listen t_ready cmd=()
  v=$(variant_of "$i") l=$(list_of "$i") port=${PORT[$i]} dir="$WORK/$i"
  if [[ $v == squid ]]; then
    cmd=(squid -N -f "$dir/squid.conf")
  else
    if [[ $v == exitfilter-before ]]; then
      # shellcheck disable=SC2206
      cmd=(java $BASELINE_JAVA_OPTS -jar "$BASELINE_JAR" run --config "$dir/exitfilter.yaml")
    elif [[ -n $LAUNCHER ]]; then
      # The launcher keeps a class data sharing archive in its cache folder, written when the
      # first start stops and read by every later one; as on an exit, where the service has been
      # started before, the start measured is a later one (the first is recorded too).
      mkdir -p "$dir/cache"
      cmd=(env EXITFILTER_JAR="$JAR" EXITFILTER_CACHE_DIR="$dir/cache")
      [[ -n $JAVA_OPTS ]] && cmd+=(EXITFILTER_JAVA_OPTS="$JAVA_OPTS")
      cmd+=("$LAUNCHER" run --config "$dir/exitfilter.yaml")
    else
      # shellcheck disable=SC2206
      cmd=(java $JAVA_OPTS -jar "$JAR" run --config "$dir/exitfilter.yaml")
    fi
  fi
  fact "$i" command "${cmd[*]}"
  if [[ -n $LAUNCHER && $v == exitfilter ]]; then
    epoch_ms; t0=$REPLY
    start_bg "$i" "$PROXY_CPUS" "$dir/first.log" "${cmd[@]}"
    while ! listening "$port" && kill -0 "${PIDS[$i]}" 2>/dev/null \
      && epoch_ms && ((REPLY - t0 < STARTUP_TIMEOUT * 1000)); do nap 0.01; done
    epoch_ms
    fact "$i" launch_first_listen_ms $((REPLY - t0))
    stop "$i"
    unset "PIDS[$i]"
  fi
  epoch_ms; t0=$REPLY
  start_bg "$i" "$PROXY_CPUS" "$dir/out.log" "${cmd[@]}"
  # Launch to listening: the port accepts a TCP connection; polled every 10 ms, bounded.
  while ! listening "$port"; do
    if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      log "$i exited during start; its log:"; tail -20 "$dir/out.log" "$dir/cache.log" >&2 2>/dev/null
      START_ERROR="exited during its start: $(tail -1 "$dir/out.log" 2>/dev/null)"
      unset "PIDS[$i]"; return 1
    fi
    epoch_ms
    if ((REPLY - t0 > STARTUP_TIMEOUT * 1000)); then
      log "$i not listening after $STARTUP_TIMEOUT s; stopping it"; stop "$i"
      START_ERROR="not listening within $STARTUP_TIMEOUT s"; return 1
    fi
    nap 0.01
  done
  epoch_ms; t_listen=$REPLY
  START_ERROR="no 200 through it within $STARTUP_TIMEOUT s"
  wait_ready "$i" "http://127.0.0.1:$port" "http://$ORIGIN/small" "$STARTUP_TIMEOUT" "$dir/out.log" || return 1
  t_ready=$(now_ms)
  fact "$i" launch_listen_ms $((t_listen - t0))
  fact "$i" launch_ready_ms $((t_ready - t0))
  if [[ $v == exitfilter* ]]; then
    MPIDS[$i]=$(jvm_pid "${PIDS[$i]}")
    local jp=${MPIDS[$i]}
    # The C library's settings the launcher puts in java's environment (MALLOC_ARENA_MAX) lead
    # the command line, as a shell would show them.
    local malloc_env
    malloc_env=$(tr '\0' '\n' <"/proc/$jp/environ" 2>/dev/null | grep '^MALLOC_' | xargs || true)
    fact "$i" jvm_cmdline "${malloc_env:+$malloc_env }$(tr '\0' ' ' <"/proc/$jp/cmdline" 2>/dev/null || true)"
    fact "$i" jvm_args "$(jcmd "$jp" VM.command_line 2>/dev/null | sed -n 's/^jvm_args: //p' || true)"
    fact "$i" jvm_flags "$(jcmd "$jp" VM.flags 2>/dev/null | tail -1 || true)"
  fi
  log "$i: listening after $((t_listen - t0)) ms, first answer after $((t_ready - t0)) ms"
}

prepare_instance() { # instance: its folder, configuration and own copy of the list
  local i=$1 v l port dir
  v=$(variant_of "$i") l=$(list_of "$i") port=${PORT[$i]} dir="$WORK/$i"
  mkdir -p "$dir"
  # Each instance has its own copy of the list, so that a reload touches that instance only.
  if [[ $v == squid ]]; then
    cp "$WORK/lists/squid-$l.txt" "$dir/list.txt"
    squid_config "$dir" "$l" "$port" "$dir/list.txt"
  else
    cp "$WORK/lists/domains-$l.txt" "$dir/list.txt"
    sed "s|file: domains-$l.txt|file: list.txt|" "$WORK/lists/blocklist-$l.yaml" >"$dir/blocklist.yaml"
    exitfilter_config "$dir" "$l" "$port" "$dir/blocklist.yaml"
  fi
}
for i in "${INSTANCES[@]}" "${EMPTIES[@]}"; do prepare_instance "$i"; done
# exitfilter reloads at start a list file changed (by its status-change time) within 2 s of its
# load, in case an edit was saved during the load; a copy made just before the start would count
# as one, and the figures after start would include that second load.
sleep 3

STARTED=()
for i in "${INSTANCES[@]}"; do
  if start_instance "$i"; then STARTED+=("$i"); else fact "$i" unusable "$START_ERROR"; fi
done
((${#STARTED[@]})) || die "no proxy started"
for i in "${STARTED[@]}"; do sanity "$i" "$(list_of "$i")"; done

# ------------------------------------------------------------------ small GET, 50 connections

saved=$DURATION DURATION=$WARMUP
for i in "${STARTED[@]}"; do
  log "warm-up $i: $WARMUP s"
  run_wrk "$(list_of "$i")" "$i" small-50 0 warmup
done
DURATION=$saved
sed -i '/\twarmup$/d' "$RAW"
n=${#STARTED[@]}
for rep in $(seq 1 "$REPS"); do
  # Round robin: each repetition starts with a different system.
  for k in $(seq 0 $((n - 1))); do
    i=${STARTED[$(((k + rep - 1) % n))]}
    run_wrk "$(list_of "$i")" "$i" small-50 "$rep"
  done
done

# Latency at the same offered load for every system: 50 connections, each pausing 5 ms after a
# response (lib.sh's paced-50, at most 10,000 req/s, below every system's saturation). At
# saturation a faster proxy is offered more requests at once, so its p99 is a queue of other
# work; paced, p99 is what a request costs each proxy. Same round robin as above.
for rep in $(seq 1 "$REPS"); do
  for k in $(seq 0 $((n - 1))); do
    i=${STARTED[$(((k + rep - 1) % n))]}
    run_wrk "$(list_of "$i")" "$i" paced-50 "$rep"
  done
done

# The same load for SOAK seconds without a break, RSS sampled every 5 s: does memory keep growing?
saved=$DURATION DURATION=$SOAK
for i in "${STARTED[@]}"; do
  pid=$(measured_pid "$i")
  log "soak $i: $SOAK s"
  (for _ in $(seq $((SOAK / 5 + 1))); do sleep 5; echo "$(rss_mib "$pid")"; done >"$WORK/soak-$i.txt") &
  sampler=$!
  run_wrk "$(list_of "$i")" "$i" small-50 soak soak
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  fact "$i" soak_rss_samples_mib "$(xargs <"$WORK/soak-$i.txt")"
done
DURATION=$saved

# ------------------------------------------------------------------ reload

reload() { # instance: append one new name to its list in place; time until it gets 403
  local i=$1 v l port pid name before t0 t1="" code="" polls=0 rss0 sampler poller go result
  v=$(variant_of "$i") l=$(list_of "$i") port=${PORT[$i]} pid=$(measured_pid "$i")
  name="reload-$((RANDOM % 1000)).${i}.lean.test"
  # One poller (ReloadPoll.java, one JVM, NIO) for every system, started and warmed up before the
  # edit: a new connection through the proxy every RELOAD_POLL_MS, a GET for the name, each
  # bounded to 2 s (until the ban applies, a request for the name waits on a DNS server that does
  # not exist, loopback where nothing answers, so the polls overlap). Its first request, before
  # the edit, must not get 403. It is told the edit's time on a pipe, and prints the ms from it to
  # the first 403. It replaces a subshell and a curl forked per poll, which cost about 150 ms of
  # CPU a poll on the 2-core VM (3 or 4 polls a second, not 50), took that CPU from the reload it
  # timed, and saw the 403 0.2 to 0.6 s after the proxy logged the reload (README, How lean).
  local out="$WORK/reload-poll-$i.txt" fifo="$WORK/reload-go-$i"
  rm -f "$fifo" && mkfifo "$fifo"
  record_cmd "java $HERE/ReloadPoll.java 127.0.0.1:$port http://NAME/small NAME $RELOAD_POLL_MS 2 $RELOAD_TIMEOUT"
  # Opened for reading and writing, a pipe never blocks its opener, whether the poller is there.
  exec {go}<>"$fifo"
  timeout -k 5 $((RELOAD_TIMEOUT + 60)) java "$HERE/ReloadPoll.java" "127.0.0.1:$port" \
    "http://$name/small" "$name" "$RELOAD_POLL_MS" 2 "$RELOAD_TIMEOUT" <"$fifo" >"$out" 2>&1 &
  poller=$!
  for _ in $(seq 600); do grep -q '^READY' "$out" && break; kill -0 "$poller" 2>/dev/null || break; sleep 0.1; done
  before=$(sed -n 's/^READY //p' "$out")
  if [[ $before != ??? || $before == 403 ]]; then
    exec {go}>&-
    wait "$poller" 2>/dev/null || true
    log "$i: $name $( [[ $before == 403 ]] && echo "is banned before the reload" || echo "could not be polled: $(tail -1 "$out")")"
    return 0
  fi
  settle "$pid"
  rss0=$(status_kib "$pid" VmRSS)
  # VmHWM is reset to the current RSS, so that after the reload it is the reload's own peak.
  echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || log "$i: could not reset VmHWM (clear_refs)"
  (for _ in $(seq $(((RELOAD_TIMEOUT + 5) * 20))); do status_kib "$pid" VmRSS; sleep 0.05; done >"$WORK/reload-$i.txt") &
  sampler=$!
  t0=$(now_ms)
  if [[ $v == squid ]]; then
    echo ".$name" >>"$WORK/$i/list.txt"
    echo "$t0" >&"$go"
    squid -k reconfigure -f "$WORK/$i/squid.conf" 2>>"$WORK/$i/out.log" || log "$i: squid -k reconfigure failed"
  else
    echo "$name" >>"$WORK/$i/list.txt"
    echo "$t0" >&"$go"
  fi
  exec {go}>&-
  wait "$poller" 2>/dev/null || true
  result=$(grep '^RESULT' "$out" || true)
  t1=$(sed -n 's/.* ms=\([0-9]*\) .*/\1/p' <<<"$result")
  polls=$(sed -n 's/.* polls=\([0-9]*\) .*/\1/p' <<<"$result")
  code=$(sed -n 's/.* last=\([0-9]*\) .*/\1/p' <<<"$result")
  sleep 1 # what the reload leaves behind settles within the peak
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  fact "$i" reload_before_code "$before"
  fact "$i" reload_polls "$polls"
  fact "$i" reload_ms "$t1"
  fact "$i" reload_rss_before_kib "$rss0"
  fact "$i" reload_hwm_kib "$(status_kib "$pid" VmHWM)"
  fact "$i" reload_rss_max_sampled_kib "$(sort -n "$WORK/reload-$i.txt" | tail -1)"
  fact "$i" reload_rss_after_kib "$(status_kib "$pid" VmRSS)"
  log "$i: reload $( [[ -n $t1 ]] && echo "answered 403 after $t1 ms" || echo "not seen within $RELOAD_TIMEOUT s (last ${code:-none}; ${result:-no result})"); peak $(status_kib "$pid" VmHWM) KiB from $rss0 KiB"
}
RELOAD_LATE="${RELOAD_LATE:-35}"
for i in "${STARTED[@]}"; do reload "$i"; done
# Memory once what the reload left behind could be collected: exitfilter collects again 30 s after
# a reload (a request that took the old list may hold it while it connects). Measured from the
# last reload; the earlier instances have waited longer.
log "waiting $RELOAD_LATE s for the RSS after the reloads"
sleep "$RELOAD_LATE"
for i in "${STARTED[@]}"; do fact "$i" reload_rss_late_kib "$(status_kib "$(measured_pid "$i")" VmRSS)"; done

# ------------------------------------------------------------------ heap per list entry

# Before the many connections, so that the empty instance's load meets the same machine state.

heap_bytes() { # pid: the live heap after a full GC (GC.class_histogram's total), in bytes
  jcmd "$1" GC.class_histogram 2>/dev/null | awk '$1 == "Total" { print $3 }' | tail -1 || true
}
for e in "${EMPTIES[@]}"; do
  v=$(variant_of "$e")
  if start_instance "$e"; then
    sanity "$e" empty
    # The same first load as the others, so that the same classes are loaded and compiled.
    saved=$DURATION DURATION=$WARMUP
    run_wrk empty "$e" small-50 0 warmup
    DURATION=$saved
    sed -i '/\twarmup$/d' "$RAW"
    for i in "$e" "${STARTED[@]}"; do
      [[ $(variant_of "$i") == "$v" ]] || continue
      fact "$i" heap_bytes "$(heap_bytes "$(measured_pid "$i")")"
    done
    stop "$e"
  fi
done

# ------------------------------------------------------------------ many connections

idle_conns() { # instance: IDLE_CONNS clients, one request each, then held open and idle
  local i=$1 port pid rss0 rss1 out client
  port=${PORT[$i]} pid=$(measured_pid "$i")
  settle "$pid"
  rss0=$(status_kib "$pid" VmRSS)
  out="$WORK/idle-$i.txt"
  record_cmd "java $HERE/Idle.java 127.0.0.1:$port http://$ORIGIN/small $ORIGIN $IDLE_CONNS 10 90"
  timeout -k 5 120 java "$HERE/Idle.java" "127.0.0.1:$port" "http://$ORIGIN/small" "$ORIGIN" "$IDLE_CONNS" 10 90 >"$out" 2>&1 &
  client=$!
  for _ in $(seq 1200); do grep -q '^HELD' "$out" && break; kill -0 "$client" 2>/dev/null || break; sleep 0.1; done
  sleep 2 # let the proxy finish with the last responses
  rss1=$(status_kib "$pid" VmRSS)
  wait "$client" || true
  fact "$i" idle_rss_before_kib "$rss0"
  fact "$i" idle_rss_held_kib "$rss1"
  fact "$i" idle_result "$(grep '^HELD' "$out" | head -1)"
  fact "$i" idle_done "$(grep '^DONE' "$out" | head -1)"
  log "$i: $(grep -E '^(HELD|DONE)' "$out" | xargs); RSS $rss0 -> $rss1 KiB"
}

busy_conns() { # instance: BUSY_CONNS wrk connections at once, keep-alive, for BUSY_SECONDS
  local i=$1 pid rss0
  pid=$(measured_pid "$i")
  settle "$pid"
  rss0=$(status_kib "$pid" VmRSS)
  echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
  local saved=$DURATION
  DURATION=$BUSY_SECONDS
  run_wrk "$(list_of "$i")" "$i" busy 1
  DURATION=$saved
  fact "$i" busy_rss_before_kib "$rss0"
  fact "$i" busy_hwm_kib "$(status_kib "$pid" VmHWM)"
}

for i in "${STARTED[@]}"; do
  [[ $(list_of "$i") == "$MANY_LIST" ]] || continue
  log "many connections through $i: $IDLE_CONNS idle, then $BUSY_CONNS busy for $BUSY_SECONDS s"
  idle_conns "$i"
  busy_conns "$i"
done

# ------------------------------------------------------------------ edits with connections held

held_edits() { # instance: HELD_EDITS edits, one more tunnel and keep-alive client held before each
  local i=$1 pid out
  pid=$(measured_pid "$i")
  settle "$pid"
  out="$WORK/held-edits-$i.txt"
  record_cmd "java $HERE/HeldEdits.java 127.0.0.1:${PORT[$i]} $ORIGIN LIST_FILE PID $HELD_EDITS $RELOAD_TIMEOUT"
  timeout -k 5 $((HELD_EDITS * (RELOAD_TIMEOUT + 10) + 60)) java "$HERE/HeldEdits.java" \
    "127.0.0.1:${PORT[$i]}" "$ORIGIN" "$WORK/$i/list.txt" "$pid" "$HELD_EDITS" "$RELOAD_TIMEOUT" \
    >"$out" 2>&1 || true
  fact "$i" held_edits_rss_kib "$(sed -n 's/^EDIT .* rss_kib=\([0-9a-z]*\) .*/\1/p' "$out" | xargs)"
  fact "$i" held_edits_ms "$(sed -n 's/^EDIT [0-9]* ms=\(-\{0,1\}[0-9]*\) .*/\1/p' "$out" | xargs)"
  fact "$i" held_edits_end "$(grep -E '^(DONE|FAILED)' "$out" | head -1)"
  log "$i: edits with connections held: $(grep -E '^(EDIT|DONE|FAILED)' "$out" | tr '\n' ';')"
}

# exitfilter only: the check is that a replaced list is let go while connections judged on it stay
# open (a tunnel kept its snapshot for as long as it lived, until 2026-12-06).
for i in "${STARTED[@]}"; do
  [[ $(variant_of "$i") == squid ]] && continue
  log "edits with connections held through $i: $HELD_EDITS edits"
  held_edits "$i"
done

for i in "${STARTED[@]}"; do stop "$i"; done
stop origin

# ------------------------------------------------------------------ report

RESULTS_DIR="$HERE/results"
mkdir -p "$RESULTS_DIR"
BASE="$RESULTS_DIR/LEAN-$(date -u +%F-%H%M)$( ((QUICK)) && echo -quick || true)"
META="$WORK/meta.env"
{
  machine_meta
  echo "mode=$( ((QUICK)) && echo "quick (--quick)" || echo full)"
  echo "note=$NOTE"
  echo "pinning=$( ((PIN)) && echo "proxies on CPU $PROXY_CPUS; wrk and origin on CPU $LOAD_CPUS (taskset)" || echo "none: every process shares every core")"
  echo "launcher=${LAUNCHER:+bin/exitfilter}"
  echo "java_opts=$JAVA_OPTS"
  echo "baseline_jar=$BASELINE_JAR"
  echo "baseline_java_opts=$BASELINE_JAVA_OPTS"
  echo "duration=$DURATION"
  echo "reps=$REPS"
  echo "warmup=$WARMUP"
  echo "soak=$SOAK"
  echo "idle_conns=$IDLE_CONNS"
  echo "busy_conns=$BUSY_CONNS"
  echo "busy_seconds=$BUSY_SECONDS"
  echo "many_list=$MANY_LIST"
  echo "reload_late=$RELOAD_LATE"
  echo "reload_poll_ms=$RELOAD_POLL_MS"
  echo "held_edits=$HELD_EDITS"
  echo "nofile=$NOFILE"
  echo "instances=${INSTANCES[*]}"
} >"$META"
CONFIGS="$WORK/configs.md"
{
  for f in "$WORK/origin/nginx.conf" "$WORK/${INSTANCES[0]}/exitfilter.yaml" "$WORK/${INSTANCES[0]}/blocklist.yaml"; do
    [[ -f $f ]] && printf '\n`%s`:\n\n```\n%s\n```\n' "${f#"$WORK"/}" "$(cat "$f")"
  done
  for i in "${INSTANCES[@]}"; do
    [[ -f "$WORK/$i/squid.conf" ]] && { printf '\n`%s`:\n\n```\n%s\n```\n' "$i/squid.conf" "$(cat "$WORK/$i/squid.conf")"; break; }
  done
} >"$CONFIGS"
awk '!seen[$0]++' "$WORK/commands.log" >"$WORK/commands.txt"
java -Djava.awt.headless=true "$HERE/Lean.java" "$META" "$RAW" "$FACTS" "$WORK/sanity.tsv" \
  "$WORK/commands.txt" "$CONFIGS" "$BASE.md" "$BASE.png"
cat "$BASE.md"
log "results written to ${BASE#"$ROOT"/}.md and .png"
