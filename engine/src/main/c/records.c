/* The record wire format described in launcher.h: a buffered, bounded, non-blocking-friendly parser. */
#include "launcher.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER_MAX 256

void reader_init(struct reader *r, int fd) {
    r->fd = fd;
    r->buf = NULL;
    r->cap = 0;
    r->start = 0;
    r->end = 0;
    r->eof = 0;
    r->binary = 0;
    r->copy = NULL;
    r->ncopy = 0;
    r->copy_cap = 0;
    r->copying = 0;
}

static int reader_copy(struct reader *r, const char *bytes, size_t n) {
    if (r->copy_cap - r->ncopy < n) {
        size_t cap = r->copy_cap ? r->copy_cap : 4096;
        while (cap - r->ncopy < n) {
            cap *= 2;
        }
        char *grown = realloc(r->copy, cap);
        if (!grown) {
            return -1;
        }
        r->copy = grown;
        r->copy_cap = cap;
    }
    memcpy(r->copy + r->ncopy, bytes, n);
    r->ncopy += n;
    return 0;
}

static int reader_reserve(struct reader *r, size_t want) {
    if (r->start > 0 && r->cap - r->end < want) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end >= want) {
        return 0;
    }
    size_t cap = r->cap ? r->cap : 4096;
    while (cap - r->end < want) {
        cap *= 2;
    }
    if (cap > REC_MAX_BUFFER + HEADER_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    char *buf = realloc(r->buf, cap);
    if (!buf) {
        return -1;
    }
    r->buf = buf;
    r->cap = cap;
    return 0;
}

ssize_t reader_fill(struct reader *r) {
    if (reader_reserve(r, 4096) < 0) {
        return -1;
    }
    ssize_t n;
    do {
        n = read(r->fd, r->buf + r->end, r->cap - r->end);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        r->end += (size_t) n;
    } else if (n == 0) {
        r->eof = 1;
    }
    return n;
}

static int parse_len(const char *s, size_t n, size_t *out) {
    if (n == 0 || n > 8) {
        return -1;
    }
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (size_t) (s[i] - '0');
    }
    if (v > REC_MAX_FIELD) {
        return -1;
    }
    *out = v;
    return 0;
}

int reader_next(struct reader *r, struct record *rec, const char **err) {
    const char *p = r->buf ? r->buf + r->start : NULL;
    size_t avail = r->end - r->start;
    const char *nl = avail ? memchr(p, '\n', avail < HEADER_MAX ? avail : HEADER_MAX) : NULL;
    if (!nl) {
        if (avail >= HEADER_MAX) {
            *err = "record header longer than 256 bytes";
            return -1;
        }
        return 0;
    }
    size_t header = (size_t) (nl - p);
    size_t lens[REC_MAX_FIELDS];
    int nfields = 0;
    size_t i = 0;
    while (i < header && p[i] != ' ') {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            *err = "record key has a character outside [a-z0-9-]";
            return -1;
        }
        i++;
    }
    if (i == 0 || i > REC_MAX_KEY) {
        *err = "record key is empty or longer than 31 bytes";
        return -1;
    }
    size_t keylen = i;
    while (i < header) {
        i++; /* the space */
        size_t j = i;
        while (j < header && p[j] != ' ') {
            j++;
        }
        if (nfields == REC_MAX_FIELDS) {
            *err = "record has more than 8 fields";
            return -1;
        }
        if (parse_len(p + i, j - i, &lens[nfields]) < 0) {
            *err = "record field length is not a number up to 1 MiB";
            return -1;
        }
        nfields++;
        i = j;
    }
    size_t need = header + 1;
    for (int f = 0; f < nfields; f++) {
        need += lens[f] + 1;
    }
    if (avail < need) {
        if (reader_reserve(r, need - avail) < 0) {
            *err = "record too large";
            return -1;
        }
        return 0;
    }
    memcpy(rec->key, p, keylen);
    rec->key[keylen] = '\0';
    rec->nfields = 0;
    size_t off = header + 1;
    for (int f = 0; f < nfields; f++) {
        const char *field = p + off;
        if (field[lens[f]] != '\n') {
            record_free(rec);
            *err = "record field is not followed by a newline";
            return -1;
        }
        if (!r->binary && memchr(field, '\0', lens[f])) {
            record_free(rec);
            *err = "record field contains a NUL byte";
            return -1;
        }
        char *copy = malloc(lens[f] + 1);
        if (!copy) {
            record_free(rec);
            *err = "out of memory";
            return -1;
        }
        memcpy(copy, field, lens[f]);
        copy[lens[f]] = '\0';
        rec->lens[rec->nfields] = lens[f];
        rec->fields[rec->nfields++] = copy;
        off += lens[f] + 1;
    }
    if (r->copying && reader_copy(r, p, need) < 0) {
        record_free(rec);
        *err = "out of memory";
        return -1;
    }
    r->start += need;
    return 1;
}

void record_free(struct record *rec) {
    for (int f = 0; f < rec->nfields; f++) {
        free(rec->fields[f]);
        rec->fields[f] = NULL;
    }
    rec->nfields = 0;
}

int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

int record_write(int fd, const char *key, int nfields, const char *const *fields) {
    size_t lens[REC_MAX_FIELDS];
    if (nfields > REC_MAX_FIELDS) {
        errno = EINVAL;
        return -1;
    }
    for (int f = 0; f < nfields; f++) {
        lens[f] = strlen(fields[f]);
    }
    return record_write_n(fd, key, nfields, fields, lens);
}

int record_write_n(int fd, const char *key, int nfields, const char *const *fields, const size_t *lens) {
    char small[4096];
    size_t total = 0;
    char header[HEADER_MAX];
    size_t keylen = strlen(key);
    if (keylen > REC_MAX_KEY || nfields > REC_MAX_FIELDS) {
        errno = EINVAL;
        return -1;
    }
    memcpy(header, key, keylen);
    size_t h = keylen;
    for (int f = 0; f < nfields; f++) {
        /* 31 + 8 * (1 + 20) + 1 bytes at most: always fits */
        h += (size_t) snprintf(header + h, sizeof header - h, " %zu", lens[f]);
        total += lens[f] + 1;
    }
    header[h++] = '\n';
    total += h;
    char *buf = total <= sizeof small ? small : malloc(total);
    if (!buf) {
        return -1;
    }
    memcpy(buf, header, h);
    size_t off = h;
    for (int f = 0; f < nfields; f++) {
        memcpy(buf + off, fields[f], lens[f]);
        off += lens[f];
        buf[off++] = '\n';
    }
    int rc = write_all(fd, buf, off);
    if (buf != small) {
        free(buf);
    }
    return rc;
}
