/* `contain create [--bundle DIR] [--pid-file F] [--console-socket S] [--preserve-fds N]
 * [--no-pivot] [--no-new-keyring] ID`: the container's init waits for `start`. */
#include <getopt.h>
#include <stdio.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/spec.h"
#include "contain/util.h"

static void usage(FILE *f)
{
        fprintf(f, "usage: contain create [options] ID\n\n"
                   "Create a container from a bundle; its process waits for `contain start ID`.\n\n"
                   "Options:\n"
                   "  -b, --bundle DIR          the bundle directory (default: .)\n"
                   "  --pid-file FILE           write the init's pid to FILE\n"
                   "  --console-socket SOCK     send the terminal's master to this unix socket\n"
                   "  --preserve-fds N          pass fds 3..3+N-1 to the process\n"
                   "  --no-pivot                use MS_MOVE + chroot instead of pivot_root\n"
                   "  --no-new-keyring          keep the caller's session keyring\n");
}

int cmd_create(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "pid-file", required_argument, NULL, 'P' },
                { "console-socket", required_argument, NULL, 'c' },
                { "preserve-fds", required_argument, NULL, 'f' },
                { "no-pivot", no_argument, NULL, 'n' },
                { "no-new-keyring", no_argument, NULL, 'k' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        struct container_opts o = { .root = g->root, .cgroup_manager = g->cgroup_manager };
        const char *bundle = ".";
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+:b:h", opts, NULL)) != -1) {
                switch (c) {
                case 'b': bundle = optarg; break;
                case 'P': o.pid_file = optarg; break;
                case 'c': o.console_socket = optarg; break;
                case 'f': {
                        int64_t n;
                        if (parse_int64(optarg, &n) < 0 || n < 0 || n > 65536)
                                return cli_usage_error("create", "--preserve-fds: expected a count, got '%s'", optarg);
                        o.preserve_fds = (int)n;
                        break;
                }
                case 'n': o.no_pivot = true; break;
                case 'k': o.no_new_keyring = true; break;
                case 'h': usage(stdout); return 0;
                case ':': return cli_usage_error("create", "option '%s' needs a value", argv[optind - 1]);
                default: return cli_usage_error("create", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind != argc - 1)
                return cli_usage_error("create", "expected one container id");
        o.id = argv[optind];

        cleanup_error struct error *err = NULL;
        if (container_id_validate(o.id, &err) < 0)
                return cli_fail(err);
        cleanup_spec struct spec *spec = NULL;
        if (spec_load_bundle(bundle, &spec, &err) < 0 || container_create(spec, &o, &err) < 0)
                return cli_fail(err);
        return 0;
}
