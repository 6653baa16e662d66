/* `contain spec [--bundle DIR] [--rootless]`: writes runc's default config.json into a bundle,
 * never over an existing one.  With --rootfs the quick mode (src/cli/quick_flags.c) builds
 * the config from flags instead. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "contain/cli.h"
#include "contain/quick.h"
#include "contain/spec.h"
#include "contain/util.h"

struct spec_opts {
        const char *bundle;     /* directory config.json goes into */
        bool rootless;
};

static void usage(FILE *f)
{
        fprintf(f, "usage: contain spec [--bundle DIR] [--rootless]\n"
                   "       contain spec --rootfs DIR [quick-mode flags] [-- CMD ARG...]\n\n"
                   "Write a default config.json (runc's defaults: sh on a terminal, pid/net/ipc/uts/mount\n"
                   "namespaces, a read-only rootfs at DIR/rootfs).  An existing config.json is never\n"
                   "overwritten.  With --rootfs, the config is built from the quick-mode flags\n"
                   "(see 'contain run --help').\n\n"
                   "Options:\n"
                   "  -b, --bundle DIR   where to write config.json (default: the current directory)\n"
                   "      --rootless     a config for an unprivileged user: a user namespace mapping\n"
                   "                     your uid/gid to root, no network namespace, no cgroup limits\n"
                   "  -h, --help         this help\n");
}

/* Returns 0 and fills o, 1 when --help was printed, -1 after a usage error was printed. */
static int parse_opts(int argc, char **argv, struct spec_opts *o)
{
        static const struct option opts[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "rootless", no_argument, NULL, 'r' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;

        *o = (struct spec_opts){ .bundle = "." };
        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+:b:h", opts, NULL)) != -1) {
                switch (c) {
                case 'b':
                        o->bundle = optarg;
                        break;
                case 'r':
                        o->rootless = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 1;
                case ':':
                        cli_usage_error("spec", "option '%s' needs a value", argv[optind - 1]);
                        return -1;
                default:
                        cli_usage_error("spec", "unknown option '%s'", argv[optind - 1]);
                        return -1;
                }
        }
        if (optind < argc) {
                cli_usage_error("spec", "unexpected argument '%s'", argv[optind]);
                return -1;
        }
        return 0;
}

/* Creates DIR/config.json exclusively: an existing one is the user's work, not ours to replace. */
static int write_new_config(const char *bundle, const char *json, struct error **err)
{
        cleanup_close int dfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return error_make(err, errno, "bundle %s", bundle);
        cleanup_close int fd = openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST)
                return error_make(err, 0, "%s/config.json already exists: remove it first, it is not overwritten", bundle);
        if (fd < 0)
                return error_make(err, errno, "create %s/config.json", bundle);
        if (write_all(fd, json, strlen(json)) < 0 || write_all(fd, "\n", 1) < 0) {
                int e = errno;
                unlinkat(dfd, "config.json", 0);
                return error_make(err, e, "write %s/config.json", bundle);
        }
        return 0;
}

int cmd_spec(const struct cli_globals *g, int argc, char **argv)
{
        struct spec_opts o;

        if (quick_wants(argc, argv))
                return quick_spec(g, argc, argv);
        int r = parse_opts(argc, argv, &o);
        if (r != 0)
                return r > 0 ? 0 : 1;

        cleanup_spec struct spec *spec = spec_new_default(o.rootless);
        cleanup_free char *json = spec_to_json(spec);
        cleanup_error struct error *err = NULL;
        if (write_new_config(o.bundle, json, &err) < 0)
                return cli_fail(err);
        return 0;
}
