# library/zstd: busybox with its single layer compressed as tar+zstd (same diff id as busybox's).
# shellcheck shell=bash

build_zstd() {
  local out="$1" busybox="$2" desc
  oci_new_layout "$out/layout"
  img_begin "$out/layout"
  img_layer "$busybox/rootfs" zstd
  desc="$(img_finish "$(cat "$busybox/config.json")")"
  oci_tag "$out/layout" latest "$desc"
}
