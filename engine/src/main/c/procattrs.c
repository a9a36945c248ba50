/*
 * What the launcher reads and writes of a process under /proc: a container's sysctls, its OOM score adjustment
 * (--oom-score-adj) and which namespaces a process shares with this one.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The spec's sysctls, in the container's own namespaces (the JVM let only namespaced ones through). */
void write_sysctls(const struct spec *s) {
    for (size_t i = 0; i < s->nsysctls; i++) {
        char path[512];
        int n = snprintf(path, sizeof path, "/proc/sys/%s", s->sysctl_keys[i]);
        if (n < 0 || (size_t) n >= sizeof path) {
            errno = ENAMETOOLONG;
            fail("set the sysctl", s->sysctl_keys[i]);
        }
        for (char *c = path + 10; *c; c++) {
            if (*c == '.') {
                *c = '/';
            }
        }
        int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || write_all(fd, s->sysctl_values[i], strlen(s->sysctl_values[i])) < 0) {
            fail("set the sysctl", path);
        }
        close(fd);
    }
}

/* The oom_score_adj of process pid ("self" when 0), or INT32_MIN when it cannot be read. */
static int read_oom_score_adj(pid_t pid) {
    char path[64], text[16] = {0};
    if (pid) {
        snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int) pid);
    } else {
        snprintf(path, sizeof path, "/proc/self/oom_score_adj");
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (fd >= 0) {
        close(fd);
    }
    return n > 0 ? atoi(text) : INT32_MIN;
}

/* Writes value to fd, this process's oom_score_adj; -1 and errno on an error. */
static int set_oom_score_adj(int fd, int value) {
    char text[16];
    int len = snprintf(text, sizeof text, "%d", value);
    return fd < 0 || write_all(fd, text, (size_t) len) < 0 ? -1 : 0;
}

void write_oom_score_adj(int value) {
    if (value == 0) {
        return; /* not asked for: the launcher's own, as the JVM's */
    }
    int own = read_oom_score_adj(0);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (set_oom_score_adj(fd, value) < 0) {
        /* the kernel lets a process lower it below its lowest only with CAP_SYS_RESOURCE (EACCES), as dockerd's runc
         * finds at start */
        fail(own != INT32_MIN && value < own ? "lower the OOM score adjustment below the engine's own (that needs"
                " CAP_SYS_RESOURCE)" : "set the OOM score adjustment", "/proc/self/oom_score_adj");
    }
    close(fd);
}

int copy_oom_score_adj(pid_t pid) {
    int theirs = read_oom_score_adj(pid);
    if (theirs == INT32_MIN) {
        return -1;
    }
    if (theirs == read_oom_score_adj(0)) {
        return 0;
    }
    /* an undumpable process's /proc/self files are the host root's, which an ordinary user (rootless) may not write:
     * dumpable for the write alone, while no process of the container can see this one yet */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    int rc = set_oom_score_adj(fd, theirs);
    int saved = errno;
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (fd >= 0) {
        close(fd);
    }
    errno = saved;
    return rc;
}

/* Whether process pid is in this process's namespace of that kind (a failure to tell counts as not). */
int same_namespace(pid_t pid, const char *kind) {
    char path[64], own[64];
    snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) pid, kind);
    snprintf(own, sizeof own, "/proc/self/ns/%s", kind);
    struct stat theirs, ours;
    return stat(path, &theirs) == 0 && stat(own, &ours) == 0 && theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

