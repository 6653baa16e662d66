/* `create`, the runtime's side: state dir, cgroup, clone of the init, and the handshake that
 * writes its id maps, runs the runtime hooks and waits until it is ready.  Any failure rolls
 * everything back (init killed, cgroup destroyed, state dir removed). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "contain/linux.h"
#include "contain/net.h"
#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* Everything create made so far: what rollback undoes. */
struct create_ctx {
        const struct spec *spec;
        const struct container_opts *o;
        int dirfd;
        struct saved_state *state;
        struct cgroup *cg;
        struct cgroup_devprog *devprog; /* the device program, loaded ahead of handle_hooks */
        struct seccomp_program *seccomp;
        int ns_fds[NS_TYPE_COUNT];
        int *mount_trees;       /* idmapped trees per spec mount (-1: none), or NULL */
        int sync_fd;
        int fifo_fd;
        int console_fd;
        bool own_console_fd;
        int pidfd;
        pid_t pid;
        bool cgroup_entered;    /* the init was born in its cgroup (CLONE_INTO_CGROUP) */
        bool in_user_ns;        /* the runtime runs in a user namespace (rootless_in_user_ns) */
        bool rootless;          /* ... or not as root (rootless_euid): read once per create */
        bool netns_pending;     /* the runtime makes the netns after clone (netns.c) ... */
        int netns_fd;           /* ... and holds it until it is sent to the init; then lo goes */
        int lo_sock;            /* up through a socket of it, while the init goes on */
        bool state_pending;     /* state.json with the init's pid is still to be written */
        bool spec_pending;      /* config.json is written after clone, off the init's path */
        /* run's SYNC_START goes unasked once the runtime's part before the exec is done
         * (release_early), so that the init does not wait for it after "ready" */
        bool start_early, start_sent;
        bool done;
};

static void progress(const struct container_opts *o, enum container_step step, const char *detail)
{
        if (o->progress)
                o->progress(o->progress_data, step, detail ? detail : "");
}

static void ctx_release(struct create_ctx *c)
{
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                closep(&c->ns_fds[t]);
        idmap_mounts_close(c->mount_trees, c->spec->n_mounts);
        c->mount_trees = NULL;
        closep(&c->sync_fd);
        closep(&c->fifo_fd);
        if (c->own_console_fd)
                closep(&c->console_fd);
        closep(&c->pidfd);
        closep(&c->netns_fd);
        closep(&c->lo_sock);
        if (c->seccomp)
                seccomp_program_free(c->seccomp);
        c->seccomp = NULL;
        cgroup_devprog_free(c->devprog);
        c->devprog = NULL;
        if (c->cg)
                cgroup_free(c->cg);
        c->cg = NULL;
        saved_state_free(c->state);
        c->state = NULL;
        closep(&c->dirfd);
}

/* Undoes a failed create; errors here are only logged: the original error is what matters. */
static void ctx_rollback(struct create_ctx *c)
{
        if (c->pid > 0) {
                kill(c->pid, SIGKILL);
                while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        if (c->cg) {
                struct error *e = NULL;
                if (cgroup_destroy(c->cg, &e) < 0) {
                        log_warning("create \"%s\": rollback: %s", c->o->id, e->msg);
                        error_free(e);
                }
        }
        struct error *re = NULL;
        if (resctrl_remove(RESCTRL_ROOT, &c->spec->linux.intel_rdt, c->o->id, &re) < 0) {
                log_warning("create \"%s\": rollback: %s", c->o->id, re->msg);
                error_free(re);
        }
        if (c->dirfd >= 0) {
                struct error *e = NULL;
                if (statedir_remove(c->o->root, c->o->id, c->dirfd, &e) < 0) {
                        log_warning("create \"%s\": rollback: %s", c->o->id, e->msg);
                        error_free(e);
                }
        }
}

static void ctx_cleanup(struct create_ctx *c)
{
        if (!c->done)
                ctx_rollback(c);
        ctx_release(c);
}

static struct saved_state *initial_state(const struct spec *spec, const struct container_opts *o)
{
        struct saved_state *s = xcalloc(1, sizeof(*s));
        s->oci_version = xstrdup(spec->oci_version ? spec->oci_version : CONTAIN_SPEC_VERSION);
        s->id = xstrdup(o->id);
        s->status = xstrdup("creating");
        s->bundle = xstrdup(spec->bundle ? spec->bundle : "");
        s->rootfs = xstrdup(spec->root_path ? spec->root_path : "");
        s->created = time_rfc3339_now();
        /* the name is looked up by list and state: NSS costs every create ~0.05 ms */
        s->owner_uid = geteuid();
        s->has_owner_uid = true;
        const struct spec_namespace *pidns = spec_namespace(spec, NS_PID);
        s->new_pid_ns = pidns && !pidns->path;
        state_record_namespaces(s);
        s->annotations = spec->n_annotations ? xcalloc(spec->n_annotations, sizeof(struct spec_kv)) : NULL;
        for (size_t i = 0; i < spec->n_annotations; i++) {
                s->annotations[i].key = xstrdup(spec->annotations[i].key);
                s->annotations[i].value = xstrdup(spec->annotations[i].value ? spec->annotations[i].value : "");
        }
        s->n_annotations = spec->n_annotations;
        s->config_needs_known = true;
        s->has_poststart = spec->hooks[HOOK_POSTSTART].n > 0;
        s->has_poststop = spec->hooks[HOOK_POSTSTOP].n > 0;
        s->has_intel_rdt = spec->linux.intel_rdt.present;
        return s;
}

static int save_spec(int dirfd, const struct spec *spec, struct error **err)
{
        cleanup_free char *text = spec_to_json(spec);
        if (!text)
                return error_make(err, 0, "serialise the container's config");
        if (write_file_atomic_at(dirfd, CONFIG_FILE, text, strlen(text), 0600, false, err) < 0)
                return error_wrap(err, "save the container's config");
        return 0;
}

static int make_exec_fifo(struct create_ctx *c, struct error **err)
{
        if (mkfifoat(c->dirfd, EXEC_FIFO, 0600) < 0)
                return error_make(err, errno, "create the exec fifo");
        /* O_RDWR never blocks on a fifo: the init holds it and waits in read() for start's byte */
        c->fifo_fd = openat(c->dirfd, EXEC_FIFO, O_RDWR | O_CLOEXEC);
        if (c->fifo_fd < 0)
                return error_make(err, errno, "open the exec fifo");
        return 0;
}

/* The parent's part of the setup, asked for (SYNC_SETUP_REQUEST) or right after clone: id
 * maps, time offsets, the initial CPU affinity, cgroup and resctrl membership, the moved
 * network devices; then SYNC_SETUP_DONE. */
static int handle_setup(struct create_ctx *c, unsigned long clone_flags, bool time_ns, struct error **err)
{
        if ((clone_flags & CLONE_NEWUSER) && ns_write_id_maps(c->pid, c->spec, err) < 0)
                return error_wrap(err, "container init");
        if (time_ns && ns_write_time_offsets(c->pid, c->spec, err) < 0)
                return error_wrap(err, "container init");
        const struct spec *spec = c->spec;
        if (process_set_cpu_affinity(c->pid, spec->process.exec_cpu_affinity.initial,
                                     "process.execCPUAffinity.initial", err) < 0)
                return error_wrap(err, "container init");
        if (c->cg && !c->cgroup_entered && cgroup_enter(c->cg, c->pid, err) < 0)
                return error_wrap(err, "move the container init into its cgroup");
        if (resctrl_join(RESCTRL_ROOT, &spec->linux.intel_rdt, c->o->id, c->pid, err) < 0 ||
            net_devices_attach(c->pid, spec, err) < 0)
                return -1;
        if (process_set_oom_score_adj(c->pid, &c->spec->process, err) < 0)
                return error_wrap(err, "container init");
        if (sync_send(c->sync_fd, SYNC_SETUP_DONE, NULL, 0, err) < 0)
                return sync_peer_gone(err) ? 0 : -1;
        return 0;
}

/* The state with the init's pid, then the config if it was left for now.  From the state write
 * on, a delete --force can find (and kill) the init even if we die.  Before it, a runtime that
 * dies takes the init along: it has PR_SET_PDEATHSIG until "ready", and its next message to us
 * fails.  config.json comes after state.json: a state dir holding only a config is not one of
 * ours (lock.c).  Once only. */
static int save_state(struct create_ctx *c, struct error **err)
{
        if (c->state_pending) {
                /* 0 when the init is gone already (its error comes next on the socket): a pid
                 * without a start time matches no process (proc_matches) */
                c->state->start_time = proc_start_time(c->pid);
                /* once run lets its init go unasked, the process may run even if we die next:
                 * its poststop hooks are then due at delete as after a completed create */
                c->state->created_ok = c->start_early;
                if (state_write(c->dirfd, c->state, err) < 0)
                        return -1;
        }
        c->state_pending = false;
        if (c->spec_pending && save_spec(c->dirfd, c->spec, err) < 0)
                return -1;
        c->spec_pending = false;
        /* then, while the init still mounts, what handle_hooks would wait for: on cgroup v2
         * the device program (libbpf and the verifier), attached there */
        if (!c->devprog && c->cg && cgroup_is_real(c->cg) && !c->rootless &&
            cgroup_devices_preload(c->cg, &c->spec->linux.resources, &c->devprog, err) < 0)
                return -1;
        return 0;
}

/* The network namespace, made while the init sets up and sent unasked (netns.c); lo goes up
 * after that, while the init mounts on, and before the runtime reads the init's next message:
 * so before any hook and before the process. */
static int give_netns(struct create_ctx *c, struct error **err)
{
        cleanup_close int own = net_ns_open_own(err);
        if (own < 0 || net_ns_create(own, &c->netns_fd, &c->lo_sock, err) < 0)
                return error_wrap(err, "linux.namespaces: network");
        int r = sync_send_fd(c->sync_fd, SYNC_NETNS, c->netns_fd, err);
        closep(&c->netns_fd);
        if (r < 0)
                return sync_peer_gone(err) ? 0 : error_wrap(err, "container init");
        r = net_lo_up_on(c->lo_sock, err);
        closep(&c->lo_sock);
        return r < 0 ? error_wrap(err, "linux.namespaces: network") : 0;
}

/* What the runtime does once the init runs, while the init builds the rootfs: the network
 * namespace if it makes it (before the state: the init waits for it, the state waits for no
 * one), then the state. */
static int after_clone(struct create_ctx *c, struct error **err)
{
        if (c->netns_pending && give_netns(c, err) < 0)
                return -1;
        return save_state(c, err);
}

/* run's SYNC_START, sent before the init asks (at "ready"), which saves it a round trip: once
 * the runtime has done all that the init's exec must come after.  That is after_clone (the
 * network namespace and its lo, the state with the pid, the config) and, when the init asks
 * for them, the hooks' answer.  The init reads it only after "ready"; until then it dies with
 * the runtime (PR_SET_PDEATHSIG).  Not with a seccomp notify fd to hand over: the init waits
 * for SYNC_SECCOMP_DONE after the hooks, and the messages it reads come in order. */
static int release_early(struct create_ctx *c, struct error **err)
{
        if (!c->start_early || c->start_sent)
                return 0;
        c->start_sent = true;
        if (sync_send(c->sync_fd, SYNC_START, NULL, 0, err) < 0)
                return sync_peer_gone(err) ? 0 : error_wrap(err, "container init");
        return 0;
}

/* Whether handle_setup has anything to do for this container. */
static bool setup_needed(const struct create_ctx *c, unsigned long clone_flags, bool time_ns)
{
        const struct spec *spec = c->spec;
        return (clone_flags & CLONE_NEWUSER) || time_ns || spec->process.exec_cpu_affinity.initial ||
               (c->cg && cgroup_is_real(c->cg)) || spec->linux.intel_rdt.present || spec->linux.n_net_devices ||
               spec->process.has_oom_score_adj;
}

/* Whether handle_hooks has: device rules to apply or hooks that run (or that need the state
 * it sends: createContainer and startContainer run in the init). */
static bool hooks_needed(const struct create_ctx *c)
{
        const struct spec *spec = c->spec;
        return (c->cg && cgroup_is_real(c->cg) && !c->rootless) || spec->hooks[HOOK_PRESTART].n ||
               spec->hooks[HOOK_CREATE_RUNTIME].n || spec->hooks[HOOK_CREATE_CONTAINER].n ||
               spec->hooks[HOOK_START_CONTAINER].n;
}

static int handle_hooks(struct create_ctx *c, struct error **err)
{
        /* now, as runc does: the init's mknods of linux.devices are done, and the prestart
         * hooks see the container's final rules */
        /* rootless, as runc and crun: no device program (attaching one needs privileges over
         * the host); a user namespace cannot mknod, and bound host nodes keep their modes */
        if (c->cg && !c->rootless &&
            (c->devprog ? cgroup_apply_devices_preloaded(c->cg, c->devprog, err)
                        : cgroup_apply_devices(c->cg, &c->spec->linux.resources, err)) < 0)
                return -1;
        cleanup_free char *json = state_hook_json(c->state, "creating");
        if (hooks_run(c->spec, HOOK_PRESTART, c->spec->bundle, json, err) < 0 ||
            hooks_run(c->spec, HOOK_CREATE_RUNTIME, c->spec->bundle, json, err) < 0)
                return -1;
        if (sync_send(c->sync_fd, SYNC_HOOKS_DONE, json, strlen(json), err) < 0)
                return sync_peer_gone(err) ? 0 : -1;
        return 0;
}

/* Why the init went away without telling us. */
static int init_vanished(struct create_ctx *c, struct error **err)
{
        int status = 0;
        pid_t w;
        do
                w = waitpid(c->pid, &status, 0);
        while (w < 0 && errno == EINTR);
        if (w == c->pid) {
                c->pid = 0;
                /* a memory limit below what the setup needs: the cgroup's OOM killer, say so */
                struct cgroup_stats st = { 0 };
                struct error *e = NULL;
                if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && c->cg &&
                    cgroup_stats(c->cg, &st, &e) == 0 && st.memory_oom_kill > 0)
                        return error_make(err, 0, "container init killed by the out-of-memory killer of its cgroup: linux.resources.memory.limit (%" PRId64 " bytes) is below what setting up the container needs",
                                          c->spec->linux.resources.memory.limit);
                error_free(e);
                if (WIFSIGNALED(status))
                        return error_make(err, 0, "container init killed by signal %d", WTERMSIG(status));
                return error_make(err, 0, "container init exited with status %d", WEXITSTATUS(status));
        }
        return error_make(err, 0, "container init exited");
}

static int handshake(struct create_ctx *c, unsigned long clone_flags, bool time_ns, struct error **err)
{
        cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
        for (;;) {
                struct error *rerr = NULL;
                if (sync_recv(c->sync_fd, m, &rerr) < 0) {
                        bool eof = rerr->errnum == EPIPE;
                        if (!eof) {
                                *err = rerr;
                                return error_wrap(err, "container init");
                        }
                        error_free(rerr);
                        return init_vanished(c, err);
                }
                switch (m->type) {
                case SYNC_SETUP_REQUEST:
                        if (handle_setup(c, clone_flags, time_ns, err) < 0 || after_clone(c, err) < 0 ||
                            (!hooks_needed(c) && release_early(c, err) < 0))
                                return -1;
                        progress(c->o, STEP_NAMESPACES, NULL);
                        break;
                case SYNC_PROGRESS:
                        if (m->len >= 1)
                                progress(c->o, (enum container_step)m->payload[0], m->payload + 1);
                        break;
                case SYNC_HOOKS_REQUEST:
                        /* hooks may ask `contain state` for the pid */
                        if (save_state(c, err) < 0 || handle_hooks(c, err) < 0 || release_early(c, err) < 0)
                                return -1;
                        break;
                case SYNC_SECCOMP_FD: {
                        cleanup_close int notify_fd = steal_fd(&m->fd);
                        if (save_state(c, err) < 0)
                                return -1;
                        if (seccomp_agent_pass(c->sync_fd, &c->spec->linux.seccomp, c->pid, c->state, "creating",
                                               notify_fd, err) < 0)
                                return error_wrap(err, "container init");
                        break;
                }
                case SYNC_READY:
                        if (save_state(c, err) < 0)
                                return -1;
                        /* create's init waits for it before it turns to the exec fifo */
                        if (c->fifo_fd >= 0 && sync_send(c->sync_fd, SYNC_RECORDED, NULL, 0, err) < 0)
                                return error_wrap(err, "container init");
                        return 0;
                case SYNC_ERROR:
                        return sync_error_from_msg(m, "container init", err);
                default:
                        closep(&m->fd);
                        return error_make(err, EPROTO, "container init: unexpected message %u", m->type);
                }
        }
}

static int clone_init(struct create_ctx *c, int n_preserve, struct error **err)
{
        const struct spec *spec = c->spec;
        bool hooks_sync = hooks_needed(c);
        c->start_early = c->start_early && !seccomp_program_notifies(c->seccomp);
        /* what handle_hooks would say of rules that cannot be applied (cgroups disabled);
         * rootless, as there: no device program */
        if (!hooks_sync && c->cg && !c->rootless && cgroup_apply_devices(c->cg, &spec->linux.resources, err) < 0)
                return -1;
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return error_make(err, errno, "socketpair");
        c->sync_fd = sp[0];

        unsigned long flags = (unsigned long)ns_clone_flags(spec);
        c->netns_pending = netns_by_runtime(spec, c->rootless);
        if (c->netns_pending)
                flags &= ~(unsigned long)CLONE_NEWNET;
        /* time and cgroup namespaces are unshared by the init itself: the time offsets must be
         * written before anyone enters, and the cgroup ns must be rooted at the container's
         * cgroup, which a v1 host only joins after clone */
        bool time_ns = flags & CLONE_NEWTIME, cgroup_ns = flags & CLONE_NEWCGROUP;
        flags &= ~(unsigned long)(CLONE_NEWTIME | CLONE_NEWCGROUP);

        /* with a user namespace joined by path, new namespaces are made by the init once it is
         * inside it, so they belong to it (a uts ns of the host's user namespace refuses
         * sethostname there); the pid ns stays a clone flag: the init must be its pid 1 */
        unsigned long after_userns = 0;
        if (c->ns_fds[NS_USER] >= 0) {
                after_userns = flags & (unsigned long)(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET);
                flags &= ~after_userns;
        }

        /* a pid ns given by path is joined for our children: the init is born inside it */
        unsigned skip = 0;
        cleanup_close int own_pidns = -1;
        if (c->ns_fds[NS_PID] >= 0) {
                own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
                if (own_pidns < 0 || setns(c->ns_fds[NS_PID], CLONE_NEWPID) < 0) {
                        int e = errno;
                        close(sp[1]);
                        return error_make(err, e, "join pid namespace %s", spec_namespace(spec, NS_PID)->path);
                }
                skip |= 1u << NS_PID;
        }

        struct init_args a = {
                .spec = spec, .o = c->o, .sync_fd = sp[1], .console_fd = c->console_fd,
                .fifo_fd = c->fifo_fd, .lock_fd = c->dirfd, .ns_skip = skip, .unshare_time = time_ns,
                .unshare_cgroup = cgroup_ns, .new_userns = flags & CLONE_NEWUSER,
                .unshare_after_userns = (int)after_userns,
                .n_preserve = n_preserve, .seccomp = c->seccomp, .mount_trees = c->mount_trees,
                .setup_sync = setup_needed(c, flags, time_ns), .hooks_sync = hooks_sync,
                .setup_request = (flags & CLONE_NEWUSER) || time_ns,
                .netns_from_runtime = c->netns_pending,
                .runtime_in_user_ns = c->in_user_ns, .runtime_rootless = c->rootless,
        };
        memcpy(a.ns_fds, c->ns_fds, sizeof(a.ns_fds));
        int nlisten = n_preserve - (c->o->preserve_fds > 0 ? c->o->preserve_fds : 0);
        cleanup_strv char **extra_env = NULL;
        if (nlisten > 0) {
                cleanup_free char *lf = xasprintf("LISTEN_FDS=%d", nlisten);
                strv_append(&extra_env, lf);
                strv_append(&extra_env, "LISTEN_PID=1");
        }
        a.extra_env = extra_env;

        struct error *cerr = NULL;
        pid_t pid = clone_child(flags, c->cg ? cgroup_clone_fd(c->cg) : -1, &c->pidfd, &c->cgroup_entered, &cerr);
        if (pid == 0) {
                close(sp[0]);
                init_main(&a);
        }
        if (own_pidns >= 0)
                (void)setns(own_pidns, CLONE_NEWPID);
        close(sp[1]);
        if (pid < 0) {
                *err = cerr;
                return -1;
        }
        c->pid = pid;
        c->state->pid = pid;
        c->state_pending = true;        /* with its start time: save_state, after the netns */
        /* unless the init must go first (setup_request), the runtime does its part at once and
         * the init reads the answers when it needs them */
        if (!a.setup_request) {
                if (a.setup_sync && handle_setup(c, flags, time_ns, err) < 0)
                        return -1;
                progress(c->o, STEP_NAMESPACES, NULL);
                if (after_clone(c, err) < 0 || (!hooks_sync && release_early(c, err) < 0))
                        return -1;
        }
        return handshake(c, flags, time_ns, err);
}

int create_container(const struct spec *spec, const struct container_opts *o, int console_fd,
                     pid_t *pid_out, int *start_fd, bool *release, struct pid_file *pid_file,
                     struct error **err)
{
        if (!spec->process.present || !spec->process.args || !spec->process.args[0])
                return error_make(err, 0, "config.json: process.args: required to create a container");
        if (spec->process.terminal && console_fd < 0 && !o->console_socket)
                return error_make(err, 0, "process.terminal is true: --console-socket is required");

        if (process_undumpable(err) < 0)
                return -1;

        __attribute__((cleanup(ctx_cleanup))) struct create_ctx c = {
                .spec = spec, .o = o, .start_early = start_fd && release && *release,
                .dirfd = -1, .sync_fd = -1, .fifo_fd = -1, .console_fd = -1, .pidfd = -1, .netns_fd = -1,
                .lo_sock = -1,
        };
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                c.ns_fds[t] = -1;
        c.in_user_ns = rootless_in_user_ns();
        c.rootless = geteuid() != 0 || c.in_user_ns;

        int dirfd = statedir_create(o->root, o->id, err);
        if (dirfd < 0)
                return -1;
        c.dirfd = dirfd;
        c.state = initial_state(spec, o);
        /* write-ahead: the cgroup directories are recorded before the first mkdir, so that a
         * delete --force after a runtime killed anywhere below finds every one of them */
        if (cgroup_plan(spec, o->id, o->cgroup_manager, &c.state->cgroup, err) < 0)
                return error_wrap(err, "create cgroup");
        /* an empty state dir is a container being created (lock.c): the state is written
         * before clone only when there is something to find after a crash, the config only
         * when delete needs it for that (resctrl); else both go after clone (after_clone) */
        bool rdt = spec->linux.intel_rdt.present;
        bool cgroup_dirs = c.state->cgroup && strcmp(c.state->cgroup, "disabled") != 0;
        if ((cgroup_dirs || rdt) && state_write(c.dirfd, c.state, err) < 0)
                return -1;
        c.spec_pending = !rdt;
        if (rdt && save_spec(c.dirfd, spec, err) < 0)
                return -1;

        if ((c.rootless ? cgroup_create_unprivileged : cgroup_create)(spec, o->id, o->cgroup_manager, &c.cg, err) < 0)
                return error_wrap(err, "create cgroup");
        if (c.cg) {
                /* the plan is usually what was made: a write of the same state is ~0.1 ms */
                const char *cs = cgroup_state_string(c.cg);
                if (!streq_null(cs, c.state->cgroup)) {
                        free(c.state->cgroup);
                        c.state->cgroup = cs ? xstrdup(cs) : NULL;
                        if (state_write(c.dirfd, c.state, err) < 0)
                                return -1;
                }
                progress(o, STEP_CGROUP, cgroup_path(c.cg));
        }

        if (spec->linux.seccomp.present && seccomp_program_build(&spec->linux.seccomp, &c.seccomp, err) < 0)
                return -1;
        if (ns_open_paths(spec, c.ns_fds, err) < 0)
                return -1;
        if (idmap_mounts_prepare(spec, &c.mount_trees, err) < 0 ||
            mount_sources_open(spec, c.mount_trees, err) < 0)
                return -1;
        /* run starts at once: the sync socket replaces the fifo (its mknod, its unlink, and
         * start's wait for it: ~0.3 ms) */
        if (!start_fd && make_exec_fifo(&c, err) < 0)
                return -1;
        if (spec->process.terminal) {
                if (console_fd >= 0) {
                        c.console_fd = console_fd;
                } else {
                        c.console_fd = console_socket_connect(o->console_socket, err);
                        if (c.console_fd < 0)
                                return -1;
                        c.own_console_fd = true;
                }
        }

        if (clone_init(&c, fds_to_preserve(o->preserve_fds), err) < 0)
                return -1;

        /* run writes "created" itself once it has released the init (container_start_direct):
         * the write then overlaps the init's exec instead of delaying it */
        if (!start_fd && state_mark_created(c.dirfd, c.state, err) < 0)
                return -1;
        if (o->pid_file && pid_file_write(o->pid_file, c.pid, pid_file, err) < 0)
                return -1;
        if (pid_out)
                *pid_out = c.pid;
        if (release)
                *release = c.start_sent;
        if (start_fd)
                *start_fd = steal_fd(&c.sync_fd);
        c.done = true;
        return 0;
}

int container_create(const struct spec *spec, const struct container_opts *o, struct error **err)
{
        return create_container(spec, o, -1, NULL, NULL, NULL, NULL, err);
}
