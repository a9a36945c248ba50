/*
 * seccomp-cost ROUNDS < FILTER_HEX: what the launcher's seccomp step costs, apart from the machine's noise in a
 * whole container start. Each round forks a child that sets no_new_privs and loads the filter (the launcher's
 * exact calls), timing the load alone; then times 1e6 getpid calls with and without the filter (the
 * per-call cost every container process pays). Prints min and median in microseconds.
 */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double getpid_ns(void) {
    double t0 = now_us();
    for (int i = 0; i < 1000000; i++) {
        syscall(SYS_getpid);
    }
    return (now_us() - t0) / 1e6 * 1e3;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 200;
    static char hex[1 << 17];
    size_t n = fread(hex, 1, sizeof hex - 1, stdin);
    while (n && (hex[n - 1] == '\n' || hex[n - 1] == ' ')) {
        n--;
    }
    unsigned char *code = malloc(n / 2);
    for (size_t i = 0; i < n / 2; i++) {
        sscanf(hex + 2 * i, "%2hhx", &code[i]);
    }
    struct sock_fprog prog = {.len = (unsigned short) (n / 16), .filter = (struct sock_filter *) code};
    double *times = calloc((size_t) rounds, sizeof *times);
    int pipefd[2];
    for (int r = 0; r < rounds; r++) {
        if (pipe(pipefd) < 0) {
            return 1;
        }
        pid_t child = fork();
        if (child == 0) {
            double t0 = now_us();
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
            double t = now_us() - t0;
            if (rc < 0) {
                t = -1;
            }
            if (write(pipefd[1], &t, sizeof t) != sizeof t) {
                _exit(1);
            }
            _exit(0);
        }
        if (read(pipefd[0], &times[r], sizeof times[r]) != sizeof times[r] || times[r] < 0) {
            fprintf(stderr, "the filter did not load\n");
            return 1;
        }
        waitpid(child, NULL, 0);
        close(pipefd[0]);
        close(pipefd[1]);
    }
    qsort(times, (size_t) rounds, sizeof *times, cmp);
    printf("seccomp load of %u instructions: min %.1f us, median %.1f us (%d rounds)\n", prog.len, times[0],
           times[rounds / 2], rounds);
    double plain[5], filtered[5];
    for (int i = 0; i < 5; i++) {
        plain[i] = getpid_ns();
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
    for (int i = 0; i < 5; i++) {
        filtered[i] = getpid_ns();
    }
    qsort(plain, 5, sizeof *plain, cmp);
    qsort(filtered, 5, sizeof *filtered, cmp);
    printf("getpid: %.0f ns without the filter, %.0f ns with it (best of 5 x 1e6)\n", plain[0], filtered[0]);
    return 0;
}
