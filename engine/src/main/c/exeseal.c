/*
 * CVE-2019-5736: a container process that reaches the launcher's binary through /proc/PID/exe (a
 * "#!/proc/self/exe" entrypoint makes the launcher its interpreter) could write to the host's file once the
 * process ends. As runc and crun do, the launcher therefore runs from a sealed in-memory copy: the first thing
 * main does is copy /proc/self/exe into a memfd, seal it against every change, and re-execute itself from it;
 * /proc/PID/exe then names the copy, which no one can write, not even root. Every mode (supervisor, exec,
 * proxy) goes through here, and each is non-dumpable from its first instruction on.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

void exe_seal(char **argv, int again) {
    /* before anything else: no process may ptrace or open this one's /proc entries while it holds host fds */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0) {
        fprintf(stderr, "stevedore-launcher: cannot open /proc/self/exe: %s\n", strerror(errno));
        exit(2);
    }
    int seals = fcntl(self, F_GET_SEALS);
    if (seals >= 0 && (seals & SEALS) == SEALS) {
        if (!again) {
            close(self); /* already the sealed copy */
            return;
        }
        fexecve(self, argv, environ);
        fprintf(stderr, "stevedore-launcher: cannot execute its sealed copy again: %s\n", strerror(errno));
        exit(2);
    }
    struct stat st;
    int copy = memfd_create("stevedore-launcher", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (copy < 0 || fstat(self, &st) < 0) {
        fprintf(stderr, "stevedore-launcher: cannot make a sealed copy of itself (memfd_create needs Linux 3.17): %s\n",
                strerror(errno));
        exit(2);
    }
    off_t offset = 0;
    while (offset < st.st_size) {
        ssize_t n = sendfile(copy, self, &offset, (size_t) (st.st_size - offset));
        if (n <= 0) {
            fprintf(stderr, "stevedore-launcher: cannot copy itself into memory: %s\n", n < 0 ? strerror(errno) : "short file");
            exit(2);
        }
    }
    if (fcntl(copy, F_ADD_SEALS, SEALS) < 0) {
        fprintf(stderr, "stevedore-launcher: cannot seal its in-memory copy: %s\n", strerror(errno));
        exit(2);
    }
    close(self);
    fexecve(copy, argv, environ);
    fprintf(stderr, "stevedore-launcher: cannot execute its sealed copy: %s\n", strerror(errno));
    exit(2);
}
