/* The signal state a container process starts with, whoever started the runtime. */
#include <signal.h>

#include "contain/util.h"
#include "internal.h"

/* The caller may have blocked or ignored signals (run blocks the ones it forwards).  Handlers
 * are reset by execve by themselves (and the runtime installs none), an ignored signal stays
 * ignored: only those are set back.  Asking each disposition (a read-only sigaction) costs
 * what reading /proc/self/status's SigIgn does (~60 µs here), without needing /proc. */
void signals_reset_for_container(void)
{
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        struct sigaction dfl = { .sa_handler = SIG_DFL }, cur;
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &cur) == 0 && cur.sa_handler == SIG_IGN)
                        (void)sigaction(sig, &dfl, NULL);
}
