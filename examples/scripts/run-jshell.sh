#!/usr/bin/env bash
# Runs a JShell script of examples/scripts against the jars the build made:
#   examples/scripts/run-jshell.sh [SCRIPT.jsh]        (default: postgres.jsh)
# The class path comes from examples/target/jshell.classpath, which `./mvnw -pl examples -am package -DskipTests`
# (or any build of the examples module) writes. Engine settings (STEVEDORE_ENGINE, STEVEDORE_HOME,
# STEVEDORE_REGISTRY_MIRROR, DOCKER_HOST, ...) are read from the environment by the script's JVM.
# The script's exit status is jshell's: 0 when the script says /exit 0.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
examples="$(cd "$here/.." && pwd)"
script="${1:-$here/postgres.jsh}"
classpath_file="$examples/target/jshell.classpath"
if [[ ! -s "$classpath_file" ]]; then
  echo "run-jshell.sh: $classpath_file is missing: build the examples first (./mvnw -q -pl examples -am package -DskipTests)" >&2
  exit 2
fi
if [[ ! -f "$script" ]]; then
  echo "run-jshell.sh: no script $script" >&2
  exit 2
fi
jshell="${JAVA_HOME:+$JAVA_HOME/bin/}jshell"
# jshell keeps its preferences under the user's home; a throwaway directory keeps CI machines clean.
prefs="$(mktemp -d)"
mkdir -p "$prefs/.java/.userPrefs"
trap 'rm -rf "$prefs"' EXIT
"$jshell" -J-Djava.util.prefs.userRoot="$prefs" -R-Djava.util.prefs.userRoot="$prefs" \
  -R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  --class-path "$(cat "$classpath_file")" -R-Dscripts.dir="$(dirname "$script")" "$script"
