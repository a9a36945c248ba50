/*
 * Stevedore's native launcher: shared declarations.
 *
 * The JVM is multithreaded, and unshare of mount/pid namespaces and pivot_root need a single-threaded
 * process, so the JVM spawns this small program, which creates the container and stays on as its
 * supervisor. The wire format (both directions, and the supervisor's internal pipe) is a sequence of
 * records:
 *
 *     <key> <len1> <len2> ...\n<field1 bytes>\n<field2 bytes>\n...
 *
 * The header line holds a key ([a-z0-9-]+) and the byte length of each field in decimal; every field is
 * followed by one newline. Fields may hold any byte except NUL (data records, read with reader.binary
 * set, may hold NULs too), so paths with spaces or newlines travel unharmed, and a reader always knows
 * how much to read next.
 */
#ifndef STEVEDORE_LAUNCHER_H
#define STEVEDORE_LAUNCHER_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define REC_MAX_FIELDS 8
#define REC_MAX_KEY 31
#define REC_MAX_FIELD (1u << 20)
#define REC_MAX_BUFFER (16u << 20)

struct record {
    char key[REC_MAX_KEY + 1];
    int nfields;
    char *fields[REC_MAX_FIELDS];   /* each NUL-terminated; binary fields may also hold NULs */
    size_t lens[REC_MAX_FIELDS];
};

struct reader {
    int fd;
    char *buf;
    size_t cap;
    size_t start;
    size_t end;
    int eof;
    int binary;           /* accept NUL bytes inside fields (data records); off for specs */
    char *copy;           /* when copying: the bytes of every record taken, as they came */
    size_t ncopy;
    size_t copy_cap;
    int copying;
};

void reader_init(struct reader *r, int fd);
/* One read(2) into the buffer: >0 bytes read, 0 at end of file, -1 with errno on error. */
ssize_t reader_fill(struct reader *r);
/* 1: a record was taken from the buffer; 0: more bytes are needed; -1: malformed input (*err says why). */
int reader_next(struct reader *r, struct record *rec, const char **err);
void record_free(struct record *rec);
/* Writes one record with a single write(2) where it fits; returns 0 or -1 with errno. */
int record_write(int fd, const char *key, int nfields, const char *const *fields);
/* As record_write, with explicit field lengths: fields may hold any byte. */
int record_write_n(int fd, const char *key, int nfields, const char *const *fields, const size_t *lens);
/* Writes all of buf, retrying on EINTR and short writes; 0 or -1 with errno. */
int write_all(int fd, const char *buf, size_t len);

enum mount_kind { MOUNT_BIND, MOUNT_TMPFS };

struct mount_entry {
    enum mount_kind kind;
    char *source;         /* bind: host path */
    char *target;         /* absolute path in the container */
    int readonly;         /* bind */
    unsigned long flags;  /* tmpfs: MS_* flags */
    char *data;           /* tmpfs: mount data */
};

/* A compiled seccomp filter (struct sock_filter[len]); len 0: none (unconfined). */
struct seccomp_prog {
    unsigned flags;       /* SECCOMP_FILTER_FLAG_* */
    unsigned short len;
    void *insns;
};

/* Decodes a "seccomp <flags> <hex>" record's fields; 0 or -1 when malformed. */
int seccomp_parse(const char *flags, const char *hex, struct seccomp_prog *out);
/* Loads the filter into this process (nothing when len is 0); a failure is reported and ends the process. */
void seccomp_load(const struct seccomp_prog *p);

struct etc_file {
    char *source;
    char *target;
};

/* ---- resource limits (--ulimit) of the container's processes (process.c) ---- */

#define RLIMITS_MAX 16 /* RLIMIT_NLIMITS: one entry a resource at most */

struct rlimit_entry {
    char name[16];                /* Docker's name (nofile), for the error message */
    int resource;                 /* RLIMIT_* */
    unsigned long long soft, hard; /* RLIM_INFINITY for unlimited */
};

/* Parses the fields of an "rlimit NAME RESOURCE SOFT HARD" record (numbers, "unlimited") into *r; 0, or -1. */
int rlimit_parse(char *const *fields, struct rlimit_entry *r);
/*
 * Sets each limit, while the process still holds CAP_SYS_RESOURCE (raising a hard limit needs it in the host's
 * user namespace: rootless, a limit above the user's own fails here); reports the failure with the resource.
 */
void set_rlimits(const struct rlimit_entry *limits, size_t n, int code);

/* A host device node bound into the container (--device), allowed by the device program as access says. */
struct device_entry {
    int type;             /* BPF_DEVCG_DEV_CHAR or BPF_DEVCG_DEV_BLOCK */
    unsigned ifmt;        /* S_IFCHR or S_IFBLK, the same */
    unsigned major, minor;
    int access;           /* BPF_DEVCG_ACC_MKNOD | _READ | _WRITE */
    char *host;           /* the node on the host */
    char *target;         /* its path in the container */
};

struct spec {
    char *state_dir;
    char **layers;        /* bottom first, as an image lists them */
    size_t nlayers;
    char *upper;
    char *work;
    char *rootfs;
    char **args;          /* NULL-terminated */
    size_t nargs;
    char **env;           /* NULL-terminated */
    size_t nenv;
    char *cwd;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    size_t ngroups;
    char *user_spec;      /* Docker's user string, resolved in the container's root; NULL: uid/gid as given */
    char *hostname;
    int net_host;
    struct mount_entry *mounts;
    size_t nmounts;
    struct etc_file *etc;
    size_t netc;
    unsigned long long shm_size;
    int readonly_rootfs;
    int no_new_privs;
    int privileged; /* --privileged: /sys read-write (the JVM chose the rest: caps, seccomp, paths, devices) */
    char **masked;
    size_t nmasked;
    char **ro_paths;
    size_t nro_paths;
    uint64_t caps;
    struct rlimit_entry rlimits[RLIMITS_MAX];
    size_t nrlimits;
    char *stdout_log;
    char *stderr_log;
    char **cgroups;       /* cgroup directories (made by the JVM) the container joins */
    size_t ncgroups;
    char *devices_program; /* the cgroup v2 directory the device program is attached to; NULL: none */
    int open_stdin;       /* pid 1's stdin is a pipe the supervisor feeds from "stdin" records; else /dev/null */
    int tty;              /* pid 1's stdin, stdout and stderr are a pty made in the container (tty.c) */
    unsigned short tty_rows, tty_cols; /* its window size at start */
    struct seccomp_prog seccomp;
    struct device_entry *devices;
    size_t ndevices;
    char **group_add;     /* --group-add: group names (the root's /etc/group) or numbers, on top of the user's */
    size_t ngroup_add;
    char *domainname;     /* NIS domain name of its uts namespace; NULL: none */
    char **sysctl_keys;   /* dotted names (net.ipv4.ip_forward), written under /proc/sys before the command runs */
    char **sysctl_values;
    size_t nsysctls;
    int init;             /* --init: pid 1 is a minimal init (init.c) that runs the command as its child */
    int oom_score_adj;    /* --oom-score-adj, written for pid 1 before its command runs; 0: the launcher's own */
    unsigned long long log_max_size; /* --log-opt max-size: a log file past it is rotated (logs.c); 0: never */
    unsigned log_max_files;          /* --log-opt max-file: files kept per stream, the one written included (>= 1) */
};

/* Appends to a NULL-terminated list; 0 or -1 when out of memory. */
int spec_push(char ***list, size_t *n, char *value);
/* A decimal number up to max; 0 or -1. */
int spec_parse_u64(const char *s, unsigned long long max, unsigned long long *out);
/* Reads records up to "end"; returns 0, or -1 with a message in err. */
int spec_read(struct reader *r, struct spec *s, char *err, size_t errlen);

/* Who a process runs as, once resolved. */
struct identity {
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    size_t ngroups;
    char home[1024];
};

/*
 * Resolves Docker's user string through /etc/passwd and /etc/group of the current root (user.c).
 * Returns 0, or -1 with a message in err.
 */
int resolve_user(const char *spec, struct identity *id, char *err, size_t errlen);
/* A --group-add entry (a number, or a name in the current root's /etc/group) as a gid; 0, or -1 with dockerd's words in err. */
int resolve_group(const char *name, gid_t *gid, char *err, size_t errlen);

/* ---- process set-up shared by the container's init and exec (process.c) ---- */

/* Where report() writes "error" records; each failure ends the process. */
void set_report_fd(int fd);
_Noreturn void report(const char *step, int err, const char *path, int code);
/* report(step, errno, path, 125) */
_Noreturn void fail(const char *step, const char *path);

/* procattrs.c: the spec's sysctls and OOM score adjustment, written by pid 1 before its command runs (fail() on an
 * error); an exec takes pid's adjustment, before it joins any of the container's namespaces (-1 and errno on an
 * error); whether pid is in this process's namespace of that kind ("net", "uts", ...; a failure to tell
 * counts as not). */
void write_sysctls(const struct spec *s);
void write_oom_score_adj(int value);
int copy_oom_score_adj(pid_t pid);
int same_namespace(pid_t pid, const char *kind);
/* Every signal back to its default disposition and unblocked, as a fresh process expects. */
void reset_signals(void);
/*
 * Bounding set, groups, gid, uid, capabilities (effective = permitted = caps & what remains), no_new_privs,
 * and the seccomp filter: last when no_new_privs is set; without it, first, while CAP_SYS_ADMIN is still
 * held (the kernel asks for one or the other), so the filter then sees the privilege drop's own calls.
 */
void drop_privileges(const struct identity *id, uint64_t caps, int no_new_privs, const struct seccomp_prog *filter);
/* env with HOME=home added when it has no HOME; a new NULL-terminated array. */
char **env_with_home(char *const *env, size_t nenv, const char *home);
/* Marks every descriptor from 3 up close-on-exec (keeping the report fd until exec). */
void close_fds_on_exec(void);
/* Closes the descriptor report() writes to (a process that no longer reports). */
void close_report_fd(void);
/* --init: forks the command (exec_command), forwards signals, reaps zombies, exits with its status (init.c). */
_Noreturn void init_run(char *const *args, char *const *env);
/* Executes args[0] (looked up in env's PATH when it has no '/'); reports the failure and exits. */
_Noreturn void exec_command(char *const *args, char *const *env);

/* ---- the container's output, framed with timestamps (logs.c) ---- */

#define LOG_LINE_MAX 16384

struct log_stream {
    const char *path;            /* the log file's name, to rotate it; NULL: never rotated */
    unsigned long long max_size; /* rotate before a record once the file holds this many bytes; 0: never */
    unsigned max_files;          /* files kept: the one written and max_files - 1 rotated ones (path.1 newest) */
    unsigned long long size;     /* the file's size as last seen (fstat before each batch, counted within it) */
    int raw;                     /* a terminal's output: every read goes out at once as one P record (no lines) */
    int in;                      /* read end of the container's pipe (non-blocking); -1 once at its end */
    int out;                     /* the log file, opened O_APPEND */
    size_t npending;
    char pending[LOG_LINE_MAX];  /* the unfinished line */
};

void log_init(struct log_stream *l, int in, int out);
/* Rotates the stream's file at path once it holds max_size bytes, keeping max_files files (logs.c). */
void log_rotation(struct log_stream *l, const char *path, unsigned long long max_size, unsigned max_files);
/* Moves what the pipe holds into the log: 0 while the pipe is open, 1 once it reached its end. */
int log_pump(struct log_stream *l);

/* ---- pseudo-terminals (tty.c) ---- */

/*
 * Opens a new pty in the devpts instance mounted at /dev/pts of the current root (the container's own, mounted with
 * newinstance), sets its window size and returns the master (close-on-exec); the peer (slave) is opened through the
 * master (TIOCGPTPEER, no path lookup in the container) into *peer. -1 with errno on failure.
 */
int pty_open(unsigned short rows, unsigned short cols, int *peer);
/* In a new session's leader: the peer becomes the controlling terminal and fds 0, 1 and 2; 0 or -1 with errno. */
int pty_take(int peer);
/* Sets the window size (the foreground process group gets SIGWINCH); 0 or -1 with errno. */
int pty_resize(int master, const char *rows, const char *cols);
/* A unix socket pair (close-on-exec) to pass a pty's master on; 0 or -1 with errno. */
int pty_channel(int sv[2]);
/* Sends fd with the len bytes on a unix socket (SCM_RIGHTS), all in one message; 0 or -1. */
int fd_send(int sock, int fd, const char *bytes, size_t len);
/* Receives a descriptor sent by fd_send; the fd or -1. */
int fd_receive(int sock);

/* Blocks SIGCHLD and returns a signalfd for it (non-blocking, close-on-exec); -1 with errno on failure. */
int child_signalfd(void);
/* Moves pid into each cgroup directory; 0, or -1 with errno and *failed naming the group. */
int join_cgroups(char *const *cgroups, size_t n, pid_t pid, const char **failed);
/*
 * Attaches the container's device program (devices.c) to the cgroup v2 directory; 0, or -1 with errno and *step
 * naming what failed.
 */
int devices_attach(const char *cgroup, const struct device_entry *extra, size_t nextra, const char **step);
/* Parses a "device" record's TYPE MAJOR MINOR PERMS fields into e; 0 or -1. */
int device_parse(char *const *fields, struct device_entry *e);
/* Waits for the one byte that releases a process from its barrier; 0 when the pipe closed instead. */
int await_go(int fd);
/*
 * Who the process will run as: user_spec resolved in the current root (NULL: uid and gid as given) plus
 * the extra groups. A user that cannot be resolved is reported and the process exits with code.
 */
void resolve_identity(const char *user_spec, uid_t uid, gid_t gid, const gid_t *extra, size_t nextra, int code,
                      struct identity *id);
/* Adds the --group-add entries (names resolved in the current root) to id's groups; an unknown one is reported. */
void add_named_groups(char *const *names, size_t n, int code, struct identity *id);

/* The next complete command in in's buffer: 1 (rec filled), 0 (none complete yet), -1 (malformed; said on stderr). */
int next_command(struct reader *in, struct record *rec, const char *who);

/* Field 22 of a /proc/PID/stat file (start time in clock ticks since boot); 0 when unreadable. */
unsigned long long process_start_time(const char *stat_path);

/* ---- a container's cgroups once its pid 1 has ended (runend.c) ---- */

/* How many processes the kernel killed for exceeding the memory limit (v2 memory.events, v1 memory.oom_control). */
long oom_kills(const struct spec *s);
/* Removes the container's cgroups, waiting briefly for the kernel to release them. */
void remove_cgroups(const struct spec *s);
/* Kills what pid 1 left in a pid namespace it shares (cgroup.kill, else each process listed). */
void kill_rest(const struct spec *s);

/* ---- a process's stdin fed from the JVM's "stdin" records (stdin.c) ---- */

/* The most stdin a JVM may have sent and not yet seen acknowledged ("stdin-ack <n>"); Java's side keeps to it. */
#define STDIN_WINDOW (256u << 10)
/* What the relay buffers at most: the window, with room for a JVM that overshoots it a little. */
#define STDIN_BUFFER_MAX (4 * STDIN_WINDOW)

struct stdin_relay {
    int fd;               /* write end of the process's stdin pipe, non-blocking; -1 once closed */
    int report_fd;        /* where "stdin-ack" reports go */
    int closing;          /* "stdin-close" came: close the pipe once the buffer is written */
    char *buf;            /* what the pipe has not taken yet */
    size_t len;
    size_t cap;
    size_t unacked;       /* bytes that left the buffer (written or dropped) and were not acknowledged yet */
};

void stdin_init(struct stdin_relay *s, int fd, int report_fd);
/* The bytes of one "stdin" record: written as far as the pipe takes them, the rest buffered. */
void stdin_take(struct stdin_relay *s, const char *data, size_t n);
/* "stdin-close": end of file for the process once what is buffered is written. */
void stdin_close_when_done(struct stdin_relay *s);
/* Whether bytes wait for the pipe (poll it for POLLOUT). */
int stdin_pending(const struct stdin_relay *s);
/* Writes what the pipe takes now; call on POLLOUT, POLLERR or POLLHUP. */
void stdin_flush(struct stdin_relay *s);
/* The JVM or the process is gone: the pipe is closed at once, anything buffered dropped. */
void stdin_abort(struct stdin_relay *s);

/*
 * ---- a kept container's stdin shared with any process (stdinshare.c) ----
 * "stdin-share" (a kept container with an open stdin, not stdin-once): a FIFO STATE/stdin whose bytes go to pid 1's
 * stdin as the JVM's "stdin" records do, so that an attach from another process feeds it once the starting JVM has
 * gone. The supervisor holds the FIFO read-write (it never reads end of file) and a stdin of its own, so pid 1's
 * stdin stays open until it ends, whoever comes and goes; a writer is slowed by the FIFO's own buffer.
 */
struct pollfd;
struct stdin_share {
    int fifo;             /* the FIFO, -1 without one */
    int target_set;       /* the relay has had pid 1's stdin (a tty's only comes with "ready") */
    int in_i, out_i;      /* this round's entries in the poll set, -1 when not polled */
    struct stdin_relay relay; /* to pid 1's stdin; no acknowledgements (report_fd -1) */
};

void share_init(struct stdin_share *s);
/* Makes and opens STATE/stdin; target is pid 1's stdin (duplicated) or -1 until share_target. */
void share_open(struct stdin_share *s, const char *state_dir, int target);
/* Pid 1's stdin, once known (a tty's master); nothing without a FIFO or when already set. */
void share_target(struct stdin_share *s, int target);
/* Adds the FIFO and pid 1's stdin to the poll set as needed; returns the new count. */
int share_poll(struct stdin_share *s, struct pollfd *fds, int nfds);
/* Moves what the poll found. */
void share_pump(struct stdin_share *s, const struct pollfd *fds);
/* Pid 1's stdin ends ("stdin-close") or pid 1 ended: the FIFO is removed, nothing more is read. */
void share_close(struct stdin_share *s, const char *state_dir);

/* Non-dumpable, then re-executes from a sealed in-memory copy of the binary unless already running from one and not
 * asked to re-execute anyway (again: after joining a user namespace, so that the new memory belongs to it) (exeseal.c). */
void exe_seal(char **argv, int again);

/* The exec mode: runs a command inside a running container (exec.c). */
int exec_main(void);

/* ---- rootless: the user namespace and the file work done inside it (rootless.c) ---- */

/* Set once this process joined a user namespace other than the host's (overlay then needs userxattr). */
extern int in_user_namespace;
/* Joins the user namespace at path (/proc/PID/ns/user) unless this process is in it already: 1 joined, 0 in it already, -1 with errno. */
int join_user_namespace(const char *path);
/* Joins pid's user namespace unless this process is in it already; as join_user_namespace. */
int join_user_namespace_of(pid_t pid);
/* Whether gid has a mapping in this process's user namespace. */
int gid_mapped(gid_t gid);
/*
 * Whether a refused setgroups may be passed over: in a single-id user namespace (setgroups denied, as an
 * unprivileged map requires) when the groups asked for are only group 0, which is all there is.
 */
int single_id_groups_ok(const gid_t *groups, size_t n);
/* The step a failed setresuid/setresgid names in a user namespace: an id outside its map. */
#define UNMAPPED_ID_STEP(step) step " (the id is not mapped in the rootless user namespace: give the user a " \
    "subordinate id range with usermod --add-subuids/--add-subgids, or run the container as root)"
/* "userns-hold SOCKET LOCK": makes and holds the user's user and network namespaces while anyone is connected (usernet.c). */
int userns_hold_main(int argc, char **argv);
/* Inside the user's network namespace: forwarding on, masquerade out of tap0, bridges apart (outbound.c). */
int outbound_inside(const char *iptables, char *err, size_t errlen);
/* Outside: starts slirp4netns on holder's namespaces, ending when exit_fd's other end closes; waits until ready. */
int outbound_start(const char *slirp, pid_t holder, int exit_fd, char *err, size_t errlen);
/* Connects to the holder's socket at path and keeps the connection (close-on-exec) as a lifeline; the fd or -1. */
int hold_user_holder(const char *path);
/* "own ROOT": gives the files named by "own" records on stdin their owners and modes. */
int own_main(int argc, char **argv);
/* "rmtree PATH": deletes a tree, not crossing into other file systems nor following links. */
int rmtree_main(int argc, char **argv);
/* "call PROGRAM [ARGUMENT...]": runs a program in the joined user namespace (as its root, with its capabilities over
 * files the namespace maps): a rootless engine's file work in a JVM of its own (NamespacedFilesMain). */
int call_main(int argc, char **argv);
/* rel (relative to rootfd; "" for rootfd itself) opened with flags, never following a link nor leaving rootfd's tree
 * or file system (beneath.c). */
int open_beneath(int rootfd, const char *rel, int flags);
/* The directory holding rel, opened as open_beneath does (O_PATH); its last name in *base. */
int open_parent_beneath(int rootfd, char *rel, char **base);
/* "copyup SRC DST": copies an image's content into an empty volume, owners kept, in the user's namespace (copyup.c). */
int copyup_main(int argc, char **argv);

/* The port proxy mode: serves a kept container's published ports (proxy.c). */
int proxy_main(int argc, char **argv);

/* "respawn DIR [PID START]": runs a kept container's restart command once its supervisor has ended (respawn.c). */
int respawn_main(int argc, char **argv);

/* "kept DIR PID START": a kept run's health checks and events once no JVM owns it (kept.c). */
int kept_main(int argc, char **argv);

/* A listening socket (tcp: listening) made in the network namespace of process nspid, for the host relay (hostrelay.c);
 * -1 with err filled when it cannot be made. */
struct sockaddr;
int relay_listen_inside(pid_t nspid, int type, const struct sockaddr *addr, unsigned int len, char *err, size_t errlen);

/*
 * Runs in the cloned child, pid 1 of the new pid/uts/ipc/net namespaces (no net namespace when host_net: the
 * launcher's --net-host, cloned in the host's), cloned before the spec is known: prepares what the spec does not
 * change, reads the spec on spec_fd (whose network must agree with host_net), makes its mount namespace, sets up the root
 * filesystem, reports "ready" on sync_fd, waits for one byte on go_fd, drops privileges and execs.
 * Reports any failure on sync_fd as an "error" record (step, errno, message, path) and exits; exits
 * quietly when the spec pipe closes without a spec (a spare that was not needed). stdin_fd is the read end
 * of the stdin pipe: it becomes fd 0 when the spec asks for an open stdin (else fd 0 stays /dev/null). With a
 * tty in the spec, the pty is made once the root is set up, its peer becomes fds 0-2 and the controlling terminal,
 * and its master goes to the supervisor over the unix socket pty_fd before "ready".
 */
_Noreturn void container_main(int spec_fd, int sync_fd, int go_fd, int host_net, int stdin_fd, int pty_fd);

/* The namespace modes of the launcher's "--ns=KIND:MODE" arguments (nsmodes.c). */
struct ns_modes {
    int host;       /* CLONE_NEW* of the namespaces shared with the launcher's own (the host's) */
    int ipc_none;   /* no /dev/shm */
    int ipc_mnt;    /* the mount namespace of the container whose IPC namespace it joins, for its /dev/shm; -1 */
    size_t njoins;
    struct {
        int flag;
        pid_t pid;
        unsigned long long start;
    } joins[3];
};
extern struct ns_modes ns_modes;
/* Takes one "--ns=" value (without the prefix); -1 when it is malformed. */
int ns_option(const char *arg);
/* The CLONE_NEW* flags of the namespaces pid 1 does not get its own of. */
int ns_shared(void);
/* Joins the namespaces to join, before the clone; -1 with err filled when one cannot be joined. */
int ns_join(char *err, size_t errlen);
/* Mounts /dev/shm in the root as the IPC mode has it (in pid 1, after its mount namespace is made). */
void ns_shm(int rootfd, unsigned long long size);

#endif
