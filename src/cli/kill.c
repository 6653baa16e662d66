/* `contain kill [--all|-a] ID [SIGNAL]`: SIGNAL as a number, KILL or SIGKILL; SIGTERM by default. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "contain/cli.h"
#include "contain/engine.h"

int cmd_kill(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "all", no_argument, NULL, 'a' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        bool all = false;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+ah", opts, NULL)) != -1) {
                switch (c) {
                case 'a': all = true; break;
                case 'h':
                        printf("usage: contain kill [--all] ID [SIGNAL]\n\n"
                               "Send SIGNAL (default SIGTERM; a number, KILL or SIGKILL) to the container's\n"
                               "init, or with --all to every process of the container.\n");
                        return 0;
                default: return cli_usage_error("kill", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc || argc - optind > 2)
                return cli_usage_error("kill", "expected a container id and an optional signal");
        const char *id = argv[optind];
        cleanup_error struct error *err = NULL;
        int sig = SIGTERM;
        if (optind + 1 < argc && signal_parse(argv[optind + 1], &sig, &err) < 0)
                return cli_fail(err);
        if (container_kill(g->root, id, sig, all, &err) < 0)
                return cli_fail(err);
        return 0;
}
