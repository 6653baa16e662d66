/* Helpers shared by the files of src/linux and nothing else: the mount option table, fd-based
 * mounts, and the pieces rootfs.c strings together. */
#ifndef CONTAIN_LINUX_INTERNAL_H
#define CONTAIN_LINUX_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "contain/error.h"
#include "contain/linux.h"
#include "contain/spec.h"

/* ---- mount options (mountopts.c, pure) ---- */

struct mount_opts {
        unsigned long flags;            /* MS_* to pass to mount(2), MS_BIND/MS_REC included */
        unsigned long propagation[4];   /* MS_PRIVATE|MS_REC, ... applied in order after mounting */
        size_t n_propagation;
        bool tmpcopyup;                 /* copy the directory's contents into the new tmpfs */
        char *data;                     /* unknown options, comma-joined ("mode=755,size=64k"), or NULL */
        uint64_t rec_set, rec_clr;      /* MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE) ("rro", ...) */
        bool idmap;                     /* "idmap" or "ridmap": the mount's uid/gidMappings apply */
        bool idmap_recursive;           /* "ridmap": to every submount too */
};

/* Splits options into flags, propagation, recursive attributes, idmap and filesystem data.
 * Unknown options are data, like runc; *err only for too many propagation options. */
int mountopts_parse(char *const *options, struct mount_opts *out, struct error **err);
void mountopts_clear(struct mount_opts *o);
/* "rslave" -> MS_SLAVE|MS_REC; 0 when name is not a propagation. */
unsigned long mountopts_propagation(const char *name);
/* Flags that a bind remount must keep when the kernel has locked them (user namespaces). */
unsigned long mountopts_locked_flags(unsigned long statvfs_flags);

/* ---- fd-based mounts (mounts.c) ---- */

/* "/proc/self/fd/N" into buf. */
const char *proc_fd_path(int fd, char buf[static 32]);
/* Bind mounts src_fd onto dst_fd (both O_PATH) through /proc/self/fd, or open_tree/move_mount
 * when /proc is not there (after pivot_root into a root without /proc). */
int mount_bind_fds(int src_fd, int dst_fd, bool recursive, struct error **err);
/* Remounts the mount at fd (an O_PATH fd of its root) bind+flags, keeping kernel-locked flags. */
int mount_remount_fd(int fd, unsigned long flags, const char *what, struct error **err);
/* Mounts one entry of config.json's mounts inside the rootfs; tree_fd: its idmapped tree from
 * idmap_mounts_prepare, or -1.  Returns 1 when the mount covers the rootfs's root (root_fd then
 * names the covered directory), 0 otherwise, -1 with err set. */
int mount_one(const struct spec_mount *m, int tree_fd, int root_fd, const struct rootfs_opts *opts,
              struct error **err);
/* A read-only /dev of a new filesystem (tmpfs with "ro"): mounted read-write so its nodes,
 * /dev/pts and the console can be made, and turned read-only by rootfs_finish, as runc does. */
bool mount_readonly_deferred(const struct spec_mount *m);
/* Copies the contents of directory src into directory dst (tmpcopyup), owners and modes
 * included; a directory on another mount (something mounted below src) is copied as an empty
 * directory.  Errors name the path below src. */
int copy_tree(int src_dir, int dst_dir, struct error **err);

/* ---- id maps (namespaces.c) ---- */

/* Writes n mappings ("containerID hostID size" lines) to /proc/PID/<file> ("uid_map") in one
 * write; field names the config field in errors. */
int id_map_write(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
                 const char *field, struct error **err);

/* ---- idmapped mounts (idmap.c) ---- */

/* Moves the detached tree tree_fd (from idmap_mounts_prepare) onto the O_PATH fd target. */
int idmap_tree_attach(int tree_fd, int target, struct error **err);
/* A copy of the detached tree (cloned from source by the runtime) whose submounts the kernel
 * has locked, for a container with a user namespace: without the locks its root could unmount
 * them and see what the host's mounts cover.  Returns the new tree's fd or -1 with *err (what
 * names the mount). */
int mount_tree_locked_copy(int tree, const char *source, const char *what, struct error **err);

/* ---- inroot fallback (inroot.c), exposed for the unit test ---- */
int inroot_open_fallback(int root_fd, const char *path, int flags, mode_t mode, struct error **err);
/* O_PATH fd of path inside root_fd reached without following any symlink (the config names
 * the object itself), or -1 with errno (ELOOP when a symlink is on the way). */
int inroot_open_literal(int root_fd, const char *path);

/* ---- procfs and sysfs (procfs.c) ---- */

/* "procfs" or "sysfs" when fd lies on one of them, else NULL. */
const char *kernel_fs_name(int fd);
/* Opens /proc/REL (flags as for openat) in the current root after checking /proc is the root
 * of a procfs, without crossing a mount or leaving /proc, and checks the result is on procfs:
 * a bind mount over a sysctl or attr file is refused, never written through.  Returns the fd
 * (caller closes) or -1 with *err naming /proc/REL. */
int procfs_open(const char *rel, int flags, struct error **err);
/* procfs_open(rel, O_WRONLY) and one write of value. */
int procfs_write(const char *rel, const char *value, struct error **err);
/* Refuses (with *err naming what, and the resolved path) a target fd on procfs or sysfs for
 * anything but a proc or sysfs mount, unless the config names it literally (no symlink on the
 * way) and it is a place runc allows too: anywhere in sysfs, lxcfs's files under /proc, or
 * /proc itself for a bind of a procfs.  what: "mounts: /etc/resolv.conf". */
int mount_target_check(int root_fd, int target, const char *dest, const struct spec_mount *m,
                       const char *what, struct error **err);

/* ---- pieces of the rootfs (devices.c, masked.c, sysctl.c, cgroupfs.c, lsm.c) ---- */

/* Does the config bind mount something over /dev?  Then we leave /dev alone. */
bool devices_dev_is_bind(const struct spec *spec);
int devices_setup(const struct spec *spec, int root_fd, const struct rootfs_opts *opts,
                  struct error **err);
/* Which entries of maskedPaths or readonlyPaths to apply: all, only those under /proc (the
 * init's early pass, rootfs.c steps_before_netns), or all but those. */
enum paths_part { PATHS_ALL, PATHS_PROC, PATHS_NOT_PROC };
/* path is /proc or below it, lexically and without "..". */
bool path_under_proc(const char *path);
/* maskedPaths and readonlyPaths (the part asked for), resolved inside root (an O_PATH fd of the
 * container's "/": the pivoted root, or root.path before pivot_root). */
int masked_paths_apply(int root, char *const *paths, enum paths_part part, struct error **err);
int readonly_paths_apply(int root, char *const *paths, enum paths_part part, struct error **err);
/* Refuses sysctls the container's namespaces do not isolate; runs while the host's /proc is visible. */
int sysctl_validate(const struct spec *spec, struct error **err);
/* The namespace a sysctl key belongs to (NS_NETWORK, NS_IPC, NS_UTS) or -1 when none. */
int sysctl_namespace(const char *key);
int sysctl_apply(const struct spec *spec, struct error **err);
int cgroupfs_mount(const struct spec_mount *m, int root_fd, const struct rootfs_opts *opts,
                   struct error **err);
/* Opens the exec label files the config names (procfs_open: nothing in the rootfs redirects
 * them), close-on-exec, into t with the text each takes (only reached when lsm_check passed).
 * Errors name the field. */
int lsm_exec_labels_open(const struct spec_process *proc, struct exec_trampoline *t, struct error **err);

/* ---- no mount namespace (sharedmnt.c) ---- */

/* Refuses, naming the field, what would have to mount into the runtime's (the host's) mount
 * namespace: mounts, maskedPaths, readonlyPaths, root.readonly, rootfsPropagation,
 * linux.devices and process.terminal (/dev/console is a bind). */
int shared_mntns_check(const struct spec *spec, struct error **err);
/* sysctls, then chroot into root.path (no pivot_root: it would move the host's root) and
 * the process.cwd. */
int shared_mntns_enter_root(const struct spec *spec, struct error **err);

/* ---- capabilities (caps.c) ---- */
int caps_drop_bounding(const struct spec_capabilities *c, struct error **err);
/* Sets effective, permitted and inheritable to exactly the configured lists and raises the
 * ambient caps that are in both permitted and inheritable (others are skipped, as runc and
 * crun do; config-linux.md "capabilities").  -1 with *err when a set cannot be had. */
int caps_apply(const struct spec_capabilities *c, struct error **err);
/* Raises the effective set to the permitted one (held until caps_apply). */
int caps_keep_effective(struct error **err);

/* exec_trampoline.c: execs path through t's memfd (which must be open), the trampoline writing
 * t's exec labels first; returns only when that fails, with *err. */
int exec_via_trampoline(const struct exec_trampoline *t, const char *path, char *const argv[],
                        char *const envp[], struct error **err);

#endif
