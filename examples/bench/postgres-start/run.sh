#!/usr/bin/env bash
# Benchmark (not a test): from "start" to the first JDBC query answered, Stevedore's JUnit extension against
# Testcontainers' PostgreSQLContainer, each in a fresh JVM, on the same postgres:15 image and the same dockerd.
# Stevedore runs twice per round: as users get it (its cache of initialized data directories warm, after the
# first run of the configuration) and with that cache off (every start runs initdb, as Testcontainers does).
# Each side runs with its defaults as a user gets them: Stevedore's Postgres keeps its data directory on a tmpfs
# with fsync=off (PostgresConfig.dataInMemory / setting), Testcontainers' PostgreSQLContainer on the image's volume
# with fsync=off (its default command). Both answer the same real query through pgjdbc.
#   examples/bench/postgres-start/run.sh [ROUNDS]      (default 10)
# Needs: the build's jars (./mvnw -q -pl examples -am package -DskipTests), the test bed (sudo testbed/up,
# sudo testbed/dockerd up). Testcontainers runs with Ryuk disabled (its image cannot be pulled here) and a
# throwaway home directory; Stevedore runs on the same dockerd (STEVEDORE_ENGINE=docker) and, when
# BENCH_EMBEDDED=1, also on its embedded engine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
rounds="${1:-10}"
socket=/run/stevedore-testbed/docker.sock
registry=127.0.0.1:5000
[[ -S "$socket" ]] || { echo "run.sh: the test bed's dockerd is not up: sudo testbed/dockerd up" >&2; exit 2; }
[[ -s "$root/examples/target/jshell.classpath" ]] || { echo "run.sh: build first: ./mvnw -q -pl examples -am package -DskipTests" >&2; exit 2; }
extension_jar="$(ls "$root"/junit-extension/target/stevedore-junit-extension-*.jar | grep -v -- '-tests.jar' | head -n 1)"

work="$root/examples/target/bench-postgres-start"
rm -rf "$work" && mkdir -p "$work/peer" "$work/stevedore" "$work/testcontainers" "$work/home"
trap 'rm -rf "$work/home"' EXIT
mvn -q -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/peer.classpath" >/dev/null
peer_cp="$(cat "$work/peer.classpath")"
# the junit, pgjdbc and launcher jars of the peer's class path serve both sides; Testcontainers' own jars only its side
common_cp="$(tr ':' '\n' <"$work/peer.classpath" | grep -E '/(org/junit|org/opentest4j|org/apiguardian|org/postgresql|org/checkerframework)/' | paste -sd:)"
stevedore_cp="$(cat "$root/examples/target/jshell.classpath"):$extension_jar:$common_cp"

javac -d "$work/stevedore" -cp "$stevedore_cp" "$here/src/harness/Harness.java" "$here/src/stevedore/StevedorePostgresStart.java"
javac -d "$work/testcontainers" -cp "$peer_cp" "$here/src/harness/Harness.java" "$here/src/testcontainers/TestcontainersPostgresStart.java"

stevedore() { # ENGINE CACHE(on|off)
  local cache="$work/postgres-cache"
  [[ "$2" == on ]] || cache=off
  env STEVEDORE_ENGINE="$1" DOCKER_HOST="unix://$socket" STEVEDORE_IMAGE_MIRROR="$registry" \
    STEVEDORE_HOME="${STEVEDORE_HOME:-$root/target/stevedore-it-home}" STEVEDORE_POSTGRES_CACHE="$cache" \
    java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$work/stevedore:$stevedore_cp" \
    Harness StevedorePostgresStart "stevedore-$1$([[ "$2" == on ]] || echo -no-cache)"
}
testcontainers() {
  env DOCKER_HOST="unix://$socket" TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost \
    java -Duser.home="$work/home" -Dbench.image="$registry/library/postgres:15" -cp "$work/testcontainers:$peer_cp" \
    Harness TestcontainersPostgresStart testcontainers
}

echo "warming up (pulls the image into each engine, fills Stevedore's data directory cache; not counted)"
stevedore docker on >/dev/null; testcontainers >/dev/null
[[ "${BENCH_EMBEDDED:-0}" != 1 ]] || stevedore embedded on >/dev/null
: >"$work/results"
for ((i = 1; i <= rounds; i++)); do
  stevedore docker on | grep '^RESULT' | tee -a "$work/results"
  testcontainers | grep '^RESULT' | tee -a "$work/results"
  stevedore docker off | grep '^RESULT' | tee -a "$work/results"
  [[ "${BENCH_EMBEDDED:-0}" != 1 ]] || stevedore embedded on | grep '^RESULT' | tee -a "$work/results"
done
echo "medians over $rounds rounds (ms from launch to the first query answered):"
for name in $(awk '{print $2}' "$work/results" | sort -u); do
  awk -v n="$name" '$2 == n {print $3}' "$work/results" | sort -n |
    awk -v n="$name" '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "  %-20s %8.1f  (min %.1f, max %.1f)\n", n, m, v[1], v[NR]}'
done
