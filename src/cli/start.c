/* `contain start ID`: releases the process of a created container. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "contain/cli.h"
#include "contain/engine.h"

int cmd_start(const struct cli_globals *g, int argc, char **argv)
{
        if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                printf("usage: contain start ID\n\nStart the process of a created container.\n");
                return 0;
        }
        if (argc != 2)
                return cli_usage_error("start", "expected one container id");
        cleanup_error struct error *err = NULL;
        if (container_start(g->root, argv[1], &err) < 0)
                return cli_fail(err);
        return 0;
}
