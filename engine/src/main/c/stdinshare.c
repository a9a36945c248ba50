/*
 * A kept container's stdin shared through a FIFO in its directory (see launcher.h, struct stdin_share): docker's
 * `run -dit` leaves a shell waiting on its stdin with no client, and a later `attach` from any process types into
 * it. The FIFO is read only while the relay has nothing buffered, so a container that does not read its stdin
 * fills the FIFO's buffer and the writer waits, not this loop.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHARE_CHUNK 65536

static void fifo_path(char *path, size_t size, const char *state_dir) {
    snprintf(path, size, "%s/stdin", state_dir);
}

void share_init(struct stdin_share *s) {
    memset(s, 0, sizeof *s);
    s->fifo = -1;
    s->in_i = s->out_i = -1;
    stdin_init(&s->relay, -1, -1);
}

void share_open(struct stdin_share *s, const char *state_dir, int target) {
    if (s->fifo >= 0) {
        return;
    }
    char path[4096];
    fifo_path(path, sizeof path, state_dir);
    unlink(path); /* an earlier run's */
    if (mkfifo(path, 0600) < 0 || (s->fifo = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
        fprintf(stderr, "stevedore-launcher: cannot make the shared stdin %s: %s\n", path, strerror(errno));
        unlink(path);
        return;
    }
    share_target(s, target);
}

void share_target(struct stdin_share *s, int target) {
    if (s->fifo < 0 || s->target_set || target < 0) {
        return;
    }
    s->relay.fd = fcntl(target, F_DUPFD_CLOEXEC, 3);
    s->target_set = s->relay.fd >= 0;
}

int share_poll(struct stdin_share *s, struct pollfd *fds, int nfds) {
    s->in_i = s->out_i = -1;
    if (s->fifo < 0) {
        return nfds;
    }
    if (stdin_pending(&s->relay)) {
        s->out_i = nfds;
        fds[nfds++] = (struct pollfd){.fd = s->relay.fd, .events = POLLOUT};
    } else if (s->target_set) {
        /* also once pid 1 closed its stdin: what comes is then read and dropped, so no writer waits for ever */
        s->in_i = nfds;
        fds[nfds++] = (struct pollfd){.fd = s->fifo, .events = POLLIN};
    }
    return nfds;
}

void share_pump(struct stdin_share *s, const struct pollfd *fds) {
    if (s->out_i >= 0 && fds[s->out_i].revents) {
        stdin_flush(&s->relay);
    }
    if (s->in_i >= 0 && fds[s->in_i].revents) {
        char buf[SHARE_CHUNK];
        ssize_t n = read(s->fifo, buf, sizeof buf);
        if (n > 0) {
            stdin_take(&s->relay, buf, (size_t) n);
        }
    }
}

void share_close(struct stdin_share *s, const char *state_dir) {
    if (s->fifo < 0) {
        return;
    }
    char path[4096];
    fifo_path(path, sizeof path, state_dir);
    unlink(path);
    close(s->fifo);
    s->fifo = -1;
    stdin_abort(&s->relay);
}
