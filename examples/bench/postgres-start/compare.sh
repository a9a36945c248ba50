#!/usr/bin/env bash
# Before/after of a change, interleaved (not a test): run.sh's measurements for two checkouts in one run, round by
# round, so both see the same load. Each round starts, each in a fresh JVM: before's and after's Stevedore on the
# embedded engine and on dockerd (data directory cache on), Testcontainers once (it is the same for both), and both
# Stevedores on dockerd with the cache off. Prints the medians.
#   examples/bench/postgres-start/compare.sh BEFORE_CHECKOUT [ROUNDS]      (default 6)
# BEFORE_CHECKOUT is another worktree of this repository (e.g. `git worktree add --detach /tmp/before main`), built
# like this one: ./mvnw -q -pl examples,junit-extension -am package -DskipTests in both. Needs the test bed as run.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
after="$(cd "$here/../../.." && pwd)"
before="$(cd "${1:?usage: compare.sh BEFORE_CHECKOUT [ROUNDS]}" && pwd)"
rounds="${2:-6}"
socket=/run/stevedore-testbed/docker.sock
registry=127.0.0.1:5000
[[ -S "$socket" ]] || { echo "compare.sh: the test bed's dockerd is not up: sudo testbed/dockerd up" >&2; exit 2; }
bench=examples/bench/postgres-start
work="$after/examples/target/bench-postgres-compare"
rm -rf "$work" && mkdir -p "$work/home" "$work/tc"
trap 'rm -rf "$work/home"' EXIT
mvn -q -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/peer.classpath" >/dev/null
peer_cp="$(cat "$work/peer.classpath")"
common_cp="$(tr ':' '\n' <<<"$peer_cp" | grep -E '/(org/junit|org/opentest4j|org/apiguardian|org/postgresql|org/checkerframework)/' | paste -sd:)"
for side in before after; do
  root=${!side}
  [[ -s "$root/examples/target/jshell.classpath" ]] || { echo "compare.sh: build $root first" >&2; exit 2; }
  extension="$(ls "$root"/junit-extension/target/stevedore-junit-extension-*.jar | grep -v -- '-tests.jar' | head -n 1)"
  echo "$(cat "$root/examples/target/jshell.classpath"):$extension:$common_cp" >"$work/$side.classpath"
  mkdir -p "$work/$side"
  javac -d "$work/$side" -cp "$(cat "$work/$side.classpath")" "$root/$bench/src/harness/Harness.java" \
    "$root/$bench/src/stevedore/StevedorePostgresStart.java"
done
javac -d "$work/tc" -cp "$peer_cp" "$here/src/harness/Harness.java" "$here/src/testcontainers/TestcontainersPostgresStart.java"

stevedore() { # SIDE ENGINE CACHE(on|off)
  local root=${!1} cache="$work/postgres-cache-$1-$2"
  [[ "$3" == on ]] || cache=off
  env STEVEDORE_ENGINE="$2" DOCKER_HOST="unix://$socket" STEVEDORE_IMAGE_MIRROR="$registry" \
    STEVEDORE_HOME="$root/target/stevedore-it-home" STEVEDORE_POSTGRES_CACHE="$cache" \
    java -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$work/$1:$(cat "$work/$1.classpath")" \
    Harness StevedorePostgresStart "$1-stevedore-$2$([[ "$3" == on ]] || echo -no-cache)"
}
testcontainers() {
  env DOCKER_HOST="unix://$socket" TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost \
    java -Duser.home="$work/home" -Dbench.image="$registry/library/postgres:15" -cp "$work/tc:$peer_cp" \
    Harness TestcontainersPostgresStart testcontainers
}

echo "warming up (pulls the image into each engine, fills each side's data directory cache; not counted)"
for side in before after; do stevedore $side docker on >/dev/null; stevedore $side embedded on >/dev/null; done
testcontainers >/dev/null
: >"$work/results"
for ((i = 1; i <= rounds; i++)); do
  echo "round $i: load $(cut -d' ' -f1-3 /proc/loadavg)"
  for side in before after; do
    stevedore $side embedded on | grep '^RESULT' | tee -a "$work/results"
    stevedore $side docker on | grep '^RESULT' | tee -a "$work/results"
  done
  testcontainers | grep '^RESULT' | tee -a "$work/results"
  for side in before after; do stevedore $side docker off | grep '^RESULT' | tee -a "$work/results"; done
done
echo "medians over $rounds rounds (ms from launch to the first query answered):"
for name in $(awk '{print $2}' "$work/results" | sort -u); do
  awk -v n="$name" '$2 == n {print $3}' "$work/results" | sort -n |
    awk -v n="$name" '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "  %-32s %8.1f  (min %.1f, max %.1f)\n", n, m, v[1], v[NR]}'
done
