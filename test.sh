#!/usr/bin/env bash
# Runs every test of Stevedore for real: sets up the test bed (Debian packages, test images built from
# Debian packages, registries on loopback, and a dockerd as the peer of the docker backend), runs the
# unit and integration tests, and stops the test bed again if it was this script that started it.
# Needs root (namespaces, mounts, registries) on Debian 12 with a JDK 17. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")"
# CI runs every test for real: a switch that skips some (the developer conveniences in the poms) is refused there
if [[ -n "${CI:-}" ]]; then
  for arg in "$@" ${MAVEN_OPTS:-}; do
    case "$arg" in
      *skip*|*Skip*|-Dit.test=*|-Dtest=*) echo "test.sh: in CI every test runs; '$arg' would leave some out" >&2; exit 2 ;;
    esac
  done
fi
stop=()
(exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null || stop+=("testbed/down")
[ -S /run/stevedore-testbed/docker.sock ] || stop+=("testbed/dockerd down")
cleanup() { for s in "${stop[@]}"; do $s || true; done; }
trap cleanup EXIT
testbed/up
testbed/check-neighbour-dockerd   # the test bed leaves a Docker it did not start alone
testbed/dockerd up
./mvnw -B verify "$@"
