/*
 * Rootless: the ONE user namespace and network namespace of an ordinary user, shared by all of the user's JVMs,
 * as Podman's pause process holds its rootless namespaces. A network namespace can only be joined or wired from
 * its owning user namespace, so both are the user's, not a JVM's.
 *
 * "launcher userns-hold SOCKET LOCK" unshares a user and a network namespace, reports "unshared <pid>", waits for
 * the JVM that started it to write the id maps (newuidmap/newgidmap) and send "mapped", brings loopback up, listens
 * on the unix socket SOCKET and reports "ready". From then on it is nobody's child in spirit: its own session, no
 * descriptor of its starter's, and it lives exactly as long as somebody is connected. Every engine of the user holds
 * a connection as its lifeline, and so does every container launcher (launcher.c's --hold=SOCKET), so kept
 * containers count too. When the last connection closes the holder ends, and with it the namespaces, their bridges
 * and veths; nothing is mounted, so nothing is left behind after kill -9 of every JVM.
 *
 * Race with a JVM that arrives while the last one leaves: JVMs connect only under the fcntl lock on LOCK (the
 * engine's CrossProcessLock takes the same kind of lock). With no connection left, the holder takes that lock, and
 * ends only if no connection is waiting to be accepted; it removes SOCKET before it lets go. So a connect that
 * succeeded is always served, and a JVM that finds no socket starts a new holder under the same lock.
 *
 * Requests on a connection, one reply each:
 *   "netlink"      -> "netlink", with an rtnetlink socket of the user's network namespace (SCM_RIGHTS)
 *   "netlink PID"  -> "netlink", with one made in the network namespace of process PID (a container's)
 *   "sysctl K V"   -> "ok": writes V to /proc/sys/K of the user's network namespace (K below net/)
 * A failure replies "error <message>". The JVM cannot make these sockets itself: a socket belongs to the network
 * namespace of the thread that made it, and the JVM may not enter one owned by another user namespace. It may use
 * them: the namespaces' user namespace is owned by the JVM's user, which therefore holds its capabilities.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>

#define MAX_CLIENTS 4096

/* whether slirp4netns serves the namespace: told to every client in its greeting */
static int outbound_on;

struct client {
    int fd;
    struct reader in;
};

static void say(int fd, const char *key, const char *value) {
    const char *fields[] = {value};
    record_write(fd, key, value ? 1 : 0, fields);
}

static int unix_address(const char *path, struct sockaddr_un *addr) {
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr->sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr->sun_path, path);
    return 0;
}

int hold_user_holder(const char *path) {
    struct sockaddr_un addr;
    if (unix_address(path, &addr) < 0) {
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    /* kept open, unread, for this process's life: the holder counts it */
    return fd;
}

static int wait_for_mapped(void) {
    struct reader in;
    reader_init(&in, STDIN_FILENO);
    for (;;) {
        struct record rec;
        const char *err = NULL;
        int got = reader_next(&in, &rec, &err);
        if (got < 0) {
            return -1;
        }
        if (got == 1) {
            int mapped = !strcmp(rec.key, "mapped");
            record_free(&rec);
            if (mapped) {
                return 0;
            }
            continue;
        }
        if (reader_fill(&in) <= 0) {
            return -1; /* the JVM gave up before mapping */
        }
    }
}

static int loopback_up(void) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        return -1;
    }
    struct ifreq req;
    memset(&req, 0, sizeof req);
    strcpy(req.ifr_name, "lo");
    int rc = ioctl(s, SIOCGIFFLAGS, &req);
    if (rc == 0) {
        req.ifr_flags |= IFF_UP;
        rc = ioctl(s, SIOCSIFFLAGS, &req);
    }
    close(s);
    return rc;
}

static int lock_file(int fd, short type) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    int rc;
    do {
        rc = fcntl(fd, F_SETLKW, &fl);
    } while (rc < 0 && errno == EINTR);
    return rc;
}

/* Under the JVMs' lock: whether nobody waits to connect; then the socket is removed before the lock goes. */
static int nobody_left(int listener, int lockfd, const char *path) {
    if (lock_file(lockfd, F_WRLCK) < 0) {
        return 0; /* cannot tell: stay */
    }
    struct pollfd p = {.fd = listener, .events = POLLIN};
    int waiting = poll(&p, 1, 0) > 0;
    if (!waiting) {
        unlink(path);
        return 1; /* the lock goes with the process */
    }
    lock_file(lockfd, F_UNLCK);
    return 0;
}

static int send_with_fd(int fd, const char *key, int passed) {
    char body[64];
    int n = snprintf(body, sizeof body, "%s\n", key);
    return fd_send(fd, passed, body, (size_t) n);
}

static void reply_error(int fd, const char *what, int err) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
    say(fd, "error", msg);
}

/* An rtnetlink socket in the network namespace of pid (0: the user's own), back to the user's afterwards. */
static void serve_netlink(int client, int ownnet, const char *pid) {
    int target = -1;
    if (pid) {
        char path[64];
        char *end;
        long n = strtol(pid, &end, 10);
        if (*end || n <= 0) {
            say(client, "error", "netlink: not a process id");
            return;
        }
        snprintf(path, sizeof path, "/proc/%ld/ns/net", n);
        target = open(path, O_RDONLY | O_CLOEXEC);
        if (target < 0 || setns(target, CLONE_NEWNET) < 0) {
            int saved = errno;
            if (target >= 0) {
                close(target);
            }
            reply_error(client, "cannot enter the network namespace of the container's process", saved);
            return;
        }
    }
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    int saved = errno;
    if (target >= 0) {
        close(target);
        if (setns(ownnet, CLONE_NEWNET) < 0) {
            /* every later socket would land in the container's namespace: better to end and be started again */
            _exit(3);
        }
    }
    if (s < 0) {
        reply_error(client, "cannot open a netlink socket", saved);
        return;
    }
    send_with_fd(client, "netlink", s);
    close(s);
}

static void serve_sysctl(int client, const char *key, const char *value) {
    if (strncmp(key, "net/", 4) || strstr(key, "..")) {
        say(client, "error", "sysctl: only keys below net/ are written");
        return;
    }
    char path[512];
    snprintf(path, sizeof path, "/proc/sys/%s", key);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write_all(fd, value, strlen(value)) < 0) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
        }
        char what[600];
        snprintf(what, sizeof what, "cannot write %s", path);
        reply_error(client, what, saved);
        return;
    }
    close(fd);
    say(client, "ok", NULL);
}

/* Serves what arrived from one client; -1 when it is gone or misbehaves. */
static int serve_client(struct client *c, int ownnet) {
    ssize_t n = reader_fill(&c->in);
    if (n <= 0) {
        return -1;
    }
    for (;;) {
        struct record rec;
        const char *err = NULL;
        int got = reader_next(&c->in, &rec, &err);
        if (got < 0) {
            return -1;
        }
        if (got == 0) {
            return 0;
        }
        if (!strcmp(rec.key, "netlink")) {
            serve_netlink(c->fd, ownnet, rec.nfields > 0 ? rec.fields[0] : NULL);
        } else if (!strcmp(rec.key, "sysctl") && rec.nfields == 2) {
            serve_sysctl(c->fd, rec.fields[0], rec.fields[1]);
        } else {
            say(c->fd, "error", "unknown request");
        }
        record_free(&rec);
    }
}

static int serve(int listener, int lockfd, int ownnet, const char *path) {
    static struct client clients[MAX_CLIENTS];
    static struct pollfd polls[MAX_CLIENTS + 1];
    int nclients = 0;
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int) getpid());
    const char *greeting[] = {pid, outbound_on ? "outbound" : "none"};
    for (;;) {
        if (nclients == 0 && nobody_left(listener, lockfd, path)) {
            return 0;
        }
        polls[0].fd = listener;
        polls[0].events = nclients < MAX_CLIENTS ? POLLIN : 0;
        for (int i = 0; i < nclients; i++) {
            polls[i + 1].fd = clients[i].fd;
            polls[i + 1].events = POLLIN;
            polls[i + 1].revents = 0;
        }
        polls[0].revents = 0;
        if (poll(polls, (nfds_t) nclients + 1, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 2;
        }
        /* from the end, so a removal (the last one moved into its place) never skips one that is ready */
        for (int i = nclients - 1; i >= 0; i--) {
            if (polls[i + 1].revents && serve_client(&clients[i], ownnet) < 0) {
                close(clients[i].fd);
                free(clients[i].in.buf);
                clients[i] = clients[--nclients];
            }
        }
        if (polls[0].revents & POLLIN) {
            int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0) {
                clients[nclients].fd = fd;
                reader_init(&clients[nclients].in, fd);
                nclients++;
                record_write(fd, "holder", 2, greeting);
            }
        }
    }
}

/*
 * With outbound helpers: forks first. The child goes on as the holder; this process stays in the host's namespaces,
 * waits for the holder's word that it is ready (gate), starts slirp4netns on it and reports "outbound" (or an error
 * saying why there is no route out) after the holder's "ready", then ends. The JVM reads both on the same pipe.
 */
static int outside(pid_t holder, int gate, int exit_fd, const char *slirp) {
    char byte;
    ssize_t got = read(gate, &byte, 1);
    close(gate);
    if (got != 1) {
        int status = 0;
        waitpid(holder, &status, 0); /* it failed and said why */
        return 2;
    }
    char err[512];
    if (outbound_start(slirp, holder, exit_fd, err, sizeof err) < 0) {
        say(STDOUT_FILENO, "no-outbound", err);
        return 0;
    }
    say(STDOUT_FILENO, "outbound", "slirp4netns");
    return 0;
}

int userns_hold_main(int argc, char **argv) {
    if (argc != 2 && argc != 4) {
        say(STDOUT_FILENO, "error", "usage: launcher userns-hold SOCKET LOCK [SLIRP4NETNS IPTABLES]");
        return 2;
    }
    const char *path = argv[0];
    umask(077);
    int gate[2] = {-1, -1};
    outbound_on = argc == 4;
    if (outbound_on) {
        int exitp[2];
        if (pipe(exitp) < 0 || pipe2(gate, O_CLOEXEC) < 0) {
            say(STDOUT_FILENO, "error", "cannot make the holder's pipes");
            return 2;
        }
        pid_t child = fork();
        if (child < 0) {
            say(STDOUT_FILENO, "error", "cannot fork the holder");
            return 2;
        }
        if (child > 0) {
            close(exitp[1]);
            close(gate[1]);
            return outside(child, gate[0], exitp[0], argv[2]);
        }
        /* the holder: the write end of exitp stays open (close-on-exec, for the commands it runs) until it ends */
        close(exitp[0]);
        close(gate[0]);
        fcntl(exitp[1], F_SETFD, FD_CLOEXEC);
    }
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "cannot create a user namespace: %s", strerror(errno));
        say(STDOUT_FILENO, "error", msg);
        return 2;
    }
    /* the JVM writes /proc/<this>/{uid_map,gid_map,setgroups}, launchers open /proc/<this>/ns/user to join and
     * read /proc/<this>/net/route: the kernel allows the user that only for a dumpable process. The holder keeps
     * no host descriptor but its socket and the lock file, and no container process can see it (each has a pid
     * namespace of its own). */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    char num[16];
    snprintf(num, sizeof num, "%d", (int) getpid());
    say(STDOUT_FILENO, "unshared", num);
    if (wait_for_mapped() < 0) {
        return 0;
    }
    /* root in here must be someone on the host: without a map no file could be owned */
    if (getuid() != 0 || getgid() != 0) {
        say(STDOUT_FILENO, "error", "the id maps were not written: container root is not mapped to this user");
        return 2;
    }
    int ownnet = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int lockfd = open(argv[1], O_RDWR | O_CLOEXEC);
    struct sockaddr_un addr;
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (loopback_up() < 0 || ownnet < 0 || lockfd < 0 || listener < 0 || unix_address(path, &addr) < 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot prepare the user's network namespace or open %s: %s", argv[1], strerror(errno));
        say(STDOUT_FILENO, "error", msg);
        return 2;
    }
    char err[512];
    if (outbound_on && outbound_inside(argv[3], err, sizeof err) < 0) {
        say(STDOUT_FILENO, "error", err);
        return 2;
    }
    unlink(path); /* a dead holder's: the caller holds the lock and found nobody listening */
    if (bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(listener, 128) < 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot listen on %s: %s", path, strerror(errno));
        say(STDOUT_FILENO, "error", msg);
        return 2;
    }
    say(STDOUT_FILENO, "ready", NULL);
    if (gate[1] >= 0) {
        write_all(gate[1], "r", 1);
        close(gate[1]);
    }
    /* no longer the starting JVM's: out of its session (a ^C for it is not for the other JVMs), and none of its
     * pipes kept open (someone may wait for their end) */
    setsid();
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
        close(devnull);
    }
    signal(SIGPIPE, SIG_IGN);
    return serve(listener, lockfd, ownnet, path);
}
