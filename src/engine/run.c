/* `run`: create + start + wait + delete in one process, which stays the init's parent so it
 * can collect the exit status; forwards signals and, for terminal:true without a console
 * socket, relays our own terminal. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

static void report_exit(const struct container_opts *o, int status)
{
        if (!o->exited && !o->progress)
                return;
        char detail[64];
        if (WIFSIGNALED(status))
                snprintf(detail, sizeof(detail), "killed by signal %d", WTERMSIG(status));
        else
                snprintf(detail, sizeof(detail), "exit status %d", WEXITSTATUS(status));
        if (o->progress)
                o->progress(o->progress_data, STEP_EXITED, detail);
        if (o->exited) {
                struct cgroup_stats st;
                cleanup_cgroup struct cgroup *cg = NULL;
                struct error *e = NULL;
                if (container_cgroup(o->root, o->id, &cg, &e) == 0 && cgroup_stats(cg, &st, &e) == 0) {
                        o->exited(o->exited_data, exit_code_of(status), &st);
                } else {
                        log_warning("run \"%s\": read the container's usage: %s", o->id, e ? e->msg : "no cgroup");
                        o->exited(o->exited_data, exit_code_of(status), NULL);
                }
                error_free(e);
        }
}

/* Removes (killing if needed) the container of a run that failed, and the pid file create
 * wrote for it: the original error is what the caller reports, so this one is dropped. */
static void discard(const struct container_opts *o, struct pid_file *pf)
{
        struct error *e = NULL;
        (void)container_delete(o->root, o->id, true, &e);
        error_free(e);
        pid_file_remove(pf);
}

int container_run(const struct spec *spec, const struct container_opts *o, int *exit_status,
                  struct error **err)
{
        bool relay_tty = spec->process.terminal && !o->console_socket;
        if (relay_tty && o->detach)
                return error_make(err, 0, "cannot allocate a terminal for a detached container without --console-socket");

        /* the forwarded signals are blocked before clone: the init unblocks them for itself */
        sigset_t set;
        __attribute__((cleanup(sigmask_restore))) sigset_t old;
        forward_signals_block(&set, &old);

        cleanup_close int console_ours = -1, console_theirs = -1;
        if (relay_tty) {
                int sp[2];
                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
                        return error_make(err, errno, "socketpair");
                console_ours = sp[0];
                console_theirs = sp[1];
        }
        /* Between the init's "ready" and its exec, run writes the --pid-file (startContainer
         * hooks and the process come after it, as with create and start), reports "running"
         * (quick mode: before anything the process prints) and takes the terminal's master
         * (before the process can use it).  Without any of these it has nothing to do there,
         * and create sends SYNC_START before the init asks for it: one round trip (two
         * wake-ups) fewer; *released then says it did. */
        bool released = !o->pid_file && !spec->hooks[HOOK_START_CONTAINER].n && !o->progress &&
                        !spec->process.terminal;
        pid_t pid = 0;
        int start_fd = -1;
        __attribute__((cleanup(pid_file_forget))) struct pid_file pf = PID_FILE_NONE;
        if (create_container(spec, o, console_theirs, &pid, &start_fd, released ? &released : NULL, &pf, err) < 0)
                return -1;
        closep(&console_theirs);

        cleanup_close int master = -1;
        if (relay_tty && console_recv_fd(console_ours, &master, err) < 0) {
                close(start_fd);
                discard(o, &pf);
                return -1;
        }
        /* reported before the release, so it comes before anything the process prints */
        if (o->progress) {
                char buf[32];
                snprintf(buf, sizeof(buf), "%d", (int)pid);
                o->progress(o->progress_data, STEP_RUNNING, buf);
        }
        if (container_start_direct(spec, o->root, o->id, start_fd, released, err) < 0) {
                discard(o, &pf);
                return -1;
        }
        if (o->detach) {
                *exit_status = 0;
                return 0;
        }

        /* nobody would wait for the process after a failure here: it goes too, unless kept */
        struct terminal_relay *relay = NULL;
        if (master >= 0 && terminal_relay_start(master, &relay, err) < 0) {
                if (!o->keep)
                        discard(o, &pf);
                return -1;
        }
        int status = 0;
        int r = wait_forwarding(pid, &set, relay, &status, err);
        terminal_relay_free(relay);
        if (r < 0) {
                if (!o->keep)
                        discard(o, &pf);
                return -1;
        }
        *exit_status = exit_code_of(status);
        report_exit(o, status);
        if (!o->keep && container_delete(o->root, o->id, true, err) < 0)
                return -1;
        return 0;
}
