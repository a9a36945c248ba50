/*
 * The supervisor: clones the container's pid 1 into new namespaces ahead (see supervise), reads the spec
 * on stdin, and stays on as its parent. It relays the container's progress to the JVM on stdout
 * ("cloned <pid>" as soon as pid 1 exists, "ready <pid>" once its root file system is set up, "started",
 * "error ...", "stdin-ack <n>", "exit <code|signal> <n> <ms> <oom>"), takes commands on stdin ("go",
 * "signal <n>", "keep", "resize <rows> <cols>" for a tty, and for a container with an open stdin "stdin <bytes>",
 * "stdin-close" and "stdin-share", stdinshare.c), and
 * treats end of file on stdin as the JVM's death: it then kills the container (the pid namespace dies
 * with its pid 1). It reads the container's stdout and stderr from pipes into timestamped logs (logs.c), or with a
 * tty the master of the container's pty (tty.c), whose stream goes raw into the stdout log.
 * The exit status also lands in STATE/exit so that it survives the JVM. "launcher exec" (exec.c) runs a
 * command inside a running container instead.
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
#include <time.h>
#include <unistd.h>

enum phase { SETUP, BARRIER, RELEASED, STARTED, FAILED };

static void send(const char *key, int nfields, const char *const *fields) {
    /* the JVM may be gone; the state files still tell the story */
    record_write(STDOUT_FILENO, key, nfields, fields);
}

static void send_error(const char *step, int err, const char *message, const char *path) {
    char num[16];
    snprintf(num, sizeof num, "%d", err);
    const char *fields[] = {step, num, message, path};
    send("error", 4, fields);
}

static unsigned long long start_time(void) {
    return process_start_time("/proc/self/stat");
}

static void write_state(const char *dir, const char *name, const char *content) {
    char tmp[4096], final[4096];
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    snprintf(final, sizeof final, "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "stevedore-launcher: cannot write %s: %s\n", tmp, strerror(errno));
        return;
    }
    size_t len = strlen(content);
    if (write(fd, content, len) != (ssize_t) len || close(fd) < 0 || rename(tmp, final) < 0) {
        fprintf(stderr, "stevedore-launcher: cannot write %s: %s\n", final, strerror(errno));
        unlink(tmp);
    }
}

static int open_log(const char *path) {
    return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
}

static long long now_millis(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* After pid 1 ends the kernel kills the rest of its namespace; their ends of the log pipes close with them. */
#define DRAIN_MILLIS 2000

static int supervise(int host_net);

/* Takes "PREFIXvalue" off the front of the arguments when it is there, doing act(value); -1 (reported) when act fails. */
static int rootless_option(int *argc, char ***argv, const char *prefix, int (*act)(const char *), const char *step) {
    size_t n = strlen(prefix);
    if (*argc < 2 || strncmp((*argv)[1], prefix, n)) {
        return 0;
    }
    const char *value = (*argv)[1] + n;
    if (act(value) < 0) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: %s", value, strerror(errno));
        send_error(step, errno, msg, value);
        fprintf(stderr, "stevedore-launcher: cannot %s %s\n", step, msg);
        return -1;
    }
    (*argv)[1] = (*argv)[0];
    (*argv)++;
    (*argc)--;
    return 0;
}

int main(int argc, char **argv) {
    int joined = 0;
    if (argc > 1 && !strncmp(argv[1], "--userns=", 9)) {
        /* rootless: joined before the sealed (re-)execution, so this process's memory is the user namespace's
         * (rootless.c); a failure is reported below */
        joined = join_user_namespace(argv[1] + 9) == 1;
    }
    exe_seal(argv, joined);
    signal(SIGPIPE, SIG_IGN);
    /* rootless: everything below runs in the user's namespace (rootless.c), and a container's launcher keeps the
     * holder of the user's namespaces alive while it runs (usernet.c) */
    if (rootless_option(&argc, &argv, "--userns=", join_user_namespace, "join the user namespace") < 0
            || rootless_option(&argc, &argv, "--hold=", hold_user_holder, "connect to the holder of the user's namespaces") < 0) {
        return 2;
    }
    /* a container on the host's network is cloned without a network namespace of its own: joining the host's
     * afterwards (setns) needs CAP_SYS_ADMIN over it, which a rootless launcher in the user's namespace lacks */
    int host_net = 0;
    if (argc > 1 && !strcmp(argv[1], "--net-host")) {
        host_net = 1;
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    while (argc > 1 && !strncmp(argv[1], "--ns=", 5)) {
        if (ns_option(argv[1] + 5) < 0) {
            send_error("read the namespace modes", EINVAL, argv[1], "");
            return 2;
        }
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    if (argc > 1 && !strcmp(argv[1], "userns-hold")) {
        return userns_hold_main(argc - 2, argv + 2);
    }
    if (argc > 1 && !strcmp(argv[1], "own")) {
        return own_main(argc - 2, argv + 2);
    }
    if (argc > 1 && !strcmp(argv[1], "rmtree")) {
        return rmtree_main(argc - 2, argv + 2);
    }
    if (argc > 1 && !strcmp(argv[1], "call")) {
        return call_main(argc - 2, argv + 2);
    }
    if (argc > 1 && !strcmp(argv[1], "copyup")) {
        return copyup_main(argc - 2, argv + 2);
    }
    if (argc > 1 && !strcmp(argv[1], "exec")) {
        return exec_main();
    }
    if (argc > 1 && !strcmp(argv[1], "proxy")) {
        return proxy_main(argc, argv);
    }
    if (argc > 1 && !strcmp(argv[1], "respawn")) {
        return respawn_main(argc - 2, argv + 2);
    }
    if (argc > 1 && !strcmp(argv[1], "kept")) {
        return kept_main(argc - 2, argv + 2);
    }
    return supervise(host_net);
}

static int supervise(int host_net) {
    /* out of the JVM's process group: a terminal's ^C reaches the JVM, and the lifeline does the rest */
    setsid();
    /* inherited by the container's init: until it execs, no process of the container may open /proc/1/exe,
     * the host's launcher binary (CVE-2019-5736); exec makes the new image dumpable again */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    /*
     * Ahead of the spec (a spare launcher waits for it a long time): the container's pid 1 is cloned into
     * its new pid, uts, ipc and network namespaces now, since a network namespace takes most of a clone's
     * time. It prepares what does not depend on the spec and then waits for the spec on a pipe. Its mount
     * namespace is made only once the spec has come, so it copies the host's mounts as they are then.
     */
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int specp[2], sync[2], go[2], outp[2], errp[2], inp[2], ptyp[2];
    /* the stdin pipe costs a microsecond; pid 1 takes it as fd 0 only when the spec asks for an open stdin */
    if (devnull < 0 || pipe2(specp, O_CLOEXEC) < 0 || pipe2(sync, O_CLOEXEC) < 0
            || pipe2(go, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0
            || pipe2(inp, O_CLOEXEC) < 0 || pty_channel(ptyp) < 0
            || fcntl(sync[0], F_SETFL, O_NONBLOCK) < 0 || fcntl(outp[0], F_SETFL, O_NONBLOCK) < 0
            || fcntl(errp[0], F_SETFL, O_NONBLOCK) < 0) {
        send_error("create the launcher's pipes", errno, strerror(errno), "");
        return 2;
    }
    int sigfd = child_signalfd();
    if (sigfd < 0) {
        send_error("create the launcher's signalfd", errno, strerror(errno), "");
        return 2;
    }
    char nserr[256];
    if (ns_join(nserr, sizeof nserr) < 0) {
        send_error("join the namespaces it shares", errno, nserr, "");
        return 2;
    }
    fflush(NULL);
    int own = (CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | (host_net ? 0 : CLONE_NEWNET)) & ~ns_shared();
    pid_t pid = (pid_t) syscall(SYS_clone, own | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) {
        send_error("create the container's namespaces", errno, strerror(errno), "");
        return 2;
    }
    if (pid == 0) {
        close(specp[1]);
        close(sync[0]);
        close(go[1]);
        close(sigfd);
        close(inp[1]);
        close(ptyp[0]);
        if (dup2(devnull, STDIN_FILENO) < 0 || dup2(outp[1], STDOUT_FILENO) < 0 || dup2(errp[1], STDERR_FILENO) < 0) {
            _exit(125);
        }
        container_main(specp[0], sync[1], go[0], host_net, inp[0], ptyp[1]);
    }
    close(ptyp[1]);
    close(specp[0]);
    close(sync[1]);
    close(go[0]);
    close(outp[1]);
    close(errp[1]);
    close(inp[0]);
    close(devnull);
    {
        /* the JVM reads this once it has sent the spec (at once when this launcher was spawned ahead), and may
         * wire the network namespace while the spec is still read here and the root file system set up */
        char num[16];
        snprintf(num, sizeof num, "%d", (int) pid);
        const char *fields[] = {num};
        send("cloned", 1, fields);
    }

    struct reader in;
    reader_init(&in, STDIN_FILENO);
    struct spec s;
    char err[512];
    in.copying = 1; /* the spec goes on to the container's pid 1 as it came */
    int specrc = spec_read(&in, &s, err, sizeof err);
    in.copying = 0;
    in.binary = 1; /* "stdin" records carry any byte */
    if (specrc < 0) {
        /* also how a spare ends that is not needed: its JVM closed the pipe */
        send_error("read the container spec", EINVAL, err, "");
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 2;
    }
    /* a launcher may be spawned before its container is known: its diagnostics go to the container's directory */
    char diagnostics[4096];
    snprintf(diagnostics, sizeof diagnostics, "%s/launcher.log", s.state_dir);
    int diag = open_log(diagnostics);
    if (diag >= 0) {
        dup2(diag, STDERR_FILENO);
        close(diag);
    }
    int out = open_log(s.stdout_log);
    int errlog = out < 0 ? -1 : open_log(s.stderr_log);
    if (out < 0 || errlog < 0) {
        int saved = errno;
        const char *log = out < 0 ? s.stdout_log : s.stderr_log;
        send_error(out < 0 ? "open the stdout log" : "open the stderr log", saved, strerror(saved), log);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 2;
    }
    struct log_stream logs[3];
    log_init(&logs[0], outp[0], out);
    log_init(&logs[1], errp[0], errlog);
    /* the pty's master, once pid 1 has passed it on */
    log_init(&logs[2], -1, out);
    logs[2].raw = 1;
    if (s.log_max_size) {
        log_rotation(&logs[0], s.stdout_log, s.log_max_size, s.log_max_files);
        log_rotation(&logs[1], s.stderr_log, s.log_max_size, s.log_max_files);
        log_rotation(&logs[2], s.stdout_log, s.log_max_size, s.log_max_files);
    }
    int master = -1;

    const char *failed_cgroup = NULL;
    /* into its cgroups before it can exec anything: its children follow it */
    if (join_cgroups(s.cgroups, s.ncgroups, pid, &failed_cgroup) < 0) {
        send_error("join the cgroup", errno, strerror(errno), failed_cgroup);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        remove_cgroups(&s);
        return 2;
    }
    /* before pid 1 has the spec, so before it makes /dev or runs anything: every device access is policed */
    const char *devices_step = NULL;
    if (s.devices_program && devices_attach(s.devices_program, s.devices, s.ndevices, &devices_step) < 0) {
        send_error(devices_step, errno, strerror(errno), s.devices_program);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        remove_cgroups(&s);
        return 2;
    }
    struct stdin_relay input;
    if (!s.open_stdin || s.tty) {
        /* a tty's input goes to the pty's master instead */
        close(inp[1]);
        inp[1] = -1;
    } else {
        fcntl(inp[1], F_SETFL, O_NONBLOCK);
    }
    stdin_init(&input, inp[1], STDOUT_FILENO);
    struct stdin_share shared;
    share_init(&shared);
    /* a pid 1 that has already failed reports why on its sync pipe: the loop below reads it */
    write_all(specp[1], in.copy, in.ncopy);
    close(specp[1]);
    free(in.copy);
    in.copy = NULL;
    in.ncopy = in.copy_cap = 0;

    char state[256];
    snprintf(state, sizeof state, "pid %d\nstart %llu\ncontainer-pid %d\n", (int) getpid(), start_time(), (int) pid);
    write_state(s.state_dir, "supervisor", state);

    enum phase phase = SETUP;
    int go_pending = 0;
    int keep = 0;
    int stdin_open = 1;
    int sync_open = 1;
    int reaped = 0;
    int status = 0;
    long long reaped_at = 0;
    struct timespec finished;
    struct reader syncr;
    reader_init(&syncr, sync[0]);
    for (;;) {
        /* the commands already read, before waiting for more */
        struct record rec;
        int got;
        while (stdin_open && (got = next_command(&in, &rec, "stevedore-launcher")) != 0) {
            if (got < 0) {
                if (!reaped && !keep) {
                    kill(pid, SIGKILL);
                }
                stdin_open = 0;
                stdin_abort(&input);
                break;
            }
            if (!strcmp(rec.key, "stdin") && rec.nfields == 1) {
                stdin_take(&input, rec.fields[0], rec.lens[0]);
            } else if (!strcmp(rec.key, "stdin-close")) {
                stdin_close_when_done(&input);
                share_close(&shared, s.state_dir);
            } else if (!strcmp(rec.key, "stdin-share") && s.open_stdin) {
                share_open(&shared, s.state_dir, input.fd);
            } else if (!strcmp(rec.key, "go")) {
                if (phase == BARRIER) {
                    if (write(go[1], "g", 1) == 1) {
                        phase = RELEASED;
                    }
                } else if (phase == SETUP) {
                    go_pending = 1;
                }
            } else if (!strcmp(rec.key, "resize") && rec.nfields == 2) {
                if (pty_resize(master, rec.fields[0], rec.fields[1]) < 0) {
                    fprintf(stderr, "stevedore-launcher: cannot resize the terminal to %s x %s: %s\n", rec.fields[0],
                            rec.fields[1], strerror(errno));
                }
            } else if (!strcmp(rec.key, "keep")) {
                /* a detached container (`stevedore run -d`): it outlives the JVM that started it */
                keep = 1;
            } else if (!strcmp(rec.key, "signal") && rec.nfields == 1) {
                int sig = atoi(rec.fields[0]);
                if (sig > 0 && sig < NSIG && !reaped) {
                    kill(pid, sig);
                }
            } else {
                fprintf(stderr, "stevedore-launcher: unknown command \"%s\"\n", rec.key);
            }
            record_free(&rec);
        }
        if (reaped && (logs[0].in < 0 && logs[1].in < 0 && logs[2].in < 0)) {
            break;
        }
        int timeout = -1;
        if (reaped) {
            long long left = reaped_at + DRAIN_MILLIS - now_millis();
            if (left <= 0) {
                fprintf(stderr, "stevedore-launcher: the container's output pipes stayed open %d ms after it ended\n",
                        DRAIN_MILLIS);
                break;
            }
            timeout = (int) left;
        }
        struct pollfd fds[9];
        int nfds = 0;
        int sync_i = -1, in_i = -1, log_i[3] = {-1, -1, -1}, stdin_i = -1;
        fds[nfds++] = (struct pollfd){.fd = sigfd, .events = POLLIN};
        if (sync_open) {
            sync_i = nfds;
            fds[nfds++] = (struct pollfd){.fd = sync[0], .events = POLLIN};
        }
        if (stdin_open) {
            in_i = nfds;
            fds[nfds++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        }
        for (int i = 0; i < 3; i++) {
            if (logs[i].in >= 0) {
                log_i[i] = nfds;
                fds[nfds++] = (struct pollfd){.fd = logs[i].in, .events = POLLIN};
            }
        }
        if (stdin_pending(&input)) {
            stdin_i = nfds;
            fds[nfds++] = (struct pollfd){.fd = input.fd, .events = POLLOUT};
        }
        nfds = share_poll(&shared, fds, nfds);
        if (poll(fds, (nfds_t) nfds, timeout) < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "stevedore-launcher: poll: %s\n", strerror(errno));
            kill(pid, SIGKILL);
        }
        for (int i = 0; i < 3; i++) {
            if (log_i[i] >= 0 && fds[log_i[i]].revents) {
                log_pump(&logs[i]);
            }
        }
        if (stdin_i >= 0 && fds[stdin_i].revents) {
            stdin_flush(&input);
        }
        share_pump(&shared, fds);
        int reaped_now = 0;
        if (fds[0].revents) {
            struct signalfd_siginfo info;
            while (read(sigfd, &info, sizeof info) > 0) {
            }
            if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
                reaped = reaped_now = 1;
                reaped_at = now_millis();
                if (ns_shared() & CLONE_NEWPID) {
                    kill_rest(&s);
                }
                stdin_abort(&input);
                share_close(&shared, s.state_dir);
                clock_gettime(CLOCK_REALTIME, &finished);
            }
        }
        /* read the init's messages before acting on its death: an exec error precedes the exit */
        while (sync_open && (reaped_now || (sync_i >= 0 && fds[sync_i].revents))) {
            struct record rec = {0};
            const char *perr = NULL;
            int got = reader_next(&syncr, &rec, &perr);
            if (got < 0) {
                fprintf(stderr, "stevedore-launcher: bad message from the container's init: %s\n", perr);
                sync_open = 0;
                break;
            }
            if (got == 1) {
                if (!strcmp(rec.key, "ready")) {
                    if (s.tty && master < 0) {
                        /* sent before "ready", so it is there */
                        master = fd_receive(ptyp[0]);
                        if (master < 0) {
                            send_error("receive the container's pseudo-terminal", errno, strerror(errno), "");
                            kill(pid, SIGKILL);
                            phase = FAILED;
                            record_free(&rec);
                            continue;
                        }
                        fcntl(master, F_SETFL, O_NONBLOCK);
                        logs[2].in = master;
                        if (s.open_stdin) {
                            input.fd = fcntl(master, F_DUPFD_CLOEXEC, 3);
                            share_target(&shared, input.fd);
                        }
                    }
                    char num[16];
                    snprintf(num, sizeof num, "%d", (int) pid);
                    const char *fields[] = {num};
                    send("ready", 1, fields);
                    phase = BARRIER;
                    if (go_pending && write(go[1], "g", 1) == 1) {
                        phase = RELEASED;
                    }
                } else if (!strcmp(rec.key, "error")) {
                    send("error", rec.nfields, (const char *const *) rec.fields);
                    phase = FAILED;
                }
                record_free(&rec);
                continue;
            }
            ssize_t n = reader_fill(&syncr);
            if (n > 0) {
                continue;
            }
            if (n == 0 || errno != EAGAIN) {
                /* closed on exec: the command runs */
                if (phase == RELEASED) {
                    send("started", 0, NULL);
                    phase = STARTED;
                }
                sync_open = 0;
                close(sync[0]);
            }
            break;
        }
        if (in_i >= 0 && fds[in_i].revents && reader_fill(&in) <= 0) {
            /* the lifeline broke: the JVM closed us or died; a kept container's stdin ends with it */
            if (!reaped && !keep) {
                kill(pid, SIGKILL);
            }
            stdin_open = 0;
            stdin_abort(&input);
        }
    }

    /* the end: logs are complete before the exit is told, so a reader that sees the exit has every line */
    for (int i = 0; i < 3; i++) {
        if (logs[i].in >= 0) {
            log_pump(&logs[i]);
        }
    }
    long long ms = (long long) finished.tv_sec * 1000 + finished.tv_nsec / 1000000;
    char kind[8], num[16], at[24], oom[8], file[160];
    int value = WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
    snprintf(kind, sizeof kind, "%s", WIFSIGNALED(status) ? "signal" : "code");
    snprintf(num, sizeof num, "%d", value);
    snprintf(at, sizeof at, "%lld", ms);
    snprintf(oom, sizeof oom, "%d", oom_kills(&s) > 0);
    snprintf(file, sizeof file, "%s %d\nfinished-at-ms %lld\noom-killed %s\n", kind, value, ms, oom);
    remove_cgroups(&s);
    write_state(s.state_dir, "exit", file);
    const char *fields[] = {kind, num, at, oom};
    send("exit", 4, fields);
    return 0;
}
