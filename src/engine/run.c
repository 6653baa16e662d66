/* `run`: create + start + wait + delete in one process, which stays the init's parent so it
 * can collect the exit status; forwards signals and, for terminal:true without a console
 * socket, relays our own terminal. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

static int exit_code(int status)
{
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return WEXITSTATUS(status);
}

/* Waits for pid, forwarding signals and pumping the terminal relay. */
static int wait_init(pid_t pid, int pidfd, int sigfd, struct terminal_relay *relay, int *status,
                     struct error **err)
{
        bool relay_open = relay != NULL;
        for (;;) {
                struct pollfd p[4] = {
                        { .fd = pidfd, .events = POLLIN },
                        { .fd = sigfd, .events = POLLIN },
                        { .fd = -1, .events = POLLIN },
                        { .fd = -1, .events = POLLIN },
                };
                if (relay_open) {
                        int fds[2];
                        terminal_relay_fds(relay, fds);
                        p[2].fd = fds[0];
                        p[3].fd = fds[1];
                }
                if (poll(p, 4, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return error_make(err, errno, "poll");
                }
                if (p[1].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
                                if ((int)si.ssi_signo == SIGWINCH) {
                                        if (relay)
                                                terminal_relay_resize(relay);
                                } else {
                                        kill(pid, (int)si.ssi_signo);
                                }
                        }
                }
                if (relay_open && (p[2].revents || p[3].revents))
                        relay_open = terminal_relay_io(relay, p[2].revents, p[3].revents);
                if (p[0].revents & POLLIN) {
                        pid_t w;
                        do
                                w = waitpid(pid, status, 0);
                        while (w < 0 && errno == EINTR);
                        if (w < 0)
                                return error_make(err, errno, "wait for the container process");
                        return 0;
                }
        }
}

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
                        o->exited(o->exited_data, exit_code(status), &st);
                } else {
                        log_warning("read the container's usage: %s", e ? e->msg : "no cgroup");
                        o->exited(o->exited_data, exit_code(status), NULL);
                }
                error_free(e);
        }
}

static void restore_sigmask(sigset_t *old)
{
        sigprocmask(SIG_SETMASK, old, NULL);
}

int container_run(const struct spec *spec, const struct container_opts *o, int *exit_status,
                  struct error **err)
{
        bool relay_tty = spec->process.terminal && !o->console_socket;
        if (relay_tty && o->detach)
                return error_make(err, EINVAL, "cannot allocate a terminal for a detached container without --console-socket");

        /* the forwarded signals are blocked before clone: the init unblocks them for itself */
        sigset_t set;
        __attribute__((cleanup(restore_sigmask))) sigset_t old;
        sigemptyset(&set);
        for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
                sigaddset(&set, forwarded[i]);
        sigprocmask(SIG_BLOCK, &set, &old);

        cleanup_close int console_ours = -1, console_theirs = -1;
        if (relay_tty) {
                int sp[2];
                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
                        return error_make(err, errno, "socketpair");
                console_ours = sp[0];
                console_theirs = sp[1];
        }
        pid_t pid = 0;
        if (create_container(spec, o, console_theirs, &pid, err) < 0)
                return -1;
        closep(&console_theirs);

        cleanup_close int master = -1;
        if (relay_tty && console_recv_fd(console_ours, &master, err) < 0) {
                struct error *e = NULL;
                (void)container_delete(o->root, o->id, true, &e);
                error_free(e);
                return -1;
        }
        if (container_start(o->root, o->id, err) < 0) {
                struct error *e = NULL;
                (void)container_delete(o->root, o->id, true, &e);
                error_free(e);
                return -1;
        }
        if (o->progress) {
                char buf[32];
                snprintf(buf, sizeof(buf), "%d", (int)pid);
                o->progress(o->progress_data, STEP_RUNNING, buf);
        }
        if (o->detach) {
                *exit_status = 0;
                return 0;
        }

        cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        cleanup_close int sigfd = signalfd(-1, &set, SFD_CLOEXEC);
        if (pidfd < 0 || sigfd < 0)
                return error_make(err, errno, "watch the container process");
        struct terminal_relay *relay = NULL;
        if (master >= 0 && terminal_relay_start(master, &relay, err) < 0)
                return -1;
        int status = 0;
        int r = wait_init(pid, pidfd, sigfd, relay, &status, err);
        terminal_relay_free(relay);
        if (r < 0)
                return -1;
        *exit_status = exit_code(status);
        report_exit(o, status);
        if (!o->keep && container_delete(o->root, o->id, true, err) < 0)
                return -1;
        return 0;
}
