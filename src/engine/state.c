/* state.json of a container: what create saved (pid, start time, cgroup, bundle...), and the
 * status computed from reality each time it is read (the saved one is only a hint). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "contain/json.h"
#include "contain/util.h"
#include "internal.h"

void saved_state_free(struct saved_state *s)
{
        if (!s)
                return;
        free(s->oci_version);
        free(s->id);
        free(s->status);
        free(s->bundle);
        free(s->rootfs);
        free(s->created);
        free(s->owner);
        free(s->cgroup);
        for (size_t i = 0; i < s->n_annotations; i++) {
                free(s->annotations[i].key);
                free(s->annotations[i].value);
        }
        free(s->annotations);
        free(s);
}

static void write_annotations(struct json_writer *w, const struct spec_kv *kv, size_t n)
{
        json_w_key(w, "annotations");
        json_w_object_begin(w);
        for (size_t i = 0; i < n; i++)
                json_w_kv_string(w, kv[i].key, kv[i].value);
        json_w_object_end(w);
}

int state_write(int dirfd, const struct saved_state *s, struct error **err)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(false);
        json_w_object_begin(w);
        json_w_kv_string(w, "ociVersion", s->oci_version);
        json_w_kv_string(w, "id", s->id);
        json_w_kv_string(w, "status", s->status);
        json_w_kv_int(w, "pid", s->pid);
        json_w_kv_uint(w, "startTime", s->start_time);
        if (s->pid_ns)
                json_w_kv_uint(w, "runtimePidNs", s->pid_ns);
        if (s->boot_offset_ns)
                json_w_kv_int(w, "runtimeBootOffsetNs", s->boot_offset_ns);
        json_w_kv_string(w, "bundle", s->bundle);
        json_w_kv_string(w, "rootfs", s->rootfs);
        json_w_kv_string(w, "created", s->created);
        if (s->owner)
                json_w_kv_string(w, "owner", s->owner);
        if (s->has_owner_uid)
                json_w_kv_uint(w, "ownerUid", s->owner_uid);
        json_w_kv_string(w, "cgroup", s->cgroup);
        json_w_kv_bool(w, "newPidNamespace", s->new_pid_ns);
        json_w_kv_bool(w, "createdOk", s->created_ok);
        if (s->config_needs_known) {
                json_w_kv_bool(w, "poststartHooks", s->has_poststart);
                json_w_kv_bool(w, "poststopHooks", s->has_poststop);
                json_w_kv_bool(w, "intelRdt", s->has_intel_rdt);
        }
        write_annotations(w, s->annotations, s->n_annotations);
        json_w_object_end(w);
        size_t len;
        cleanup_free char *doc = json_writer_finish(w, &len);
        /* no fsync: the state dir lives on a tmpfs (/run) and dies with the machine anyway */
        if (write_file_atomic_at(dirfd, STATE_FILE, doc, len, 0600, false, err) < 0)
                return error_wrap(err, "save container state");
        return 0;
}

int state_mark_created(int dirfd, struct saved_state *s, struct error **err)
{
        free(s->status);
        s->status = xstrdup("created");
        s->created_ok = true;
        return state_write(dirfd, s, err);
}

static char *dup_field(const struct json *doc, const char *key)
{
        const char *v = json_string(json_get(doc, key));
        return v ? xstrdup(v) : NULL;
}

int state_read(int dirfd, struct saved_state **out, struct error **err)
{
        cleanup_free char *text = NULL;
        size_t len;
        /* no size limit: whatever create wrote (its config may be 64 MiB of annotations),
         * state, list and delete must read back */
        if (read_file_at(dirfd, STATE_FILE, 0, &text, &len, err) < 0)
                return -1;
        cleanup_json struct json *doc = NULL;
        if (json_parse(text, len, &doc, err) < 0)
                return error_wrap(err, "parse %s", STATE_FILE);
        if (json_type(doc) != JSON_OBJECT)
                return error_make(err, 0, "parse %s: not an object", STATE_FILE);

        struct saved_state *s = xcalloc(1, sizeof(*s));
        s->oci_version = dup_field(doc, "ociVersion");
        s->id = dup_field(doc, "id");
        s->status = dup_field(doc, "status");
        int64_t pid = 0;
        if (json_int64(json_get(doc, "pid"), &pid) && pid > 0 && pid < INT32_MAX)
                s->pid = (pid_t)pid;
        (void)json_uint64(json_get(doc, "startTime"), &s->start_time);
        (void)json_uint64(json_get(doc, "runtimePidNs"), &s->pid_ns);
        (void)json_int64(json_get(doc, "runtimeBootOffsetNs"), &s->boot_offset_ns);
        s->bundle = dup_field(doc, "bundle");
        s->rootfs = dup_field(doc, "rootfs");
        s->created = dup_field(doc, "created");
        s->owner = dup_field(doc, "owner");
        uint64_t uid;
        if (json_uint64(json_get(doc, "ownerUid"), &uid) && uid < UINT32_MAX) {
                s->owner_uid = (uid_t)uid;
                s->has_owner_uid = true;
        }
        s->cgroup = dup_field(doc, "cgroup");
        s->new_pid_ns = json_bool(json_get(doc, "newPidNamespace"));
        s->created_ok = json_bool(json_get(doc, "createdOk"));
        s->config_needs_known = json_get(doc, "poststartHooks") != NULL;
        s->has_poststart = json_bool(json_get(doc, "poststartHooks"));
        s->has_poststop = json_bool(json_get(doc, "poststopHooks"));
        s->has_intel_rdt = json_bool(json_get(doc, "intelRdt"));
        const struct json *ann = json_get(doc, "annotations");
        size_t n = ann && json_type(ann) == JSON_OBJECT ? json_object_size(ann) : 0;
        s->annotations = n ? xcalloc(n, sizeof(struct spec_kv)) : NULL;
        for (size_t i = 0; i < n; i++) {
                const char *v = json_string(json_object_value(ann, i));
                s->annotations[s->n_annotations].key = xstrdup(json_object_key(ann, i));
                s->annotations[s->n_annotations].value = xstrdup(v ? v : "");
                s->n_annotations++;
        }
        if (!s->status)
                s->status = xstrdup("creating");
        *out = s;
        return 0;
}

int state_read_or_creating(int dirfd, struct saved_state **out, struct error **err)
{
        if (state_read(dirfd, out, err) == 0)
                return 0;
        if ((*err)->errnum != ENOENT)
                return -1;
        error_free(*err);
        *err = NULL;
        /* no state.json: a create that died before its first write (an empty dir, or its
         * temporary file), or a directory that is no container's at all */
        cleanup_free char *foreign = NULL;
        int f = statedir_stateless_foreign_entry(dirfd, &foreign);
        if (f != 0)
                return error_make(err, f < 0 ? errno : 0,
                                  "not a container's state directory: no state.json, and \"%s\" is not contain's",
                                  foreign ? foreign : "?");
        *out = xcalloc(1, sizeof(**out));
        (*out)->status = xstrdup("creating");
        return 1;
}

int container_open_state(const char *root, const char *id, bool lock, int *dirfd, struct saved_state **s,
                         struct cgroup **cg, struct error **err)
{
        *dirfd = statedir_open(root, id, lock, err);
        if (*dirfd < 0)
                return -1;
        if (state_read_or_creating(*dirfd, s, err) < 0)
                return error_wrap(err, "%s/%s", root, id);
        if (state_namespaces_check(*s, id, err) < 0)
                return -1;
        if (cg && (*s)->cgroup && cgroup_open((*s)->cgroup, cg, err) < 0)
                return error_wrap(err, "container \"%s\"", id);
        return 0;
}

/* /proc/PID/stat read into text[2048], from its field 3 (the state) on; NULL when pid is gone.
 * The line is a few hundred bytes; a gone process is the usual answer here (delete after the
 * exit), not worth an error object. */
static char *proc_stat_from_state(pid_t pid, char text[2048])
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, text, 2047);
        if (n <= 0)
                return NULL;
        text[n] = '\0';
        /* the command name (field 2) may hold spaces and parentheses: skip to its last ')' */
        char *p = strrchr(text, ')');
        return p && p[1] == ' ' ? p + 2 : NULL;
}

/* Field `field` (3 and up, man 5 proc) of /proc/PID/stat; false when the process is gone or
 * a zombie.  A leader that exited alone (SYS_exit) while its other threads run shows 'Z' as
 * well: that process lives, as long as num_threads (field 20) counts more than the leader
 * (review34). */
static bool proc_stat_field(pid_t pid, int field, uint64_t *out)
{
        char text[2048];
        char *p = proc_stat_from_state(pid, text);
        if (!p)
                return false;
        char state = *p;
        if (state == 'X')
                return false;
        if (state == 'Z') {
                const char *q = p;
                for (int f = 3; f < 20 && q; f++)
                        if ((q = strchr(q, ' ')))
                                q++;
                if (!q || strtoull(q, NULL, 10) <= 1)
                        return false;
        }
        for (int f = 3; f < field; f++) {
                p = strchr(p, ' ');
                if (!p)
                        return false;
                p++;
        }
        *out = strtoull(p, NULL, 10);
        return true;
}

uint64_t proc_start_time(pid_t pid)
{
        uint64_t t = 0;
        return proc_stat_field(pid, 22, &t) ? t : 0;
}

/* PF_FORKNOEXEC (include/linux/sched.h): set by clone, cleared by execve. */
#define PROC_FLAG_FORKNOEXEC 0x40
/* PF_EXITING: set first thing in do_exit, before the exit code and the files go. */
#define PROC_FLAG_EXITING 0x4

bool proc_exited_before_exec(pid_t pid, uint64_t start_time, int *wstatus)
{
        char text[2048];
        char *p = proc_stat_from_state(pid, text);
        if (!p)
                return false;
        /* fields from 3 (the state) on; [9] flags, [22] start time, [52] exit code */
        uint64_t field[53] = { 0 };
        int f = 3;
        for (; f < 53 && *p; f++) {
                field[f] = strtoull(p, NULL, 10);
                if (!(p = strchr(p, ' ')))
                        break;
                p++;
        }
        /* exiting, not exec'd: an fd closed by hand before the exec is no death */
        if (f < 52 || (start_time && field[22] != start_time) ||
            (field[9] & (PROC_FLAG_FORKNOEXEC | PROC_FLAG_EXITING)) != (PROC_FLAG_FORKNOEXEC | PROC_FLAG_EXITING))
                return false;
        *wstatus = (int)field[52];
        return true;
}

int exited_before_exec_error(const char *who, int wstatus, struct error **err)
{
        /* a seccomp filter goes on right before the exec: SIGSYS there is the filter refusing a
         * call of that exec (execveat of the trampoline), which would otherwise pass for the
         * user process's own death.  One that refuses only execve kills the trampoline after
         * this exec: that still reads as the program's own SIGSYS (review37), as with crun. */
        if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGSYS)
                return error_make(err, 0, "%s was killed by SIGSYS before it ran its program: linux.seccomp refuses a system call of its exec (execveat)", who);
        if (WIFSIGNALED(wstatus))
                return error_make(err, 0, "%s was killed by signal %d before it ran its program", who, WTERMSIG(wstatus));
        return error_make(err, 0, "%s exited with status %d before it ran its program", who, WEXITSTATUS(wstatus));
}

bool proc_has_execed(pid_t pid)
{
        uint64_t flags = 0;
        if (!proc_stat_field(pid, 9, &flags))
                return false;
        return !(flags & PROC_FLAG_FORKNOEXEC);
}

/* Without a start time a pid is nobody we know: it may be anyone's by now. */
bool proc_matches(pid_t pid, uint64_t start_time)
{
        if (pid <= 0 || start_time == 0)
                return false;
        return proc_start_time(pid) == start_time;
}

static uint64_t own_pid_ns(void)
{
        struct stat st;
        return stat("/proc/self/ns/pid", &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* PROC_TIME_INIT_INO and PROC_PID_INIT_INO (include/linux/proc_ns.h): fixed inode numbers. */
#define TIME_NS_INITIAL_INO 0xEFFFFFFAU
#define PID_NS_INITIAL_INO 0xEFFFFFFCU

/* Our time namespace's boottime offset in ns (/proc/self/timens_offsets), by which the kernel
 * shifts the start times in /proc/PID/stat.  False when it cannot be read. */
static bool own_boot_offset(int64_t *ns)
{
        *ns = 0;
        struct stat st;
        if (stat("/proc/self/ns/time", &st) < 0)
                return errno == ENOENT;         /* a kernel without time namespaces */
        if (st.st_ino == TIME_NS_INITIAL_INO)
                return true;
        char text[256];
        cleanup_close int fd = open("/proc/self/timens_offsets", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
        if (n <= 0)
                return false;
        text[n] = '\0';
        long long sec;
        long nsec;
        const char *line = strstr(text, "boottime");
        if (!line || sscanf(line, "boottime %lld %ld", &sec, &nsec) != 2)
                return false;
        *ns = (int64_t)sec * 1000000000 + nsec;
        return true;
}

static int64_t tick_ns(void)
{
        long hz = sysconf(_SC_CLK_TCK);
        return 1000000000 / (hz > 0 ? hz : 100);
}

bool state_pid_alive(const struct saved_state *s)
{
        int64_t ours;
        if (!s->start_time || !own_boot_offset(&ours))
                return false;
        /* the start time as our /proc shows it: whole ticks on both sides (state_namespaces_ours) */
        int64_t shift = (ours - s->boot_offset_ns) / tick_ns();
        return proc_matches(s->pid, s->start_time + (uint64_t)shift);
}

void state_record_namespaces(struct saved_state *s)
{
        s->pid_ns = own_pid_ns();
        (void)own_boot_offset(&s->boot_offset_ns);
}

bool state_namespaces_ours(const struct saved_state *s)
{
        if (s->pid_ns && s->pid_ns != own_pid_ns())
                return false;
        int64_t ours, tick = tick_ns();
        if (!own_boot_offset(&ours))
                return false;
        if (ours == s->boot_offset_ns)
                return true;    /* the kernel computed both start times alike, wrapped or not */
        if (ours % tick != 0 || s->boot_offset_ns % tick != 0)
                return false;
        /* the kernel adds a negative offset in unsigned ns: a process that started before it
         * shows a wrapped start time (review33), which whole ticks do not convert */
        const uint64_t wrapped = UINT64_MAX / (uint64_t)tick / 2;
        int64_t shift = (ours - s->boot_offset_ns) / tick;
        return !s->start_time || (s->start_time < wrapped && (int64_t)s->start_time + shift >= 0);
}

int state_namespaces_check(const struct saved_state *s, const char *id, struct error **err)
{
        if (state_namespaces_ours(s))
                return 0;
        int64_t ours;
        bool known = own_boot_offset(&ours);
        return error_make(err, 0,
                          "container \"%s\" was created in another pid or time namespace (pid:[%" PRIu64 "], boottime offset %" PRId64 " ns; here pid:[%" PRIu64 "], %s%" PRId64 " ns): its pid cannot be checked here; manage it from there",
                          id, s->pid_ns, s->boot_offset_ns, own_pid_ns(), known ? "" : "unreadable ", ours);
}

/* Certainly when it is ours or the initial one (above every other); when we are in the initial
 * one, exactly when a process of it shows in /proc (all do there); from any other, always (what
 * is above or beside us does not show). */
bool pidns_may_be_alive(uint64_t ino)
{
        uint64_t own = own_pid_ns();
        if (!own || ino == own || ino == PID_NS_INITIAL_INO || own != PID_NS_INITIAL_INO)
                return true;
        cleanup_dir DIR *d = opendir("/proc");
        if (!d)
                return true;
        for (struct dirent *de; (de = readdir(d));) {
                char path[300];
                struct stat st;
                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
                if (stat(path, &st) == 0 && (uint64_t)st.st_ino == ino)
                        return true;
        }
        return false;
}

int proc_own_pidns_check(struct error **err)
{
        /* NSpid lists our pid in each namespace from /proc's down to ours (man 5 proc): one
         * field, ours, only when /proc is our namespace's.  Comparing /proc/self with getpid()
         * alone is fooled by a pid that has the same number in both (review31). */
        /* all of it: Groups comes before NSpid and grows with the supplementary groups (review32) */
        cleanup_free char *text = NULL;
        if (read_file_at(AT_FDCWD, "/proc/self/status", 0, &text, NULL, err) < 0)
                return error_wrap(err, "contain needs the proc file system of its own pid namespace at /proc");
        const char *line = strstr(text, "\nNSpid:");
        if (!line)      /* kernels before 4.1, which contain cannot run on (clone3: 5.3) */
                return error_make(err, 0, "/proc/self/status has no NSpid line: /proc's pid namespace cannot be checked (kernel before 4.1?)");
        line += strlen("\nNSpid:");
        size_t len = strcspn(line, "\n");
        char *end = NULL;
        long first = strtol(line, &end, 10);
        bool one = end && (size_t)(end - line) == len;
        if (one && first == getpid())
                return 0;
        char shown[128];
        size_t skip = strspn(line, " \t");
        snprintf(shown, sizeof(shown), "%.*s", (int)(len - skip), line + skip);
        for (char *c = shown; *c; c++)
                if (*c == '\t')
                        *c = ' ';
        return error_make(err, 0,
                          "/proc is another pid namespace's (its NSpid for us: %s; our pid: %d): its pids are not ours; mount a proc for this one (unshare --pid --fork --mount-proc)",
                          shown, (int)getpid());
}

const char *state_status(int dirfd, const struct saved_state *s, struct cgroup *cg)
{
        /* before the clone, create has no pid to show yet (also when it died there: delete
         * --force finishes the job) */
        if (s->pid == 0 && strcmp(s->status, "creating") == 0)
                return "creating";
        /* its pid and start time cannot be checked from here (review31): "stopped" only when
         * the pid namespace it was made in is gone, and every process of it with it (review32) */
        if (!state_namespaces_ours(s))
                return s->pid_ns != own_pid_ns() && !pidns_may_be_alive(s->pid_ns) ? "stopped" : "unknown";
        if (!state_pid_alive(s))
                return "stopped";
        /* an init that has exec'd is past "creating" whatever the file says: run releases its
         * init before the init's "ready" (release_early), and a run killed before it wrote
         * "running" leaves the workload going, to be killed and deleted like any running
         * container.  (A pid without a start time matched nothing above: review30.) */
        if (strcmp(s->status, "creating") == 0 && !proc_has_execed(s->pid))
                return "creating";
        /* "created" until the init has exec'd the user process, whatever the files say: a
         * start killed (or on a read-only --root) between releasing the init and removing the
         * fifo leaves the fifo behind, and a plain delete of "created" must not kill a
         * running workload.  The init's own exec is the one thing that cannot lie. */
        /* frozen first: pause takes a created container too (as runc's does), and resume
         * must see it paused to thaw it */
        if (cg) {
                bool frozen = false;
                struct error *e = NULL;
                if (cgroup_is_frozen(cg, &frozen, &e) == 0 && frozen)
                        return "paused";
                error_free(e);
        }
        struct stat st;
        if (fstatat(dirfd, EXEC_FIFO, &st, AT_SYMLINK_NOFOLLOW) == 0 && !proc_has_execed(s->pid))
                return "created";
        return "running";
}

void state_write_json(struct json_writer *w, const struct saved_state *s, const char *status)
{
        json_w_object_begin(w);
        json_w_kv_string(w, "ociVersion", s->oci_version ? s->oci_version : CONTAIN_SPEC_VERSION);
        json_w_kv_string(w, "id", s->id);
        json_w_kv_string(w, "status", status);
        json_w_kv_int(w, "pid", s->pid);
        json_w_kv_string(w, "bundle", s->bundle);
        write_annotations(w, s->annotations, s->n_annotations);
        json_w_object_end(w);
}

char *state_hook_json(const struct saved_state *s, const char *status)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(false);
        state_write_json(w, s, status);
        return json_writer_finish(w, NULL);
}

char *owner_name(uid_t uid)
{
        struct passwd pw, *res = NULL;
        char buf[4096];
        if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
                return xstrdup(res->pw_name);
        return xasprintf("%u", (unsigned)uid);
}
