/* The `cgroup`/`cgroup2` mount at /sys/fs/cgroup: the container's own cgroups, read from
 * /proc/self/cgroup.  Pure v2: cgroup2 rooted at the container's cgroup.  Hybrid/v1 (like this
 * host): what runc builds, a tmpfs with one mount per v1 hierarchy plus `unified` for cgroup2,
 * each showing only the container's own cgroup directory. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/magic.h>
#include <linux/nsfs.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

#define PER_MOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | \
                         MS_RELATIME | MS_STRICTATIME)

static bool has_all_tokens(const char *opts, const char *wanted)
{
        cleanup_free char *w = xstrdup(wanted);
        char *save = NULL;
        for (char *t = strtok_r(w, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                size_t n = strlen(t);
                const char *p = opts;
                bool found = false;
                while (p && *p && !found) {
                        if (strncmp(p, t, n) == 0 && (p[n] == ',' || p[n] == '\0'))
                                found = true;
                        p = strchr(p, ',');
                        if (p)
                                p++;
                }
                if (!found)
                        return false;
        }
        return true;
}

/* The host directory of our cgroup in a hierarchy, from the host's mountinfo: used when a user
 * namespace may not mount cgroup hierarchies (no cgroup namespace of its own) but may bind. */
static char *host_cgroup_dir(const char *fstype, const char *controllers, const char *path, struct error **err)
{
        cleanup_free char *text = NULL;
        if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", 0, &text, NULL, err) < 0)
                return NULL;
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char root[4096], mnt[4096], type[64], super[1024];
                char *dash = strstr(line, " - ");
                if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
                    sscanf(dash, " - %63s %*s %1023s", type, super) != 2)
                        continue;
                if (strcmp(type, fstype) != 0 || (controllers && !has_all_tokens(super, controllers)))
                        continue;
                mountinfo_unescape(root);
                mountinfo_unescape(mnt);
                size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
                if (strncmp(path, root, rl) != 0 || (path[rl] != '/' && path[rl] != '\0'))
                        continue;
                return xasprintf("%s%s", mnt, path + rl);
        }
        error_make(err, ENOENT, "no host mount of the %s hierarchy holds %s", controllers ? controllers : fstype, path);
        return NULL;
}

/* The superblock options a host mount of cgroup2 shows ("nsdelegate,memory_recursiveprot",
 * without rw/ro), malloc'd; NULL when there are none or no cgroup2 mount is in sight. */
static char *host_cgroup2_options(void)
{
        cleanup_free char *text = NULL;
        cleanup_error struct error *e = NULL;
        if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", 0, &text, NULL, &e) < 0)
                return NULL;
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char type[64], super[1024];
                char *dash = strstr(line, " - ");
                if (!dash || sscanf(dash, " - %63s %*s %1023s", type, super) != 2 || strcmp(type, "cgroup2") != 0)
                        continue;
                char *out = NULL, *s2 = NULL;
                for (char *t = strtok_r(super, ",", &s2); t; t = strtok_r(NULL, ",", &s2)) {
                        if (strcmp(t, "rw") == 0 || strcmp(t, "ro") == 0)
                                continue;
                        char *next = xasprintf("%s%s%s", out ? out : "", out ? "," : "", t);
                        free(out);
                        out = next;
                }
                return out;
        }
        return NULL;
}

/* The inode number the kernel gives the initial cgroup namespace (PROC_CGROUP_INIT_INO in
 * include/linux/proc_ns.h, not in the uapi headers). */
#define CGROUP_NS_INIT_INO 0xEFFFFFFBU

/* Whether this process is in the initial cgroup namespace (false when /proc cannot tell). */
static bool in_initial_cgroupns(void)
{
        struct stat st;
        return stat("/proc/self/ns/cgroup", &st) == 0 && st.st_ino == CGROUP_NS_INIT_INO;
}

/* Binds our cgroup's directory of the hierarchy from the host's mount of it onto the mount point
 * at p; *subpath becomes "/" (the bind already shows only our cgroup). */
static int bind_host_hierarchy(const char *p, const char *fstype, const char *data, const char **subpath,
                               struct error **err)
{
        const char *ctl = data && str_has_prefix(data, "none,") ? data + strlen("none,") : data;
        cleanup_free char *src = host_cgroup_dir(fstype, ctl, *subpath, err);
        if (!src)
                return -1;
        /* not recursive: what the host mounted below our cgroup stays out (a user namespace must
         * take it along when the host's mounts there are locked: EINVAL) */
        if (mount(src, p, NULL, MS_BIND, NULL) < 0 &&
            (errno != EINVAL || mount(src, p, NULL, MS_BIND | MS_REC, NULL) < 0))
                return error_make(err, errno, "bind mount %s", src);
        *subpath = "/";
        return 0;
}

/* Mounts one hierarchy (fstype + data) on the mount point p (parent/name by fd), then narrows it
 * to subpath: a fresh mount shows the whole hierarchy (or the cgroup namespace's root), and we
 * want the container's own directory only, so we clone that subtree and put it in place of the
 * full mount.
 *
 * cgroup2 in the initial cgroup namespace (a container without one of its own) is bound from the
 * host's mount instead: there a new mount is the host's one superblock mounted again, and the
 * kernel applies the new mount's options to it (apply_cgroup_root_flags), so a mount without
 * "nsdelegate" or "memory_recursiveprot" would take them off the host's whole hierarchy (runc
 * #5258, containerd #12952).  On kernels whose cgroup_favor_dynmods takes the threadgroup rwsem
 * for writing (6.18 here) such a mount also waits for an RCU grace period: 5-22 ms against
 * 20-50 us for a bind.  When there is nothing to bind (runc and crun always mount anew) the new
 * mount carries the options a host mount of cgroup2 shows, so the superblock keeps them. */
static int mount_narrowed(int parent, const char *name, const char *p, const char *fstype, const char *data,
                          const char *subpath, unsigned long flags, struct error **err)
{
        cleanup_error struct error *unseen = NULL;
        cleanup_free char *host_options = NULL;
        bool shared_sb = strcmp(fstype, "cgroup2") == 0 && in_initial_cgroupns();
        bool bound = shared_sb && bind_host_hierarchy(p, fstype, data, &subpath, &unseen) == 0;
        if (!bound) {
                const char *mount_data = data;
                if (shared_sb)
                        mount_data = host_options = host_cgroup2_options();
                if (mount(fstype, p, fstype, flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC), mount_data) < 0) {
                        if (errno != EPERM)
                                return error_make(err, errno, "mount %s (%s)", fstype, mount_data ? mount_data : "");
                        if (bind_host_hierarchy(p, fstype, data, &subpath, err) < 0)
                                return error_wrap(err, "mount %s (%s) is not permitted, and binding it", fstype,
                                                  mount_data ? mount_data : "");
                }
        }
        if (unseen)
                log_debug("mounts: cgroup2 mounted anew with the host's options \"%s\" (no host mount to bind: %s)",
                          host_options ? host_options : "", unseen->msg);

        while (*subpath == '/')
                subpath++;
        if (!*subpath)
                return 0;
        char mp[32];
        cleanup_close int mnt = openat(parent, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (mnt < 0)
                return error_make(err, errno, "open new %s mount", fstype);
        cleanup_close int sub = openat(mnt, subpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (sub < 0)
                return error_make(err, errno, "open own cgroup %s in %s", subpath, data ? data : fstype);
        cleanup_close int tree = open_tree(sub, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (tree < 0)
                return error_make(err, errno, "clone own cgroup %s", subpath);
        if (umount2(proc_fd_path(mnt, mp), MNT_DETACH) < 0)
                return error_make(err, errno, "detach full %s mount", fstype);
        if (move_mount(tree, "", parent, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return error_make(err, errno, "put own cgroup %s in place", subpath);
        return 0;
}

/* One hierarchy at parent/name showing only our cgroup (subpath), with the per-mount flags.
 * `scoped`: cgroupfs_mount entered a cgroup namespace of our own (cgroup_scope_enter), so a new
 * mount is rooted at our cgroup already, and outside the initial namespace it applies no option
 * to the host's superblock: a plain mount, with nothing to bind or narrow. */
static int mount_hierarchy(int parent, const char *name, const char *fstype, const char *data,
                           const char *subpath, bool scoped, unsigned long flags, struct error **err)
{
        char p[32];
        cleanup_close int dir = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir < 0)
                return error_make(err, errno, "open mount point %s", name);
        proc_fd_path(dir, p);
        if (scoped) {
                if (mount(fstype, p, fstype, flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC), data) < 0)
                        return error_make(err, errno, "mount %s (%s)", fstype, data ? data : "");
        } else if (mount_narrowed(parent, name, p, fstype, data, subpath, flags, err) < 0) {
                return -1;
        }
        cleanup_close int top = openat(parent, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (top < 0)
                return error_make(err, errno, "open %s mount", fstype);
        return mount_remount_fd(top, flags & PER_MOUNT_FLAGS, name, err);
}

struct cg_line {
        char *id, *controllers, *path;
};

/* Splits "4:memory:/a/b" in place. */
static bool split_line(char *line, struct cg_line *out)
{
        char *c1 = strchr(line, ':');
        if (!c1)
                return false;
        char *c2 = strchr(c1 + 1, ':');
        if (!c2)
                return false;
        *c1 = *c2 = '\0';
        out->id = line;
        out->controllers = c1 + 1;
        out->path = c2 + 1;
        return true;
}

static int mount_v1_view(int parent, const char *name, char *cgroup_text, bool scoped, unsigned long flags,
                         struct error **err)
{
        char p[32];
        cleanup_close int dir = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir < 0)
                return error_make(err, errno, "open mount point");
        if (mount("tmpfs", proc_fd_path(dir, p), "tmpfs", flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC), "mode=755") < 0)
                return error_make(err, errno, "mount tmpfs");
        cleanup_close int top = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (top < 0)
                return error_make(err, errno, "open tmpfs");

        char *save = NULL;
        for (char *line = strtok_r(cgroup_text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct cg_line l;
                if (!split_line(line, &l))
                        continue;
                bool v2 = strcmp(l.id, "0") == 0;
                if (!v2 && !*l.controllers)
                        continue;
                const char *dir_name = v2 ? "unified" : l.controllers;
                cleanup_free char *data = NULL;
                if (str_has_prefix(l.controllers, "name=")) {
                        dir_name = l.controllers + strlen("name=");
                        data = xasprintf("none,%s", l.controllers);
                } else if (!v2) {
                        data = xstrdup(l.controllers);
                }
                if (mkdirat(top, dir_name, 0755) < 0 && errno != EEXIST)
                        return error_make(err, errno, "mkdir %s", dir_name);
                if (mount_hierarchy(top, dir_name, v2 ? "cgroup2" : "cgroup", data, l.path, scoped, flags, err) < 0)
                        return error_wrap(err, "%s", dir_name);
                /* "cpu,cpuacct" is also reachable as cpu and cpuacct, as on the host. */
                if (!v2 && strchr(l.controllers, ',')) {
                        cleanup_free char *copy = xstrdup(l.controllers);
                        char *s2 = NULL;
                        for (char *c = strtok_r(copy, ",", &s2); c; c = strtok_r(NULL, ",", &s2))
                                if (symlinkat(l.controllers, top, c) < 0 && errno != EEXIST)
                                        return error_make(err, errno, "symlink %s", c);
                }
        }
        if (flags & MS_RDONLY) {
                cleanup_close int t = openat(parent, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (t < 0 || mount_remount_fd(t, flags & PER_MOUNT_FLAGS, "tmpfs", err) < 0)
                        return t < 0 ? error_make(err, errno, "reopen tmpfs") : -1;
        }
        return 0;
}

/* Enters a cgroup namespace of our own for the time of the mounts, so that a fresh mount of any
 * hierarchy is rooted at our own cgroup.  Without it each mount shows the whole hierarchy and is
 * narrowed by cloning our directory and detaching the full mount, and each detach waits for an
 * RCU grace period (namespace_unlock), one per hierarchy: nine on a hybrid host with systemd.
 * Entered only when we can come back, that is when the namespace we are in belongs to our own
 * user namespace, where the init holds CAP_SYS_ADMIN (setns needs it over the namespace's owner).
 * Returns the fd of the namespace to return to, or -1 when not entered (the caller narrows each
 * mount itself). */
static int cgroup_scope_enter(void)
{
        cleanup_close int home = open("/proc/self/ns/cgroup", O_RDONLY | O_CLOEXEC);
        if (home < 0)
                return -1;
        cleanup_close int owner = ioctl(home, NS_GET_USERNS);
        struct stat a, b;
        if (owner < 0 || fstat(owner, &a) < 0 || stat("/proc/self/ns/user", &b) < 0 || a.st_dev != b.st_dev ||
            a.st_ino != b.st_ino || unshare(CLONE_NEWCGROUP) < 0)
                return -1;
        return steal_fd(&home);
}

/* Returns to the cgroup namespace cgroup_scope_enter left (*home, closed and set to -1). */
static int cgroup_scope_leave(int *home, struct error **err)
{
        if (*home < 0)
                return 0;
        int r = setns(*home, CLONE_NEWCGROUP);
        closep(home);
        if (r < 0)
                return error_make(err, errno, "return to the container's cgroup namespace");
        return 0;
}

/* On error paths: a failed return leaves the init in the wrong namespace, but the init is
 * failing then and never runs the container's process. */
static void cgroup_scopep(int *home)
{
        cleanup_error struct error *ignored = NULL;
        cgroup_scope_leave(home, &ignored);
}

int cgroupfs_mount(const struct spec_mount *m, int root_fd, const struct rootfs_opts *opts, struct error **err)
{
        (void)opts;
        struct mount_opts o;
        if (mountopts_parse(m->options, &o, err) < 0)
                return error_wrap(err, "mounts: %s", m->destination);
        mountopts_clear(&o);

        cleanup_free char *text = NULL;
        if (read_file_at(AT_FDCWD, "/proc/self/cgroup", 0, &text, NULL, err) < 0)
                return error_wrap(err, "mounts: %s", m->destination);
        bool hybrid = false, below_root = false;
        cleanup_free char *v2_path = NULL;
        {
                cleanup_free char *copy = xstrdup(text);
                char *save = NULL;
                for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                        struct cg_line l;
                        if (!split_line(line, &l))
                                continue;
                        if (strcmp(l.id, "0") == 0)
                                v2_path = xstrdup(l.path);
                        else
                                hybrid = true;
                        below_root |= strcmp(l.path, "/") != 0;
                }
        }
        /* v1 hierarchies may exist elsewhere while the runtime sees only cgroup2 at
         * /sys/fs/cgroup (e.g. a private mount namespace): what is mounted there decides. */
        struct statfs sfs;
        if (hybrid && statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
                hybrid = false;

        /* Mount at parent/name so each step can reach the mount it just made by name. */
        cleanup_close int target = inroot_mkpath(root_fd, m->destination, false, 0755, err);
        if (target < 0)
                return error_wrap(err, "mounts: %s", m->destination);
        cleanup_free char *what = xasprintf("mounts: %s", m->destination);
        if (mount_target_check(root_fd, target, m->destination, m, what, err) < 0)
                return -1;
        struct stat st;
        if (fstat(target, &st) < 0)
                return error_make(err, errno, "mounts: %s", m->destination);
        if (!S_ISDIR(st.st_mode))
                return error_make(err, ENOTDIR, "mounts: %s (cgroup)", m->destination);
        cleanup_close int parent = openat(target, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (parent < 0)
                return error_make(err, errno, "mounts: %s: open parent", m->destination);
        const char *name = strrchr(m->destination, '/');
        name = name && name[1] ? name + 1 : NULL;
        if (!name || strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
                return error_make(err, 0, "mounts: %s: not a usable cgroup mount point", m->destination);
        /* The parent we reached must be the parent of the target we resolved. */
        cleanup_close int check = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat a, b;
        if (check < 0 || fstat(check, &a) < 0 || fstat(target, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
                return error_make(err, 0, "mounts: %s: the mount point moved while mounting", m->destination);

        bool v2_only = !hybrid || (m->type && strcmp(m->type, "cgroup2") == 0);
        if (v2_only && !v2_path)
                return error_make(err, ENOENT, "mounts: %s: this host has no cgroup2 hierarchy", m->destination);
        __attribute__((cleanup(cgroup_scopep))) int home = below_root ? cgroup_scope_enter() : -1;
        int r = v2_only ? mount_hierarchy(parent, name, "cgroup2", NULL, v2_path, home >= 0, o.flags, err)
                        : mount_v1_view(parent, name, text, home >= 0, o.flags, err);
        if (r == 0)
                r = cgroup_scope_leave(&home, err);
        if (r < 0)
                return error_wrap(err, "mounts: %s (cgroup)", m->destination);
        return 0;
}
