/* Running without privileges over the host: telling whether we do, and writing a user
 * namespace's id maps the way an unprivileged caller must (directly for its own single id,
 * through the setuid newuidmap/newgidmap helpers and /etc/subuid, /etc/subgid otherwise). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contain/linux.h"
#include "contain/util.h"

extern char **environ;

bool rootless_in_user_ns(void)
{
        cleanup_free char *text = NULL;
        size_t len = 0;
        struct error *e = NULL;
        if (read_file_at(AT_FDCWD, "/proc/self/uid_map", 4096, &text, &len, &e) < 0) {
                error_free(e);
                return false;
        }
        unsigned long inside, outside, count;
        int used = 0;
        /* the initial namespace maps the whole 32-bit range onto itself in one line */
        if (sscanf(text, "%lu %lu %lu%n", &inside, &outside, &count, &used) != 3)
                return false;
        bool identity = inside == 0 && outside == 0 && count == 4294967295UL;
        return !identity || (text[used] && strchr(text + used + 1, '\n') != NULL);
}

bool rootless_euid(void)
{
        return geteuid() != 0 || rootless_in_user_ns();
}

/* Runs tool with argv, its stderr collected into *msg (malloc'd, trailing newline removed). */
static int run_helper(char *const argv[], char **msg, int *status, struct error **err)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return error_make(err, errno, "pipe");
        cleanup_close int rd = p[0];
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[1], 2);
        pid_t pid;
        int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(p[1]);
        if (e != 0)
                return error_make(err, e, "run %s", argv[0]);
        size_t len = 0;
        struct error *rerr = NULL;
        if (read_fd_all(rd, argv[0], 8192, msg, &len, &rerr) < 0) {
                error_free(rerr);
                *msg = xstrdup("");
        }
        while (len > 0 && ((*msg)[len - 1] == '\n'))
                (*msg)[--len] = '\0';
        while (waitpid(pid, status, 0) < 0)
                if (errno != EINTR)
                        return error_make(err, errno, "wait for %s", argv[0]);
        return 0;
}

int rootless_map_helper(const char *tool, pid_t pid, const struct spec_id_mapping *m, size_t n,
                        const char *field, struct error **err)
{
        cleanup_strv char **argv = NULL;
        strv_append(&argv, tool);
        char *pidtext = xasprintf("%d", (int)pid);
        strv_append(&argv, pidtext);
        free(pidtext);
        for (size_t i = 0; i < n; i++) {
                char *a = xasprintf("%u", m[i].container_id), *b = xasprintf("%u", m[i].host_id),
                     *c = xasprintf("%u", m[i].size);
                strv_append(&argv, a);
                strv_append(&argv, b);
                strv_append(&argv, c);
                free(a);
                free(b);
                free(c);
        }
        cleanup_free char *msg = NULL;
        int status = 0;
        struct error *e = NULL;
        if (run_helper(argv, &msg, &status, &e) < 0) {
                int errnum = e->errnum;
                error_free(e);
                if (errnum == ENOENT)
                        return error_make(err, 0, "%s: an unprivileged user needs %s for more than its own id "
                                          "(Debian's uidmap package), and it is not in PATH", field, tool);
                return error_make(err, errnum, "%s: run %s", field, tool);
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        const char *file = strcmp(tool, "newgidmap") == 0 ? "/etc/subgid" : "/etc/subuid";
        return error_make(err, 0, "%s: %s refused the mapping (%s must give this user every host range "
                          "outside its own id): %s", field, tool, file, msg && *msg ? msg : "no message");
}
