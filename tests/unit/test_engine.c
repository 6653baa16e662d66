/* Unit tests of the engine's pure parts: container ids, signal names, state.json round trip,
 * the state dir (exists / does not exist), parent<->init messages and hook runs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contain/engine.h"
#include "contain/util.h"
#include "src/engine/internal.h"
#include "tap.h"

static void test_ids(struct tap *t)
{
        static const char *const good[] = { "a", "abc-1.2_3+4", "0", "A.b" };
        static const char *const bad[] = { "", ".", "..", "../x", "a/b", "-x", "_x", "a b", "é" };
        for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
                struct error *e = NULL;
                ok(t, container_id_validate(good[i], &e) == 0, good[i]);
                error_free(e);
        }
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                struct error *e = NULL;
                ok(t, container_id_validate(bad[i], &e) < 0 && strstr(e->msg, "invalid container id"), bad[i]);
                error_free(e);
        }
        char *longid = xmalloc(2001);
        memset(longid, 'a', 2000);
        longid[2000] = '\0';
        struct error *e = NULL;
        ok(t, container_id_validate(longid, &e) < 0, "2000 characters are refused");
        error_free(e);
        e = NULL;
        longid[1024] = '\0';
        ok(t, container_id_validate(longid, &e) == 0, "1024 characters are fine");
        error_free(e);
        free(longid);
        e = NULL;
        container_id_validate("../x", &e);
        has_substr(t, e->msg, "invalid container id \"../x\"", "the message quotes the id");
        error_free(e);
}

static void test_signals(struct tap *t)
{
        static const struct { const char *text; int sig; } cases[] = {
                { "9", SIGKILL }, { "KILL", SIGKILL }, { "SIGKILL", SIGKILL }, { "sigterm", SIGTERM },
                { "15", SIGTERM }, { "USR1", SIGUSR1 }, { "RTMIN+2", 0 }, { "RTMAX-28", 0 }, { "+9", SIGKILL },
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct error *e = NULL;
                int sig = -1;
                int want = cases[i].sig ? cases[i].sig : SIGRTMIN + 2;
                ok(t, signal_parse(cases[i].text, &sig, &e) == 0 && sig == want, cases[i].text);
                error_free(e);
        }
        /* digits only: " 9" was SIGKILL (strtoll skips blanks, review35) */
        static const char *const bad[] = { "0", "-1", "65", "NOPE", "", "SIG", " 9", "\t9", "9 ", "+ 9", "\n15",
                                           "RTMIN+ 2", "RTMIN+-2", "RTMIN++2", "RTMIN2", "RTMAX+1", "RTMAX- 2",
                                           "RTMIN+4294967297", "RTMAX-4294967298", "RTMIN+9223372036854775807" };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                struct error *e = NULL;
                int sig;
                ok(t, signal_parse(bad[i], &sig, &e) < 0 && strstr(e->msg, "invalid signal"), bad[i]);
                error_free(e);
        }
}

static void test_state(struct tap *t, const char *root)
{
        struct error *e = NULL;
        int dirfd = statedir_create(root, "c1", &e);
        ok(t, dirfd >= 0, "statedir_create makes the state dir");
        struct stat st;
        ok(t, fstat(dirfd, &st) == 0 && (st.st_mode & 0777) == 0700, "the state dir is 0700");
        int again = statedir_create(root, "c1", &e);
        ok(t, again < 0 && e && strcmp(e->msg, "container \"c1\" already exists") == 0, "a second create: already exists");
        error_free(e);
        e = NULL;

        struct spec_kv ann[] = { { (char *)"k", (char *)"v" } };
        struct saved_state s = {
                .oci_version = (char *)"1.0.2-dev", .id = (char *)"c1", .status = (char *)"created",
                .pid = 1234, .start_time = 987654321ULL, .bundle = (char *)"/b", .rootfs = (char *)"/b/rootfs",
                .created = (char *)"2026-01-01T00:00:00Z", .owner = (char *)"root", .cgroup = (char *)"v1:/x",
                .annotations = ann, .n_annotations = 1, .new_pid_ns = true, .created_ok = true,
                .pid_ns = 4026532001ULL, .boot_offset_ns = 5000000000LL,
        };
        ok(t, state_write(dirfd, &s, &e) == 0, "state_write");
        struct saved_state *r = NULL;
        ok(t, state_read(dirfd, &r, &e) == 0, "state_read");
        if (r) {
                is_str(t, r->id, "c1", "id survives");
                is_str(t, r->status, "created", "status survives");
                is_u64(t, (uint64_t)r->pid, 1234, "pid survives");
                is_u64(t, r->start_time, 987654321ULL, "start time survives");
                is_str(t, r->cgroup, "v1:/x", "cgroup survives");
                ok(t, r->n_annotations == 1 && strcmp(r->annotations[0].value, "v") == 0, "annotations survive");
                ok(t, r->new_pid_ns && r->created_ok, "flags survive");
                ok(t, r->pid_ns == 4026532001ULL && r->boot_offset_ns == 5000000000LL, "the creator's namespaces survive");
                e = NULL;
                ok(t, state_namespaces_check(r, "c1", &e) < 0 && e && strstr(e->msg, "another pid or time namespace"),
                   "another pid namespace's state: refused, naming it");
                error_free(e);
                e = NULL;
                /* a pid namespace no process of which is left (as /proc shows them all only to
                 * the initial one, elsewhere it may be alive): stopped, else unknown */
                struct stat own;
                bool initial = stat("/proc/self/ns/pid", &own) == 0 && own.st_ino == 0xEFFFFFFCU;
                is_str(t, state_status(dirfd, r, NULL), initial ? "stopped" : "unknown",
                       "a state of a pid namespace that is gone: stopped (unknown where that cannot be seen)");
                state_record_namespaces(r);
                ok(t, state_namespaces_ours(r) && r->pid_ns != 0, "our own namespaces: ours");
                /* a boottime offset that is not ours and not whole ticks: the start time cannot be
                 * converted, so nothing can be said of the pid */
                r->boot_offset_ns += 5;
                is_str(t, state_status(dirfd, r, NULL), "unknown", "a sub-tick boottime offset not ours: unknown");
                r->boot_offset_ns -= 5;
                /* pid 1234 with that start time is not alive: stopped */
                is_str(t, state_status(dirfd, r, NULL), "stopped", "a dead pid is stopped");
                r->pid = getpid();
                r->start_time = proc_start_time(getpid());
                ok(t, r->start_time > 0, "our own start time is known");
                is_str(t, state_status(dirfd, r, NULL), "running", "a live pid without fifo is running");
                ok(t, mkfifoat(dirfd, EXEC_FIFO, 0600) == 0, "mkfifo");
                /* we have exec'd (PF_FORKNOEXEC clear): a start killed before it removed the
                 * fifo must not leave "created" on a running process */
                is_str(t, state_status(dirfd, r, NULL), "running", "fifo, but the init has exec'd: running");
                pid_t child = fork();
                if (child == 0) {
                        pause();
                        _exit(0);
                }
                uint64_t own_start = r->start_time;
                r->pid = child;
                r->start_time = proc_start_time(child);
                is_str(t, state_status(dirfd, r, NULL), "created", "fifo and an init not yet exec'd: created");
                kill(child, SIGKILL);
                waitpid(child, NULL, 0);
                r->pid = getpid();
                r->start_time = own_start + 1;
                is_str(t, state_status(dirfd, r, NULL), "stopped", "another start time: stopped (pid reuse)");
                /* a run killed after its early SYNC_START: the file says "creating", the init
                 * (here: this process) has exec'd */
                free(r->status);
                r->status = strdup("creating");
                r->start_time = own_start;
                is_str(t, state_status(dirfd, r, NULL), "running", "creating, but the init has exec'd: running");
                /* without a start time the pid may be a stranger's (review30): nobody's */
                r->start_time = 0;
                is_str(t, state_status(dirfd, r, NULL), "stopped", "creating without a start time: stopped");
                ok(t, !proc_matches(getpid(), 0), "a live pid without a start time matches nothing");
                char *json = state_hook_json(r, "creating");
                has_substr(t, json, "\"status\":\"creating\"", "hook state has the status");
                has_substr(t, json, "\"annotations\":{\"k\":\"v\"}", "hook state has the annotations");
                free(json);
                saved_state_free(r);
        }
        ok(t, statedir_remove(root, "c1", dirfd, &e) == 0, "statedir_remove");
        close(dirfd);
        int gone = statedir_open(root, "c1", true, &e);
        ok(t, gone < 0 && e && strcmp(e->msg, "container \"c1\" does not exist") == 0, "removed: does not exist");
        error_free(e);
        e = NULL;
        gone = statedir_open(root, "../c1", false, &e);
        ok(t, gone < 0 && e && strstr(e->msg, "invalid container id"), "open validates the id");
        error_free(e);
}

static void test_sync(struct tap *t)
{
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
                ok(t, false, "socketpair");
                return;
        }
        struct error *e = NULL;
        struct sync_msg *m = xmalloc(sizeof(*m));
        ok(t, sync_send(sp[0], SYNC_PROGRESS, "\x03rootfs", 7, &e) == 0, "send progress");
        ok(t, sync_recv(sp[1], m, &e) == 0 && m->type == SYNC_PROGRESS && m->len == 7 &&
                      strcmp(m->payload + 1, "rootfs") == 0, "receive it whole");
        struct error *child = NULL;
        error_make(&child, ENOENT, "mount /proc");
        sync_send_error(sp[0], child);
        error_free(child);
        ok(t, sync_expect(sp[1], SYNC_READY, m, "container init", &e) < 0 && e && e->errnum == ENOENT &&
                      strcmp(e->msg, "container init: mount /proc: No such file or directory") == 0,
           "an error message travels with its errno and gets context");
        error_free(e);
        e = NULL;
        close(sp[0]);
        ok(t, sync_recv(sp[1], m, &e) < 0 && e->errnum == EPIPE, "peer gone: EPIPE");
        error_free(e);
        e = NULL;
        close(sp[1]);

        /* an init that failed before it read what the runtime sent unasked (SYNC_NETNS): its
         * error still arrives, then the end of file (the kernel reports ECONNRESET first) */
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
                ok(t, false, "socketpair");
                free(m);
                return;
        }
        ok(t, sync_send(sp[1], SYNC_SETUP_DONE, NULL, 0, &e) == 0, "send unasked");
        child = NULL;
        error_make(&child, EINVAL, "mounts: /dev");
        sync_send_error(sp[0], child);
        error_free(child);
        close(sp[0]);
        ok(t, sync_expect(sp[1], SYNC_READY, m, "container init", &e) < 0 && e && e->errnum == EINVAL &&
                      strcmp(e->msg, "container init: mounts: /dev: Invalid argument") == 0,
           "the error of a peer gone with our message unread");
        error_free(e);
        e = NULL;
        ok(t, sync_recv(sp[1], m, &e) < 0 && e->errnum == EPIPE, "... then EPIPE");
        error_free(e);
        close(sp[1]);
        free(m);
}

static struct spec *hook_spec(const char *script, int timeout)
{
        struct spec *s = xcalloc(1, sizeof(*s));
        struct spec_hook *h = xcalloc(1, sizeof(*h));
        h->path = xstrdup("/bin/sh");
        strv_append(&h->args, "sh");
        strv_append(&h->args, "-c");
        strv_append(&h->args, script);
        h->has_timeout = timeout > 0;
        h->timeout = timeout;
        s->hooks[HOOK_PRESTART].hooks = h;
        s->hooks[HOOK_PRESTART].n = 1;
        return s;
}

static void free_hook_spec(struct spec *s)
{
        struct spec_hook *h = s->hooks[HOOK_PRESTART].hooks;
        free(h->path);
        strv_free(h->args);
        free(h);
        free(s);
}

static void test_hooks(struct tap *t, const char *dir)
{
        struct error *e = NULL;
        char *out = xasprintf("%s/stdin", dir);
        char *script = xasprintf("cat > %s", out);
        struct spec *s = hook_spec(script, 0);
        ok(t, hooks_run(s, HOOK_PRESTART, NULL, "{\"id\":\"x\"}", &e) == 0, "a hook runs");
        char *got = NULL;
        if (read_file_at(AT_FDCWD, out, 0, &got, NULL, &e) == 0)
                is_str(t, got, "{\"id\":\"x\"}", "it reads the state on stdin");
        free(got);
        free_hook_spec(s);
        free(script);
        free(out);

        s = hook_spec("echo why-it-failed >&2; exit 3", 0);
        ok(t, hooks_run(s, HOOK_PRESTART, NULL, "{}", &e) < 0, "a failing hook fails");
        has_substr(t, e ? e->msg : NULL, "prestart hook #0 (/bin/sh) exited with status 3: why-it-failed", "with its stderr");
        error_free(e);
        e = NULL;
        free_hook_spec(s);

        s = hook_spec("exec sleep 10", 1);
        ok(t, hooks_run(s, HOOK_PRESTART, NULL, "{}", &e) < 0 && e && strstr(e->msg, "timed out after 1 s"), "a slow hook is killed");
        error_free(e);
        e = NULL;
        free_hook_spec(s);

        s = hook_spec("exit 0", 0);    /* does not read stdin: no SIGPIPE for us */
        char *big = xmalloc(1 << 20);
        memset(big, 'x', (1 << 20) - 1);
        big[(1 << 20) - 1] = '\0';
        ok(t, hooks_run(s, HOOK_PRESTART, NULL, big, &e) == 0, "a hook that ignores stdin");
        free(big);
        free_hook_spec(s);

        /* runc and crun: the bundle is the cwd, the runtime's environment is the default */
        out = xasprintf("%s/where", dir);
        script = xasprintf("echo \"$(pwd) $CONTAIN_UNIT_HOOK\" > %s", out);
        s = hook_spec(script, 0);
        setenv("CONTAIN_UNIT_HOOK", "inherited", 1);
        ok(t, hooks_run(s, HOOK_PRESTART, dir, "{}", &e) == 0, "a hook without env runs");
        unsetenv("CONTAIN_UNIT_HOOK");
        char *want = xasprintf("%s inherited\n", dir);
        got = NULL;
        if (read_file_at(AT_FDCWD, out, 0, &got, NULL, &e) == 0)
                is_str(t, got, want, "in the bundle directory, with the runtime's environment");
        free(got);
        free(want);
        free_hook_spec(s);
        free(script);
        free(out);
}

/* The fds >= 3 open in this process, as "3 5 11 " (the listing's own fd left out). */
static void list_fds(char *buf, size_t size)
{
        buf[0] = '\0';
        DIR *d = opendir("/proc/self/fd");
        if (!d)
                return;
        for (int fd = 3; fd < 64; fd++) {
                if (fd != dirfd(d) && fcntl(fd, F_GETFD) >= 0) {
                        size_t len = strlen(buf);
                        snprintf(buf + len, size - len, "%d ", fd);
                }
        }
        closedir(d);
}

/* In a child (the closing must not hit this process's fds): a runtime-like fd table, closed the
 * way the init and exec children do; the listing comes back through a kept pipe. */
static void test_fds(struct tap *t)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) {
                ok(t, false, "pipe");
                return;
        }
        pid_t pid = fork();
        if (pid == 0) {
                close(p[0]);
                int out = fcntl(p[1], F_DUPFD_CLOEXEC, 30);
                close(p[1]);
                closefrom(31);
                for (int fd = 3; fd < 30; fd++)
                        close(fd);
                int caller = open("/", O_RDONLY);                       /* 3: passed on */
                int own_low = open("/", O_RDONLY | O_CLOEXEC);           /* 4: ours, kept */
                int leaked = dup2(caller, 10);                           /* a caller's leak */
                int own_kept = dup3(own_low, 11, O_CLOEXEC);
                int own = dup3(own_low, 12, O_CLOEXEC);                  /* ours, not needed */
                int none = -1;
                int *keep[] = { &own_low, &none, &own_kept, &out };
                struct error *e = NULL;
                char buf[256] = "";
                if (caller != 3 || own_low != 4 || leaked != 10 || own != 12 ||
                    fds_close_for_container(2, keep, ARRAY_SIZE(keep), &e) < 0)
                        snprintf(buf, sizeof(buf), "setup failed");
                else
                        list_fds(buf, sizeof(buf));
                size_t len = strlen(buf);
                snprintf(buf + len, sizeof(buf) - len, "| kept %d %d %d", own_low, own_kept, out);
                _exit(write_all(out, buf, strlen(buf)) < 0);
        }
        close(p[1]);
        char got[256] = "";
        ssize_t n = read(p[0], got, sizeof(got) - 1);
        got[n > 0 ? n : 0] = '\0';
        close(p[0]);
        waitpid(pid, NULL, 0);
        is_str(t, got, "3 5 11 30 | kept 5 11 30",
               "only 0-2, the preserved fds and the kept ones stay; ours below 3+N move up");

        int base = fcntl(0, F_DUPFD_CLOEXEC, 40);
        for (int fd = base + 1; fd < base + 5; fd++)
                dup3(base, fd, O_CLOEXEC);
        fds_close_listed((unsigned)base + 1, (unsigned)base + 3);
        ok(t, fcntl(base, F_GETFD) >= 0 && fcntl(base + 1, F_GETFD) < 0 && fcntl(base + 3, F_GETFD) < 0 &&
                      fcntl(base + 4, F_GETFD) >= 0,
           "the fallback without close_range closes exactly the range");
        close(base);
        close(base + 4);
}

/* Removes dir once this process is gone, however it ends (a crash or a sanitizer's abort would
 * otherwise leave it in /tmp): a child waits for the end of a pipe only we hold open.  The tests
 * stay in this process, which has exec'd, as state_status's test wants. */
static void remove_at_exit(const char *dir)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                close(p[1]);
                char c;
                while (read(p[0], &c, 1) < 0 && errno == EINTR)
                        ;
                struct error *e = NULL;
                if (remove_tree(dir, &e) < 0)
                        fprintf(stderr, "# could not remove %s: %s\n", dir, e->msg);
                _exit(0);
        }
        close(p[0]);    /* p[1] stays open until we exit */
}

int main(void)
{
        struct tap t = { 0 };
        char tmpl[] = "/tmp/contain-unit-engine.XXXXXX";
        char *dir = mkdtemp(tmpl);
        if (!dir) {
                perror("mkdtemp");
                return 1;
        }
        remove_at_exit(dir);
        cleanup_free char *root = xasprintf("%s/root", dir);
        test_ids(&t);
        test_signals(&t);
        test_state(&t, root);
        test_sync(&t);
        test_hooks(&t, dir);
        test_fds(&t);
        return tap_done(&t);
}
