/* What fds reach the container: 0-2, --preserve-fds, LISTEN_FDS; never one of the runtime's own
 * nor one the caller leaked (containerd's shim leaves fd 3 open; a host directory fd is the
 * CVE-2024-21626 escape), not even in the init while the container is "created". */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

int fds_to_preserve(int preserve_fds)
{
        int n = preserve_fds > 0 ? preserve_fds : 0;
        const char *listen = getenv("LISTEN_FDS"), *listen_pid = getenv("LISTEN_PID");
        int64_t l, p;
        /* sd_listen_fds(3): the fds are ours only when LISTEN_PID names us; a stale or forged
         * LISTEN_FDS must not pass whatever the caller holds (a host directory) on */
        if (!listen || !listen_pid || parse_int64(listen_pid, &p) < 0 || p != (int64_t)getpid())
                return n;
        if (parse_int64(listen, &l) == 0 && l > 0 && l < 65536)
                n += (int)l;
        return n;
}

void fds_close_listed(unsigned lo, unsigned hi)
{
        int own = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = own >= 0 ? fdopendir(own) : NULL;
        if (!d) {
                if (own >= 0)
                        close(own);
                /* no /proc: every number the fd limit allows */
                struct rlimit rl;
                unsigned max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max < 1U << 20 ? (unsigned)rl.rlim_max : 1U << 20;
                for (unsigned fd = lo; fd <= hi && fd < max; fd++)
                        close((int)fd);
                return;
        }
        /* closing while reading the listing may skip entries: read it again until it is clean */
        bool closed_some;
        do {
                closed_some = false;
                rewinddir(d);
                for (struct dirent *e; (e = readdir(d));) {
                        int64_t fd;
                        if (parse_int64(e->d_name, &fd) < 0 || fd == dirfd(d) || fd < lo || fd > hi)
                                continue;
                        close((int)fd);
                        closed_some = true;
                }
        } while (closed_some);
        closedir(d);
}

/* close_range(2) when the kernel has it (5.9+). */
static void close_between(unsigned lo, unsigned hi)
{
        if (lo > hi)
                return;
        if (syscall(SYS_close_range, lo, hi, 0) == 0)
                return;
        fds_close_listed(lo, hi);
}

int fds_close_for_container(int n, int *const keep[], size_t n_keep, struct error **err)
{
        unsigned first = 3 + (unsigned)(n > 0 ? n : 0);
        /* Below first, an fd the caller gave us came through execve, so it is never close-on-exec;
         * one that is was opened by the runtime in a slot the caller left free: move it up when
         * the child needs it, close it there in any case. */
        for (unsigned fd = 0; fd < first; fd++) {
                int fl = fcntl((int)fd, F_GETFD);
                if (fl < 0 || !(fl & FD_CLOEXEC))
                        continue;
                for (size_t i = 0; i < n_keep; i++) {
                        if (*keep[i] != (int)fd)
                                continue;
                        int moved = fcntl((int)fd, F_DUPFD_CLOEXEC, (int)first);
                        if (moved < 0)
                                return error_make(err, errno, "move fd %u above the preserved fds", fd);
                        *keep[i] = moved;
                }
                close((int)fd);
        }
        /* Above: only the kept fds, in whatever order they come. */
        unsigned lo = first;
        for (;;) {
                unsigned next = ~0U;
                for (size_t i = 0; i < n_keep; i++)
                        if (*keep[i] >= (int)lo && (unsigned)*keep[i] < next)
                                next = (unsigned)*keep[i];
                if (next == ~0U) {
                        close_between(lo, ~0U);
                        return 0;
                }
                if (next > lo)
                        close_between(lo, next - 1);
                lo = next + 1;
        }
}

/* The directory of a --pid-file path, opened, and the file's name in it (a pointer into path). */
static int pid_file_dir(const char *path, const char **base, struct error **err)
{
        cleanup_free char *dir = xstrdup(path);
        char *slash = strrchr(dir, '/');
        *base = slash ? path + (slash - dir) + 1 : path;
        if (slash)
                *slash = '\0';
        if (!**base)
                return error_make(err, EISDIR, "--pid-file %s: names a directory", path);
        int dirfd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return error_make(err, errno, "--pid-file %s: open its directory", path);
        return dirfd;
}

int pid_file_write(const char *path, pid_t pid, struct pid_file *out, struct error **err)
{
        char buf[32];
        int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
        /* every step (temporary file, swap, unlink; a removal later) in the one directory
         * opened here: looked up anew each time, the path could lead elsewhere between them if
         * someone swaps a directory on it */
        const char *base;
        cleanup_close int dirfd = pid_file_dir(path, &base, err);
        if (dirfd < 0)
                return -1;
        if (write_file_atomic_at(dirfd, base, buf, (size_t)len, 0644, false, err) < 0)
                return error_wrap(err, "write pid file %s", path);
        struct stat st;
        if (out && fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
                *out = (struct pid_file){ .dirfd = steal_fd(&dirfd), .name = base, .dev = st.st_dev, .ino = st.st_ino };
        return 0;
}

void pid_file_forget(struct pid_file *pf)
{
        closep(&pf->dirfd);
}

void pid_file_remove(struct pid_file *pf)
{
        struct stat st;
        /* someone else's file by now (replaced, renamed over): not ours to remove */
        if (pf->dirfd >= 0 && fstatat(pf->dirfd, pf->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            st.st_dev == pf->dev && st.st_ino == pf->ino)
                (void)unlinkat(pf->dirfd, pf->name, 0);
        closep(&pf->dirfd);
}
