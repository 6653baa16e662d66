/* Whole-file reads, atomic writes and mkdir -p: file system chores with error context. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "contain/util.h"

int write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;

        while (len > 0) {
                ssize_t w = write(fd, p, len);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return -1;
                }
                p += w;
                len -= (size_t)w;
        }
        return 0;
}

int read_fd_all(int fd, const char *name, size_t max, char **out, size_t *len, struct error **err)
{
        size_t cap = 4096, n = 0;
        cleanup_free char *buf = xmalloc(cap + 1);
        for (;;) {
                if (n == cap) {
                        cap *= 2;
                        buf = xrealloc(buf, cap + 1);
                }
                ssize_t r = read(fd, buf + n, cap - n);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return error_make(err, errno, "read %s", name);
                }
                if (r == 0)
                        break;
                n += (size_t)r;
                if (max && n > max)
                        return error_make(err, EFBIG, "read %s: larger than %zu bytes", name, max);
        }
        buf[n] = '\0';
        if (len)
                *len = n;
        *out = steal_pointer(&buf);
        return 0;
}

int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len, struct error **err)
{
        cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return error_make(err, errno, "open %s", path);
        return read_fd_all(fd, path, max, out, len, err);
}

/* Puts tmp in place of an existing path by swapping the two names and unlinking the old file,
 * which is as atomic for a reader as rename(2) but skips ext4's auto_da_alloc: a rename over an
 * existing file makes ext4 write the new file's blocks out at once (~0.1 ms for a state file
 * on a disk-backed --root), a flush only worth it for data that must survive a crash.
 * Returns 0 when done, -1 when the caller should rename instead (no path yet, or a file system
 * without RENAME_EXCHANGE), or an errno when path is something we must not replace (a
 * directory: rename would fail with EISDIR, so the swap is undone). */
static int replace_by_exchange(int dirfd, const char *tmp, const char *path)
{
        if (renameat2(dirfd, tmp, dirfd, path, RENAME_EXCHANGE) < 0)
                return -1;
        if (unlinkat(dirfd, tmp, 0) == 0)
                return 0;
        int e = errno;
        /* tmp now names what was at path: put it back, our file returns to tmp */
        if (renameat2(dirfd, tmp, dirfd, path, RENAME_EXCHANGE) < 0)
                return errno;
        return e;
}

int write_file_atomic_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                         bool sync, struct error **err)
{
        cleanup_free char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
        cleanup_close int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0)
                return error_make(err, errno, "create %s", tmp);
        if (write_all(fd, data, len) < 0 || (sync && fdatasync(fd) < 0)) {
                int e = errno;
                unlinkat(dirfd, tmp, 0);
                return error_make(err, e, "write %s", tmp);
        }
        if (!sync) {
                int r = replace_by_exchange(dirfd, tmp, path);
                if (r == 0)
                        return 0;
                if (r > 0) {
                        unlinkat(dirfd, tmp, 0);
                        return error_make(err, r, "replace %s", path);
                }
        }
        if (renameat(dirfd, tmp, dirfd, path) < 0) {
                int e = errno;
                unlinkat(dirfd, tmp, 0);
                return error_make(err, e, "rename %s to %s", tmp, path);
        }
        return 0;
}

int write_file_at(int dirfd, const char *path, const char *data, struct error **err)
{
        cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return error_make(err, errno, "open %s", path);
        size_t len = strlen(data);
        ssize_t w = write(fd, data, len);
        if (w < 0)
                return error_make(err, errno, "write '%s' to %s", data, path);
        if ((size_t)w != len)
                return error_make(err, EIO, "short write of '%s' to %s", data, path);
        return 0;
}

int mkdir_p(const char *path, mode_t mode, struct error **err)
{
        cleanup_free char *p = xstrdup(path);
        size_t n = strlen(p);

        while (n > 1 && p[n - 1] == '/')
                p[--n] = '\0';
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return error_make(err, errno, "mkdir %s", p);
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return error_make(err, errno, "mkdir %s", p);
        return 0;
}

char *path_clean(const char *path)
{
        char *out = xmalloc(strlen(path) + 2);
        size_t n = 0;
        for (const char *p = path; *p;) {
                while (*p == '/')
                        p++;
                const char *end = strchrnul(p, '/');
                size_t len = (size_t)(end - p);
                if (len && !(len == 1 && *p == '.')) {
                        out[n++] = '/';
                        memcpy(out + n, p, len);
                        n += len;
                }
                p = end;
        }
        if (n == 0)
                out[n++] = '/';
        out[n] = '\0';
        return out;
}

/* Empties the directory open as *cur and removes it, depth first without recursion: a
 * non-empty subdirectory becomes *cur (the parent's fd closed), an emptied one is left by
 * "..", and its parent is read again from the start.  So neither the depth of the tree nor the
 * length of its paths has a limit (a container can nest 100,000 directories in its overlay's
 * upper layer), and at most two fds are open.  Only for trees nobody else changes meanwhile
 * (".." must lead back to where we came from).  Symlinks are removed, never followed; a mount
 * inside (another st_dev) is not entered: its removal fails with EXDEV.  Returns 0, or -1 with
 * errno and *what naming the entry. */
static int empty_and_remove(int *cur, dev_t dev, const char **what)
{
        size_t depth = 0;
        for (;;) {
                int dfd = dup(*cur);
                DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
                if (!d) {
                        if (dfd >= 0)
                                close(dfd);
                        *what = ".";
                        return -1;
                }
                bool descended = false;
                int failed = 0;
                for (struct dirent *de; (de = readdir(d));) {
                        const char *n = de->d_name;
                        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
                                continue;
                        if (unlinkat(*cur, n, 0) == 0 || errno == ENOENT)
                                continue;
                        if (errno != EISDIR && errno != EPERM) {
                                failed = errno;
                                break;
                        }
                        if (unlinkat(*cur, n, AT_REMOVEDIR) == 0 || errno == ENOENT)
                                continue;
                        if (errno != ENOTEMPTY && errno != EEXIST) {
                                failed = errno;
                                break;
                        }
                        int sub = openat(*cur, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        struct stat st;
                        if (sub < 0 || fstat(sub, &st) < 0 || st.st_dev != dev) {
                                failed = sub < 0 ? errno : EXDEV;
                                if (sub >= 0)
                                        close(sub);
                                break;
                        }
                        close(*cur);
                        *cur = sub;
                        depth++;
                        descended = true;
                        break;
                }
                closedir(d);
                if (failed) {
                        errno = failed;
                        *what = "an entry below it";
                        return -1;
                }
                if (descended)
                        continue;
                if (depth == 0)
                        return 0;
                int up = openat(*cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (up < 0) {
                        *what = "..";
                        return -1;
                }
                close(*cur);
                *cur = up;
                depth--;
        }
}

int remove_tree(const char *path, struct error **err)
{
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT)
                        return 0;
                /* not a directory (or a symlink to one): the entry itself goes */
                if ((errno == ENOTDIR || errno == ELOOP) && unlink(path) == 0)
                        return 0;
                return error_make(err, errno, "remove %s", path);
        }
        struct stat st;
        const char *what = NULL;
        int r = fstat(fd, &st) < 0 ? -1 : empty_and_remove(&fd, st.st_dev, &what);
        int e = errno;
        close(fd);
        if (r < 0)
                return error_make(err, e, "remove %s: %s", path, what ? what : "stat");
        if (rmdir(path) < 0 && errno != ENOENT)
                return error_make(err, errno, "remove %s", path);
        return 0;
}
