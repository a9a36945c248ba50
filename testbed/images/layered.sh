# library/layered: busybox's layer plus four layers that exercise what layer unpackers get wrong:
# whiteouts of files and directories (including a busybox applet link from the base layer),
# an opaque directory, relative/absolute/directory symlinks, hard links, setuid and 0600 modes,
# files and a directory owned by uid 1000, an empty directory, a path longer than 100 bytes, a
# file overwritten and a file deleted then re-created in higher layers, directory metadata changed
# in a higher layer. OUT/expected.txt describes the merged filesystem (see rootfs_listing).
# shellcheck shell=bash

layered_deep_dir() { echo "deep/level-01/level-02/level-03/level-04/level-05/level-06/level-07/level-08/level-09/level-10/level-11"; }

# layered_put FILE CONTENT MODE [UID:GID] (chown before chmod: chown clears the setuid bit)
layered_put() {
  mkdir -p "$(dirname "$1")"
  printf '%s\n' "$2" >"$1"
  chown "${4:-0:0}" "$1"
  chmod "$3" "$1"
}

build_layered() {
  local out="$1" busybox="$2" t="$1/tmp" desc
  mkdir -p "$t"/{l2,l3,l4,l5}
  # Directories get explicit modes: the tar records whatever is on disk.
  umask 022

  # Layer 2: content the later layers delete, replace and overwrite.
  layered_put "$t/l2/data/keep.txt" "kept from layer 2" 0644
  layered_put "$t/l2/data/remove-me.txt" "deleted by layer 3" 0644
  layered_put "$t/l2/data/overwrite.txt" "version 1 from layer 2" 0644
  layered_put "$t/l2/data/phoenix.txt" "first life in layer 2" 0644
  layered_put "$t/l2/olddir/a/b.txt" "the whole olddir is deleted by layer 3" 0644
  layered_put "$t/l2/olddir/c.txt" "also gone" 0644
  layered_put "$t/l2/replace/old1.txt" "hidden by the opaque whiteout in layer 4" 0644
  layered_put "$t/l2/replace/sub/old2.txt" "also hidden" 0644
  layered_put "$t/l2/etc/motd" "hello from library/layered" 0644

  # Layer 3: whiteouts, links, modes, owners, an empty directory, a long path.
  mkdir -p "$t/l3/data" "$t/l3/bin" "$t/l3/links" "$t/l3/hard" "$t/l3/modes" "$t/l3/owned" "$t/l3/empty"
  : >"$t/l3/data/.wh.remove-me.txt"
  : >"$t/l3/data/.wh.phoenix.txt"
  : >"$t/l3/.wh.olddir"
  : >"$t/l3/bin/.wh.wget"
  ln -s ../data/keep.txt "$t/l3/links/relative"
  ln -s /data/keep.txt "$t/l3/links/absolute"
  ln -s ../data "$t/l3/links/directory"
  ln -s /does/not/exist "$t/l3/links/dangling"
  layered_put "$t/l3/hard/a-original" "one inode, two names" 0644
  ln "$t/l3/hard/a-original" "$t/l3/hard/b-link"
  layered_put "$t/l3/modes/setuid" "#!/bin/sh" 4755
  layered_put "$t/l3/modes/secret" "only root reads this" 0600
  layered_put "$t/l3/owned/by-1000.txt" "owned by 1000:1000" 0640 1000:1000
  layered_put "$t/l3/$(layered_deep_dir)/file.txt" "a path longer than 100 bytes" 0644
  chmod 0755 "$t/l3/empty"

  # Layer 4: an opaque directory with new content, an overwrite, a re-creation after a whiteout.
  mkdir -p "$t/l4/replace"
  : >"$t/l4/replace/.wh..wh..opq"
  layered_put "$t/l4/replace/new.txt" "the only file of /replace besides newsub" 0644
  layered_put "$t/l4/replace/newsub/n.txt" "new subdirectory" 0644
  layered_put "$t/l4/data/overwrite.txt" "version 2 from layer 4" 0644
  layered_put "$t/l4/data/phoenix.txt" "second life in layer 4" 0644

  # Layer 5: directory metadata changed from above (owner and mode of /owned) plus a new file there.
  layered_put "$t/l5/owned/later.txt" "added by layer 5" 0644 1000:1000
  chown 1000:1000 "$t/l5/owned"
  chmod 0770 "$t/l5/owned"

  oci_new_layout "$out/layout"
  img_begin "$out/layout"
  busybox_base "$busybox"
  img_layer "$t/l2"
  img_layer "$t/l3"
  img_layer "$t/l4"
  img_layer "$t/l5"
  desc="$(img_finish "$(jq -c '.config.Cmd = ["cat", "/etc/motd"]' "$busybox/config.json")")"
  oci_tag "$out/layout" latest "$desc"
  rm -rf "$t"

  # The expected merged filesystem comes from umoci's unpacker (an independent implementation),
  # then is checked against what the layers above were meant to produce.
  quiet umoci unpack --image "$out/layout:latest" "$out/bundle"
  {
    echo "# library/layered: the merged root filesystem, one line per path (the / itself omitted)."
    echo "# Fields: path type mode uid gid target. type: f file (target = sha256 of content), d directory,"
    echo "# l symlink (target = link text), h hard link (target = the path it shares an inode with, listed"
    echo "# before as f), absent (the path must not exist; mode uid gid target are -). mode is octal with"
    echo "# setuid/setgid/sticky bits; symlinks show 0777. /bin applet symlinks are included."
    rootfs_listing "$out/bundle/rootfs"
    for p in /data/remove-me.txt /data/.wh.remove-me.txt /data/.wh.phoenix.txt /olddir /olddir/a /olddir/a/b.txt \
      /olddir/c.txt /.wh.olddir /bin/wget /bin/.wh.wget /replace/old1.txt /replace/sub /replace/sub/old2.txt \
      /replace/.wh..wh..opq; do
      echo "$p absent - - - -"
    done
  } >"$out/expected.txt"
  layered_check "$out/expected.txt" "$out/bundle/rootfs"
  rm -rf "$out/bundle"
}

# rootfs_listing ROOT: the lines of expected.txt for the tree under ROOT, sorted by path (C locale).
rootfs_listing() {
  local root="$1" path type mode uid gid inode links target
  declare -A first_of_inode=()
  (cd "$root" && find . -mindepth 1 -printf '/%P\t%y\t%m\t%U\t%G\t%i\t%n\t%l\n') | LC_ALL=C sort -t $'\t' -k1,1 |
    while IFS=$'\t' read -r path type mode uid gid inode links target; do
      mode="$(printf '%04d' "$mode")"
      case "$type" in
        d) echo "$path d $mode $uid $gid -" ;;
        l) echo "$path l 0777 $uid $gid $target" ;;
        f)
          if [[ "$links" -gt 1 && -n "${first_of_inode[$inode]:-}" ]]; then
            echo "$path h $mode $uid $gid ${first_of_inode[$inode]}"
          else
            first_of_inode[$inode]="$path"
            echo "$path f $mode $uid $gid $(sha256_of "$root$path")"
          fi
          ;;
        *) die "unexpected file type $type at $path in $root" ;;
      esac
    done
}

# layered_check EXPECTED ROOTFS: the unpacked image must be what build_layered meant to build.
layered_check() {
  local want line
  while IFS= read -r want; do
    grep -qxF -- "$want" "$1" || die "layered image check: expected line missing from $1: '$want'"
  done <<EOF2
/data/overwrite.txt f 0644 0 0 $(printf '%s\n' "version 2 from layer 4" | sha256sum | cut -d' ' -f1)
/data/phoenix.txt f 0644 0 0 $(printf '%s\n' "second life in layer 4" | sha256sum | cut -d' ' -f1)
/hard/b-link h 0644 0 0 /hard/a-original
/links/absolute l 0777 0 0 /data/keep.txt
/links/relative l 0777 0 0 ../data/keep.txt
/modes/setuid f 4755 0 0 $(printf '%s\n' "#!/bin/sh" | sha256sum | cut -d' ' -f1)
/modes/secret f 0600 0 0 $(printf '%s\n' "only root reads this" | sha256sum | cut -d' ' -f1)
/owned d 0770 1000 1000 -
/owned/by-1000.txt f 0640 1000 1000 $(printf '%s\n' "owned by 1000:1000" | sha256sum | cut -d' ' -f1)
/empty d 0755 0 0 -
/tmp d 1777 0 0 -
EOF2
  for line in /data/remove-me.txt /olddir /bin/wget /replace/old1.txt /replace/sub; do
    [[ ! -e "$2$line" && ! -L "$2$line" ]] || die "layered image check: $line should be whited out"
  done
  [[ "$(ls -A "$2/replace" | tr '\n' ' ')" == "new.txt newsub " ]] || die "layered image check: /replace is not opaque"
  ! grep -q '/\.wh\.[^ ]* [fdlh] ' "$1" || die "layered image check: a whiteout file survived unpacking"
}
