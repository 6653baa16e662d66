/* `kill`, `ps`, `pause`/`resume`: signals and cgroup queries on an existing container.  The
 * init is signalled through a pidfd opened after checking its start time, so a recycled pid
 * is never hit. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>

#include "contain/util.h"
#include "internal.h"

static const struct {
        const char *name;
        int sig;
} signal_names[] = {
        { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
        { "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
        { "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
        { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
        { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
        { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
        { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
        { "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR },
        { "SYS", SIGSYS },
};

int signal_parse(const char *text, int *sig, struct error **err)
{
        int64_t n;
        if (parse_int64(text, &n) == 0) {
                if (n <= 0 || n >= NSIG)
                        return error_make(err, 0, "invalid signal \"%s\"", text);
                *sig = (int)n;
                return 0;
        }
        const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
        for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++)
                if (strcasecmp(name, signal_names[i].name) == 0) {
                        *sig = signal_names[i].sig;
                        return 0;
                }
        if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
                int64_t off = 0;
                const char *num = name + 5;
                /* RTMIN+N, RTMAX-N; bounded before the cast (RTMIN+4294967297 was 35: review37) */
                if (*num && ((*num != '+' && *num != '-') || parse_int64(num, &off) < 0 || off < -NSIG || off > NSIG))
                        return error_make(err, 0, "invalid signal \"%s\"", text);
                int s = (strncasecmp(name, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX) + (int)off;
                if (s < SIGRTMIN || s > SIGRTMAX)
                        return error_make(err, 0, "invalid signal \"%s\"", text);
                *sig = s;
                return 0;
        }
        return error_make(err, 0, "invalid signal \"%s\"", text);
}

/* Signals the init if it still is the process create started; ESRCH when it is gone. */
static int signal_init(const struct saved_state *s, int sig)
{
        /* no init yet (create before its clone, or a state a delete removed as we read it) */
        if (s->pid <= 0) {
                errno = ESRCH;
                return -1;
        }
        int pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
        if (pidfd < 0)
                return -1;
        int r = -1;
        if (state_pid_alive(s))
                r = (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
        else
                errno = ESRCH;
        int e = errno;
        close(pidfd);
        errno = e;
        return r;
}

/* Whether the container has a pid namespace of its own (runtime-spec config-linux.md,
 * namespaces: a "pid" entry without a path).  Without one its processes do not die with the
 * init, so kill signals them all, as runc does since 1.2.  A config that cannot be read
 * counts as "own": only the init is signalled, as before. */
static bool has_own_pid_ns(int dirfd)
{
        cleanup_spec struct spec *spec = NULL;
        struct error *e = NULL;
        if (state_load_spec(dirfd, &spec, &e) < 0) {
                error_free(e);
                return true;
        }
        const struct spec_namespace *ns = spec_namespace(spec, NS_PID);
        return ns && !ns->path;
}

int container_kill(const char *root, const char *id, int sig, bool all, struct error **err)
{
        cleanup_close int dirfd = -1;
        cleanup_saved_state struct saved_state *s = NULL;
        cleanup_cgroup struct cgroup *cg = NULL;
        if (container_open_state(root, id, false, &dirfd, &s, &cg, err) < 0)
                return -1;
        const char *status = state_status(dirfd, s, cg);
        if (all) {
                /* its processes died with the init and its pid namespace: what the cgroup
                 * holds now is another's (a container of another --root, same cgroupsPath) */
                if (strcmp(status, "stopped") == 0 && s->new_pid_ns)
                        return 0;
                if (cg && cgroup_kill_all(cg, sig, err) < 0)
                        return error_wrap(err, "kill all processes of \"%s\"", id);
                if (strcmp(status, "stopped") != 0 && signal_init(s, sig) < 0 && errno != ESRCH)
                        return error_make(err, errno, "kill container \"%s\"", id);
                return 0;
        }
        if (strcmp(status, "stopped") == 0)
                return error_with_errno(err, ESRCH, "container not running");
        if (cg && !has_own_pid_ns(dirfd)) {
                if (cgroup_kill_all(cg, sig, err) < 0)
                        return error_wrap(err, "kill container \"%s\" (no pid namespace of its own)", id);
                return 0;
        }
        if (signal_init(s, sig) < 0) {
                if (errno == ESRCH)
                        return error_with_errno(err, ESRCH, "container not running");
                return error_make(err, errno, "kill container \"%s\"", id);
        }
        return 0;
}

/* Without a cgroup directory (--cgroup-manager=disabled, or rootless without delegation). */
static bool cgroup_none(const struct cgroup *cg)
{
        return !cg || strcmp(cgroup_state_string(cg), "disabled") == 0;
}

/* Appends every other process in the init's pid namespace, found by comparing
 * /proc/N/ns/pid: what stands for the cgroup's list when there is none.  (Processes exec
 * started are orphaned to the host's reaper, not the init: descendants would miss them.) */
static void add_pidns_members(pid_t init, pid_t **pids, size_t *n)
{
        char path[64];
        struct stat want, st;
        snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
        if (stat(path, &want) < 0)
                return;
        cleanup_dir DIR *d = opendir("/proc");
        struct dirent *de;
        while (d && (de = readdir(d))) {
                int64_t v;
                if (parse_int64(de->d_name, &v) < 0 || v <= 0 || (pid_t)v == init)
                        continue;
                snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)v);
                if (stat(path, &st) < 0 || st.st_ino != want.st_ino || st.st_dev != want.st_dev)
                        continue;
                *pids = xrealloc(*pids, (*n + 1) * sizeof(pid_t));
                (*pids)[(*n)++] = (pid_t)v;
        }
}

int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct error **err)
{
        cleanup_close int dirfd = -1;
        cleanup_saved_state struct saved_state *s = NULL;
        cleanup_cgroup struct cgroup *cg = NULL;
        if (container_open_state(root, id, false, &dirfd, &s, &cg, err) < 0)
                return -1;
        /* as in kill --all: nothing in the cgroup is this container's any more */
        if (s->new_pid_ns && strcmp(state_status(dirfd, s, cg), "stopped") == 0) {
                *n = 0;
                *pids = xcalloc(1, sizeof(pid_t));
                return 0;
        }
        if (cgroup_none(cg)) {
                /* no cgroup to list: the init and the other members of its pid namespace */
                *n = 0;
                *pids = xcalloc(1, sizeof(pid_t));
                if (state_pid_alive(s)) {
                        (*pids)[(*n)++] = s->pid;
                        if (has_own_pid_ns(dirfd))
                                add_pidns_members(s->pid, pids, n);
                }
                return 0;
        }
        return cgroup_pids(cg, pids, n, err);
}

int container_cgroup(const char *root, const char *id, struct cgroup **out, struct error **err)
{
        cleanup_close int dirfd = -1;
        cleanup_saved_state struct saved_state *s = NULL;
        if (container_open_state(root, id, false, &dirfd, &s, out, err) < 0)
                return -1;
        if (!*out)
                return error_with_errno(err, ENOENT, "container \"%s\" has no cgroup", id);
        return 0;
}

int container_pause(const char *root, const char *id, bool pause, struct error **err)
{
        cleanup_close int dirfd = -1;
        cleanup_saved_state struct saved_state *s = NULL;
        cleanup_cgroup struct cgroup *cg = NULL;
        if (container_open_state(root, id, true, &dirfd, &s, &cg, err) < 0)
                return -1;
        if (cgroup_none(cg))
                return error_make(err, 0, "container \"%s\" has no cgroup to freeze (cgroups disabled, or created "
                                  "by an unprivileged user without a delegated cgroup v2 subtree)", id);
        const char *status = state_status(dirfd, s, cg);
        if (pause && strcmp(status, "running") != 0 && strcmp(status, "created") != 0)
                return error_make(err, 0, "container not running");
        if (!pause && strcmp(status, "paused") != 0)
                return error_make(err, 0, "container not paused");
        if (cgroup_freeze(cg, pause, err) < 0)
                return error_wrap(err, "%s container \"%s\"", pause ? "pause" : "resume", id);
        return 0;
}
