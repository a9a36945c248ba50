/*
 * The container's device policy on cgroup v2: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the
 * container's own cgroup, which the kernel asks before every mknod, open for reading and open for writing of a
 * device node by a process in that cgroup. It allows the standard nodes a container's /dev holds (null, zero, full,
 * random, urandom, tty, console, ptmx and the pty slaves) for every access, mknod included, and refuses every other
 * device, char or block, with EPERM: a node of the host's disk made on a tmpfs mounted with "dev" stays useless,
 * whatever the capabilities. It is Docker's policy (runc's DefaultAllowedDevices) without Docker's blanket mknod
 * allowance for other devices, which only ever makes nodes that cannot be opened.
 *
 * A device asked for with --device gets a rule of its own after the standard ones: its type and numbers, allowed for
 * the accesses it names (r, w, m) only.
 *
 * cgroup v1 hosts get the same list as devices.allow rules, written by the JVM (Cgroups.java). The program is a
 * few dozen instructions: loading it costs the verifier a few microseconds. It lives as long as the cgroup does, so
 * removing the cgroup frees it; nothing to clean up here.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The allowed char devices; minor -1 means every minor of the major. */
static const struct {
    int major, minor;
} allowed[] = {
    {1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, /* null, zero, full, random, urandom */
    {5, 0}, {5, 1}, {5, 2},                 /* tty, console, ptmx */
    {136, -1},                              /* the pty slaves of /dev/pts */
};

#define NALLOWED (sizeof allowed / sizeof allowed[0])
/* 6 to load the context, 1 type test, up to 3 a standard rule, 7 an extra rule, 4 for the verdict */
#define MAX_INSNS(nextra) (6 + 1 + 3 * NALLOWED + 7 * (nextra) + 4)

static struct bpf_insn insn(unsigned char code, unsigned char dst, unsigned char src, short off, int imm) {
    return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

int device_parse(char *const *fields, struct device_entry *e) {
    unsigned long long major, minor;
    if (!strcmp(fields[0], "c")) {
        e->type = BPF_DEVCG_DEV_CHAR;
        e->ifmt = S_IFCHR;
    } else if (!strcmp(fields[0], "b")) {
        e->type = BPF_DEVCG_DEV_BLOCK;
        e->ifmt = S_IFBLK;
    } else {
        return -1;
    }
    if (spec_parse_u64(fields[1], 0xffffffffull, &major) < 0 || spec_parse_u64(fields[2], 0xffffffffull, &minor) < 0) {
        return -1;
    }
    e->major = (unsigned) major;
    e->minor = (unsigned) minor;
    e->access = 0;
    for (const char *p = fields[3]; *p; p++) {
        int bit = *p == 'r' ? BPF_DEVCG_ACC_READ : *p == 'w' ? BPF_DEVCG_ACC_WRITE : *p == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
        if (!bit || (e->access & bit)) {
            return -1;
        }
        e->access |= bit;
    }
    return e->access ? 0 : -1;
}

/*
 * r1 points at struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); u32 major; u32 minor; }.
 * The program answers 1 (allow) or 0 (deny). Every standard device is allowed for every access, so only the type
 * and the numbers are looked at for those; a device asked for (--device) is allowed for the accesses it names only.
 */
static size_t build(struct bpf_insn *p, const struct device_entry *extra, size_t nextra) {
    size_t n = 0;
    p[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);  /* r2 = access_type */
    p[n++] = insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);    /* r2 = type */
    p[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 4, 0);  /* r3 = major */
    p[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 8, 0);  /* r4 = minor */
    p[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 0, 0);  /* r5 = access_type */
    p[n++] = insn(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_5, 0, 0, 16);        /* r5 = access */
    size_t type_test = n++; /* if r2 != char goto the extra rules, patched below */
    for (size_t i = 0; i < NALLOWED; i++) {
        int any_minor = allowed[i].minor < 0;
        /* if r3 != major (or r4 != minor) skip to the next rule */
        p[n] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_3, 0, (short) (any_minor ? 1 : 2), allowed[i].major);
        n++;
        if (!any_minor) {
            p[n] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 1, allowed[i].minor);
            n++;
        }
        p[n++] = insn(BPF_JMP | BPF_JA, 0, 0, 0, 0); /* goto allow, patched below */
    }
    size_t extras = n;
    for (size_t i = 0; i < nextra; i++) {
        /* if type, major or minor differ, or an access is asked that the rule does not give, skip to the next rule */
        p[n] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 6, extra[i].type);
        n++;
        p[n] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_3, 0, 5, (int) extra[i].major);
        n++;
        p[n] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 4, (int) extra[i].minor);
        n++;
        p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_5, 0, 0);
        p[n++] = insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_6, 0, 0, ~extra[i].access);
        p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_6, 0, 1, 0);
        p[n++] = insn(BPF_JMP | BPF_JA, 0, 0, 0, 0); /* goto allow, patched below */
    }
    size_t deny = n;
    p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
    p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    size_t allow = n;
    p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
    p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    p[type_test] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, (short) (extras - type_test - 1), BPF_DEVCG_DEV_CHAR);
    for (size_t i = type_test + 1; i < deny; i++) {
        if (p[i].code == (BPF_JMP | BPF_JA)) {
            p[i].off = (short) (allow - i - 1);
        }
    }
    return n;
}

static long bpf(int cmd, union bpf_attr *attr) {
    return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

int devices_attach(const char *cgroup, const struct device_entry *extra, size_t nextra, const char **step) {
    /* the spec reader caps nothing, but a jump offset is 16 bits: a few thousand rules is far beyond any use */
    if (nextra > 4000) {
        *step = "build the device policy (more than 4000 devices asked for)";
        errno = E2BIG;
        return -1;
    }
    struct bpf_insn *prog = calloc(MAX_INSNS(nextra), sizeof *prog);
    if (!prog) {
        *step = "build the device policy";
        return -1;
    }
    size_t n = build(prog, extra, nextra);
    static const char license[] = "Apache-2.0";
    union bpf_attr load;
    memset(&load, 0, sizeof load);
    load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    load.insns = (uint64_t) (uintptr_t) prog;
    load.insn_cnt = (uint32_t) n;
    load.license = (uint64_t) (uintptr_t) license;
    memcpy(load.prog_name, "stevedore_dev", sizeof "stevedore_dev");
    *step = "load the device policy (a cgroup v2 device program, which needs a kernel with CONFIG_CGROUP_BPF)";
    int progfd = (int) bpf(BPF_PROG_LOAD, &load);
    free(prog);
    if (progfd < 0) {
        return -1;
    }
    *step = "open the container's cgroup to attach the device policy";
    int dir = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        int saved = errno;
        close(progfd);
        errno = saved;
        return -1;
    }
    union bpf_attr attach;
    memset(&attach, 0, sizeof attach);
    attach.target_fd = (uint32_t) dir;
    attach.attach_bpf_fd = (uint32_t) progfd;
    attach.attach_type = BPF_CGROUP_DEVICE;
    /* as runc: programs of parent groups (a host's own policy) keep applying as well */
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    *step = "attach the device policy to the container's cgroup";
    long rc = bpf(BPF_PROG_ATTACH, &attach);
    int saved = errno;
    close(dir);
    close(progfd); /* the attachment holds the program now */
    errno = saved;
    return rc < 0 ? -1 : 0;
}
