/* The container process's own settings, applied in the init after pivot_root: hostname, the
 * executable lookup, rlimits, OOM score, personality, scheduler, I/O priority, user and groups
 * with capabilities kept across the uid change, umask, cwd, no_new_privs, and the final exec. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

int process_set_hostname(const struct spec *spec, struct error **err)
{
        bool uts = spec_namespace(spec, NS_UTS) != NULL;

        if (spec->hostname && *spec->hostname) {
                if (!uts)
                        return error_make(err, 0, "hostname: setting it needs a uts namespace in linux.namespaces");
                if (sethostname(spec->hostname, strlen(spec->hostname)) < 0)
                        return error_make(err, errno, "hostname: sethostname \"%s\"", spec->hostname);
        }
        if (spec->domainname && *spec->domainname) {
                if (!uts)
                        return error_make(err, 0, "domainname: setting it needs a uts namespace in linux.namespaces");
                if (setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
                        return error_make(err, errno, "domainname: setdomainname \"%s\"", spec->domainname);
        }
        /* The other half of what uname(2) reports (LINUX32: i686). */
        return process_set_personality(&spec->linux, err);
}

/* Messages in the words podman and containerd match on (lowercase, Go's wording). */
static int exec_error(struct error **err, int errnum, const char *name, const char *why)
{
        error_make(err, 0, "exec: \"%s\": %s", name, why);
        (*err)->errnum = errnum;
        return -1;
}

/* 0: executable regular file; else the errno why not. */
static int check_exec(const char *path)
{
        struct stat st;
        if (stat(path, &st) < 0)
                return errno;
        if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
                return EACCES;
        return 0;
}

int process_resolve_exec(const struct spec_process *proc, char **path, struct error **err)
{
        const char *name = proc->args && proc->args[0] ? proc->args[0] : NULL;
        if (!name || !*name)
                return error_make(err, 0, "process.args: empty");

        if (strchr(name, '/')) {
                int e = check_exec(name);
                if (e == ENOENT || e == ENOTDIR)
                        return exec_error(err, ENOENT, name, "no such file or directory");
                if (e)
                        return exec_error(err, EACCES, name, "permission denied");
                *path = xstrdup(name);
                return 0;
        }
        const char *search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        for (char **e = proc->env; e && *e; e++)
                if (str_has_prefix(*e, "PATH="))
                        search = *e + strlen("PATH=");
        cleanup_free char *copy = xstrdup(search);
        bool denied = false;
        for (char *dir = copy, *next; dir; dir = next) {
                next = strchr(dir, ':');
                if (next)
                        *next++ = '\0';
                cleanup_free char *cand = xasprintf("%s/%s", *dir ? dir : ".", name);
                int r = check_exec(cand);
                if (r == 0) {
                        *path = steal_pointer(&cand);
                        return 0;
                }
                if (r == EACCES)
                        denied = true;
        }
        if (denied)
                return exec_error(err, EACCES, name, "permission denied");
        return exec_error(err, ENOENT, name, "executable file not found in $PATH");
}

static int apply_rlimits(const struct spec_process *proc, struct error **err)
{
        for (size_t i = 0; i < proc->n_rlimits; i++) {
                const struct spec_rlimit *r = &proc->rlimits[i];
                struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };
                if (setrlimit(r->resource, &rl) < 0)
                        return error_make(err, errno, "process.rlimits: %s: setrlimit soft=%llu hard=%llu", r->type,
                                          (unsigned long long)r->soft, (unsigned long long)r->hard);
        }
        return 0;
}

int process_undumpable(struct error **err)
{
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return error_make(err, errno, "prctl PR_SET_DUMPABLE 0");
        return 0;
}

int process_set_oom_score_adj(pid_t pid, const struct spec_process *proc, struct error **err)
{
        if (!proc->has_oom_score_adj)
                return 0;
        char buf[16], path[48];
        snprintf(buf, sizeof(buf), "%d", proc->oom_score_adj);
        snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
        if (write_file_at(AT_FDCWD, path, buf, err) < 0)
                return error_wrap(err, "process.oomScoreAdj");
        return 0;
}

int process_set_personality(const struct spec_linux *l, struct error **err)
{
        if (!l->personality.present)
                return 0;
        unsigned long p;
        if (!l->personality.domain || strcmp(l->personality.domain, "LINUX") == 0)
                p = PER_LINUX;
        else if (strcmp(l->personality.domain, "LINUX32") == 0)
                p = PER_LINUX32;
        else
                return error_make(err, 0, "linux.personality.domain: unknown \"%s\"", l->personality.domain);
        if (l->personality.flags && l->personality.flags[0])
                return error_make(err, 0, "linux.personality.flags: \"%s\" is not supported",
                                  l->personality.flags[0]);
        if (personality(p) < 0)
                return error_make(err, errno, "linux.personality: %s", l->personality.domain);
        return 0;
}

/* struct sched_attr of linux/sched/types.h (glibc 2.36 has no wrapper). */
struct sched_attr_v1 {
        uint32_t size;
        uint32_t sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime;
        uint64_t sched_deadline;
        uint64_t sched_period;
};

static const struct { const char *name; uint64_t value; } sched_flag_names[] = {
        { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
        { "SCHED_FLAG_DL_OVERRUN", 0x04 },    { "SCHED_FLAG_KEEP_POLICY", 0x08 },
        { "SCHED_FLAG_KEEP_PARAMS", 0x10 },   { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
        { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static int apply_scheduler(const struct spec_process *proc, struct error **err)
{
        const struct spec_scheduler *s = &proc->scheduler;
        if (!s->present)
                return 0;
        struct sched_attr_v1 attr = {
                .size = sizeof(attr),
                .sched_policy = (uint32_t)s->policy_value,
                .sched_nice = s->has_nice ? s->nice : 0,
                .sched_priority = s->has_priority ? (uint32_t)s->priority : 0,
                .sched_runtime = s->runtime,
                .sched_deadline = s->deadline,
                .sched_period = s->period,
        };
        for (size_t i = 0; s->flags && s->flags[i]; i++) {
                size_t k = 0;
                while (k < ARRAY_SIZE(sched_flag_names) && strcmp(s->flags[i], sched_flag_names[k].name) != 0)
                        k++;
                if (k == ARRAY_SIZE(sched_flag_names))
                        return error_make(err, 0, "process.scheduler.flags: unknown \"%s\"", s->flags[i]);
                attr.sched_flags |= sched_flag_names[k].value;
        }
        if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
                if (errno == EPERM && (s->policy_value == SCHED_FIFO || s->policy_value == SCHED_RR))
                        /* the runtime gave the cgroup a budget where it knows how (cgroup v1) */
                        return error_make(err, errno, "process.scheduler: sched_setattr policy %s (a realtime "
                                          "policy needs CAP_SYS_NICE or RLIMIT_RTPRIO, and a realtime budget in "
                                          "the cgroup where the kernel groups realtime tasks)", s->policy);
                return error_make(err, errno, "process.scheduler: sched_setattr policy %s", s->policy);
        }
        return 0;
}

static int apply_ioprio(const struct spec_process *proc, struct error **err)
{
        const struct spec_io_priority *io = &proc->io_priority;
        if (!io->present)
                return 0;
        enum { IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_SHIFT = 13 };
        int value = (io->class_value << IOPRIO_CLASS_SHIFT) | io->priority;
        if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
                return error_make(err, errno, "process.ioPriority: ioprio_set %s %d", io->class, io->priority);
        return 0;
}

static int apply_user(const struct spec_user *u, struct error **err)
{
        cleanup_free gid_t *gids = u->n_additional_gids ? xcalloc(u->n_additional_gids, sizeof(gid_t)) : NULL;
        for (size_t i = 0; i < u->n_additional_gids; i++)
                gids[i] = u->additional_gids[i];
        /* In a user namespace with setgroups denied only an empty list is "allowed" as a no-op. */
        if (setgroups(u->n_additional_gids, gids) < 0 && !(errno == EPERM && u->n_additional_gids == 0))
                return error_make(err, errno, "process.user.additionalGids: setgroups");
        if (setresgid(u->gid, u->gid, u->gid) < 0)
                return error_make(err, errno, "process.user.gid: setresgid %u", u->gid);
        if (setresuid(u->uid, u->uid, u->uid) < 0)
                return error_make(err, errno, "process.user.uid: setresuid %u", u->uid);
        return 0;
}

/* stdio that is a pipe or socket (podman's and containerd's, made by root) goes to the process
 * user, so it can reopen /dev/stdout as runc allows; ttys and files are the caller's and keep
 * their owner.  A uid the namespace cannot map (EINVAL) or may not chown to (EPERM) is left. */
static int stdio_chown(const struct spec_user *u, struct error **err)
{
        for (int fd = 0; fd <= 2; fd++) {
                struct stat st;
                if (fstat(fd, &st) < 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
                        continue;
                if (st.st_uid == u->uid && st.st_gid == u->gid)
                        continue;
                if (fchown(fd, u->uid, u->gid) < 0 && errno != EINVAL && errno != EPERM)
                        return error_make(err, errno, "process.user: chown stdio fd %d to %u:%u", fd,
                                          u->uid, u->gid);
        }
        return 0;
}

/* A cwd reached through a magic link (/proc/self/fd/N, /proc/PID/cwd) can lie outside the
 * root, which would hand the process the host's tree (CVE-2024-21626).  The kernel then answers
 * getcwd with "(unreachable)/...", which glibc turns into ENOENT. */
static int check_cwd_inside_root(const char *cwd, struct error **err)
{
        char buf[PATH_MAX];
        if (!getcwd(buf, sizeof(buf))) {
                if (errno != ENOENT)
                        return error_make(err, errno, "process.cwd: getcwd after chdir %s", cwd);
                buf[0] = '\0';
        }
        if (buf[0] != '/')
                return error_make(err, 0, "process.cwd: %s is outside the container's root", cwd);
        return 0;
}

int process_apply(const struct spec_process *proc, struct error **err)
{
        if (apply_rlimits(proc, err) < 0 ||
            apply_scheduler(proc, err) < 0 || apply_ioprio(proc, err) < 0)
                return -1;
        if (caps_drop_bounding(&proc->capabilities, err) < 0)
                return -1;
        /* a process without a terminal still gets a session of its own (a terminal's owner
         * got one in terminal.c), so it cannot reach the caller's job control */
        if (!proc->terminal && setsid() < 0 && errno != EPERM)
                return error_make(err, errno, "setsid");
        if (stdio_chown(&proc->user, err) < 0)
                return -1;
        /* cwd is entered as root first, like runc, so a directory only root may search (/root
         * with uid 42) works; it is tried again as the user when root could not.  The init
         * created a missing one before the root became read-only (rootfs_finish); exec creates
         * none. */
        bool in_cwd = proc->cwd && chdir(proc->cwd) == 0;
        /* Keep the permitted set across the uid change; caps_apply sets the rest. */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return error_make(err, errno, "prctl PR_SET_KEEPCAPS");
        if (apply_user(&proc->user, err) < 0)
                return -1;
        if (process_undumpable(err) < 0)        /* the uid change reset it */
                return -1;
        umask(proc->user.has_umask ? (mode_t)proc->user.umask : 022);
        if (proc->cwd && !in_cwd && chdir(proc->cwd) < 0)
                return error_make(err, errno, "process.cwd: chdir %s", proc->cwd);
        if (proc->cwd && check_cwd_inside_root(proc->cwd, err) < 0)
                return -1;
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return error_make(err, errno, "prctl PR_SET_KEEPCAPS");
        if (seccomp_install_early(proc)) {
                /* Without no_new_privs a seccomp filter can only be installed with CAP_SYS_ADMIN,
                 * which the configured set drops: keep what we hold (effective = permitted)
                 * through seccomp_program_install, and set the configured sets in
                 * process_exec, right before execve. */
                if (caps_keep_effective(err) < 0)
                        return -1;
        } else if (caps_apply(&proc->capabilities, err) < 0) {
                return -1;
        }
        if (proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return error_make(err, errno, "process.noNewPrivileges: prctl");
        return 0;
}

int process_exec(const struct spec_process *proc, const char *path, const struct exec_trampoline *t,
                 struct error **err)
{
        static char *const empty[] = { NULL };

        if (seccomp_install_early(proc) && caps_apply(&proc->capabilities, err) < 0)
                return error_wrap(err, "after installing seccomp");
        return exec_via_trampoline(t, path, proc->args, proc->env ? proc->env : empty, err);
}
