/* `start`: one byte into the exec fifo releases the waiting init, which execs the user process
 * (that exec is what makes the status "running"); the fifo is removed and poststart hooks run. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* The error of an init that went away between its release and its exec (-1, *err), else 0. */
static int init_exited_before_exec(const char *id, const struct saved_state *s, struct error **err)
{
        int ws = 0;
        if (!proc_exited_before_exec(s->pid, s->start_time, &ws))
                return 0;
        cleanup_free char *who = xasprintf("container \"%s\": its init", id);
        return exited_before_exec_error(who, ws, err);
}

/* Releases the init and waits until it has exec'd the user process (poststart must come
 * after that): the init holds the fifo open read-write and close-on-exec, so once the byte
 * is taken, "no writer left" (POLLHUP) means it exec'd (or exited).  The HUP is only
 * reported to a reader that saw a writer come after it: hence our own short-lived writer. */
static int release_init(int dirfd, const char *id, const struct saved_state *s, struct error **err)
{
        cleanup_close int r = openat(dirfd, EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (r < 0)
                return error_make(err, errno, "open the exec fifo of \"%s\"", id);
        cleanup_close int w = openat(dirfd, EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (w < 0)
                return error_make(err, errno, "open the exec fifo of \"%s\"", id);
        if (!state_pid_alive(s))
                return error_make(err, 0, "cannot start a container that has stopped");
        if (write(w, "0", 1) != 1)
                return error_make(err, errno, "release the init of \"%s\"", id);
        closep(&w);
        for (;;) {
                /* events 0: only the HUP (POLLIN, true while the byte is unread, would return
                 * at once and make this a busy loop) */
                struct pollfd p = { .fd = r, .events = 0 };
                int n = poll(&p, 1, 50);
                if (n < 0 && errno != EINTR)
                        return error_make(err, errno, "wait for the init of \"%s\"", id);
                /* the timeout only guards against an init that is gone without a HUP */
                bool gone = (p.revents & POLLHUP) || (n == 0 && !state_pid_alive(s));
                if (!gone)
                        continue;
                int unread = 0;
                if (ioctl(r, FIONREAD, &unread) < 0)
                        return error_make(err, errno, "wait for the init of \"%s\"", id);
                if (unread > 0)
                        return error_make(err, 0, "container \"%s\": its init exited before start", id);
                return init_exited_before_exec(id, s, err);
        }
}

/* Poststart hooks: a failure is a warning for configs before runtime-spec 1.3.0 and an error
 * (-1, *err) from 1.3.0 on. */
static int run_poststart_hooks(int dirfd, const char *id, const struct saved_state *s, struct error **err)
{
        if (s->config_needs_known && !s->has_poststart)
                return 0;
        cleanup_spec struct spec *spec = NULL;
        struct error *e = NULL;
        if (state_load_spec(dirfd, &spec, &e) < 0) {
                log_warning("start \"%s\": poststart hooks: %s", id, e->msg);
                error_free(e);
                return 0;
        }
        if (!spec->hooks[HOOK_POSTSTART].n)
                return 0;
        cleanup_free char *json = state_hook_json(s, "running");
        if (!spec_version_at_least(spec->oci_version, 1, 3)) {
                hooks_run_warn(spec, HOOK_POSTSTART, s->bundle, json);
                return 0;
        }
        return hooks_run(spec, HOOK_POSTSTART, s->bundle, json, err);
}

/* The poststart hooks; when one fails (runtime-spec 1.3), the container is removed. */
static int poststart_or_remove(const char *root, const char *id, int *dirfd, const struct saved_state *s,
                               struct error **err)
{
        if (run_poststart_hooks(*dirfd, id, s, err) == 0)
                return 0;
        /* runtime-spec 1.3 (runtime.md, lifecycle step 6): a failed poststart hook stops the
         * container, and it is destroyed as delete would; the lock is ours until dirfd closes */
        closep(dirfd);
        struct error *e = NULL;
        if (container_delete(root, id, true, &e) < 0) {
                log_warning("start \"%s\": remove after the failed poststart hook: %s", id, e->msg);
                error_free(e);
        }
        return error_wrap(err, "container \"%s\" was stopped and removed", id);
}

int container_start(const char *root, const char *id, struct error **err)
{
        cleanup_close int dirfd = statedir_open(root, id, true, err);
        if (dirfd < 0)
                return -1;
        cleanup_saved_state struct saved_state *s = NULL;
        if (state_read(dirfd, &s, err) < 0) {
                if ((*err)->errnum == ENOENT) {
                        error_free(*err);
                        *err = NULL;
                        return error_make(err, 0, "cannot start container \"%s\": it is not created", id);
                }
                return -1;
        }
        if (state_namespaces_check(s, id, err) < 0)
                return -1;
        cleanup_cgroup struct cgroup *cg = NULL;
        struct error *e = NULL;
        if (s->cgroup && cgroup_open(s->cgroup, &cg, &e) < 0) {
                log_debug("start \"%s\": %s", id, e->msg);
                error_free(e);
        }
        const char *status = state_status(dirfd, s, cg);
        if (strcmp(status, "created") != 0) {
                if (strcmp(status, "stopped") == 0)
                        return error_make(err, 0, "cannot start a container that has stopped");
                if (strcmp(status, "creating") == 0)
                        return error_make(err, 0, "cannot start container \"%s\": it is still being created", id);
                /* a frozen init could not take the fifo's byte: start would wait forever */
                if (strcmp(status, "paused") == 0)
                        return error_make(err, 0, "cannot start container \"%s\": it is paused (resume it first)", id);
                return error_make(err, 0, "cannot start an already running container");
        }

        if (release_init(dirfd, id, s, err) < 0)
                return -1;
        /* The user process runs now, whatever follows: state_status() sees its exec, so a
         * fifo or a status we cannot update (read-only or full --root) is only tidiness lost,
         * and start succeeds as the container did. */
        if (unlinkat(dirfd, EXEC_FIFO, 0) < 0 && errno != ENOENT)
                log_warning("start \"%s\": remove the exec fifo: %s", id, strerror(errno));
        /* state.json keeps "created": the status is computed (state_status: the init has
         * exec'd), so a write here (~0.2 ms on a disk-backed --root) would say nothing new */

        return poststart_or_remove(root, id, &dirfd, s, err);
}

int container_start_direct(const struct spec *spec, const char *root, const char *id, int start_fd,
                           bool released, struct error **err)
{
        cleanup_close int fd = start_fd;
        /* an init gone meanwhile: the read below finds what it said, else it never started */
        bool gone = false;
        if (!released && sync_send(fd, SYNC_START, NULL, 0, err) < 0) {
                if (!sync_peer_gone(err))
                        return error_wrap(err, "start container \"%s\"", id);
                gone = true;
        }
        cleanup_close int dirfd = statedir_open(root, id, true, err);
        if (dirfd < 0)
                return -1;
        cleanup_saved_state struct saved_state *s = NULL;
        if (state_read(dirfd, &s, err) < 0 || state_mark_created(dirfd, s, err) < 0)
                return -1;
        /* the init holds its end until its exec (close-on-exec) or its death: either way the
         * next read is the end of file, unless it failed in between and says why */
        cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
        struct error *e = NULL;
        if (sync_recv(fd, m, &e) == 0) {
                /* the init failed between start and its exec (a startContainer hook, the exec) */
                if (m->type == SYNC_ERROR)
                        return sync_error_from_msg(m, "container init", err);
                if (m->fd >= 0)
                        close(m->fd);
                return error_make(err, EPROTO, "start container \"%s\": unexpected message %u", id, m->type);
        }
        bool eof = e->errnum == EPIPE;
        if (!eof) {
                *err = e;
                return error_wrap(err, "start container \"%s\"", id);
        }
        error_free(e);
        if (gone)
                return error_make(err, 0, "start container \"%s\": the container init exited before its start", id);
        if (init_exited_before_exec(id, s, err) < 0)
                return -1;
        if (!spec->hooks[HOOK_POSTSTART].n)
                return 0;
        return poststart_or_remove(root, id, &dirfd, s, err);
}

int state_load_spec(int dirfd, struct spec **out, struct error **err)
{
        cleanup_free char *text = NULL;
        size_t len;
        if (read_file_at(dirfd, CONFIG_FILE, 0, &text, &len, err) < 0)
                return error_wrap(err, "load the container's saved config");
        if (spec_parse(text, len, "saved config.json", NULL, out, err) < 0)
                return error_wrap(err, "load the container's saved config");
        return 0;
}
