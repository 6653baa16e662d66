/* `contain ps [--format|-f table|json] ID`: host pids of the container's processes. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/util.h"

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
                        printf("usage: contain ps [--format table|json] ID\n\n"
                               "List the host pids of the container's processes.\n");
                        return 0;
                case ':': return cli_usage_error("ps", "option '%s' needs a value", argv[optind - 1]);
                default: return cli_usage_error("ps", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return cli_usage_error("ps", "expected a container id");
        if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
                return cli_usage_error("ps", "--format: expected table or json, got '%s'", format);

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
        printf("%-8s %s\n", "PID", "CMD");
        for (size_t i = 0; i < n; i++) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
                cleanup_free char *comm = NULL;
                struct error *e = NULL;
                if (read_file_at(AT_FDCWD, path, 4096, &comm, NULL, &e) < 0)
                        error_free(e);
                if (comm)
                        comm[strcspn(comm, "\n")] = '\0';
                printf("%-8d %s\n", (int)pids[i], comm ? comm : "?");
        }
        return 0;
}
