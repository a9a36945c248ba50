#!/usr/bin/env bash
# The main job as far as it goes today: bring up the test bed, build the CLI, and pull postgres:15 into a
# fresh store as a user would type it — `docker.io` images come from the local registry through
# STEVEDORE_REGISTRY_MIRROR, since Docker Hub cannot be reached here. Needs root on Debian 12 + JDK 17.
set -euo pipefail
cd "$(dirname "$0")"
testbed/up
[ -f cli/target/stevedore.jar ] || ./mvnw -q -B package -DskipTests
home=$(mktemp -d /tmp/stevedore-demo.XXXXXX)
trap 'rm -rf "$home"' EXIT
export STEVEDORE_HOME="$home" STEVEDORE_REGISTRY_MIRROR=127.0.0.1:5000
stevedore() { java -jar cli/target/stevedore.jar "$@"; }
stevedore pull postgres:15
stevedore images
echo "--- a second pull finds everything in place:"
time stevedore pull postgres:15
