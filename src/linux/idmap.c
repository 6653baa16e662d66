/* Idmapped bind mounts (runtime-spec 1.2, mounts[].uidMappings/gidMappings with "idmap" or
 * "ridmap"): detached trees made by the runtime (their submounts locked when the container has
 * a user namespace), then moved into the rootfs by the init. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "contain/util.h"
#include "internal.h"

#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

/* A child in a new user namespace, kept alive (blocked reading a pipe) until it is reaped. */
struct userns_child {
        pid_t pid;
        int hold;       /* our end of the pipe: closing it lets the child exit */
};

static void userns_child_reap(struct userns_child *c)
{
        closep(&c->hold);
        if (c->pid > 0) {
                kill(c->pid, SIGKILL);
                while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        c->pid = 0;
}

/* An fd of a new user namespace whose maps are the given ones (the caller closes it); the
 * namespace lives on through the fd after its only process is gone. */
static int userns_fd_for(const struct spec_id_mapping *uid, size_t nu, const struct spec_id_mapping *gid,
                         size_t ng, const char *what, struct error **err)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return error_make(err, errno, "%s: pipe", what);
        __attribute__((cleanup(userns_child_reap))) struct userns_child c = { .pid = 0, .hold = p[1] };
        /* fork-like: the child only waits, so no state of ours is touched twice */
        long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, NULL);
        if (pid < 0) {
                close(p[0]);
                return error_make(err, errno, "%s: clone a user namespace for the idmap", what);
        }
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(p[1]);
                char b;
                while (read(p[0], &b, 1) < 0 && errno == EINTR)
                        ;
                _exit(0);
        }
        close(p[0]);
        c.pid = (pid_t)pid;
        cleanup_free char *uf = xasprintf("%s.uidMappings", what), *gf = xasprintf("%s.gidMappings", what);
        if (id_map_write(c.pid, "uid_map", uid, nu, uf, err) < 0 ||
            id_map_write(c.pid, "gid_map", gid, ng, gf, err) < 0)
                return -1;
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)c.pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return error_make(err, errno, "%s: open %s", what, path);
        return fd;
}

/* A detached clone of source (the whole tree for rbind and ridmap) idmapped with userns_fd
 * (on every submount for ridmap). */
static int idmapped_tree(const char *source, const struct mount_opts *o, int userns_fd, const char *what,
                         struct error **err)
{
        bool whole = (o->flags & MS_REC) || o->idmap_recursive;
        int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (whole ? AT_RECURSIVE : 0));
        if (tree < 0)
                return error_make(err, errno, "%s: open_tree %s", what, source);
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
        if (mount_setattr(tree, "", AT_EMPTY_PATH | (o->idmap_recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0) {
                int e = errno;
                close(tree);
                return error_make(err, e, "%s: idmap %s (does its filesystem support idmapped mounts?)", what, source);
        }
        return tree;
}

/* The helper of locked_copy: returns the fd number of the locked clone, or -errno. */
static int locked_copy_child(int tree, const char *source)
{
        /* a private namespace of the host's user namespace to hang the tree in... */
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            move_mount(tree, "", AT_FDCWD, source, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return -errno;
        /* ...copied into a new user namespace's, which locks every mount in it (the working
         * directory moves to the copy: no lookup is needed there, where we are nobody)... */
        if (chdir(source) < 0 || unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                return -errno;
        /* ...so a clone of it keeps its submounts locked to their parents */
        int copy = open_tree(AT_FDCWD, "", AT_EMPTY_PATH | AT_RECURSIVE | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        return copy < 0 ? -errno : copy;
}

/* A tree made here belongs to no user namespace less privileged than the host's: in the
 * container's, its submounts could be unmounted, showing what the host's mounts cover (a plain
 * rbind copied into the container's user namespace has them locked).  So the tree passes
 * through a user namespace of its own, in a helper, and comes back with the kernel's locks. */
int mount_tree_locked_copy(int tree, const char *source, const char *what, struct error **err)
{
        int back[2], hold[2];
        if (pipe2(back, O_CLOEXEC) < 0)
                return error_make(err, errno, "%s: pipe", what);
        if (pipe2(hold, O_CLOEXEC) < 0) {
                int e = errno;
                close(back[0]), close(back[1]);
                return error_make(err, e, "%s: pipe", what);
        }
        __attribute__((cleanup(userns_child_reap))) struct userns_child c = { .pid = 0, .hold = hold[1] };
        c.pid = fork();
        if (c.pid < 0) {
                int e = errno;
                close(back[0]), close(back[1]), close(hold[0]);
                return error_make(err, e, "%s: fork", what);
        }
        if (c.pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(back[0]), close(hold[1]);
                int r = locked_copy_child(tree, source);
                if (write(back[1], &r, sizeof(r)) == (ssize_t)sizeof(r) && r >= 0) {
                        char b;
                        while (read(hold[0], &b, 1) < 0 && errno == EINTR)
                                ;
                }
                _exit(0);
        }
        close(back[1]), close(hold[0]);
        cleanup_close int rd = back[0];
        int r = -EIO;
        if (read(rd, &r, sizeof(r)) != (ssize_t)sizeof(r))
                r = -EIO;
        if (r < 0)
                return error_make(err, -r, "%s: lock the submounts of the idmapped tree", what);
        cleanup_close int pidfd = pidfd_open(c.pid, 0);
        int fd = pidfd < 0 ? -1 : pidfd_getfd(pidfd, r, 0);
        if (fd < 0)
                return error_make(err, errno, "%s: fetch the locked idmapped tree", what);
        return fd;
}

/* The mount's own mappings, or the container's when the mount has none (runtime-spec:
 * "idmap" with empty mappings uses the user namespace's). */
static int idmap_one(const struct spec *spec, size_t i, int *out, struct error **err)
{
        const struct spec_mount *m = &spec->mounts[i];
        cleanup_free char *what = xasprintf("mounts[%zu]", i);
        __attribute__((cleanup(mountopts_clear))) struct mount_opts o = { 0 };
        if (mountopts_parse(m->options, &o, err) < 0)
                return error_wrap(err, "%s", what);
        if (!o.idmap)
                return 0;
        const struct spec_id_mapping *u = m->uid_mappings, *g = m->gid_mappings;
        size_t nu = m->n_uid_mappings, ng = m->n_gid_mappings;
        if (!nu && !ng && spec_namespace(spec, NS_USER)) {
                u = spec->linux.uid_mappings, nu = spec->linux.n_uid_mappings;
                g = spec->linux.gid_mappings, ng = spec->linux.n_gid_mappings;
        }
        if (!nu || !ng)
                return error_make(err, 0, "%s: %s needs uidMappings and gidMappings (or a user namespace with "
                                  "linux.uidMappings and linux.gidMappings)", what, o.idmap_recursive ? "ridmap" : "idmap");
        if (!m->source)
                return error_make(err, 0, "%s: an idmapped mount needs a source", what);
        cleanup_close int userns = userns_fd_for(u, nu, g, ng, what, err);
        if (userns < 0)
                return -1;
        cleanup_close int tree = idmapped_tree(m->source, &o, userns, what, err);
        if (tree < 0)
                return -1;
        /* only a directory can have submounts */
        struct stat st;
        bool whole = (o.flags & MS_REC) || o.idmap_recursive;
        if (whole && spec_namespace(spec, NS_USER) && stat(m->source, &st) == 0 && S_ISDIR(st.st_mode)) {
                *out = mount_tree_locked_copy(tree, m->source, what, err);
                return *out < 0 ? -1 : 0;
        }
        *out = steal_fd(&tree);
        return 0;
}

int idmap_mounts_prepare(const struct spec *spec, int **trees, struct error **err)
{
        *trees = NULL;
        if (!spec->n_mounts)
                return 0;
        int *v = xcalloc(spec->n_mounts, sizeof(*v));
        for (size_t i = 0; i < spec->n_mounts; i++)
                v[i] = -1;
        for (size_t i = 0; i < spec->n_mounts; i++) {
                if (idmap_one(spec, i, &v[i], err) < 0) {
                        idmap_mounts_close(v, spec->n_mounts);
                        return -1;
                }
        }
        *trees = v;
        return 0;
}

void idmap_mounts_close(int *trees, size_t n)
{
        for (size_t i = 0; trees && i < n; i++)
                closep(&trees[i]);
        free(trees);
}

int idmap_tree_attach(int tree_fd, int target, struct error **err)
{
        if (move_mount(tree_fd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return error_make(err, errno, "attach the idmapped mount");
        return 0;
}
