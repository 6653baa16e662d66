/* The command line: global options shared by every command, and one entry point per command
 * (src/cli/<command>.c).  A command returns the process exit status. */
#ifndef CONTAIN_CLI_H
#define CONTAIN_CLI_H

#include <stdbool.h>

#include "contain/cgroup.h"
#include "contain/error.h"

struct cli_globals {
        const char *root;               /* --root, default /run/contain */
        const char *log_path;           /* --log */
        bool log_json;                  /* --log-format json */
        bool debug;                     /* --debug */
        enum cgroup_manager cgroup_manager;     /* --systemd-cgroup, --cgroup-manager= */
};

#define CONTAIN_DEFAULT_ROOT "/run/contain"

/* Prints err once ("contain: <msg>", and to --log) and returns exit status 1. */
int cli_fail(struct error *err);
/* Prints a usage error for a command and returns 1. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define CONTAIN_COMMANDS(X) \
        X(create, "create a container, its init waiting for start") \
        X(start, "start the user process of a created container") \
        X(state, "print the state of a container (JSON)") \
        X(kill, "send a signal to the container's init (or all processes)") \
        X(delete, "delete a container and everything it holds") \
        X(run, "create, start, wait for and delete a container") \
        X(list, "list containers") \
        X(ps, "list the processes of a container") \
        X(exec, "run a new process inside a container") \
        X(pause, "freeze all processes of a container") \
        X(resume, "thaw a paused container") \
        X(update, "change the resource limits of a container") \
        X(events, "print container stats or stream its OOM events") \
        X(spec, "write a default config.json (or one from quick-mode flags)") \
        X(features, "print the runtime-spec features document") \
        X(check_config, "parse and validate a bundle's config.json")

#define X(name, help) int cmd_##name(const struct cli_globals *g, int argc, char **argv);
CONTAIN_COMMANDS(X)
#undef X

#endif
