/* Creating the container init: clone3 (into its cgroup when the host has cgroup2), falling
 * back to clone.  Both are used fork-like: the child continues on a copy of our stack. */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "internal.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

pid_t clone_child(unsigned long flags, int cgroup_fd, int *pidfd, bool *entered, struct error **err)
{
        if (entered)
                *entered = false;
        int pfd = -1;
        struct clone_args args;
        memset(&args, 0, sizeof(args));
        args.flags = flags | CLONE_PIDFD;
        args.pidfd = (uint64_t)(uintptr_t)&pfd;
        /* CLONE_PARENT: the child's exit signal is our parent's; clone3 wants 0 here */
        args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
        if (cgroup_fd >= 0) {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t)cgroup_fd;
        }
        long pid = syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0 && cgroup_fd >= 0 && errno != ENOSYS) {
                /* the cgroup may refuse direct entry (e.g. domain invalid): the parent moves
                 * the child with cgroup_enter() instead */
                args.flags &= ~CLONE_INTO_CGROUP;
                args.cgroup = 0;
                pid = syscall(SYS_clone3, &args, sizeof(args));
        }
        if (pid < 0 && errno == ENOSYS) {
                pfd = -1;
                pid = syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, NULL);
        }
        if (pid < 0)
                return error_make(err, errno, "clone the container init");
        if (pid > 0 && entered)
                *entered = (args.flags & CLONE_INTO_CGROUP) != 0;
        if (pid > 0 && pidfd)
                *pidfd = pfd;
        else if (pid > 0 && pfd >= 0)
                close(pfd);
        return (pid_t)pid;
}
