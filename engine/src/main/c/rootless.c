/*
 * Rootless support: the user namespace an ordinary user's containers live in, and the file work that only
 * a process inside it can do.
 *
 * The user's namespace is made and held by "launcher userns-hold" (usernet.c), one per user. Containers and
 * helpers join it with "--userns=/proc/<holder>/ns/user" ahead of their mode: setns needs a single-threaded
 * process, which the JVM is not. main joins before the launcher re-executes itself from its sealed copy
 * (exeseal.c), so the launcher's memory belongs to the user namespace: the holder and the user's JVM may then
 * open /proc/<pid>/ns/net of a container's first process while it is still the non-dumpable launcher, which
 * wiring its network at the barrier needs.
 *
 * Inside the namespace, root (the user) holds every capability over the files of mapped owners:
 * "launcher --userns=P own ROOT" gives unpacked files their image owners (read as "own" records on stdin),
 * "launcher --userns=P rmtree PATH" deletes a tree whose files belong to subordinate ids.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int in_user_namespace;

int join_user_namespace(const char *path) {
    struct stat mine, theirs;
    if (stat("/proc/self/ns/user", &mine) == 0 && stat(path, &theirs) == 0 && mine.st_ino == theirs.st_ino
            && mine.st_dev == theirs.st_dev) {
        in_user_namespace = 1; /* joined before the re-execution from the sealed copy */
        return 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    int rc = setns(fd, CLONE_NEWUSER);
    int saved = errno;
    close(fd);
    errno = saved;
    if (rc == 0) {
        in_user_namespace = 1;
        return 1;
    }
    return rc;
}

int join_user_namespace_of(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int) pid);
    return join_user_namespace(path);
}

int gid_mapped(gid_t gid) {
    FILE *f = fopen("/proc/self/gid_map", "re");
    if (!f) {
        return 0;
    }
    unsigned long long inside, outside, count;
    int found = 0;
    while (!found && fscanf(f, "%llu %llu %llu", &inside, &outside, &count) == 3) {
        found = gid >= inside && gid - inside < count;
    }
    fclose(f);
    return found;
}

int single_id_groups_ok(const gid_t *groups, size_t n) {
    if (errno != EPERM || !in_user_namespace) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (groups[i] != 0) {
            return 0;
        }
    }
    char buf[16] = {0};
    int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0) {
        close(fd);
    }
    return got > 0 && !strncmp(buf, "deny", 4);
}

int own_main(int argc, char **argv) {
    if (argc < 1) {
        fprintf(stderr, "usage: launcher --userns=PATH own ROOT < records\n");
        return 2;
    }
    int rootfd = open(argv[0], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (rootfd < 0) {
        fprintf(stderr, "cannot open %s: %s\n", argv[0], strerror(errno));
        return 1;
    }
    struct reader in;
    reader_init(&in, STDIN_FILENO);
    long done = 0;
    for (;;) {
        struct record rec;
        const char *err = NULL;
        int got = reader_next(&in, &rec, &err);
        if (got < 0) {
            fprintf(stderr, "bad ownership record: %s\n", err);
            return 2;
        }
        if (got == 0) {
            ssize_t n = reader_fill(&in);
            if (n < 0) {
                fprintf(stderr, "cannot read the ownership records: %s\n", strerror(errno));
                return 2;
            }
            if (n == 0) {
                break;
            }
            continue;
        }
        if (strcmp(rec.key, "own") || rec.nfields != 4) {
            fprintf(stderr, "unknown record \"%s\"\n", rec.key);
            return 2;
        }
        char *rel = rec.fields[0];
        unsigned long long uid, gid, mode;
        if (spec_parse_u64(rec.fields[1], 0xfffffffeull, &uid) < 0 || spec_parse_u64(rec.fields[2], 0xfffffffeull, &gid) < 0
                || spec_parse_u64(rec.fields[3], 07777777ull, &mode) < 0) {
            fprintf(stderr, "bad ids or mode for %s\n", rel);
            return 2;
        }
        char *base;
        int parent = open_parent_beneath(rootfd, rel, &base);
        if (parent < 0) {
            fprintf(stderr, "cannot reach the directory of %s: %s\n", rel, strerror(errno));
            return 1;
        }
        if (fchownat(parent, base, (uid_t) uid, (gid_t) gid, AT_SYMLINK_NOFOLLOW) < 0) {
            int saved = errno;
            fprintf(stderr, "cannot give %s the owner %llu:%llu: %s%s\n", rel, uid, gid, strerror(saved),
                    saved == EINVAL ? " (the ids are not mapped in the user's namespace)" : "");
            return saved == EINVAL ? 3 : 1;
        }
        /* chown cleared setuid and setgid: the mode again, for all but symlinks (mode 0 says leave it) */
        struct stat st;
        if (mode && fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode)
                && fchmodat(parent, base, (mode_t) (mode & 07777), 0) < 0) {
            fprintf(stderr, "cannot set the mode of %s: %s\n", rel, strerror(errno));
            return 1;
        }
        close(parent);
        record_free(&rec);
        done++;
    }
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void) st;
    (void) flag;
    (void) ftw;
    /* root of this namespace may delete whatever a mapped id owns, whatever the modes; go on after a failure:
     * the check at the end says what is left */
    if (remove(path) < 0 && errno != ENOENT) {
        fprintf(stderr, "cannot delete %s: %s\n", path, strerror(errno));
    }
    return 0;
}

int rmtree_main(int argc, char **argv) {
    if (argc < 1) {
        fprintf(stderr, "usage: launcher --userns=PATH rmtree PATH\n");
        return 2;
    }
    struct stat st;
    if (lstat(argv[0], &st) < 0) {
        return errno == ENOENT ? 0 : 1;
    }
    /* FTW_MOUNT: never into another file system (a leaked mount); FTW_PHYS: links are deleted, not followed */
    nftw(argv[0], remove_one, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    if (lstat(argv[0], &st) == 0) {
        fprintf(stderr, "%s is still there after deleting its tree\n", argv[0]);
        return 1;
    }
    return 0;
}

int call_main(int argc, char **argv) {
    if (argc < 1 || !in_user_namespace) {
        fprintf(stderr, "usage: launcher --userns=PATH call PROGRAM [ARGUMENT...]\n");
        return 2;
    }
    /* the launcher ignores SIGPIPE for itself; the program starts with the default, as from a shell */
    signal(SIGPIPE, SIG_DFL);
    execv(argv[0], argv);
    fprintf(stderr, "cannot run %s in the user namespace: %s\n", argv[0], strerror(errno));
    return 127;
}
