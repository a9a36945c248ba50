#!/usr/bin/env bash
# Runs a Kotlin script of examples/scripts (*.main.kts) with the Kotlin compiler and scripting host from Maven Central
# (kotlin-host.pom.xml; Maven resolves it once into target/kotlin.classpath) against the jars the build made:
#   examples/scripts/run-kotlin.sh [SCRIPT.main.kts]        (default: postgres.main.kts)
# Stevedore's class path is examples/target/jshell.classpath, which `./mvnw -pl examples -am package -DskipTests`
# (or any build of the examples module) writes. Engine settings (STEVEDORE_ENGINE, STEVEDORE_HOME,
# STEVEDORE_REGISTRY_MIRROR, DOCKER_HOST, ...) are read from the environment by the script's JVM. The exit status is
# the script's.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
examples="$(cd "$here/.." && pwd)"
script="${1:-$here/postgres.main.kts}"
if [[ ! -s "$examples/target/jshell.classpath" ]]; then
  echo "run-kotlin.sh: $examples/target/jshell.classpath is missing: build the examples first (./mvnw -q -pl examples -am package -DskipTests)" >&2
  exit 2
fi
if [[ ! -f "$script" ]]; then
  echo "run-kotlin.sh: no script $script" >&2
  exit 2
fi
if [[ ! -s "$examples/target/kotlin.classpath" ]]; then
  "$examples/../mvnw" -q -B -f "$here/kotlin-host.pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$examples/target/kotlin.classpath" >&2
fi
compiler="$(cat "$examples/target/kotlin.classpath")"
# the script itself sees the Kotlin runtime and the main.kts definition, taken from the compiler's class path
runtime="$(tr ':' '\n' <<<"$compiler" | grep -E '/kotlin-(stdlib|script-runtime|main-kts)-[^/]*\.jar$' | paste -sd: -)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dscripts.dir="$(dirname "$script")" \
  -cp "$compiler" org.jetbrains.kotlin.cli.jvm.K2JVMCompiler -no-stdlib -no-reflect \
  -cp "$(cat "$examples/target/jshell.classpath"):$runtime" -script "$script"
