/* Turning a spec into the container's world, inside the container init: namespaces, the
 * rootfs and its mounts, /dev, and the process attributes.  The engine (src/engine) calls
 * these in order; each runs in the init after clone unless it says otherwise. */
#ifndef CONTAIN_LINUX_H
#define CONTAIN_LINUX_H

#include <stdbool.h>
#include <sys/types.h>

#include "contain/error.h"
#include "contain/spec.h"

/* ---- namespaces (src/linux/namespaces.c) ---- */

/* CLONE_NEW* flags for the namespaces the spec asks to create (entries without a path). */
int ns_clone_flags(const struct spec *spec);
/* Opens (O_RDONLY|O_CLOEXEC) every namespace path in the spec, in the runtime, before clone,
 * so a bad path fails create early; fds[t] = -1 where nothing is to be joined. */
int ns_open_paths(const struct spec *spec, int fds[NS_TYPE_COUNT], struct error **err);
/* Joins the opened namespaces (user first), closing the fds. skip_mask: bit (1 << t) of
 * types already joined (e.g. pid, done by the parent before clone). */
int ns_join(int fds[NS_TYPE_COUNT], unsigned skip_mask, struct error **err);
/* Writes uid_map/gid_map for pid: run by the parent (runtime-spec "User namespace mappings").
 * Root over the host, or root of a user namespace, writes the files itself; an unprivileged
 * caller writes a single mapping of its own euid/egid itself (with setgroups "deny" before
 * gid_map, as the kernel demands) and hands anything else to newuidmap/newgidmap. */
int ns_write_id_maps(pid_t pid, const struct spec *spec, struct error **err);
/* Writes /proc/PID/timens_offsets: run by the parent after the child unshared CLONE_NEWTIME
 * and before it enters /proc/self/ns/time_for_children (the kernel refuses offsets later). */
int ns_write_time_offsets(pid_t pid, const struct spec *spec, struct error **err);

/* ---- rootless (src/linux/rootless.c) ---- */

/* True inside a user namespace other than the initial one (/proc/self/uid_map is not the
 * identity over all 2^32 ids): "root" there has no privileges over the host, which is how
 * rootless podman calls its runtime. */
bool rootless_in_user_ns(void);
/* True when contain runs without privileges over the host: a non-zero euid, or any euid in a
 * user namespace (runc's "rootless euid" plus its userns case). */
bool rootless_euid(void);
/* Writes pid's uid_map (tool "newuidmap") or gid_map ("newgidmap") through the setuid helper
 * of Debian's uidmap package, which checks the ranges against /etc/subuid or /etc/subgid.
 * Runs in the parent; pid must be dumpable.  Errors name field (linux.uidMappings, ...) and
 * the missing tool, or quote the helper's own message naming the refused range. */
int rootless_map_helper(const char *tool, pid_t pid, const struct spec_id_mapping *m, size_t n,
                        const char *field, struct error **err);

/* ---- rootfs (src/linux/rootfs.c, mounts.c, devices.c, inroot.c) ---- */

struct rootfs_opts {
        bool no_pivot;          /* --no-pivot: MS_MOVE + chroot */
        int console_fd;         /* pty slave for /dev/console, or -1 */
        bool new_netns;         /* the container has a netns of its own (sysfs may be rw) */
        bool new_userns;        /* inside a user namespace: bind devices instead of mknod */
        bool new_cgroupns;
        const int *mount_trees; /* per spec mount: a detached idmapped tree to attach, or -1; may be NULL */
        /* called before each mount that may capture the mounter's network namespace (may be
         * NULL; rootfs_mount_all): the init joins the one the runtime made */
        int (*before_net_mount)(void *data, struct error **err);
        void *before_net_mount_data;
        /* before_net_mount waits for a namespace the runtime is still making: what can go
         * before it with the same outcome goes there (rootfs.c, steps_before_netns) ... */
        bool netns_wait;
        /* ... and rootfs_mount_all sets *proc_paths_done when that included the readonlyPaths
         * and maskedPaths under /proc, which rootfs_finish then leaves out */
        bool *proc_paths_done;
};

/* In the runtime, before clone (an idmap needs CAP_SYS_ADMIN in the user namespace of the
 * source's filesystem, which the init in a user namespace lacks): for each mount with "idmap"
 * or "ridmap" (runtime-spec 1.2 config.md, mounts), a detached clone of its source (the whole
 * tree for rbind or ridmap) idmapped through a user namespace whose maps are the mount's
 * uidMappings/gidMappings, or the container's when the mount has none; with a container user
 * namespace the submounts of a tree come locked, as an rbind's would.  *trees gets
 * spec->n_mounts fds, -1 where a mount is not idmapped (NULL when there are no mounts); free
 * with idmap_mounts_close.  Errors name mounts[i]: no mappings, a failed clone, a filesystem
 * without idmap support. */
int idmap_mounts_prepare(const struct spec *spec, int **trees, struct error **err);
/* In the runtime, before clone, after idmap_mounts_prepare, when the container has a user
 * namespace: opens every other bind mount source as a detached copy (open_tree
 * OPEN_TREE_CLONE, the whole tree for rbind, its submounts locked) into the -1 slots of trees
 * (spec->n_mounts entries), with the runtime's identity as runc 1.2 and crun do, so a source
 * the namespace's root cannot reach (below a 0700 host directory) still mounts.  Errors name
 * the mount's destination and source (runtime-spec config.md "mounts"). */
int mount_sources_open(const struct spec *spec, int *trees, struct error **err);
/* Closes the fds (-1 skipped) and frees the array; trees may be NULL. */
void idmap_mounts_close(int *trees, size_t n);

/* Everything before pivot_root: the LSM and sysctl checks (clear errors early), rootfs
 * propagation, the rootfs bind, spec mounts in order (targets resolved in the rootfs, mounted
 * through /proc/self/fd), the cgroup view, /dev and its devices, /dev/console.  After this,
 * createContainer hooks may run. */
int rootfs_mount_all(const struct spec *spec, const struct rootfs_opts *opts, struct error **err);
/* pivot_root (or move+chroot), sysctl, readonly and masked paths, a read-only /dev,
 * root.readonly, and a shared/unbindable rootfsPropagation on the new "/".  Without a mount
 * namespace (the container shares the runtime's), rootfs_mount_all mounts nothing and refuses
 * a config that needs a mount, naming the field, and this only applies sysctls and chroots
 * into root.path, as crun does. */
int rootfs_finish(const struct spec *spec, const struct rootfs_opts *opts, struct error **err);

/* Bind mounts the pty slave console_fd onto /dev/console inside root_fd: the old dev/console
 * (a symlink too) is replaced by a new empty file, never followed, and a /dev that resolves
 * into procfs or sysfs is refused (runtime-spec config.md, process.terminal). */
int devices_bind_console(int root_fd, int console_fd, struct error **err);
/* True when fd is the pty multiplexer (char 5:2), not a file the rootfs put at /dev/ptmx. */
bool devices_is_ptmx(int fd);

/* Opens path inside the directory root_fd without ever leaving it (openat2 RESOLVE_IN_ROOT,
 * with a checked fallback); flags as for openat. */
int inroot_open(int root_fd, const char *path, int flags, mode_t mode, struct error **err);
/* The same, -1 with errno and no error object: for a caller that expects ENOENT (building an
 * error it drops costs a formatted message and a strerror, ~5 µs in the init). */
int inroot_open_probe(int root_fd, const char *path, int flags, mode_t mode);
/* Creates the missing components of path inside root_fd (as dirs, the last one as a dir or an
 * empty file) and returns an O_PATH fd of it. */
int inroot_mkpath(int root_fd, const char *path, bool last_is_file, mode_t mode, struct error **err);

/* ---- process (src/linux/process.c, caps.c, seccomp.c) ---- */

/* Hostname and domainname (needs the new uts ns), and linux.personality. */
int process_set_hostname(const struct spec *spec, struct error **err);
/* linux.personality alone (for exec, which joins and sets no hostname). */
int process_set_personality(const struct spec_linux *l, struct error **err);
/* Resolves process.args[0] against the process PATH inside the (pivoted) root:
 * exec: "/bin/nope": no such file or directory. */
int process_resolve_exec(const struct spec_process *proc, char **path, struct error **err);
/* Makes this process non-dumpable: the CVE-2019-5736 class.  The init and exec children are
 * clones of the runtime and map its binary until execve, so /proc/PID/exe (and root, cwd, fd,
 * mem, map_files, environ) would lead a container process to the host's binary and to the
 * runtime's fds.  A non-dumpable mm makes ptrace_may_access refuse that (EACCES) to anyone
 * without CAP_SYS_PTRACE in the host's user namespace (the binary's mm belongs to it).  clone
 * copies the flag, execve of the container's program resets it.  The runtime calls it before
 * its first clone; the child again after each credential change (setresuid, setns of a user
 * namespace), which resets the flag to fs.suid_dumpable.  Errors: prctl's errno. */
int process_undumpable(struct error **err);
/* process.oomScoreAdj written by the runtime into /proc/PID/oom_score_adj (nothing when
 * unset): a non-dumpable process's own /proc files belong to the host's root, which its user
 * namespace does not map.  Errors name process.oomScoreAdj (EPERM: lowering it needs
 * CAP_SYS_RESOURCE). */
int process_set_oom_score_adj(pid_t pid, const struct spec_process *proc, struct error **err);
/* Rlimits, scheduler, ioprio, bounding set,
 * a session of its own without a terminal, stdio pipes chowned to the user, groups/gid/uid
 * with caps kept, umask, cwd (entered as root, else as the user), the other capability sets,
 * no_new_privs.  Not seccomp. */
int process_apply(const struct spec_process *proc, struct error **err);
/* When the NULL-terminated, malloc'd *env has no HOME or an empty one, appends "HOME=<dir>":
 * the home of uid in the /etc/passwd of the root we are in (call it inside the container's
 * root, before seccomp), "/" when there is no entry or file, as runc does. */
void process_default_home(char ***env, uid_t uid);
/* The home field of uid's entry in the passwd text, malloc'd; NULL when there is none. */
char *passwd_home_for_uid(const char *text, uid_t uid);
/* Errors when apparmorProfile/selinuxLabel ask for an LSM this host does not run. */
int lsm_check(const struct spec_process *proc, struct error **err);
/* What process_exec execs through (exec_trampoline_open): a sealed, executable memfd holding
 * contain's exec trampoline, so that "/proc/self/exe" never names the host binary while the
 * user's program is being exec'd (CVE-2019-5736), and the AppArmor/SELinux exec labels, which
 * apply to the next exec only: the trampoline writes them right before it execs the program. */
struct exec_trampoline {
        int memfd;
        size_t n_labels;
        int label_fd[2];        /* /proc/self/attr/.../exec, close-on-exec but for that exec */
        char *label[2];         /* what goes into each (malloc'd) */
};
/* Fills *t (close it with exec_trampoline_close, also on error).  Call it before
 * process_apply (whose rlimits may refuse the memfd's write) and the seccomp filter.  Errors: errno of memfd_create, its write or seals; the label files
 * (naming process.apparmorProfile or process.selinuxLabel). */
int exec_trampoline_open(const struct spec_process *proc, struct exec_trampoline *t, struct error **err);
void exec_trampoline_close(struct exec_trampoline *t);
#define cleanup_trampoline __attribute__((cleanup(exec_trampoline_close)))
/* Replaces the environment with proc->env and execs path through t (does not return on
 * success); first sets the capability sets process_apply deferred (see seccomp below).  When
 * the trampoline cannot be exec'd (a seccomp profile refusing execveat) it fails: the program
 * is never exec'd from the runtime's own image. */
int process_exec(const struct spec_process *proc, const char *path, const struct exec_trampoline *t,
                 struct error **err);

/* A seccomp filter compiled before fork, installed in the init as its last act before exec.
 * Without noNewPrivileges, installing needs CAP_SYS_ADMIN: when the configured caps drop it
 * (seccomp_install_early() is true), process_apply keeps the held caps effective and
 * process_exec sets the configured sets after the filter, right before execve (the filter
 * must then allow capset and prctl, as podman's and docker's profiles do).  Installing the
 * filter before process_apply, like runc, also works. */
struct seccomp_program;
/* SCMP_ACT_NOTIFY rules (runtime-spec config-linux.md, "Seccomp": listenerPath) need
 * listenerPath, may not name sendmsg and make the program notify (seccomp_program_notifies);
 * the errors name the field. */
int seccomp_program_build(const struct spec_seccomp *sc, struct seccomp_program **out, struct error **err);
/* Installs prog (NULL: nothing).  For a program that notifies, *notify_fd gets the listener fd
 * (close-on-exec, the caller owns it; closed at once when notify_fd is NULL), else -1. */
int seccomp_program_install(const struct seccomp_program *prog, int *notify_fd, struct error **err);
bool seccomp_program_notifies(const struct seccomp_program *prog);
void seccomp_program_free(struct seccomp_program *prog);
/* True for a linux.seccomp.flags name this module passes to the kernel (features' supportedFlags). */
bool seccomp_flag_supported(const char *name);
/* True for a linux.seccomp.architectures name ("SCMP_ARCH_X86_64") a filter built here can hold:
 * known to this libseccomp and of the native byte order. */
bool seccomp_arch_supported(const char *name);
/* The version of the libseccomp a filter would be built with ("2.5.4", malloc'd), loading it;
 * NULL with err (which names the library and the package) when it cannot be loaded. */
char *seccomp_library_version(struct error **err);
/* True when installing a filter needs CAP_SYS_ADMIN that proc's capabilities drop. */
bool seccomp_install_early(const struct spec_process *proc);

/* ---- placement (src/linux/numa.c) ---- */

/* linux.memoryPolicy through set_mempolicy(2) for the calling process (inherited by its
 * children and across execve; runtime-spec config-linux.md "Memory policy").  A node the host
 * does not have, or the cpuset does not allow, is an error naming linux.memoryPolicy.nodes;
 * other refusals carry set_mempolicy's errno.  Nothing when the field is absent. */
int process_set_memory_policy(const struct spec_memory_policy *mp, struct error **err);
/* sched_setaffinity(pid, list) for process.execCPUAffinity's initial (the runtime, on the
 * new process before it joins the cgroup) and final (the process, right before execve);
 * pid 0 is the caller.  list NULL: nothing.  Errors name field. */
int process_set_cpu_affinity(pid_t pid, const char *list, const char *field, struct error **err);

/* ---- Intel RDT / AMD QoS (src/linux/resctrl.c), run by the runtime ---- */

#define RESCTRL_ROOT "/sys/fs/resctrl"
/* linux.intelRdt (runtime-spec config-linux.md "IntelRdt"): checks root (RESCTRL_ROOT; a test
 * directory in unit tests) offers what the config asks (no resctrl, no info/L3 for
 * l3CacheSchema, no info/MB for memBwSchema, no llc_occupancy / mbm_*_bytes monitoring for
 * enableCMT / enableMBM: errors naming the field), creates the group <root>/<closID or id>
 * (an existing closID group is shared), writes schemata (1.3; else l3CacheSchema and
 * memBwSchema) and adds pid to its tasks, or, with enableMonitoring and a closID, to the
 * tasks of the monitoring group <group>/mon_groups/<id>.  Nothing when intelRdt is absent. */
int resctrl_join(const char *root, const struct spec_intel_rdt *rdt, const char *id, pid_t pid,
                 struct error **err);
/* Removes what resctrl_join made for id: its monitoring group, and the group unless closID
 * named it (shared); ENOENT is success. */
int resctrl_remove(const char *root, const struct spec_intel_rdt *rdt, const char *id, struct error **err);
/* <root>/<closID or id>, malloc'd. */
char *resctrl_group_path(const char *root, const struct spec_intel_rdt *rdt, const char *id);

/* linux.mountLabel: "" or absent is nothing; else an error naming the field, "SELinux is not
 * enabled on this host" or, on an SELinux host, not supported yet (never a silent skip). */
int lsm_check_mount_label(const struct spec_linux *l, struct error **err);

/* The i-th mount option word the mount code honours (0, 1, ... until NULL; src/linux/mountopts.c):
 * flags, propagation, tmpcopyup, the recursive attributes, idmap; never filesystem data.  For
 * `features`. */
const char *mountopts_known_name(size_t i);

/* Capability names known to this build ("CAP_CHOWN", ...), for validation and `features`. */
const char *const *caps_known_names(void);

#endif
