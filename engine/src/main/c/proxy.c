/*
 * The port proxy mode: "launcher proxy [-i IDLE] [-n NSPID | -L NSPID] [-c MAXCONN] DIR PID START (PROTO HOST-ADDR HOST-PORT
 * TARGET-ADDR TARGET-PORT)..."
 * serves the published ports of a container that outlives the JVM that started it. It binds every host port
 * first and answers one line on stdout: "ready <own pid> <own start time> <host port>..." (in argument order),
 * "failed <message>" (nothing bound; exit 1) or "ended" (process PID with start time START, the container's
 * first process, is gone already; exit 3). Then, in a session of its own with stdin and stdout on /dev/null, it
 * relays on one thread (epoll) until that process ends (a pidfd) or DIR, the container's network record
 * directory, is removed; the engine kills it when it stops or removes the container. Its stderr (a log file
 * the JVM chose) says what it serves and why it ended.
 *
 * tcp: each accepted connection is relayed to the target through two bounded buffers, one per direction;
 * reading from a side stops while its buffer is full (back-pressure), an end of stream is passed on as
 * shutdown(SHUT_WR) once the buffer is drained, and a reset or error on one side resets the other.
 * udp: each client address gets a socket connected to the target (a flow); replies on it go back to that
 * client; a flow idle for IDLE seconds (90 by default, as docker-proxy) is closed.
 * -n NSPID: once the host ports are bound, the proxy joins the network namespace of process NSPID, and its user
 * namespace first when that is not the proxy's own; a socket stays in the namespace it was made in, so it goes on
 * accepting on the host while every connection to a target is made inside that namespace. That is how an ordinary
 * user's proxy reaches containers on bridges in a network namespace of the user's (rootless), with no fd passing.
 * -L NSPID: the reverse, for host services: every port listens inside the network namespace of process NSPID (a
 * container's; hostrelay.c makes the sockets there) while the proxy stays in its own, so it relays connections made
 * inside the container to targets on the host's loopback.
 * -c MAXCONN: at most that many tcp connections relayed at once over all ports (1024 by default); the next one is
 * accepted and reset at once, with a line in the log at most once a second, while the others go on. The proxy keeps
 * the file limit it was given (it never raises it to the hard maximum) and fits the cap, and its udp flows, into it,
 * so an accept never fails for want of a descriptor; memory is bounded by the cap: two TCP_BUFFERs per connection.
 */
#include "launcher.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PROXY_EXIT_FAILED 1
#define PROXY_EXIT_ENDED 3
#define TCP_BUFFER (128 * 1024)
#define UDP_DATAGRAM 65536
#define BACKLOG 1024
#define MAX_EVENTS 256
#define ACCEPT_BATCH 256
#define TICK_MILLIS 1000
#define UDP_MAX_FLOWS 4096
#define DEFAULT_MAX_CONNS 1024
#define FD_SLACK 16

enum kind { K_TCP_LISTEN, K_TCP_SIDE, K_UDP_LISTEN, K_UDP_FLOW, K_PIDFD, K_INOTIFY };

/* What an epoll event points at: every object starts with its kind. */
struct handle {
    enum kind kind;
};

struct port {
    struct handle h;
    int fd;
    int udp;
    char host[INET6_ADDRSTRLEN];
    int host_port;
    struct sockaddr_storage target;
    socklen_t target_len;
    char target_text[INET6_ADDRSTRLEN + 8];
    struct flow *flows;
    int nflows;
};

struct conn;

struct side {
    struct handle h;
    struct conn *conn;
    int fd;
    int events;              /* what epoll watches now; 0: not registered */
    char *buf;               /* bytes read from this side, for the other one */
    size_t start, end;
    int eof;                 /* this side sends nothing more */
    int shut;                /* ...and the other side was told so */
};

struct conn {
    struct side s[2];        /* 0: the client, 1: the target */
    int connecting;
    int closed;
    struct conn *next, *prev;
    struct conn *next_dead;
};

struct flow {
    struct handle h;
    struct port *port;
    int fd;
    struct sockaddr_storage client;
    socklen_t client_len;
    long long last;
    int closed;
    struct flow *next;
    struct flow *next_dead;
};

static int epfd = -1;
static struct conn *conns;
static struct conn *dead_conns;
static struct flow *dead_flows;
static long long udp_idle_millis = 90 * 1000;
static char datagram[UDP_DATAGRAM];

static long long monotonic_millis(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...) {
    char stamp[64];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s.%03ldZ ", stamp, now.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

static _Noreturn void answer_and_exit(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static _Noreturn void answer_and_exit(int code, const char *fmt, ...) {
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (char *c = line; *c; c++) {
        if (*c == '\n') {
            *c = ' ';
        }
    }
    printf("%s\n", line);
    fflush(stdout);
    exit(code);
}

/* State (field 3) and start time (field 22) of /proc/PID/stat; -1 when the process is gone. */
static int process_state(long pid, char *state, unsigned long long *start) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p || p[1] != ' ') {
        return -1;
    }
    *state = p[2];
    p += 2;
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (!p) {
            return -1;
        }
        p++;
    }
    *start = strtoull(p, NULL, 10);
    return 0;
}

static int parse_address(const char *text, int port, struct sockaddr_storage *out, socklen_t *len) {
    memset(out, 0, sizeof *out);
    struct sockaddr_in *v4 = (struct sockaddr_in *) out;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) out;
    const char *t = text;
    char unbracketed[INET6_ADDRSTRLEN];
    size_t l = strlen(text);
    if (l > 2 && text[0] == '[' && text[l - 1] == ']' && l - 2 < sizeof unbracketed) {
        memcpy(unbracketed, text + 1, l - 2);
        unbracketed[l - 2] = '\0';
        t = unbracketed;
    }
    if (inet_pton(AF_INET, t, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t) port);
        *len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, t, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t) port);
        *len = sizeof *v6;
        return 0;
    }
    return -1;
}

static int bound_port(int fd) {
    struct sockaddr_storage a;
    socklen_t l = sizeof a;
    if (getsockname(fd, (struct sockaddr *) &a, &l) < 0) {
        return -1;
    }
    return ntohs(a.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &a)->sin6_port : ((struct sockaddr_in *) &a)->sin_port);
}

static void watch(int fd, int events, void *ptr, int op) {
    struct epoll_event ev = {.events = (uint32_t) events, .data.ptr = ptr};
    if (epoll_ctl(epfd, op, fd, &ev) < 0) {
        say("epoll_ctl on descriptor %d failed: %s", fd, strerror(errno));
    }
}

static void set_nodelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* ---- limits ------------------------------------------------------------------------------------- */

static unsigned long long max_conns = DEFAULT_MAX_CONNS;
static long fd_budget = 1024; /* descriptors the relays may hold */
static long fds_held;         /* ...and hold now: two per tcp connection, one per udp flow */
static unsigned long long nconns;
static unsigned long long refused_unlogged;
static long long last_refusal_log;

/*
 * Fits the relays into the file limit the proxy was given: what set-up holds (reserved) and a little slack stay
 * free, so accepting (which needs a descriptor for a moment even to refuse) never fails with EMFILE, which would
 * leave the listening socket readable and the loop spinning. The connection cap shrinks to fit when it must.
 */
static void limits_init(long reserved) {
    struct rlimit rl;
    long soft = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        soft = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1ul << 30) ? 1l << 30 : (long) rl.rlim_cur;
    }
    fd_budget = soft - reserved - FD_SLACK;
    if (fd_budget < 2) {
        fd_budget = 2;
    }
    if (max_conns > (unsigned long long) fd_budget / 2) {
        max_conns = (unsigned long long) fd_budget / 2;
    }
}

/* Whether one more relay that holds `fds` descriptors fits; a tcp connection also counts against the cap. */
static int limits_admit(int fds, int tcp) {
    if (fds_held + fds > fd_budget || (tcp && nconns >= max_conns)) {
        return 0;
    }
    fds_held += fds;
    nconns += (unsigned long long) tcp;
    return 1;
}

static void limits_release(int fds, int tcp) {
    fds_held -= fds;
    nconns -= (unsigned long long) tcp;
}

/* Refuses an accepted client past the cap with a reset, and says so at most once a second. */
static void limits_refuse(int client, const char *host, int port) {
    struct linger lg = {1, 0};
    setsockopt(client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(client);
    refused_unlogged++;
    long long now = monotonic_millis();
    if (now - last_refusal_log >= 1000) {
        say("refused %llu connection(s) on %s:%d: %llu are relayed, the most this proxy takes at once (-c)",
            refused_unlogged, host, port, nconns);
        refused_unlogged = 0;
        last_refusal_log = now;
    }
}

/* ---- tcp ---------------------------------------------------------------------------------------- */

static void conn_close(struct conn *c, int reset) {
    if (c->closed) {
        return;
    }
    c->closed = 1;
    limits_release(2, 1);
    for (int i = 0; i < 2; i++) {
        struct side *s = &c->s[i];
        if (s->fd >= 0) {
            if (reset) {
                /* an abortive close: the peer sees a reset, as the other side did */
                struct linger lg = {1, 0};
                setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            }
            close(s->fd); /* leaves the epoll set with it */
            s->fd = -1;
        }
    }
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        conns = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    c->next_dead = dead_conns;
    dead_conns = c;
}

/* Watches exactly what each side can make progress on; a side with nothing to do leaves epoll (which would
 * otherwise keep reporting a hang-up on it). */
static void conn_update(struct conn *c) {
    if (c->closed) {
        return;
    }
    for (int i = 0; i < 2; i++) {
        struct side *s = &c->s[i];
        struct side *o = &c->s[1 - i];
        int want = 0;
        if (c->connecting) {
            want = i == 1 ? EPOLLOUT : 0;
        } else {
            if (!s->eof && s->end < TCP_BUFFER) {
                want |= EPOLLIN;
            }
            if (o->end > o->start) {
                want |= EPOLLOUT;
            }
        }
        if (want != s->events) {
            watch(s->fd, want, s, s->events == 0 ? EPOLL_CTL_ADD : want == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD);
            s->events = want;
        }
    }
}

/* Writes what side `from` read to the other side; -1 when the connection broke (it is closed then). */
static int conn_flush(struct conn *c, int from) {
    struct side *s = &c->s[from];
    struct side *o = &c->s[1 - from];
    while (s->end > s->start) {
        ssize_t n = send(o->fd, s->buf + s->start, s->end - s->start, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return 0;
            }
            conn_close(c, 1);
            return -1;
        }
        s->start += (size_t) n;
    }
    s->start = s->end = 0;
    if (s->eof && !s->shut) {
        shutdown(o->fd, SHUT_WR);
        s->shut = 1;
        if (c->s[1 - from].shut) {
            conn_close(c, 0);
            return -1;
        }
    }
    return 0;
}

static void conn_read(struct conn *c, int i) {
    struct side *s = &c->s[i];
    if (s->eof || s->end >= TCP_BUFFER) {
        return;
    }
    ssize_t n;
    do {
        n = recv(s->fd, s->buf + s->end, TCP_BUFFER - s->end, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            conn_close(c, 1);
        }
        return;
    }
    if (n == 0) {
        s->eof = 1;
    } else {
        s->end += (size_t) n;
    }
    conn_flush(c, i);
}

static void conn_connected(struct conn *c) {
    int err = 0;
    socklen_t l = sizeof err;
    if (getsockopt(c->s[1].fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0) {
        err = errno;
    }
    if (err != 0) {
        conn_close(c, 1);
        return;
    }
    c->connecting = 0;
}

static void side_event(struct side *s, uint32_t events) {
    struct conn *c = s->conn;
    int i = s == &c->s[0] ? 0 : 1;
    if (c->closed) {
        return;
    }
    if (c->connecting) {
        if (i == 1 && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
            conn_connected(c);
        }
    } else {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
            if (conn_flush(c, 1 - i) < 0) {
                return;
            }
        }
        if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
            conn_read(c, i);
        }
    }
    conn_update(c);
}

static void tcp_accept(struct port *p) {
    for (int k = 0; k < ACCEPT_BATCH; k++) {
        int client = accept4(p->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
                say("accepting on %s:%d failed: %s", p->host, p->host_port, strerror(errno));
            }
            return;
        }
        if (!limits_admit(2, 1)) {
            limits_refuse(client, p->host, p->host_port);
            continue;
        }
        int up = socket(p->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        struct conn *c = calloc(1, sizeof *c);
        char *bufs = malloc(2 * TCP_BUFFER);
        if (up < 0 || !c || !bufs) {
            limits_release(2, 1);
            say("relaying a connection to %s failed: %s", p->target_text, strerror(up < 0 ? errno : ENOMEM));
            struct linger lg = {1, 0};
            setsockopt(client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            close(client);
            if (up >= 0) {
                close(up);
            }
            free(c);
            free(bufs);
            continue;
        }
        set_nodelay(client);
        set_nodelay(up);
        for (int i = 0; i < 2; i++) {
            c->s[i].h.kind = K_TCP_SIDE;
            c->s[i].conn = c;
            c->s[i].buf = bufs + i * TCP_BUFFER;
        }
        c->s[0].fd = client;
        c->s[1].fd = up;
        c->next = conns;
        if (conns) {
            conns->prev = c;
        }
        conns = c;
        int r;
        do {
            r = connect(up, (struct sockaddr *) &p->target, p->target_len);
        } while (r < 0 && errno == EINTR);
        if (r < 0 && errno != EINPROGRESS) {
            conn_close(c, 1);
            continue;
        }
        c->connecting = r < 0;
        conn_update(c);
    }
}

/* ---- udp ---------------------------------------------------------------------------------------- */

static void flow_close(struct flow *f) {
    if (f->closed) {
        return;
    }
    f->closed = 1;
    close(f->fd);
    limits_release(1, 0);
    struct port *p = f->port;
    for (struct flow **at = &p->flows; *at; at = &(*at)->next) {
        if (*at == f) {
            *at = f->next;
            break;
        }
    }
    p->nflows--;
    f->next_dead = dead_flows;
    dead_flows = f;
}

static struct flow *flow_for(struct port *p, const struct sockaddr_storage *client, socklen_t len) {
    for (struct flow *f = p->flows; f; f = f->next) {
        if (f->client_len == len && !memcmp(&f->client, client, len)) {
            return f;
        }
    }
    if (p->nflows >= UDP_MAX_FLOWS || !limits_admit(1, 0)) {
        return NULL;
    }
    int fd = socket(p->target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        say("relaying datagrams to %s failed: %s", p->target_text, strerror(errno));
        limits_release(1, 0);
        return NULL;
    }
    if (connect(fd, (struct sockaddr *) &p->target, p->target_len) < 0) {
        say("relaying datagrams to %s failed: %s", p->target_text, strerror(errno));
        close(fd);
        limits_release(1, 0);
        return NULL;
    }
    struct flow *f = calloc(1, sizeof *f);
    if (!f) {
        close(fd);
        limits_release(1, 0);
        return NULL;
    }
    f->h.kind = K_UDP_FLOW;
    f->port = p;
    f->fd = fd;
    memcpy(&f->client, client, len);
    f->client_len = len;
    f->next = p->flows;
    p->flows = f;
    p->nflows++;
    watch(fd, EPOLLIN, f, EPOLL_CTL_ADD);
    return f;
}

static void udp_receive(struct port *p) {
    for (int k = 0; k < ACCEPT_BATCH; k++) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(p->fd, datagram, sizeof datagram, 0, (struct sockaddr *) &from, &len);
        if (n < 0) {
            return; /* EAGAIN, or an ICMP error of an earlier reply: nothing to relay */
        }
        struct flow *f = flow_for(p, &from, len);
        if (!f) {
            continue; /* dropped, as a full network would */
        }
        f->last = monotonic_millis();
        send(f->fd, datagram, (size_t) n, 0);
    }
}

static void flow_receive(struct flow *f) {
    for (int k = 0; k < ACCEPT_BATCH && !f->closed; k++) {
        ssize_t n = recv(f->fd, datagram, sizeof datagram, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return;
            }
            continue; /* ECONNREFUSED: nothing listens in the container (yet); the flow stays for the client's retry */
        }
        f->last = monotonic_millis();
        sendto(f->port->fd, datagram, (size_t) n, 0, (struct sockaddr *) &f->client, f->client_len);
    }
}

static void expire_flows(struct port *ports, int nports) {
    long long now = monotonic_millis();
    for (int i = 0; i < nports; i++) {
        struct flow *f = ports[i].flows;
        while (f) {
            struct flow *next = f->next;
            if (now - f->last >= udp_idle_millis) {
                flow_close(f);
            }
            f = next;
        }
    }
}

/* ---- set-up ------------------------------------------------------------------------------------- */

/* -L: the process whose network namespace the ports listen in (the relay of host services, hostrelay.c); 0: the host */
static unsigned long long listen_pid;

static void bind_port(struct port *p, const char *proto, const char *host, const char *host_port, const char *target,
                      const char *target_port) {
    unsigned long long hp, tp;
    struct sockaddr_storage local;
    socklen_t local_len;
    if (strcmp(proto, "tcp") && strcmp(proto, "udp")) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed protocol %s is neither tcp nor udp", proto);
    }
    if (spec_parse_u64(host_port, 65535, &hp) < 0 || spec_parse_u64(target_port, 65535, &tp) < 0 || tp == 0) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed the ports %s and %s are not both between 1 and 65535", host_port, target_port);
    }
    if (parse_address(host, (int) hp, &local, &local_len) < 0) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed the host address %s is not an IP address", host);
    }
    if (parse_address(target, (int) tp, &p->target, &p->target_len) < 0) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed the target address %s is not an IP address", target);
    }
    p->udp = !strcmp(proto, "udp");
    p->h.kind = p->udp ? K_UDP_LISTEN : K_TCP_LISTEN;
    snprintf(p->host, sizeof p->host, "%s", host);
    snprintf(p->target_text, sizeof p->target_text, "%s:%llu", target, tp);
    if (listen_pid) {
        char err[256];
        p->fd = relay_listen_inside((pid_t) listen_pid, p->udp ? SOCK_DGRAM : SOCK_STREAM, (struct sockaddr *) &local,
                                    local_len, err, sizeof err);
        if (p->fd < 0) {
            answer_and_exit(PROXY_EXIT_FAILED, "failed binding %s:%llu/%s inside the container for %s: %s", host, hp, proto,
                            p->target_text, err);
        }
        p->host_port = bound_port(p->fd);
        return;
    }
    p->fd = socket(local.ss_family, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    /* tcp: a port in TIME_WAIT may be taken again; udp has none, and there the option would share a port in use */
    if (p->fd < 0 || (!p->udp && setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
            || bind(p->fd, (struct sockaddr *) &local, local_len) < 0 || (!p->udp && listen(p->fd, BACKLOG) < 0)) {
        int err = errno;
        answer_and_exit(PROXY_EXIT_FAILED, "failed binding %s:%llu/%s to publish %s failed: %s%s", host, hp, proto,
                        p->target_text, strerror(err), hp != 0 ? " — choose another host port, or 0 for a free one" : "");
    }
    p->host_port = bound_port(p->fd);
}

/*
 * Joins the network namespace of process pid (through a pidfd, so both namespaces are that process's), and its user
 * namespace first when it is another one than ours. Whether it is is learnt from setns itself: joining our own user
 * namespace fails with EINVAL, and then the network namespace alone is joined (as root that is enough). Reading
 * /proc/PID/ns would need ptrace access, which a rootless container's first process, still the launcher's
 * non-dumpable child until its command runs, does not grant. Listening sockets made before stay where they were made.
 */
static void join_namespaces(unsigned long long pid) {
    int fd = (int) syscall(SYS_pidfd_open, (pid_t) pid, 0);
    if (fd < 0) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed cannot join the namespaces of process %llu: %s", pid, strerror(errno));
    }
    int other_user = 1;
    int rc = setns(fd, CLONE_NEWNET | CLONE_NEWUSER);
    if (rc < 0 && errno == EINVAL) {
        other_user = 0;
        rc = setns(fd, CLONE_NEWNET);
    }
    if (rc < 0) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed cannot join the namespaces of process %llu: %s joining its %snetwork"
                        " namespace (the proxy must run as the user who owns that process)", pid, strerror(errno),
                        other_user ? "user and " : "");
    }
    close(fd);
}

static void to_dev_null(int fd, int flags) {
    int null = open("/dev/null", flags | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, fd);
        close(null);
    }
}

int proxy_main(int argc, char **argv) {
    int a = 2;
    unsigned long long ns_pid = 0;
    while (argc > a + 1 && (!strcmp(argv[a], "-i") || !strcmp(argv[a], "-n") || !strcmp(argv[a], "-c")
                            || !strcmp(argv[a], "-L"))) {
        if (!strcmp(argv[a], "-L")) {
            if (spec_parse_u64(argv[a + 1], 1u << 30, &listen_pid) < 0 || listen_pid == 0) {
                answer_and_exit(PROXY_EXIT_FAILED, "failed the listening process %s is not a pid", argv[a + 1]);
            }
        } else if (!strcmp(argv[a], "-c")) {
            if (spec_parse_u64(argv[a + 1], 1u << 24, &max_conns) < 0 || max_conns == 0) {
                answer_and_exit(PROXY_EXIT_FAILED, "failed the connection cap %s is not between 1 and 16777216", argv[a + 1]);
            }
        } else if (!strcmp(argv[a], "-i")) {
            unsigned long long idle;
            if (spec_parse_u64(argv[a + 1], 86400, &idle) < 0 || idle == 0) {
                answer_and_exit(PROXY_EXIT_FAILED, "failed the udp idle time %s is not between 1 and 86400 seconds", argv[a + 1]);
            }
            udp_idle_millis = (long long) idle * 1000;
        } else if (spec_parse_u64(argv[a + 1], 1u << 30, &ns_pid) < 0 || ns_pid == 0) {
            answer_and_exit(PROXY_EXIT_FAILED, "failed the namespace process %s is not a pid", argv[a + 1]);
        }
        a += 2;
    }
    if (argc - a < 8 || (argc - a - 3) % 5 != 0) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed usage: launcher proxy [-i IDLE] [-n NSPID | -L NSPID] [-c MAXCONN] DIR PID START"
                        " (PROTO HOST-ADDR HOST-PORT TARGET-ADDR TARGET-PORT)...");
    }
    if (ns_pid && listen_pid) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed -n and -L exclude each other");
    }
    /* its own session: no terminal's ^C or hang-up reaches it, and it outlives the JVM that started it */
    setsid();
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    to_dev_null(STDIN_FILENO, O_RDONLY);

    const char *dir = argv[a];
    unsigned long long pid, start;
    if (spec_parse_u64(argv[a + 1], 1u << 30, &pid) < 0 || spec_parse_u64(argv[a + 2], ~0ull, &start) < 0 || pid == 0) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed the process %s with start time %s is not a pid and a number",
                        argv[a + 1], argv[a + 2]);
    }
    /* the pidfd first, then the start time: a pid reused in between cannot pass for the container */
    int pidfd = (int) syscall(SYS_pidfd_open, (pid_t) pid, 0);
    char state;
    unsigned long long seen;
    if (pidfd < 0 || process_state((long) pid, &state, &seen) < 0 || seen != start || state == 'Z' || state == 'X') {
        if (pidfd < 0 && errno != ESRCH) {
            answer_and_exit(PROXY_EXIT_FAILED, "failed cannot watch process %llu (pidfd_open): %s", pid, strerror(errno));
        }
        answer_and_exit(PROXY_EXIT_ENDED, "ended");
    }
    int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (ino < 0 || inotify_add_watch(ino, dir, IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed cannot watch the directory %s: %s", dir, strerror(errno));
    }

    int nports = (argc - a - 3) / 5;
    struct port *ports = calloc((size_t) nports, sizeof *ports);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!ports || epfd < 0) {
        answer_and_exit(PROXY_EXIT_FAILED, "failed cannot set up: %s", strerror(errno));
    }
    for (int i = 0; i < nports; i++) {
        char **f = argv + a + 3 + 5 * i;
        bind_port(&ports[i], f[0], f[1], f[2], f[3], f[4]);
    }
    if (ns_pid) {
        join_namespaces(ns_pid);
    }
    /* stdio, the pidfd, inotify, epoll and the listening sockets */
    limits_init(6 + nports);
    static struct handle pid_handle = {K_PIDFD}, ino_handle = {K_INOTIFY};
    watch(pidfd, EPOLLIN, &pid_handle, EPOLL_CTL_ADD);
    watch(ino, EPOLLIN, &ino_handle, EPOLL_CTL_ADD);
    for (int i = 0; i < nports; i++) {
        watch(ports[i].fd, EPOLLIN, &ports[i], EPOLL_CTL_ADD);
    }

    char ready[4096];
    int len = snprintf(ready, sizeof ready, "ready %ld %llu", (long) getpid(), process_start_time("/proc/self/stat"));
    for (int i = 0; i < nports && len < (int) sizeof ready - 8; i++) {
        len += snprintf(ready + len, sizeof ready - (size_t) len, " %d", ports[i].host_port);
    }
    printf("%s\n", ready);
    fflush(stdout);
    to_dev_null(STDOUT_FILENO, O_WRONLY);
    for (int i = 0; i < nports; i++) {
        say("serving %s:%d/%s -> %s while process %llu runs", ports[i].host, ports[i].host_port,
            ports[i].udp ? "udp" : "tcp", ports[i].target_text, pid);
    }
    say("relaying at most %llu tcp connections at once, within %ld descriptors", max_conns, fd_budget);

    struct epoll_event events[MAX_EVENTS];
    long long next_tick = monotonic_millis() + TICK_MILLIS;
    const char *why = NULL;
    while (!why) {
        long long wait = next_tick - monotonic_millis();
        int n = epoll_wait(epfd, events, MAX_EVENTS, wait < 0 ? 0 : (int) wait);
        if (n < 0 && errno != EINTR) {
            why = "epoll_wait failed";
            break;
        }
        for (int k = 0; k < n; k++) {
            struct handle *h = events[k].data.ptr;
            switch (h->kind) {
                case K_TCP_LISTEN:
                    tcp_accept((struct port *) h);
                    break;
                case K_TCP_SIDE:
                    side_event((struct side *) h, events[k].events);
                    break;
                case K_UDP_LISTEN:
                    udp_receive((struct port *) h);
                    break;
                case K_UDP_FLOW:
                    if (!((struct flow *) h)->closed) {
                        flow_receive((struct flow *) h);
                    }
                    break;
                case K_PIDFD:
                    why = "the container ended";
                    break;
                case K_INOTIFY:
                    why = "the container was removed";
                    break;
            }
        }
        /* freed only now: an event later in the same batch may still point at them */
        while (dead_conns) {
            struct conn *c = dead_conns;
            dead_conns = c->next_dead;
            free(c->s[0].buf);
            free(c);
        }
        while (dead_flows) {
            struct flow *f = dead_flows;
            dead_flows = f->next_dead;
            free(f);
        }
        if (monotonic_millis() >= next_tick) {
            next_tick = monotonic_millis() + TICK_MILLIS;
            expire_flows(ports, nports);
            struct stat st;
            if (stat(dir, &st) < 0 && errno == ENOENT) {
                why = "the container was removed";
            }
        }
    }
    say("%s; closing its ports", why);
    return 0;
}
