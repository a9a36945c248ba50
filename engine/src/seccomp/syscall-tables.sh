#!/bin/sh
# Regenerates the syscall tables the seccomp compiler uses (SyscallTable): one "name number" line per system
# call, for x86_64 and aarch64, from the kernel's UAPI headers (Debian's linux-libc-dev), plus the calls newer
# kernels added after those headers. Numbers from 424 on are the same on every architecture, so the newer ones
# are listed once below. Run from anywhere; writes into the engine's resources.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../main/resources/dev/stevedore/engine/internal/runtime/seccomp
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# numbers 451.. (kernels 6.5 to 6.15), unified across architectures
newer="cachestat 451
fchmodat2 452
map_shadow_stack 453
futex_wake 454
futex_wait 455
futex_requeue 456
statmount 457
listmount 458
lsm_get_self_attr 459
lsm_set_self_attr 460
lsm_list_modules 461
mseal 462
setxattrat 463
getxattrat 464
listxattrat 465
removexattrat 466
open_tree_attr 467"

table() { # table ARCH PREAMBLE: prints every __NR_ macro's value as the C compiler sees it
    printf '%s\n' "$2" > "$work/h.h"
    gcc -E -dM "$work/h.h" | awk '/^#define __NR_[a-z0-9_]+ / { print substr($2, 6) }' | sort -u > "$work/names"
    {
        printf '%s\n#include <stdio.h>\nint main(void) {\n' "$2"
        while read -r n; do
            case $n in syscalls|arch_specific_syscall) continue ;; esac
            printf '#ifdef __NR_%s\n  printf("%s %%ld\\n", (long) (__NR_%s));\n#endif\n' "$n" "$n" "$n"
        done < "$work/names"
        printf '  return 0;\n}\n'
    } > "$work/t.c"
    gcc -o "$work/t" "$work/t.c"
    { "$work/t"; printf '%s\n' "$newer"; } | sort -k2,2n -k1,1 | awk '!seen[$1]++' > "$out/syscalls-$1.txt"
}

table x86_64 '#include <asm/unistd_64.h>'
# arm64's asm/unistd.h: the generic table with these choices, on a 64-bit long
table aarch64 '#define __BITS_PER_LONG 64
#define __ARCH_WANT_RENAMEAT
#define __ARCH_WANT_NEW_STAT
#define __ARCH_WANT_SET_GET_RLIMIT
#define __ARCH_WANT_TIME32_SYSCALLS
#define __ARCH_WANT_SYS_CLONE3
#define __ARCH_WANT_MEMFD_SECRET
#include <asm-generic/unistd.h>'
# uretprobe (335) exists on x86_64 only
grep -q '^uretprobe ' "$out/syscalls-x86_64.txt" || echo 'uretprobe 335' >> "$out/syscalls-x86_64.txt"
