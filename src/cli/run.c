/* `contain run [--bundle DIR] [--detach] [--pid-file F] [--console-socket S] [--keep] ID`:
 * create, start, wait and delete; exits with the process's status (128+N for signal N).
 * With --rootfs it is the quick mode (src/cli/quick.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/spec.h"
#include "contain/util.h"

static void usage(FILE *f)
{
        fprintf(f, "usage: contain run [options] ID\n\n"
                   "Create and start a container, wait for it, delete it and exit with its status.\n\n"
                   "Options:\n"
                   "  -b, --bundle DIR          the bundle directory (default: .)\n"
                   "  -d, --detach              return once the process runs\n"
                   "  --pid-file FILE           write the init's pid to FILE\n"
                   "  --console-socket SOCK     send the terminal's master to this unix socket\n"
                   "  --preserve-fds N          pass fds 3..3+N-1 to the process\n"
                   "  --keep                    do not delete the container when it exits\n"
                   "  --no-pivot, --no-new-keyring   as for create\n"
                   "  --rootfs DIR ...          quick mode: see 'contain run --rootfs DIR --help'\n");
}

static bool wants_quick_mode(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0)
                        return false;
                if (strcmp(argv[i], "--rootfs") == 0 || strncmp(argv[i], "--rootfs=", 9) == 0 ||
                    strcmp(argv[i], "-rootfs") == 0)
                        return true;
        }
        return false;
}

int cmd_run(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "detach", no_argument, NULL, 'd' },
                { "pid-file", required_argument, NULL, 'P' },
                { "console-socket", required_argument, NULL, 'c' },
                { "preserve-fds", required_argument, NULL, 'f' },
                { "keep", no_argument, NULL, 'K' },
                { "no-pivot", no_argument, NULL, 'n' },
                { "no-new-keyring", no_argument, NULL, 'k' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        if (wants_quick_mode(argc, argv))
                return quick_run(g, argc, argv);

        struct container_opts o = { .root = g->root, .cgroup_manager = g->cgroup_manager };
        const char *bundle = ".";
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+:b:dh", opts, NULL)) != -1) {
                switch (c) {
                case 'b': bundle = optarg; break;
                case 'd': o.detach = true; break;
                case 'P': o.pid_file = optarg; break;
                case 'c': o.console_socket = optarg; break;
                case 'f': {
                        int64_t n;
                        if (parse_int64(optarg, &n) < 0 || n < 0 || n > 65536)
                                return cli_usage_error("run", "--preserve-fds: expected a count, got '%s'", optarg);
                        o.preserve_fds = (int)n;
                        break;
                }
                case 'K': o.keep = true; break;
                case 'n': o.no_pivot = true; break;
                case 'k': o.no_new_keyring = true; break;
                case 'h': usage(stdout); return 0;
                case ':': return cli_usage_error("run", "option '%s' needs a value", argv[optind - 1]);
                default: return cli_usage_error("run", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind != argc - 1)
                return cli_usage_error("run", "expected one container id");
        o.id = argv[optind];

        cleanup_error struct error *err = NULL;
        if (container_id_validate(o.id, &err) < 0)
                return cli_fail(err);
        cleanup_spec struct spec *spec = NULL;
        int status = 0;
        if (spec_load_bundle(bundle, &spec, &err) < 0 || container_run(spec, &o, &status, &err) < 0)
                return cli_fail(err);
        return status;
}
