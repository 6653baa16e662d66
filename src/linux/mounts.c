/* The mounts of config.json, in order, inside the rootfs: every target resolved in the rootfs
 * (inroot.c) and mounted through /proc/self/fd/N, so a symlink can never aim a mount at the host. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

const char *proc_fd_path(int fd, char buf[static 32])
{
        snprintf(buf, 32, "/proc/self/fd/%d", fd);
        return buf;
}

int mount_bind_fds(int src_fd, int dst_fd, bool recursive, struct error **err)
{
        char s[32], d[32];
        unsigned long flags = MS_BIND | (recursive ? MS_REC : 0);

        if (mount(proc_fd_path(src_fd, s), proc_fd_path(dst_fd, d), NULL, flags, NULL) == 0)
                return 0;
        if (errno != ENOENT)
                return error_make(err, errno, "bind mount");
        /* No /proc (a root without it, after pivot_root): the new mount API needs none. */
        cleanup_close int tree = open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                           (recursive ? AT_RECURSIVE : 0));
        if (tree < 0)
                return error_make(err, errno, "bind mount: open_tree");
        if (move_mount(tree, "", dst_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return error_make(err, errno, "bind mount: move_mount");
        return 0;
}

/* The remount without /proc (a root with no proc mount, after pivot_root): mount_setattr on the
 * fd itself.  It only adds flags, which is all the callers that run there ask for (read-only
 * on top of what the mount has: root.readonly, readonlyPaths, a read-only /dev). */
static int remount_setattr(int fd, unsigned long flags, const char *what, struct error **err)
{
        static const struct { unsigned long ms; unsigned long long attr; } map[] = {
                { MS_RDONLY, MOUNT_ATTR_RDONLY }, { MS_NOSUID, MOUNT_ATTR_NOSUID },
                { MS_NODEV, MOUNT_ATTR_NODEV },   { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
                { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
        };
        struct mount_attr attr = { 0 };
        for (size_t i = 0; i < ARRAY_SIZE(map); i++)
                if (flags & map[i].ms)
                        attr.attr_set |= map[i].attr;
        if (flags & MS_NOATIME) {
                attr.attr_set |= MOUNT_ATTR_NOATIME;
                attr.attr_clr |= MOUNT_ATTR__ATIME;
        }
        if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                return error_make(err, errno, "remount %s (mount_setattr)", what);
        return 0;
}

int mount_remount_fd(int fd, unsigned long flags, const char *what, struct error **err)
{
        char p[32];
        flags = (flags & ~(MS_REC | MS_REMOUNT | MS_BIND)) | MS_REMOUNT | MS_BIND;

        if (mount(NULL, proc_fd_path(fd, p), NULL, flags, NULL) == 0)
                return 0;
        if (errno == ENOENT && access("/proc/self/fd", F_OK) < 0)
                return remount_setattr(fd, flags, what, err);
        if (errno != EPERM)
                return error_make(err, errno, "remount %s", what);
        /* In a user namespace the kernel locks flags the mount already had: keep them. */
        struct statvfs sv;
        if (fstatvfs(fd, &sv) < 0)
                return error_make(err, errno, "statvfs %s", what);
        if (mount(NULL, p, NULL, flags | mountopts_locked_flags(sv.f_flag), NULL) < 0)
                return error_make(err, errno, "remount %s", what);
        return 0;
}

/* path: the file's place below the tmpfs's mount point, for errors */
static int copy_file(int src_dir, int dst_dir, const char *name, const char *path, const struct stat *st,
                     struct error **err)
{
        cleanup_close int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0)
                return error_make(err, errno, "tmpcopyup: open %s", path);
        cleanup_close int out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                       st->st_mode & 07777);
        if (out < 0)
                return error_make(err, errno, "tmpcopyup: create %s", path);
        char buf[65536];
        for (;;) {
                ssize_t n = read(in, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return error_make(err, errno, "tmpcopyup: read %s", path);
                if (n == 0)
                        break;
                if (write_all(out, buf, (size_t)n) < 0)
                        return error_make(err, errno, "tmpcopyup: write %s", path);
        }
        return 0;
}

/* rel: src_dir's place below the mount point ("" at the top), for errors. */
static int copy_tree_at(int src_dir, int dst_dir, const char *rel, struct error **err)
{
        int dfd = openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return error_make(err, errno, "tmpcopyup: open %s", *rel ? rel : ".");
        cleanup_dir DIR *d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return error_make(err, errno, "tmpcopyup: read %s", *rel ? rel : ".");
        }
        uint64_t here = fd_mount_id(src_dir);
        struct dirent *e;
        while ((errno = 0, e = readdir(d))) {
                const char *n = e->d_name;
                if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
                        continue;
                cleanup_free char *path = xasprintf("%s%s%s", rel, *rel ? "/" : "", n);
                struct stat st;
                if (fstatat(src_dir, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return error_make(err, errno, "tmpcopyup: stat %s", path);
                if (S_ISDIR(st.st_mode)) {
                        if (mkdirat(dst_dir, n, st.st_mode & 07777) < 0)
                                return error_make(err, errno, "tmpcopyup: mkdir %s", path);
                        cleanup_close int s = openat(src_dir, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        cleanup_close int t = openat(dst_dir, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (s < 0 || t < 0)
                                return error_make(err, errno, "tmpcopyup: open %s", path);
                        /* What is mounted below (an earlier /proc, /dev or bind) is not the
                         * directory's content: its mount point is copied, empty. */
                        if (fd_mount_id(s) == here && copy_tree_at(s, t, path, err) < 0)
                                return -1;
                } else if (S_ISREG(st.st_mode)) {
                        if (copy_file(src_dir, dst_dir, n, path, &st, err) < 0)
                                return -1;
                } else if (S_ISLNK(st.st_mode)) {
                        char target[4096];
                        ssize_t len = readlinkat(src_dir, n, target, sizeof(target) - 1);
                        if (len < 0)
                                return error_make(err, errno, "tmpcopyup: readlink %s", path);
                        target[len] = '\0';
                        if (symlinkat(target, dst_dir, n) < 0)
                                return error_make(err, errno, "tmpcopyup: symlink %s", path);
                } else if (mknodat(dst_dir, n, st.st_mode, st.st_rdev) < 0) {
                        return error_make(err, errno, "tmpcopyup: mknod %s", path);
                }
                if (fchownat(dst_dir, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                        return error_make(err, errno, "tmpcopyup: chown %s", path);
                if (!S_ISLNK(st.st_mode) && fchmodat(dst_dir, n, st.st_mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
                        return error_make(err, errno, "tmpcopyup: chmod %s", path);
        }
        if (errno)
                return error_make(err, errno, "tmpcopyup: read %s", *rel ? rel : ".");
        return 0;
}

int copy_tree(int src_dir, int dst_dir, struct error **err)
{
        return copy_tree_at(src_dir, dst_dir, "", err);
}

static bool is_type(const struct spec_mount *m, const char *t)
{
        return m->type && strcmp(m->type, t) == 0;
}

/* The files lxcfs emulates: binds over them are what runc allows inside /proc. */
static const char *const lxcfs_files[] = {
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
        "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
};

static bool procfs_place_allowed(const char *dest, const struct spec_mount *m)
{
        cleanup_free char *d = path_clean(dest);
        for (size_t i = 0; i < ARRAY_SIZE(lxcfs_files); i++)
                if (strcmp(d, lxcfs_files[i]) == 0)
                        return true;
        /* A procfs bound over /proc (the host's, for a container sharing its pid ns). */
        struct statfs sfs;
        return strcmp(d, "/proc") == 0 && m && m->source && statfs(m->source, &sfs) == 0 &&
               sfs.f_type == PROC_SUPER_MAGIC;
}

/* Where fd lies, as a path inside the rootfs, for messages. */
static char *path_in_root(int root_fd, int fd)
{
        char p[32], root[4096], where[4096];
        ssize_t rn = readlink(proc_fd_path(root_fd, p), root, sizeof(root) - 1);
        ssize_t wn = readlink(proc_fd_path(fd, p), where, sizeof(where) - 1);
        if (wn < 0)
                return xstrdup("?");
        where[wn] = '\0';
        if (rn > 1) {
                root[rn] = '\0';
                size_t l = (size_t)rn;
                if (strncmp(where, root, l) == 0 && (where[l] == '/' || where[l] == '\0'))
                        return xstrdup(where[l] ? where + l : "/");
        }
        return xstrdup(where);
}

int mount_target_check(int root_fd, int target, const char *dest, const struct spec_mount *m,
                       const char *what, struct error **err)
{
        const char *fs = kernel_fs_name(target);
        if (!fs || (m && (is_type(m, "proc") || is_type(m, "sysfs"))))
                return 0;
        /* The config naming a kernel file itself is the config's choice; reaching one through a
         * symlink of the image is the attack (etc/resolv.conf -> /proc/sys/...). */
        cleanup_close int literal = inroot_open_literal(root_fd, dest);
        struct stat a, b;
        bool same = literal >= 0 && fstat(literal, &a) == 0 && fstat(target, &b) == 0 &&
                    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
        if (same && (strcmp(fs, "sysfs") == 0 || procfs_place_allowed(dest, m)))
                return 0;
        cleanup_free char *where = path_in_root(root_fd, target);
        return error_make(err, 0, "%s: resolves to %s on %s%s: refusing (only a %s mount may go there)", what,
                          where, fs, same ? "" : " through a symlink in the rootfs",
                          strcmp(fs, "procfs") == 0 ? "proc" : "sysfs");
}

/* A mount of a new filesystem (proc, tmpfs, sysfs, ...) onto target. */
static int mount_fs(const struct spec_mount *m, const struct mount_opts *o, int target,
                    const struct rootfs_opts *opts, struct error **err)
{
        char p[32];
        unsigned long flags = o->flags & ~MS_REMOUNT;

        /* Without a netns of its own the container would see (and could change) the host's
         * network devices in sysfs: read-only then, like runc. */
        if (is_type(m, "sysfs") && !opts->new_netns)
                flags |= MS_RDONLY;
        const char *source = m->source ? m->source : m->type;
        if (mount(source, proc_fd_path(target, p), m->type, flags, o->data) == 0)
                return 0;
        if (errno == EPERM && is_type(m, "sysfs") && opts->new_userns) {
                /* sysfs needs a netns owned by our user ns; bind the host's read-only instead. */
                if (mount("/sys", p, NULL, MS_BIND | MS_REC, NULL) < 0)
                        return error_make(err, errno, "bind mount /sys (sysfs is not mountable here)");
                return 1;       /* caller remounts read-only */
        }
        return error_make(err, errno, "mount %s (type %s, data \"%s\")", source, m->type,
                          o->data ? o->data : "");
}

/* The recursive attributes ("rro", "rnosuid", ...): one mount_setattr over the whole tree. */
static int mount_set_tree_attrs(int fd, const struct mount_opts *o, const char *dest, struct error **err)
{
        if (!o->rec_set && !o->rec_clr)
                return 0;
        struct mount_attr attr = { .attr_set = o->rec_set, .attr_clr = o->rec_clr };
        if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
                return error_make(err, errno, "mounts: %s: set the recursive mount attributes", dest);
        return 0;
}

/* An fd (flags: O_PATH or O_RDONLY | O_DIRECTORY) of the topmost mount at dest; on_root: dest
 * led to the rootfs's root.  A lookup from root_fd never leaves the directory root_fd names, so
 * a mount on the root itself is reached through the rootfs's own path. */
static int open_mounted(int root_fd, const char *dest, bool on_root, int flags, struct error **err)
{
        if (!on_root)
                return inroot_open(root_fd, dest, flags, 0, err);
        char p[32], root[4096];
        ssize_t n = readlink(proc_fd_path(root_fd, p), root, sizeof(root) - 1);
        if (n < 0)
                return error_make(err, errno, "mounts: %s: find the rootfs", dest);
        root[n] = '\0';
        int fd = open(root, flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return error_make(err, errno, "mounts: %s: open %s", dest, root);
        return fd;
}

/* A tmpfs over a directory that exists takes its mode and owner, as with runc: "mode=" of the
 * directory goes first in the data (a "mode=" of the config comes later and wins); *had is
 * set to the directory's stat for the chown after mounting.  A mount point contain has to
 * create gets the config's mode (or tmpfs's 1777), never the new directory's. */
static void tmpfs_mode_of_mount_point(int root_fd, const struct spec_mount *m, struct mount_opts *o,
                                      struct stat *had, bool *existed)
{
        cleanup_close int fd = inroot_open_probe(root_fd, m->destination, O_PATH | O_DIRECTORY, 0);
        *existed = fd >= 0 && fstat(fd, had) == 0;
        if (!*existed)
                return;
        char *data = o->data ? xasprintf("mode=%04o,%s", had->st_mode & 07777, o->data)
                             : xasprintf("mode=%04o", had->st_mode & 07777);
        free(o->data);
        o->data = data;
}

/* The owner of the mount point, given to the tmpfs root unless the options set uid= or gid=
 * (a read-only tmpfs keeps its own).
 * An owner our user namespace does not map (EINVAL) stays tmpfs's default. */
static int tmpfs_owner_of_mount_point(int fd, const char *data, const struct stat *had,
                                      const char *dest, struct error **err)
{
        if (data && (strstr(data, "uid=") || strstr(data, "gid=")))
                return 0;
        if (fchown(fd, had->st_uid, had->st_gid) < 0 && errno != EINVAL && errno != EROFS)
                return error_make(err, errno, "mounts: %s: give the tmpfs the mount point's owner", dest);
        return 0;
}

bool mount_readonly_deferred(const struct spec_mount *m)
{
        cleanup_free char *dest = path_clean(m->destination);
        if (strcmp(dest, "/dev") != 0 || is_type(m, "bind"))
                return false;
        __attribute__((cleanup(mountopts_clear))) struct mount_opts o = { 0 };
        cleanup_error struct error *e = NULL;
        return mountopts_parse(m->options, &o, &e) == 0 && !(o.flags & MS_BIND) && (o.flags & MS_RDONLY);
}

int mount_one(const struct spec_mount *m, int tree_fd, int root_fd, const struct rootfs_opts *opts,
              struct error **err)
{
        if (is_type(m, "cgroup") || is_type(m, "cgroup2"))
                return cgroupfs_mount(m, root_fd, opts, err);

        __attribute__((cleanup(mountopts_clear))) struct mount_opts o = { 0 };
        if (mountopts_parse(m->options, &o, err) < 0)
                return error_wrap(err, "mounts: %s", m->destination);
        bool bind = (o.flags & MS_BIND) || is_type(m, "bind");
        if (bind)
                o.flags |= MS_BIND;
        else if (!m->type || !*m->type || strcmp(m->type, "none") == 0)
                return error_make(err, 0, "mounts: %s: no type and no bind option", m->destination);
        if (o.idmap && (!bind || tree_fd < 0))
                return error_make(err, 0, "mounts: %s: idmap is only for bind mounts", m->destination);

        /* proc and sysfs on a symlink would land wherever the rootfs points it (runc refuses
         * too): the container could then hide /proc from maskedPaths. */
        if (is_type(m, "proc") || is_type(m, "sysfs")) {
                /* cleaned: "/x/p/" would make the kernel follow p despite O_NOFOLLOW */
                cleanup_free char *clean = path_clean(m->destination);
                cleanup_close int probe = inroot_open_probe(root_fd, clean, O_PATH | O_NOFOLLOW, 0);
                struct stat st;
                if (probe >= 0 && fstat(probe, &st) == 0 && !S_ISDIR(st.st_mode))
                        return error_make(err, 0, "mounts: %s: refusing to mount %s on a %s", m->destination,
                                          m->type, S_ISLNK(st.st_mode) ? "symlink" : "non-directory");
        }

        if (mount_readonly_deferred(m))
                o.flags &= ~MS_RDONLY;  /* rootfs_finish, once /dev is filled */

        bool source_is_dir = true;
        if (bind) {
                if (!m->source)
                        return error_make(err, 0, "mounts: %s: a bind mount needs a source", m->destination);
                struct stat st;
                /* a tree the runtime opened: the source path may be out of our reach */
                if ((tree_fd >= 0 ? fstat(tree_fd, &st) : stat(m->source, &st)) < 0)
                        return error_make(err, errno, "mounts: %s: source %s", m->destination, m->source);
                source_is_dir = S_ISDIR(st.st_mode);
        }

        struct stat mount_point;
        bool mount_point_existed = false;
        if (is_type(m, "tmpfs") && !bind)
                tmpfs_mode_of_mount_point(root_fd, m, &o, &mount_point, &mount_point_existed);

        cleanup_close int target = inroot_mkpath(root_fd, m->destination, !source_is_dir,
                                                 source_is_dir ? 0755 : 0644, err);
        if (target < 0)
                return error_wrap(err, "mounts: %s", m->destination);
        cleanup_free char *what = xasprintf("mounts: %s", m->destination);
        if (mount_target_check(root_fd, target, m->destination, m, what, err) < 0)
                return -1;
        /* Not only "/": "/.." and "/newd/.." lead there too, and a mount on the root covers the
         * rootfs for the steps after it (/dev's nodes, mount points, masks go on top of it).  Only
         * the config may ask for that: a symlink of the image that turns a volume's destination
         * into "/" would have the runtime make its /dev nodes in the volume's host directory
         * (review28). */
        bool on_root = fd_same_place(target, root_fd);
        if (on_root) {
                cleanup_close int literal = inroot_open_literal(root_fd, m->destination);
                if (literal < 0 || !fd_same_place(literal, root_fd))
                        return error_make(err, 0, "mounts: %s: leads to the container's root through a symlink in "
                                          "the rootfs: refusing (a mount on the root must name \"/\")",
                                          m->destination);
        }
        cleanup_close int copy_from = -1;
        if (o.tmpcopyup && is_type(m, "tmpfs")) {
                copy_from = inroot_open(root_fd, m->destination, O_RDONLY | O_DIRECTORY, 0, err);
                if (copy_from < 0)
                        return error_wrap(err, "mounts: %s: tmpcopyup", m->destination);
        }

        char p[32];
        bool remount = false;
        /* A bind is made as a detached tree and attached onto the target fd: its fd is then the
         * new mount itself, and the flags below go onto it, never onto what the destination's
         * path leads to by then (another user of a volume can swap a directory for a symlink
         * after the mount: an "ro" bind went rw, review34). */
        cleanup_close int bind_tree = -1;
        int made = -1;
        if (bind && tree_fd >= 0) {
                if (idmap_tree_attach(tree_fd, target, err) < 0)
                        return error_wrap(err, "mounts: %s", m->destination);
                made = tree_fd;
                remount = (o.flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) != 0;
        } else if (bind) {
                bind_tree = open_tree(AT_FDCWD, m->source,
                                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o.flags & MS_REC ? AT_RECURSIVE : 0));
                if (bind_tree < 0 ||
                    move_mount(bind_tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                        return error_make(err, errno, "mounts: %s: bind mount %s", m->destination, m->source);
                made = bind_tree;
                remount = (o.flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) != 0;
        } else {
                int r = mount_fs(m, &o, target, opts, err);
                if (r < 0)
                        return error_wrap(err, "mounts: %s", m->destination);
                remount = r == 1;
                if (remount)
                        o.flags |= MS_RDONLY;
        }

        /* After mount(2) the fd still names the directory under the new mount: resolve again
         * to reach it, when there is something to change on the new mount. */
        closep(&target);
        if (made >= 0) {
                target = fcntl(made, F_DUPFD_CLOEXEC, 3);
                if (target < 0)
                        return error_make(err, errno, "mounts: %s: dup", m->destination);
        } else if (remount || o.rec_set || o.rec_clr || o.n_propagation) {
                target = open_mounted(root_fd, m->destination, on_root, O_PATH, err);
                if (target < 0)
                        return error_wrap(err, "mounts: %s: after mounting", m->destination);
        }
        if (remount && mount_remount_fd(target, o.flags, m->destination, err) < 0)
                return error_wrap(err, "mounts"); /* the inner message names the destination */
        if (mount_set_tree_attrs(target, &o, m->destination, err) < 0)
                return -1;
        for (size_t i = 0; i < o.n_propagation; i++)
                if (mount(NULL, proc_fd_path(target, p), NULL, o.propagation[i], NULL) < 0)
                        return error_make(err, errno, "mounts: %s: set propagation", m->destination);
        if (mount_point_existed) {
                cleanup_close int top = open_mounted(root_fd, m->destination, on_root, O_RDONLY | O_DIRECTORY, err);
                if (top < 0)
                        return error_wrap(err, "mounts: %s", m->destination);
                if (tmpfs_owner_of_mount_point(top, o.data, &mount_point, m->destination, err) < 0)
                        return -1;
        }
        if (copy_from >= 0) {
                cleanup_close int to = open_mounted(root_fd, m->destination, on_root, O_RDONLY | O_DIRECTORY, err);
                if (to < 0 || copy_tree(copy_from, to, err) < 0)
                        return error_wrap(err, "mounts: %s", m->destination);
        }
        log_debug("mounted %s on %s", m->source ? m->source : m->type, m->destination);
        return on_root ? 1 : 0;
}
