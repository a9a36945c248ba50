/*
 * The copy-up mode: "launcher --userns=PATH copyup SRC DST" copies the tree SRC (an image's content at a volume's
 * mount point, reached through a helper container's root) into DST (the volume's empty directory), keeping owners,
 * modes and times: Docker's copy-up of an image's content into a fresh volume, for a rootless engine. It runs as root
 * of the user's namespace, where the image's owners are mapped ids: it may read what they own (postgres' data
 * directory is 0700 and belongs to uid 999) and give the copies those owners, neither of which the JVM, running as
 * the user, can do.
 *
 * Directories, regular files, symlinks and fifos are copied; hard links stay links; device files and sockets are
 * skipped with a note on stderr. Nothing is followed: SRC is walked without following links or crossing into another
 * file system, and every DST entry is made under a parent reached with no symlink (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS). On failure it says what failed on stderr and exits 1; exit 3 when an owner is not mapped.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPYUP_EXIT_FAILED 1
#define COPYUP_EXIT_UNMAPPED 3

struct linked {
    dev_t dev;
    ino_t ino;
    char *rel;
};

static const char *copy_src;
static size_t copy_src_len;
static int copy_dst = -1;
static struct linked *links;
static size_t nlinks, links_cap;
static int copy_failed;

static int copy_fail(const char *what, const char *rel, int err) {
    fprintf(stderr, "%s %s failed: %s%s\n", what, *rel ? rel : "/", strerror(err),
            err == EINVAL ? " (its owner is not mapped in the user's namespace: give the user a subordinate id range"
                            " with usermod --add-subuids/--add-subgids)" : "");
    copy_failed = err == EINVAL ? COPYUP_EXIT_UNMAPPED : COPYUP_EXIT_FAILED;
    return 1; /* stops the walk */
}

static int copy_content(const char *from, int out) {
    int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) {
        return -1;
    }
    char buf[65536];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            int err = errno;
            close(in);
            errno = err;
            return (int) n;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t) (n - done));
            if (w < 0 && errno != EINTR) {
                int err = errno;
                close(in);
                errno = err;
                return -1;
            }
            done += w > 0 ? w : 0;
        }
    }
}

/* A second name of a file copied before: linked to that copy; 1 when it was one. */
static int copy_as_link(const struct stat *st, const char *rel, int parent, const char *base) {
    if (S_ISDIR(st->st_mode) || st->st_nlink < 2) {
        return 0;
    }
    for (size_t i = 0; i < nlinks; i++) {
        if (links[i].dev == st->st_dev && links[i].ino == st->st_ino) {
            if (linkat(copy_dst, links[i].rel, parent, base, 0) < 0) {
                return -1;
            }
            return 1;
        }
    }
    if (nlinks == links_cap) {
        links_cap = links_cap ? links_cap * 2 : 64;
        struct linked *grown = realloc(links, links_cap * sizeof *links);
        if (!grown) {
            return -1;
        }
        links = grown;
    }
    links[nlinks++] = (struct linked) {st->st_dev, st->st_ino, strdup(rel)};
    return 0;
}

static int copy_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void) ftw;
    char rel[PATH_MAX];
    snprintf(rel, sizeof rel, "%s", path[copy_src_len] == '/' ? path + copy_src_len + 1 : path + copy_src_len);
    if (flag == FTW_NS || flag == FTW_DNR) {
        return copy_fail("reading", rel, errno ? errno : EACCES);
    }
    struct timespec times[2] = {st->st_atim, st->st_mtim};
    if (!*rel) { /* DST itself takes SRC's owner and mode */
        if (fchown(copy_dst, st->st_uid, st->st_gid) < 0) {
            return copy_fail("giving its owner to", rel, errno);
        }
        return fchmod(copy_dst, st->st_mode & 07777) < 0 ? copy_fail("setting the mode of", rel, errno) : 0;
    }
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) || S_ISSOCK(st->st_mode)) {
        fprintf(stderr, "skipped %s: device files and sockets are not copied into volumes\n", rel);
        return 0;
    }
    char *base;
    char parent_rel[PATH_MAX];
    snprintf(parent_rel, sizeof parent_rel, "%s", rel);
    int parent = open_parent_beneath(copy_dst, parent_rel, &base);
    if (parent < 0) {
        return copy_fail("reaching the directory of", rel, errno);
    }
    int linked = copy_as_link(st, rel, parent, base);
    int rc = 0;
    if (linked < 0) {
        rc = copy_fail("linking", rel, errno);
    } else if (linked) {
        rc = 0;
    } else if (S_ISDIR(st->st_mode)) {
        if (mkdirat(parent, base, 0700) < 0) {
            rc = copy_fail("creating the directory", rel, errno);
        } else if (fchownat(parent, base, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0) {
            rc = copy_fail("giving its owner to", rel, errno);
        } else if (fchmodat(parent, base, st->st_mode & 07777, AT_SYMLINK_NOFOLLOW) < 0 && errno != EOPNOTSUPP) {
            rc = copy_fail("setting the mode of", rel, errno);
        }
        /* its times are set after its entries landed (copy_times) */
    } else if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n < 0) {
            rc = copy_fail("reading the link", rel, errno);
        } else {
            target[n] = '\0';
            if (symlinkat(target, parent, base) < 0) {
                rc = copy_fail("creating the link", rel, errno);
            } else if (fchownat(parent, base, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0) {
                rc = copy_fail("giving its owner to", rel, errno);
            } else {
                utimensat(parent, base, times, AT_SYMLINK_NOFOLLOW);
            }
        }
    } else if (S_ISFIFO(st->st_mode)) {
        if (mknodat(parent, base, S_IFIFO | 0600, 0) < 0) {
            rc = copy_fail("creating the fifo", rel, errno);
        } else if (fchownat(parent, base, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0) {
            rc = copy_fail("giving its owner to", rel, errno);
        } else if (fchmodat(parent, base, st->st_mode & 07777, 0) < 0) {
            rc = copy_fail("setting the mode of", rel, errno);
        } else {
            utimensat(parent, base, times, AT_SYMLINK_NOFOLLOW);
        }
    } else {
        int out = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0) {
            rc = copy_fail("creating", rel, errno);
        } else {
            if (copy_content(path, out) < 0) {
                rc = copy_fail("copying", rel, errno);
            } else if (fchown(out, st->st_uid, st->st_gid) < 0) {
                rc = copy_fail("giving its owner to", rel, errno);
            } else if (fchmod(out, st->st_mode & 07777) < 0) { /* after chown, which clears setuid */
                rc = copy_fail("setting the mode of", rel, errno);
            } else {
                futimens(out, times);
            }
            close(out);
        }
    }
    close(parent);
    return rc;
}

/* Directory times, deepest first: each changed as entries landed in it. */
static int copy_times(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void) ftw;
    if (flag != FTW_DP) {
        return 0;
    }
    const char *rel = path[copy_src_len] == '/' ? path + copy_src_len + 1 : path + copy_src_len;
    struct timespec times[2] = {st->st_atim, st->st_mtim};
    int fd = open_beneath(copy_dst, rel, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        futimens(fd, times);
        close(fd);
    }
    return 0;
}

int copyup_main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: launcher --userns=PATH copyup SRC DST\n");
        return 2;
    }
    copy_src = argv[0];
    copy_src_len = strlen(copy_src);
    while (copy_src_len > 1 && copy_src[copy_src_len - 1] == '/') {
        copy_src_len--;
    }
    copy_dst = open(argv[1], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (copy_dst < 0) {
        fprintf(stderr, "cannot open the volume directory %s: %s\n", argv[1], strerror(errno));
        return COPYUP_EXIT_FAILED;
    }
    struct stat st;
    if (lstat(copy_src, &st) < 0 || !S_ISDIR(st.st_mode)) {
        return 0; /* nothing, or no directory, at the mount point: nothing to copy (as Docker) */
    }
    /* FTW_PHYS: links are copied, not followed; FTW_MOUNT: never into another file system */
    if (nftw(copy_src, copy_one, 64, FTW_PHYS | FTW_MOUNT) != 0) {
        if (!copy_failed) {
            fprintf(stderr, "walking %s failed: %s\n", copy_src, strerror(errno));
        }
        return copy_failed ? copy_failed : COPYUP_EXIT_FAILED;
    }
    nftw(copy_src, copy_times, 64, FTW_PHYS | FTW_MOUNT | FTW_DEPTH);
    return 0;
}
