#!/usr/bin/env bash
# Runs every test of Stevedore for real: sets up the test bed (Debian packages, test images built from
# Debian packages, registries on loopback), runs the unit and integration tests, stops the test bed.
# Needs root (namespaces, mounts, registries) on Debian 12 with a JDK 17. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")"
testbed/up
trap 'testbed/down' EXIT
./mvnw -B verify "$@"
