/* What fds reach the container process: 0-2, --preserve-fds, LISTEN_FDS; never one of the
 * runtime's own nor one the caller leaked to us (containerd's shim leaves fd 3 open). */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "contain/util.h"
#include "internal.h"

int fds_to_preserve(int preserve_fds)
{
        int n = preserve_fds > 0 ? preserve_fds : 0;
        const char *listen = getenv("LISTEN_FDS");
        int64_t l;
        if (listen && parse_int64(listen, &l) == 0 && l > 0 && l < 65536)
                n += (int)l;
        return n;
}

int fds_prepare_for_exec(int n, struct error **err)
{
        unsigned first = 3 + (unsigned)n;
        if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
                /* old kernel: walk the fds one by one */
                for (int fd = (int)first; fd < 65536; fd++) {
                        int fl = fcntl(fd, F_GETFD);
                        if (fl >= 0 && !(fl & FD_CLOEXEC))
                                fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
                }
        }
        for (int fd = 3; fd < (int)first; fd++) {
                int fl = fcntl(fd, F_GETFD);
                if (fl < 0)
                        continue;       /* asked to preserve an fd that is not open: nothing to do */
                if (fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
                        return error_make(err, errno, "keep fd %d open", fd);
        }
        return 0;
}

int pid_file_write(const char *path, pid_t pid, struct error **err)
{
        char buf[32];
        int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
        if (write_file_atomic_at(AT_FDCWD, path, buf, (size_t)len, 0644, false, err) < 0)
                return error_wrap(err, "write pid file");
        return 0;
}
