/*
 * "launcher kept DIR PID START": the watcher of one run of a kept container (`stevedore run -d`), started by
 * the JVM that starts the run, on the host as that JVM's user (rootless too: the checks' execs join the container's
 * user namespace through its pidfd, as the JVM's execs do), in a session of its own. Its stdin is a pipe from that
 * JVM: while it is open the JVM owns the run (runs its health checks and reports its end) and this process sleeps;
 * at its end of file (the JVM let go of the run, or died, even by kill -9) this process takes over, until the run's
 * supervisor (process PID, started at START clock ticks, watched through a pidfd) ends, and then ends itself.
 *
 * Taken over:
 * - the health check, when DIR/health.check and DIR/health.exec are there (written by the JVM at start: the timings,
 *   and the exact spec the engine's exec sends "launcher exec"): run as that exec on dockerd's timer (the start
 *   interval while starting within the start period, else the interval), killed at its timeout with dockerd's words,
 *   its output (at most 4096 bytes) and exit appended to DIR/health.log as the JVM appends them (HealthLog.java: the
 *   file replaced atomically, the last 64 kept, more when retries needs them);
 * - the events no engine is there to report: health_status on a change of the status (HealthLog.derive's rules) and
 *   the run's die, each one line in a journal of this process's own in the state directory's events/ (the format of
 *   EventJournal.java, one write per event), as DIR/kept.events describes the container (journal directory, id,
 *   attributes).
 * At rest it sleeps in poll(2): no wake-up but the next check's.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define OUTPUT_MAX 4096
#define KEPT_RESULTS 64
#define SEGMENT_BYTES (1LL << 20)
#define KILL_GRACE_NS (5LL * 1000000000LL)

enum status { STARTING, HEALTHY, UNHEALTHY };

struct check {
    int on;
    long long interval, timeout, start_period, start_interval; /* nanoseconds, Docker's defaults applied */
    int retries;
    long long started;                                          /* the run's start, epoch nanoseconds */
    char timeout_message[256];
    char *spec;
    size_t spec_len;
};

struct journal {
    int on;
    char dir[4096];
    char id[160];
    char *attributes; /* the container's attributes, a JSON object */
    int fd;
    int segment;
    long long written;
};

static const char *dir;
/* this program, the sealed copy it runs from (exeseal.c): each check executes it as "launcher exec" */
static int self_exe = -1;

/* A poll(2) timeout for a wait of ns nanoseconds, rounded up; at most an hour (the caller's loop waits on). */
static int poll_ms(long long ns) {
    if (ns <= 0) {
        return 0;
    }
    long long ms = ns / 1000000 + 1;
    return ms > 3600 * 1000 ? 3600 * 1000 : (int) ms;
}

static long long clock_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* The whole file, NUL-terminated, its length in *len; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    ssize_t got;
    while (buf && (got = read(fd, buf + n, cap - n - 1)) != 0) {
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            free(buf);
            buf = NULL;
            break;
        }
        n += (size_t) got;
        if (cap - n - 1 == 0) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    close(fd);
    if (buf) {
        buf[n] = '\0';
        if (len) {
            *len = n;
        }
    }
    return buf;
}

static void path_in(char *out, size_t cap, const char *name) {
    snprintf(out, cap, "%s/%s", dir, name);
}

/* DIR/health.check: "INTERVAL TIMEOUT START-PERIOD START-INTERVAL RETRIES STARTED" (nanoseconds), then a line with
 * the timeout's message; DIR/health.exec: the exec's spec. */
static void load_check(struct check *c) {
    char path[4096];
    path_in(path, sizeof path, "health.check");
    char *text = slurp(path, NULL);
    path_in(path, sizeof path, "health.exec");
    c->spec = slurp(path, &c->spec_len);
    if (!text || !c->spec) {
        free(text);
        return;
    }
    int used = 0;
    if (sscanf(text, "%lld %lld %lld %lld %d %lld\n%n", &c->interval, &c->timeout, &c->start_period,
               &c->start_interval, &c->retries, &c->started, &used) == 6 && used > 0) {
        snprintf(c->timeout_message, sizeof c->timeout_message, "%s", text + used);
        c->timeout_message[strcspn(c->timeout_message, "\n")] = '\0';
        c->on = c->interval > 0 && c->timeout > 0 && c->retries > 0;
    }
    free(text);
}

/* DIR/kept.events: the journal directory, the container's id and its attributes (a JSON object), one a line. */
static void load_journal(struct journal *j) {
    char path[4096];
    path_in(path, sizeof path, "kept.events");
    char *text = slurp(path, NULL);
    j->fd = -1;
    if (!text) {
        return;
    }
    char *id = strchr(text, '\n');
    char *attributes = id ? strchr(id + 1, '\n') : NULL;
    if (attributes && attributes[1] == '{') {
        *id++ = '\0';
        *attributes++ = '\0';
        attributes[strcspn(attributes, "\n")] = '\0';
        snprintf(j->dir, sizeof j->dir, "%s", text);
        snprintf(j->id, sizeof j->id, "%s", id);
        j->attributes = strdup(attributes);
        j->on = j->attributes != NULL;
    }
    free(text);
}

/* One event: one line, one write, in segments of this process's own, named as EventJournal names a writer's. */
static void journal_event(struct journal *j, const char *action, const char *attribute, const char *detail) {
    if (!j->on) {
        return;
    }
    if (j->fd < 0 || j->written >= SEGMENT_BYTES) {
        char name[sizeof j->dir + 96];
        unsigned long long self = process_start_time("/proc/self/stat");
        if (j->fd >= 0) {
            close(j->fd);
            if (j->segment >= 2) { /* the one before the segment just closed, as EventJournal keeps two */
                snprintf(name, sizeof name, "%s/%d-%llu-0-%08d.journal", j->dir, (int) getpid(), self, j->segment - 1);
                unlink(name);
            }
        }
        j->segment++;
        mkdir(j->dir, 0700);
        snprintf(name, sizeof name, "%s/%d-%llu-0-%08d.journal", j->dir, (int) getpid(), self, j->segment);
        j->fd = open(name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        j->written = 0;
        if (j->fd < 0) {
            fprintf(stderr, "stevedore-launcher kept: cannot write the event journal %s: %s\n", name, strerror(errno));
            return;
        }
    }
    const char *inner = j->attributes + 1; /* the attributes without their "{" (just "}" when there are none) */
    size_t cap = strlen(j->attributes) + 1024;
    char *line = malloc(cap);
    if (!line) {
        return;
    }
    int n = snprintf(line, cap, "{\"type\":\"CONTAINER\",\"action\":\"%s\",\"id\":\"%s\",\"attributes\":{%s%s%s"
                     ",\"time\":%lld%s%s%s}\n", action, j->id, attribute ? attribute : "",
                     attribute && inner[0] != '}' ? "," : "", inner, clock_ns(CLOCK_REALTIME),
                     detail ? ",\"detail\":\"" : "", detail ? detail : "", detail ? "\"" : "");
    if (n > 0 && (size_t) n < cap) {
        if (write_all(j->fd, line, (size_t) n) == 0) {
            j->written += n;
        }
    }
    free(line);
}

/* The status HealthLog.derive gives the results in DIR/health.log (for a run that still runs). */
static enum status derive(const struct check *c) {
    char path[4096];
    path_in(path, sizeof path, "health.log");
    char *text = slurp(path, NULL);
    enum status status = STARTING;
    int streak = 0;
    for (char *line = text; line && *line;) {
        char *next = strchr(line, '\n');
        long long start, end;
        int code;
        if (sscanf(line, "%lld %lld %d ", &start, &end, &code) == 3) {
            if (code == 0) {
                status = HEALTHY;
                streak = 0;
            } else if (!(status == STARTING && start < c->started + c->start_period)) {
                if (++streak >= c->retries) {
                    status = UNHEALTHY;
                }
            }
        }
        line = next ? next + 1 : NULL;
    }
    free(text);
    return status;
}

static size_t base64(const unsigned char *in, size_t n, char *out) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned) in[i] << 16 | (i + 1 < n ? (unsigned) in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = digits[v >> 18 & 63];
        out[o++] = digits[v >> 12 & 63];
        out[o++] = i + 1 < n ? digits[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? digits[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

/* Appends a result to DIR/health.log as HealthLog.append does: the last max(64, retries + 1) kept, replaced atomically. */
static void append_result(const struct check *c, long long start, long long end, int code, const char *output,
                          size_t len) {
    char path[4096], tmp[4096];
    path_in(path, sizeof path, "health.log");
    path_in(tmp, sizeof tmp, ".health.log.tmp");
    size_t old_len = 0;
    char *old = slurp(path, &old_len);
    int keep = c->retries + 1 > KEPT_RESULTS ? c->retries + 1 : KEPT_RESULTS;
    int lines = 0;
    for (size_t i = 0; old && i < old_len; i++) {
        lines += old[i] == '\n';
    }
    const char *from = old ? old : "";
    for (int drop = lines - (keep - 1); drop > 0 && *from; drop--) {
        const char *nl = strchr(from, '\n');
        from = nl ? nl + 1 : from + strlen(from);
    }
    char *encoded = malloc(4 * (len / 3 + 1) + 1);
    int fd = encoded ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    if (fd < 0) {
        fprintf(stderr, "stevedore-launcher kept: cannot write %s: %s\n", tmp, strerror(errno));
        free(old);
        free(encoded);
        return;
    }
    base64((const unsigned char *) output, len, encoded);
    char head[96];
    int n = snprintf(head, sizeof head, "%lld %lld %d ", start, end, code);
    if (write_all(fd, from, strlen(from)) < 0 || write_all(fd, head, (size_t) n) < 0
            || write_all(fd, encoded, strlen(encoded)) < 0 || write_all(fd, "\n", 1) < 0 || close(fd) < 0
            || rename(tmp, path) < 0) {
        fprintf(stderr, "stevedore-launcher kept: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(old);
    free(encoded);
}

struct outcome {
    char out[OUTPUT_MAX], err[OUTPUT_MAX + 512];
    size_t nout, nerr;
    int exited, signaled, value;
    int timed_out;
    char step[128], message[512];
    int err_no;
};

static void keep_bytes(char *buf, size_t cap, size_t *n, const char *data, size_t len) {
    size_t room = cap - *n;
    size_t take = len < room ? len : room;
    memcpy(buf + *n, data, take);
    *n += take;
}

static void take_record(struct outcome *o, const struct record *rec) {
    if (!strcmp(rec->key, "stdout") && rec->nfields == 1) {
        keep_bytes(o->out, OUTPUT_MAX, &o->nout, rec->fields[0], rec->lens[0]);
    } else if (!strcmp(rec->key, "stderr") && rec->nfields == 1) {
        keep_bytes(o->err, OUTPUT_MAX, &o->nerr, rec->fields[0], rec->lens[0]);
    } else if (!strcmp(rec->key, "error") && rec->nfields == 4) {
        snprintf(o->step, sizeof o->step, "%s", rec->fields[0]);
        o->err_no = atoi(rec->fields[1]);
        snprintf(o->message, sizeof o->message, "%s", rec->fields[2]);
    } else if (!strcmp(rec->key, "exit") && rec->nfields >= 2) {
        o->exited = 1;
        o->signaled = !strcmp(rec->fields[0], "signal");
        o->value = atoi(rec->fields[1]);
    }
}

/* Runs the check as the engine's exec runs it (ExecProcess.java): "launcher exec" with the spec on its stdin, held open
 * (its end would kill the command), "signal 9" at the timeout, the launcher itself killed after a grace. 0 when it
 * ran, -1 when it could not be started. */
static int run_exec(const struct check *c, struct outcome *o) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0) {
        return -1;
    }
    if (pipe2(out, O_CLOEXEC) < 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    char log[4096];
    path_in(log, sizeof log, "launcher.log");
    pid_t pid = fork();
    if (pid == 0) {
        int err = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        if (err >= 0) {
            dup2(err, STDERR_FILENO);
        }
        char *const args[] = {"stevedore-launcher", "exec", NULL};
        char *const env[] = {NULL};
        fexecve(self_exe, args, env);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        return -1;
    }
    write_all(in[1], c->spec, c->spec_len); /* a launcher that died early shows as an end without "exit" */
    struct reader r;
    reader_init(&r, out[0]);
    r.binary = 1;
    long long deadline = clock_ns(CLOCK_MONOTONIC) + c->timeout;
    int killed = 0;
    while (!o->exited) {
        struct record rec;
        const char *why;
        int got;
        while ((got = reader_next(&r, &rec, &why)) == 1) {
            take_record(o, &rec);
            record_free(&rec);
        }
        if (got < 0 || o->exited) {
            break;
        }
        long long left = deadline - clock_ns(CLOCK_MONOTONIC);
        struct pollfd p = {.fd = out[0], .events = POLLIN};
        int ready = poll(&p, 1, poll_ms(left));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready == 0 && clock_ns(CLOCK_MONOTONIC) < deadline) {
            continue; /* a wait longer than poll_ms's cap */
        }
        if (ready == 0) {
            if (!o->timed_out) {
                o->timed_out = 1; /* as the JVM does: the command's process group, through its relay */
                const char *nine[] = {"9"};
                record_write(in[1], "signal", 1, nine);
                deadline = clock_ns(CLOCK_MONOTONIC) + KILL_GRACE_NS;
            } else if (!killed) {
                killed = 1;
                kill(pid, SIGKILL);
                deadline = clock_ns(CLOCK_MONOTONIC) + KILL_GRACE_NS;
            }
            continue;
        }
        ssize_t n = reader_fill(&r);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
            break;
        }
    }
    free(r.buf);
    close(in[1]);
    close(out[0]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    return 0;
}

/* Whether the run's supervisor has ended. */
static int ended(int pidfd) {
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

/* One check and its result in the log (HealthMonitor.probe's rules); 0, or -1 when the run ended meanwhile. */
static int probe(const struct check *c, int pidfd) {
    struct outcome o;
    memset(&o, 0, sizeof o);
    long long start = clock_ns(CLOCK_REALTIME);
    int code;
    char *output = o.out;
    size_t len;
    if (run_exec(c, &o) < 0) {
        snprintf(o.out, sizeof o.out, "cannot run the health check: %s", strerror(errno));
        code = -1;
        len = strlen(o.out);
    } else if (!strcmp(o.step, "find the container's process") || ended(pidfd)) {
        return -1; /* the run's end, not a failed check */
    } else if (o.timed_out && (!o.exited || o.signaled)) {
        code = -1; /* dockerd's code and words */
        output = (char *) c->timeout_message;
        len = strlen(output);
    } else {
        int exec_failed = !strcmp(o.step, "exec") || !strcmp(o.step, "exec-lookup");
        if (o.step[0] && !exec_failed && strcmp(o.step, "resolve the user") && strcmp(o.step, "change to the working directory")) {
            code = -1; /* the exec could not be set up: the engine's exec fails, and HealthMonitor logs its message */
            o.nout = (size_t) snprintf(o.out, sizeof o.out, "exec failed: cannot %s: %s", o.step, o.message);
            o.nerr = 0;
        } else if (o.step[0]) {
            code = (!strcmp(o.step, "exec-lookup") || (!strcmp(o.step, "exec") && o.err_no == ENOENT)) ? 127
                   : !strcmp(o.step, "exec") ? 126 : 125;
            o.nerr += (size_t) snprintf(o.err + o.nerr, sizeof o.err - o.nerr, "%s\n", o.message);
        } else {
            code = !o.exited ? 128 + SIGKILL : o.signaled ? 128 + o.value : o.value;
        }
        /* stdout then stderr, cut at 4096 bytes on a character boundary (HealthLog.truncate) */
        keep_bytes(o.out, OUTPUT_MAX, &o.nout, o.err, o.nerr);
        len = o.nout;
        while (len == OUTPUT_MAX && len > 0 && (((unsigned char) o.out[len - 1]) & 0xC0) == 0x80) {
            len--;
        }
        if (len == OUTPUT_MAX && len > 0 && ((unsigned char) o.out[len - 1]) >= 0xC0) {
            len--; /* a sequence's first byte, its rest cut off */
        }
    }
    if (ended(pidfd)) {
        return -1; /* a new run's log must not get this run's result */
    }
    append_result(c, start, clock_ns(CLOCK_REALTIME), code, output, len);
    return 0;
}

/* The pause before the next check (HealthMonitor.next): the start interval while starting within the start period. */
static long long pause_ns(const struct check *c, enum status status) {
    int in_start_period = clock_ns(CLOCK_REALTIME) < c->started + c->start_period;
    return in_start_period && status == STARTING ? c->start_interval : c->interval;
}

/* The run's exit code as DIR/exit says it (128 + signal when killed); 137 without one, as the reaper records it. */
static int exit_code(void) {
    char path[4096];
    path_in(path, sizeof path, "exit");
    char *text = slurp(path, NULL);
    int code = 137, value;
    if (text && sscanf(text, "code %d", &value) == 1) {
        code = value;
    } else if (text && sscanf(text, "signal %d", &value) == 1) {
        code = 128 + value;
    }
    free(text);
    return code;
}

int kept_main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: launcher kept DIR PID START\n");
        return 2;
    }
    dir = argv[0];
    pid_t pid = (pid_t) atoi(argv[1]);
    unsigned long long start = strtoull(argv[2], NULL, 10);
    /* not the path the JVM started it from: that is the JVM's memory file, gone with the JVM */
    self_exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    setsid(); /* the JVM that started it (a CLI command) ends at once; a terminal's hang-up is not for it */
    signal(SIGPIPE, SIG_IGN);
    char log[4096];
    path_in(log, sizeof log, "launcher.log");
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
        close(out);
    }
    if (chdir("/") < 0) { /* holds no directory of anyone's */
        fprintf(stderr, "stevedore-launcher kept: cannot change to /: %s\n", strerror(errno));
    }
    char stat[64];
    snprintf(stat, sizeof stat, "/proc/%d/stat", (int) pid);
    int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0 || process_start_time(stat) != start) {
        return 0; /* ended already: its owner reports it */
    }
    struct check check = {0};
    struct journal journal = {0};
    load_check(&check);
    load_journal(&journal);
    int owned = 1;
    enum status status = STARTING;
    long long next = 0;
    for (;;) {
        struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = owned ? STDIN_FILENO : -1, .events = POLLIN}};
        int wait = -1;
        if (!owned && check.on) {
            wait = poll_ms(next - clock_ns(CLOCK_MONOTONIC));
        }
        int ready = poll(p, 2, wait);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "stevedore-launcher kept: poll: %s\n", strerror(errno));
            return 1;
        }
        if (p[0].revents) {
            if (!owned) { /* nobody else reports it */
                char attribute[64];
                snprintf(attribute, sizeof attribute, "\"exitCode\":\"%d\"", exit_code());
                journal_event(&journal, "DIE", attribute, NULL);
            }
            return 0;
        }
        if (owned && p[1].revents) {
            char buf[256];
            ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
                owned = 0; /* the JVM let go of the run: its checks and events are this process's now */
                status = check.on ? derive(&check) : STARTING;
                next = clock_ns(CLOCK_MONOTONIC) + (check.on ? pause_ns(&check, status) : 0);
            }
            continue;
        }
        if (!owned && check.on && clock_ns(CLOCK_MONOTONIC) >= next) {
            if (probe(&check, pidfd) == 0) {
                enum status now = derive(&check);
                if (now != status && now != STARTING) {
                    journal_event(&journal, "HEALTH_STATUS", NULL, now == HEALTHY ? "healthy" : "unhealthy");
                }
                status = now;
            }
            next = clock_ns(CLOCK_MONOTONIC) + pause_ns(&check, status);
        }
    }
}
