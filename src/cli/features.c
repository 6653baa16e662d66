/* `contain features`: prints the runtime-spec features document the engine builds from the
 * tables the parser and the applying code use (src/engine/features.c). */
#include <getopt.h>
#include <stdio.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/util.h"

int cmd_features(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;

        (void)g;
        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                if (c == 'h') {
                        printf("usage: contain features\n\n"
                               "Print the runtime-spec features document: the config versions, hooks,\n"
                               "mount options, namespaces, capabilities, cgroup and seccomp support of\n"
                               "this build on this host.\n");
                        return 0;
                }
                return cli_usage_error("features", "unknown option '%s'", argv[optind - 1]);
        }
        if (optind < argc)
                return cli_usage_error("features", "unexpected argument '%s'", argv[optind]);
        cleanup_free char *json = runtime_features_json();
        printf("%s\n", json);
        return 0;
}
