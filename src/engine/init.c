/* The container init, between clone and exec: joins/sets up its namespaces, builds the rootfs,
 * applies the process settings, tells the runtime it is ready and waits on the exec fifo for
 * `start`.  Failures before "ready" travel to the runtime as SYNC_ERROR messages. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "contain/linux.h"
#include "contain/log.h"
#include "contain/net.h"
#include "contain/util.h"
#include "internal.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

/* For quick mode's "[contain] ..." lines: only when the caller shows progress, since each
 * message wakes the runtime. */
static void send_progress(const struct init_args *a, enum container_step step, const char *detail)
{
        if (!a->o->progress)
                return;
        int fd = a->sync_fd;
        char buf[512];
        size_t n = strlen(detail ? detail : "");
        if (n > sizeof(buf) - 1)
                n = sizeof(buf) - 1;
        buf[0] = (char)step;
        memcpy(buf + 1, detail ? detail : "", n);
        struct error *e = NULL;
        (void)sync_send(fd, SYNC_PROGRESS, buf, n + 1, &e);
        error_free(e);
}

static bool has_ns(const struct spec *spec, enum ns_type t)
{
        return spec_namespace(spec, t) != NULL;
}

static int become_userns_root(struct error **err)
{
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                return error_make(err, errno, "become root in the user namespace (is uid/gid 0 mapped?)");
        return process_undumpable(err);         /* the uid change reset it */
}

static int enter_namespaces(struct init_args *a, struct error **err)
{
        if (a->unshare_time && unshare(CLONE_NEWTIME) < 0)
                return error_make(err, errno, "create the time namespace");
        /* An unprivileged runtime can write our id maps (or have newuidmap write them) only
         * while our /proc files are its own, which a non-dumpable process's are not; nothing
         * of the container runs yet, and the setresuid below makes us non-dumpable again. */
        if (a->new_userns && a->runtime_rootless && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
                return error_make(err, errno, "prctl PR_SET_DUMPABLE 1");
        cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
        if (a->setup_sync && ((a->setup_request && sync_send(a->sync_fd, SYNC_SETUP_REQUEST, NULL, 0, err) < 0) ||
                              sync_expect(a->sync_fd, SYNC_SETUP_DONE, m, "wait for the runtime", err) < 0))
                return -1;
        bool joins_userns = a->ns_fds[NS_USER] >= 0;
        if (a->new_userns && become_userns_root(err) < 0)       /* the maps exist now */
                return -1;
        if (ns_join(a->ns_fds, a->ns_skip, err) < 0)
                return -1;
        /* the host's root is no one in a joined user namespace (files it makes would be owned
         * by the overflow id): become that namespace's root, as runc does */
        if (joins_userns && become_userns_root(err) < 0)
                return -1;
        if (a->unshare_after_userns && unshare(a->unshare_after_userns) < 0)
                return error_make(err, errno, "linux.namespaces: create the new namespaces inside the joined user namespace");
        if (a->unshare_time) {
                cleanup_close int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
                if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
                        return error_make(err, errno, "enter the time namespace");
        }
        if (a->unshare_cgroup && unshare(CLONE_NEWCGROUP) < 0)
                return error_make(err, errno, "create the cgroup namespace");
        if (!a->o->no_new_keyring) {
                /* a session keyring of our own so the container cannot read the host's keys;
                 * kernels or user namespaces without keyrings just go without */
                cleanup_free char *name = xasprintf("_ses.%s", a->o->id);
                (void)syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0);
        }
        return 0;
}

/* Joins the network namespace the runtime made (netns.c), once. */
static int join_runtime_netns(void *data, struct error **err)
{
        struct init_args *a = data;
        if (!a->netns_from_runtime)
                return 0;
        a->netns_from_runtime = false;
        return netns_join_from_runtime(a->sync_fd, err);
}

static int init_setup(struct init_args *a, bool *ready_sent, struct error **err)
{
        const struct spec *spec = a->spec;

        closep(&a->lock_fd);
        /* until "ready", the init must not outlive a runtime killed mid-create */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* before any path of the config is resolved, and for the whole "created" phase, in
         * which the container can look at /proc/1/fd: only what the init needs, no fd of the
         * runtime or the caller (cgroup dirs, the state dir, a host directory) */
        size_t n_trees = a->mount_trees ? spec->n_mounts : 0;
        cleanup_free int **keep = xcalloc(3 + NS_TYPE_COUNT + n_trees, sizeof(*keep));
        keep[0] = &a->sync_fd, keep[1] = &a->console_fd, keep[2] = &a->fifo_fd;
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                keep[3 + t] = &a->ns_fds[t];
        for (size_t i = 0; i < n_trees; i++)
                keep[3 + NS_TYPE_COUNT + i] = &a->mount_trees[i];
        if (fds_close_for_container(a->n_preserve, keep, 3 + NS_TYPE_COUNT + n_trees, err) < 0)
                return -1;
        signals_reset_for_container();
        if (enter_namespaces(a, err) < 0)
                return -1;
        /* a new network namespace starts with lo down; runc and crun bring it up (in one
         * the runtime makes, the runtime does) */
        const struct spec_namespace *net = spec_namespace(spec, NS_NETWORK);
        if (net && !net->path && !a->netns_from_runtime && net_lo_up(err) < 0)
                return -1;

        if (process_set_hostname(spec, err) < 0)
                return -1;
        if (spec->hostname)
                send_progress(a, STEP_HOSTNAME, spec->hostname);

        bool proc_paths_done = false;
        struct rootfs_opts ro = {
                .no_pivot = a->o->no_pivot,
                .console_fd = -1,
                .new_netns = has_ns(spec, NS_NETWORK),
                /* also root of a user namespace we were called in (rootless podman's): no
                 * mknod, no fresh sysfs there either */
                .new_userns = has_ns(spec, NS_USER) || a->runtime_in_user_ns,
                .new_cgroupns = has_ns(spec, NS_CGROUP),
                .mount_trees = a->mount_trees,
                .before_net_mount = join_runtime_netns,
                .before_net_mount_data = a,
                .netns_wait = a->netns_from_runtime,
                .proc_paths_done = &proc_paths_done,
        };
        int rc = lsm_check_mount_label(&spec->linux, err);
        if (rc == 0)
                rc = rootfs_mount_all(spec, &ro, err);
        /* with no such mount: before the hooks, which look at the init's namespaces */
        if (rc == 0)
                rc = join_runtime_netns(a, err);
        /* attached or not, the idmapped trees are not the container's to see in /proc/1/fd */
        for (size_t i = 0; i < n_trees; i++)
                closep(&a->mount_trees[i]);
        if (rc < 0)
                return -1;
        send_progress(a, STEP_ROOTFS, spec->root_path);
        if (a->console_fd >= 0) {
                if (terminal_setup_container(spec, a->console_fd, !a->o->console_socket, err) < 0)
                        return -1;
                closep(&a->console_fd);
        }

        cleanup_free char *state_json = NULL;
        if (a->hooks_sync) {
                cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
                if (sync_send(a->sync_fd, SYNC_HOOKS_REQUEST, NULL, 0, err) < 0 ||
                    sync_expect(a->sync_fd, SYNC_HOOKS_DONE, m, "wait for the runtime hooks", err) < 0)
                        return -1;
                state_json = xstrdup(m->payload);
        }
        if (hooks_run(spec, HOOK_CREATE_CONTAINER, NULL, state_json, err) < 0)
                return -1;

        if (rootfs_finish(spec, &ro, err) < 0)
                return -1;
        send_progress(a, STEP_PIVOT, "");

        cleanup_free char *path = NULL;
        if (process_resolve_exec(&spec->process, &path, err) < 0)
                return -1;
        /* before process_apply: its rlimits (a small RLIMIT_FSIZE) would refuse the memfd's
         * write, and the label files are opened while we are root (review36) */
        cleanup_trampoline struct exec_trampoline trampoline = { .memfd = -1 };
        if (exec_trampoline_open(&spec->process, &trampoline, err) < 0 ||
            process_apply(&spec->process, err) < 0 ||
            process_set_memory_policy(&spec->linux.memory_policy, err) < 0)
                return -1;
        /* A seccomp agent gets its notify fd from create, as runc does, so a notifying filter
         * goes on now while the runtime waits; any other filter right before exec. */
        bool notify = seccomp_program_notifies(a->seccomp);
        /* the container outlives its runtime from "ready" on.  Cleared before a notifying
         * filter goes on, which may forbid prctl (the runtime's death still ends the init
         * from here: its next steps wait on the sync socket, whose end says so). */
        if (prctl(PR_SET_PDEATHSIG, 0) < 0)
                return error_make(err, errno, "prctl PR_SET_PDEATHSIG 0");
        if (notify && seccomp_hand_over(a->sync_fd, a->seccomp, err) < 0)
                return -1;

        if (sync_send(a->sync_fd, SYNC_READY, NULL, 0, err) < 0)
                return -1;
        *ready_sent = true;

        if (a->fifo_fd >= 0) {
                /* not before the runtime has recorded our pid: without "ready" we no longer die
                 * with it, and on the fifo its death goes unseen, so a runtime killed before
                 * its state write would leave us where no delete --force finds us */
                cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
                if (sync_expect(a->sync_fd, SYNC_RECORDED, m, "wait for the runtime to record the container", err) < 0)
                        return -1;
                closep(&a->sync_fd);
                /* wait for `start`: it writes one byte into the fifo */
                char c;
                ssize_t r;
                do
                        r = read(a->fifo_fd, &c, 1);
                while (r < 0 && errno == EINTR);
                if (r != 1)
                        return error_make(err, r < 0 ? errno : EPIPE, "wait for start on the exec fifo");
        } else {
                /* run's own start (maybe sent before "ready": create.c, release_early); a run
                 * that died before sending it is an end of file here */
                cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
                if (sync_expect(a->sync_fd, SYNC_START, m, "wait for start", err) < 0)
                        return -1;
        }
        /* the fifo (or the socket) stays open, close-on-exec: its closing tells start we exec'd */

        /* startContainer hooks see the state as it is now */
        if (hooks_run(spec, HOOK_START_CONTAINER, NULL, state_json, err) < 0)
                return -1;

        struct spec_process proc = spec->process;
        cleanup_strv char **env = strv_dup(spec->process.env);
        for (char **e = a->extra_env; e && *e; e++)
                strv_append(&env, *e);
        process_default_home(&env, proc.user.uid);
        proc.env = env;
        if (process_set_cpu_affinity(0, proc.exec_cpu_affinity.final, "process.execCPUAffinity.final", err) < 0)
                return -1;
        if (!notify && seccomp_program_install(a->seccomp, NULL, err) < 0)
                return -1;
        process_exec(&proc, path, &trampoline, err);
        return -1;
}

void init_main(struct init_args *a)
{
        struct error *err = NULL;
        bool ready_sent = false;

        init_setup(a, &ready_sent, &err);
        if (!err)
                error_make(&err, 0, "container init returned without exec");
        /* run's own start still listens on the sync socket after "ready": it says why */
        if (!ready_sent || (a->fifo_fd < 0 && a->sync_fd >= 0))
                sync_send_error(a->sync_fd, err);
        else
                log_error("container init: %s", err->msg);
        _exit(255);
}
