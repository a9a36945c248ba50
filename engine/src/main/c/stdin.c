/*
 * A process's standard input fed from the JVM's "stdin" records (see launcher.h, struct stdin_relay). The pipe
 * is written without blocking: a process that does not read its stdin must not stall the loop that also pumps
 * its logs and takes the JVM's commands. What the pipe does not take waits in a bounded buffer, and the JVM
 * learns from "stdin-ack <n>" reports how many of its bytes left the buffer, so that it never has more than
 * STDIN_WINDOW bytes unacknowledged: the back-pressure reaches the writer in the JVM, not this loop.
 */
#include "launcher.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Acknowledgements are gathered up to this much (or until the buffer is empty): one report per pipe write at most. */
#define ACK_BATCH (64u << 10)

void stdin_init(struct stdin_relay *s, int fd, int report_fd) {
    memset(s, 0, sizeof *s);
    s->fd = fd;
    s->report_fd = report_fd;
}

static void ack(struct stdin_relay *s, int force) {
    if (s->report_fd < 0) {
        s->unacked = 0; /* a relay nobody counts on (stdinshare.c) */
        return;
    }
    if (s->unacked == 0 || (!force && s->unacked < ACK_BATCH && s->len > 0)) {
        return;
    }
    char num[24];
    snprintf(num, sizeof num, "%zu", s->unacked);
    const char *fields[] = {num};
    record_write(s->report_fd, "stdin-ack", 1, fields);
    s->unacked = 0;
}

static void drop(struct stdin_relay *s) {
    s->unacked += s->len;
    s->len = 0;
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

void stdin_take(struct stdin_relay *s, const char *data, size_t n) {
    if (s->fd < 0 || s->closing) {
        /* nobody reads it any more (or the JVM said it ended): dropped, as a shell pipe drops it */
        s->unacked += n;
        ack(s, 1);
        return;
    }
    if (s->len + n > STDIN_BUFFER_MAX) {
        fprintf(stderr, "stevedore-launcher: the JVM sent %zu bytes of stdin beyond the %u it may have unacknowledged;"
                " they are dropped\n", n, STDIN_BUFFER_MAX);
        s->unacked += n;
        ack(s, 1);
        return;
    }
    if (s->cap - s->len < n) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap - s->len < n) {
            cap *= 2;
        }
        char *grown = realloc(s->buf, cap);
        if (!grown) {
            s->unacked += n;
            ack(s, 1);
            return;
        }
        s->buf = grown;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    stdin_flush(s);
}

void stdin_close_when_done(struct stdin_relay *s) {
    s->closing = 1;
    if (s->len == 0 && s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

int stdin_pending(const struct stdin_relay *s) {
    return s->fd >= 0 && s->len > 0;
}

void stdin_flush(struct stdin_relay *s) {
    while (s->fd >= 0 && s->len > 0) {
        ssize_t n = write(s->fd, s->buf, s->len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            break;
        }
        if (n <= 0) {
            /* the process closed its stdin (EPIPE): what it did not read is dropped */
            drop(s);
            break;
        }
        memmove(s->buf, s->buf + n, s->len - (size_t) n);
        s->len -= (size_t) n;
        s->unacked += (size_t) n;
    }
    if (s->closing && s->len == 0 && s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    ack(s, 0);
}

void stdin_abort(struct stdin_relay *s) {
    s->closing = 1;
    drop(s);
    ack(s, 1);
    free(s->buf);
    s->buf = NULL;
    s->cap = 0;
}
