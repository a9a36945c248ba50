/*
 * Paths below a directory, reached without following anything: the one way the launcher's file modes that act on
 * trees others wrote (copy-up into a volume, giving unpacked files their owners) find where to act.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int open_beneath(int rootfd, const char *rel, int flags) {
    if (!*rel) {
        return fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
    }
    /* no symlink, no magic link (/proc/self/...), no other file system, never above rootfd: a tree written by a
     * container or an image may hold any of them where a directory is expected */
    struct open_how how = {
        .flags = (unsigned long long) (flags | O_CLOEXEC),
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
    };
    return (int) syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
}

int open_parent_beneath(int rootfd, char *rel, char **base) {
    char *slash = strrchr(rel, '/');
    if (!slash) {
        *base = rel;
        return open_beneath(rootfd, "", 0);
    }
    *slash = '\0';
    *base = slash + 1;
    int fd = open_beneath(rootfd, rel, O_PATH | O_DIRECTORY);
    int err = errno;
    *slash = '/';
    errno = err;
    return fd;
}
