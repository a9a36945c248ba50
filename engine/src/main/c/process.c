/*
 * The last steps before a container process runs, shared by the container's init and by exec: error
 * reports on the sync pipe, signal reset, privilege drop and the exec with Docker's PATH lookup.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static int report_fd = -1;

void set_report_fd(int fd) {
    report_fd = fd;
}

void close_report_fd(void) {
    if (report_fd >= 0) {
        close(report_fd);
        report_fd = -1;
    }
}

_Noreturn void report(const char *step, int err, const char *path, int code) {
    char num[16];
    snprintf(num, sizeof num, "%d", err);
    const char *fields[] = {step, num, err ? strerror(err) : "", path ? path : ""};
    record_write(report_fd, "error", 4, fields);
    _exit(code);
}

_Noreturn void fail(const char *step, const char *path) {
    report(step, errno, path, 125);
}

void reset_signals(void) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            sigaction(sig, &dfl, NULL);
        }
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

void drop_privileges(const struct identity *id, uint64_t caps, int no_new_privs, const struct seccomp_prog *filter) {
    if (!no_new_privs) {
        seccomp_load(filter);
    }
    for (int cap = 0; cap < 64; cap++) {
        int has = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (has < 0) {
            break; /* past the kernel's last capability */
        }
        if (has == 1 && !(caps & (1ull << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            fail("drop a capability from the bounding set", "");
        }
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
        fail("keep capabilities across the user switch", "");
    }
    if (setgroups(id->ngroups, id->groups) < 0 && !single_id_groups_ok(id->groups, id->ngroups)) {
        fail("set the supplementary groups", "");
    }
    if (setresgid(id->gid, id->gid, id->gid) < 0) {
        fail(errno == EINVAL && in_user_namespace ? UNMAPPED_ID_STEP("set the group id") : "set the group id", "");
    }
    if (setresuid(id->uid, id->uid, id->uid) < 0) {
        fail(errno == EINVAL && in_user_namespace ? UNMAPPED_ID_STEP("set the user id") : "set the user id", "");
    }
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) < 0) {
        fail("read the capability sets", "");
    }
    /* inheritable stays empty (CVE-2022-24769): an exec'd non-root process gets no capabilities */
    uint64_t permitted = ((uint64_t) data[1].permitted << 32 | data[0].permitted) & caps;
    for (int i = 0; i < 2; i++) {
        data[i].effective = data[i].permitted = (uint32_t) (permitted >> (32 * i));
        data[i].inheritable = 0;
    }
    if (syscall(SYS_capset, &header, data) < 0) {
        fail("set the capability sets", "");
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
        fail("clear the ambient capabilities", "");
    }
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) {
        fail("reset keep-capabilities", "");
    }
    if (no_new_privs) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
            fail("set no_new_privs", "");
        }
        seccomp_load(filter);
    }
}

char **env_with_home(char *const *env, size_t nenv, const char *home) {
    char **out = calloc(nenv + 2, sizeof *out);
    if (!out) {
        fail("build the environment", "");
    }
    int has_home = 0;
    for (size_t i = 0; i < nenv; i++) {
        out[i] = env[i];
        has_home |= !strncmp(env[i], "HOME=", 5);
    }
    if (!has_home) {
        size_t len = strlen(home) + 6;
        char *entry = malloc(len);
        if (!entry) {
            fail("build the environment", "");
        }
        snprintf(entry, len, "HOME=%s", home);
        out[nenv] = entry;
    }
    return out;
}

void close_fds_on_exec(void) {
    if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) < 0) {
        for (int fd = 3; fd < 1024; fd++) {
            if (fd != report_fd) {
                close(fd);
            }
        }
    }
}

static const char *env_path(char *const *env) {
    for (size_t i = 0; env[i]; i++) {
        if (!strncmp(env[i], "PATH=", 5)) {
            return env[i] + 5;
        }
    }
    return DEFAULT_PATH;
}

_Noreturn void exec_command(char *const *args, char *const *env) {
    const char *cmd = args[0];
    if (strchr(cmd, '/')) {
        execve(cmd, args, env);
        report("exec", errno, cmd, errno == ENOENT ? 127 : 126);
    }
    /* like Docker: look the command up in the container's PATH, never fall back to /bin/sh */
    const char *path = env_path(env);
    size_t cmdlen = strlen(cmd);
    char *candidate = malloc(strlen(path) + cmdlen + 3);
    char *denied = NULL;
    if (!candidate) {
        report("exec", ENOMEM, cmd, 126);
    }
    const char *dir = path;
    for (;;) {
        const char *end = strchrnul(dir, ':');
        size_t n = (size_t) (end - dir);
        if (n == 0) {
            strcpy(candidate, "./");
        } else {
            memcpy(candidate, dir, n);
            candidate[n] = '/';
            candidate[n + 1] = '\0';
        }
        strcat(candidate, cmd);
        execve(candidate, args, env);
        if (errno == EACCES) {
            if (!denied) {
                denied = strdup(candidate);
            }
        } else if (errno != ENOENT && errno != ENOTDIR) {
            report("exec", errno, candidate, 126);
        }
        if (!*end) {
            break;
        }
        dir = end + 1;
    }
    if (denied) {
        report("exec", EACCES, denied, 126);
    }
    report("exec-lookup", ENOENT, cmd, 127);
}

unsigned long long process_start_time(const char *stat_path) {
    char buf[1024];
    int fd = open(stat_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p) {
        return 0;
    }
    /* after "pid (comm)" come fields 3..; start time is field 22 */
    int field = 2;
    while (*p && field < 22) {
        if (*p++ == ' ') {
            field++;
        }
    }
    return strtoull(p, NULL, 10);
}

int child_signalfd(void) {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    return signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
}

int join_cgroups(char *const *cgroups, size_t n, pid_t pid, const char **failed) {
    char num[16];
    int len = snprintf(num, sizeof num, "%d", (int) pid);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/cgroup.procs", cgroups[i]);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, num, (size_t) len) != len) {
            int saved = errno;
            if (fd >= 0) {
                close(fd);
            }
            *failed = cgroups[i];
            errno = saved;
            return -1;
        }
        close(fd);
    }
    return 0;
}

int await_go(int fd) {
    char byte;
    ssize_t n;
    do {
        n = read(fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
    return n == 1;
}

void resolve_identity(const char *user_spec, uid_t uid, gid_t gid, const gid_t *extra, size_t nextra, int code,
                      struct identity *id) {
    memset(id, 0, sizeof *id);
    id->uid = uid;
    id->gid = gid;
    snprintf(id->home, sizeof id->home, "/");
    if (user_spec) {
        char err[512];
        if (resolve_user(user_spec, id, err, sizeof err) < 0) {
            const char *fields[] = {"resolve the user", "0", err, user_spec};
            record_write(report_fd, "error", 4, fields);
            _exit(code);
        }
    }
    /* the requested extra groups come on top of those /etc/group gives */
    for (size_t i = 0; i < nextra; i++) {
        gid_t *grown = realloc(id->groups, (id->ngroups + 1) * sizeof *grown);
        if (!grown) {
            fail("add the supplementary groups", "");
        }
        grown[id->ngroups++] = extra[i];
        id->groups = grown;
    }
}

void add_named_groups(char *const *names, size_t n, int code, struct identity *id) {
    for (size_t i = 0; i < n; i++) {
        char err[512];
        gid_t gid;
        if (resolve_group(names[i], &gid, err, sizeof err) < 0) {
            const char *fields[] = {"resolve the additional groups", "0", err, names[i]};
            record_write(report_fd, "error", 4, fields);
            _exit(code);
        }
        gid_t *grown = realloc(id->groups, (id->ngroups + 1) * sizeof *grown);
        if (!grown) {
            fail("add the supplementary groups", "");
        }
        grown[id->ngroups++] = gid;
        id->groups = grown;
    }
}

int next_command(struct reader *in, struct record *rec, const char *who) {
    const char *perr = NULL;
    memset(rec, 0, sizeof *rec);
    int got = reader_next(in, rec, &perr);
    if (got < 0) {
        fprintf(stderr, "%s: bad command from the JVM: %s\n", who, perr);
    }
    return got;
}

int rlimit_parse(char *const *fields, struct rlimit_entry *r) {
    unsigned long long resource;
    if (strlen(fields[0]) >= sizeof r->name || spec_parse_u64(fields[1], RLIMITS_MAX - 1, &resource)) {
        return -1;
    }
    unsigned long long *values[] = {&r->soft, &r->hard};
    for (int i = 0; i < 2; i++) {
        if (!strcmp(fields[2 + i], "unlimited")) {
            *values[i] = RLIM_INFINITY;
        } else if (spec_parse_u64(fields[2 + i], RLIM_INFINITY - 1, values[i])) {
            return -1;
        }
    }
    strcpy(r->name, fields[0]);
    r->resource = (int) resource;
    return r->soft <= r->hard ? 0 : -1;
}

void set_rlimits(const struct rlimit_entry *limits, size_t n, int code) {
    for (size_t i = 0; i < n; i++) {
        struct rlimit rl = {.rlim_cur = limits[i].soft, .rlim_max = limits[i].hard};
        if (setrlimit(limits[i].resource, &rl) < 0) {
            /* EPERM: a hard limit above the one this process has, without CAP_SYS_RESOURCE over the host */
            report("set the --ulimit (a hard limit past what the host allows needs a lower value)", errno, limits[i].name, code);
        }
    }
}
