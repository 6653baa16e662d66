/* Paths inside the rootfs that can never leave it: openat2(RESOLVE_IN_ROOT) where the kernel
 * has it, else a component-by-component walk that treats the rootfs as "/" for symlinks and "..". */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "contain/util.h"
#include "internal.h"

#define MAX_SYMLINKS 40

static int sys_openat2(int dirfd, const char *path, int flags, mode_t mode)
{
        struct open_how how = {
                .flags = (unsigned long long)(flags | O_CLOEXEC),
                .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd;

        /* EAGAIN: a concurrent rename raced the lookup; the kernel asks us to retry. */
        for (int i = 0; i < 16; i++) {
                fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
                if (fd >= 0 || errno != EAGAIN)
                        break;
        }
        return fd;
}

static bool same_file(int a, const struct stat *b)
{
        struct stat st;
        return fstat(a, &st) == 0 && st.st_dev == b->st_dev && st.st_ino == b->st_ino;
}

/* The walk itself: returns an fd or -1 with errno set. */
static int walk_in_root(int root_fd, const char *path, int flags, mode_t mode)
{
        struct stat root_st;
        if (fstat(root_fd, &root_st) < 0)
                return -1;
        cleanup_close int cur = openat(root_fd, ".", O_PATH | O_CLOEXEC);
        if (cur < 0)
                return -1;
        cleanup_free char *remaining = xstrdup(path);
        int links = 0;

        for (;;) {
                char *p = remaining;
                while (*p == '/')
                        p++;
                if (*p == '\0')
                        break;
                char *slash = strchr(p, '/');
                cleanup_free char *comp = slash ? xstrndup(p, (size_t)(slash - p)) : xstrdup(p);
                char *rest = slash ? slash : p + strlen(p);
                bool last = true;
                for (const char *r = rest; *r; r++)
                        if (*r != '/')
                                last = false;
                cleanup_free char *rest_copy = xstrdup(rest);
                free(remaining);
                remaining = steal_pointer(&rest_copy);

                if (strcmp(comp, ".") == 0)
                        continue;
                if (strcmp(comp, "..") == 0) {
                        if (same_file(cur, &root_st))
                                continue;       /* ".." of the root is the root */
                        int up = openat(cur, "..", O_PATH | O_CLOEXEC);
                        if (up < 0)
                                return -1;
                        close(cur);
                        cur = up;
                        continue;
                }
                int next = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0) {
                        if (last && errno == ENOENT && (flags & O_CREAT))
                                return openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
                        return -1;
                }
                struct stat st;
                if (fstat(next, &st) < 0) {
                        int e = errno;
                        close(next);
                        errno = e;
                        return -1;
                }
                if (S_ISLNK(st.st_mode) && !(last && (flags & O_NOFOLLOW))) {
                        char target[PATH_MAX];
                        ssize_t n = readlinkat(next, "", target, sizeof(target) - 1);
                        close(next);
                        if (n < 0)
                                return -1;
                        target[n] = '\0';
                        if (++links > MAX_SYMLINKS) {
                                errno = ELOOP;
                                return -1;
                        }
                        char *joined = xasprintf("%s%s", target, remaining);
                        free(remaining);
                        remaining = joined;
                        if (target[0] == '/') {
                                int r = openat(root_fd, ".", O_PATH | O_CLOEXEC);
                                if (r < 0)
                                        return -1;
                                close(cur);
                                cur = r;
                        }
                        continue;
                }
                close(cur);
                cur = next;
                if (last && (flags & O_CREAT) && (flags & O_EXCL)) {
                        errno = EEXIST;
                        return -1;
                }
        }

        if (flags & O_PATH) {
                if (flags & O_DIRECTORY) {
                        struct stat st;
                        if (fstat(cur, &st) < 0)
                                return -1;
                        if (!S_ISDIR(st.st_mode)) {
                                errno = ENOTDIR;
                                return -1;
                        }
                }
                return steal_fd(&cur);
        }
        /* Reopen the object we reached (not a path) with the access the caller wants. */
        char buf[32];
        return open(proc_fd_path(cur, buf), (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW)) | O_CLOEXEC);
}

int inroot_open_fallback(int root_fd, const char *path, int flags, mode_t mode, struct error **err)
{
        int fd = walk_in_root(root_fd, path, flags, mode);
        if (fd < 0)
                return error_make(err, errno, "open %s inside the rootfs", path);
        return fd;
}

int inroot_open_probe(int root_fd, const char *path, int flags, mode_t mode)
{
        int fd = sys_openat2(root_fd, path, flags, mode);
        if (fd < 0 && (errno == ENOSYS || errno == E2BIG || errno == EPERM))
                fd = walk_in_root(root_fd, path, flags, mode);  /* old kernel or a seccomp filter */
        return fd;
}

int inroot_open(int root_fd, const char *path, int flags, mode_t mode, struct error **err)
{
        int fd = inroot_open_probe(root_fd, path, flags, mode);
        if (fd < 0)
                return error_make(err, errno, "open %s inside the rootfs", path);
        return fd;
}

int inroot_open_literal(int root_fd, const char *path)
{
        struct open_how how = {
                .flags = O_PATH | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS,
        };
        int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
        if (fd >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EPERM))
                return fd;
        /* The walk without openat2: every component a plain name, none a symlink. */
        cleanup_close int cur = openat(root_fd, ".", O_PATH | O_CLOEXEC);
        cleanup_free char *copy = xstrdup(path);
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c && cur >= 0; c = strtok_r(NULL, "/", &save)) {
                if (strcmp(c, ".") == 0)
                        continue;
                if (strcmp(c, "..") == 0) {
                        errno = ELOOP;
                        return -1;
                }
                int next = openat(cur, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                struct stat st;
                if (next >= 0 && fstat(next, &st) == 0 && S_ISLNK(st.st_mode)) {
                        close(next);
                        errno = ELOOP;
                        return -1;
                }
                close(cur);
                cur = next;
        }
        return cur < 0 ? -1 : steal_fd(&cur);
}

/* The usual case of a missing mount point (/dev/pts in a fresh /dev): only the last component
 * is missing.  Creates it in its resolved parent and opens it; -1 when that is not the case
 * (or anything else fails), for the walk below to handle with its messages. */
static int mkpath_last(int root_fd, const char *path, bool last_is_file, mode_t mode)
{
        cleanup_free char *clean = path_clean(path);
        char *slash = strrchr(clean, '/');
        if (!slash || !slash[1] || strcmp(slash + 1, "..") == 0 || strcmp(slash + 1, ".") == 0)
                return -1;
        const char *name = slash + 1;
        cleanup_free char *dir = slash == clean ? xstrdup("/") : xstrndup(clean, (size_t)(slash - clean));
        cleanup_close int parent = inroot_open_probe(root_fd, dir, O_PATH | O_DIRECTORY, 0);
        if (parent < 0)
                return -1;
        if (last_is_file) {
                int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
                if (f < 0)
                        return -1;
                close(f);
        } else if (mkdirat(parent, name, mode) < 0) {
                return -1;
        }
        /* resolved again from the root, as the walk does: what was made must be what is found */
        return inroot_open_probe(root_fd, clean, O_PATH, 0);
}

static int mkpath_depth(int root_fd, const char *path, bool last_is_file, mode_t mode, int depth,
                        struct error **err)
{
        /* cleaned: "/f/" names the file f (the walk below splits on "/" anyway), in the
         * first run that makes it and in the next that finds it */
        cleanup_free char *clean = path_clean(path);
        int fd = inroot_open_probe(root_fd, clean, O_PATH, 0);
        if (fd >= 0)
                return fd;
        if (errno != ENOENT)
                return error_make(err, errno, "open %s inside the rootfs", path);
        fd = mkpath_last(root_fd, path, last_is_file, mode);
        if (fd >= 0)
                return fd;

        cleanup_close int parent = openat(root_fd, ".", O_PATH | O_CLOEXEC);
        if (parent < 0)
                return error_make(err, errno, "open the rootfs");
        cleanup_free char *copy = xstrdup(path);
        cleanup_free char *prefix = xstrdup("");
        char *save = NULL;
        char *comp = strtok_r(copy, "/", &save);

        while (comp) {
                char *next_comp = strtok_r(NULL, "/", &save);
                bool last = next_comp == NULL;
                char *p = xasprintf("%s/%s", prefix, comp);
                free(prefix);
                prefix = p;

                int fd2 = inroot_open_probe(root_fd, prefix, O_PATH, 0);
                if (fd2 < 0 && errno == ENOENT) {
                        /* comp is a single name, created in a directory already resolved in root. */
                        if (last && last_is_file) {
                                int f = openat(parent, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
                                if (f < 0 && errno != EEXIST)
                                        return error_make(err, errno, "create %s inside the rootfs", prefix);
                                if (f >= 0)
                                        close(f);
                        } else if (mkdirat(parent, comp, last ? mode : 0755) < 0 && errno != EEXIST) {
                                return error_make(err, errno, "mkdir %s inside the rootfs", prefix);
                        }
                        fd2 = inroot_open_probe(root_fd, prefix, O_PATH, 0);
                }
                struct stat st;
                if (fd2 < 0 && errno == ENOENT && fstatat(parent, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISLNK(st.st_mode)) {
                        /* A dangling symlink: create what it points to, inside the root. */
                        char target[PATH_MAX];
                        ssize_t n = readlinkat(parent, comp, target, sizeof(target) - 1);
                        if (n < 0)
                                return error_make(err, errno, "readlink %s inside the rootfs", prefix);
                        target[n] = '\0';
                        if (depth >= MAX_SYMLINKS)
                                return error_make(err, ELOOP, "mkdir %s inside the rootfs", path);
                        const char *rest = next_comp ? next_comp : "";
                        cleanup_free char *tail = *save ? xasprintf("%s/%s", rest, save) : xstrdup(rest);
                        char *dir_end = strrchr(prefix, '/');
                        *dir_end = '\0';
                        cleanup_free char *joined = target[0] == '/' ? xasprintf("%s/%s", target, tail)
                                                                     : xasprintf("%s/%s/%s", prefix, target, tail);
                        return mkpath_depth(root_fd, joined, last_is_file, mode, depth + 1, err);
                }
                if (fd2 < 0)
                        return error_make(err, errno, "open %s inside the rootfs", prefix);
                close(parent);
                parent = fd2;
                comp = next_comp;
        }
        return steal_fd(&parent);
}

int inroot_mkpath(int root_fd, const char *path, bool last_is_file, mode_t mode, struct error **err)
{
        return mkpath_depth(root_fd, path, last_is_file, mode, 0, err);
}
