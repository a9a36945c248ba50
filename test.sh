#!/usr/bin/env bash
# Runs every test of Stevedore for real: sets up the test bed (Debian packages, test images built from
# Debian packages, registries on loopback, and a dockerd as the peer of the docker backend), runs the
# unit and integration tests, and stops the test bed again if it was this script that started it.
# Needs root (namespaces, mounts, registries) on Debian 12 with a JDK 17. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")"
stop=()
(exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null || stop+=("testbed/down")
[ -S /run/stevedore-testbed/docker.sock ] || stop+=("testbed/dockerd down")
cleanup() { for s in "${stop[@]}"; do $s || true; done; }
trap cleanup EXIT
testbed/up
testbed/dockerd up
./mvnw -B verify "$@"
