#!/usr/bin/env bash
# Entrypoint of the test bed's library/postgres:15, written for Stevedore. It follows the contract
# users know from the official image:
#   - POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) is required for a new database, unless
#     POSTGRES_HOST_AUTH_METHOD=trust; POSTGRES_USER (default postgres); POSTGRES_DB (default: the
#     user); POSTGRES_INITDB_ARGS; POSTGRES_INITDB_WALDIR; PGDATA. *_FILE variants read a file.
#   - First start: initdb, then /docker-entrypoint-initdb.d/* (*.sh run or sourced, *.sql, *.sql.gz,
#     *.sql.xz, *.sql.zst) against a server that listens on the unix socket only, which is then
#     stopped; the real server then listens on '*'. Host connections need scram-sha-256 (or the
#     POSTGRES_HOST_AUTH_METHOD given); connections from inside the container are trusted.
#   - Started as root, it prepares PGDATA and the socket directory, then runs itself again as the
#     postgres user through gosu. A first argument starting with '-' means "postgres <options>".
set -Eeo pipefail

log() { printf '%s\n' "$*"; }
fail() {
  printf 'docker-entrypoint.sh: error: %s\n' "$*" >&2
  exit 1
}

# read_env NAME [DEFAULT]: NAME, or the content of the file NAME_FILE names, or DEFAULT.
read_env() {
  local name="$1" default="${2:-}" file_var="${1}_FILE"
  local value="${!name:-}" file="${!file_var:-}"
  if [[ -n "$value" && -n "$file" ]]; then
    fail "both $name and $file_var are set; set only one"
  fi
  if [[ -n "$file" ]]; then
    [[ -r "$file" ]] || fail "$file_var names $file, which cannot be read"
    value="$(<"$file")"
  fi
  printf -v "$name" '%s' "${value:-$default}"
  export "$name"
  unset "$file_var"
}

# Whether the arguments ask postgres for information only (then there is nothing to set up).
asks_for_information() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      -'?' | --help | --describe-config | -V | --version) return 0 ;;
    esac
  done
  return 1
}

prepare_directories() {
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" 2>/dev/null || true
  mkdir -p /var/run/postgresql
  chmod 03775 /var/run/postgresql 2>/dev/null || true
  if [[ -n "${POSTGRES_INITDB_WALDIR:-}" ]]; then
    mkdir -p "$POSTGRES_INITDB_WALDIR"
    chmod 00700 "$POSTGRES_INITDB_WALDIR" 2>/dev/null || true
  fi
  if [[ "$(id -u)" == 0 ]]; then
    # Only what is not already the postgres user's: a large existing PGDATA is not walked again.
    find "$PGDATA" \! -user postgres -exec chown postgres: '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres: '{}' +
    [[ -z "${POSTGRES_INITDB_WALDIR:-}" ]] || find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres: '{}' +
  fi
}

check_settings_for_new_database() {
  if [[ -z "$POSTGRES_PASSWORD" && "$POSTGRES_HOST_AUTH_METHOD" != trust ]]; then
    fail "the database is not initialized and no superuser password is set.
    Set POSTGRES_PASSWORD to a non-empty password (or POSTGRES_PASSWORD_FILE to a file holding it),
    or set POSTGRES_HOST_AUTH_METHOD=trust to let anyone connect without a password (tests only)."
  fi
  if [[ "$POSTGRES_HOST_AUTH_METHOD" == trust ]]; then
    log "warning: POSTGRES_HOST_AUTH_METHOD=trust: every host connection is accepted without a password."
  fi
}

run_initdb() {
  local args=(--username="$POSTGRES_USER" --auth-local=trust --auth-host=trust)
  [[ -z "${POSTGRES_INITDB_WALDIR:-}" ]] || args+=(--waldir="$POSTGRES_INITDB_WALDIR")
  if [[ "$POSTGRES_HOST_AUTH_METHOD" == md5 ]]; then
    args+=(--set password_encryption=md5)
  fi
  local pwfile=""
  if [[ -n "$POSTGRES_PASSWORD" ]]; then
    pwfile="$(umask 077 && mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    args+=(--pwfile="$pwfile")
  fi
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options by contract
  initdb "${args[@]}" ${POSTGRES_INITDB_ARGS:-} || { [[ -z "$pwfile" ]] || rm -f "$pwfile"; return 1; }
  [[ -z "$pwfile" ]] || rm -f "$pwfile"
}

allow_host_connections() {
  {
    echo
    echo "# Added by docker-entrypoint.sh: connections from other hosts"
    echo "host all all all $POSTGRES_HOST_AUTH_METHOD"
  } >>"$PGDATA/pg_hba.conf"
}

start_setup_server() {
  # Unix socket only: nothing outside the container can reach a half-initialized database.
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -w start \
    -o "-c listen_addresses='' -p ${PGPORT:-5432}"
}

stop_setup_server() {
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
}

psql_setup() {
  psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" -p "${PGPORT:-5432}" "$@"
}

create_database() {
  [[ "$POSTGRES_DB" != postgres ]] || return 0
  local exists
  exists="$(psql_setup --dbname postgres --tuples-only --no-align --set db="$POSTGRES_DB" \
    <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")"
  if [[ -z "$exists" ]]; then
    psql_setup --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
}

run_init_scripts() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e "$f" ]] || continue
    case "$f" in
      *.sh)
        if [[ -x "$f" ]]; then
          log "$0: running $f"
          "$f"
        else
          log "$0: sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql) log "$0: running $f"; psql_setup --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) log "$0: running $f"; gzip -dc "$f" | psql_setup --dbname "$POSTGRES_DB" ;;
      *.sql.xz) log "$0: running $f"; xz -dc "$f" | psql_setup --dbname "$POSTGRES_DB" ;;
      *.sql.zst) log "$0: running $f"; zstd -dc "$f" | psql_setup --dbname "$POSTGRES_DB" ;;
      *) log "$0: ignoring $f" ;;
    esac
  done
}

main() {
  if [[ "${1:-}" == -* ]]; then
    set -- postgres "$@"
  fi
  if [[ "${1:-}" != postgres ]] || asks_for_information "$@"; then
    exec "$@"
  fi

  export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
  read_env POSTGRES_PASSWORD
  read_env POSTGRES_USER postgres
  read_env POSTGRES_DB "$POSTGRES_USER"
  read_env POSTGRES_INITDB_ARGS
  export POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

  prepare_directories
  if [[ "$(id -u)" == 0 ]]; then
    exec gosu postgres "${BASH_SOURCE[0]}" "$@"
  fi

  if [[ -s "$PGDATA/PG_VERSION" ]]; then
    log "PostgreSQL data directory $PGDATA already holds a database; initialization skipped."
  else
    check_settings_for_new_database
    run_initdb
    allow_host_connections
    start_setup_server
    create_database
    run_init_scripts
    stop_setup_server
    log
    log "PostgreSQL initialization complete; starting the server."
    log
  fi
  exec "$@"
}

main "$@"
