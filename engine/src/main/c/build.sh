#!/bin/sh
# Compiles the native launcher: build.sh OUTPUT. Used by the engine's Maven build (exec-maven-plugin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$(dirname "$out")"
cc=${CC:-gcc}
# The hardening a distribution builds with (Debian's dpkg-buildflags, Fedora's redhat-hardened): the launcher runs
# as root beside a container that may be hostile, and supervises it for as long as it runs.
flags="-std=c11 -O2 -Wall -Wextra -Werror -Wformat -Wformat-security -D_FORTIFY_SOURCE=2 -fno-strict-aliasing
  -fstack-protector-strong -fstack-clash-protection"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main(void){return 0;}\n' > "$probe/p.c"
accepts() { $cc "$@" -o "$probe/p" "$probe/p.c" 2>/dev/null; }
# control-flow protection where the architecture has it (x86 CET, arm64 BTI/PAC)
if accepts -fcf-protection; then
  flags="$flags -fcf-protection"
elif accepts -mbranch-protection=standard; then
  flags="$flags -mbranch-protection=standard"
fi
# Static where the C library allows it, so the launcher runs whatever the host's libraries are; and position
# independent (static-pie) where the toolchain can, so its code lands at a random address like any PIE.
# Full RELRO (relro + now) in every case: the relocated data is read-only before main runs.
relro="-Wl,-z,relro,-z,now"
if accepts -static-pie -fPIE; then
  link="-static-pie -fPIE $relro"
elif accepts -static; then
  link="-static $relro"
else
  link="-fPIE -pie $relro"
fi
$cc $flags $link -o "$out.tmp" "$here"/*.c
strip "$out.tmp" 2>/dev/null || true
mv "$out.tmp" "$out"
