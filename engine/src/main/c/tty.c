/*
 * Pseudo-terminals for a container's pid 1 and for an exec (`docker run -t`, `docker exec -t`). The pty is made in
 * the container's own devpts instance (mounted with newinstance in container.c), so its peer is /dev/pts/N inside
 * the container and nothing of the host's /dev/pts is visible or used. The peer is opened through the master with
 * TIOCGPTPEER, as runc does, so no path the container controls is looked up with the launcher's privileges. The
 * master stays with the launcher, which relays it: what the JVM sends as "stdin" is written to it (the line
 * discipline turns ^C into SIGINT for the foreground process group), and what it reads is the output.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int pty_open(unsigned short rows, unsigned short cols, int *peer) {
    /* the container's devpts itself, never a /dev/ptmx the container's root may have replaced */
    int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
    if (master < 0) {
        return -1;
    }
    struct stat st;
    if (fstat(master, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2) {
        close(master);
        errno = ENOTTY;
        return -1;
    }
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0) {
        close(master);
        return -1;
    }
    struct winsize size = {.ws_row = rows ? rows : 24, .ws_col = cols ? cols : 80};
    ioctl(master, TIOCSWINSZ, &size);
    *peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*peer < 0) {
        int saved = errno;
        close(master);
        errno = saved;
        return -1;
    }
    return master;
}

int pty_take(int peer) {
    if (ioctl(peer, TIOCSCTTY, 0) < 0) {
        return -1;
    }
    for (int fd = 0; fd < 3; fd++) {
        if (dup2(peer, fd) < 0) {
            return -1;
        }
    }
    if (peer > 2) {
        close(peer);
    }
    return 0;
}

int pty_resize(int master, const char *rows, const char *cols) {
    unsigned long long r = 0, c = 0;
    if (master < 0 || spec_parse_u64(rows, 65535, &r) < 0 || spec_parse_u64(cols, 65535, &c) < 0 || r == 0 || c == 0) {
        errno = EINVAL;
        return -1;
    }
    struct winsize size = {.ws_row = (unsigned short) r, .ws_col = (unsigned short) c};
    return ioctl(master, TIOCSWINSZ, &size);
}

int pty_channel(int sv[2]) {
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
}

int fd_send(int sock, int fd, const char *bytes, size_t len) {
    struct iovec iov = {.iov_base = (void *) bytes, .iov_len = len};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    ssize_t n;
    do {
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t) len ? 0 : -1;
}

int fd_receive(int sock) {
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n;
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    struct cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) {
        errno = EPROTO;
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}
