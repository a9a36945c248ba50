#!/usr/bin/env bash
# The main job: PostgreSQL up on the embedded engine (no Docker daemon) and a query answered. Brings up the
# test bed (Docker Hub cannot be reached here, so `postgres:15` comes from the local registry through
# STEVEDORE_REGISTRY_MIRROR), builds the jars, and runs examples/scripts/postgres.jsh in JShell: it starts
# Postgres with the DSL, applies schema.sql, prints the JDBC URL and the rows it queried, and stops.
# Needs root on Debian 12 with a JDK 17.
set -euo pipefail
cd "$(dirname "$0")"
testbed/up
[ -s examples/target/jshell.classpath ] && [ -f cli/target/stevedore.jar ] || ./mvnw -q -B package -DskipTests
export STEVEDORE_ENGINE=embedded STEVEDORE_REGISTRY_MIRROR=127.0.0.1:5000
time examples/scripts/run-jshell.sh examples/scripts/postgres.jsh
