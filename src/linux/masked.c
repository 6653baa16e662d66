/* maskedPaths and readonlyPaths, applied after pivot_root: files are covered by a verified
 * /dev/null (mounted by fd), directories by an empty read-only tmpfs; read-only paths get a
 * read-only bind of themselves.  Paths missing from the rootfs are skipped, like runc. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* The last answer of top_dir_fs: the paths of a list mostly share their first component
 * (/proc), and asking costs three system calls. */
struct top_fs {
        char *top;              /* the component asked about, or NULL */
        const char *fs;         /* its kernel filesystem, or NULL */
};

static void top_fs_forget(struct top_fs *c)
{
        free(c->top);
        c->top = NULL;
}

/* The kernel filesystem (procfs, sysfs) mounted at path's first component, if any. */
static const char *top_dir_fs(int root, const char *path, struct top_fs *c)
{
        while (*path == '/')
                path++;
        size_t n = strcspn(path, "/");
        if (c->top && strlen(c->top) == n && strncmp(c->top, path, n) == 0)
                return c->fs;
        top_fs_forget(c);
        c->top = xstrndup(path, n);
        cleanup_close int fd = openat(root, *c->top ? c->top : ".", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        c->fs = fd < 0 ? NULL : kernel_fs_name(fd);
        return c->fs;
}

/* After a mount on path: a mount on a first component itself ("/proc") changes what is there,
 * and a path with ".." may have led back up to one through a symlink. */
static void top_fs_mounted(struct top_fs *c, const char *path)
{
        cleanup_free char *clean = path_clean(path);
        if (!strchr(clean + 1, '/') || strstr(clean, ".."))
                top_fs_forget(c);
}

/* Opens path in the (pivoted) root without following a final symlink's escape; -2 if missing.
 * A path under a procfs or sysfs must still be on it once resolved: a rootfs that led
 * /proc/sys elsewhere would leave the real one writable.  The path is cleaned first, as
 * listed_before compares it: "/proc/keys/" names the file /proc/keys, which must not be
 * skipped as missing (the kernel says ENOTDIR for the trailing slash; runc refuses it). */
static int open_target(int root, const char *path, struct top_fs *c, struct error **err)
{
        cleanup_free char *clean = path_clean(path);
        cleanup_close int fd = inroot_open_probe(root, clean, O_PATH, 0);
        if (fd < 0) {
                if (errno == ENOENT || errno == ENOTDIR)
                        return -2;
                return error_make(err, errno, "open %s inside the rootfs", clean);
        }
        const char *want = top_dir_fs(root, clean, c);
        const char *got = kernel_fs_name(fd);
        if (want && (!got || strcmp(want, got) != 0))
                return error_make(err, 0, "%s lies under %s but resolves outside it: refusing", path, want);
        return steal_fd(&fd);
}

/* paths[i] names the same path as an earlier entry ("/proc/keys", "/proc//keys/"). */
static bool listed_before(char *const *paths, size_t i)
{
        cleanup_free char *p = path_clean(paths[i]);
        for (size_t k = 0; k < i; k++) {
                cleanup_free char *q = path_clean(paths[k]);
                if (strcmp(p, q) == 0)
                        return true;
        }
        return false;
}

bool path_under_proc(const char *path)
{
        cleanup_free char *clean = path_clean(path);
        /* ".." is resolved by the kernel, not here: "/proc/../etc" is not under /proc */
        return !strstr(clean, "..") && (strcmp(clean, "/proc") == 0 || strncmp(clean, "/proc/", 6) == 0);
}

/* Whether paths[i] is one of the part asked for. */
static bool in_part(const char *path, enum paths_part part)
{
        return part == PATHS_ALL || (part == PATHS_PROC) == path_under_proc(path);
}

int masked_paths_apply(int root, char *const *paths, enum paths_part part, struct error **err)
{
        if (!paths || !paths[0])
                return 0;
        /* A /dev/null we verified, so a swapped node or symlink cannot stand in for it. */
        cleanup_close int null = inroot_open_probe(root, "/dev/null", O_PATH, 0);
        struct stat nst;
        if (null < 0 || fstat(null, &nst) < 0)
                return error_make(err, errno, "maskedPaths: open /dev/null");
        if (!S_ISCHR(nst.st_mode) || major(nst.st_rdev) != 1 || minor(nst.st_rdev) != 3)
                return error_make(err, 0, "maskedPaths: /dev/null is not the null device (char 1:3)");

        /* the devices of the tmpfs mounts made here: a path listed twice (or reached again
         * through a symlink) resolves to one of them and is masked already */
        size_t n_paths = 0;
        while (paths[n_paths])
                n_paths++;
        cleanup_free dev_t *masks = xcalloc(n_paths, sizeof(*masks));
        size_t n_masks = 0;
        __attribute__((cleanup(top_fs_forget))) struct top_fs top_cache = { 0 };
        cleanup_close int empty_dir = -1;     /* the first masked directory's tmpfs */

        for (size_t i = 0; paths[i]; i++) {
                if (!in_part(paths[i], part) || listed_before(paths, i))
                        continue;
                cleanup_close int t = open_target(root, paths[i], &top_cache, err);
                if (t == -1)
                        return error_wrap(err, "maskedPaths");
                if (t == -2) {
                        t = -1;
                        continue;
                }
                struct stat st;
                if (fstat(t, &st) < 0)
                        return error_make(err, errno, "maskedPaths: stat %s", paths[i]);
                bool masked = S_ISDIR(st.st_mode) ? false : st.st_rdev == nst.st_rdev && S_ISCHR(st.st_mode);
                for (size_t k = 0; k < n_masks && !masked; k++)
                        masked = masks[k] == st.st_dev;
                if (masked)
                        continue;
                if (S_ISDIR(st.st_mode) && empty_dir >= 0) {
                        /* the one empty tmpfs of the first masked directory, bound again: a
                         * superblock less to make and to tear down per directory */
                        if (mount_bind_fds(empty_dir, t, false, err) < 0)
                                return error_wrap(err, "maskedPaths: %s", paths[i]);
                        top_fs_mounted(&top_cache, paths[i]);
                } else if (S_ISDIR(st.st_mode)) {
                        /* empty, readable and read-only, as runc and crun show it (mode 000
                         * would make `ls` fail with EACCES instead of listing nothing) */
                        char p[32];
                        if (mount("tmpfs", proc_fd_path(t, p), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                  "size=0,mode=0755") < 0)
                                return error_make(err, errno, "maskedPaths: mount tmpfs over %s", paths[i]);
                        top_fs_mounted(&top_cache, paths[i]);
                        cleanup_free char *clean = path_clean(paths[i]);
                        empty_dir = inroot_open(root, clean, O_PATH, 0, err);
                        struct stat tst;
                        if (empty_dir < 0)
                                return error_wrap(err, "maskedPaths");
                        if (fstat(empty_dir, &tst) < 0)
                                return error_make(err, errno, "maskedPaths: stat %s", paths[i]);
                        masks[n_masks++] = tst.st_dev;
                } else if (mount_bind_fds(null, t, false, err) < 0) {
                        return error_wrap(err, "maskedPaths: %s", paths[i]);
                } else {
                        top_fs_mounted(&top_cache, paths[i]);
                }
        }
        return 0;
}

/* A read-only bind of t onto itself as one detached clone of its tree, made read-only before it
 * is attached: mount_setattr adds the flag to what the mount has (nosuid, noexec of /proc), so
 * three system calls do what a bind, a new lookup, a statvfs and a remount did.  0, 1 when the
 * kernel lacks them (before 5.12), -1 with err. */
static int bind_readonly_new_api(int t, const char *path, struct error **err)
{
        cleanup_close int tree = open_tree(t, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
        if (tree < 0)
                return errno == ENOSYS ? 1 : error_make(err, errno, "readonlyPaths: %s: open_tree", path);
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
        if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                return errno == ENOSYS ? 1 : error_make(err, errno, "readonlyPaths: %s: make read-only", path);
        if (move_mount(tree, "", t, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return error_make(err, errno, "readonlyPaths: %s: attach the read-only bind", path);
        return 0;
}

int readonly_paths_apply(int root, char *const *paths, enum paths_part part, struct error **err)
{
        if (!paths || !paths[0])
                return 0;
        __attribute__((cleanup(top_fs_forget))) struct top_fs top_cache = { 0 };
        for (size_t i = 0; paths[i]; i++) {
                if (!in_part(paths[i], part))
                        continue;
                cleanup_close int t = open_target(root, paths[i], &top_cache, err);
                if (t == -1)
                        return error_wrap(err, "readonlyPaths");
                if (t == -2) {
                        t = -1;
                        continue;
                }
                int r = bind_readonly_new_api(t, paths[i], err);
                if (r <= 0) {
                        if (r < 0)
                                return -1;
                        top_fs_mounted(&top_cache, paths[i]);
                        continue;
                }
                if (mount_bind_fds(t, t, true, err) < 0)
                        return error_wrap(err, "readonlyPaths: %s", paths[i]);
                top_fs_mounted(&top_cache, paths[i]);
                /* Reach the new bind (the old fd names the covered directory). */
                cleanup_free char *clean = path_clean(paths[i]);
                cleanup_close int top = inroot_open(root, clean, O_PATH, 0, err);
                if (top < 0)
                        return error_wrap(err, "readonlyPaths");
                struct statvfs sv;
                if (fstatvfs(top, &sv) < 0)
                        return error_make(err, errno, "readonlyPaths: statvfs %s", paths[i]);
                /* Keep the flags the mount has (nosuid, noexec of /proc), add read-only. */
                if (mount_remount_fd(top, MS_RDONLY | mountopts_locked_flags(sv.f_flag), paths[i], err) < 0)
                        return error_wrap(err, "readonlyPaths");
        }
        return 0;
}
