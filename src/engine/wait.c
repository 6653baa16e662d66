/* Waiting for a process we started (run, exec): signals sent to us are forwarded to it, and
 * an optional terminal relay is pumped meanwhile. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "contain/util.h"
#include "internal.h"

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

void forward_signals_block(sigset_t *set, sigset_t *old)
{
        sigemptyset(set);
        for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
                sigaddset(set, forwarded[i]);
        sigprocmask(SIG_BLOCK, set, old);
}

void sigmask_restore(sigset_t *old)
{
        sigprocmask(SIG_SETMASK, old, NULL);
}

int exit_code_of(int status)
{
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return WEXITSTATUS(status);
}

int wait_forwarding(pid_t pid, const sigset_t *set, struct terminal_relay *relay, int *wstatus,
                    struct error **err)
{
        cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        cleanup_close int sigfd = signalfd(-1, set, SFD_CLOEXEC);
        if (pidfd < 0 || sigfd < 0)
                return error_make(err, errno, "watch process %d", (int)pid);
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
                                w = waitpid(pid, wstatus, 0);
                        while (w < 0 && errno == EINTR);
                        if (w < 0)
                                return error_make(err, errno, "wait for process %d", (int)pid);
                        return 0;
                }
        }
}
