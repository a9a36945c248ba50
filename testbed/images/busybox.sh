# library/busybox: Debian's static busybox with one /bin symlink per applet. Sourced by testbed/up.
# Produces OUT/layout (tags latest and the busybox version), OUT/rootfs (unpacked, for runtimes),
# OUT/layer.json (the layer's descriptor and diff id, reused by other images), OUT/config.json.
# shellcheck shell=bash

busybox_inputs() { sha256sum /bin/busybox; }

# The version (major.minor) of Debian's busybox; sed reads all input, so no SIGPIPE under pipefail.
busybox_version() { /bin/busybox | sed -n '1s/^BusyBox v\([0-9]*\.[0-9]*\).*/\1/p'; }

build_busybox() {
  local out="$1" root="$1/rootfs" applet version desc
  mkdir -p "$root"/{bin,etc,tmp,root,proc,sys,dev,home,var}
  cp /bin/busybox "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ "$applet" == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$root/etc/group"
  chmod 0644 "$root/etc/passwd" "$root/etc/group"
  chmod 1777 "$root/tmp"
  chmod 0700 "$root/root"
  chmod 0755 "$root"/{bin,etc,proc,sys,dev,home,var}

  oci_new_layout "$out/layout"
  img_begin "$out/layout"
  img_layer "$root"
  jq -cn --arg d "${IMG_DIFF_IDS[0]}" --argjson l "${IMG_LAYERS[0]}" '{descriptor: $l, diffId: $d}' >"$out/layer.json"
  jq -cn --arg arch "$(dpkg --print-architecture)" \
    '{architecture: $arch, os: "linux",
      config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"]}}' \
    >"$out/config.json"
  desc="$(img_finish "$(cat "$out/config.json")")"
  version="$(busybox_version)"
  oci_tag "$out/layout" latest "$desc"
  [[ -z "$version" ]] || oci_tag "$out/layout" "$version" "$desc"
  echo "$version" >"$out/version"
}

# busybox_base OUT_OF_BUSYBOX: starts an image on busybox's layer (in the current IMG_LAYOUT).
busybox_base() {
  img_reuse_layer "$1/layout" "$(jq -c .descriptor "$1/layer.json")" "$(jq -r .diffId "$1/layer.json")"
}
