/* `delete`: kills what is left (with --force), runs poststop hooks, destroys the cgroup and
 * removes the state dir; copes with whatever a runtime killed mid-create left behind. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "contain/linux.h"
#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* SIGKILLs the init (if it is still ours) and waits for it to be gone. */
static void kill_init_and_wait(const struct saved_state *s)
{
        if (s->pid <= 0)
                return;
        int pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
        if (pidfd < 0)
                return;
        if (state_pid_alive(s)) {
                (void)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                /* readable once it has exited; bounded so a D-state process cannot hang us */
                struct pollfd p = { .fd = pidfd, .events = POLLIN };
                while (poll(&p, 1, 10000) < 0 && errno == EINTR)
                        ;
        }
        close(pidfd);
}

int container_delete(const char *root, const char *id, bool force, struct error **err)
{
        cleanup_close int dirfd = statedir_open(root, id, true, err);
        if (dirfd < 0) {
                if (force && (*err)->errnum == ENOENT && strstr((*err)->msg, "does not exist")) {
                        error_free(*err);
                        *err = NULL;
                        /* a quick run killed before its state dir existed */
                        return scratch_dir_remove(root, id, err);
                }
                return -1;
        }
        cleanup_saved_state struct saved_state *s = NULL;
        int r = state_read_or_creating(dirfd, &s, err);
        if (r < 0)
                return error_wrap(err, "%s/%s", root, id);
        if (r == 1) { /* create died before writing anything (we hold the lock, so it is not running) */
                if (scratch_dir_remove(root, id, err) < 0)
                        return -1;
                return statedir_remove(root, id, dirfd, err);
        }
        cleanup_cgroup struct cgroup *cg = NULL;
        if (s->cgroup) {
                struct error *e = NULL;
                if (cgroup_open(s->cgroup, &cg, &e) < 0) {
                        log_warning("delete \"%s\": %s", id, e->msg);
                        error_free(e);
                }
        }
        const char *status = state_status(dirfd, s, cg);
        /* made in another pid or time namespace: whether it runs cannot be told from here, and
         * its pid would name another process.  Not even --force kills through its cgroup: that
         * may hold another --root's container by now (review33) */
        bool foreign = !state_namespaces_ours(s);
        /* made in a pid namespace that is gone: so is every process of it (state_status) */
        bool ns_gone = foreign && strcmp(status, "stopped") == 0;
        if (foreign && !ns_gone)
                return state_namespaces_check(s, id, err);
        /* a created container never ran anything of the user's: runc deletes it without
         * --force, and containerd's shim relies on that when a task is removed unstarted */
        bool created = strcmp(status, "created") == 0;
        if (strcmp(status, "stopped") != 0) {
                if (!force && !created)
                        return error_make(err, 0, "cannot delete container \"%s\" that is not stopped: %s", id, status);
                if (cg) {
                        struct error *e = NULL;
                        if (strcmp(status, "paused") == 0 && cgroup_freeze(cg, false, &e) < 0) {
                                log_warning("delete \"%s\": %s", id, e->msg);
                                error_free(e);
                                e = NULL;
                        }
                        if (cgroup_kill_all(cg, SIGKILL, &e) < 0) {
                                log_warning("delete \"%s\": %s", id, e->msg);
                                error_free(e);
                        }
                }
                if (!foreign)
                        kill_init_and_wait(s);
        }

        cleanup_spec struct spec *spec = NULL;
        struct error *e = NULL;
        /* the config is parsed only when something of it is due (it costs ~0.1 ms) */
        bool need_spec = !s->config_needs_known || (s->created_ok && s->has_poststop) || s->has_intel_rdt;
        if (need_spec && state_load_spec(dirfd, &spec, &e) < 0) {
                log_warning("delete \"%s\": %s: %s", id, s->created_ok ? "poststop hooks" : "config", e->msg);
                error_free(e);
                e = NULL;
        } else if (spec && s->created_ok && spec->hooks[HOOK_POSTSTOP].n) {
                cleanup_free char *json = state_hook_json(s, "stopped");
                hooks_run_warn(spec, HOOK_POSTSTOP, s->bundle, json);
        }
        /* processes outside a pid ns of its own may outlive the init: cgroup_destroy kills them.
         * With one of its own they died with the init: what a stopped container's cgroup holds
         * then is another's (a container of another --root with the same cgroupsPath took the
         * empty directory, review31), and stays. */
        if (cg && strcmp(status, "stopped") == 0 && (s->new_pid_ns || ns_gone) && cgroup_has_processes(cg))
                log_warning("delete \"%s\": its cgroup holds processes that are not the container's: left in place", id);
        else if (cg && cgroup_destroy(cg, err) < 0)
                return error_wrap(err, "delete container \"%s\"", id);
        if (spec && resctrl_remove(RESCTRL_ROOT, &spec->linux.intel_rdt, id, &e) < 0) {
                log_warning("delete \"%s\": %s", id, e->msg);
                error_free(e);
        }
        /* before the state dir: if this fails, the next delete still knows the id */
        if (scratch_dir_remove(root, id, err) < 0)
                return error_wrap(err, "delete container \"%s\"", id);
        return statedir_remove(root, id, dirfd, err);
}
