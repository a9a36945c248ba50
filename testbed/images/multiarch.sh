# library/multiarch: an OCI index of linux/amd64 and linux/arm64/v8 images. Both reuse the host's
# busybox layer (so the arm64 one only runs where the binary does); each carries /platform naming
# its platform, which is what tests check after a platform-specific pull.
# shellcheck shell=bash

build_multiarch() {
  local out="$1" busybox="$2" tmp descs=() arch variant cfg
  oci_new_layout "$out/layout"
  tmp="$out/tmp"
  for arch in amd64 arm64; do
    variant=""
    [[ "$arch" != arm64 ]] || variant=v8
    mkdir -p "$tmp/$arch"
    echo "$arch" >"$tmp/$arch/platform"
    chmod 0644 "$tmp/$arch/platform"
    img_begin "$out/layout"
    busybox_base "$busybox"
    img_layer "$tmp/$arch"
    cfg="$(jq -c --arg a "$arch" --arg v "$variant" \
      '.architecture = $a | if $v != "" then .variant = $v else . end' "$busybox/config.json")"
    descs+=("$(img_finish "$cfg")")
  done
  rm -rf "$tmp"
  oci_tag "$out/layout" latest "$(oci_index "$out/layout" "${descs[@]}")"
}
