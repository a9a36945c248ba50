/*
 * Namespace modes (docker run --pid, --ipc, --uts, --cgroupns, --network container:): which of its namespaces the
 * container's pid 1 shares instead of getting its own. They are launcher arguments ("--ns=KIND:MODE"), not spec
 * records, because a pid namespace is joined or left out before pid 1 is cloned, and a spare launcher has cloned
 * its pid 1 already: the engine spawns a fresh launcher for such a container.
 *
 *   --ns=pid:host  --ns=ipc:host  --ns=uts:host  --ns=cgroup:host  --ns=ipc:none
 *   --ns=pid:PID.START  --ns=ipc:PID.START  --ns=net:PID.START   (the namespace of that process, the first of the
 *                                                                 container to join, started at START clock ticks)
 *
 * A joined namespace is entered by setns before the clone (a pid namespace only moves the children). The start time
 * is read again once the namespace files are open, so a pid reused in between is refused rather than joined.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

struct ns_modes ns_modes = {.ipc_mnt = -1};

static const struct {
    const char *kind;
    int flag;
} kinds[] = {{"pid", CLONE_NEWPID}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET},
             {"cgroup", CLONE_NEWCGROUP}};

int ns_option(const char *arg) {
    const char *colon = strchr(arg, ':');
    if (!colon) {
        return -1;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].kind);
        if ((size_t) (colon - arg) != n || strncmp(arg, kinds[i].kind, n)) {
            continue;
        }
        const char *mode = colon + 1;
        if (!strcmp(mode, "host") && kinds[i].flag != CLONE_NEWNET) {
            ns_modes.host |= kinds[i].flag;
            return 0;
        }
        if (!strcmp(mode, "none") && kinds[i].flag == CLONE_NEWIPC) {
            ns_modes.ipc_none = 1;
            return 0;
        }
        char *dot;
        long pid = strtol(mode, &dot, 10);
        if (pid <= 0 || *dot != '.' || kinds[i].flag == CLONE_NEWUTS || kinds[i].flag == CLONE_NEWCGROUP) {
            return -1;
        }
        size_t j = ns_modes.njoins;
        if (j >= sizeof ns_modes.joins / sizeof ns_modes.joins[0]) {
            return -1;
        }
        ns_modes.joins[j].flag = kinds[i].flag;
        ns_modes.joins[j].pid = (pid_t) pid;
        ns_modes.joins[j].start = strtoull(dot + 1, NULL, 10);
        ns_modes.njoins++;
        return 0;
    }
    return -1;
}

int ns_shared(void) {
    int flags = ns_modes.host;
    for (size_t i = 0; i < ns_modes.njoins; i++) {
        flags |= ns_modes.joins[i].flag;
    }
    return flags;
}

static unsigned long long start_of(pid_t pid) {
    char stat[64];
    snprintf(stat, sizeof stat, "/proc/%d/stat", (int) pid);
    return process_start_time(stat);
}

int ns_join(char *err, size_t errlen) {
    for (size_t i = 0; i < ns_modes.njoins; i++) {
        const char *kind = ns_modes.joins[i].flag == CLONE_NEWPID ? "pid"
                         : ns_modes.joins[i].flag == CLONE_NEWIPC ? "ipc" : "net";
        pid_t pid = ns_modes.joins[i].pid;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) pid, kind);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        int mnt = -1;
        if (fd >= 0 && ns_modes.joins[i].flag == CLONE_NEWIPC) {
            /* its /dev/shm is taken from its mount namespace (ns_shm) */
            snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int) pid);
            mnt = open(path, O_RDONLY | O_CLOEXEC);
        }
        if (fd < 0 || (ns_modes.joins[i].flag == CLONE_NEWIPC && mnt < 0)
                || start_of(pid) != ns_modes.joins[i].start) {
            int saved = fd < 0 || mnt < 0 ? errno : ESRCH;
            snprintf(err, errlen, "the container whose %s namespace this one shares is no longer running (process %d: %s)",
                     kind, (int) pid, strerror(saved));
            errno = saved;
            return -1;
        }
        if (setns(fd, ns_modes.joins[i].flag) < 0) {
            snprintf(err, errlen, "cannot join the %s namespace of process %d: %s", kind, (int) pid, strerror(errno));
            return -1;
        }
        close(fd);
        if (mnt >= 0) {
            ns_modes.ipc_mnt = mnt;
        }
    }
    return 0;
}

/*
 * /dev/shm as the IPC mode has it: a tmpfs of its own; none with "ipc:none"; the host's with "ipc:host"; with a joined
 * IPC namespace, the /dev/shm of the container that owns it: a detached copy of that mount taken inside its mount
 * namespace (a plain bind mount cannot reach into another mount namespace), then moved into this root.
 */
void ns_shm(int rootfd, unsigned long long size) {
    if (ns_modes.ipc_none) {
        return;
    }
    int target = openat(rootfd, "dev/shm", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (target < 0) {
        fail("open the mount point", "/dev/shm");
    }
    int tree = -1;
    if (ns_modes.ipc_mnt >= 0) {
        int self = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
        if (self < 0 || setns(ns_modes.ipc_mnt, CLONE_NEWNS) < 0) {
            fail("enter the mount namespace of the container whose IPC namespace it shares", "/dev/shm");
        }
        tree = (int) open_tree(AT_FDCWD, "/dev/shm", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        int saved = errno;
        if (setns(self, CLONE_NEWNS) < 0) {
            fail("return to its own mount namespace", "/dev/shm");
        }
        errno = saved;
        close(self);
        close(ns_modes.ipc_mnt);
        ns_modes.ipc_mnt = -1;
    } else if (ns_modes.host & CLONE_NEWIPC) {
        tree = (int) open_tree(AT_FDCWD, "/dev/shm", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    } else {
        char data[64], p[32];
        snprintf(data, sizeof data, "mode=1777,size=%llu", size);
        snprintf(p, sizeof p, "/proc/self/fd/%d", target);
        if (mount("shm", p, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, data) < 0) {
            fail("mount /dev/shm", "/dev/shm");
        }
        close(target);
        return;
    }
    if (tree < 0 || move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
        fail("share the /dev/shm of the IPC namespace it joins", "/dev/shm");
    }
    close(tree);
    close(target);
}
