/* The one implementation behind `contain pause` and `contain resume` (src/cli/pause.c). */
#pragma once

#include <stdbool.h>

#include "contain/cli.h"

/* Parses `NAME ID` and freezes (pause) or thaws (!pause) the container's processes. */
int cli_freeze_cmd(const struct cli_globals *g, int argc, char **argv, bool pause);
