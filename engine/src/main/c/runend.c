/*
 * What the supervisor does with a container's cgroups once its pid 1 has ended: the processes left in a shared pid
 * namespace are killed, the OOM kills counted for the exit report, and the groups removed.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How many processes the kernel killed for exceeding the memory limit (v2 memory.events, v1 memory.oom_control). */
long oom_kills(const struct spec *s) {
    static const char *const files[] = {"memory.events", "memory.oom_control"};
    for (size_t i = 0; i < s->ncgroups; i++) {
        for (size_t f = 0; f < 2; f++) {
            char path[4096], buf[1024];
            snprintf(path, sizeof path, "%s/%s", s->cgroups[i], files[f]);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                continue;
            }
            ssize_t n = read(fd, buf, sizeof buf - 1);
            close(fd);
            if (n <= 0) {
                continue;
            }
            buf[n] = '\0';
            for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                if (!strncmp(line, "oom_kill ", 9)) {
                    return strtol(line + 9, NULL, 10);
                }
            }
        }
    }
    return 0;
}

/* Once pid 1 is reaped its namespace is empty, but the kernel may take a moment to release the cgroup. */
void remove_cgroups(const struct spec *s) {
    for (size_t i = 0; i < s->ncgroups; i++) {
        for (int attempt = 0; attempt < 100; attempt++) {
            if (rmdir(s->cgroups[i]) == 0 || errno == ENOENT) {
                break;
            }
            if (errno != EBUSY) {
                fprintf(stderr, "stevedore-launcher: cannot remove cgroup %s: %s\n", s->cgroups[i], strerror(errno));
                break;
            }
            struct timespec pause = {0, 2 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
}

/*
 * A pid 1 in a pid namespace it shares (--pid container:/host) takes nothing with it when it ends, as a namespace's
 * own init does: what it started is killed through its cgroups (cgroup.kill, else each process listed), as runc does.
 */
void kill_rest(const struct spec *s) {
    for (size_t i = 0; i < s->ncgroups; i++) {
        char path[4096], buf[4096];
        snprintf(path, sizeof path, "%s/cgroup.kill", s->cgroups[i]);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t n = write(fd, "1", 1);
            close(fd);
            if (n == 1) {
                continue;
            }
        }
        snprintf(path, sizeof path, "%s/cgroup.procs", s->cgroups[i]);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        if (fd >= 0) {
            close(fd);
        }
        if (n > 0) {
            buf[n] = '\0';
            for (char *p = buf; *p;) {
                char *end;
                long other = strtol(p, &end, 10);
                if (end == p) {
                    break;
                }
                if (other > 0) {
                    kill((pid_t) other, SIGKILL);
                }
                p = end;
                while (*p == '\n') {
                    p++;
                }
            }
        }
    }
}
