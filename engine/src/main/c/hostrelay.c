/*
 * Host services for a container: listening sockets made inside a container's network namespace for a relay that
 * stays in the host's ("launcher proxy -L NSPID ..."). A socket belongs to the namespace it was made in, whoever
 * holds it later; so a child process joins the container's namespaces (its user namespace too when it is another
 * one: rootless), makes, binds and listens there, and hands the descriptor back over a socketpair (SCM_RIGHTS).
 * The relay itself never leaves the host's network namespace, and connects to the host's loopback from there. A
 * rootless relay could not do both in one process: once in the user's user namespace, it cannot join the host's
 * network namespace again.
 *
 * The listening address is one of the container's loopback (127.0.0.0/8), which no other namespace can reach; it is
 * bound with IP_FREEBIND, since the container's loopback may not be up yet when the relay starts.
 */
#include "launcher.h"

#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define RELAY_BACKLOG 1024

/* In the child: joins the namespaces of the process pidfd refers to; see proxy.c's join_namespaces for the order. */
static int join_container(int pidfd) {
    if (setns(pidfd, CLONE_NEWNET | CLONE_NEWUSER) == 0) {
        return 0;
    }
    return errno == EINVAL ? setns(pidfd, CLONE_NEWNET) : -1;
}

/* In the child: the listening socket, made where the child now is. */
static int listen_here(int type, const struct sockaddr *addr, socklen_t len) {
    int fd = socket(addr->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
            || (addr->sa_family == AF_INET && setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one) < 0)
            || bind(fd, addr, len) < 0 || (type == SOCK_STREAM && listen(fd, RELAY_BACKLOG) < 0)) {
        return -1;
    }
    return fd;
}

static int send_fd(int channel, int fd, int err) {
    struct iovec iov = {.iov_base = &err, .iov_len = sizeof err};
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (fd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    return sendmsg(channel, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int relay_listen_inside(pid_t nspid, int type, const struct sockaddr *addr, unsigned int len, char *err, size_t errlen) {
    int pair[2];
    int pidfd = (int) syscall(SYS_pidfd_open, nspid, 0);
    if (pidfd < 0) {
        snprintf(err, errlen, "cannot watch process %ld to join its namespaces: %s", (long) nspid, strerror(errno));
        return -1;
    }
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) < 0) {
        snprintf(err, errlen, "socketpair: %s", strerror(errno));
        close(pidfd);
        return -1;
    }
    pid_t child = fork();
    if (child < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(pidfd);
        close(pair[0]);
        close(pair[1]);
        return -1;
    }
    if (child == 0) {
        close(pair[0]);
        int fd = -1, e = 0, step = 0;
        if (join_container(pidfd) < 0) {
            e = errno;
        } else {
            step = 1;
            fd = listen_here(type, addr, len);
            e = fd < 0 ? errno : 0;
        }
        /* the step in the error's high bits: which of joining or listening failed */
        _exit(send_fd(pair[1], fd, e | (step << 16)) < 0 ? 1 : 0);
    }
    close(pidfd);
    close(pair[1]);
    int answer = 0;
    struct iovec iov = {.iov_base = &answer, .iov_len = sizeof answer};
    char control[CMSG_SPACE(sizeof(int))];
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n = recvmsg(pair[0], &msg, MSG_CMSG_CLOEXEC);
    int received = errno;
    close(pair[0]);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (n < (ssize_t) sizeof answer) {
        snprintf(err, errlen, "the child that joins the container's namespaces said nothing: %s",
                 n < 0 ? strerror(received) : "it ended");
        return -1;
    }
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
        return fd;
    }
    int e = answer & 0xffff;
    snprintf(err, errlen, "%s: %s", (answer >> 16) ? "listening in the container's network namespace failed"
             : "joining the container's network namespace failed (the relay must run as the user who owns it)",
             strerror(e));
    return -1;
}
