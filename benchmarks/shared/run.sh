#!/usr/bin/env bash
# Shared lists (issue 11), measured on loopback: push-to-enforcement with 3 real exits and with 50
# more followers in one JVM, and a 1,000,000-entry shared list (first fetch and apply, a fetch
# that finds nothing new, a one-entry change, the git server's CPU per fetch, and the RSS of a
# real exit with it against the same list as a local list). About 6 minutes.
#
#   benchmarks/shared/run.sh [--server git|jgit] [--refresh SECONDS] [--pushes N] [--followers N] [--keep]
#
# Defaults: git daemon (jgit: JGit's daemon, as the e2e tests serve), refresh 2 s, 10 pushes per
# case, 50 in-JVM followers. Writes benchmarks/shared/results/SHARED-<date>.md and prints it;
# progress goes to standard error. Needs a JDK 17, Maven (offline is enough) and git. Everything
# listens on 127.0.0.1 only.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
REFRESH=2 PUSHES=10 FOLLOWERS=50 KEEP=0 SERVER=git
while (($#)); do
  case "$1" in
    --refresh) REFRESH=$2; shift 2 ;;
    --pushes) PUSHES=$2; shift 2 ;;
    --followers) FOLLOWERS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --server) SERVER=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# The load benchmarks' helpers: cleanup on exit (their trap), log, build_jar, and make_lists,
# the generator of the 1M list (site-N.example-M.test) that RESULTS.md's local figures used.
INSTALL=0 PIN=0 DURATION=0 STARTUP_TIMEOUT=0 ORIGIN_HOST=127.0.0.1
# shellcheck source=../load/lib.sh
source "$ROOT/benchmarks/load/lib.sh"

build_jar
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
if [[ ! -f "$BENCH_JAR" ]] || [[ -n "$(find "$ROOT/benchmarks/src" "$JAR" -newer "$BENCH_JAR" -print -quit)" ]]; then
  log "building benchmarks.jar (mvn install, then the benchmarks' package)"
  (cd "$ROOT" && timeout 900 mvn -q -B -o -DskipTests install >&2 && timeout 900 mvn -q -B -o -f benchmarks/pom.xml package >&2)
fi

WORK=$(mktemp -d /tmp/exitfilter-shared.XXXXXX)
make_lists 1m
mkdir -p "$HERE/results"
REPORT="$HERE/results/SHARED-$(date -u +%Y-%m-%d-%H%M).md"
{
  echo "<!-- $(date -u +%FT%TZ); exitfilter $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- src bin pom.xml || echo ' (uncommitted changes)') -->"
  echo "- Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- JDK: $(java -version 2>&1 | sed -n 2p)"
  echo
} >"$WORK/header.md"
log "work folder $WORK"
timeout 1800 java -Xmx3g -XX:+ExplicitGCInvokesConcurrent -cp "$BENCH_JAR" \
  org.exitfilter.shared.SharedListBench "$WORK" "$ROOT/bin/exitfilter" \
  "$WORK/lists/domains-1m.txt" "$WORK/lists/blocklist-1m.yaml" \
  "$REFRESH" "$PUSHES" "$FOLLOWERS" "$WORK/report.md" "$SERVER" >/dev/null
echo "- Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/header.md"
cat "$WORK/header.md" "$WORK/report.md" >"$REPORT"
cat "$REPORT"
log "written $REPORT"
