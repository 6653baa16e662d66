/* OCI hooks: each one a program run with the state JSON on stdin, its env and args, killed
 * after its timeout; its output is captured so a failure can say why. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

#define HOOK_OUTPUT_MAX 4096

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Where a hook runs and what it gets when its own "env" is absent (runtime-spec config.md,
 * "POSIX-platform Hooks"; the spec is silent, so we do what runc and crun both do): hooks of the
 * runtime namespace run in the bundle directory with the runtime's environment, hooks run inside
 * the container (createContainer, startContainer) with the process's environment. */
struct hook_where {
        const char *dir;        /* NULL: stay in the current directory */
        char *const *env;       /* used when the hook has no "env" */
};

__attribute__((noreturn)) static void hook_child(const struct spec_hook *h, const struct hook_where *w,
                                                 int in_fd, int out_fd)
{
        /* a runtime killed mid-create must not leave its hooks running */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* what the runtime's caller blocked or ignored, or run blocks to forward, is not the
         * hook's to inherit, as it is not the container's (review36) */
        signals_reset_for_container();
        if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
                _exit(126);
        if (w->dir && chdir(w->dir) < 0) {
                dprintf(2, "chdir to the bundle %s: %s", w->dir, strerror(errno));
                _exit(127);
        }
        char *fallback_argv[] = { h->path, NULL };
        char *empty_env[] = { NULL };
        char *const *env = h->env ? h->env : w->env ? w->env : empty_env;
        execve(h->path, h->args ? h->args : fallback_argv, env);
        dprintf(2, "exec %s: %s", h->path, strerror(errno));
        _exit(127);
}

/* Reads the hook's output until it closes it or the deadline passes; returns false on timeout. */
static bool collect_output(int fd, int64_t deadline, char *buf, size_t *len)
{
        for (;;) {
                int timeout = -1;
                if (deadline) {
                        int64_t left = deadline - now_ms();
                        if (left <= 0)
                                return false;
                        timeout = left > INT32_MAX ? INT32_MAX : (int)left;
                }
                struct pollfd p = { .fd = fd, .events = POLLIN };
                int r = poll(&p, 1, timeout);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r == 0)
                        return false;
                char tmp[1024];
                ssize_t n = read(fd, tmp, sizeof(tmp));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return true;
                size_t take = (size_t)n;
                if (*len + take > HOOK_OUTPUT_MAX)
                        take = HOOK_OUTPUT_MAX - *len;
                memcpy(buf + *len, tmp, take);
                *len += take;
        }
}

/* SIGKILLs pid's children and theirs (/proc/PID/task/TID/children), then pid; a child
 * that left its session or group is still its parent's child.  Not what was orphaned
 * before (a double fork's grandchild belongs to init by then). */
static void kill_tree(pid_t pid, int depth)
{
        char path[320];
        snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
        cleanup_dir DIR *tasks = depth < 64 ? opendir(path) : NULL;
        /* stopped first, so that it forks no more while its children are collected */
        kill(pid, SIGSTOP);
        for (struct dirent *t; tasks && (t = readdir(tasks));) {
                if (t->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), "/proc/%d/task/%s/children", (int)pid, t->d_name);
                cleanup_free char *list = NULL;
                struct error *e = NULL;
                if (read_file_at(AT_FDCWD, path, 0, &list, NULL, &e) < 0) {
                        error_free(e);
                        continue;
                }
                char *save = NULL;
                for (char *c = strtok_r(list, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
                        kill_tree((pid_t)strtol(c, NULL, 10), depth + 1);
        }
        kill(pid, SIGKILL);
}

/* A hook past its timeout, with what it started (review35). */
static void kill_hook(pid_t pid)
{
        kill_tree(pid, 0);
}

static int hook_run_one(const struct spec_hook *h, const struct hook_where *where, const char *kind,
                        size_t idx, const char *state_json, struct error **err)
{
        int in[2], out[2];
        if (pipe2(in, O_CLOEXEC) < 0)
                return error_make(err, errno, "%s hook #%zu: pipe", kind, idx);
        if (pipe2(out, O_CLOEXEC) < 0) {
                int e = errno;
                close(in[0]);
                close(in[1]);
                return error_make(err, e, "%s hook #%zu: pipe", kind, idx);
        }
        cleanup_close int in_w = in[1], out_r = out[0];
        pid_t pid = fork();
        if (pid < 0) {
                int e = errno;
                close(in[0]);
                close(out[1]);
                return error_make(err, e, "%s hook #%zu (%s): fork", kind, idx, h->path);
        }
        if (pid == 0)
                hook_child(h, where, in[0], out[1]);
        close(in[0]);
        close(out[1]);

        /* a hook that does not read stdin must not hurt us: SIGPIPE is ignored around the write,
         * and the write is non-blocking (the state is far below a pipe's capacity anyway) */
        struct sigaction ign = { .sa_handler = SIG_IGN }, old;
        sigaction(SIGPIPE, &ign, &old);
        fcntl(in_w, F_SETFL, O_NONBLOCK);
        (void)write_all(in_w, state_json, strlen(state_json));
        sigaction(SIGPIPE, &old, NULL);
        closep(&in_w);

        char output[HOOK_OUTPUT_MAX + 1];
        size_t len = 0;
        int64_t deadline = h->has_timeout ? now_ms() + (int64_t)h->timeout * 1000 : 0;
        bool in_time = collect_output(out_r, deadline, output, &len);
        if (!in_time)
                kill_hook(pid);
        int status = 0;
        /* the hook may have closed its output early: its exit still counts against the deadline */
        for (;;) {
                pid_t w = waitpid(pid, &status, in_time && deadline ? WNOHANG : 0);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w == 0) {
                        if (now_ms() >= deadline) {
                                in_time = false;
                                kill_hook(pid);
                                continue;
                        }
                        struct timespec ts = { 0, 10 * 1000 * 1000 };
                        nanosleep(&ts, NULL);
                        continue;
                }
                break;
        }
        while (len > 0 && (output[len - 1] == '\n' || output[len - 1] == ' '))
                len--;
        output[len] = '\0';
        const char *sep = len ? ": " : "";
        if (!in_time)
                return error_make(err, 0, "%s hook #%zu (%s) timed out after %d s%s%s",
                                  kind, idx, h->path, h->timeout, sep, output);
        if (WIFSIGNALED(status))
                return error_make(err, 0, "%s hook #%zu (%s) killed by signal %d%s%s", kind, idx,
                                  h->path, WTERMSIG(status), sep, output);
        if (WEXITSTATUS(status) != 0)
                return error_make(err, 0, "%s hook #%zu (%s) exited with status %d%s%s", kind, idx,
                                  h->path, WEXITSTATUS(status), sep, output);
        return 0;
}

static struct hook_where hook_where_for(const struct spec *spec, enum hook_kind kind, const char *bundle)
{
        if (kind == HOOK_CREATE_CONTAINER || kind == HOOK_START_CONTAINER)
                return (struct hook_where){ .dir = NULL, .env = spec->process.env };
        return (struct hook_where){ .dir = bundle && *bundle ? bundle : NULL, .env = environ };
}

int hooks_run(const struct spec *spec, enum hook_kind kind, const char *bundle, const char *state_json,
              struct error **err)
{
        const struct spec_hook_list *l = &spec->hooks[kind];
        struct hook_where w = hook_where_for(spec, kind, bundle);
        for (size_t i = 0; i < l->n; i++)
                if (hook_run_one(&l->hooks[i], &w, hook_kind_name(kind), i, state_json, err) < 0)
                        return -1;
        return 0;
}

void hooks_run_warn(const struct spec *spec, enum hook_kind kind, const char *bundle, const char *state_json)
{
        const struct spec_hook_list *l = &spec->hooks[kind];
        struct hook_where w = hook_where_for(spec, kind, bundle);
        for (size_t i = 0; i < l->n; i++) {
                struct error *e = NULL;
                if (hook_run_one(&l->hooks[i], &w, hook_kind_name(kind), i, state_json, &e) < 0) {
                        log_warning("%s", e->msg);
                        error_free(e);
                }
        }
}
