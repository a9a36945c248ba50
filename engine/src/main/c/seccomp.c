/*
 * The container's seccomp filter. The JVM compiles Docker's profile (or the container's own) into classic
 * BPF once and caches it (SeccompCompiler); the spec carries the program hex-encoded, and this file only
 * decodes and loads it, so the rootful and rootless paths and exec share one small step.
 */
#include "launcher.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

int seccomp_parse(const char *flags, const char *hex, struct seccomp_prog *out) {
    unsigned long long f;
    size_t len = strlen(hex);
    /* sizeof(struct sock_filter) is 8: 16 hex digits an instruction; the kernel takes at most BPF_MAXINSNS */
    if (spec_parse_u64(flags, 7, &f) < 0 || len == 0 || len % 16 || len / 16 > BPF_MAXINSNS) {
        return -1;
    }
    unsigned char *bytes = malloc(len / 2);
    if (!bytes) {
        return -1;
    }
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(bytes);
            return -1;
        }
        bytes[i] = (unsigned char) (hi << 4 | lo);
    }
    free(out->insns);
    out->insns = bytes;
    out->len = (unsigned short) (len / 16);
    out->flags = (unsigned) f;
    return 0;
}

void seccomp_load(const struct seccomp_prog *p) {
    if (!p->len) {
        return; /* unconfined */
    }
    struct sock_fprog prog = {.len = p->len, .filter = (struct sock_filter *) p->insns};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog) < 0) {
        fail("load the seccomp filter", "");
    }
}
