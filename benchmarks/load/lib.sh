# shellcheck shell=bash
# shellcheck disable=SC2016 # backquotes in printf formats are Markdown
# Shared pieces of the load benchmarks (run.sh, lean.sh): cleanup, tools, blocklists, the origin,
# the proxies' configurations and one wrk run. Sourced, never run.
#
# The sourcing script sets, before sourcing: HERE, ROOT, KEEP, INSTALL, PIN, DURATION,
# STARTUP_TIMEOUT, ORIGIN_HOST; before calling the functions: WORK, RAW, PROXY_CPUS, LOAD_CPUS,
# and defines proxy_port (system -> port). Sourcing installs the cleanup trap.

# wrk's per-request timeout; a request slower than this counts as a timeout error.
WRK_TIMEOUT=2s
WRK_THREADS=2

# Scenario -> path, connections, Connection: close, pause between a connection's requests (ms).
# "banned" rotates through banned names. "paced-50" offers at most 50 / 5 ms = 10,000 req/s, below
# what the proxies can do, so that its latency is the proxy's own rather than a queue's.
declare -A SC_PATH=([small-50]=/small [paced-50]=/small [small-200]=/small [1m]=/1m [close]=/small [banned]=/small)
declare -A SC_CONNS=([small-50]=50 [paced-50]=50 [small-200]=200 [1m]=10 [close]=50 [banned]=50)
declare -A SC_CLOSE=([small-50]=0 [paced-50]=0 [small-200]=0 [1m]=0 [close]=1 [banned]=0)
declare -A SC_DELAY=([small-50]=0 [paced-50]=5 [small-200]=0 [1m]=0 [close]=0 [banned]=0)
declare -A LIST_SIZE=([empty]=0 [10k]=10000 [1m]=1000000)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ------------------------------------------------------------------ cleanup, always

WORK=""
declare -A PIDS=()        # name -> pid of what this script started
declare -A MPIDS=()       # name -> pid to measure, when not PIDS' (a launcher's JVM)
POLICY_RC_CREATED=0
WATCHDOG=""

stop() { # name: TERM, up to 10 s to go, then KILL (the measured JVM first, then what started it)
  local name=$1 pid=${PIDS[$1]:-} mpid=${MPIDS[$1]:-} p
  [[ -n "$pid" ]] || return 0
  unset "PIDS[$name]" "MPIDS[$name]"
  for p in $mpid $pid; do
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$p" 2>/dev/null || true
    fi
  done
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for name in "${!PIDS[@]}"; do stop "$name"; done
  if [[ -n "$WATCHDOG" ]]; then kill "$WATCHDOG" 2>/dev/null || true; wait "$WATCHDOG" 2>/dev/null || true; fi
  if ((POLICY_RC_CREATED)); then rm -f /usr/sbin/policy-rc.d; fi
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    if ((KEEP)); then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "error: line $LINENO: $BASH_COMMAND failed"' ERR
trap 'log "interrupted"; exit 130' INT TERM

start_watchdog() { # minutes: a watchdog bounds the whole run, whatever hangs
  local minutes=$1
  (
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep $((minutes * 60)) &
    sleeper=$!
    wait "$sleeper"
    log "run exceeded $minutes minutes; stopping"
    kill -TERM $$
  ) &
  WATCHDOG=$!
}

# ------------------------------------------------------------------ tools

install_packages() { # command...: wrk always, these too with --install (nginx means nginx-light)
  local need=() c
  command -v wrk >/dev/null || need+=(wrk)
  if ((INSTALL)); then
    for c in "$@"; do command -v "$c" >/dev/null || need+=("$c"); done
  fi
  ((${#need[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "missing ${need[*]}: run as root, or: sudo apt-get install -y ${need[*]}"
  # Installing must not start system services (nginx on :80, squid on :3128): Debian's
  # maintainer scripts ask policy-rc.d first, so one answering "no" is put in place meanwhile.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
  fi
  log "installing ${need[*]} from Debian's packages"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -q >&2
  local pkgs=()
  for p in "${need[@]}"; do
    if [[ $p == nginx ]] && apt-cache show nginx-light >/dev/null 2>&1; then p=nginx-light; fi
    pkgs+=("$p")
  done
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2
  if ((POLICY_RC_CREATED)); then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
}

build_jar() {
  JAR="$ROOT/target/exitfilter.jar"
  # Rebuilt when missing or older than the sources, so a stale jar is never measured.
  if [[ -f "$JAR" ]] && [[ -z "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ]]; then
    return 0
  fi
  log "building exitfilter (mvn -q -DskipTests package)"
  (cd "$ROOT" && timeout 900 mvn -q -B -N -DskipTests package >&2)
  [[ -f "$JAR" ]] || die "build did not produce $JAR"
}

pin() { # cpus: prefix for a command, empty when not pinning
  if ((PIN)); then printf 'taskset -c %s' "$1"; fi
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ports_free() { # base count: are base..base+count-1 all free on 127.0.0.1?
  local p
  for p in $(seq "$1" $(($1 + $2 - 1))); do port_free "$p" || return 1; done
}

choose_ports() { # count: sets PORT_BASE to the first free block (of ten) from PORT_BASE on
  local count=$1
  # Unless PORT_BASE was given, the next free block of ten is taken when those are in use
  # (other benchmarks may run on the machine).
  for _ in $(seq 20); do
    ports_free "$PORT_BASE" "$count" && return 0
    [[ -n ${PORT_BASE_GIVEN:-} ]] && die "a port of $PORT_BASE..$((PORT_BASE + count - 1)) on 127.0.0.1 is in use; set PORT_BASE to a free range"
    PORT_BASE=$((PORT_BASE + 10))
  done
  die "no free ports found; set PORT_BASE"
}

ticks() { # utime+stime of a whole process (all threads), in clock ticks; 0 once it is gone
  { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null || true; } | awk '{ t = $12 + $13 } END { print t + 0 }'
}

rss_mib() { # VmRSS in MiB, empty once the process is gone
  awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || true
}

status_kib() { # pid field: a /proc/PID/status field (VmRSS, VmHWM) in KiB, empty once gone
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null || true
}

cpu_list() { # a taskset list ("0", "0-1", "0,2-3") -> "0 1 2 3"
  local part out=""
  for part in ${1//,/ }; do
    if [[ $part == *-* ]]; then out+="$(seq -s ' ' "${part%-*}" "${part#*-}") "; else out+="$part "; fi
  done
  echo "$out"
}

cpu_range() { if (($1 == $2)); then echo "$1"; else echo "$1-$2"; fi; }

core_stat() { # "busy total" jiffies of the proxy's cores (all cores when not pinning)
  local pattern='^cpu '
  if ((PIN)); then pattern="^cpu($(cpu_list "$PROXY_CPUS" | xargs | tr ' ' '|')) "; fi
  awk -v p="$pattern" '$0 ~ p { t = 0; for (i = 2; i <= NF; i++) t += $i; busy += t - $5 - $6; total += t }
    END { print busy, total }' /proc/stat
}

settle() { # pid: wait (up to 15 s) until the process is idle, so a backlog does not spill over
  local pid=$1 a b
  for _ in $(seq 60); do
    kill -0 "$pid" 2>/dev/null || return 0
    a=$(ticks "$pid"); sleep 0.25; b=$(ticks "$pid")
    ((b - a <= 1)) && return 0
  done
  return 0 # still busy after 15 s: go on all the same
}

record_cmd() { printf '%s\n' "$*" >>"$WORK/commands.log"; }

start_bg() { # name cpus logfile command...: starts a server, pinned, in the background
  local name=$1 cpus=$2 logfile=$3
  shift 3
  local prefix
  prefix=$(pin "$cpus")
  record_cmd "$prefix $*"
  # exec: the recorded pid is the server itself (taskset execs it too), so /proc/PID is its own.
  # shellcheck disable=SC2086
  $prefix "$@" >"$logfile" 2>&1 </dev/null &
  PIDS[$name]=$!
}

measured_pid() { # name: the pid whose CPU and memory count (a launcher's JVM, else the started one)
  echo "${MPIDS[$1]:-${PIDS[$1]:-}}"
}

http_code() { # proxy-or-empty url [max-seconds]: the status code of one GET, 000 when none
  local proxy=$1 url=$2 max=${3:-5}
  curl -s -o /dev/null -w '%{http_code}' --max-time "$max" ${proxy:+-x "$proxy"} "$url" || true
}

wait_ready() { # name proxy url timeout logfile: until a GET through it answers 200
  local name=$1 proxy=$2 url=$3 timeout=$4 logfile=$5 start=$SECONDS code
  while :; do
    if ! kill -0 "${PIDS[$name]}" 2>/dev/null; then
      log "$name exited during start; its log:"; tail -20 "$logfile" >&2; return 1
    fi
    code=$(http_code "$proxy" "$url")
    [[ $code == 200 ]] && { log "$name ready after $((SECONDS - start)) s"; return 0; }
    if ((SECONDS - start > timeout)); then
      log "$name not ready after $timeout s (last status $code); stopping it"
      stop "$name"
      return 1
    fi
    sleep 0.3
  done
}

detect_servers() { # sets HAVE_NGINX, HAVE_SQUID, HAVE_TINYPROXY (ORIGIN_SERVER: auto, nginx, netty)
  HAVE_NGINX=0 HAVE_SQUID=0 HAVE_TINYPROXY=0
  case "${ORIGIN_SERVER:-auto}" in
    auto) command -v nginx >/dev/null && HAVE_NGINX=1 ;;
    nginx) command -v nginx >/dev/null || die "ORIGIN_SERVER=nginx but nginx is not installed"; HAVE_NGINX=1 ;;
    netty) ;;
    *) die "ORIGIN_SERVER is auto, nginx or netty" ;;
  esac
  command -v squid >/dev/null && HAVE_SQUID=1
  command -v tinyproxy >/dev/null && HAVE_TINYPROXY=1
  return 0
}

new_workdir() { # sets WORK (a fresh temporary folder) and RAW (the wrk runs' table)
  WORK=$(mktemp -d /tmp/exitfilter-load.XXXXXX)
  chmod 755 "$WORK" # nginx, squid and tinyproxy drop root and must still read their files
  : >"$WORK/commands.log"
  RAW="$WORK/raw.tsv"
  printf 'phase\tsystem\tscenario\trep\tconns\trequests\tseconds\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\terr_connect\terr_read\terr_write\terr_timeout\tnon2xx\tcpu_pct\trss_mib\tmib_per_s\tcore_busy_pct\tcpu_s\tnote\n' >"$RAW"
}

# ------------------------------------------------------------------ blocklists

make_lists() { # list...: the lists of these sizes (10k, 1m, empty), in every proxy's form
  # Deterministic names: site-N.example-M.test, M = N mod 1000; the 10k list is the first 10,000
  # names of the 1M list. .test is reserved (RFC 2606), so no name is anyone's site.
  local l n names i j k
  mkdir -p "$WORK/lists"
  for l in "$@"; do
    n=${LIST_SIZE[$l]}
    awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "site-%d.example-%d.test\n", i, i % 1000 }' \
      >"$WORK/lists/domains-$l.txt"
    sed 's/^/./' "$WORK/lists/domains-$l.txt" >"$WORK/lists/squid-$l.txt"
    cat >"$WORK/lists/blocklist-$l.yaml" <<EOF
# Generated by benchmarks/load: $n domain bans from one plain-text list.
lists:
  - file: domains-$l.txt
    kind: domain
    reason: "load benchmark"
EOF
    # Requests to banned names rotate through 16 of them, spread over the whole list: 8 banned
    # domains themselves and 8 names under them.
    ((n > 0)) || continue
    names=""
    for k in $(seq 0 7); do
      i=$(((k * n) / 8 + n / 16 + 7))
      j=$(((k * n) / 8 + n / 11 + 3))
      names+="site-$i.example-$((i % 1000)).test www.site-$j.example-$((j % 1000)).test "
    done
    printf '%s\n' "$names" >"$WORK/lists/banned-names-$l.txt"
  done
  chmod 644 "$WORK"/lists/*
  log "generated blocklists: $*"
}

# ------------------------------------------------------------------ origin

start_origin() { # the origin on ORIGIN_PORT (nginx if installed, else Origin.java); sets ORIGIN
  local conns=${ORIGIN_CONNECTIONS:-8192}
  mkdir -p "$WORK/www" "$WORK/origin"
  head -c 1048576 /dev/zero >"$WORK/www/1m"
  # Sparse: 512 MiB of zeros that take no disk.
  truncate -s 512M "$WORK/www/512m"
  chmod 755 "$WORK/www" && chmod 644 "$WORK/www"/*
  HAVE_V6=0
  grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null && HAVE_V6=1

  if ((HAVE_NGINX)); then
    ORIGIN_KIND=nginx
    mkdir -p "$WORK/origin/tmp"
    SMALL_BODY=$(printf 'exitfilter load benchmark origin: a small response %s' "$(printf '%.0s.' $(seq 48))")
    ((${#SMALL_BODY} == 99)) || die "small body is ${#SMALL_BODY} bytes, want 99 + newline"
    cat >"$WORK/origin/nginx.conf" <<EOF
# Generated by benchmarks/load. One worker: the origin shares its core with wrk.
worker_processes 1;
daemon off;
master_process on;
pid $WORK/origin/nginx.pid;
error_log $WORK/origin/error.log warn;
worker_rlimit_nofile $((conns + 100));
events { worker_connections $conns; }
http {
  access_log off;
  client_body_temp_path $WORK/origin/tmp/body;
  proxy_temp_path $WORK/origin/tmp/proxy;
  fastcgi_temp_path $WORK/origin/tmp/fastcgi;
  uwsgi_temp_path $WORK/origin/tmp/uwsgi;
  scgi_temp_path $WORK/origin/tmp/scgi;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  # Never close a keep-alive connection by count: the benchmark measures requests, not reconnects.
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$ORIGIN_PORT backlog=$conns;
$( ((HAVE_V6)) && echo "    listen [::1]:$ORIGIN_PORT;")
    root $WORK/www;
    location = /small { default_type text/plain; return 200 "$SMALL_BODY\n"; }
  }
}
EOF
    start_bg origin "$LOAD_CPUS" "$WORK/origin/stdout.log" \
      nginx -e "$WORK/origin/error.log" -p "$WORK/origin" -c "$WORK/origin/nginx.conf"
  else
    ORIGIN_KIND="Netty (benchmarks/load/origin/Origin.java)"
    local addresses=127.0.0.1
    ((HAVE_V6)) && addresses+=",::1"
    start_bg origin "$LOAD_CPUS" "$WORK/origin/stdout.log" \
      java -cp "$JAR" "$HERE/origin/Origin.java" "$addresses" "$ORIGIN_PORT" "$WORK/www"
  fi
  wait_ready origin "" "http://127.0.0.1:$ORIGIN_PORT/small" 60 "$WORK/origin/stdout.log" || die "origin did not start"
  local size
  size=$(curl -s --max-time 5 "http://127.0.0.1:$ORIGIN_PORT/small" | wc -c)
  ((size == 100)) || die "origin /small is $size bytes, want 100"
  ORIGIN="$ORIGIN_HOST:$ORIGIN_PORT"
}

# ------------------------------------------------------------------ the proxies' configurations

exitfilter_config() { # dir list port [blocklist.yaml]: writes DIR/exitfilter.yaml (and its block page)
  local dir=$1 l=$2 port=$3 blocklist=${4:-$WORK/lists/blocklist-$2.yaml}
  mkdir -p "$dir"
  cp "$ROOT/conf/blockpage.html" "$dir/"
  cat >"$dir/exitfilter.yaml" <<EOF
# Generated by benchmarks/load; every other key keeps its default.
listen: 127.0.0.1:$port
admin: off
# The origin is on loopback, which an exit must never allow; here it is the only destination.
allow-private-destinations: true
# Names come from /etc/hosts (localhost); should anything be asked of DNS, it goes to loopback,
# where nothing answers, and shows up as 502s instead of leaving the machine.
resolver: 127.0.0.1:9
blocklist: $blocklist
block-page: blockpage.html
${ORIGIN_PORT:+# CONNECT to the origin too, for the tunnels lean.sh holds open across edits.
connect-ports: [443, $ORIGIN_PORT]}
EOF
}

squid_config() { # dir list port [list file]: writes DIR/squid.conf
  local dir=$1 l=$2 port=$3 list=${4:-$WORK/lists/squid-$2.txt}
  mkdir -p "$dir"
  cat >"$dir/squid.conf" <<EOF
# Generated by benchmarks/load: a plain forward proxy with the same bans, no cache.
http_port 127.0.0.1:$port
# -n: never reverse-resolve an IP literal to match it (exitfilter does not either).
acl banned dstdomain -n "$list"
http_access deny banned
http_access allow localhost
http_access deny all
cache deny all
cache_mem 8 MB
access_log none
cache_store_log none
cache_log $dir/cache.log
pid_filename $dir/squid.pid
coredump_dir $dir
netdb_filename none
pinger_enable off
logfile_rotate 0
shutdown_lifetime 1 second
max_filedescriptors ${SQUID_MAX_FDS:-16384}
# Names come from /etc/hosts; a DNS query would go to loopback, where nothing answers.
dns_nameservers 127.0.0.1
EOF
  # Squid drops root for its own user, which must still write its log.
  if id proxy >/dev/null 2>&1; then chown proxy "$dir"; fi
}

sanity() { # system list: one allowed and one banned request, recorded in $WORK/sanity.tsv
  local s=$1 l=$2 proxy banned ok bad
  proxy="http://127.0.0.1:$(proxy_port "$s")"
  ok=$(http_code "$proxy" "http://$ORIGIN/small")
  if [[ -f "$WORK/lists/banned-names-$l.txt" ]]; then
    banned=$(cut -d' ' -f2 "$WORK/lists/banned-names-$l.txt")
    bad=$(http_code "$proxy" "http://$banned/small")
  else
    banned="" bad=403 # an empty list bans nothing
  fi
  printf '%s\t%s\t%s\t%s\n' "$s" "$l" "$ok" "$bad" >>"$WORK/sanity.tsv"
  [[ $ok == 200 && $bad == 403 ]] || log "warning: $s ($l): allowed -> $ok, banned $banned -> $bad (want 200, 403)"
}

# ------------------------------------------------------------------ one wrk run

run_wrk() { # phase system scenario rep [note]: one measured run, appended to $RAW
  local phase=$1 system=$2 sc=$3 rep=$4 note=${5:-}
  local conns=${SC_CONNS[$sc]} url target names="" pid="" out t0 t1 c0 c1 cpu="" cpu_s="" rss=""
  if [[ $system == direct ]]; then
    url="http://127.0.0.1:$ORIGIN_PORT"
    target=${SC_PATH[$sc]}
  else
    url="http://127.0.0.1:$(proxy_port "$system")"
    target="http://$ORIGIN${SC_PATH[$sc]}"
    pid=$(measured_pid "$system")
  fi
  [[ $sc == banned ]] && names=$(<"$WORK/lists/banned-names-$phase.txt")
  out="$WORK/wrk/$phase-$system-$sc-$rep.txt"
  mkdir -p "$WORK/wrk"
  local env=(WRK_TARGET="$target" WRK_HOST="$ORIGIN" WRK_CLOSE="${SC_CLOSE[$sc]}" WRK_DELAY="${SC_DELAY[$sc]}" WRK_NAMES="$names")
  local cmd=(wrk -t"$WRK_THREADS" -c"$conns" -d"${DURATION}s" --timeout "$WRK_TIMEOUT" --latency -s "$HERE/proxy.lua" "$url")
  [[ $note == warmup ]] || record_cmd "WRK_TARGET='$target' WRK_HOST='$ORIGIN' WRK_CLOSE=${SC_CLOSE[$sc]} WRK_DELAY=${SC_DELAY[$sc]}${names:+ WRK_NAMES='<16 names from banned-names-$phase.txt>'} $(pin "$LOAD_CPUS") ${cmd[*]}"
  [[ -n $pid ]] && c0=$(ticks "$pid")
  local k0 k1 busy
  k0=$(core_stat)
  t0=$(date +%s%N)
  # shellcheck disable=SC2046
  env "${env[@]}" timeout -k 5 $((DURATION + 20)) $(pin "$LOAD_CPUS") "${cmd[@]}" >"$out" 2>&1 || note+=" wrk-exit-$?"
  t1=$(date +%s%N)
  k1=$(core_stat)
  # How busy the proxy's core was, by anyone: well above the proxy's own CPU means other work
  # (or the kernel's loopback processing) shared the core during the run.
  busy=$(awk -v a="$k0" -v b="$k1" 'BEGIN { split(a, x, " "); split(b, y, " ");
    if (y[2] > x[2]) printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }')
  if [[ -n $pid ]]; then
    if kill -0 "$pid" 2>/dev/null; then
      c1=$(ticks "$pid")
      cpu=$(awk -v d=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", 100 * d / hz / (ns / 1e9) }')
      cpu_s=$(awk -v d=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", d / hz }')
      rss=$(rss_mib "$pid")
    else
      note+=" proxy-died"
    fi
  fi
  local line
  line=$(grep '^WRK_RESULT' "$out" || true)
  if [[ -z $line ]]; then
    log "  $system $sc: no result from wrk ($(tail -1 "$out"))"
    printf '%s\t%s\t%s\t%s\t%s\t\t\t\t\t\t\t\t\t\t\t\t\t%s\t%s\t\t%s\t%s\t%s\n' "$phase" "$system" "$sc" "$rep" "$conns" "$cpu" "$rss" "$busy" "$cpu_s" "no-result$note" >>"$RAW"
  else
    echo "$line" | awk -v phase="$phase" -v sys="$system" -v sc="$sc" -v rep="$rep" -v conns="$conns" \
      -v cpu="$cpu" -v cpu_s="$cpu_s" -v rss="$rss" -v busy="$busy" -v note="${note# }" '
      { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
      END {
        s = v["duration_us"] / 1e6
        printf "%s\t%s\t%s\t%s\t%s\t%d\t%.2f\t%.1f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%.1f\t%s\t%s\t%s\n",
          phase, sys, sc, rep, conns, v["requests"], s, v["requests"] / s,
          v["p50_us"] / 1000, v["p90_us"] / 1000, v["p99_us"] / 1000, v["max_us"] / 1000,
          v["connect"], v["read"], v["write"], v["timeout"], v["status"], cpu, rss,
          v["bytes"] / s / 1048576, busy, cpu_s, note
      }' >>"$RAW"
    log "  $(tail -1 "$RAW" | awk -F'\t' '{printf "%-16s %-9s %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms  cpu %s%% (core %s%%)  non2xx %s  errors %d", $2, $3, $8, $9, $11, $18, $21, $17, $13+$14+$15+$16}')"
  fi
  [[ -n $pid ]] && settle "$pid"
  return 0
}

# ------------------------------------------------------------------ the report's header

version() { "$@" 2>&1 | head -1 || true; }

machine_meta() { # key=value lines: date, machine, tools, exitfilter's commit
  echo "started=$STARTED_AT"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$(nproc)"
  echo "memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "kernel=$(uname -r)"
  echo "load=$LOAD_AT_START"
  echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "jdk=$(java -version 2>&1 | sed -n '2p')"
  echo "wrk=$(version wrk -v | awk '{print $1, $2}')"
  echo "origin=$ORIGIN_KIND$( ((HAVE_NGINX)) && echo " $(version nginx -v | sed 's/.*: //')")"
  echo "squid=$( ((HAVE_SQUID)) && version squid -v || echo "not installed")"
  echo "tinyproxy=$( ((HAVE_TINYPROXY)) && version tinyproxy -v || echo "not installed")"
  echo "exitfilter=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo " (with uncommitted changes)")"
  echo "origin_host=$ORIGIN"
}
