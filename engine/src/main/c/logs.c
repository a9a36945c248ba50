/*
 * The container's stdout and stderr, read from pipes by the supervisor and kept on disk one file per
 * stream, a record per line with the time it arrived, as Docker's json-file driver keeps them:
 *
 *     <unix time in nanoseconds> <F|P> <length>\n<length bytes>\n
 *
 * F is a full line (its newline taken off), P a part of a line: a line longer than LOG_LINE_MAX comes
 * in parts, and an unterminated line at the end of the stream is a part too. Readers join the parts of
 * a line up to its F record. Each batch of records goes to the file in one write(2) (O_APPEND), so a
 * reader never sees records of one batch out of order; it may see a batch half written, and reads a
 * record only once its final newline is there. A terminal's output (a container with a tty) is not cut into lines:
 * each read is one P record as it came, newlines and all.
 */
#include "launcher.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_READ 65536

static unsigned long long now_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (unsigned long long) ts.tv_sec * 1000000000ull + (unsigned long long) ts.tv_nsec;
}

void log_init(struct log_stream *l, int in, int out) {
    memset(l, 0, sizeof *l);
    l->in = in;
    l->out = out;
}

struct outbuf {
    char *data;
    size_t len;
    size_t cap;
};

static int append(struct outbuf *b, const char *bytes, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        char *grown = realloc(b->data, cap);
        if (!grown) {
            return -1;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    return 0;
}

static int record(struct outbuf *b, unsigned long long at, char kind, const char *a, size_t na, const char *c, size_t nc) {
    char header[64];
    int h = snprintf(header, sizeof header, "%llu %c %zu\n", at, kind, na + nc);
    return append(b, header, (size_t) h) < 0 || append(b, a, na) < 0 || append(b, c, nc) < 0 || append(b, "\n", 1) < 0
            ? -1 : 0;
}

static void flush(struct log_stream *l, struct outbuf *b) {
    if (b->len > 0 && write_all(l->out, b->data, b->len) < 0) {
        fprintf(stderr, "stevedore-launcher: cannot write the container's log: %s\n", strerror(errno));
    }
    free(b->data);
}

int log_pump(struct log_stream *l) {
    if (l->in < 0) {
        return 1;
    }
    char chunk[LOG_READ];
    ssize_t n;
    do {
        n = read(l->in, chunk, sizeof chunk);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) {
        return 0;
    }
    unsigned long long at = now_nanos();
    struct outbuf out = {0};
    if (n <= 0) {
        /* end of the stream (or an error reading it): what is left is an unterminated line */
        if (l->npending > 0) {
            record(&out, at, 'P', l->pending, l->npending, "", 0);
            l->npending = 0;
        }
        flush(l, &out);
        close(l->in);
        l->in = -1;
        return 1;
    }
    if (l->raw) {
        /* a terminal's output is a byte stream (prompts, cursor movement): it goes out as it came, as docker keeps it */
        record(&out, at, 'P', chunk, (size_t) n, "", 0);
        flush(l, &out);
        return 0;
    }
    size_t start = 0;
    for (size_t i = 0; i < (size_t) n; i++) {
        if (chunk[i] != '\n') {
            continue;
        }
        record(&out, at, 'F', l->pending, l->npending, chunk + start, i - start);
        l->npending = 0;
        start = i + 1;
    }
    /* the rest is the start of a line; a line too long for the buffer goes out in parts */
    size_t rest = (size_t) n - start;
    while (l->npending + rest >= LOG_LINE_MAX) {
        size_t take = LOG_LINE_MAX - l->npending;
        record(&out, at, 'P', l->pending, l->npending, chunk + start, take);
        l->npending = 0;
        start += take;
        rest -= take;
    }
    memcpy(l->pending + l->npending, chunk + start, rest);
    l->npending += rest;
    flush(l, &out);
    return 0;
}
