/* `contain ps [--format|-f table|json] ID [PS-OPTIONS...]`: the container's processes, as
 * runc shows them: ps(1) run over the host (default "-ef") with only the container's lines kept
 * (table), or the host pids (json). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/util.h"

extern char **environ;

/* Runs `ps ARGS...` (found in PATH) and returns its whole standard output in *out. */
static int run_ps(char **args, char **out, struct error **err)
{
        size_t n = 0;
        while (args[n])
                n++;
        cleanup_free char **argv = xcalloc(n + 2, sizeof(char *));
        argv[0] = "ps";
        memcpy(argv + 1, args, n * sizeof(char *));
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return error_make(err, errno, "ps: pipe");
        cleanup_close int r = p[0];
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[1], 1);
        pid_t pid;
        int e = posix_spawnp(&pid, "ps", &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(p[1]);
        if (e)
                return error_make(err, e, "run ps");
        int rr = read_fd_all(r, "the output of ps", 0, out, NULL, err);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (rr < 0)
                return -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return error_make(err, 0, "ps %s failed (exit status %d)", args[0] ? args[0] : "",
                                  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return 0;
}

/* Prints ps's header and the lines whose PID column holds one of pids[0..n). */
static int print_container_lines(char *text, const pid_t *pids, size_t n, struct error **err)
{
        char *save = NULL;
        char *header = strtok_r(text, "\n", &save);
        if (!header)
                return error_make(err, 0, "ps printed nothing");
        /* which whitespace-separated column is PID */
        int col = -1, i = 0;
        cleanup_free char *h = xstrdup(header);
        char *hs = NULL;
        for (char *w = strtok_r(h, " \t", &hs); w; w = strtok_r(NULL, " \t", &hs), i++)
                if (strcmp(w, "PID") == 0)
                        col = i;
        if (col < 0)
                return error_make(err, 0, "ps's output has no PID column (give ps options that print one)");
        printf("%s\n", header);
        for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                cleanup_free char *l = xstrdup(line);
                char *ls = NULL, *w = strtok_r(l, " \t", &ls);
                for (int k = 0; w && k < col; k++)
                        w = strtok_r(NULL, " \t", &ls);
                int64_t v;
                if (!w || parse_int64(w, &v) < 0)
                        continue;
                for (size_t k = 0; k < n; k++)
                        if (pids[k] == (pid_t)v) {
                                printf("%s\n", line);
                                break;
                        }
        }
        return 0;
}

int cmd_ps(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "format", required_argument, NULL, 'f' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        const char *format = "table";
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+:f:h", opts, NULL)) != -1) {
                switch (c) {
                case 'f': format = optarg; break;
                case 'h':
                        printf("usage: contain ps [--format table|json] ID [PS-OPTIONS...]\n\n"
                               "Show the container's processes: ps(1) with PS-OPTIONS (default -ef),\n"
                               "only the container's lines; json: the host pids.\n");
                        return 0;
                case ':': return cli_usage_error("ps", "option '%s' needs a value", argv[optind - 1]);
                default: return cli_usage_error("ps", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return cli_usage_error("ps", "expected a container id");
        if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
                return cli_usage_error("ps", "--format: expected table or json, got '%s'", format);
        if (strcmp(format, "json") == 0 && optind + 1 < argc)
                return cli_usage_error("ps", "ps options cannot be used with --format json");

        cleanup_error struct error *err = NULL;
        cleanup_free pid_t *pids = NULL;
        size_t n = 0;
        if (container_pids(g->root, argv[optind], &pids, &n, &err) < 0)
                return cli_fail(err);
        if (strcmp(format, "json") == 0) {
                printf("[");
                for (size_t i = 0; i < n; i++)
                        printf("%s%d", i ? "," : "", (int)pids[i]);
                printf("]\n");
                return 0;
        }
        char *default_args[] = { "-ef", NULL };
        char **ps_args = optind + 1 < argc ? argv + optind + 1 : default_args;
        cleanup_free char *out = NULL;
        if (run_ps(ps_args, &out, &err) < 0)
                return cli_fail(err);
        if (print_container_lines(out, pids, n, &err) < 0)
                return cli_fail(err);
        return 0;
}
