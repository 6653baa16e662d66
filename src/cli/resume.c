/* `contain resume ID`: thaw a paused container (state: running); the code is pause.c's. */
#include "contain/cli.h"
#include "pause.h"

int cmd_resume(const struct cli_globals *g, int argc, char **argv)
{
        return cli_freeze_cmd(g, argc, argv, false);
}
