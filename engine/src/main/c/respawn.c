/*
 * "launcher respawn DIR [PID START]": the restart policy of a kept container (`stevedore run -d --restart ...`) once
 * no JVM owns it. Started by the JVM that starts each run of such a container, outside the user's namespace even
 * when rootless (a process inside it could never leave it, and the JVM it runs must be the user's, on the host), in
 * a session of its own. It waits for the run's supervisor (process PID, started at START clock ticks) to end, and
 * then, unless a user stopped the container (DIR/stopped-by-user) or it is gone, executes the command in
 * DIR/respawn (its arguments separated by NUL bytes); without PID and START at once (a JVM that closes hands over a
 * restart it had scheduled): a JVM that takes the container's lock, decides as the
 * container's restart policy says and restarts it after its backoff. The execution keeps this process's id and start
 * time, which DIR/respawner names, so an engine opening meanwhile sees that the ended run is being taken care of.
 * Its output and the JVM's go to DIR/respawn.log, which past 64 KiB is moved to DIR/respawn.log.1 first.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define MAX_COMMAND (256 * 1024)
#define MAX_ARGS 256
/* respawn.log past this size becomes respawn.log.1 (the one before dropped): a container restarted for months keeps
 * two files of its latest restarts, not every line it ever had */
#define LOG_ROTATE_BYTES (64 * 1024)

/* Returns once process pid, started at start, has ended (or was never there). */
static void await_end(pid_t pid, unsigned long long start) {
    char stat[64];
    snprintf(stat, sizeof stat, "/proc/%d/stat", (int) pid);
    int fd = (int) syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) {
        /* the pidfd came first: a process with the right start time now is the one it refers to */
        if (process_start_time(stat) == start) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            while (poll(&p, 1, -1) < 0 && errno == EINTR) {
            }
        }
        close(fd);
        return;
    }
    /* before Linux 5.3 no pidfd exists for a process that is not a child, so nothing wakes us: look once a second */
    while (process_start_time(stat) == start) {
        sleep(1);
    }
}

/* DIR/respawn's arguments, in argv (NULL-terminated); the count, or -1 when there is none to run. */
static int read_command(const char *dir, char *buf, size_t cap, char **argv) {
    char path[4096];
    snprintf(path, sizeof path, "%s/respawn", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    size_t n = 0;
    ssize_t got;
    while (n < cap - 1 && (got = read(fd, buf + n, cap - 1 - n)) > 0) {
        n += (size_t) got;
    }
    close(fd);
    buf[n] = '\0';
    int argc = 0;
    for (size_t i = 0; i < n && argc < MAX_ARGS - 1; i += strlen(buf + i) + 1) {
        argv[argc++] = buf + i;
    }
    argv[argc] = NULL;
    return argc > 0 ? argc : -1;
}

int respawn_main(int argc, char **argv) {
    if (argc != 1 && argc != 3) {
        fprintf(stderr, "usage: launcher respawn DIR [PID START]\n");
        return 2;
    }
    const char *dir = argv[0];
    /* nobody's child in spirit: the JVM that started it (a CLI command) ends at once, and a terminal's hang-up or ^C
     * is not for it */
    setsid();
    char log[4096], rotated[4096 + 2];
    snprintf(log, sizeof log, "%s/respawn.log", dir);
    snprintf(rotated, sizeof rotated, "%s.1", log);
    struct stat logst;
    if (stat(log, &logst) == 0 && logst.st_size >= LOG_ROTATE_BYTES) {
        rename(log, rotated); /* one watcher per run, so no other writer appends meanwhile but the JVM it replaces */
    }
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        close(devnull);
    }
    if (out >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
        close(out);
    }
    /* holds no directory of anyone's (a test's temporary one may be deleted while it waits) */
    if (chdir("/") < 0) {
        fprintf(stderr, "stevedore-launcher respawn: cannot change to /: %s\n", strerror(errno));
    }
    if (argc == 3) {
        await_end((pid_t) atoi(argv[1]), strtoull(argv[2], NULL, 10));
    }
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/stopped-by-user", dir);
    if (stat(dir, &st) < 0 || stat(path, &st) == 0) {
        return 0; /* removed, or stopped by a user: no policy applies */
    }
    static char command[MAX_COMMAND];
    char *args[MAX_ARGS];
    if (read_command(dir, command, sizeof command, args) < 0) {
        return 0; /* its restart policy was changed to "no" */
    }
    /* when the JVM was executed, for the cost of its start (its own lines say when its main ran and was done) */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm utc;
    gmtime_r(&now.tv_sec, &utc);
    char at[32];
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S", &utc);
    fprintf(stderr, "%s.%03ldZ the run ended: executing the restart command\n", at, now.tv_nsec / 1000000);
    fflush(stderr);
    execv(args[0], args);
    fprintf(stderr, "stevedore-launcher respawn: cannot run %s to restart the container in %s: %s\n", args[0], dir,
            strerror(errno));
    return 127;
}
