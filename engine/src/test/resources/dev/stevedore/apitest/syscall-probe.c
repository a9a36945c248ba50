/*
 * Tries the system calls a seccomp profile decides about and prints one line per call: its name and "ok"
 * or the errno's name, then the Seccomp line of /proc/self/status. Compiled statically by SyscallProbe and
 * run in containers of both engines, whose answers a test compares. Raw syscall(2) throughout, so that no
 * C library wrapper changes what the filter sees.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *name, long rc) {
    printf("%s %s\n", name, rc >= 0 ? "ok" : strerrorname_np(errno));
}

int main(void) {
    long child = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (child == 0) {
        _exit(0);
    }
    if (child > 0) {
        waitpid((pid_t) child, NULL, 0);
    }
    say("clone-newuser", child);
    /* after clone: once in a new user namespace without a mapping, this process could make no other */
    say("unshare-user", syscall(SYS_unshare, CLONE_NEWUSER));
    child = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (child == 0) {
        _exit(0);
    }
    if (child > 0) {
        waitpid((pid_t) child, NULL, 0);
    }
    say("clone-plain", child);
    say("clone3", syscall(SYS_clone3, NULL, 0));
    say("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
    say("add_key", syscall(SYS_add_key, "user", "stevedore-probe", "x", 1, -2 /* process keyring */));
    char attr[128] = {0};
    say("bpf", syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof attr));
    struct perf_event_attr pe;
    memset(&pe, 0, sizeof pe);
    pe.size = sizeof pe;
    pe.type = PERF_TYPE_SOFTWARE;
    pe.config = PERF_COUNT_SW_CPU_CLOCK;
    say("perf_event_open", syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0));
    struct {
        unsigned int bytes;
        int type;
        unsigned char handle[8];
    } handle = {8, 1, {0}};
    say("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, &handle, O_RDONLY));
    say("personality-query", syscall(SYS_personality, 0xffffffffUL));
    say("personality-bsd", syscall(SYS_personality, 6UL));
    say("socket-vsock", syscall(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0));
    long rc = syscall(SYS_mkdirat, AT_FDCWD, "/tmp/stevedore-probe", 0700);
    say("mkdirat", rc);
    if (rc == 0) {
        rmdir("/tmp/stevedore-probe");
    }
    say("getpid", syscall(SYS_getpid));
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    while (status && fgets(line, sizeof line, status)) {
        if (!strncmp(line, "Seccomp:", 8)) {
            char *v = line + 8;
            while (*v == ' ' || *v == '\t') {
                v++;
            }
            printf("Seccomp: %s", v);
        }
    }
    fflush(stdout);
    return 0;
}
