/* Writes into /proc that nothing in the rootfs can redirect (sysctls, LSM labels, oom_score_adj),
 * and the test that keeps mounts of other filesystems off procfs and sysfs files. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include "contain/util.h"
#include "internal.h"

/* The inode number of the root directory of every procfs instance. */
#define PROC_ROOT_INO 1

const char *kernel_fs_name(int fd)
{
        struct statfs sfs;
        if (fstatfs(fd, &sfs) < 0)
                return NULL;
        if (sfs.f_type == PROC_SUPER_MAGIC)
                return "procfs";
        if (sfs.f_type == SYSFS_MAGIC)
                return "sysfs";
        return NULL;
}

static bool on_procfs(int fd)
{
        struct statfs sfs;
        return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

int procfs_open(const char *rel, int flags, struct error **err)
{
        cleanup_close int proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (proc < 0)
                return error_make(err, errno, "open /proc");
        if (!on_procfs(proc) || fstat(proc, &st) < 0 || st.st_ino != PROC_ROOT_INO)
                return error_make(err, 0, "/proc is not the root of a procfs: refusing to write /proc/%s", rel);

        /* Beneath /proc, through procfs's own symlinks (self, thread-self), never across a mount:
         * a file bound over /proc/sys/x (from the rootfs, a volume or another procfs file) is
         * refused instead of written (the CVE-2025-52881 family). */
        struct open_how how = {
                .flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC),
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int)syscall(SYS_openat2, proc, rel, &how, sizeof(how));
        if (fd < 0 && errno == ENOSYS)
                fd = openat(proc, rel, flags | O_NOFOLLOW | O_CLOEXEC);  /* before 5.6: checked below */
        if (fd < 0 && errno == EXDEV)
                return error_make(err, 0, "/proc/%s is covered by a mount: refusing to use it", rel);
        if (fd < 0)
                return error_make(err, errno, "open /proc/%s", rel);
        if (!on_procfs(fd)) {
                close(fd);
                return error_make(err, 0, "/proc/%s is not a procfs file: refusing to use it", rel);
        }
        return fd;
}

int procfs_write(const char *rel, const char *value, struct error **err)
{
        cleanup_close int fd = procfs_open(rel, O_WRONLY, err);
        if (fd < 0)
                return -1;
        size_t len = strlen(value);
        ssize_t n;
        do
                n = write(fd, value, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return error_make(err, errno, "write '%s' to /proc/%s", value, rel);
        if ((size_t)n != len)
                return error_make(err, EIO, "write /proc/%s: short write", rel);
        return 0;
}
