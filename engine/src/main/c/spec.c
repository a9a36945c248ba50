/* Reads the container spec the JVM sends: records up to "end", validated before anything is created. */
#include "launcher.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

static int spec_fail(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int spec_push(char ***list, size_t *n, char *value) {
    char **grown = realloc(*list, (*n + 2) * sizeof **list);
    if (!grown) {
        return -1;
    }
    grown[(*n)++] = value;
    grown[*n] = NULL;
    *list = grown;
    return 0;
}

int spec_parse_u64(const char *s, unsigned long long max, unsigned long long *out) {
    if (!*s) {
        return -1;
    }
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }
        unsigned long long d = (unsigned long long) (*p - '0');
        if (v > (max - d) / 10) {
            return -1;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int is_abs_clean(const char *p) {
    if (p[0] != '/') {
        return 0;
    }
    /* no "." or ".." components: targets are resolved inside the root and must mean what they say */
    const char *c = p;
    while (*c) {
        while (*c == '/') {
            c++;
        }
        const char *e = c;
        while (*e && *e != '/') {
            e++;
        }
        size_t n = (size_t) (e - c);
        if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
            return 0;
        }
        c = e;
    }
    return 1;
}

static int overlay_safe(const char *p) {
    /* overlayfs splits its options on ',' and ':' and treats '\\' as an escape */
    return strpbrk(p, ",:\\") == NULL;
}

static int tmpfs_flags(const char *list, unsigned long *flags) {
    *flags = 0;
    const char *c = list;
    while (*c) {
        const char *e = strchr(c, ',');
        size_t n = e ? (size_t) (e - c) : strlen(c);
        if (n == 2 && !strncmp(c, "ro", 2)) {
            *flags |= MS_RDONLY;
        } else if (n == 6 && !strncmp(c, "nosuid", 6)) {
            *flags |= MS_NOSUID;
        } else if (n == 5 && !strncmp(c, "nodev", 5)) {
            *flags |= MS_NODEV;
        } else if (n == 6 && !strncmp(c, "noexec", 6)) {
            *flags |= MS_NOEXEC;
        } else if (n != 0) {
            return -1;
        }
        c += n;
        if (*c == ',') {
            c++;
        }
    }
    return 0;
}

/* A sysctl's dotted name maps to a path under /proc/sys: no empty part, no "..", nothing but a plain name. */
static int sysctl_key_ok(const char *key) {
    if (!*key || key[0] == '.' || key[strlen(key) - 1] == '.' || strstr(key, "..")) {
        return 0;
    }
    for (const char *c = key; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '_'
                || *c == '-')) {
            return 0;
        }
    }
    return 1;
}

#define EXPECT(n)                                                                               \
    do {                                                                                        \
        if (rec.nfields != (n)) {                                                               \
            rc = spec_fail(err, errlen, "spec record \"%s\" needs %d field(s), has %d", rec.key, (n), \
                      rec.nfields);                                                             \
            goto out;                                                                           \
        }                                                                                       \
    } while (0)

#define TAKE(i) (taken[(i)] = 1, rec.fields[(i)])

int spec_read(struct reader *r, struct spec *s, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    s->cwd = "/";
    s->no_new_privs = 1;
    s->shm_size = 64ull << 20;
    int have_user = 0;
    int done = 0;
    int rc = 0;
    while (!done) {
        struct record rec = {0};
        const char *perr = NULL;
        int got = reader_next(r, &rec, &perr);
        if (got < 0) {
            return spec_fail(err, errlen, "malformed spec: %s", perr);
        }
        if (got == 0) {
            ssize_t n = reader_fill(r);
            if (n < 0) {
                return spec_fail(err, errlen, "cannot read the spec: %s", strerror(errno));
            }
            if (n == 0) {
                return spec_fail(err, errlen, "the spec ended before its \"end\" record");
            }
            continue;
        }
        int taken[REC_MAX_FIELDS] = {0};
        const char *k = rec.key;
        if (!strcmp(k, "end")) {
            EXPECT(0);
            done = 1;
        } else if (!strcmp(k, "version")) {
            EXPECT(1);
            if (strcmp(rec.fields[0], "1")) {
                rc = spec_fail(err, errlen, "spec version %s is not supported (this launcher speaks 1)", rec.fields[0]);
                goto out;
            }
        } else if (!strcmp(k, "state-dir")) {
            EXPECT(1);
            s->state_dir = TAKE(0);
        } else if (!strcmp(k, "layer")) {
            EXPECT(1);
            if (spec_push(&s->layers, &s->nlayers, TAKE(0)) < 0) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
        } else if (!strcmp(k, "upper")) {
            EXPECT(1);
            s->upper = TAKE(0);
        } else if (!strcmp(k, "work")) {
            EXPECT(1);
            s->work = TAKE(0);
        } else if (!strcmp(k, "rootfs")) {
            EXPECT(1);
            s->rootfs = TAKE(0);
        } else if (!strcmp(k, "arg")) {
            EXPECT(1);
            if (spec_push(&s->args, &s->nargs, TAKE(0)) < 0) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
        } else if (!strcmp(k, "env")) {
            EXPECT(1);
            if (!strchr(rec.fields[0], '=')) {
                rc = spec_fail(err, errlen, "environment entry \"%s\" has no '='", rec.fields[0]);
                goto out;
            }
            if (spec_push(&s->env, &s->nenv, TAKE(0)) < 0) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
        } else if (!strcmp(k, "cwd")) {
            EXPECT(1);
            s->cwd = TAKE(0);
        } else if (!strcmp(k, "user")) {
            EXPECT(2);
            unsigned long long uid, gid;
            if (spec_parse_u64(rec.fields[0], 0x7fffffffull, &uid) || spec_parse_u64(rec.fields[1], 0x7fffffffull, &gid)) {
                rc = spec_fail(err, errlen, "user %s:%s is not a pair of ids up to 2^31-1", rec.fields[0], rec.fields[1]);
                goto out;
            }
            s->uid = (uid_t) uid;
            s->gid = (gid_t) gid;
            have_user = 1;
        } else if (!strcmp(k, "user-spec")) {
            EXPECT(1);
            s->user_spec = TAKE(0);
        } else if (!strcmp(k, "group")) {
            EXPECT(1);
            unsigned long long gid;
            if (spec_parse_u64(rec.fields[0], 0x7fffffffull, &gid)) {
                rc = spec_fail(err, errlen, "group %s is not an id up to 2^31-1", rec.fields[0]);
                goto out;
            }
            gid_t *grown = realloc(s->groups, (s->ngroups + 1) * sizeof *grown);
            if (!grown) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
            grown[s->ngroups++] = (gid_t) gid;
            s->groups = grown;
        } else if (!strcmp(k, "hostname")) {
            EXPECT(1);
            s->hostname = TAKE(0);
        } else if (!strcmp(k, "network")) {
            EXPECT(1);
            if (!strcmp(rec.fields[0], "host")) {
                s->net_host = 1;
            } else if (!strcmp(rec.fields[0], "none")) {
                s->net_host = 0;
            } else {
                rc = spec_fail(err, errlen, "network mode \"%s\" is neither \"none\" nor \"host\"", rec.fields[0]);
                goto out;
            }
        } else if (!strcmp(k, "bind") || !strcmp(k, "tmpfs")) {
            struct mount_entry m = {0};
            if (!strcmp(k, "bind")) {
                EXPECT(3);
                m.kind = MOUNT_BIND;
                m.source = TAKE(0);
                m.target = TAKE(1);
                if (!strcmp(rec.fields[2], "ro")) {
                    m.readonly = 1;
                } else if (strcmp(rec.fields[2], "rw")) {
                    rc = spec_fail(err, errlen, "bind mount mode \"%s\" is neither \"ro\" nor \"rw\"", rec.fields[2]);
                    goto out;
                }
                if (m.source[0] != '/') {
                    rc = spec_fail(err, errlen, "bind mount source \"%s\" is not absolute", m.source);
                    goto out;
                }
            } else {
                EXPECT(3);
                m.kind = MOUNT_TMPFS;
                m.target = TAKE(0);
                if (tmpfs_flags(rec.fields[1], &m.flags) < 0) {
                    rc = spec_fail(err, errlen, "tmpfs flags \"%s\" are not a list of ro,nosuid,nodev,noexec", rec.fields[1]);
                    goto out;
                }
                m.data = TAKE(2);
            }
            if (!is_abs_clean(m.target)) {
                rc = spec_fail(err, errlen, "mount target \"%s\" is not an absolute path without . or ..", m.target);
                goto out;
            }
            struct mount_entry *grown = realloc(s->mounts, (s->nmounts + 1) * sizeof *grown);
            if (!grown) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
            grown[s->nmounts++] = m;
            s->mounts = grown;
        } else if (!strcmp(k, "etc")) {
            EXPECT(2);
            struct etc_file e = {TAKE(0), TAKE(1)};
            if (!is_abs_clean(e.target) || e.source[0] != '/') {
                rc = spec_fail(err, errlen, "etc file %s -> %s needs absolute paths", e.source, e.target);
                goto out;
            }
            struct etc_file *grown = realloc(s->etc, (s->netc + 1) * sizeof *grown);
            if (!grown) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
            grown[s->netc++] = e;
            s->etc = grown;
        } else if (!strcmp(k, "shm-size")) {
            EXPECT(1);
            if (spec_parse_u64(rec.fields[0], 1ull << 50, &s->shm_size) || s->shm_size == 0) {
                rc = spec_fail(err, errlen, "shm size \"%s\" is not a positive number of bytes", rec.fields[0]);
                goto out;
            }
        } else if (!strcmp(k, "privileged")) {
            EXPECT(1);
            s->privileged = !strcmp(rec.fields[0], "1");
        } else if (!strcmp(k, "readonly-rootfs")) {
            EXPECT(1);
            s->readonly_rootfs = !strcmp(rec.fields[0], "1");
        } else if (!strcmp(k, "no-new-privileges")) {
            EXPECT(1);
            s->no_new_privs = !strcmp(rec.fields[0], "1");
        } else if (!strcmp(k, "masked") || !strcmp(k, "readonly")) {
            EXPECT(1);
            int masked = !strcmp(k, "masked");
            if (!is_abs_clean(rec.fields[0])) {
                rc = spec_fail(err, errlen, "%s path \"%s\" is not an absolute path without . or ..", k, rec.fields[0]);
                goto out;
            }
            if (spec_push(masked ? &s->masked : &s->ro_paths, masked ? &s->nmasked : &s->nro_paths, TAKE(0)) < 0) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
        } else if (!strcmp(k, "cap")) {
            EXPECT(1);
            unsigned long long cap;
            if (spec_parse_u64(rec.fields[0], 63, &cap)) {
                rc = spec_fail(err, errlen, "capability \"%s\" is not a number from 0 to 63", rec.fields[0]);
                goto out;
            }
            s->caps |= 1ull << cap;
        } else if (!strcmp(k, "rlimit")) {
            EXPECT(4);
            if (s->nrlimits == RLIMITS_MAX || rlimit_parse(rec.fields, &s->rlimits[s->nrlimits]) < 0) {
                rc = spec_fail(err, errlen, "rlimit \"%s\" is not NAME RESOURCE SOFT HARD with soft <= hard", rec.fields[0]);
                goto out;
            }
            s->nrlimits++;
        } else if (!strcmp(k, "cgroup")) {
            EXPECT(1);
            if (rec.fields[0][0] != '/' || strncmp(rec.fields[0], "/sys/fs/cgroup/", 15)) {
                rc = spec_fail(err, errlen, "cgroup \"%s\" is not a directory under /sys/fs/cgroup", rec.fields[0]);
                goto out;
            }
            if (spec_push(&s->cgroups, &s->ncgroups, TAKE(0)) < 0) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
        } else if (!strcmp(k, "devices-program")) {
            EXPECT(1);
            if (rec.fields[0][0] != '/' || strncmp(rec.fields[0], "/sys/fs/cgroup/", 15)) {
                rc = spec_fail(err, errlen, "devices-program cgroup \"%s\" is not a directory under /sys/fs/cgroup", rec.fields[0]);
                goto out;
            }
            free(s->devices_program);
            s->devices_program = TAKE(0);
        } else if (!strcmp(k, "seccomp")) {
            EXPECT(2);
            if (seccomp_parse(rec.fields[0], rec.fields[1], &s->seccomp) < 0) {
                rc = spec_fail(err, errlen, "seccomp record is not flags (0-7) and a hex-encoded BPF program of 1 to 4096 instructions");
                goto out;
            }
        } else if (!strcmp(k, "device")) {
            EXPECT(6);
            struct device_entry d = {0};
            if (device_parse(rec.fields, &d) < 0 || rec.fields[4][0] != '/' || !is_abs_clean(rec.fields[5])
                || !strcmp(rec.fields[5], "/")) {
                rc = spec_fail(err, errlen, "device record \"%s\" is not TYPE (c or b) MAJOR MINOR PERMS (of rwm) HOST"
                               " CONTAINER with absolute paths", rec.fields[4]);
                goto out;
            }
            d.host = TAKE(4);
            d.target = TAKE(5);
            struct device_entry *grown = realloc(s->devices, (s->ndevices + 1) * sizeof *grown);
            if (!grown) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
            grown[s->ndevices++] = d;
            s->devices = grown;
        } else if (!strcmp(k, "stdin")) {
            EXPECT(1);
            s->open_stdin = !strcmp(rec.fields[0], "1");
        } else if (!strcmp(k, "tty")) {
            EXPECT(2);
            unsigned long long rows = 0, cols = 0;
            if (spec_parse_u64(rec.fields[0], 65535, &rows) < 0 || spec_parse_u64(rec.fields[1], 65535, &cols) < 0) {
                rc = spec_fail(err, errlen, "tty record is not rows and columns (0-65535)");
                goto out;
            }
            s->tty = 1;
            s->tty_rows = (unsigned short) rows;
            s->tty_cols = (unsigned short) cols;
        } else if (!strcmp(k, "group-add")) {
            EXPECT(1);
            if (!*rec.fields[0] || spec_push(&s->group_add, &s->ngroup_add, TAKE(0)) < 0) {
                rc = spec_fail(err, errlen, "group-add record needs a group name or number");
                goto out;
            }
        } else if (!strcmp(k, "domainname")) {
            EXPECT(1);
            if (strlen(rec.fields[0]) > 64) {
                rc = spec_fail(err, errlen, "the domain name must have at most 64 bytes");
                goto out;
            }
            free(s->domainname);
            s->domainname = TAKE(0);
        } else if (!strcmp(k, "sysctl")) {
            EXPECT(2);
            if (!sysctl_key_ok(rec.fields[0])) {
                rc = spec_fail(err, errlen, "sysctl \"%s\" is not a dotted name of letters, digits, '_' and '-'", rec.fields[0]);
                goto out;
            }
            size_t n = s->nsysctls;
            if (spec_push(&s->sysctl_keys, &n, TAKE(0)) < 0 || spec_push(&s->sysctl_values, &s->nsysctls, TAKE(1)) < 0) {
                rc = spec_fail(err, errlen, "out of memory");
                goto out;
            }
        } else if (!strcmp(k, "init")) {
            EXPECT(1);
            s->init = !strcmp(rec.fields[0], "1");
        } else if (!strcmp(k, "oom-score-adj")) {
            EXPECT(1);
            char *end;
            long value = strtol(rec.fields[0], &end, 10);
            if (!*rec.fields[0] || *end || value < -1000 || value > 1000) {
                rc = spec_fail(err, errlen, "oom-score-adj record needs a number from -1000 to 1000");
                goto out;
            }
            s->oom_score_adj = (int) value;
        } else if (!strcmp(k, "stdout")) {
            EXPECT(1);
            s->stdout_log = TAKE(0);
        } else if (!strcmp(k, "stderr")) {
            EXPECT(1);
            s->stderr_log = TAKE(0);
        } else if (!strcmp(k, "log-rotate")) {
            EXPECT(2);
            unsigned long long files = 0;
            if (spec_parse_u64(rec.fields[0], ~0ull >> 1, &s->log_max_size) < 0
                    || spec_parse_u64(rec.fields[1], 1u << 20, &files) < 0 || files < 1) {
                rc = spec_fail(err, errlen, "log-rotate record is not a size in bytes and a file count (1 or more)");
                goto out;
            }
            s->log_max_files = (unsigned) files;
        } else {
            rc = spec_fail(err, errlen, "unknown spec record \"%s\"", k);
        }
    out:
        for (int f = 0; f < rec.nfields; f++) {
            if (!taken[f]) {
                free(rec.fields[f]);
            }
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (!s->state_dir || !s->upper || !s->work || !s->rootfs || !s->stdout_log || !s->stderr_log) {
        return spec_fail(err, errlen, "the spec lacks one of state-dir, upper, work, rootfs, stdout, stderr");
    }
    if (s->nlayers == 0) {
        return spec_fail(err, errlen, "the spec names no image layer");
    }
    if (s->nargs == 0) {
        return spec_fail(err, errlen, "the spec has no command (no arg record)");
    }
    if (!have_user) {
        return spec_fail(err, errlen, "the spec names no user");
    }
    if (!s->hostname || !*s->hostname || strlen(s->hostname) > 64) {
        return spec_fail(err, errlen, "the hostname must have 1 to 64 bytes");
    }
    if (s->cwd[0] != '/') {
        return spec_fail(err, errlen, "the working directory \"%s\" is not absolute", s->cwd);
    }
    for (size_t i = 0; i < s->nlayers; i++) {
        if (s->layers[i][0] != '/' || !overlay_safe(s->layers[i])) {
            return spec_fail(err, errlen, "layer directory \"%s\" must be absolute and free of ',' ':' '\\'", s->layers[i]);
        }
    }
    if (!overlay_safe(s->upper) || !overlay_safe(s->work) || s->upper[0] != '/' || s->work[0] != '/') {
        return spec_fail(err, errlen, "upper and work directories must be absolute and free of ',' ':' '\\'");
    }
    return 0;
}
