#!/bin/sh
# Compiles the native launcher: build.sh OUTPUT. Used by the engine's Maven build (exec-maven-plugin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$(dirname "$out")"
cc=${CC:-gcc}
flags="-std=c11 -O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -fno-strict-aliasing"
# static where the C library allows it, so the launcher runs whatever the host's libraries are
link=""
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main(void){return 0;}\n' > "$probe/p.c"
if $cc -static -o "$probe/p" "$probe/p.c" 2>/dev/null; then
  link="-static"
fi
$cc $flags $link -o "$out.tmp" "$here"/*.c
strip "$out.tmp" 2>/dev/null || true
mv "$out.tmp" "$out"
