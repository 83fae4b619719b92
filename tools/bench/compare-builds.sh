#!/usr/bin/env bash
# Single writes of an earlier build against this checkout, on fresh 3-node clusters, alternating
# (old, new, old, new, ...) so that a shared host's drift falls on both; the same load generator
# (this checkout's) drives both.
#
#   tools/bench/compare-builds.sh REV [ROUNDS]      e.g. tools/bench/compare-builds.sh 1e4b3a8 2
#
# Each round and build: `stemedb cluster up`, single writes at 64 connections (90 s warm-up, 15 s
# measured), then at 1 connection (3 s warm-up, 10 s), `cluster down`. The earlier build is cloned
# into a temp dir and built with `mvn package` (it does not touch ~/.m2's installed jars).
set -euo pipefail
REV=${1:?usage: compare-builds.sh REV [ROUNDS]}
ROUNDS=${2:-2}
HERE="$(cd "$(dirname "$0")/../.." && pwd)"
OLD=$(mktemp -d /tmp/stemedb-build-XXXXXX)
stop_all() { # also when a step fails: no cluster is left running
  for d in /tmp/stemedb-compare-builds-*; do
    [ -d "$d" ] && "$HERE/stemedb" cluster down --dir "$d" > /dev/null 2>&1 || true
  done
  rm -rf "$OLD" /tmp/stemedb-compare-builds-*
}
trap stop_all EXIT
git clone -q "$HERE" "$OLD"
git -C "$OLD" checkout -q "$REV"
echo "building $REV in $OLD ..."
(cd "$OLD" && mvn -q -B -ntp package -DskipTests)
touch "$OLD/tools/target/classpath.txt" "$OLD/ratis-shell/target/classpath.txt" # the launcher then does not rebuild (install)
for round in $(seq 1 "$ROUNDS"); do
  for build in "$REV" main; do
    if [ "$build" = main ]; then ROOT="$HERE"; P=32000; else ROOT="$OLD"; P=31000; fi
    D=/tmp/stemedb-compare-builds-$round-$P
    rm -rf "$D"
    "$ROOT/stemedb" cluster up --detach --dir "$D" --base-port $P > /dev/null
    U=http://127.0.0.1:$P,http://127.0.0.1:$((P + 100)),http://127.0.0.1:$((P + 200))
    echo "== round $round, $build ($(uptime | sed 's/.*load/load/'))"
    "$HERE/bench" http-load --urls "$U" --scenario single --connections 64 --warmup 90 --seconds 15 | grep -E '^run .*req/s'
    "$HERE/bench" http-load --urls "$U" --scenario single --connections 1 --warmup 3 --seconds 10 | grep -E '^run .*req/s'
    "$ROOT/stemedb" cluster down --dir "$D" > /dev/null
  done
done
