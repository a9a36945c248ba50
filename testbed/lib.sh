# Shared by testbed/up, testbed/down, testbed/dockerd and the image builders. Sourced, not run.
# shellcheck shell=bash

shopt -s inherit_errexit
set -E
trap 'echo "testbed: ERROR: exit $? at ${BASH_SOURCE[0]##*/}:${LINENO}: ${BASH_COMMAND}" >&2' ERR
TESTBED_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${STEVEDORE_TESTBED:-/var/lib/stevedore-testbed}"
CACHE="${STEVEDORE_TESTBED_CACHE:-/var/cache/stevedore-testbed}"
RUN_DIR="${STEVEDORE_TESTBED_RUN:-/run/stevedore-testbed}"

# Four consecutive loopback ports; another base gives a second, independent test bed (with its
# own STEVEDORE_TESTBED and STEVEDORE_TESTBED_CACHE), e.g. to measure a cold start beside a warm one.
PORT_BASE="${STEVEDORE_TESTBED_PORT_BASE:-5000}"
PLAIN_PORT=$((PORT_BASE))
TLS_PORT=$((PORT_BASE + 1))
TOKEN_PORT=$((PORT_BASE + 2))
ISSUER_PORT=$((PORT_BASE + 3))
REGISTRIES=(plain tls token)

log() { [[ -z "${TESTBED_VERBOSE:-}" ]] || echo "testbed: $*" >&2; }
say() { echo "testbed: $*" >&2; }
die() { echo "testbed: ERROR: $*" >&2; exit 1; }

require_root() {
  [[ $(id -u) -eq 0 ]] || die "run me as root (sudo $0): I install packages, bind ports and build rootfs trees"
}

# Runs a command quietly; on failure prints its output and the command, then fails.
quiet() {
  local out rc=0
  out="$(mktemp)"
  "$@" >"$out" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    cat "$out" >&2
    rm -f "$out"
    die "command failed (exit $rc): $*"
  fi
  rm -f "$out"
}

# Installs the Debian packages the test bed needs, but only those missing (apt-get update once).
TESTBED_PACKAGES=(docker-registry debootstrap busybox-static skopeo umoci apache2-utils openssl zstd jq
  crun docker.io iproute2 curl postgresql-client util-linux tar gzip coreutils findutils
  uidmap passt slirp4netns iptables docker-compose python3 procps)
ensure_packages() {
  local missing=() p s
  declare -A status=()
  while read -r p s; do status[$p]="$s"; done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${TESTBED_PACKAGES[@]}" 2>/dev/null || true)
  for p in "${TESTBED_PACKAGES[@]}"; do
    [[ "${status[$p]:-}" == installed ]] || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  say "installing Debian packages: ${missing[*]}"
  quiet env DEBIAN_FRONTEND=noninteractive apt-get update
  quiet env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# The Debian mirror, read from the machine's apt sources at run time (never written to a file).
debian_mirror() {
  local uri
  uri="$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)"
  if [[ -z "$uri" && -f /etc/apt/sources.list ]]; then
    uri="$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)"
  fi
  [[ -n "$uri" ]] || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources (URIs:) or /etc/apt/sources.list"
  echo "$uri"
}

# pid_alive PIDFILE [EXPECTED-COMMAND-SUBSTRING]
pid_alive() {
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -z "${2:-}" ]] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# stop_pidfile PIDFILE NAME: TERM, wait up to 10 s, then KILL; removes the pid file.
stop_pidfile() {
  local pidfile="$1" name="$2" pid i
  if pid_alive "$pidfile"; then
    pid="$(cat "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) did not stop on SIGTERM within 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# http_status URL [curl options...]: prints the HTTP status (000 when nothing answers).
http_status() {
  local url="$1"
  shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$@" "$url" 2>/dev/null || true
}

# set_env_key FILE KEY VALUE: replaces or appends KEY=VALUE, atomically.
set_env_key() {
  local file="$1" key="$2" value="$3" tmp
  tmp="$(mktemp "$file.XXXXXX")"
  { [[ -f "$file" ]] && grep -v "^$key=" "$file" || true; echo "$key=$value"; } >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$file"
}

remove_env_key() {
  local file="$1" key="$2" tmp
  [[ -f "$file" ]] || return 0
  tmp="$(mktemp "$file.XXXXXX")"
  grep -v "^$key=" "$file" >"$tmp" || true
  chmod 644 "$tmp"
  mv -f "$tmp" "$file"
}

# Ordinary users for the rootless tests: one with a subordinate id range (as Debian's useradd gives), one without.
ROOTLESS_USER=stevedore-rootless
ROOTLESS_NOSUB_USER=stevedore-nosub
ROOTLESS_SUBID_START=1200000

# The group of the test bed dockerd's socket (dockerd --group). The user with a subordinate range is in it, so that a
# rootless test can ask the peer dockerd about what the rootless engine made (an image it built and pushed).
TESTBED_DOCKER_GROUP=stevedore-testbed-docker

# ensure_testbed_docker_group: creates the socket's group (idempotent).
ensure_testbed_docker_group() {
  getent group "$TESTBED_DOCKER_GROUP" >/dev/null || quiet groupadd --system "$TESTBED_DOCKER_GROUP"
}

# ensure_rootless_users: creates both users (idempotent); the first gets 65536 subordinate uids and gids.
ensure_rootless_users() {
  local u
  for u in "$ROOTLESS_USER" "$ROOTLESS_NOSUB_USER"; do
    id -u "$u" >/dev/null 2>&1 || quiet useradd --create-home --shell /bin/bash --no-user-group --gid nogroup "$u"
  done
  ensure_testbed_docker_group
  id -nG "$ROOTLESS_USER" | tr ' ' '\n' | grep -qx "$TESTBED_DOCKER_GROUP" || quiet usermod -aG "$TESTBED_DOCKER_GROUP" "$ROOTLESS_USER"
  # useradd may or may not have given ranges (SUB_UID_COUNT in login.defs): make it exactly one, or none
  quiet usermod --del-subuids 1-4294967294 --del-subgids 1-4294967294 "$ROOTLESS_NOSUB_USER"
  if ! grep -q "^$ROOTLESS_USER:" /etc/subuid || ! grep -q "^$ROOTLESS_USER:" /etc/subgid; then
    local last=$((ROOTLESS_SUBID_START + 65535))
    quiet usermod --add-subuids "$ROOTLESS_SUBID_START-$last" --add-subgids "$ROOTLESS_SUBID_START-$last" "$ROOTLESS_USER"
  fi
  # slirp4netns opens /dev/net/tun as the user: Debian's udev makes it 0666 (50-udev-default.rules); a machine
  # without udev (a container, a minimal VM) leaves the kernel's 0600 root, and rootless containers no way out
  if [[ -c /dev/net/tun && "$(stat -c %a /dev/net/tun)" != 666 ]]; then
    chmod 0666 /dev/net/tun
  fi
}

# The cgroup subtree delegated to $ROOTLESS_USER, relative to each hierarchy's root, as systemd lays out
# user@UID.service; the user's JVMs run in its leaf "jvms" (engine/src/test/rootless/bin/java moves them there).
ROOTLESS_CGROUP_SLICE=stevedore-testbed.slice
# rootless_cgroup: prints the delegated subtree's path relative to a hierarchy's root
rootless_cgroup() {
  echo "$ROOTLESS_CGROUP_SLICE/user@$(id -u "$ROOTLESS_USER").service"
}
# the hierarchies it is made in, where mounted: v2 (alone, or beside v1 as "unified"), and v1 pids, memory and cpu
ROOTLESS_CGROUP_HIERARCHIES=(/sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/cpu)

# ensure_rootless_delegation: delegates a cgroup subtree to $ROOTLESS_USER as systemd's Delegate= does for
# user@UID.service (the directory, cgroup.procs, cgroup.subtree_control and cgroup.threads chowned to the user), in
# the cgroup v2 hierarchy and in the v1 pids, memory and cpu hierarchies (on a host that has those controllers only as
# v1, as an administrator would chown them), each with the leaf "jvms" the user's JVMs run in. Idempotent.
ensure_rootless_delegation() {
  local rel hierarchy dir file uid
  rel="$(rootless_cgroup)"
  uid="$(id -u "$ROOTLESS_USER")"
  for hierarchy in "${ROOTLESS_CGROUP_HIERARCHIES[@]}"; do
    [[ -f "$hierarchy/cgroup.procs" && -w "$hierarchy/cgroup.procs" ]] || continue
    # /sys/fs/cgroup itself is a tmpfs holding the v1 mounts on a mixed host: only a cgroup file system counts
    case "$(stat -f -c %T "$hierarchy")" in cgroup2fs | cgroupfs) ;; *) continue ;; esac
    dir="$hierarchy/$rel"
    mkdir -p "$dir/jvms"
    if [[ -f "$hierarchy/cgroup.subtree_control" ]]; then
      # v2: offer the delegated subtree every controller the root offers that limits use, as Delegate=yes does
      for c in pids memory cpu; do
        if grep -qw "$c" "$hierarchy/cgroup.controllers"; then
          echo "+$c" >"$hierarchy/cgroup.subtree_control"
          echo "+$c" >"$hierarchy/$ROOTLESS_CGROUP_SLICE/cgroup.subtree_control"
        fi
      done
    fi
    chown "$uid" "$dir"
    for file in cgroup.procs cgroup.subtree_control cgroup.threads tasks; do
      [[ -e "$dir/$file" ]] && chown "$uid" "$dir/$file"
    done
    chown -R "$uid" "$dir/jvms"
  done
}

# remove_rootless_delegation: removes the delegated subtrees (their groups are empty once the user's processes end).
remove_rootless_delegation() {
  local hierarchy
  for hierarchy in "${ROOTLESS_CGROUP_HIERARCHIES[@]}"; do
    [[ -d "$hierarchy/$ROOTLESS_CGROUP_SLICE" ]] || continue
    find "$hierarchy/$ROOTLESS_CGROUP_SLICE" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

# join_rootless_cgroup PID: moves PID (as root) into the leaf "jvms" of every delegated hierarchy, as logging in
# puts a user's session in user@UID.service; fails naming the fix when the delegation is not there.
join_rootless_cgroup() {
  local pid="$1" rel hierarchy joined=0
  rel="$(rootless_cgroup)/jvms"
  for hierarchy in "${ROOTLESS_CGROUP_HIERARCHIES[@]}"; do
    [[ -f "$hierarchy/$rel/cgroup.procs" ]] || continue
    echo "$pid" >"$hierarchy/$rel/cgroup.procs"
    joined=1
  done
  [[ $joined == 1 ]] || die "no cgroup subtree is delegated to $ROOTLESS_USER ($rel in none of ${ROOTLESS_CGROUP_HIERARCHIES[*]}): run testbed/up as root"
}

# remove_rootless_users: removes both users, their homes and their subordinate ranges, and the test bed dockerd's
# socket group (idempotent).
remove_rootless_users() {
  local u
  for u in "$ROOTLESS_USER" "$ROOTLESS_NOSUB_USER"; do
    if id -u "$u" >/dev/null 2>&1; then
      pkill -KILL -u "$u" 2>/dev/null || true
      [[ "$u" != "$ROOTLESS_USER" ]] || remove_rootless_delegation
      # its runtime directory (the engine's private one without XDG_RUNTIME_DIR) and JVM files
      rm -rf "/tmp/stevedore-$(id -u "$u")" "/tmp/hsperfdata_$u"
      quiet userdel --remove "$u" 2>/dev/null || true
    fi
  done
  if getent group "$TESTBED_DOCKER_GROUP" >/dev/null; then
    quiet groupdel "$TESTBED_DOCKER_GROUP" 2>/dev/null || true
  fi
}
