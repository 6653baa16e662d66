/* Entry point: global options (runc's spellings), then dispatch to one command. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "contain/cli.h"
#include "contain/linux.h"
#include "contain/log.h"
#include "contain/util.h"

struct command {
        const char *name;
        int (*fn)(const struct cli_globals *g, int argc, char **argv);
        const char *help;
};

static const struct command commands[] = {
#define X(name, help) { #name, cmd_##name, help },
        CONTAIN_COMMANDS(X)
#undef X
};

int cli_fail(struct error *err)
{
        log_error("%s", err ? err->msg : "unknown error");
        return 1;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
        cleanup_free char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        log_error("%s: %s (see 'contain %s --help')", command, msg, command);
        return 1;
}

static void print_version(void)
{
        /* libseccomp is loaded only when a filter is built: say which one that would be */
        struct error *e = NULL;
        cleanup_free char *seccomp = seccomp_library_version(&e);
        cleanup_free char *said = seccomp ? NULL : xasprintf("unavailable: %s", e->msg);
        error_free(e);
        printf("contain version %s\n"
               "spec: %s\n"
               "libseccomp: %s\n"
               "libcap: %s\n"
               "yajl: %s\n",
               CONTAIN_VERSION, CONTAIN_SPEC_VERSION, seccomp ? seccomp : said,
               CONTAIN_LIBCAP_VERSION, CONTAIN_YAJL_VERSION);
}

static void print_help(FILE *f)
{
        fprintf(f, "usage: contain [global options] <command> [options] [args]\n\n"
                   "An OCI container runtime.\n\n"
                   "Global options:\n"
                   "  --root DIR             state directory (default " CONTAIN_DEFAULT_ROOT ",\n"
                   "                         $XDG_RUNTIME_DIR/contain when unprivileged)\n"
                   "  --log FILE             also append messages to FILE\n"
                   "  --log-format text|json format of --log lines\n"
                   "  --debug                log debug messages\n"
                   "  --systemd-cgroup       cgroupsPath is slice:prefix:name\n"
                   "  --cgroup-manager M     cgroupfs (default), systemd or disabled\n"
                   "  --version, --help\n\n"
                   "Commands:\n");
        for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
                /* check-config is for tests and curious users, not part of the OCI surface */
                if (strcmp(commands[i].name, "check_config") == 0)
                        continue;
                cleanup_free char *name = xstrdup(commands[i].name);
                for (char *p = name; *p; p++)
                        if (*p == '_')
                                *p = '-';
                fprintf(f, "  %-14s %s\n", name, commands[i].help);
        }
}

/* Matches "--name", "-name", "--name=value"; sets *value for options that take one. */
static bool global_opt(int argc, char **argv, int *i, const char *name, bool takes_value,
                       const char **value)
{
        const char *a = argv[*i];
        if (a[0] != '-')
                return false;
        a += a[1] == '-' ? 2 : 1;
        size_t n = strlen(name);
        if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
                return false;
        if (!takes_value)
                return a[n] == '\0' || strcmp(a + n, "=true") == 0 || strcmp(a + n, "=false") == 0;
        if (a[n] == '=') {
                *value = a + n + 1;
        } else if (*i + 1 < argc) {
                *value = argv[++*i];
        } else {
                *value = NULL;
        }
        return true;
}

static int missing_value(const char *opt)
{
        log_error("%s: expected a value", opt);
        return 1;
}

/* A caller that ignores SIGCHLD (inherited through exec) has the kernel reap our children as
 * they exit, and every wait for the init, a hook or exec's process fails with ECHILD: run
 * answered "No child processes" where runc works (review37).  The container's processes get
 * their own reset (signals_reset_for_container). */
static void sigchld_default(void)
{
        struct sigaction sa;
        if (sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
                sa = (struct sigaction){ .sa_handler = SIG_DFL };
                (void)sigaction(SIGCHLD, &sa, NULL);
        }
}

int main(int argc, char **argv)
{
        struct cli_globals g = { .root = CONTAIN_DEFAULT_ROOT, .cgroup_manager = CGROUP_MANAGER_CGROUPFS };
        const char *log_format = "text";
        bool root_given = false;
        int i;

        sigchld_default();

        for (i = 1; i < argc && argv[i][0] == '-'; i++) {
                const char *v = NULL;
                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                } else if (global_opt(argc, argv, &i, "root", true, &v)) {
                        if (!v)
                                return missing_value("--root");
                        g.root = v;
                        root_given = true;
                } else if (global_opt(argc, argv, &i, "log", true, &v)) {
                        if (!v)
                                return missing_value("--log");
                        g.log_path = v;
                } else if (global_opt(argc, argv, &i, "log-format", true, &v)) {
                        if (!v)
                                return missing_value("--log-format");
                        log_format = v;
                } else if (global_opt(argc, argv, &i, "debug", false, &v)) {
                        g.debug = !strstr(argv[i], "=false");
                } else if (global_opt(argc, argv, &i, "systemd-cgroup", false, &v)) {
                        if (!strstr(argv[i], "=false"))
                                g.cgroup_manager = CGROUP_MANAGER_SYSTEMD;
                } else if (global_opt(argc, argv, &i, "cgroup-manager", true, &v)) {
                        if (v && strcmp(v, "cgroupfs") == 0)
                                g.cgroup_manager = CGROUP_MANAGER_CGROUPFS;
                        else if (v && strcmp(v, "systemd") == 0)
                                g.cgroup_manager = CGROUP_MANAGER_SYSTEMD;
                        else if (v && strcmp(v, "disabled") == 0)
                                g.cgroup_manager = CGROUP_MANAGER_DISABLED;
                        else {
                                log_error("--cgroup-manager: expected cgroupfs, systemd or disabled, got '%s'", v ? v : "");
                                return 1;
                        }
                } else if (global_opt(argc, argv, &i, "rootless", true, &v) ||
                           global_opt(argc, argv, &i, "criu", true, &v)) {
                        /* accepted for runc compatibility; contain decides by itself */
                } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-v") == 0 ||
                           strcmp(argv[i], "-version") == 0) {
                        print_version();
                        return 0;
                } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        print_help(stdout);
                        return 0;
                } else {
                        log_error("unknown global option '%s' (see 'contain --help')", argv[i]);
                        return 1;
                }
        }
        if (log_format && strcmp(log_format, "json") == 0)
                g.log_json = true;
        else if (log_format && strcmp(log_format, "text") != 0) {
                log_error("--log-format: expected text or json, got '%s'", log_format);
                return 1;
        }
        cleanup_free char *xdg_root = NULL;
        const char *user = getenv("USER");
        if (!root_given && (geteuid() != 0 || (rootless_in_user_ns() && !(user && strcmp(user, "root") == 0)))) {
                /* runc's rule: an unprivileged caller, or root of a user namespace that is not a
                 * container's own root user (rootless podman), keeps its state in its runtime dir */
                const char *xdg = getenv("XDG_RUNTIME_DIR");
                if (xdg && *xdg)
                        g.root = xdg_root = xasprintf("%s/contain", xdg);
                else if (geteuid() != 0) {
                        log_error("--root: running unprivileged without XDG_RUNTIME_DIR: set it or pass --root DIR");
                        return 1;
                }
        }
        if (!g.root || !*g.root) {
                log_error("--root: expected a directory");
                return 1;
        }
        /* a log file that cannot be written would take every later error with it, unseen by
         * the client that reads it (runc and crun fail too, review35) */
        if (g.log_path && *g.log_path) {
                int fd = open(g.log_path, O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_CLOEXEC, 0644);
                if (fd < 0) {
                        log_error("--log %s: %s", g.log_path, strerror(errno));
                        return 1;
                }
                close(fd);
        }
        log_configure(g.log_path, g.log_json ? LOG_FORMAT_JSON : LOG_FORMAT_TEXT, g.debug);

        if (i >= argc) {
                print_help(stderr);
                return 1;
        }
        if (g.debug) {
                cleanup_free char *line = xstrdup("");
                for (int k = 0; k < argc; k++) {
                        char *n = xasprintf("%s%s%s", line, k ? " " : "", argv[k]);
                        free(line);
                        line = n;
                }
                log_debug("argv: %s", line);
        }

        cleanup_free char *name = xstrdup(argv[i]);
        for (char *p = name; *p; p++)
                if (*p == '-')
                        *p = '_';
        for (size_t c = 0; c < ARRAY_SIZE(commands); c++)
                if (strcmp(commands[c].name, name) == 0)
                        return commands[c].fn(&g, argc - i, argv + i);
        log_error("unknown command '%s' (see 'contain --help')", argv[i]);
        return 1;
}
