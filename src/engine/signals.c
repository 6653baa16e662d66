/* The signal state a container process starts with, whoever started the runtime. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

/* The signals whose disposition is SIG_IGN, from /proc/self/status's SigIgn (bit sig-1);
 * all but SIGKILL and SIGSTOP when it cannot be read. */
static uint64_t ignored_signals(void)
{
        char buf[4096];
        cleanup_close int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
        const char *line = NULL;
        if (n > 0) {
                buf[n] = '\0';
                line = strstr(buf, "\nSigIgn:\t");
        }
        char *end = NULL;
        unsigned long long mask = line ? strtoull(line + strlen("\nSigIgn:\t"), &end, 16) : 0;
        if (!line || !end || *end != '\n')
                return ~0ULL & ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
        return mask;
}

/* The caller may have blocked or ignored signals (run blocks the ones it forwards).  Handlers
 * are reset by execve by themselves (and the runtime installs none), an ignored signal stays
 * ignored: only those are reset, not all 64 one by one. */
void signals_reset_for_container(void)
{
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        uint64_t ign = ignored_signals();
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        for (int sig = 1; sig < NSIG && sig <= 64; sig++)
                if ((ign & (1ULL << (sig - 1))) && sig != SIGKILL && sig != SIGSTOP)
                        (void)sigaction(sig, &dfl, NULL);
}
