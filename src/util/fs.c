/* Whole-file reads, atomic writes, mkdir -p and rm -rf by fds: file system chores with error context. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysmacros.h>
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

/* Creates "<path>.tmp.<16 random hex digits>" for writing, as a new file (O_EXCL): whoever can
 * write to path's directory (a --pid-file's may be anyone's) could otherwise plant a symlink
 * at a name they can guess and have us write through it.  *tmp gets the name (also on
 * failure, for the message); -1 with errno. */
static int open_new_tmp(int dirfd, const char *path, mode_t mode, char **tmp)
{
        for (int tries = 0;; tries++) {
                uint64_t r;
                if (getrandom(&r, sizeof(r), 0) != sizeof(r))
                        r = (uint64_t)getpid() << 32 ^ (uint64_t)tries;
                free(*tmp);
                *tmp = xasprintf("%s.tmp.%016llx", path, (unsigned long long)r);
                int fd = openat(dirfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
                if (fd >= 0 || errno != EEXIST || tries >= 16)
                        return fd;
        }
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
        cleanup_free char *tmp = NULL;
        cleanup_close int fd = open_new_tmp(dirfd, path, mode, &tmp);
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

/* Where a directory is: its mount (a bind mount of the same file system has its own mount id,
 * where st_dev would not tell) and its inode. */
struct dir_id {
        uint64_t mnt_id;
        dev_t dev;
        ino_t ino;
};

static int dir_id_of(int fd, struct dir_id *id)
{
        struct statx sx;
        if (statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &sx) < 0)
                return -1;
        *id = (struct dir_id){
                .mnt_id = (sx.stx_mask & STATX_MNT_ID) ? sx.stx_mnt_id : 0,
                .dev = makedev(sx.stx_dev_major, sx.stx_dev_minor),
                .ino = sx.stx_ino,
        };
        return 0;
}

uint64_t fd_mount_id(int fd)
{
        struct dir_id id;
        return dir_id_of(fd, &id) == 0 ? id.mnt_id : 0;
}

bool fd_same_place(int a, int b)
{
        struct dir_id x, y;
        return dir_id_of(a, &x) == 0 && dir_id_of(b, &y) == 0 && x.mnt_id == y.mnt_id && x.dev == y.dev &&
               x.ino == y.ino;
}

/* Empties the directory open as *cur and removes what is below it, depth first without
 * recursion: a non-empty subdirectory becomes *cur (the parent's fd closed), an emptied one is
 * left by "..", and its parent is read again from the start.  So neither the depth of the tree
 * nor the length of its paths has a limit (a container can nest 100,000 directories in its
 * overlay's upper layer), and at most two fds are open.  Every step down and up is checked
 * against where we came from (mount and inode, kept per level): a directory moved out of the
 * tree meanwhile would otherwise lead ".." somewhere else, and what is there would go (ESTALE);
 * a mount below, of any file system, is not entered (EXDEV).  Symlinks are removed, never
 * followed.  Returns 0, or -1 with errno and *what naming the step. */
static int empty_and_remove(int *cur, const char **what)
{
        size_t depth = 0, cap = 16;
        cleanup_free struct dir_id *ids = xcalloc(cap, sizeof(*ids));     /* ids[d]: level d */
        if (dir_id_of(*cur, &ids[0]) < 0) {
                *what = "statx";
                return -1;
        }
        for (;;) {
                int dfd = fcntl(*cur, F_DUPFD_CLOEXEC, 0);
                DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
                if (!d) {
                        if (dfd >= 0)
                                close(dfd);
                        *what = "read a directory";
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
                        struct dir_id id;
                        if (sub < 0 || dir_id_of(sub, &id) < 0 || id.mnt_id != ids[0].mnt_id || id.dev != ids[0].dev) {
                                failed = sub < 0 ? errno : EXDEV;
                                if (sub >= 0)
                                        close(sub);
                                break;
                        }
                        if (++depth == cap) {
                                cap *= 2;
                                ids = xrealloc(ids, cap * sizeof(*ids));
                        }
                        ids[depth] = id;
                        close(*cur);
                        *cur = sub;
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
                close(*cur);
                *cur = up;
                depth--;
                struct dir_id id;
                if (up < 0 || dir_id_of(up, &id) < 0) {
                        *what = "..";
                        return -1;
                }
                if (id.mnt_id != ids[depth].mnt_id || id.dev != ids[depth].dev || id.ino != ids[depth].ino) {
                        errno = ESTALE;
                        *what = "a directory was moved out of it meanwhile";
                        return -1;
                }
        }
}

int remove_tree_at(int dirfd, const char *name, const char *shown, struct error **err)
{
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT)
                        return 0;
                /* not a directory (or a symlink to one): the entry itself goes */
                if ((errno == ENOTDIR || errno == ELOOP) && unlinkat(dirfd, name, 0) == 0)
                        return 0;
                return error_make(err, errno, "remove %s", shown);
        }
        const char *what = NULL;
        int r = empty_and_remove(&fd, &what);
        int e = errno;
        close(fd);
        if (r < 0)
                return error_make(err, e, "remove %s: %s", shown, what ? what : "stat");
        if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return error_make(err, errno, "remove %s", shown);
        return 0;
}

int remove_tree(const char *path, struct error **err)
{
        cleanup_free char *dir = xstrdup(path);
        char *slash = strrchr(dir, '/');
        while (slash && slash > dir && slash[1] == '\0') {     /* "a/b/" names b */
                *slash = '\0';
                slash = strrchr(dir, '/');
        }
        const char *name = slash ? slash + 1 : dir;
        if (slash)
                *slash = '\0';
        if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return error_make(err, EINVAL, "remove %s: not a name in a directory", path);
        cleanup_close int parent = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (parent < 0)
                return errno == ENOENT ? 0 : error_make(err, errno, "remove %s", path);
        return remove_tree_at(parent, name, path, err);
}
