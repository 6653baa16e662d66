/* `contain state ID`: the OCI state JSON, status computed from the live process. */
#include <stdio.h>
#include <string.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/util.h"

int cmd_state(const struct cli_globals *g, int argc, char **argv)
{
        if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                printf("usage: contain state ID\n\nPrint the state of a container as JSON.\n");
                return 0;
        }
        if (argc != 2)
                return cli_usage_error("state", "expected one container id");
        cleanup_error struct error *err = NULL;
        cleanup_container_info struct container_info *info = NULL;
        if (container_state(g->root, argv[1], &info, &err) < 0)
                return cli_fail(err);
        cleanup_free char *json = container_info_json(info, true);
        printf("%s\n", json);
        return 0;
}
