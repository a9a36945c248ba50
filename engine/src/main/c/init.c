/*
 * --init: a minimal init as the container's pid 1, as docker-init (tini) is. It forks the command, forwards the
 * signals it gets to it, reaps every zombie the container's orphans leave (a pid 1 that does not leaves them in the
 * process table for good), and exits with the command's status: its exit code, or 128+N when signal N ended it.
 */
#include "launcher.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Signals about this process itself (faults, job control of a terminal) are not the command's business. */
static int forwarded(int sig) {
    switch (sig) {
    case SIGFPE: case SIGILL: case SIGSEGV: case SIGBUS: case SIGABRT: case SIGTRAP: case SIGSYS:
    case SIGTTIN: case SIGTTOU: case SIGCHLD:
        return 0;
    default:
        return 1;
    }
}

_Noreturn void init_run(char *const *args, char *const *env) {
    sigset_t all, old;
    sigfillset(&all);
    /* every signal waits in the queue for sigwaitinfo; blocked, pid 1's default "ignore" does not drop them */
    if (sigprocmask(SIG_SETMASK, &all, &old) < 0) {
        fail("block the signals of the init process", "");
    }
    pid_t child = fork();
    if (child < 0) {
        fail("fork the command under the init process", args[0]);
    }
    if (child == 0) {
        /* its own process group, the terminal's foreground one when there is a terminal (as tini does); done with
         * the signals still blocked, so tcsetpgrp from a background group is not stopped by SIGTTOU */
        setpgid(0, 0);
        if (isatty(STDIN_FILENO)) {
            tcsetpgrp(STDIN_FILENO, getpid());
        }
        sigprocmask(SIG_SETMASK, &old, NULL);
        exec_command(args, env);
    }
    /* only the command reports a failed exec: the supervisor must see the report pipe close when it execs */
    close_report_fd();
    /* ps and top in the container show pid 1 by the name dockerd's init has (else: the sealed copy's fd number) */
    prctl(PR_SET_NAME, "docker-init", 0, 0, 0);
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) {
            continue; /* EINTR */
        }
        if (sig != SIGCHLD) {
            if (forwarded(sig)) {
                kill(child, sig);
            }
            continue;
        }
        int status, code = -1;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            if (pid == child) {
                code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
        }
        if (code >= 0) {
            /* leaving takes the rest of the container with it, as when the command itself was pid 1 */
            _exit(code);
        }
    }
}
