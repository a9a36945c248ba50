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
 *
 * Rotation (--log-opt max-size, max-file), as Docker's json-file driver rotates: before a record, a file that holds
 * max-size bytes or more is renamed to FILE.1 (FILE.1 to FILE.2 and so on, the oldest beyond max-file dropped) and
 * a new FILE is written; with max-file 1 a new empty FILE replaces it. So a file passes max-size by at most one
 * record, and a reader holding a file that was rotated away reads it to its end, then goes on with the next one.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

void log_rotation(struct log_stream *l, const char *path, unsigned long long max_size, unsigned max_files) {
    l->path = path;
    l->max_size = max_size;
    l->max_files = max_files ? max_files : 1;
}

/* Moves the older files up one (the oldest beyond max_files replaced), the file to FILE.1, and writes a new FILE. */
static int rotate(struct log_stream *l) {
    size_t n = strlen(l->path) + 16;
    char from[n], to[n];
    int fresh;
    if (l->max_files > 1) {
        for (unsigned i = l->max_files - 1; i > 1; i--) {
            snprintf(from, n, "%s.%u", l->path, i - 1);
            snprintf(to, n, "%s.%u", l->path, i);
            if (rename(from, to) < 0 && errno != ENOENT) {
                return -1;
            }
        }
        snprintf(to, n, "%s.1", l->path);
        if (rename(l->path, to) < 0) {
            return -1;
        }
        fresh = open(l->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
    } else {
        /* nothing rotated is kept: a new file replaces the old at once (not truncated, so a reader holding it loses
         * nothing it has not read yet and finds the new one by its name) */
        snprintf(to, n, "%s.new", l->path);
        fresh = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
        if (fresh >= 0 && rename(to, l->path) < 0) {
            int saved = errno;
            close(fresh);
            unlink(to);
            errno = saved;
            return -1;
        }
    }
    if (fresh < 0) {
        return -1;
    }
    /* onto the same descriptor: a terminal's stream shares the stdout log's */
    int rc = dup3(fresh, l->out, O_CLOEXEC);
    close(fresh);
    l->size = 0;
    return rc < 0 ? -1 : 0;
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
    l->size += b->len;
    b->len = 0;
}

/* One record into the batch; a file that reached max-size is rotated first, the batch so far written before. */
static int emit(struct log_stream *l, struct outbuf *b, unsigned long long at, char kind, const char *a, size_t na,
                const char *c, size_t nc) {
    if (l->max_size && l->size + b->len >= l->max_size) {
        flush(l, b);
        if (rotate(l) < 0) {
            fprintf(stderr, "stevedore-launcher: cannot rotate the container's log %s: %s\n", l->path, strerror(errno));
            l->max_size = 0; /* keep writing to the one file rather than lose output */
        }
    }
    return record(b, at, kind, a, na, c, nc);
}

static void finish(struct log_stream *l, struct outbuf *b) {
    flush(l, b);
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
    struct stat st;
    if (l->max_size && fstat(l->out, &st) == 0) {
        l->size = (unsigned long long) st.st_size; /* a terminal's stream writes to the stdout log too */
    }
    if (n <= 0) {
        /* end of the stream (or an error reading it): what is left is an unterminated line */
        if (l->npending > 0) {
            emit(l, &out, at, 'P', l->pending, l->npending, "", 0);
            l->npending = 0;
        }
        finish(l, &out);
        close(l->in);
        l->in = -1;
        return 1;
    }
    if (l->raw) {
        /* a terminal's output is a byte stream (prompts, cursor movement): it goes out as it came, as docker keeps it */
        emit(l, &out, at, 'P', chunk, (size_t) n, "", 0);
        finish(l, &out);
        return 0;
    }
    size_t start = 0;
    for (size_t i = 0; i < (size_t) n; i++) {
        if (chunk[i] != '\n') {
            continue;
        }
        emit(l, &out, at, 'F', l->pending, l->npending, chunk + start, i - start);
        l->npending = 0;
        start = i + 1;
    }
    /* the rest is the start of a line; a line too long for the buffer goes out in parts */
    size_t rest = (size_t) n - start;
    while (l->npending + rest >= LOG_LINE_MAX) {
        size_t take = LOG_LINE_MAX - l->npending;
        emit(l, &out, at, 'P', l->pending, l->npending, chunk + start, take);
        l->npending = 0;
        start += take;
        rest -= take;
    }
    memcpy(l->pending + l->npending, chunk + start, rest);
    l->npending += rest;
    finish(l, &out);
    return 0;
}
