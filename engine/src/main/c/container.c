/*
 * The container's pid 1 before exec: root filesystem, mounts, pivot_root, hostname, barrier, privileges,
 * exec. Every failure is reported on the sync pipe as (step, errno, message, path) and ends the process.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static const char *fdpath(int fd, char buf[static 32]) {
    snprintf(buf, 32, "/proc/self/fd/%d", fd);
    return buf;
}

/* Opens path inside root without ever leaving it: symlinks are resolved as if root were "/". */
static int open_in_root(int rootfd, const char *path, int flags) {
    struct open_how how = {
        .flags = (unsigned long long) (flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof how);
    if (fd >= 0 || errno != ENOSYS) {
        return fd;
    }
    /* kernels before 5.6: walk component by component and refuse symlinks altogether */
    int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
    if (cur < 0) {
        return -1;
    }
    const char *c = path;
    while (*c) {
        while (*c == '/') {
            c++;
        }
        if (!*c) {
            break;
        }
        const char *e = strchrnul(c, '/');
        char name[256];
        size_t n = (size_t) (e - c);
        if (n >= sizeof name) {
            close(cur);
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(name, c, n);
        name[n] = '\0';
        int next = openat(cur, name, (*e ? O_PATH | O_DIRECTORY : flags) | O_NOFOLLOW | O_CLOEXEC);
        int saved = errno;
        close(cur);
        if (next < 0) {
            errno = saved;
            return -1;
        }
        cur = next;
        c = e;
    }
    return cur;
}

enum create { CREATE_NONE, CREATE_DIR, CREATE_FILE };

/*
 * Resolves path inside root to an O_PATH fd, creating what is missing: directories on the way, and the
 * leaf as a directory or an empty file. A dangling symlink in the way is replaced, since its target
 * cannot be created safely; this only touches the container's own upper layer.
 */
static int resolve(int rootfd, const char *path, enum create create) {
    int fd = open_in_root(rootfd, path, O_PATH);
    if (fd >= 0 || errno != ENOENT || create == CREATE_NONE) {
        return fd;
    }
    size_t len = strlen(path);
    char *prefix = malloc(len + 1);
    if (!prefix) {
        return -1;
    }
    int parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
    if (parent < 0) {
        free(prefix);
        return -1;
    }
    int failed = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/') {
            i++;
        }
        if (i == len) {
            break;
        }
        size_t start = i;
        while (i < len && path[i] != '/') {
            i++;
        }
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        int next = open_in_root(rootfd, prefix, O_PATH);
        if (next < 0 && errno == ENOENT) {
            char name[256];
            size_t n = i - start;
            if (n >= sizeof name) {
                errno = ENAMETOOLONG;
                failed = 1;
                break;
            }
            memcpy(name, path + start, n);
            name[n] = '\0';
            int leaf = i == len;
            int rc = -1;
            for (int attempt = 0; attempt < 2; attempt++) {
                if (leaf && create == CREATE_FILE) {
                    int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                    rc = f < 0 ? -1 : close(f);
                } else {
                    rc = mkdirat(parent, name, 0755);
                }
                if (rc == 0 || errno != EEXIST || attempt == 1) {
                    break;
                }
                if (unlinkat(parent, name, 0) < 0) {
                    break;
                }
            }
            if (rc < 0) {
                failed = 1;
                break;
            }
            next = open_in_root(rootfd, prefix, O_PATH);
        }
        if (next < 0) {
            failed = 1;
            break;
        }
        close(parent);
        parent = next;
    }
    int saved = errno;
    free(prefix);
    if (failed) {
        close(parent);
        errno = saved;
        return -1;
    }
    return parent;
}

static void mount_in_root(int rootfd, const char *target, enum create create, const char *source,
                          const char *fstype, unsigned long flags, const char *data, const char *step) {
    char p[32];
    int fd = resolve(rootfd, target, create);
    if (fd < 0) {
        fail("create the mount point", target);
    }
    if (mount(source, fdpath(fd, p), fstype, flags, data) < 0) {
        fail(step, target);
    }
    close(fd);
}

/* Adds MOUNT_ATTR_RDONLY or MOUNT_ATTR_NODEV to the mount whose root fd names, with its submounts when recursive. */
static int set_mount_attr(int fd, unsigned long long attr, int recursive) {
    struct mount_attr set = {.attr_set = attr};
    if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &set, sizeof set) == 0) {
        return 0;
    }
    if (errno != ENOSYS) {
        return -1;
    }
    /* before 5.12: remount the top mount only, keeping the flags a remount would otherwise clear */
    char p[32];
    struct statvfs st;
    if (fstatvfs(fd, &st) < 0) {
        return -1;
    }
    unsigned long keep = 0;
    if (st.f_flag & ST_RDONLY) keep |= MS_RDONLY;
    if (st.f_flag & ST_NOSUID) keep |= MS_NOSUID;
    if (st.f_flag & ST_NODEV) keep |= MS_NODEV;
    if (st.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
    if (st.f_flag & ST_NOATIME) keep |= MS_NOATIME;
    if (st.f_flag & ST_NODIRATIME) keep |= MS_NODIRATIME;
    if (st.f_flag & ST_RELATIME) keep |= MS_RELATIME;
    unsigned long add = attr == MOUNT_ATTR_RDONLY ? MS_RDONLY : MS_NODEV;
    return mount(NULL, fdpath(fd, p), NULL, MS_BIND | MS_REMOUNT | keep | add, NULL);
}

static int make_readonly(int fd, int recursive) {
    return set_mount_attr(fd, MOUNT_ATTR_RDONLY, recursive);
}

/*
 * Docker keeps CAP_MKNOD and relies on its device cgroup to make nodes a container creates useless; so does
 * this launcher (devices.c, or v1 rules). nodev on every mount the container can write to is a second line,
 * and the only one on a host with no device cgroup (where the container also gets no CAP_MKNOD).
 */
static void nodev_in_root(int rootfd, const char *target, int recursive) {
    int fd = open_in_root(rootfd, target, O_PATH);
    if (fd < 0 || set_mount_attr(fd, MOUNT_ATTR_NODEV, recursive) < 0) {
        fail("make the mount nodev", target);
    }
    close(fd);
}

static void readonly_in_root(int rootfd, const char *target, int recursive) {
    int fd = open_in_root(rootfd, target, O_PATH);
    if (fd < 0 || make_readonly(fd, recursive) < 0) {
        fail("make the mount read-only", target);
    }
    close(fd);
}

static void loopback_up(void) {
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        fail("open a socket to configure loopback", "lo");
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
        fail("read the loopback interface flags", "lo");
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
        fail("bring the loopback interface up", "lo");
    }
    close(sock);
}

/*
 * A volatile overlay skips every sync of its upper file system, among them the one at unmount, when the
 * container ends, that otherwise syncs the whole host file system the state directory lives on: a few
 * milliseconds on a quiet machine, tens on a busy one, for data that a crash would make worthless anyway
 * (a container does not survive its machine). Overlayfs marks the work directory while it is mounted so,
 * and refuses the next mount while the mark is there, in case a crash lost writes. A mark made since this
 * boot means no crash came in between: it is removed, and the container starts again.
 */
static void clear_volatile_mark(const struct spec *s) {
    char incompat[4096], dir[4096], dirty[4096];
    if ((size_t) snprintf(dirty, sizeof dirty, "%s/work/incompat/volatile/dirty", s->work) >= sizeof dirty) {
        errno = ENAMETOOLONG;
        fail("find the work directory's volatile mark", s->work);
    }
    snprintf(incompat, sizeof incompat, "%s/work/incompat", s->work);
    snprintf(dir, sizeof dir, "%s/work/incompat/volatile", s->work);
    struct stat st;
    if (lstat(dir, &st) < 0) {
        return; /* never mounted volatile: nothing to clear */
    }
    struct timespec now, up;
    clock_gettime(CLOCK_REALTIME, &now);
    clock_gettime(CLOCK_BOOTTIME, &up);
    time_t booted = now.tv_sec - up.tv_sec - 1;
    if (st.st_mtime < booted) {
        errno = EUCLEAN;
        fail("start the container again: it was running when the machine went down, so its writable layer may "
             "have lost writes; remove it and create it anew", s->upper);
    }
    if ((unlink(dirty) < 0 && errno != ENOENT) || rmdir(dir) < 0 || (rmdir(incompat) < 0 && errno != ENOTEMPTY)) {
        fail("remove the volatile mark of the container's last run", dir);
    }
}

static void mount_overlay(const struct spec *s) {
    clear_volatile_mark(s);
    size_t len = 64 + strlen(s->upper) + strlen(s->work);
    for (size_t i = 0; i < s->nlayers; i++) {
        len += strlen(s->layers[i]) + 1;
    }
    char *data = malloc(len);
    if (!data) {
        fail("build the overlay options", s->rootfs);
    }
    /* overlayfs wants the top layer first */
    size_t off = (size_t) snprintf(data, len, "lowerdir=");
    for (size_t i = s->nlayers; i-- > 0;) {
        off += (size_t) snprintf(data + off, len - off, "%s%s", s->layers[i], i ? ":" : "");
    }
    /* in a user namespace overlay keeps its whiteouts and opaque marks in user.overlay.* attributes */
    snprintf(data + off, len - off, ",upperdir=%s,workdir=%s%s,volatile", s->upper, s->work,
             in_user_namespace ? ",userxattr" : "");
    long page = sysconf(_SC_PAGESIZE);
    if ((long) strlen(data) >= page) {
        errno = E2BIG;
        fail("mount the overlay root filesystem (too many layers for one page of mount options)", s->rootfs);
    }
    if (mount("overlay", s->rootfs, "overlay", MS_NODEV, data) < 0) {
        /* kernels before 5.10 know no volatile overlays */
        data[strlen(data) - strlen(",volatile")] = '\0';
        if (errno != EINVAL || mount("overlay", s->rootfs, "overlay", MS_NODEV, data) < 0) {
            fail("mount the overlay root filesystem", s->rootfs);
        }
    }
    free(data);
}

static void setup_dev(int rootfd, const struct spec *s) {
    mount_in_root(rootfd, "/dev", CREATE_DIR, "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME,
                  "mode=755,size=65536k", "mount /dev");
    int dev = open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY);
    if (dev < 0) {
        fail("open the container's /dev", "/dev");
    }
    static const struct {
        const char *name;
        unsigned major, minor;
    } nodes[] = {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        if (mknodat(dev, nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) < 0) {
            char path[32];
            snprintf(path, sizeof path, "/dev/%s", nodes[i].name);
            if (!in_user_namespace || errno != EPERM) {
                fail("create the device node", path);
            }
            /* no mknod in a user namespace: the host's node, bound onto an empty file (still the host's /dev here) */
            char p[32];
            int f = openat(dev, nodes[i].name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
            if (f < 0 || close(f) < 0) {
                fail("create the device node's mount point", path);
            }
            int node = openat(dev, nodes[i].name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
            if (node < 0 || mount(path, fdpath(node, p), NULL, MS_BIND, NULL) < 0) {
                fail("bind the host's device node", path);
            }
            close(node);
        }
    }
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"}};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        if (symlinkat(links[i][0], dev, links[i][1]) < 0) {
            fail("create the /dev symlink", links[i][1]);
        }
    }
    if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0 || mkdirat(dev, "mqueue", 0755) < 0) {
        fail("create directories in /dev", "/dev");
    }
    /* each standard node on a mount of its own, which keeps device access once /dev itself is nodev */
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        char p[32];
        int node = openat(dev, nodes[i].name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (node < 0 || mount(fdpath(node, p), p, NULL, MS_BIND, NULL) < 0) {
            char path[32];
            snprintf(path, sizeof path, "/dev/%s", nodes[i].name);
            fail("bind the device node", path);
        }
        close(node);
    }
    close(dev);
    /* gid 5 (tty) exists in a user namespace only when the user has a subordinate range */
    mount_in_root(rootfd, "/dev/pts", CREATE_NONE, "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                  in_user_namespace && !gid_mapped(5) ? "newinstance,ptmxmode=0666,mode=0620"
                                                      : "newinstance,ptmxmode=0666,mode=0620,gid=5", "mount /dev/pts");
    ns_shm(rootfd, s->shm_size);
    mount_in_root(rootfd, "/dev/mqueue", CREATE_NONE, "mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL,
                  "mount /dev/mqueue");
    nodev_in_root(rootfd, "/dev", 0);
}

/* read-only as Docker mounts it, read-write for a privileged container as Docker does */
static void setup_sys(int rootfd, int writable) {
    char p[32];
    int fd = resolve(rootfd, "/sys", CREATE_DIR);
    if (fd < 0) {
        fail("create the mount point", "/sys");
    }
    if (mount("sysfs", fdpath(fd, p), "sysfs", (writable ? 0 : MS_RDONLY) | MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0) {
        /* a fresh sysfs is refused in some setups (a user namespace that does not own the network one) */
        if (mount("/sys", p, NULL, MS_BIND | MS_REC, NULL) < 0) {
            fail("mount /sys", "/sys");
        }
        if (!writable) {
            readonly_in_root(rootfd, "/sys", 1);
        }
    }
    close(fd);
}

static void setup_mounts(int rootfd, const struct spec *s) {
    for (size_t i = 0; i < s->netc; i++) {
        mount_in_root(rootfd, s->etc[i].target, CREATE_FILE, s->etc[i].source, NULL, MS_BIND, NULL,
                      "bind-mount the prepared file");
    }
    for (size_t i = 0; i < s->nmounts; i++) {
        const struct mount_entry *m = &s->mounts[i];
        if (m->kind == MOUNT_TMPFS) {
            mount_in_root(rootfd, m->target, CREATE_DIR, "tmpfs", "tmpfs", m->flags, m->data, "mount the tmpfs");
            continue;
        }
        struct stat st;
        if (stat(m->source, &st) < 0) {
            fail("find the bind mount source", m->source);
        }
        mount_in_root(rootfd, m->target, S_ISDIR(st.st_mode) ? CREATE_DIR : CREATE_FILE, m->source, NULL,
                      MS_BIND | MS_REC, NULL, "bind-mount");
        nodev_in_root(rootfd, m->target, 1);
        if (m->readonly) {
            readonly_in_root(rootfd, m->target, 1);
        }
    }
}

/*
 * The host's nodes asked for with --device, each bound onto a file at its path in the container: a bind works as
 * root and in a user namespace (where mknod is refused) alike, keeps the host's mode and owner, and is a mount of its
 * own, so it keeps device access where /dev and the root are nodev. Whether it may be used is the device policy's
 * say (the rule devices.c or the v1 rules add for it). The node is checked to still be what the JVM looked at.
 */
static void setup_devices(int rootfd, const struct spec *s) {
    for (size_t i = 0; i < s->ndevices; i++) {
        const struct device_entry *d = &s->devices[i];
        int node = open(d->host, O_PATH | O_CLOEXEC);
        struct stat st;
        if (node < 0 || fstat(node, &st) < 0) {
            fail("open the host's device node", d->host);
        }
        if ((st.st_mode & S_IFMT) != d->ifmt || major(st.st_rdev) != d->major || minor(st.st_rdev) != d->minor) {
            report("check the host's device node (it is no longer the device it was when the container was made)",
                   ENODEV, d->host, 125);
        }
        char src[32];
        mount_in_root(rootfd, d->target, CREATE_FILE, fdpath(node, src), NULL, MS_BIND, NULL, "bind the host's device node");
        close(node);
    }
}

static void pivot(const struct spec *s) {
    int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    int newroot = open(s->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0 || newroot < 0) {
        fail("open the old and new roots", s->rootfs);
    }
    if (fchdir(newroot) < 0) {
        fail("change to the new root", s->rootfs);
    }
    if (syscall(SYS_pivot_root, ".", ".") < 0) {
        fail("pivot_root", s->rootfs);
    }
    /* the old root now sits on top of the new one: detach it without touching the host's mounts */
    if (fchdir(oldroot) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0) {
        fail("detach the old root", "/");
    }
    if (chdir("/") < 0) {
        fail("change to the new root", "/");
    }
    close(oldroot);
    close(newroot);
}

static void mask_paths(const struct spec *s) {
    char p[32];
    struct stat null;
    if (stat("/dev/null", &null) < 0 || !S_ISCHR(null.st_mode) || null.st_rdev != makedev(1, 3)) {
        errno = EPERM;
        fail("check that /dev/null is the null device before masking with it", "/dev/null");
    }
    for (size_t i = 0; i < s->nmasked; i++) {
        int fd = open(s->masked[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT || errno == ENOTDIR) {
                continue;
            }
            fail("open the path to mask", s->masked[i]);
        }
        struct stat st;
        if (fstat(fd, &st) < 0) {
            fail("inspect the path to mask", s->masked[i]);
        }
        int rc = S_ISDIR(st.st_mode)
                ? mount("tmpfs", fdpath(fd, p), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "nr_blocks=1,nr_inodes=1")
                : mount("/dev/null", fdpath(fd, p), NULL, MS_BIND, NULL);
        if (rc < 0) {
            fail("mask the path", s->masked[i]);
        }
        close(fd);
    }
    for (size_t i = 0; i < s->nro_paths; i++) {
        int fd = open(s->ro_paths[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT || errno == ENOTDIR) {
                continue;
            }
            fail("open the path to make read-only", s->ro_paths[i]);
        }
        if (mount(fdpath(fd, p), p, NULL, MS_BIND | MS_REC, NULL) < 0) {
            fail("bind the path to make read-only", s->ro_paths[i]);
        }
        close(fd);
        fd = open(s->ro_paths[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || make_readonly(fd, 1) < 0) {
            fail("make the path read-only", s->ro_paths[i]);
        }
        close(fd);
    }
}

static _Noreturn void container_init(const struct spec *s, int sync, int go, int pty_fd);

_Noreturn void container_main(int spec_fd, int sync, int go, int host_net, int stdin_fd, int pty_fd) {
    set_report_fd(sync);
    reset_signals();
    /* the supervisor is single-threaded, so the parent-death signal is reliable here */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (setsid() < 0) {
        fail("start a new session", "");
    }
    umask(0);
    if (!host_net && !(ns_shared() & CLONE_NEWNET)) {
        loopback_up(); /* of the container's own network namespace; the host's is left as it is */
    }

    struct reader in;
    reader_init(&in, spec_fd);
    struct spec s;
    char err[512];
    if (spec_read(&in, &s, err, sizeof err) < 0) {
        if (in.eof && in.end == 0) {
            _exit(0); /* a spare launcher ended without a container */
        }
        const char *fields[] = {"read the container spec", "22", err, ""};
        record_write(sync, "error", 4, fields);
        _exit(125);
    }
    close(spec_fd);
    if (s.open_stdin && dup2(stdin_fd, STDIN_FILENO) < 0) {
        fail("connect the container's stdin", "");
    }
    close(stdin_fd);
    /*
     * The host's mounts as they are now, not as they were when this process was cloned; and a cgroup namespace
     * rooted at the container's own groups, which the supervisor moved this process into before it passed the
     * spec on: /proc/self/cgroup reads "0::/" inside, and no host cgroup path is visible (CVE-2022-0492).
     */
    if (unshare(CLONE_NEWNS | (ns_modes.host & CLONE_NEWCGROUP ? 0 : CLONE_NEWCGROUP)) < 0) {
        fail("create the container's mount and cgroup namespaces", "");
    }
    if (s.net_host != host_net) {
        /* the engine spawns a launcher with --net-host exactly for the specs that ask for the host's network */
        errno = EINVAL;
        fail(host_net ? "run on the host's network: the spec asks for a network namespace of its own"
                      : "run on the host's network: the launcher was started without --net-host", "");
    }
    container_init(&s, sync, go, pty_fd);
}

/* The pty in the container's own devpts: its peer the controlling terminal and fds 0-2, its master to the supervisor. */
static void take_terminal(const struct spec *s, const struct identity *id, int pty_fd) {
    int peer = -1;
    int master = pty_open(s->tty_rows, s->tty_cols, &peer);
    if (master < 0) {
        fail("open a pseudo-terminal in the container", "/dev/pts/ptmx");
    }
    /* the container's user owns its terminal, as with docker; an id a user namespace does not map keeps root's */
    if (fchown(peer, id->uid, (gid_t) -1) < 0 && errno != EINVAL && errno != EPERM) {
        fail("give the terminal to the container's user", "/dev/pts");
    }
    if (pty_take(peer) < 0) {
        fail("make the pseudo-terminal the controlling terminal", "/dev/pts");
    }
    if (fd_send(pty_fd, master, "t", 1) < 0) {
        fail("pass the pseudo-terminal to the supervisor", "");
    }
    close(master);
}

static _Noreturn void container_init(const struct spec *s, int sync, int go, int pty_fd) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        fail("make the mounts private", "/");
    }
    mount_overlay(s);
    int rootfd = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        fail("open the root filesystem", s->rootfs);
    }
    mount_in_root(rootfd, "/proc", CREATE_DIR, "proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL, "mount /proc");
    setup_dev(rootfd, s);
    setup_sys(rootfd, s->privileged);
    setup_mounts(rootfd, s);
    setup_devices(rootfd, s);
    int cwd = resolve(rootfd, s->cwd, CREATE_DIR);
    if (cwd < 0) {
        fail("create the working directory", s->cwd);
    }
    close(cwd);
    close(rootfd);
    pivot(s);
    write_sysctls(s); /* while /proc/sys is still writable: mask_paths makes it read-only */
    mask_paths(s);
    if (s->readonly_rootfs) {
        int root = open("/", O_PATH | O_CLOEXEC);
        if (root < 0 || make_readonly(root, 0) < 0) {
            fail("make the root filesystem read-only", "/");
        }
        close(root);
    }
    /* on the host's UTS namespace the hostname is the host's */
    if (!(ns_modes.host & CLONE_NEWUTS) && sethostname(s->hostname, strlen(s->hostname)) < 0) {
        fail("set the hostname", s->hostname);
    }
    if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0) {
        fail("set the domain name", s->domainname);
    }
    write_oom_score_adj(s->oom_score_adj); /* while it may still lower it: it drops its capabilities later */
    struct identity id;
    resolve_identity(s->user_spec, s->uid, s->gid, s->groups, s->ngroups, 125, &id);
    add_named_groups(s->group_add, s->ngroup_add, 125, &id);
    char **env = env_with_home(s->env, s->nenv, id.home);
    if (s->tty) {
        take_terminal(s, &id, pty_fd);
    }
    close(pty_fd);

    /* Rootless, the JVM reaches this root through /proc/PID/root (copies, the copy helper), which the kernel allows
     * the user only for a dumpable process. No process of the container exists yet that could open /proc/1/exe,
     * and exec makes it dumpable anyway; the supervisor stays undumpable. */
    if (in_user_namespace) {
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    }
    if (record_write(sync, "ready", 0, NULL) < 0) {
        _exit(125);
    }
    if (!await_go(go)) {
        _exit(125); /* the supervisor went away or gave up at the barrier */
    }

    if (chdir(s->cwd) < 0) {
        fail("change to the working directory", s->cwd);
    }
    char here[4096];
    if (!getcwd(here, sizeof here) || here[0] != '/') {
        errno = EPERM;
        fail("check that the working directory is inside the container", s->cwd); /* CVE-2024-21626 */
    }
    set_rlimits(s->rlimits, s->nrlimits, 125);
    drop_privileges(&id, s->caps, s->no_new_privs, &s->seccomp);
    /* credential changes cleared the parent-death signal; set it again and make sure the parent is alive */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    struct pollfd pfd = {.fd = go, .events = POLLIN};
    if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR))) {
        _exit(125);
    }
    umask(022);
    close_fds_on_exec();
    if (s->init) {
        init_run(s->args, env);
    }
    exec_command(s->args, env);
}
