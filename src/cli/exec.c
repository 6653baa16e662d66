/* PLACEHOLDER until its owner lands the real command. */
#include "contain/cli.h"
#include "contain/log.h"

int cmd_exec(const struct cli_globals *g, int argc, char **argv)
{
        (void)g; (void)argc; (void)argv;
        log_error("exec: not implemented yet");
        return 1;
}
