# Writes OCI image layouts by hand: deterministic layer tars (sorted names, mtime 0, numeric owners),
# gzip -n or zstd, JSON by jq. Sourced by the image builders. One image is built at a time:
#   img_begin LAYOUT; img_layer DIR [gzip|zstd]...; img_finish CONFIG_JSON > descriptor
# shellcheck shell=bash

EPOCH=1970-01-01T00:00:00Z
MT_MANIFEST=application/vnd.oci.image.manifest.v1+json
MT_INDEX=application/vnd.oci.image.index.v1+json
MT_CONFIG=application/vnd.oci.image.config.v1+json
MT_LAYER_GZIP=application/vnd.oci.image.layer.v1.tar+gzip
MT_LAYER_ZSTD=application/vnd.oci.image.layer.v1.tar+zstd

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

oci_new_layout() {
  rm -rf "$1"
  mkdir -p "$1/blobs/sha256"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$1/oci-layout"
  echo '{"schemaVersion":2,"manifests":[]}' >"$1/index.json"
}

# oci_put_blob LAYOUT FILE: moves FILE into the layout's blobs, prints its sha256 (hex).
oci_put_blob() {
  local hex
  hex="$(sha256_of "$2")"
  mv -f "$2" "$1/blobs/sha256/$hex"
  echo "$hex"
}

# oci_put_json LAYOUT JSON: stores JSON (compact) as a blob, prints "hex size".
oci_put_json() {
  local tmp hex
  tmp="$(mktemp "$1/blob.XXXXXX")"
  printf '%s' "$2" | jq -cj . >"$tmp"
  local size
  size="$(stat -c %s "$tmp")"
  hex="$(oci_put_blob "$1" "$tmp")"
  echo "$hex $size"
}

# oci_tar_dir SRC OUT: a reproducible tar of SRC's content (entries without a leading ./).
oci_tar_dir() {
  local src="$1" out="$2"
  (cd "$src" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort |
    tar --create --file="$out" --format=posix \
      --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime' \
      --sort=name --mtime=@0 --numeric-owner --files-from=-)
}

img_begin() {
  IMG_LAYOUT="$1"
  IMG_LAYERS=()
  IMG_DIFF_IDS=()
}

# img_layer DIR [gzip|zstd]: adds DIR's content as the next layer.
img_layer() {
  local dir="$1" comp="${2:-gzip}" tar diff hex size mt
  tar="$(mktemp "$IMG_LAYOUT/layer.XXXXXX")"
  oci_tar_dir "$dir" "$tar"
  diff="$(sha256_of "$tar")"
  case "$comp" in
    gzip) gzip -n "-${GZIP_LEVEL:-6}" <"$tar" >"$tar.c"; mt=$MT_LAYER_GZIP ;;
    zstd) zstd -q -3 --no-check -c "$tar" >"$tar.c"; mt=$MT_LAYER_ZSTD ;;
    *) die "unknown layer compression $comp" ;;
  esac
  rm -f "$tar"
  size="$(stat -c %s "$tar.c")"
  hex="$(oci_put_blob "$IMG_LAYOUT" "$tar.c")"
  IMG_LAYERS+=("{\"mediaType\":\"$mt\",\"digest\":\"sha256:$hex\",\"size\":$size}")
  IMG_DIFF_IDS+=("sha256:$diff")
}

# img_reuse_layer FROM_LAYOUT DESCRIPTOR_JSON DIFF_ID: adds a layer built for another image.
img_reuse_layer() {
  local hex
  hex="$(jq -r '.digest' <<<"$2" | cut -d: -f2)"
  [[ -e "$IMG_LAYOUT/blobs/sha256/$hex" ]] || cp "$1/blobs/sha256/$hex" "$IMG_LAYOUT/blobs/sha256/$hex"
  IMG_LAYERS+=("$(jq -c . <<<"$2")")
  IMG_DIFF_IDS+=("$3")
}

# img_finish CONFIG_JSON: CONFIG_JSON holds architecture, os, (variant), config; rootfs, history
# and created are filled in. Prints the manifest's descriptor (with platform).
img_finish() {
  local cfg layers diffs manifest put c csize m msize
  diffs="$(printf '%s\n' "${IMG_DIFF_IDS[@]}" | jq -R . | jq -cs .)"
  layers="$(printf '%s\n' "${IMG_LAYERS[@]}" | jq -cs .)"
  cfg="$(jq -c --argjson diffs "$diffs" --arg epoch "$EPOCH" \
    '. + {created: $epoch, rootfs: {type: "layers", diff_ids: $diffs},
          history: [$diffs[] | {created: $epoch, created_by: "stevedore testbed/images"}]}' <<<"$1")"
  put="$(oci_put_json "$IMG_LAYOUT" "$cfg")"
  c="${put% *}" csize="${put#* }"
  manifest="$(jq -n --arg c "sha256:$c" --argjson cs "$csize" --argjson layers "$layers" \
    --arg mt "$MT_MANIFEST" --arg ct "$MT_CONFIG" \
    '{schemaVersion: 2, mediaType: $mt, config: {mediaType: $ct, digest: $c, size: $cs}, layers: $layers}')"
  put="$(oci_put_json "$IMG_LAYOUT" "$manifest")"
  m="${put% *}" msize="${put#* }"
  jq -cn --arg d "sha256:$m" --argjson s "$msize" --arg mt "$MT_MANIFEST" --argjson cfg "$cfg" \
    '{mediaType: $mt, digest: $d, size: $s,
      platform: ({architecture: $cfg.architecture, os: $cfg.os} + (if $cfg.variant then {variant: $cfg.variant} else {} end))}'
}

# oci_index LAYOUT DESCRIPTOR...: stores an image index of the descriptors, prints its descriptor.
oci_index() {
  local layout="$1" list put
  shift
  list="$(printf '%s\n' "$@" | jq -cs .)"
  put="$(oci_put_json "$layout" "$(jq -n --arg mt "$MT_INDEX" --argjson m "$list" \
    '{schemaVersion: 2, mediaType: $mt, manifests: $m}')")"
  jq -cn --arg d "sha256:${put% *}" --argjson s "${put#* }" --arg mt "$MT_INDEX" '{mediaType: $mt, digest: $d, size: $s}'
}

# oci_tag LAYOUT TAG DESCRIPTOR: names DESCRIPTOR in the layout's index.json.
oci_tag() {
  local tmp
  tmp="$(mktemp "$1/index.XXXXXX")"
  jq -c --arg t "$2" --argjson d "$3" \
    '.manifests = ([.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] != $t)]
       + [$d + {annotations: {"org.opencontainers.image.ref.name": $t}}])' "$1/index.json" >"$tmp"
  mv -f "$tmp" "$1/index.json"
}

