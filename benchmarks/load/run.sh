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
declare -A LIST_SIZE=([10k]=10000 [1m]=1000000)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for sc in $SCENARIOS; do [[ -n "${SC_PATH[$sc]:-}" ]] || die "unknown scenario $sc"; done
for l in $LISTS; do [[ -n "${LIST_SIZE[$l]:-}" ]] || die "unknown list $l (10k or 1m)"; done

# ------------------------------------------------------------------ cleanup, always

WORK=""
declare -A PIDS=()        # name -> pid of what this script started
POLICY_RC_CREATED=0
WATCHDOG=""

stop() { # name: TERM, up to 10 s to go, then KILL
  local name=$1 pid=${PIDS[$1]:-}
  [[ -n "$pid" ]] || return 0
  unset "PIDS[$name]"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
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

# ------------------------------------------------------------------ tools

install_packages() {
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  if ((INSTALL)); then
    command -v nginx >/dev/null || need+=(nginx)
    command -v squid >/dev/null || need+=(squid)
    command -v tinyproxy >/dev/null || need+=(tinyproxy)
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

ticks() { # utime+stime of a whole process (all threads), in clock ticks; 0 once it is gone
  { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null || true; } | awk '{ t = $12 + $13 } END { print t + 0 }'
}

rss_mib() { # VmRSS in MiB, empty once the process is gone
  awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || true
}

cpu_list() { # a taskset list ("0", "0-1", "0,2-3") -> "0 1 2 3"
  local part out=""
  for part in ${1//,/ }; do
    if [[ $part == *-* ]]; then out+="$(seq -s ' ' "${part%-*}" "${part#*-}") "; else out+="$part "; fi
  done
  echo "$out"
}

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

http_code() { # proxy-or-empty url: the status code of one GET, 000 when none
  local proxy=$1 url=$2
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 ${proxy:+-x "$proxy"} "$url" || true
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

# ------------------------------------------------------------------ setup

install_packages
command -v wrk >/dev/null || die "wrk is not installed"
command -v curl >/dev/null || die "curl is not installed"
build_jar
if ((PIN)) && { ! command -v taskset >/dev/null || (($(nproc) < 2)); }; then
  log "not pinning: taskset missing or fewer than 2 cores"; PIN=0
fi
cpu_range() { if (($1 == $2)); then echo "$1"; else echo "$1-$2"; fi; }
NPROC=$(nproc)
HALF=$((NPROC / 2))
# The proxies get the first half of the cores, wrk and the origin the second: on two cores, one
# core each. See README.md, "Pinning".
PROXY_CPUS="${PROXY_CPUS:-$(cpu_range 0 $((HALF > 0 ? HALF - 1 : 0)))}"
LOAD_CPUS="${LOAD_CPUS:-$(cpu_range "$HALF" $((NPROC - 1)))}"

HAVE_NGINX=0 HAVE_SQUID=0 HAVE_TINYPROXY=0
case "${ORIGIN_SERVER:-auto}" in
  auto) command -v nginx >/dev/null && HAVE_NGINX=1 ;;
  nginx) command -v nginx >/dev/null || die "ORIGIN_SERVER=nginx but nginx is not installed"; HAVE_NGINX=1 ;;
  netty) ;;
  *) die "ORIGIN_SERVER is auto, nginx or netty" ;;
esac
command -v squid >/dev/null && HAVE_SQUID=1
command -v tinyproxy >/dev/null && HAVE_TINYPROXY=1
ACTIVE=()
for s in $SYSTEMS; do
  case $s in
    direct | exitfilter) ACTIVE+=("$s") ;;
    squid | tinyproxy)
      if command -v "$s" >/dev/null; then ACTIVE+=("$s"); else log "$s not installed: skipped (--install adds it)"; fi ;;
    *) die "unknown system $s" ;;
  esac
done

ports_free() { # base: are base..base+3 all free on 127.0.0.1?
  local p
  for p in $(seq "$1" $(($1 + 3))); do port_free "$p" || return 1; done
}
# Four ports from PORT_BASE; unless PORT_BASE was given, the next free block of ten is taken
# when those are in use (other benchmarks may run on the machine).
for _ in $(seq 20); do
  ports_free "$PORT_BASE" && break
  [[ -n $PORT_BASE_GIVEN ]] && die "a port of $PORT_BASE..$((PORT_BASE + 3)) on 127.0.0.1 is in use; set PORT_BASE to a free range"
  PORT_BASE=$((PORT_BASE + 10))
done
ports_free "$PORT_BASE" || die "no free ports found from 18480 on; set PORT_BASE"
ORIGIN_PORT=$PORT_BASE EXITFILTER_PORT=$((PORT_BASE + 1))
SQUID_PORT=$((PORT_BASE + 2)) TINYPROXY_PORT=$((PORT_BASE + 3))

WORK=$(mktemp -d /tmp/exitfilter-load.XXXXXX)
chmod 755 "$WORK" # nginx, squid and tinyproxy drop root and must still read their files
: >"$WORK/commands.log"
RAW="$WORK/raw.tsv"
printf 'phase\tsystem\tscenario\trep\tconns\trequests\tseconds\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\terr_connect\terr_read\terr_write\terr_timeout\tnon2xx\tcpu_pct\trss_mib\tmib_per_s\tcore_busy_pct\tnote\n' >"$RAW"

# A watchdog bounds the whole run, whatever hangs.
(
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep $((MAX_MINUTES * 60)) &
  sleeper=$!
  wait "$sleeper"
  log "run exceeded $MAX_MINUTES minutes; stopping"
  kill -TERM $$
) &
WATCHDOG=$!

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
log "work folder $WORK; load average $LOAD_AT_START"
log "pinning: $( ((PIN)) && echo "proxies on CPU $PROXY_CPUS, wrk and origin on CPU $LOAD_CPUS" || echo off)"

# ------------------------------------------------------------------ blocklists

# Deterministic names: site-N.example-M.test, M = N mod 1000; the 10k list is the first 10,000
# names of the 1M list. .test is reserved (RFC 2606), so no name is anyone's site.
mkdir -p "$WORK/lists"
for l in $LISTS; do
  n=${LIST_SIZE[$l]}
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "site-%d.example-%d.test\n", i, i % 1000 }' \
    >"$WORK/lists/domains-$l.txt"
  sed 's/^/./' "$WORK/lists/domains-$l.txt" >"$WORK/lists/squid-$l.txt"
  cat >"$WORK/lists/blocklist-$l.yaml" <<EOF
# Generated by benchmarks/load/run.sh: $n domain bans from one plain-text list.
lists:
  - file: domains-$l.txt
    kind: domain
    reason: "load benchmark"
EOF
  # Requests to banned names rotate through 16 of them, spread over the whole list: 8 banned
  # domains themselves and 8 names under them.
  names=""
  for k in $(seq 0 7); do
    i=$(((k * n) / 8 + n / 16 + 7))
    j=$(((k * n) / 8 + n / 11 + 3))
    names+="site-$i.example-$((i % 1000)).test www.site-$j.example-$((j % 1000)).test "
  done
  printf '%s\n' "$names" >"$WORK/lists/banned-names-$l.txt"
done
chmod 644 "$WORK"/lists/*
log "generated blocklists: $LISTS"

# ------------------------------------------------------------------ origin

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
# Generated by benchmarks/load/run.sh. One worker: the origin shares its core with wrk.
worker_processes 1;
daemon off;
master_process on;
pid $WORK/origin/nginx.pid;
error_log $WORK/origin/error.log warn;
events { worker_connections 8192; }
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
    listen 127.0.0.1:$ORIGIN_PORT;
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
  addresses=127.0.0.1
  ((HAVE_V6)) && addresses+=",::1"
  start_bg origin "$LOAD_CPUS" "$WORK/origin/stdout.log" \
    java -cp "$JAR" "$HERE/origin/Origin.java" "$addresses" "$ORIGIN_PORT" "$WORK/www"
fi
wait_ready origin "" "http://127.0.0.1:$ORIGIN_PORT/small" 60 "$WORK/origin/stdout.log" || die "origin did not start"
size=$(curl -s --max-time 5 "http://127.0.0.1:$ORIGIN_PORT/small" | wc -c)
((size == 100)) || die "origin /small is $size bytes, want 100"

ORIGIN="$ORIGIN_HOST:$ORIGIN_PORT"

# ------------------------------------------------------------------ the proxies

start_exitfilter() { # list [extra JVM options]: exitfilter with that list, on its port
  local l=$1 dir="$WORK/exitfilter-$1"
  shift
  mkdir -p "$dir"
  cp "$ROOT/conf/blockpage.html" "$dir/"
  cat >"$dir/exitfilter.yaml" <<EOF
# Generated by benchmarks/load/run.sh; every other key keeps its default.
listen: 127.0.0.1:$EXITFILTER_PORT
admin: off
# The origin is on loopback, which an exit must never allow; here it is the only destination.
allow-private-destinations: true
# Names come from /etc/hosts (localhost); should anything be asked of DNS, it goes to loopback,
# where nothing answers, and shows up as 502s instead of leaving the machine.
resolver: 127.0.0.1:9
blocklist: $WORK/lists/blocklist-$l.yaml
block-page: blockpage.html
EOF
  # shellcheck disable=SC2086
  start_bg exitfilter "$PROXY_CPUS" "$dir/exitfilter.log" \
    java $JAVA_OPTS "$@" -jar "$JAR" run --config "$dir/exitfilter.yaml"
  wait_ready exitfilter "http://127.0.0.1:$EXITFILTER_PORT" "http://$ORIGIN/small" \
    "$STARTUP_TIMEOUT" "$dir/exitfilter.log"
}

start_squid() { # list
  local l=$1 dir="$WORK/squid-$1"
  mkdir -p "$dir"
  cat >"$dir/squid.conf" <<EOF
# Generated by benchmarks/load/run.sh: a plain forward proxy with the same bans, no cache.
http_port 127.0.0.1:$SQUID_PORT
# -n: never reverse-resolve an IP literal to match it (exitfilter does not either).
acl banned dstdomain -n "$WORK/lists/squid-$l.txt"
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
max_filedescriptors 16384
# Names come from /etc/hosts; a DNS query would go to loopback, where nothing answers.
dns_nameservers 127.0.0.1
EOF
  # Squid drops root for its own user, which must still write its log.
  if id proxy >/dev/null 2>&1; then chown proxy "$dir"; fi
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
sanity() { # system list: one allowed and one banned request, recorded
  local s=$1 l=$2 proxy banned ok bad
  proxy="http://127.0.0.1:$(proxy_port "$s")"
  banned=$(cut -d' ' -f2 "$WORK/lists/banned-names-$l.txt")
  ok=$(http_code "$proxy" "http://$ORIGIN/small")
  bad=$(http_code "$proxy" "http://$banned/small")
  printf '%s\t%s\t%s\t%s\n' "$s" "$l" "$ok" "$bad" >>"$SANITY"
  [[ $ok == 200 && $bad == 403 ]] || log "warning: $s ($l): allowed -> $ok, banned $banned -> $bad (want 200, 403)"
}

# ------------------------------------------------------------------ one wrk run

run_wrk() { # phase system scenario rep [note]: one measured run, appended to raw.tsv
  local phase=$1 system=$2 sc=$3 rep=$4 note=${5:-}
  local conns=${SC_CONNS[$sc]} url target names="" pid="" out t0 t1 c0 c1 cpu="" rss=""
  if [[ $system == direct ]]; then
    url="http://127.0.0.1:$ORIGIN_PORT"
    target=${SC_PATH[$sc]}
  else
    url="http://127.0.0.1:$(proxy_port "$system")"
    target="http://$ORIGIN${SC_PATH[$sc]}"
    pid=${PIDS[$system]}
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
      rss=$(rss_mib "$pid")
    else
      note+=" proxy-died"
    fi
  fi
  local line
  line=$(grep '^WRK_RESULT' "$out" || true)
  if [[ -z $line ]]; then
    log "  $system $sc: no result from wrk ($(tail -1 "$out"))"
    printf '%s\t%s\t%s\t%s\t%s\t\t\t\t\t\t\t\t\t\t\t\t\t%s\t%s\t\t%s\t%s\n' "$phase" "$system" "$sc" "$rep" "$conns" "$cpu" "$rss" "$busy" "no-result$note" >>"$RAW"
  else
    echo "$line" | awk -v phase="$phase" -v sys="$system" -v sc="$sc" -v rep="$rep" -v conns="$conns" \
      -v cpu="$cpu" -v rss="$rss" -v busy="$busy" -v note="${note# }" '
      { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
      END {
        s = v["duration_us"] / 1e6
        printf "%s\t%s\t%s\t%s\t%s\t%d\t%.2f\t%.1f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%.1f\t%s\t%s\n",
          phase, sys, sc, rep, conns, v["requests"], s, v["requests"] / s,
          v["p50_us"] / 1000, v["p90_us"] / 1000, v["p99_us"] / 1000, v["max_us"] / 1000,
          v["connect"], v["read"], v["write"], v["timeout"], v["status"], cpu, rss,
          v["bytes"] / s / 1048576, busy, note
      }' >>"$RAW"
    log "  $(tail -1 "$RAW" | awk -F'\t' '{printf "%-10s %-9s %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms  cpu %s%% (core %s%%)  non2xx %s  errors %d", $2, $3, $8, $9, $11, $18, $21, $17, $13+$14+$15+$16}')"
  fi
  [[ -n $pid ]] && settle "$pid"
  return 0
}

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

version() { "$@" 2>&1 | head -1 || true; }
RESULTS_DIR="$HERE/results"
mkdir -p "$RESULTS_DIR"
DATE=$(date -u +%F)
SUFFIX=""
if ((QUICK)); then SUFFIX=-quick; fi
RESULT_FILE="$RESULTS_DIR/RESULTS-$DATE$SUFFIX.md"
META="$WORK/meta.env"
{
  echo "started=$STARTED_AT"
  echo "mode=$( ((QUICK)) && echo "quick (--quick)" || echo full)"
  echo "note=$NOTE"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$NPROC"
  echo "memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "kernel=$(uname -r)"
  echo "load=$LOAD_AT_START"
  echo "jdk=$(java -version 2>&1 | sed -n '2p')"
  echo "wrk=$(version wrk -v | awk '{print $1, $2}')"
  echo "origin=$ORIGIN_KIND$( ((HAVE_NGINX)) && echo " $(version nginx -v | sed 's/.*: //')")"
  echo "squid=$( ((HAVE_SQUID)) && version squid -v || echo "not installed")"
  echo "tinyproxy=$( ((HAVE_TINYPROXY)) && version tinyproxy -v || echo "not installed")"
  echo "exitfilter=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo " (with uncommitted changes)")"
  echo "pinning=$( ((PIN)) && echo "proxy on CPU $PROXY_CPUS; wrk and origin on CPU $LOAD_CPUS (taskset)" || echo "none")"
  echo "duration=$DURATION"
  echo "reps=$REPS"
  echo "warmup=$WARMUP"
  echo "origin_host=$ORIGIN"
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
