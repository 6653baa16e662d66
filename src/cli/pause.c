/* `contain pause ID` / `contain resume ID`: freeze every process of the container (state: paused)
 * or thaw them again (state: running), through its cgroup freezer.  resume.c reuses this. */
#include <getopt.h>
#include <stdio.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/util.h"
#include "pause.h"

int cli_freeze_cmd(const struct cli_globals *g, int argc, char **argv, bool pause)
{
        static const struct option opts[] = {
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        const char *name = pause ? "pause" : "resume";
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+h", opts, NULL)) != -1) {
                switch (c) {
                case 'h':
                        printf("usage: contain %s ID\n\n%s.\n", name,
                               pause ? "Freeze every process of the container (state: paused)"
                                     : "Thaw a paused container (state: running)");
                        return 0;
                default: return cli_usage_error(name, "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return cli_usage_error(name, "expected a container id");
        if (optind + 1 < argc)
                return cli_usage_error(name, "unexpected argument '%s'", argv[optind + 1]);

        cleanup_error struct error *err = NULL;
        if (container_pause(g->root, argv[optind], pause, &err) < 0)
                return cli_fail(err);
        return 0;
}

int cmd_pause(const struct cli_globals *g, int argc, char **argv)
{
        return cli_freeze_cmd(g, argc, argv, true);
}
