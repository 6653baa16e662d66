/* Times one command for bench.py and reports its peak RSS, from a tiny static process.
 * Why not from Python: the kernel charges a child with its spawner's memory (exec records the
 * old mm's high-water mark, and a vfork child's old mm is the parent's), so a runtime spawned
 * by Python would "use" Python's 15 MB.  Spawned from here it is charged this program's few
 * hundred KB at most (the floor row shows that baseline).
 *
 * usage: spawn ARGV...   (stdin/stdout/stderr are passed on; fd 3 gets the result line)
 * result: "<exit code or 128+signal> <wall ns> <ru_maxrss KiB> <user+system CPU us>\n" on fd 3
 * (CPU time and RSS cover the command and the children it waited for)
 * build: cc -O2 -static -o spawn bench/spawn.c     (bench.py does this itself) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "usage: spawn ARGV... (result on fd 3)\n");
                return 2;
        }
        /* the command must not inherit the result pipe */
        if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0) {
                fprintf(stderr, "spawn: fd 3: %s\n", strerror(errno));
                return 2;
        }
        long long t0 = now_ns();
        pid_t pid = vfork();
        if (pid < 0) {
                fprintf(stderr, "spawn: vfork: %s\n", strerror(errno));
                return 2;
        }
        if (pid == 0) {
                execv(argv[1], argv + 1);
                _exit(127);
        }
        int status;
        struct rusage ru;
        while (wait4(pid, &status, 0, &ru) < 0)
                if (errno != EINTR) {
                        fprintf(stderr, "spawn: wait4: %s\n", strerror(errno));
                        return 2;
                }
        long long t1 = now_ns();
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        long long cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
                           ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
        dprintf(3, "%d %lld %ld %lld\n", code, t1 - t0, ru.ru_maxrss, cpu_us);
        return 0;
}
