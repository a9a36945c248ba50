/*
 * "launcher exec": runs a command inside a running container, as `docker exec` does, and relays it.
 *
 * The JVM sends a spec on stdin (records up to "end": the container's pid and its start time, args,
 * env, cwd, user, capabilities, cgroups, whether stdin is used, "tty <rows> <cols>" for a pseudo-terminal), then
 * commands: "stdin <bytes>", "stdin-close", "signal <n>", "resize <rows> <cols>". End of file on stdin means the JVM is gone: the command is killed.
 * This process answers on stdout: "started <pid>", "stdout <bytes>", "stderr <bytes>", "stdin-ack <n>"
 * (stdin.c: how much of the JVM's stdin left this process's bounded buffer), "error <step> <errno>
 * <message> <path>" and finally "exit <code|signal> <n>".
 *
 * The target is pinned with a pidfd whose start time is checked, so a recycled pid is never entered.
 * As runc does, this process joins every namespace of the container (its user namespace when rootless, then
 * pid, mount, uts, ipc, network and cgroup in one setns) before the process that runs the command exists: that
 * one is born inside all of them, with the container's root and "/" as its directory, and never holds the
 * host's root, working directory or mounts. What this process needs of the host (its pipes, /dev/null, the
 * container's cgroup.procs files) is opened before it leaves. It stays outside the container's pid namespace
 * (setns of a pid namespace moves only children), where no process of the container can see it, and
 * non-dumpable. The child resolves its user through the container's /etc/passwd, drops privileges as the
 * container's init did and execs. It has its own process group: a kill on timeout takes its children too.
 * With a tty, the pty is made in the container's devpts (tty.c) once this process is in its mount namespace; the
 * peer is the command's controlling terminal and fds 0-2, and the master's output is relayed as "stdout".
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define CHUNK 65536

struct exec_spec {
    pid_t pid;
    unsigned long long start;
    char **args;
    size_t nargs;
    char **env;
    size_t nenv;
    char *cwd;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    size_t ngroups;
    char **group_add;     /* the container's --group-add, names resolved in its /etc/group */
    size_t ngroup_add;
    char *user_spec;
    uint64_t caps;
    struct rlimit_entry rlimits[RLIMITS_MAX];
    size_t nrlimits;
    int no_new_privs;
    char **cgroups;
    size_t ncgroups;
    int with_stdin;
    int tty;
    unsigned long long tty_rows, tty_cols;
    struct seccomp_prog seccomp;
};

static void send_error(const char *step, int err, const char *message, const char *path) {
    char num[16];
    snprintf(num, sizeof num, "%d", err);
    const char *fields[] = {step, num, message, path};
    record_write(STDOUT_FILENO, "error", 4, fields);
}

static int read_spec(struct reader *r, struct exec_spec *s, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    s->cwd = "/";
    s->no_new_privs = 1;
    int have_pid = 0;
    for (;;) {
        struct record rec = {0};
        const char *perr = NULL;
        int got = reader_next(r, &rec, &perr);
        if (got < 0) {
            snprintf(err, errlen, "malformed exec spec: %s", perr);
            return -1;
        }
        if (got == 0) {
            ssize_t n = reader_fill(r);
            if (n <= 0) {
                snprintf(err, errlen, "the exec spec ended before its \"end\" record");
                return -1;
            }
            continue;
        }
        const char *k = rec.key;
        unsigned long long a = 0, b = 0;
        int ok = 1;
        int keep = 0;
        if (!strcmp(k, "end")) {
            record_free(&rec);
            break;
        } else if (!strcmp(k, "version") && rec.nfields == 1) {
            ok = !strcmp(rec.fields[0], "1");
        } else if (!strcmp(k, "pid") && rec.nfields == 2) {
            ok = spec_parse_u64(rec.fields[0], 0x7fffffff, &a) == 0 && spec_parse_u64(rec.fields[1], ~0ull, &b) == 0;
            s->pid = (pid_t) a;
            s->start = b;
            have_pid = ok;
        } else if (!strcmp(k, "arg") && rec.nfields == 1) {
            ok = spec_push(&s->args, &s->nargs, rec.fields[0]) == 0;
            keep = 1;
        } else if (!strcmp(k, "env") && rec.nfields == 1) {
            ok = strchr(rec.fields[0], '=') != NULL && spec_push(&s->env, &s->nenv, rec.fields[0]) == 0;
            keep = 1;
        } else if (!strcmp(k, "cwd") && rec.nfields == 1) {
            ok = rec.fields[0][0] == '/';
            s->cwd = rec.fields[0];
            keep = 1;
        } else if (!strcmp(k, "user") && rec.nfields == 2) {
            ok = spec_parse_u64(rec.fields[0], 0x7fffffff, &a) == 0 && spec_parse_u64(rec.fields[1], 0x7fffffff, &b) == 0;
            s->uid = (uid_t) a;
            s->gid = (gid_t) b;
        } else if (!strcmp(k, "user-spec") && rec.nfields == 1) {
            s->user_spec = rec.fields[0];
            keep = 1;
        } else if (!strcmp(k, "group-add") && rec.nfields == 1) {
            ok = *rec.fields[0] && spec_push(&s->group_add, &s->ngroup_add, rec.fields[0]) == 0;
            keep = ok;
        } else if (!strcmp(k, "group") && rec.nfields == 1) {
            ok = spec_parse_u64(rec.fields[0], 0x7fffffff, &a) == 0;
            gid_t *grown = ok ? realloc(s->groups, (s->ngroups + 1) * sizeof *grown) : NULL;
            ok = grown != NULL;
            if (ok) {
                grown[s->ngroups++] = (gid_t) a;
                s->groups = grown;
            }
        } else if (!strcmp(k, "cap") && rec.nfields == 1) {
            ok = spec_parse_u64(rec.fields[0], 63, &a) == 0;
            s->caps |= 1ull << a;
        } else if (!strcmp(k, "rlimit") && rec.nfields == 4) {
            ok = s->nrlimits < RLIMITS_MAX && rlimit_parse(rec.fields, &s->rlimits[s->nrlimits]) == 0;
            s->nrlimits += ok;
        } else if (!strcmp(k, "no-new-privileges") && rec.nfields == 1) {
            s->no_new_privs = !strcmp(rec.fields[0], "1");
        } else if (!strcmp(k, "cgroup") && rec.nfields == 1) {
            ok = !strncmp(rec.fields[0], "/sys/fs/cgroup/", 15) && spec_push(&s->cgroups, &s->ncgroups, rec.fields[0]) == 0;
            keep = 1;
        } else if (!strcmp(k, "seccomp") && rec.nfields == 2) {
            ok = seccomp_parse(rec.fields[0], rec.fields[1], &s->seccomp) == 0;
        } else if (!strcmp(k, "stdin") && rec.nfields == 1) {
            s->with_stdin = !strcmp(rec.fields[0], "1");
        } else if (!strcmp(k, "tty") && rec.nfields == 2) {
            s->tty = 1;
            ok = spec_parse_u64(rec.fields[0], 65535, &s->tty_rows) == 0
                    && spec_parse_u64(rec.fields[1], 65535, &s->tty_cols) == 0;
        } else {
            snprintf(err, errlen, "unknown or malformed exec spec record \"%s\"", k);
            record_free(&rec);
            return -1;
        }
        if (!ok) {
            snprintf(err, errlen, "exec spec record \"%s\" has an invalid value", k);
            record_free(&rec);
            return -1;
        }
        if (keep) {
            /* the fields now belong to the spec */
            rec.nfields = 0;
        }
        record_free(&rec);
    }
    if (!have_pid || s->nargs == 0) {
        snprintf(err, errlen, "the exec spec lacks the container's pid or a command");
        return -1;
    }
    return 0;
}

/* The parent lives outside the container's pid namespace, where getppid() reads 0; once it is gone the
 * child is handed to the container's init and reads 1. */
static int parent_alive(void) {
    return getppid() == 0;
}

static _Noreturn void child(const struct exec_spec *s, int sync, int go, int in, int out, int err, int peer) {
    set_report_fd(sync);
    reset_signals();
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (!parent_alive()) {
        _exit(125);
    }
    if (setsid() < 0) {
        fail("start a new session", "");
    }
    if (peer >= 0 ? pty_take(peer) < 0
            : dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0) {
        fail("connect the standard streams", "");
    }
    if (!await_go(go)) {
        _exit(125);
    }
    struct identity id;
    resolve_identity(s->user_spec, s->uid, s->gid, s->groups, s->ngroups, 126, &id);
    add_named_groups(s->group_add, s->ngroup_add, 126, &id);
    char **env = env_with_home(s->env, s->nenv, id.home);
    if (chdir(s->cwd) < 0) {
        report("change to the working directory", errno, s->cwd, 126);
    }
    char here[4096];
    if (!getcwd(here, sizeof here) || here[0] != '/') {
        errno = EPERM;
        fail("check that the working directory is inside the container", s->cwd);
    }
    set_rlimits(s->rlimits, s->nrlimits, 126);
    drop_privileges(&id, s->caps, s->no_new_privs, &s->seccomp);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (!parent_alive()) {
        _exit(125);
    }
    close_fds_on_exec();
    exec_command(s->args, env);
}

/* Forwards what a pipe holds as records of kind key; 1 once it reached its end. */
static int relay(int fd, const char *key) {
    char buf[CHUNK];
    ssize_t n;
    do {
        n = read(fd, buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) {
        return 0;
    }
    if (n <= 0) {
        return 1;
    }
    const char *fields[] = {buf};
    size_t lens[] = {(size_t) n};
    record_write_n(STDOUT_FILENO, key, 1, fields, lens);
    return 0;
}

/* Forwards the child's error reports; clears *open once its end of the pipe is closed (it exec'd or died). */
static void relay_errors(struct reader *sync, int *open) {
    for (;;) {
        struct record rec = {0};
        const char *perr = NULL;
        int got = reader_next(sync, &rec, &perr);
        if (got == 1) {
            if (!strcmp(rec.key, "error")) {
                record_write(STDOUT_FILENO, "error", rec.nfields, (const char *const *) rec.fields);
            }
            record_free(&rec);
            continue;
        }
        if (got < 0 || reader_fill(sync) <= 0) {
            if (got < 0 || errno != EAGAIN) {
                *open = 0;
            }
            return;
        }
    }
}

static void kill_group(pid_t pid, int sig) {
    kill(-pid, sig);
    kill(pid, sig);
}

int exec_main(void) {
    /* inherited by the child: while it still runs this binary inside the container, no process there may
     * open it through /proc/PID/exe (CVE-2019-5736) */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    struct reader in;
    reader_init(&in, STDIN_FILENO);
    struct exec_spec s;
    char err[512];
    if (read_spec(&in, &s, err, sizeof err) < 0) {
        send_error("read the exec spec", EINVAL, err, "");
        return 2;
    }
    in.binary = 1;

    int pidfd = (int) syscall(SYS_pidfd_open, s.pid, 0);
    char stat_path[64];
    snprintf(stat_path, sizeof stat_path, "/proc/%d/stat", (int) s.pid);
    if (pidfd < 0 || process_start_time(stat_path) != s.start) {
        send_error("find the container's process", pidfd < 0 ? errno : ESRCH,
                   "the container's process has ended", "");
        return 2;
    }
    if (copy_oom_score_adj(s.pid) < 0) { /* inherited by the command, as runc gives an exec the container's */
        send_error("take the container's OOM score adjustment", errno, strerror(errno), "/proc/self/oom_score_adj");
        return 2;
    }
    /* a rootless container lives in its user's namespace: joined first, it owns the others */
    if (join_user_namespace_of(s.pid) < 0) {
        send_error("join the container's user namespace", errno, strerror(errno), "");
        return 2;
    }
    int sync[2], go[2], outp[2], errp[2], inp[2] = {-1, -1};
    /* the host's /dev/null: the container's could be anything its root made of it, a FIFO that never opens */
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || pipe2(sync, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0
            || pipe2(errp, O_CLOEXEC) < 0 || (s.with_stdin && pipe2(inp, O_CLOEXEC) < 0)) {
        send_error("create the exec's pipes", errno, strerror(errno), "");
        return 2;
    }
    int sigfd = child_signalfd();
    if (sigfd < 0) {
        send_error("create the exec's signalfd", errno, strerror(errno), "");
        return 2;
    }
    /* opened while the host's /sys/fs/cgroup is in view; a write through them is judged by the opener's namespace */
    int *procs = calloc(s.ncgroups + 1, sizeof *procs);
    for (size_t i = 0; procs && i < s.ncgroups; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/cgroup.procs", s.cgroups[i]);
        procs[i] = open(path, O_WRONLY | O_CLOEXEC);
        if (procs[i] < 0) {
            send_error("open the container's cgroup", errno, strerror(errno), s.cgroups[i]);
            return 2;
        }
    }
    if (!procs) {
        send_error("open the container's cgroups", errno, strerror(errno), "");
        return 2;
    }
    /* all at once through the pidfd (atomic); joining the mount namespace sets root and directory to its root. A
     * container on the host's network is already in this process's network namespace, which a rootless exec may
     * not join again (it needs CAP_SYS_ADMIN over the host's); the same for the uts and cgroup namespaces of a
     * container that shares the host's (--uts host, --cgroupns host) */
    int namespaces = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC;
    static const struct {
        const char *name;
        int flag;
    } maybe[] = {{"net", CLONE_NEWNET}, {"uts", CLONE_NEWUTS}, {"cgroup", CLONE_NEWCGROUP}};
    for (size_t i = 0; i < sizeof maybe / sizeof maybe[0]; i++) {
        if (!same_namespace(s.pid, maybe[i].name)) {
            namespaces |= maybe[i].flag;
        }
    }
    if (setns(pidfd, namespaces) < 0) {
        send_error("join the container's namespaces", errno, strerror(errno), "");
        return 2;
    }
    int master = -1, peer = -1;
    if (s.tty) {
        master = pty_open((unsigned short) s.tty_rows, (unsigned short) s.tty_cols, &peer);
        if (master < 0) {
            send_error("open a pseudo-terminal in the container", errno, strerror(errno), "/dev/pts/ptmx");
            return 2;
        }
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        send_error("fork into the container", errno, strerror(errno), "");
        return 2;
    }
    if (pid == 0) {
        close(sync[0]);
        close(go[1]);
        close(outp[0]);
        close(errp[0]);
        if (inp[1] >= 0) {
            close(inp[1]);
        }
        if (master >= 0) {
            close(master);
        }
        child(&s, sync[1], go[0], s.with_stdin ? inp[0] : devnull, outp[1], errp[1], peer);
    }
    if (peer >= 0) {
        close(peer);
    }
    close(sync[1]);
    close(go[0]);
    close(outp[1]);
    close(errp[1]);
    close(devnull);
    if (inp[0] >= 0) {
        close(inp[0]);
    }
    fcntl(outp[0], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);
    fcntl(sync[0], F_SETFL, O_NONBLOCK);
    if (inp[1] >= 0) {
        fcntl(inp[1], F_SETFL, O_NONBLOCK);
    }
    /* with a tty, the master carries both directions: its output is the command's stdout, its input the stdin */
    int outfd = outp[0];
    if (master >= 0) {
        fcntl(master, F_SETFL, O_NONBLOCK);
        close(outp[0]);
        close(errp[0]);
        outfd = master;
        if (inp[1] >= 0) {
            close(inp[1]);
            inp[1] = fcntl(master, F_DUPFD_CLOEXEC, 3);
        }
    }

    /* into the container's cgroups (and under its device policy) before it can run anything */
    char num[16];
    int numlen = snprintf(num, sizeof num, "%d", (int) pid);
    for (size_t i = 0; i < s.ncgroups; i++) {
        if (write(procs[i], num, (size_t) numlen) != numlen) {
            send_error("join the container's cgroup", errno, strerror(errno), s.cgroups[i]);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return 2;
        }
        close(procs[i]);
    }
    free(procs);
    if (write(go[1], "g", 1) != 1) {
        send_error("release the exec", errno, strerror(errno), "");
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 2;
    }
    close(go[1]);
    const char *started[] = {num};
    record_write(STDOUT_FILENO, "started", 1, started);

    struct reader syncr;
    reader_init(&syncr, sync[0]);
    int out_open = 1, err_open = master < 0, sync_open = 1, jvm_open = 1;
    struct stdin_relay input;
    stdin_init(&input, inp[1], STDOUT_FILENO);
    int status = 0;
    for (;;) {
        /* the records already read (some may have come in one read with the spec) before waiting for more */
        struct record rec;
        int got;
        while (jvm_open && (got = next_command(&in, &rec, "stevedore-launcher exec")) != 0) {
            if (got < 0) {
                jvm_open = 0;
                kill_group(pid, SIGKILL);
                stdin_abort(&input);
                break;
            }
            if (!strcmp(rec.key, "stdin") && rec.nfields == 1) {
                stdin_take(&input, rec.fields[0], rec.lens[0]);
            } else if (!strcmp(rec.key, "stdin-close")) {
                stdin_close_when_done(&input);
            } else if (!strcmp(rec.key, "resize") && rec.nfields == 2) {
                pty_resize(master, rec.fields[0], rec.fields[1]);
            } else if (!strcmp(rec.key, "signal") && rec.nfields == 1) {
                int sig = atoi(rec.fields[0]);
                if (sig == SIGKILL) {
                    kill_group(pid, sig);
                } else if (sig > 0 && sig < NSIG) {
                    kill(pid, sig);
                }
            }
            record_free(&rec);
        }
        struct pollfd fds[6];
        int nfds = 0, out_i = -1, err_i = -1, sync_i = -1, jvm_i = -1, stdin_i = -1;
        fds[nfds++] = (struct pollfd){.fd = sigfd, .events = POLLIN};
        if (out_open) {
            out_i = nfds;
            fds[nfds++] = (struct pollfd){.fd = outfd, .events = POLLIN};
        }
        if (err_open) {
            err_i = nfds;
            fds[nfds++] = (struct pollfd){.fd = errp[0], .events = POLLIN};
        }
        if (sync_open) {
            sync_i = nfds;
            fds[nfds++] = (struct pollfd){.fd = sync[0], .events = POLLIN};
        }
        /* stdin the command has not taken yet waits in the bounded relay, so the JVM's pipe is always read:
         * a "signal" behind the data must still get through */
        if (jvm_open) {
            jvm_i = nfds;
            fds[nfds++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        }
        if (stdin_pending(&input)) {
            stdin_i = nfds;
            fds[nfds++] = (struct pollfd){.fd = input.fd, .events = POLLOUT};
        }
        if (poll(fds, (nfds_t) nfds, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            kill_group(pid, SIGKILL);
        }
        if (out_i >= 0 && fds[out_i].revents && relay(outfd, "stdout")) {
            out_open = 0;
        }
        if (err_i >= 0 && fds[err_i].revents && relay(errp[0], "stderr")) {
            err_open = 0;
        }
        if (sync_i >= 0 && fds[sync_i].revents) {
            relay_errors(&syncr, &sync_open);
        }
        if (stdin_i >= 0 && fds[stdin_i].revents) {
            stdin_flush(&input);
        }
        if (jvm_i >= 0 && fds[jvm_i].revents && reader_fill(&in) <= 0) {
            /* the JVM is gone or gave up: so does the command */
            jvm_open = 0;
            kill_group(pid, SIGKILL);
            stdin_abort(&input);
        }
        if (fds[0].revents) {
            struct signalfd_siginfo info;
            while (read(sigfd, &info, sizeof info) > 0) {
            }
            if (waitpid(pid, &status, WNOHANG) == pid) {
                stdin_abort(&input);
                break;
            }
        }
    }
    /* what the command wrote before it ended is in the pipes; what its leftover children still write is not waited for */
    if (sync_open) {
        relay_errors(&syncr, &sync_open);
    }
    while (out_open && !relay(outfd, "stdout")) {
        struct pollfd p = {.fd = outfd, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0) {
            break;
        }
    }
    while (err_open && !relay(errp[0], "stderr")) {
        struct pollfd p = {.fd = errp[0], .events = POLLIN};
        if (poll(&p, 1, 0) <= 0) {
            break;
        }
    }
    char kind[8], value[16];
    snprintf(kind, sizeof kind, "%s", WIFSIGNALED(status) ? "signal" : "code");
    snprintf(value, sizeof value, "%d", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    const char *fields[] = {kind, value};
    record_write(STDOUT_FILENO, "exit", 2, fields);
    return 0;
}
