/* Pieces shared by the files of src/engine: the saved state, the state-dir lock, the
 * parent/init messages, hooks, terminals and fd hygiene.  Not for other modules. */
#ifndef CONTAIN_ENGINE_INTERNAL_H
#define CONTAIN_ENGINE_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "contain/engine.h"

#define STATE_FILE "state.json"
#define CONFIG_FILE "config.json"       /* the spec the container was created with */
#define EXEC_FIFO "exec.fifo"

/* ---- state.c: <root>/<id>/state.json ---- */
struct saved_state {
        char *oci_version;
        char *id;
        char *status;           /* as last written: creating, created, running */
        pid_t pid;              /* 0 until the init exists */
        uint64_t start_time;    /* /proc/pid/stat field 22, guards against pid reuse */
        /* the creating runtime's pid namespace (nsfs inode number; 0: unknown, in states of
         * an older contain), where pid means what it says, and its time namespace's boottime
         * offset (ns), by which start_time is shifted */
        uint64_t pid_ns;
        int64_t boot_offset_ns;
        char *bundle;
        char *rootfs;
        char *created;
        char *owner;            /* user name; NULL in states written with owner_uid only */
        uid_t owner_uid;        /* the creator's euid: the name is looked up when shown */
        bool has_owner_uid;
        char *cgroup;           /* cgroup_state_string(), NULL when none */
        struct spec_kv *annotations;
        size_t n_annotations;
        bool new_pid_ns;        /* false: processes may outlive the init (kill/delete) */
        bool created_ok;        /* create completed, or run let its init go (poststop hooks are due at delete) */
        /* What start and delete need of the saved config.json: when known and false they do
         * not parse it (~0.1 ms each).  Unknown in a state written by an older contain. */
        bool config_needs_known;
        bool has_poststart;     /* hooks.poststart */
        bool has_poststop;      /* hooks.poststop */
        bool has_intel_rdt;     /* linux.intelRdt (its group goes at delete) */
};
void saved_state_free(struct saved_state *s);
static inline void saved_state_freep(struct saved_state **s) { if (*s) saved_state_free(*s); }
#define cleanup_saved_state __attribute__((cleanup(saved_state_freep)))

int state_write(int dirfd, const struct saved_state *s, struct error **err);
/* Records that create completed: status "created", created_ok (poststop hooks are due). */
int state_mark_created(int dirfd, struct saved_state *s, struct error **err);
/* ENOENT when state.json is missing. */
int state_read(int dirfd, struct saved_state **out, struct error **err);
/* state_read, except that a missing state.json (create has made the dir but not written yet,
 * or died before) gives a placeholder whose status is "creating" and returns 1. */
int state_read_or_creating(int dirfd, struct saved_state **out, struct error **err);
/* The state dir (locked when lock), its state (state_read_or_creating) and, when cg is not
 * NULL, its cgroup (*cg stays NULL for a container without one).  The caller frees all three. */
int container_open_state(const char *root, const char *id, bool lock, int *dirfd, struct saved_state **s,
                         struct cgroup **cg, struct error **err);
/* Computed status: "stopped" when the process is gone (or is another one now). */
const char *state_status(int dirfd, const struct saved_state *s, struct cgroup *cg);
/* The state JSON given to hooks and printed by `state`. */
char *state_hook_json(const struct saved_state *s, const char *status);
/* The same object written into w (the "state" of a seccomp agent's message). */
struct json_writer;
void state_write_json(struct json_writer *w, const struct saved_state *s, const char *status);
/* /proc/PID/stat field 22; 0 when the process is gone or a zombie. */
uint64_t proc_start_time(pid_t pid);
/* True when pid has called execve since it was cloned (/proc/PID/stat field 9 has no
 * PF_FORKNOEXEC; readable without ptrace rights); false too when it is gone. */
bool proc_has_execed(pid_t pid);
/* For an init that closed its end of the exec fifo or the sync socket: true when it did so by
 * exiting before its exec (exec clears PF_FORKNOEXEC before it closes close-on-exec fds; exit
 * sets the exit code, /proc/PID/stat field 52, before it closes any), and *wstatus gets that
 * code in wait(2)'s form.  False when it exec'd, or is not the process of start_time (0: a child
 * of ours not reaped yet, whose pid cannot be reused), or /proc no longer shows it (reaped). */
bool proc_exited_before_exec(pid_t pid, uint64_t start_time, int *wstatus);
/* -1 with *err saying how who ("container \"x\": its init", "exec in container \"x\": the
 * process") went away
 * before its exec, from its wait(2) status: for SIGSYS, that the seccomp filter refused it
 * (review35 F12). */
int exited_before_exec_error(const char *who, int wstatus, struct error **err);
/* True when pid is alive and still the process that started at start_time (0: never). */
bool proc_matches(pid_t pid, uint64_t start_time);
/* True when s->pid is alive and still the process that started at s->start_time, read in our
 * time namespace (state_namespaces_ours must hold). */
bool state_pid_alive(const struct saved_state *s);
/* Sets s->pid_ns and s->boot_offset_ns to ours. */
void state_record_namespaces(struct saved_state *s);
/* True when s->pid and s->start_time can be checked from here: we run in the pid namespace the
 * state was written in (or it does not say), and its boottime offset and ours are equal or both
 * whole clock ticks (start times are in ticks). */
bool state_namespaces_ours(const struct saved_state *s);
/* state_namespaces_ours as an error naming the container and the namespaces. */
int state_namespaces_check(const struct saved_state *s, const char *id, struct error **err);
/* Whether pid namespace ino may still hold processes, as far as /proc tells (true when unsure). */
bool pidns_may_be_alive(uint64_t ino);
/* Fails unless /proc is the proc of our own pid namespace (NSpid in /proc/self/status has one
 * field, getpid()).  Pids in state.json are our namespace's and are checked against
 * /proc/PID/stat: with another namespace's /proc (`unshare --pid --fork` without --mount-proc)
 * they name other processes, which kill and delete --force would signal.  errno-carrying
 * error naming /proc. */
int proc_own_pidns_check(struct error **err);
char *owner_name(uid_t uid);

/* ---- lock.c: the state dir ---- */
/* Creates <root>/<id> (EEXIST: already exists) and returns its fd, locked. */
int statedir_create(const char *root, const char *id, struct error **err);
/* Opens and locks <root>/<id> (missing: does not exist).  lock: exclusive flock. */
int statedir_open(const char *root, const char *id, bool lock, struct error **err);
/* statedir_open for a caller that ran proc_own_pidns_check itself (list: once, not per entry). */
int statedir_open_checked(const char *root, const char *id, bool lock, struct error **err);
/* Removes the state dir and its files. */
int statedir_remove(const char *root, const char *id, int dirfd, struct error **err);
/* For a state dir without state.json, where only the first state write's temporary file (a
 * regular file) may be: 1 with *name (malloc'd) when it holds anything else (then it is no
 * container's: a bundle, say), 0 when not, -1 with errno when it cannot be read. */
int statedir_stateless_foreign_entry(int dirfd, char **name);
/* scratch.c: removes <root>/.scratch-<id> unless a process holds it locked (a missing root or
 * directory is none); errors: errno and path of what could not be removed. */
int scratch_dir_remove(const char *root, const char *id, struct error **err);
int does_not_exist(struct error **err, const char *id);
/* An error whose text is exactly what tools match on (no ": strerror" suffix), errno kept. */
int error_with_errno(struct error **err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* ---- sync.c: parent <-> init messages on a SOCK_SEQPACKET pair ---- */
enum sync_type {
        SYNC_SETUP_REQUEST = 1, /* init: my time ns / user ns is ready: write the offsets/maps */
        SYNC_SETUP_DONE,        /* parent: setup done (unasked, right after clone, when nothing
                                 * of it waits for the init: cgroup, affinity, resctrl, ...) */
        SYNC_PROGRESS,          /* init: payload = step number byte + detail */
        SYNC_HOOKS_REQUEST,     /* init: mounts are there, run prestart/createRuntime */
        SYNC_HOOKS_DONE,        /* parent: payload = state JSON for the init's own hooks */
        SYNC_READY,             /* init: about to wait on the exec fifo (or for SYNC_START) */
        SYNC_ERROR,             /* either side: payload = int32 errno + message */
        SYNC_CHILD_PID,         /* exec helper: payload = pid of the process */
        SYNC_SECCOMP_FD,        /* init/exec child: the seccomp notify fd (SCM_RIGHTS), filter on */
        SYNC_SECCOMP_DONE,      /* parent: the agent has it */
        SYNC_START,             /* run's parent: exec now (instead of the exec fifo's byte) */
        SYNC_NETNS,             /* parent, unasked: the network namespace it made (SCM_RIGHTS) */
        SYNC_RECORDED,          /* parent: the state has the init's pid (create's init may wait
                                 * on the exec fifo, where the parent's death goes unseen) */
};
#define SYNC_MAX_PAYLOAD 8192
struct sync_msg {
        uint32_t type;
        uint32_t len;
        int fd;                 /* SYNC_SECCOMP_FD, SYNC_NETNS: the fd received (close-on-exec,
                                 * the reader owns it); else -1 */
        char payload[SYNC_MAX_PAYLOAD + 1];     /* NUL-terminated for text */
};
int sync_send(int fd, enum sync_type type, const void *payload, size_t len, struct error **err);
/* Sends a message without payload carrying passed_fd with SCM_RIGHTS. */
int sync_send_fd(int fd, enum sync_type type, int passed_fd, struct error **err);
/* Reads one message; EOF (peer gone) is an error "peer exited" (EPIPE), also after what the
 * peer sent before it went, which is read first even when it left messages of ours unread
 * (the ECONNRESET that gives is passed over).  An fd may only come with
 * SYNC_SECCOMP_FD and SYNC_NETNS (m->fd); one on any other message is closed and an EPROTO
 * error. */
int sync_recv(int fd, struct sync_msg *m, struct error **err);
/* For a failed sync_send: true (and *err dropped) when it failed because the peer is gone
 * (EPIPE, ECONNRESET).  That is no error of its own: the caller's next sync_recv reads what
 * the peer said before it went, or its end, and reports that instead. */
bool sync_peer_gone(struct error **err);
/* Waits for a message of type want; a SYNC_ERROR becomes *err (prefixed with ctx). */
int sync_expect(int fd, enum sync_type want, struct sync_msg *m, const char *ctx, struct error **err);
/* The error a SYNC_ERROR message carries, prefixed with ctx (NULL: none). */
int sync_error_from_msg(const struct sync_msg *m, const char *ctx, struct error **err);
/* Sends err as a SYNC_ERROR (best effort). */
void sync_send_error(int fd, const struct error *err);

/* ---- seccomp_agent.c: SCMP_ACT_NOTIFY (runtime-spec config-linux.md, listenerPath) ---- */
struct seccomp_program;
/* In the init or exec child, as its last step before "ready"/exec with a notifying filter:
 * installs prog, sends the notify fd to the runtime on sync_fd and waits until the runtime has
 * passed it on to the agent.  The child keeps no copy of the fd. */
int seccomp_hand_over(int sync_fd, const struct seccomp_program *prog, struct error **err);
/* In the runtime, for a SYNC_SECCOMP_FD: connects to sc->listener_path and sends the container
 * process state (pid: the process's pid as the runtime sees it; the state of s with status)
 * with notify_fd, then tells the child on sync_fd.  Errors name listenerPath. */
int seccomp_agent_pass(int sync_fd, const struct spec_seccomp *sc, pid_t pid, const struct saved_state *s,
                       const char *status, int notify_fd, struct error **err);

/* ---- hooks.c ---- */
/* Runs the hooks of one kind in order with state_json on stdin; the first failure stops
 * (timeout kills the hook).  Errors carry the hook's stderr.  Hooks of the runtime namespace run
 * in bundle (absolute; NULL or "": the current directory) with the runtime's environment unless
 * the hook has "env"; createContainer/startContainer hooks get process.env instead. */
int hooks_run(const struct spec *spec, enum hook_kind kind, const char *bundle, const char *state_json,
              struct error **err);
/* Same, but failures are warnings (poststop; poststart of configs older than 1.3.0). */
void hooks_run_warn(const struct spec *spec, enum hook_kind kind, const char *bundle, const char *state_json);

/* ---- terminal.c ---- */
/* Connects to the console socket (before clone, so a bad path fails early). */
int console_socket_connect(const char *path, struct error **err);
/* Sends fd over the connected unix socket sock (SCM_RIGHTS, one byte of data). */
int socket_send_fd(int sock, int fd, struct error **err);
/* In the init, after rootfs_mount_all: opens a pty of the container's devpts, binds the peer
 * on <rootfs>/dev/console, sends the master over sock, makes the peer the controlling
 * terminal and fds 0-2.  relayed: the master goes to our own relay (run/exec without a console
 * socket); when the caller's stdout is no terminal, ONLCR is cleared so the process's bytes
 * reach it unchanged. */
int terminal_setup_container(const struct spec *spec, int sock, bool relayed, struct error **err);
/* For exec: a pty from the container's /dev/ptmx (we are in its mount ns). */
int terminal_setup_exec(const struct spec_process *proc, int sock, bool relayed, struct error **err);
/* Receives a pty master sent with SCM_RIGHTS. */
int console_recv_fd(int sock, int *fd, struct error **err);
/* Relays the caller's terminal to a pty master (raw mode, window size): run.c's wait loop
 * polls terminal_relay_fds() and calls terminal_relay_io() when one is ready. */
struct terminal_relay;
int terminal_relay_start(int master, struct terminal_relay **out, struct error **err);
/* fds[0] = stdin (or -1 once at EOF), fds[1] = the master. */
void terminal_relay_fds(const struct terminal_relay *r, int fds[2]);
/* Copies what is ready; returns false once the master is closed (all processes gone). */
bool terminal_relay_io(struct terminal_relay *r, short stdin_revents, short master_revents);
/* Copies the caller's window size to the pty (SIGWINCH). */
void terminal_relay_resize(struct terminal_relay *r);
/* Drains what the process wrote before exiting, restores the caller's terminal. */
void terminal_relay_free(struct terminal_relay *r);

/* ---- wait.c ---- */
/* Blocks the signals run/exec forward (before clone: the child unblocks them for itself). */
void forward_signals_block(sigset_t *set, sigset_t *old);
void sigmask_restore(sigset_t *old);     /* for __attribute__((cleanup)) */
/* Waits for our child pid, forwarding the signals of set and pumping relay (may be NULL). */
int wait_forwarding(pid_t pid, const sigset_t *set, struct terminal_relay *relay, int *wstatus,
                    struct error **err);
/* 128+N for signal N, else the exit status. */
int exit_code_of(int wstatus);

/* ---- fds.c ---- */
/* How many fds beyond 0-2 to keep: --preserve-fds plus LISTEN_FDS (socket activation). */
int fds_to_preserve(int preserve_fds);
/* The first thing a child the runtime cloned for the container does (init, exec): closes every
 * fd but 0-2, the n fds 3..3+n-1 the caller passes on (--preserve-fds, LISTEN_FDS) and the
 * child's own fds *keep[0..n_keep-1] (-1 entries ignored), so that no path the config controls
 * (process.cwd, args[0], mounts) can reach a host file through /proc/self/fd.  An fd of the
 * runtime's (all are close-on-exec; an inherited one never is) found below 3+n is closed there,
 * moved above when kept (*keep[i] updated).  Errors: EMFILE moving a kept fd. */
int fds_close_for_container(int n, int *const keep[], size_t n_keep, struct error **err);
/* The fallback of fds_close_for_container without close_range(2): closes the open fds in
 * lo..hi found in /proc/self/fd (without /proc, every number up to the fd limit). */
void fds_close_listed(unsigned lo, unsigned hi);
/* A pid file as pid_file_write left it: its directory, held open, and the file's identity. */
struct pid_file {
        int dirfd;              /* -1: nothing written (or not asked to remember) */
        const char *name;       /* the file in dirfd: points into the --pid-file path */
        dev_t dev;
        ino_t ino;
};
#define PID_FILE_NONE ((struct pid_file){ .dirfd = -1 })
/* Writes a pid file atomically, without a trailing newline; with out, remembers it for
 * pid_file_remove (out->dirfd is the caller's until then). */
int pid_file_write(const char *path, pid_t pid, struct pid_file *out, struct error **err);
/* Removes the file pid_file_write wrote if it is still that file, in the directory it was
 * written in (a path looked up again could lead elsewhere), and closes pf->dirfd: a run or an
 * exec that fails after writing it leaves nothing a caller could take for a live process.
 * Best effort; a no-op for PID_FILE_NONE. */
void pid_file_remove(struct pid_file *pf);
/* Keeps the pid file and closes pf->dirfd (a cleanup attribute's function). */
void pid_file_forget(struct pid_file *pf);

/* ---- create.c / init.c ---- */
struct init_args {
        const struct spec *spec;
        const struct container_opts *o;
        int sync_fd;
        int console_fd;         /* connected console socket, or -1 */
        int fifo_fd;            /* the exec fifo, O_RDWR: the init waits in read() */
        int lock_fd;            /* the parent's locked state dir: closed at once by the init */
        int ns_fds[NS_TYPE_COUNT];
        int *mount_trees;       /* spec->n_mounts idmapped trees (-1: none), or NULL */
        unsigned ns_skip;
        bool unshare_time, unshare_cgroup, new_userns;
        int unshare_after_userns;       /* CLONE_NEW* made after joining a user ns by path */
        int n_preserve;
        struct seccomp_program *seccomp;
        char **extra_env;       /* LISTEN_FDS/LISTEN_PID */
        /* the round trips with the runtime, skipped when it has nothing to do in them (each
         * costs two wake-ups): SYNC_SETUP_* (id maps, cgroup, ...), SYNC_HOOKS_* (device
         * rules, hooks); setup_request: the init asks for the setup (it must make its time
         * namespace or become dumpable first), else it only waits for SYNC_SETUP_DONE */
        bool setup_sync, setup_request, hooks_sync;
        bool netns_from_runtime;        /* join the netns the runtime sends (netns.c) */
        /* the runtime's rootless_in_user_ns() and rootless_euid(), which are the init's too
         * until it switches user or namespace */
        bool runtime_in_user_ns, runtime_rootless;
};
/* signals.c: unblocks every signal and resets those the caller ignored (nohup, `trap ''`, a
 * background job's SIGINT) to SIG_DFL, in the init and in exec'd processes alike. */
void signals_reset_for_container(void);

/* netns.c: whether the runtime makes the container's new network namespace itself, while the
 * init sets up, instead of clone (rootless: rootless_euid() of the runtime; the way back into
 * its own namespace is tried). */
bool netns_by_runtime(const struct spec *spec, bool rootless);
/* In the init: reads the SYNC_NETNS the runtime sends on sync_fd once it has made the
 * namespace (waiting for it if need be) and joins the namespace it carries. */
int netns_join_from_runtime(int sync_fd, struct error **err);

/* The container init: never returns. */
__attribute__((noreturn)) void init_main(struct init_args *a);

/* clone3 with CLONE_INTO_CGROUP when cgroup_fd >= 0 (falls back to clone); fork-like.
 * *entered (may be NULL): the child was born in that cgroup, so nobody need move it (a write
 * to cgroup.procs takes the cgroup threadgroup lock: an RCU grace period). */
pid_t clone_child(unsigned long flags, int cgroup_fd, int *pidfd, bool *entered, struct error **err);

/* The spec a container was created with (saved in its state dir). */
int state_load_spec(int dirfd, struct spec **out, struct error **err);

/* Internal create used by run: console_fd overrides console_socket; *pid_out = init pid;
 * *pid_file (when not NULL) the --pid-file written, for pid_file_remove.
 * start_fd NULL: the init waits on the exec fifo for `start`.  Not NULL (run, which starts
 * at once): no fifo; the init waits on the sync socket, returned in *start_fd (the caller's
 * to close) for container_start_direct.  release (run only, else NULL): when true, run has
 * nothing to do between the init's "ready" and its exec, and the runtime sends SYNC_START
 * unasked as soon as everything the init must not get ahead of is done (create.c,
 * release_early); on return, whether it did. */
int create_container(const struct spec *spec, const struct container_opts *o, int console_fd,
                     pid_t *pid_out, int *start_fd, bool *release, struct pid_file *pid_file,
                     struct error **err);
/* start for run: releases the init waiting on start_fd (closes it), records the create as
 * complete (create_container left that to here: state_mark_created) while the init execs,
 * waits until it has exec'd, then the poststart hooks as container_start.  An init that fails
 * before its exec (a startContainer hook, the exec itself) is an error with its message.
 * released: create_container sent SYNC_START already (its *release). */
int container_start_direct(const struct spec *spec, const char *root, const char *id, int start_fd,
                           bool released, struct error **err);

#endif
