/*
 * Rootless outbound traffic: slirp4netns attached to the user's network namespace (usernet.c), so containers on the
 * user's bridges reach beyond it, and the host's loopback services as slirp4netns's host address 10.0.2.2.
 *
 * The holder forks before it unshares: the parent stays in the host's namespaces (slirp4netns opens its sockets
 * there) and starts slirp4netns once the holder is ready; slirp4netns ends when the holder does, through its
 * --exit-fd, a pipe whose other end only the holder has. Inside, the holder turns on forwarding and masquerades what
 * leaves through tap0 (slirp4netns answers only its own guest address) and keeps the bridges apart (a FORWARD drop
 * between them, which bridged frames skip), with iptables, which the user may run as root of the namespace.
 *
 * pasta is not used: the passt of Debian 12 (2023-03) maps its gateway address to the host's loopback only for
 * connections the host opened first (pasta(1), "Handling of traffic with local destination and source addresses"),
 * so host.stevedore.internal would not answer.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int run(const char *const argv[]) {
    pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDOUT_FILENO);
        }
        execve(argv[0], (char *const *) argv, environ);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int outbound_inside(const char *iptables, char *err, size_t errlen) {
    int fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write_all(fd, "1", 1) < 0) {
        snprintf(err, errlen, "cannot turn on forwarding in the user's network namespace: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    close(fd);
    /* frames between containers of one bridge must not meet the FORWARD rule below: with br_netfilter loaded (dockerd
     * loads it) they would, as frames from and to that bridge. Per network namespace since Linux 5.3. */
    fd = open("/proc/sys/net/bridge/bridge-nf-call-iptables", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        write_all(fd, "0", 1);
        close(fd);
    }
    const char *masquerade[] = {iptables, "-t", "nat", "-A", "POSTROUTING", "-o", "tap0", "-j", "MASQUERADE", NULL};
    const char *apart[] = {iptables, "-A", "FORWARD", "-i", "stvd-+", "-o", "stvd-+", "-j", "DROP", NULL};
    if (run(masquerade) < 0 || run(apart) < 0) {
        snprintf(err, errlen, "%s could not add the masquerade and isolation rules in the user's network namespace",
                 iptables);
        return -1;
    }
    return 0;
}

int outbound_start(const char *slirp, pid_t holder, int exit_fd, char *err, size_t errlen) {
    int ready[2];
    if (pipe(ready) < 0) {
        snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        setsid();
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDOUT_FILENO);
            dup2(devnull, STDERR_FILENO);
        }
        close(ready[0]);
        char exit_arg[32], ready_arg[32], target[16];
        snprintf(exit_arg, sizeof exit_arg, "--exit-fd=%d", exit_fd);
        snprintf(ready_arg, sizeof ready_arg, "--ready-fd=%d", ready[1]);
        snprintf(target, sizeof target, "%d", (int) holder);
        const char *argv[] = {slirp, "--configure", "--mtu=65520", exit_arg, ready_arg, target, "tap0", NULL};
        execve(slirp, (char *const *) argv, environ);
        _exit(127);
    }
    close(ready[1]);
    struct pollfd p = {.fd = ready[0], .events = POLLIN};
    char byte = 0;
    int got = poll(&p, 1, 10000) > 0 && read(ready[0], &byte, 1) == 1;
    close(ready[0]);
    if (!got) {
        snprintf(err, errlen, "%s did not get ready in 10 s (is /dev/net/tun readable and writable by the user? "
                 "Debian's udev makes it mode 0666)", slirp);
        return -1;
    }
    return 0;
}
