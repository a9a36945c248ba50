/*
 * Resolves a Docker user ("name", "uid", "name:group", "uid:gid", mixed) through the /etc/passwd and
 * /etc/group of the current root, which is the container's: the caller has pivoted into it (container
 * init) or joined its mount namespace (exec). The host's files are never read, and files that are
 * symlinks resolve inside the container because "/" is the container's root.
 *
 * Rules as moby/sys/user has them: a number is always an id, found in passwd or not; a name that
 * passwd (or group) lacks is an error; ids above 2^31-1 are refused; the supplementary groups are the
 * groups whose member list names the user, plus the primary group (CVE-2023-25173); HOME comes from
 * passwd ("/" when the user has no entry).
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ID 0x7fffffffull
#define MAX_FILE (4u << 20)

/* The whole file, NUL-terminated; NULL with errno ENOENT when missing. Never blocks on a FIFO. */
static char *read_small_file(const char *path) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    char *buf = malloc((size_t) st.st_size + 1);
    if (!buf) {
        close(fd);
        return NULL;
    }
    size_t got = 0;
    while (got < (size_t) st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t) st.st_size - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t) n;
    }
    close(fd);
    buf[got] = '\0';
    return buf;
}

static int parse_id(const char *s, size_t n, unsigned long long *out) {
    if (n == 0 || n > 10) {
        return -1;
    }
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (unsigned long long) (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Splits line in place on ':' into at most max fields; returns the number found. */
static int split(char *line, char **fields, int max) {
    int n = 0;
    fields[n++] = line;
    for (char *c = line; *c && n < max; c++) {
        if (*c == ':') {
            *c = '\0';
            fields[n++] = c + 1;
        }
    }
    return n;
}

struct passwd_entry {
    char name[256];
    unsigned long long uid;
    unsigned long long gid;
    char home[1024];
};

/* Finds the first passwd line whose name (by_name) or uid matches. 1 found, 0 not, -1 no file. */
static int find_passwd(const char *name, unsigned long long uid, int by_name, struct passwd_entry *out) {
    char *text = read_small_file("/etc/passwd");
    if (!text) {
        return -1;
    }
    int found = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
        char *f[7];
        int nf = line[0] == '#' ? 0 : split(line, f, 7);
        if (nf < 4) {
            continue;
        }
        unsigned long long u, g;
        if (parse_id(f[2], strlen(f[2]), &u) < 0 || parse_id(f[3], strlen(f[3]), &g) < 0) {
            continue;
        }
        if (by_name ? strcmp(f[0], name) != 0 : u != uid) {
            continue;
        }
        found = 1;
        snprintf(out->name, sizeof out->name, "%s", f[0]);
        out->uid = u;
        out->gid = g;
        /* a line cut short has no home field: "/" as for an unknown user */
        snprintf(out->home, sizeof out->home, "%s", nf >= 6 && f[5][0] ? f[5] : "/");
    }
    free(text);
    return found;
}

static int member_of(const char *members, const char *name) {
    size_t n = strlen(name);
    const char *c = members;
    while (*c) {
        const char *e = strchrnul(c, ',');
        if ((size_t) (e - c) == n && !strncmp(c, name, n)) {
            return 1;
        }
        c = *e ? e + 1 : e;
    }
    return 0;
}

static int add_group(gid_t **groups, size_t *n, gid_t gid) {
    for (size_t i = 0; i < *n; i++) {
        if ((*groups)[i] == gid) {
            return 0;
        }
    }
    gid_t *grown = realloc(*groups, (*n + 1) * sizeof **groups);
    if (!grown) {
        return -1;
    }
    grown[(*n)++] = gid;
    *groups = grown;
    return 0;
}

/* The gid of the group named name in the text of a group file: 1 found, 0 not. */
static int find_group(const char *text, const char *name, unsigned long long *gid) {
    char *copy = strdup(text);
    int found = 0;
    char *save = NULL;
    for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; line && !found; line = strtok_r(NULL, "\n", &save)) {
        char *f[4];
        unsigned long long g;
        if (line[0] != '#' && split(line, f, 4) >= 3 && !strcmp(f[0], name) && parse_id(f[2], strlen(f[2]), &g) == 0
                && g <= MAX_ID) {
            *gid = g;
            found = 1;
        }
    }
    free(copy);
    return found;
}

int resolve_group(const char *name, gid_t *gid, char *err, size_t errlen) {
    unsigned long long g;
    if (parse_id(name, strlen(name), &g) == 0) {
        if (g > MAX_ID) {
            snprintf(err, errlen, "group id %s is above 2^31-1", name);
            return -1;
        }
        *gid = (gid_t) g;
        return 0;
    }
    char *text = read_small_file("/etc/group");
    int found = text && find_group(text, name, &g) == 1;
    free(text);
    if (!found) {
        /* dockerd's (libcontainer's) words */
        snprintf(err, errlen, "Unable to find group %s: no matching entries in group file", name);
        return -1;
    }
    *gid = (gid_t) g;
    return 0;
}

int resolve_user(const char *spec, struct identity *id, char *err, size_t errlen) {
    memset(id, 0, sizeof *id);
    snprintf(id->home, sizeof id->home, "/");
    const char *colon = strchr(spec, ':');
    size_t ulen = colon ? (size_t) (colon - spec) : strlen(spec);
    const char *group = colon ? colon + 1 : NULL;
    char user[256];
    if (ulen >= sizeof user || (group && strlen(group) >= 256)) {
        snprintf(err, errlen, "user \"%s\" is too long", spec);
        return -1;
    }
    memcpy(user, spec, ulen);
    user[ulen] = '\0';

    struct passwd_entry pw;
    int have_entry = 0;
    unsigned long long number;
    if (ulen == 0) {
        user[0] = '0';
        user[1] = '\0';
    }
    if (parse_id(user, strlen(user), &number) == 0) {
        if (number > MAX_ID) {
            snprintf(err, errlen, "user id %s is above 2^31-1", user);
            return -1;
        }
        id->uid = (uid_t) number;
        have_entry = find_passwd(NULL, number, 0, &pw) == 1;
    } else {
        int found = find_passwd(user, 0, 1, &pw);
        if (found != 1) {
            snprintf(err, errlen, "unable to find user %s: %s", user,
                     found < 0 ? "the image has no /etc/passwd file" : "no matching entries in passwd file");
            return -1;
        }
        have_entry = 1;
    }
    if (have_entry) {
        if (pw.uid > MAX_ID || pw.gid > MAX_ID) {
            snprintf(err, errlen, "user %s has an id above 2^31-1 in /etc/passwd", user);
            return -1;
        }
        id->uid = (uid_t) pw.uid;
        id->gid = (gid_t) pw.gid;
        snprintf(id->home, sizeof id->home, "%s", pw.home[0] ? pw.home : "/");
    }

    char *groups_text = NULL;
    if (group && *group) {
        if (parse_id(group, strlen(group), &number) == 0) {
            if (number > MAX_ID) {
                snprintf(err, errlen, "group id %s is above 2^31-1", group);
                return -1;
            }
            id->gid = (gid_t) number;
        } else {
            groups_text = read_small_file("/etc/group");
            unsigned long long g;
            if (!groups_text || find_group(groups_text, group, &g) != 1) {
                snprintf(err, errlen, "unable to find group %s: %s", group,
                         groups_text ? "no matching entries in group file" : "the image has no /etc/group file");
                free(groups_text);
                return -1;
            }
            id->gid = (gid_t) g;
        }
    }

    if (have_entry) {
        if (!groups_text) {
            groups_text = read_small_file("/etc/group");
        }
        char *save = NULL;
        for (char *line = groups_text ? strtok_r(groups_text, "\n", &save) : NULL; line;
             line = strtok_r(NULL, "\n", &save)) {
            char *f[4];
            unsigned long long g;
            if (line[0] == '#' || split(line, f, 4) < 4 || parse_id(f[2], strlen(f[2]), &g) < 0 || g > MAX_ID) {
                continue;
            }
            if (member_of(f[3], pw.name) && add_group(&id->groups, &id->ngroups, (gid_t) g) < 0) {
                free(groups_text);
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        }
    }
    free(groups_text);
    if (add_group(&id->groups, &id->ngroups, id->gid) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}
