#!/usr/bin/env bash
# Per-request cost of a forwarded keep-alive GET through exitfilter (issue 9, point 4):
# heap allocated per request (exact, from JFR's per-thread allocation counters), the top
# allocation sites (JFR's allocation samples), and CPU per request (/proc/PID/stat), over
# bounded wrk runs. Loopback only. See "Per-request cost" in benchmarks/RESULTS.md.
#
#   benchmarks/load/alloc.sh [--runs N] [--duration S] [--warmup S] [--pin] [--keep]
#
# Setup as in run.sh's small-50 scenario: nginx (or origin/Origin.java) on 127.0.0.1, 10,000
# domain bans, the origin addressed as "localhost" so that the name is matched and resolved on
# every request, exitfilter's resolver pointed at a dead loopback port (127.0.0.1:9) so that no
# DNS query can leave the machine, wrk -t2 -c50 with keep-alive. Unpinned by default, as the
# issue measured; --pin puts exitfilter on CPU 0 and wrk and the origin on CPU 1.
# Everything it starts is stopped on exit; every wrk run is bounded by `timeout`.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

RUNS=3 DURATION=10 WARMUP=30 PIN=0 KEEP=0
CONNS="${CONNS:-50}" BANS="${BANS:-10000}" ORIGIN_HOST="${ORIGIN_HOST:-localhost}"
SAMPLE_RATE="${SAMPLE_RATE:-300/s}" SITES="${SITES:-15}" JAVA_OPTS="${JAVA_OPTS:-}"
while (($#)); do
  case "$1" in
    --runs) RUNS=${2:?}; shift ;;
    --duration) DURATION=${2:?}; shift ;;
    --warmup) WARMUP=${2:?}; shift ;;
    --pin) PIN=1 ;;
    --keep) KEEP=1 ;;
    -h | --help)
      sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      echo "Environment: CONNS (50), BANS (10000), ORIGIN_HOST (localhost), SAMPLE_RATE (300/s),"
      echo "SITES (15), JAVA_OPTS, ORIGIN_SERVER (auto, nginx or netty), PORT_BASE, JAR (a build to measure),"
      echo "BROWSER_HEADERS (1: send a desktop browser's request fields, not only Host)."
      exit 0 ;;
    *) echo "alloc.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
((DURATION <= 60 && WARMUP <= 120 && RUNS <= 20)) || { echo "alloc.sh: runs are bounded (duration <= 60, warmup <= 120, runs <= 20)" >&2; exit 2; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

WORK="" ORIGIN_PID="" PROXY_PID=""
stop_pid() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$PROXY_PID"
  stop_pid "$ORIGIN_PID"
  if [[ -n $WORK && -d $WORK ]]; then
    if ((KEEP)); then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

command -v wrk >/dev/null || die "wrk is missing: apt-get install -y wrk"
command -v curl >/dev/null || die "curl is missing"
command -v jcmd >/dev/null || die "jcmd is missing (a JDK's bin/)"

# JAR=path measures a given build (say, a copy of the jar before a change) instead of this tree's.
if [[ -n ${JAR:-} ]]; then
  [[ -f $JAR ]] || die "no such jar: $JAR"
else
  JAR="$ROOT/target/exitfilter.jar"
fi
if [[ $JAR == "$ROOT/target/exitfilter.jar" ]] && { [[ ! -f $JAR ]] || [[ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ]]; }; then
  log "building exitfilter (mvn -q -DskipTests package)"
  (cd "$ROOT" && timeout 900 mvn -q -B -N -DskipTests package >&2)
fi

pin() { ((PIN)) && printf 'taskset -c %s' "$1" || true; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ticks() { { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null || true; } | awk '{ print $12 + $13 }'; }
loop_ticks() { # utime+stime of the event-loop threads (comm is cut to 15 characters)
  local t total=0
  for t in /proc/"$1"/task/*; do
    [[ $(cat "$t/comm" 2>/dev/null) == multiThreadIoEv* ]] || continue
    total=$((total + $(sed 's/.*) //' "$t/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}

# Two free ports, clear of run.sh's default block, so both can run side by side.
PORT_BASE="${PORT_BASE:-18580}"
for _ in $(seq 20); do
  port_free "$PORT_BASE" && port_free $((PORT_BASE + 1)) && break
  PORT_BASE=$((PORT_BASE + 10))
done
ORIGIN_PORT=$PORT_BASE PROXY_PORT=$((PORT_BASE + 1))
ORIGIN="$ORIGIN_HOST:$ORIGIN_PORT"

WORK=$(mktemp -d /tmp/exitfilter-alloc.XXXXXX)
chmod 755 "$WORK"

# ------------------------------------------------------------------ origin

USE_NGINX=0
case "${ORIGIN_SERVER:-auto}" in
  auto) command -v nginx >/dev/null && USE_NGINX=1 ;;
  nginx) USE_NGINX=1 ;;
  netty) ;;
  *) die "ORIGIN_SERVER is auto, nginx or netty" ;;
esac
mkdir -p "$WORK/www" "$WORK/origin/tmp"
if ((USE_NGINX)); then
  ORIGIN_KIND="nginx $(nginx -v 2>&1 | sed 's/.*: //')"
  cat >"$WORK/origin/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process off;
error_log $WORK/origin/error.log warn;
pid $WORK/origin/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/origin/tmp/body;
  proxy_temp_path $WORK/origin/tmp/proxy;
  fastcgi_temp_path $WORK/origin/tmp/fastcgi;
  uwsgi_temp_path $WORK/origin/tmp/uwsgi;
  scgi_temp_path $WORK/origin/tmp/scgi;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$ORIGIN_PORT;
    location = /small { default_type text/plain; return 200 "exitfilter per-request benchmark: a small response of one hundred bytes ..........................\n"; }
  }
}
EOF
  # shellcheck disable=SC2046
  $(pin 1) nginx -e "$WORK/origin/error.log" -p "$WORK/origin" -c "$WORK/origin/nginx.conf" \
    >"$WORK/origin/stdout.log" 2>&1 </dev/null &
else
  ORIGIN_KIND="Netty (origin/Origin.java)"
  head -c 1048576 /dev/zero >"$WORK/www/1m"
  truncate -s 512M "$WORK/www/512m"
  # shellcheck disable=SC2046
  $(pin 1) java -cp "$JAR" "$HERE/origin/Origin.java" 127.0.0.1 "$ORIGIN_PORT" "$WORK/www" \
    >"$WORK/origin/stdout.log" 2>&1 </dev/null &
fi
ORIGIN_PID=$!
for _ in $(seq 120); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$ORIGIN_PORT/small" || true) == 200 ]] && break
  kill -0 "$ORIGIN_PID" 2>/dev/null || { cat "$WORK/origin/stdout.log" >&2; die "origin exited"; }
  sleep 0.5
done

# ------------------------------------------------------------------ exitfilter

awk -v n="$BANS" 'BEGIN { for (i = 0; i < n; i++) printf "site-%d.example-%d.test\n", i, i % 1000 }' >"$WORK/domains.txt"
cat >"$WORK/blocklist.yaml" <<EOF
lists:
  - file: domains.txt
    kind: domain
    reason: "per-request benchmark"
EOF
cp "$ROOT/conf/blockpage.html" "$WORK/"
cat >"$WORK/exitfilter.yaml" <<EOF
listen: 127.0.0.1:$PROXY_PORT
admin: off
# The origin is on loopback, which an exit must never allow; here it is the only destination.
allow-private-destinations: true
# "localhost" comes from /etc/hosts; should anything be asked of DNS, it goes to a dead loopback
# port and shows up as 502s instead of leaving the machine.
resolver: 127.0.0.1:9
blocklist: $WORK/blocklist.yaml
block-page: blockpage.html
EOF
# shellcheck disable=SC2046,SC2086
$(pin 0) java $JAVA_OPTS -jar "$JAR" run --config "$WORK/exitfilter.yaml" >"$WORK/exitfilter.log" 2>&1 </dev/null &
PROXY_PID=$!
for _ in $(seq 240); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -x "http://127.0.0.1:$PROXY_PORT" "http://$ORIGIN/small" || true)
  [[ $code == 200 ]] && break
  kill -0 "$PROXY_PID" 2>/dev/null || { tail -20 "$WORK/exitfilter.log" >&2; die "exitfilter exited"; }
  sleep 0.5
done
[[ $code == 200 ]] || die "exitfilter did not answer 200 (last $code)"
bad=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -x "http://127.0.0.1:$PROXY_PORT" "http://site-7.example-7.test/small" || true)
[[ $bad == 403 ]] || die "a banned name got $bad, want 403"

cat >"$WORK/alloc.jfc" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="exitfilter per-request allocation">
  <event name="jdk.ThreadAllocationStatistics">
    <setting name="enabled">true</setting>
    <setting name="period">everyChunk</setting>
  </event>
  <event name="jdk.ObjectAllocationSample">
    <setting name="enabled">true</setting>
    <setting name="throttle">SAMPLE_RATE</setting>
    <setting name="stackTrace">true</setting>
  </event>
</configuration>
EOF
sed -i "s|SAMPLE_RATE|$SAMPLE_RATE|" "$WORK/alloc.jfc"

# BROWSER_HEADERS=1: each request also carries the fields a desktop browser sends (wrk alone sends
# only Host), which is what the proxy parses, strips and forwards for real users.
WRK_HEADERS=()
if [[ ${BROWSER_HEADERS:-0} == 1 ]]; then
  WRK_HEADERS=(
    -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    -H "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    -H "Accept-Language: en-US,en;q=0.5"
    -H "Accept-Encoding: gzip, deflate"
    -H "Proxy-Connection: keep-alive"
    -H "Upgrade-Insecure-Requests: 1"
    -H "Sec-Fetch-Dest: document"
    -H "Sec-Fetch-Mode: navigate"
    -H "Sec-Fetch-Site: none"
    -H "Priority: u=0, i"
  )
fi
run_wrk() { # seconds output
  # shellcheck disable=SC2046
  WRK_TARGET="http://$ORIGIN/small" WRK_HOST="$ORIGIN" timeout -k 5 $(($1 + 20)) $(pin 1) \
    wrk -t2 -c"$CONNS" -d"${1}s" --timeout 2s "${WRK_HEADERS[@]}" -s "$HERE/proxy.lua" \
    "http://127.0.0.1:$PROXY_PORT" >"$2" 2>&1
}
field() { sed -n "s/.*[ ]$1=\([0-9.]*\).*/\1/p" "$2" | head -1; }

log "exitfilter pid $PROXY_PID on :$PROXY_PORT, origin $ORIGIN_KIND on :$ORIGIN_PORT; load $(cut -d' ' -f1-3 /proc/loadavg)"
log "warming up for $WARMUP s"
run_wrk "$WARMUP" "$WORK/warmup.txt"

HZ=$(getconf CLK_TCK) TOTAL_REQUESTS=0
printf 'run\trequests\treq_s\tloop_B_req\tall_B_req\tcpu_us_req\tloop_cpu_us_req\terrors\tnon2xx\tload1\n' >"$WORK/results.tsv"
for run in $(seq "$RUNS"); do
  jcmd "$PROXY_PID" JFR.start name=perreq settings="$WORK/alloc.jfc" >/dev/null
  c0=$(ticks "$PROXY_PID") l0=$(loop_ticks "$PROXY_PID")
  run_wrk "$DURATION" "$WORK/wrk-$run.txt" || log "wrk exited with $?"
  c1=$(ticks "$PROXY_PID") l1=$(loop_ticks "$PROXY_PID")
  jcmd "$PROXY_PID" JFR.stop name=perreq filename="$WORK/run-$run.jfr" >/dev/null
  out="$WORK/wrk-$run.txt"
  requests=$(field requests "$out")
  [[ -n $requests && $requests -gt 0 ]] || { cat "$out" >&2; die "no result from wrk"; }
  errors=$(awk '/^WRK_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] ~ /^(connect|read|write|timeout)$/) e += kv[2] } } END { print e + 0 }' "$out")
  java "$HERE/AllocReport.java" "$requests" 0 "$WORK/run-$run.jfr" >"$WORK/report-$run.txt"
  TOTAL_REQUESTS=$((TOTAL_REQUESTS + requests))
  awk -v run="$run" -v req="$requests" -v us="$(field duration_us "$out")" -v c=$((c1 - c0)) -v l=$((l1 - l0)) \
    -v hz="$HZ" -v err="$errors" -v non2xx="$(field status "$out")" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
    /^ALLOC_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END { printf "%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%s\n", run, req, req / (us / 1e6),
      v["loop_bytes_per_req"], v["all_bytes_per_req"], 1e6 * c / hz / req, 1e6 * l / hz / req, err, non2xx, load }' \
    "$WORK/report-$run.txt" >>"$WORK/results.tsv"
  log "run $run: $(tail -1 "$WORK/results.tsv" | awk -F'\t' '{printf "%s req (%s/s), %s B/req on the event loops, %s B/req all threads, %s us CPU/req (event loops %s), errors %s, non-2xx %s", $2, $3, $4, $5, $6, $7, $8, $9}')"
done

echo "# exitfilter per-request cost ($(date -u '+%F %H:%M UTC'), $( [[ $JAR == "$ROOT/target/exitfilter.jar" ]] && echo "$(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- src pom.xml || echo '+changes')" || echo "$JAR"))"
echo "# $(java -version 2>&1 | sed -n 2p); origin $ORIGIN_KIND; wrk -t2 -c$CONNS keep-alive GET http://$ORIGIN/small$( [[ ${BROWSER_HEADERS:-0} == 1 ]] && echo " with a browser's request fields"); $BANS bans; $( ((PIN)) && echo pinned || echo unpinned); $RUNS x $DURATION s after $WARMUP s warm-up"
column -t -s$'\t' "$WORK/results.tsv"
median() { tail -n +2 "$WORK/results.tsv" | cut -f"$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "median: $(median 4) B/request (event loops), $(median 5) B/request (all threads), $(median 6) us CPU/request"
echo
echo "Allocation over all runs, by site (bytes per request: each site's share of the samples, of the exact total):"
java "$HERE/AllocReport.java" "$TOTAL_REQUESTS" "$SITES" "$WORK"/run-*.jfr | sed -n '2,$p'
echo
echo "More views of a recording (--keep): /usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr view allocation-by-site FILE.jfr"
