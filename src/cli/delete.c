/* `contain delete [--force|-f] ID...`: removes stopped (or created, like runc) containers;
 * any with --force. */
#include <getopt.h>
#include <stdio.h>

#include "contain/cli.h"
#include "contain/engine.h"

int cmd_delete(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        bool force = false;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+fh", opts, NULL)) != -1) {
                switch (c) {
                case 'f': force = true; break;
                case 'h':
                        printf("usage: contain delete [--force] ID...\n\n"
                               "Delete stopped or created containers; --force kills running ones first and\n"
                               "succeeds for ids that do not exist.\n");
                        return 0;
                default: return cli_usage_error("delete", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return cli_usage_error("delete", "expected a container id");
        int status = 0;
        for (int i = optind; i < argc; i++) {
                struct error *err = NULL;
                if (container_delete(g->root, argv[i], force, &err) < 0) {
                        status = cli_fail(err);
                        error_free(err);
                }
        }
        return status;
}
