/* /dev inside the container: the default device nodes, the usual symlinks, linux.devices (mknod,
 * or a bind of the host's node inside a user namespace) and /dev/console bound from the pty fd. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

struct default_dev {
        const char *name;
        unsigned maj, min;
};

static const struct default_dev default_devs[] = {
        { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
        { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct { const char *name, *target; } default_links[] = {
        { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
        { "stderr", "/proc/self/fd/2" }, { "core", "/proc/kcore" }, { "ptmx", "pts/ptmx" },
};

bool devices_dev_is_bind(const struct spec *spec)
{
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct spec_mount *m = &spec->mounts[i];
                if (strcmp(m->destination, "/dev") != 0 && strcmp(m->destination, "/dev/") != 0)
                        continue;
                if (m->type && strcmp(m->type, "bind") == 0)
                        return true;
                for (size_t k = 0; m->options && m->options[k]; k++)
                        if (strcmp(m->options[k], "bind") == 0 || strcmp(m->options[k], "rbind") == 0)
                                return true;
        }
        return false;
}

/* The directory a node goes in, created if missing, and never one on procfs or sysfs that a
 * symlink of the rootfs led to (dev -> /proc/sys/kernel would put nodes and the console there). */
static int open_dev_dir(int root_fd, const char *dir, const char *what, struct error **err)
{
        cleanup_close int fd = inroot_mkpath(root_fd, dir, false, 0755, err);
        if (fd < 0)
                return -1;
        if (mount_target_check(root_fd, fd, dir, NULL, what, err) < 0)
                return -1;
        return steal_fd(&fd);
}

/* One device node, name in dir (opened with open_dev_dir), path in the container (and on the
 * host, for a bind in a user namespace), replacing whatever is there, with exactly mode and
 * uid:gid (chown and chmod after mknod: the umask, a default ACL of the directory, a setgid
 * directory or a file system's own rules may have made it otherwise). */
static int make_device_at(int dir, const char *name, const char *path, mode_t type, unsigned maj, unsigned min,
                          mode_t mode, uid_t uid, gid_t gid, bool userns, struct error **err)
{
        if (userns) {
                if (unlinkat(dir, name, 0) < 0 && errno != ENOENT && errno != EISDIR) {
                        /* a default node (linux.devices listing /dev/null again) is already
                         * the bind of the host's node at this path */
                        if (errno == EBUSY)
                                return 0;
                        return error_make(err, errno, "remove old %s", path);
                }
                /* mknod is not allowed in a user namespace: bind the host's node onto a file. */
                int f = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (f < 0)
                        return error_make(err, errno, "create %s", path);
                close(f);
                cleanup_close int dst = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                char p[32];
                if (dst < 0 || mount(path, proc_fd_path(dst, p), NULL, MS_BIND, NULL) < 0)
                        return error_make(err, errno, "bind mount host %s", path);
                return 0;
        }
        /* mknod first: a fresh /dev has nothing to remove; what stands there (a file, a
         * symlink, which is removed and not followed) goes, then mknod again */
        if (mknodat(dir, name, type | (mode & 07777), makedev(maj, min)) < 0) {
                if (errno != EEXIST)
                        return error_make(err, errno, "mknod %s", path);
                if (unlinkat(dir, name, 0) < 0 && errno != ENOENT)
                        return error_make(err, errno, "remove old %s", path);
                if (mknodat(dir, name, type | (mode & 07777), makedev(maj, min)) < 0)
                        return error_make(err, errno, "mknod %s", path);
        }
        /* owner and mode go on the node just made, never on what its name leads to by now:
         * dir may be a volume another container writes, which can swap in a symlink to a host
         * file before pivot_root (review34) */
        cleanup_close int node = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (node < 0 || fstat(node, &st) < 0)
                return error_make(err, errno, "open %s", path);
        if ((st.st_mode & S_IFMT) != type || (type != S_IFIFO && st.st_rdev != makedev(maj, min)))
                return error_make(err, 0, "%s was replaced while it was made (by another user of its directory?): refusing to change it", path);
        if (fchownat(node, "", uid, gid, AT_EMPTY_PATH) < 0)
                return error_make(err, errno, "chown %s", path);
        /* after chown, which clears the setuid/setgid bits a node may ask for; chmod has no
         * O_PATH form before fchmodat2 (6.6): through the fd's /proc link, the same inode */
        char p[32];
        if (chmod(proc_fd_path(node, p), mode & 07777) < 0)
                return error_make(err, errno, "chmod %s", path);
        return 0;
}

/* One device node at path (absolute in the container), replacing whatever is there. */
static int make_device(int root_fd, const char *path, mode_t type, unsigned maj, unsigned min,
                       mode_t mode, uid_t uid, gid_t gid, bool userns, struct error **err)
{
        cleanup_free char *parent = xstrdup(path);
        char *slash = strrchr(parent, '/');
        const char *name = path + (slash - parent) + 1;
        *slash = '\0';
        cleanup_close int dir = open_dev_dir(root_fd, *parent ? parent : "/", *parent ? parent : "/", err);
        if (dir < 0)
                return -1;
        return make_device_at(dir, name, path, type, maj, min, mode, uid, gid, userns, err);
}

/* The pty is named by our fd, never by a path the rootfs could redirect; the mount point is a
 * new empty file in /dev, whatever stood at dev/console before (a symlink to
 * /proc/sys/kernel/core_pattern is removed, not followed: the CVE-2025-52565 family). */
int devices_bind_console(int root_fd, int console_fd, struct error **err)
{
        cleanup_close int dev = open_dev_dir(root_fd, "/dev", "/dev/console", err);
        if (dev < 0)
                return -1;
        if (unlinkat(dev, "console", 0) < 0 && errno != ENOENT)
                return error_make(err, errno, "remove old /dev/console");
        int f = openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (f < 0)
                return error_make(err, errno, "create /dev/console");
        close(f);
        cleanup_close int dst = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (dst < 0)
                return error_make(err, errno, "open /dev/console");
        if (mount_bind_fds(console_fd, dst, false, err) < 0)
                return error_wrap(err, "/dev/console");
        return 0;
}

int devices_setup(const struct spec *spec, int root_fd, const struct rootfs_opts *opts, struct error **err)
{
        if (devices_dev_is_bind(spec)) {
                log_debug("/dev is a bind mount: leaving its devices alone");
                return 0;
        }
        /* opened once: nothing below mounts on /dev */
        cleanup_close int dev = open_dev_dir(root_fd, "/dev", "/dev", err);
        if (dev < 0)
                return -1;
        for (size_t i = 0; i < ARRAY_SIZE(default_devs); i++) {
                cleanup_free char *path = xasprintf("/dev/%s", default_devs[i].name);
                if (make_device_at(dev, default_devs[i].name, path, S_IFCHR, default_devs[i].maj, default_devs[i].min,
                                   0666, 0, 0, opts->new_userns, err) < 0)
                        return error_wrap(err, "default devices");
        }
        for (size_t i = 0; i < ARRAY_SIZE(default_links); i++) {
                if (symlinkat(default_links[i].target, dev, default_links[i].name) < 0 && errno != EEXIST)
                        return error_make(err, errno, "symlink /dev/%s", default_links[i].name);
        }
        if (mkdirat(dev, "pts", 0755) < 0 && errno != EEXIST)
                return error_make(err, errno, "mkdir /dev/pts");
        if (mkdirat(dev, "shm", 01777) < 0 && errno != EEXIST)
                return error_make(err, errno, "mkdir /dev/shm");

        for (size_t i = 0; i < spec->linux.n_devices; i++) {
                const struct spec_device *d = &spec->linux.devices[i];
                mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
                mode_t mode = d->has_file_mode ? d->file_mode : 0666;
                /* "/dev/fuse/" names the node /dev/fuse, as for runc */
                cleanup_free char *path = path_clean(d->path);
                struct stat host;
                if (opts->new_userns && stat(path, &host) < 0 && errno == ENOENT)
                        return error_make(err, 0, "linux.devices[%zu].path: %s: device nodes cannot be created in a user "
                                          "namespace and the host has no such node to bind", i, d->path);
                if (make_device(root_fd, path, type, (unsigned)d->major, (unsigned)d->minor, mode,
                                d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, opts->new_userns, err) < 0)
                        return error_wrap(err, "linux.devices");
        }
        if (opts->console_fd >= 0 && devices_bind_console(root_fd, opts->console_fd, err) < 0)
                return -1;
        return 0;
}

bool devices_is_ptmx(int fd)
{
        struct stat st;
        return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 && minor(st.st_rdev) == 2;
}
