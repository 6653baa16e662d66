/* The rootfs steps around the mounts: propagation of "/", the rootfs bind onto itself, the
 * mounts and /dev (rootfs_mount_all); pivot_root or move+chroot, masked and read-only paths,
 * sysctls and the read-only root (rootfs_finish). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* pivot_root refuses a new root whose parent mount is shared: make the mount holding the
 * rootfs directory private in our namespace (like runc), whatever rootfsPropagation says. */
static int make_parent_mount_private(const char *root_path, struct error **err)
{
        /* mountinfo shows canonical paths */
        cleanup_free char *root = realpath(root_path, NULL);
        if (!root)
                return error_make(err, errno, "realpath %s", root_path);
        cleanup_free char *text = NULL;
        if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", 0, &text, NULL, err) < 0)
                return -1;
        cleanup_free char *best = NULL;
        bool shared = false;
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char mnt[4096];
                if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
                        continue;
                mountinfo_unescape(mnt);
                size_t n = strlen(mnt);
                bool prefix = strcmp(mnt, "/") == 0 ||
                              (strncmp(root, mnt, n) == 0 && (root[n] == '/' || root[n] == '\0'));
                if (!prefix || (best && strlen(best) > n))
                        continue;
                free(best);
                best = xstrdup(mnt);
                char *dash = strstr(line, " - ");
                char *sh = strstr(line, " shared:");
                shared = sh && dash && sh < dash;
        }
        if (best && shared && mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
                return error_make(err, errno, "make %s private for pivot_root", best);
        return 0;
}

/* The mount binds a tree that exists already ("bind" or "rbind"; type "bind"). */
static bool mount_is_bind(const struct spec_mount *m)
{
        if (m->type && strcmp(m->type, "bind") == 0)
                return true;
        for (char **o = m->options; o && *o; o++)
                if (strcmp(*o, "bind") == 0 || strcmp(*o, "rbind") == 0)
                        return true;
        return false;
}

/* Whether a mount may capture the mounter's network namespace: sysfs (its net class), network
 * filesystems, any bind (a source like /proc/self/ns/net resolves through the mounter), any
 * type we do not know.  The kernel filesystems every config mounts first do not. */
static bool mount_may_see_netns(const struct spec_mount *m)
{
        static const char *const blind[] = { "proc", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2" };
        bool known = false;
        for (size_t i = 0; m->type && i < ARRAY_SIZE(blind) && !known; i++)
                known = strcmp(m->type, blind[i]) == 0;
        return !known || mount_is_bind(m);
}

/* path is dir or lies below it. */
static bool path_within(const char *path, const char *dir)
{
        size_t n = strlen(dir);
        if (strcmp(dir, "/") == 0)
                return true;
        return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* A component of path (clean, relative to root_fd) that exists now is a symlink: a mount
 * there may land anywhere in the rootfs. */
static bool path_has_symlink(int root_fd, const char *path)
{
        cleanup_free char *p = xstrdup(path);
        for (char *slash = p + 1;; slash++) {
                slash = strchr(slash, '/');
                if (slash)
                        *slash = '\0';
                struct stat st;
                if (fstatat(root_fd, p + 1, &st, AT_SYMLINK_NOFOLLOW) < 0 || (!S_ISLNK(st.st_mode) && !S_ISDIR(st.st_mode)))
                        return false;   /* what is missing now is made as directories */
                if (S_ISLNK(st.st_mode))
                        return true;
                if (!slash)
                        return false;
                *slash = '/';
        }
}

/* No mount from mounts[next] on can land on dir, below it or above it ("/"), and dir itself is
 * no symlink (the image's /dev -> /run): what is done in dir now is what it would be after
 * them.  Their destinations are compared as written, so none may pass through a symlink of
 * the rootfs (its /run -> /dev), nor be of a type that brings a tree of its own, where a
 * later destination could find one (a bind, an overlay, a tmpfs with tmpcopyup, a proc): only
 * what configs mount after sysfs qualifies, sysfs and cgroup filesystems. */
static bool later_mounts_clear_of(const struct spec *spec, int root_fd, size_t next, const char *dir)
{
        static const char *const plain[] = { "sysfs", "cgroup", "cgroup2" };
        for (size_t i = next; i < spec->n_mounts; i++) {
                const struct spec_mount *m = &spec->mounts[i];
                bool ok = false;
                for (size_t k = 0; m->type && k < ARRAY_SIZE(plain) && !ok; k++)
                        ok = strcmp(m->type, plain[k]) == 0;
                cleanup_free char *d = path_clean(m->destination);
                if (!ok || mount_is_bind(m) || strstr(d, "..") || path_within(d, dir) || path_within(dir, d) ||
                    path_has_symlink(root_fd, d))
                        return false;
        }
        return !path_has_symlink(root_fd, dir);
}

/* Every path of list outside /proc is written plainly (no "..", no symlink of the rootfs on
 * the way): none can reach an entry of the /proc part, whose order with it would change. */
static bool paths_outside_proc_plain(int root_fd, char *const *list)
{
        for (size_t i = 0; list && list[i]; i++) {
                if (path_under_proc(list[i]))
                        continue;
                cleanup_free char *c = path_clean(list[i]);
                if (strstr(c, "..") || path_has_symlink(root_fd, c))
                        return false;
        }
        return true;
}

/* Every linux.devices path lies in /dev, written plainly: nothing later can cover it. */
static bool devices_in_dev(const struct spec *spec, int root_fd)
{
        for (size_t i = 0; i < spec->linux.n_devices; i++) {
                cleanup_free char *c = path_clean(spec->linux.devices[i].path);
                if (strstr(c, "..") || !path_within(c, "/dev") || path_has_symlink(root_fd, c))
                        return false;
        }
        return true;
}

/* While the init would wait for the runtime's network namespace (before mounts[next], the
 * first that may see it), the steps that would come later with the same outcome: /dev's nodes
 * (the end of rootfs_mount_all) when no later mount can touch /dev and every linux.devices
 * path lies in it; then the readonlyPaths and maskedPaths under /proc (rootfs_finish; they
 * bind the /dev/null just made) when no later mount can touch /proc, no entry outside /proc
 * can reach one inside, no sysctl is still to be written through /proc/sys, and no hook looks
 * at the rootfs before they would be due (prestart, createRuntime, createContainer).  The
 * default config qualifies; most others (a bind after sysfs) do not.  The init waited ~0.1 ms
 * there, and these take about that. */
static int steps_before_netns(const struct spec *spec, int root_fd, size_t next, const struct rootfs_opts *opts,
                              bool *devices_done, struct error **err)
{
        if (!later_mounts_clear_of(spec, root_fd, next, "/dev") || !devices_in_dev(spec, root_fd))
                return 0;
        /* its messages name the node or the field ("/dev: /dev: ..." otherwise) */
        if (devices_setup(spec, root_fd, opts, err) < 0)
                return -1;
        *devices_done = true;
        if (!opts->proc_paths_done || spec->linux.n_sysctl || spec->hooks[HOOK_PRESTART].n ||
            spec->hooks[HOOK_CREATE_RUNTIME].n || spec->hooks[HOOK_CREATE_CONTAINER].n ||
            !later_mounts_clear_of(spec, root_fd, next, "/proc") ||
            !paths_outside_proc_plain(root_fd, spec->linux.readonly_paths) ||
            !paths_outside_proc_plain(root_fd, spec->linux.masked_paths))
                return 0;
        if (readonly_paths_apply(root_fd, spec->linux.readonly_paths, PATHS_PROC, err) < 0 ||
            masked_paths_apply(root_fd, spec->linux.masked_paths, PATHS_PROC, err) < 0)
                return -1;
        *opts->proc_paths_done = true;
        return 0;
}

int rootfs_mount_all(const struct spec *spec, const struct rootfs_opts *opts, struct error **err)
{
        if (lsm_check(&spec->process, err) < 0 || sysctl_validate(spec, err) < 0)
                return -1;
        if (!spec_namespace(spec, NS_MOUNT))
                return shared_mntns_check(spec, err);   /* no propagation change, no mount */

        /* Nothing we mount may propagate back to the host: slave by default, like runc. */
        unsigned long prop = MS_SLAVE | MS_REC;
        if (spec->linux.rootfs_propagation) {
                prop = mountopts_propagation(spec->linux.rootfs_propagation);
                if (!prop)
                        return error_make(err, 0, "linux.rootfsPropagation: unknown value \"%s\"",
                                          spec->linux.rootfs_propagation);
        }
        /* An unbindable tree could not be bound onto itself: that part comes after pivot_root. */
        if (prop & MS_UNBINDABLE)
                prop = MS_PRIVATE | (prop & MS_REC);
        if (mount(NULL, "/", NULL, prop, NULL) < 0)
                return error_make(err, errno, "linux.rootfsPropagation: set propagation of /");
        /* After a recursive slave or private change nothing here is shared any more: only
         * shared, or a change of "/" alone, can leave the rootfs's parent shared (reading
         * mountinfo costs ~0.1 ms) */
        bool maybe_shared = (prop & MS_SHARED) || !(prop & MS_REC);
        if (!opts->no_pivot && maybe_shared && make_parent_mount_private(spec->root_path, err) < 0)
                return error_wrap(err, "root.path");

        /* pivot_root needs the new root to be a mount point. */
        if (mount(spec->root_path, spec->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
                return error_make(err, errno, "root.path: bind mount %s onto itself", spec->root_path);
        /* Opened after the bind, so lookups from it walk the new mount's tree. */
        cleanup_close int root_fd = open(spec->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return error_make(err, errno, "root.path: open %s", spec->root_path);

        bool devices_done = false, waited = false;
        for (size_t i = 0; i < spec->n_mounts; i++) {
                if (opts->before_net_mount && mount_may_see_netns(&spec->mounts[i])) {
                        if (opts->netns_wait && !waited &&
                            steps_before_netns(spec, root_fd, i, opts, &devices_done, err) < 0)
                                return -1;
                        waited = true;
                        if (opts->before_net_mount(opts->before_net_mount_data, err) < 0)
                                return -1;
                }
                int r = mount_one(&spec->mounts[i], opts->mount_trees ? opts->mount_trees[i] : -1, root_fd, opts,
                                  err);
                if (r < 0)
                        return -1;
                /* A mount on the root covers the rootfs: later mounts go on top of it, as
                 * pivot_root will see it (root_fd still names the covered directory). */
                if (r == 1) {
                        close(root_fd);
                        root_fd = open(spec->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                        if (root_fd < 0)
                                return error_make(err, errno, "mounts: %s: open %s", spec->mounts[i].destination,
                                                  spec->root_path);
                }
        }
        if (!devices_done && devices_setup(spec, root_fd, opts, err) < 0)
                return -1;
        return 0;
}

static int pivot(const char *root, struct error **err)
{
        cleanup_close int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        cleanup_close int new_root = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (old_root < 0 || new_root < 0)
                return error_make(err, errno, "pivot_root: open / and %s", root);
        if (fchdir(new_root) < 0)
                return error_make(err, errno, "pivot_root: chdir %s", root);
        /* pivot_root(".", ".") stacks the old root on top of the new one: no directory for it
         * needs to exist in the rootfs. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return error_make(err, errno, "pivot_root %s", root);
        if (fchdir(old_root) < 0)
                return error_make(err, errno, "pivot_root: chdir to the old root");
        /* Detaching must not propagate to the host's mounts. */
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return error_make(err, errno, "pivot_root: make the old root a slave");
        if (umount2(".", MNT_DETACH) < 0)
                return error_make(err, errno, "pivot_root: detach the old root");
        if (chdir("/") < 0)
                return error_make(err, errno, "pivot_root: chdir /");
        return 0;
}

struct mnt_entry {
        char *point;
        bool full_kernel_fs;    /* the root of a proc or sysfs */
};

static void mnt_entries_free(struct mnt_entry **v)
{
        for (struct mnt_entry *e = *v; e && e->point; e++)
                free(e->point);
        free(*v);
}

/* The mounts of our namespace that neither hold root nor lie inside it, in mountinfo order. */
static int host_mounts(int proc_self, const char *root, struct mnt_entry **out, struct error **err)
{
        cleanup_free char *text = NULL;
        if (read_file_at(proc_self, "mountinfo", 0, &text, NULL, err) < 0)
                return -1;
        size_t n = 0, cap = 16;
        struct mnt_entry *v = xcalloc(cap + 1, sizeof(*v));
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char fsroot[4096], point[4096], type[64];
                char *dash = strstr(line, " - ");
                if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", fsroot, point) != 2 ||
                    sscanf(dash, " - %63s", type) != 1)
                        continue;
                mountinfo_unescape(point);
                if (path_within(root, point) || path_within(point, root))
                        continue;
                if (n == cap) {
                        cap *= 2;
                        v = xrealloc(v, (cap + 1) * sizeof(*v));
                }
                v[n].point = xstrdup(point);
                v[n].full_kernel_fs = strcmp(fsroot, "/") == 0 &&
                                      (strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0);
                v[++n].point = NULL;
        }
        *out = v;
        return 0;
}

/* --no-pivot leaves the host's mount tree in the container's namespace, only covered by the
 * moved rootfs, and the kernel lets a new user namespace mount a fresh proc or sysfs as soon as
 * one fully visible instance is anywhere in the mount namespace: `unshare -mrpf mount -t proc`
 * would give the container an unmasked /proc.  So detach every mount that neither holds the
 * rootfs nor lies inside it (children first; slaved first so nothing propagates to the host),
 * and refuse when a whole procfs or sysfs stays (locked in a user namespace). */
static int detach_host_mounts(const char *root_path, struct error **err)
{
        cleanup_free char *root = realpath(root_path, NULL);
        if (!root)
                return error_make(err, errno, "realpath %s", root_path);
        /* Held open: the host's /proc is among what goes. */
        cleanup_close int proc_self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (proc_self < 0)
                return error_make(err, errno, "open /proc/self");
        __attribute__((cleanup(mnt_entries_free))) struct mnt_entry *v = NULL;
        if (host_mounts(proc_self, root, &v, err) < 0)
                return -1;
        size_t n = 0;
        while (v[n].point)
                n++;
        for (size_t i = n; i-- > 0;) {
                /* ENOENT/EINVAL: gone with a parent detached before it, or locked. */
                if (mount(NULL, v[i].point, NULL, MS_SLAVE | MS_REC, NULL) < 0)
                        continue;
                if (umount2(v[i].point, MNT_DETACH) < 0)
                        log_debug("--no-pivot: detach %s: %s", v[i].point, strerror(errno));
        }
        __attribute__((cleanup(mnt_entries_free))) struct mnt_entry *left = NULL;
        if (host_mounts(proc_self, root, &left, err) < 0)
                return -1;
        for (struct mnt_entry *e = left; e->point; e++)
                if (e->full_kernel_fs)
                        return error_make(err, EPERM, "--no-pivot: the host's %s cannot be detached (a user namespace "
                                          "locks it): a process in the container could mount an unmasked proc or sysfs; "
                                          "use pivot_root", e->point);
        return 0;
}

/* --no-pivot: for roots pivot_root refuses (an initramfs). */
static int move_root(const char *root, struct error **err)
{
        if (detach_host_mounts(root, err) < 0)
                return -1;
        if (chdir(root) < 0)
                return error_make(err, errno, "chdir %s", root);
        if (mount(root, "/", NULL, MS_MOVE, NULL) < 0)
                return error_make(err, errno, "move %s to /", root);
        if (chroot(".") < 0)
                return error_make(err, errno, "chroot %s", root);
        if (chdir("/") < 0)
                return error_make(err, errno, "chdir /");
        return 0;
}

/* The read-only /dev that mount_one mounted read-write (the last /dev mount decides). */
static int dev_readonly_apply(const struct spec *spec, struct error **err)
{
        const struct spec_mount *dev = NULL;
        for (size_t i = 0; i < spec->n_mounts; i++) {
                cleanup_free char *d = path_clean(spec->mounts[i].destination);
                if (strcmp(d, "/dev") == 0)
                        dev = &spec->mounts[i];
        }
        if (!dev || !mount_readonly_deferred(dev))
                return 0;
        cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return error_make(err, errno, "mounts: /dev: open /");
        cleanup_close int fd = inroot_open(root, "/dev", O_PATH | O_DIRECTORY, 0, err);
        struct statvfs sv;
        if (fd < 0)
                return error_wrap(err, "mounts");
        if (fstatvfs(fd, &sv) < 0)
                return error_make(err, errno, "mounts: /dev: statvfs");
        if (mount_remount_fd(fd, MS_RDONLY | mountopts_locked_flags(sv.f_flag), "/dev", err) < 0)
                return error_wrap(err, "mounts: read-only /dev");
        return 0;
}

int rootfs_finish(const struct spec *spec, const struct rootfs_opts *opts, struct error **err)
{
        if (!spec_namespace(spec, NS_MOUNT))
                return shared_mntns_enter_root(spec, err);
        if ((opts->no_pivot ? move_root : pivot)(spec->root_path, err) < 0)
                return error_wrap(err, "root.path");
        /* a missing cwd is made now, as root and before the root may turn read-only */
        if (spec->process.cwd && mkdir_p(spec->process.cwd, 0755, err) < 0)
                return error_wrap(err, "process.cwd");
        /* sysctls before readonlyPaths, which usually include /proc/sys. */
        enum paths_part rest = opts->proc_paths_done && *opts->proc_paths_done ? PATHS_NOT_PROC : PATHS_ALL;
        cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return error_make(err, errno, "maskedPaths: open /");
        if (sysctl_apply(spec, err) < 0 ||
            readonly_paths_apply(root, spec->linux.readonly_paths, rest, err) < 0 ||
            masked_paths_apply(root, spec->linux.masked_paths, rest, err) < 0)
                return -1;
        if (dev_readonly_apply(spec, err) < 0)
                return -1;
        if (spec->root_readonly) {
                struct statvfs sv;
                if (fstatvfs(root, &sv) < 0)
                        return error_make(err, errno, "root.readonly: statvfs /");
                if (mount_remount_fd(root, MS_RDONLY | mountopts_locked_flags(sv.f_flag), "/", err) < 0)
                        return error_wrap(err, "root.readonly");
        }
        /* shared and unbindable could not be set before pivot_root (the parent would have been
         * changed too, and an unbindable tree refuses binds): set them on the new "/" last.
         * private and slave already hold since the start. */
        unsigned long prop = spec->linux.rootfs_propagation ? mountopts_propagation(spec->linux.rootfs_propagation) : 0;
        if (prop & (MS_SHARED | MS_UNBINDABLE)) {
                if (mount(NULL, "/", NULL, prop, NULL) < 0)
                        return error_make(err, errno, "linux.rootfsPropagation: set %s on /",
                                          spec->linux.rootfs_propagation);
        }
        return 0;
}
