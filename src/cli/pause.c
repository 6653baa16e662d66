/* `contain pause ID`: freeze every process of the container (state: paused), through its cgroup freezer. */
#include <getopt.h>
#include <stdio.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/util.h"

int cmd_pause(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+h", opts, NULL)) != -1) {
                switch (c) {
                case 'h':
                        printf("usage: contain pause ID\n\n%s.\n", "Freeze every process of the container (state: paused)");
                        return 0;
                default: return cli_usage_error("pause", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return cli_usage_error("pause", "expected a container id");
        if (optind + 1 < argc)
                return cli_usage_error("pause", "unexpected argument '%s'", argv[optind + 1]);

        cleanup_error struct error *err = NULL;
        if (container_pause(g->root, argv[optind], true, &err) < 0)
                return cli_fail(err);
        return 0;
}
