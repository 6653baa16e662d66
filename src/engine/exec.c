/* `exec`: a new process in a running container.  The runtime joins the init's pid namespace
 * for its children and clones the process, which joins the other namespaces (user first),
 * and gets the cgroup, terminal and security settings of the container's saved config. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "contain/linux.h"
#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

struct exec_child {
        const struct spec_process *proc;
        const struct spec_linux *lnx;   /* the container's: personality, memory policy, intelRdt */
        bool relayed;           /* the pty goes to our own relay, not a --console-socket */
        const char *sub_cgroup; /* exec --cgroup: enter this sub-cgroup instead, or NULL */
        int sync_fd;
        int console_fd;
        int ns_fds[NS_TYPE_COUNT];
        int root_fd;            /* the init's root to chroot into when no mount ns is joined, or -1 */
        unsigned ns_skip;
        int n_preserve;
        struct seccomp_program *seccomp;
        /* the runtime's side: what a seccomp agent is told */
        const struct spec_seccomp *seccomp_spec;
        const struct saved_state *state;
};

static void exec_child_release(struct exec_child *c)
{
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                closep(&c->ns_fds[t]);
        closep(&c->console_fd);
        closep(&c->sync_fd);
        closep(&c->root_fd);
        if (c->seccomp)
                seccomp_program_free(c->seccomp);
        c->seccomp = NULL;
}

/* Whether the init's namespace of this type is ours (1; also when the kernel lacks the type:
 * ENOENT) or not (0); -1 with errno when it cannot tell, which must not read as "ours": the
 * process would then stay in the caller's namespace of that type.  The directory fds spare the
 * /proc/PID lookup of a path walk per name. */
static int same_ns(int init_ns_dir, int own_ns_dir, const char *name)
{
        struct stat a, b;
        if (fstatat(init_ns_dir, name, &a, 0) < 0 || fstatat(own_ns_dir, name, &b, 0) < 0)
                return errno == ENOENT ? 1 : -1;
        return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int open_init_namespaces(pid_t pid, int fds[NS_TYPE_COUNT], struct error **err)
{
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                fds[t] = -1;
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns", (int)pid);
        cleanup_close int init_dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (init_dir < 0)
                return error_make(err, errno, "open %s", path);
        cleanup_close int own_dir = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (own_dir < 0)
                return error_make(err, errno, "open /proc/self/ns");
        for (int t = 0; t < NS_TYPE_COUNT; t++) {
                const char *name = ns_type_proc_name((enum ns_type)t);
                int same = same_ns(init_dir, own_dir, name);
                if (same < 0)
                        return error_make(err, errno, "compare %s/%s with our own", path, name);
                if (same)
                        continue;
                fds[t] = openat(init_dir, name, O_RDONLY | O_CLOEXEC);
                if (fds[t] < 0)
                        return error_make(err, errno, "open %s/%s", path, name);
        }
        return 0;
}

static int exec_child_setup(struct exec_child *c, struct error **err)
{
        signals_reset_for_container();
        /* before joining the container: no fd of the caller or the runtime (the state dir,
         * cgroup dirs, a host directory) may be seen by it or resolve --cwd or args[0] */
        int *keep[3 + NS_TYPE_COUNT] = { &c->sync_fd, &c->console_fd, &c->root_fd };
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                keep[3 + t] = &c->ns_fds[t];
        if (fds_close_for_container(c->n_preserve, keep, ARRAY_SIZE(keep), err) < 0)
                return -1;
        cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
        if (sync_expect(c->sync_fd, SYNC_SETUP_DONE, m, "wait for the runtime", err) < 0)
                return -1;
        if (ns_join(c->ns_fds, c->ns_skip, err) < 0 || process_set_personality(c->lnx, err) < 0)
                return -1;
        if (c->root_fd >= 0) {
                /* a container sharing our mount namespace lives in a chroot: enter the same one */
                if (fchdir(c->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
                        return error_make(err, errno, "enter the container's root");
                closep(&c->root_fd);
        }
        if (c->console_fd >= 0) {
                if (terminal_setup_exec(c->proc, c->console_fd, c->relayed, err) < 0)
                        return -1;
                closep(&c->console_fd);
        }
        struct spec_process proc = *c->proc;
        cleanup_strv char **env = strv_dup(c->proc->env);
        process_default_home(&env, proc.user.uid);
        proc.env = env;
        cleanup_free char *path = NULL;
        cleanup_trampoline struct exec_trampoline trampoline = { .memfd = -1 };
        /* the trampoline before process_apply, whose rlimits may refuse the memfd's write */
        if (process_resolve_exec(&proc, &path, err) < 0 || exec_trampoline_open(&proc, &trampoline, err) < 0 ||
            process_apply(&proc, err) < 0 || process_set_memory_policy(&c->lnx->memory_policy, err) < 0)
                return -1;
        if (sync_send(c->sync_fd, SYNC_READY, NULL, 0, err) < 0)
                return -1;
        if (process_set_cpu_affinity(0, proc.exec_cpu_affinity.final, "process.execCPUAffinity.final", err) < 0)
                return -1;
        if (seccomp_program_notifies(c->seccomp) ? seccomp_hand_over(c->sync_fd, c->seccomp, err) < 0
                                                 : seccomp_program_install(c->seccomp, NULL, err) < 0)
                return -1;
        process_exec(&proc, path, &trampoline, err);
        return -1;
}

__attribute__((noreturn)) static void exec_child_main(struct exec_child *c)
{
        struct error *err = NULL;
        exec_child_setup(c, &err);
        if (!err)
                error_make(&err, 0, "exec returned");
        sync_send_error(c->sync_fd, err);
        _exit(255);
}

/* After SYNC_READY, EOF means exec succeeded (the socket is close-on-exec); before it, the
 * child may hand over a seccomp notify fd for the agent. */
static int wait_exec_result(const struct exec_child *c, const char *id, int sync_fd, pid_t pid, struct error **err)
{
        cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
        if (sync_expect(sync_fd, SYNC_READY, m, NULL, err) < 0)
                return -1;
        for (;;) {
                struct error *e = NULL;
                if (sync_recv(sync_fd, m, &e) < 0) {
                        bool eof = e->errnum == EPIPE;
                        error_free(e);
                        int ws = 0;
                        if (eof && proc_exited_before_exec(pid, 0, &ws)) {
                                cleanup_free char *who = xasprintf("exec in container \"%s\": the process", id);
                                return exited_before_exec_error(who, ws, err);
                        }
                        if (eof)
                                return 0;
                        return error_make(err, 0, "exec: lost the process");
                }
                if (m->type == SYNC_ERROR)
                        return sync_error_from_msg(m, NULL, err);
                if (m->type != SYNC_SECCOMP_FD)
                        return 0;
                cleanup_close int notify_fd = steal_fd(&m->fd);
                if (seccomp_agent_pass(sync_fd, c->seccomp_spec, pid, c->state, "running", notify_fd, err) < 0)
                        return -1;
        }
}

/* For a process we cloned but cannot hand over: it must not outlive the failed exec. */
static void kill_and_reap(pid_t pid)
{
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
}

static pid_t hand_over(struct exec_child *c, const char *id, int sync_fd, pid_t pid, struct cgroup *cg,
                       bool entered, struct error **err);

/* An unprivileged runtime may enter the container's pid namespace only from inside the user
 * namespace owning it (the container's own, if it has one), and could not come back out of
 * either: setns back to our pid namespace needs privileges over the host.  So a helper does
 * it: joins the user (if any) and pid namespaces, clones the process as our child
 * (CLONE_PARENT), tells us its pid and exits; we stay in our own namespaces, so nothing we
 * fork later (a sanitizer's tracer, say) lands in the container. */
static pid_t spawn_via_helper(struct exec_child *c, struct cgroup *cg, struct error **err)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return error_make(err, errno, "pipe");
        cleanup_close int rd = p[0];
        pid_t helper = fork();
        if (helper < 0) {
                close(p[1]);
                return error_make(err, errno, "fork");
        }
        if (helper == 0) {
                struct error *e = NULL;
                pid_t pid = -1;
                bool user = c->ns_fds[NS_USER] >= 0;
                if ((!user || (setns(c->ns_fds[NS_USER], CLONE_NEWUSER) == 0 && process_undumpable(&e) == 0)) &&
                    setns(c->ns_fds[NS_PID], CLONE_NEWPID) == 0) {
                        c->ns_skip |= (user ? 1u << NS_USER : 0) | (1u << NS_PID);
                        pid = clone_child(CLONE_PARENT, cg && !c->sub_cgroup ? cgroup_clone_fd(cg) : -1, NULL, NULL, &e);
                        if (pid == 0)
                                exec_child_main(c);
                }
                int32_t msg = pid > 0 ? (int32_t)pid : -(int32_t)(e ? e->errnum : errno);
                (void)!write(p[1], &msg, sizeof(msg));
                _exit(pid > 0 ? 0 : 1);
        }
        close(p[1]);
        int32_t msg = 0;
        ssize_t n;
        do
                n = read(rd, &msg, sizeof(msg));
        while (n < 0 && errno == EINTR);
        while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
                ;
        if (n != (ssize_t)sizeof(msg) || msg <= 0)
                return error_make(err, n == (ssize_t)sizeof(msg) ? -msg : EPIPE,
                                  "join the user and pid namespaces of the container");
        return (pid_t)msg;
}

/* Clones c's process into the init's pid namespace and the container's cgroup and waits until
 * it has exec'd; returns its pid.  The child closes every fd it does not need (the state dir,
 * our end of the socket) before it joins the container's namespaces. */
static pid_t spawn_in_container(struct exec_child *c, const char *id, struct cgroup *cg, struct error **err)
{
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return error_make(err, errno, "exec in \"%s\": socketpair", id);
        cleanup_close int sync_fd = sp[0];
        c->sync_fd = sp[1];

        pid_t pid;
        if (c->ns_fds[NS_PID] >= 0 && rootless_euid()) {
                pid = spawn_via_helper(c, cg, err);
                closep(&c->sync_fd);
                if (pid < 0)
                        return -1;
                return hand_over(c, id, sync_fd, pid, cg, false, err);
        }
        /* setns(CLONE_NEWPID) only moves our children: the clone below is born inside */
        cleanup_close int own_pidns = -1;
        if (c->ns_fds[NS_PID] >= 0) {
                own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
                if (own_pidns < 0 || setns(c->ns_fds[NS_PID], CLONE_NEWPID) < 0)
                        return error_make(err, errno, "join the pid namespace of container \"%s\"", id);
                c->ns_skip |= 1u << NS_PID;
        }
        bool entered = false;
        pid = clone_child(0, cg && !c->sub_cgroup ? cgroup_clone_fd(cg) : -1, NULL, &entered, err);
        if (pid == 0)
                exec_child_main(c);
        if (own_pidns >= 0)
                (void)setns(own_pidns, CLONE_NEWPID);
        closep(&c->sync_fd);
        if (pid < 0)
                return -1;
        return hand_over(c, id, sync_fd, pid, cg, entered, err);
}

/* The runtime's part once the child exists: cpu affinity, cgroup (unless it was born in it:
 * entered), resctrl group, oom score, go, and its exec result. */
static pid_t hand_over(struct exec_child *c, const char *id, int sync_fd, pid_t pid, struct cgroup *cg,
                       bool entered, struct error **err)
{
        if (process_set_cpu_affinity(pid, c->proc->exec_cpu_affinity.initial, "process.execCPUAffinity.initial",
                                     err) < 0 ||
            (cg && !c->sub_cgroup && !entered && cgroup_enter(cg, pid, err) < 0) ||
            (cg && c->sub_cgroup && cgroup_enter_sub(cg, pid, c->sub_cgroup, err) < 0) ||
            resctrl_join(RESCTRL_ROOT, &c->lnx->intel_rdt, id, pid, err) < 0 ||
            process_set_oom_score_adj(pid, c->proc, err) < 0 ||
            (sync_send(sync_fd, SYNC_SETUP_DONE, NULL, 0, err) < 0 && !sync_peer_gone(err)) ||
            wait_exec_result(c, id, sync_fd, pid, err) < 0) {
                kill_and_reap(pid);
                return -1;
        }
        return pid;
}

int container_load_spec(const char *root, const char *id, struct spec **out, struct error **err)
{
        cleanup_close int dirfd = statedir_open(root, id, false, err);
        if (dirfd < 0)
                return -1;
        return state_load_spec(dirfd, out, err);
}

/* runc's --pidfd-socket: a pidfd of the new process for the caller (a shim's race-free handle). */
static int send_pidfd(int sock, pid_t pid, struct error **err)
{
        cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0)
                return error_make(err, errno, "--pidfd-socket: pidfd_open %d", (int)pid);
        if (socket_send_fd(sock, pidfd, err) < 0)
                return error_wrap(err, "--pidfd-socket");
        return 0;
}

int container_exec(const char *root, const char *id, const struct spec_process *proc,
                   const struct exec_opts *o, int *exit_status, struct error **err)
{
        cleanup_close int dirfd = -1;
        cleanup_saved_state struct saved_state *s = NULL;
        cleanup_cgroup struct cgroup *cg = NULL;
        if (container_open_state(root, id, false, &dirfd, &s, &cg, err) < 0)
                return -1;
        if (process_undumpable(err) < 0)
                return -1;
        const char *status = state_status(dirfd, s, cg);
        if (strcmp(status, "stopped") == 0)
                return error_make(err, 0, "cannot exec in a stopped container");
        if (strcmp(status, "paused") == 0 && !o->ignore_paused)
                return error_make(err, 0, "cannot exec in a paused container (use --ignore-paused to force)");
        if (strcmp(status, "creating") == 0)
                return error_make(err, 0, "cannot exec in a container that is being created");
        if (lsm_check(proc, err) < 0)   /* as create does: here, before entering its root */
                return -1;
        cleanup_spec struct spec *loaded = NULL;
        if (!o->saved_spec && state_load_spec(dirfd, &loaded, err) < 0)
                return -1;
        const struct spec *spec = o->saved_spec ? o->saved_spec : loaded;

        __attribute__((cleanup(exec_child_release))) struct exec_child c = {
                .proc = proc, .lnx = &spec->linux, .sync_fd = -1, .console_fd = -1, .root_fd = -1,
                .sub_cgroup = o->sub_cgroup,
                .n_preserve = o->preserve_fds > 0 ? o->preserve_fds : 0 };
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                c.ns_fds[t] = -1;
        if (open_init_namespaces(s->pid, c.ns_fds, err) < 0)
                return -1;
        if (c.ns_fds[NS_MOUNT] < 0) {
                cleanup_free char *root_link = xasprintf("/proc/%d/root", (int)s->pid);
                c.root_fd = open(root_link, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (c.root_fd < 0)
                        return error_make(err, errno, "open %s", root_link);
        }
        if (!state_pid_alive(s))
                return error_make(err, 0, "cannot exec in a stopped container");
        if (o->sub_cgroup && !cg)
                return error_make(err, 0, "--cgroup '%s': container \"%s\" has no cgroup", o->sub_cgroup, id);
        /* a realtime policy in a cgroup without realtime budget (a sub-cgroup's is its owner's) */
        if (cg && !o->sub_cgroup && cgroup_realtime_budget(cg, proc, &spec->linux.resources, err) < 0)
                return -1;
        if (spec->linux.seccomp.present && seccomp_program_build(&spec->linux.seccomp, &c.seccomp, err) < 0)
                return -1;
        c.seccomp_spec = &spec->linux.seccomp;
        c.state = s;
        /* a terminal without a console socket: relay ours, like run */
        bool relay_tty = proc->terminal && !o->console_socket;
        if (relay_tty && o->detach)
                return error_make(err, 0, "exec --tty --detach needs --console-socket");
        sigset_t set;
        __attribute__((cleanup(sigmask_restore))) sigset_t old;
        forward_signals_block(&set, &old);
        cleanup_close int console_ours = -1;
        if (relay_tty) {
                int cp[2];
                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cp) < 0)
                        return error_make(err, errno, "socketpair");
                console_ours = cp[0];
                c.console_fd = cp[1];
                c.relayed = true;
        } else if (proc->terminal) {
                c.console_fd = console_socket_connect(o->console_socket, err);
                if (c.console_fd < 0)
                        return -1;
        }
        /* connected before anything starts, so a wrong path fails with nothing run */
        cleanup_close int pidfd_sock = -1;
        if (o->pidfd_socket && (pidfd_sock = console_socket_connect(o->pidfd_socket, err)) < 0)
                return error_wrap(err, "--pidfd-socket");
        pid_t pid = spawn_in_container(&c, id, cg, err);
        if (pid < 0)
                return -1;
        closep(&c.console_fd);
        if (pidfd_sock >= 0 && send_pidfd(pidfd_sock, pid, err) < 0) {
                kill_and_reap(pid);
                return -1;
        }
        cleanup_close int master = -1;
        /* the caller is told about a process only once it is fully handed over */
        __attribute__((cleanup(pid_file_forget))) struct pid_file pf = PID_FILE_NONE;
        if ((relay_tty && console_recv_fd(console_ours, &master, err) < 0) ||
            (o->pid_file && pid_file_write(o->pid_file, pid, &pf, err) < 0)) {
                kill_and_reap(pid);
                return -1;
        }
        if (o->detach) {
                *exit_status = 0;
                return 0;
        }
        struct terminal_relay *relay = NULL;
        if (master >= 0 && terminal_relay_start(master, &relay, err) < 0) {
                /* nobody would wait for it or relay its terminal: it goes, with its pid file */
                kill_and_reap(pid);
                pid_file_remove(&pf);
                return -1;
        }
        int wstatus = 0;
        int r = wait_forwarding(pid, &set, relay, &wstatus, err);
        terminal_relay_free(relay);
        if (r < 0)
                return -1;
        *exit_status = exit_code_of(wstatus);
        return 0;
}
