# library/postgres:15: a pruned Debian 12 (debootstrap minbase + postgresql-15, gosu, locales) as the
# base layer, and a layer with our own docker-entrypoint.sh (images/postgres/). The debootstrap
# result is cached as a tarball (CACHE/debootstrap), scrubbed of the mirror's name, so changes to
# the entrypoint or the pruning rebuild in seconds.
# shellcheck shell=bash

POSTGRES_SUITE=bookworm
POSTGRES_PACKAGES=postgresql-15,gosu,locales

postgres_inputs() { echo "$POSTGRES_SUITE $POSTGRES_PACKAGES $(dpkg --print-architecture)"; }

# Prints the path of the cached debootstrap tarball, making it first if needed (about a minute).
postgres_base_tarball() {
  local key tarball work mirror started=$SECONDS
  key="$(echo "minbase $(postgres_inputs) v1" | sha256sum | cut -c1-16)"
  tarball="$CACHE/debootstrap/postgres-$POSTGRES_SUITE-$key.tar.zst"
  if [[ ! -f "$tarball" ]]; then
    mkdir -p "$CACHE/debootstrap"
    work="$CACHE/debootstrap/.rootfs-$key"
    rm -rf "$work"
    mirror="$(debian_mirror)"
    say "debootstrap $POSTGRES_SUITE with $POSTGRES_PACKAGES (about a minute; cached afterwards)"
    quiet debootstrap --variant=minbase --include="$POSTGRES_PACKAGES" "$POSTGRES_SUITE" "$work" "$mirror"
    postgres_scrub "$work" "$mirror"
    (cd "$work" && tar --create --numeric-owner --xattrs --sort=name . | zstd -q -T0 -3 -o "$tarball.tmp")
    mv -f "$tarball.tmp" "$tarball"
    rm -rf "$work"
    find "$CACHE/debootstrap" -maxdepth 1 -name "postgres-$POSTGRES_SUITE-*.tar.zst" ! -path "$tarball" -delete
    log "debootstrap took $((SECONDS - started)) s"
  fi
  echo "$tarball"
}

# postgres_scrub ROOT MIRROR: removes what names the mirror or the build host (never kept in files).
postgres_scrub() {
  local root="$1" host
  host="$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"$2")"
  echo "# Package sources are not configured in this image." >"$root/etc/apt/sources.list"
  rm -rf "$root"/etc/apt/sources.list.d/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* \
    "$root"/var/log/* "$root"/debootstrap "$root/etc/hostname" "$root/etc/resolv.conf" "$root/etc/hosts"
  mkdir -p "$root/var/lib/apt/lists/partial"
  if grep -rIlF -- "$host" "$root/etc" "$root/var" 2>/dev/null | head -n 5 | grep .; then
    die "the debootstrap result still names the mirror in the files above; extend postgres_scrub"
  fi
}

build_postgres() {
  local out="$1" base="$1/tmp/base" top="$1/tmp/top" desc cfg
  mkdir -p "$base" "$top"
  zstd -q -d -c "$(postgres_base_tarball)" | tar --extract --numeric-owner --xattrs --preserve-permissions -C "$base"

  # What the official image's Dockerfile does besides installing: no default cluster, en_US.UTF-8,
  # listen on all addresses by default, a socket directory any user may use, a data directory.
  sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' "$base/etc/postgresql-common/createcluster.conf"
  rm -rf "$base/etc/postgresql/15" "$base/var/lib/postgresql/15"
  quiet chroot "$base" localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8
  sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$base/usr/share/postgresql/15/postgresql.conf.sample"
  grep -q "^listen_addresses = '\*'" "$base/usr/share/postgresql/15/postgresql.conf.sample" ||
    die "could not set listen_addresses in postgresql.conf.sample"
  mkdir -p "$base/var/run/postgresql" "$base/var/lib/postgresql/data"
  chroot "$base" chown postgres:postgres /var/run/postgresql /var/lib/postgresql/data
  chmod 3777 "$base/var/run/postgresql"
  chmod 0700 "$base/var/lib/postgresql/data"

  # Pruning: documentation, man pages, translations, locale sources (the archive keeps en_US.UTF-8;
  # C.UTF-8 is built into glibc), caches.
  rm -rf "$base"/usr/share/doc/* "$base"/usr/share/man/* "$base"/usr/share/info/* "$base"/usr/share/locale/* \
    "$base"/usr/share/i18n/locales "$base"/usr/share/i18n/charmaps "$base"/usr/share/lintian "$base"/usr/share/linda \
    "$base"/var/cache/debconf/*-old "$base"/var/lib/dpkg/*-old "$base"/tmp/* "$base"/root/.bash_history
  find "$base/usr/share/postgresql/15" -name '*.bc' -delete 2>/dev/null || true
  : >"$base/etc/machine-id"

  mkdir -p "$top/usr/local/bin" "$top/docker-entrypoint-initdb.d"
  install -m 0755 "$TESTBED_HOME/images/postgres/docker-entrypoint.sh" "$top/usr/local/bin/docker-entrypoint.sh"
  ln -s usr/local/bin/docker-entrypoint.sh "$top/docker-entrypoint.sh"
  chmod 0755 "$top/docker-entrypoint-initdb.d" "$top/usr/local" "$top/usr/local/bin" "$top/usr"

  # Prove the entrypoint on the real rootfs before packing it (a merged copy: base plus top).
  cp -a "$top/." "$base/"
  quiet "$TESTBED_HOME/images/postgres/selftest" "$base"
  rm -rf "$base/usr/local/bin/docker-entrypoint.sh" "$base/docker-entrypoint.sh" "$base/docker-entrypoint-initdb.d"
  rm -rf "$base"/var/lib/postgresql/data/* "$base"/var/run/postgresql/* "$base"/tmp/*

  oci_new_layout "$out/layout"
  img_begin "$out/layout"
  GZIP_LEVEL=1 img_layer "$base"
  img_layer "$top"
  cfg="$(jq -cn --arg arch "$(dpkg --print-architecture)" '{architecture: $arch, os: "linux", config: {
      User: "",
      Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin",
            "PG_MAJOR=15", "LANG=en_US.utf8", "PGDATA=/var/lib/postgresql/data"],
      Entrypoint: ["docker-entrypoint.sh"], Cmd: ["postgres"],
      ExposedPorts: {"5432/tcp": {}}, Volumes: {"/var/lib/postgresql/data": {}},
      StopSignal: "SIGINT", WorkingDir: ""}}')"
  desc="$(img_finish "$cfg")"
  oci_tag "$out/layout" 15 "$desc"
  du -sm "$base" | cut -f1 >"$out/rootfs-mb"
  rm -rf "$out/tmp"
}
