/* The floor of the benchmark: the least a runtime must do to run a command in a container
 * (clone into the same namespaces, make the rootfs a mount, pivot_root, mount /proc, exec),
 * so bench.py can say "N x the kernel's own cost".  No config, no state, no cgroups.
 *
 * usage: floor ROOTFS [ARGS...]      (default ARGS: /bin/true)
 * build: cc -O2 -o floor bench/floor.c     (bench.py does this itself) */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char *const default_args[] = { "/bin/true", NULL };

static void die(const char *what)
{
        fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
        _exit(127);
}

/* The container side: everything a runtime's init does before exec, and nothing more. */
static void child(const char *rootfs, char *const *args)
{
        /* our mounts must not propagate back to the host */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                die("make / private");
        /* pivot_root needs the new root to be a mount point */
        if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                die("bind the rootfs onto itself");
        if (chdir(rootfs) < 0)
                die("chdir to the rootfs");
        /* pivot_root(".", ".") stacks the old root on top of the new one; detach it */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                die("pivot_root");
        if (umount2(".", MNT_DETACH) < 0)
                die("detach the old root");
        if (chdir("/") < 0)
                die("chdir /");
        if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                die("mount /proc");
        execv(args[0], args);
        die(args[0]);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "usage: floor ROOTFS [ARGS...]\n");
                return 2;
        }
        char *const *args = argc > 2 ? argv + 2 : default_args;
        /* fork-like clone (no new stack): the same namespaces the bundle asks for */
        long pid = syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                                          CLONE_NEWNET | SIGCHLD,
                           NULL, NULL, NULL, NULL);
        if (pid < 0)
                die("clone");
        if (pid == 0)
                child(argv[1], args);
        int status;
        while (waitpid((pid_t)pid, &status, 0) < 0)
                if (errno != EINTR)
                        die("waitpid");
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        return 128 + WTERMSIG(status);
}
