/* `contain check-config [--bundle DIR] [--process FILE]` (hidden helper): parses and validates
 * a bundle's config.json (or an exec process file) and reports the first problem, silently
 * succeeding otherwise. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>

#include "contain/cli.h"
#include "contain/spec.h"
#include "contain/util.h"

static void usage(FILE *f)
{
        fprintf(f, "usage: contain check-config [--bundle DIR] [--process FILE]\n\n"
                   "Parse and validate DIR/config.json (default: the current directory) and print\n"
                   "the first problem found, naming the JSON path; print nothing when it is valid.\n\n"
                   "Options:\n"
                   "  -b, --bundle DIR     the bundle directory\n"
                   "  -p, --process FILE   validate FILE as an `exec --process` document instead\n"
                   "  -h, --help           this help\n");
}

int cmd_check_config(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "process", required_argument, NULL, 'p' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        const char *bundle = ".", *process = NULL;
        int c;

        (void)g;
        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+:b:p:h", opts, NULL)) != -1) {
                switch (c) {
                case 'b':
                        bundle = optarg;
                        break;
                case 'p':
                        process = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                case ':':
                        return cli_usage_error("check-config", "option '%s' needs a value", argv[optind - 1]);
                default:
                        return cli_usage_error("check-config", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cli_usage_error("check-config", "unexpected argument '%s'", argv[optind]);

        cleanup_error struct error *err = NULL;
        if (process) {
                cleanup_free char *text = NULL;
                struct spec_process *proc = NULL;
                size_t len;
                if (read_file_at(AT_FDCWD, process, 64u << 20, &text, &len, &err) < 0 ||
                    spec_parse_process(text, len, process, &proc, &err) < 0)
                        return cli_fail(err);
                spec_process_free(proc);
                return 0;
        }
        cleanup_spec struct spec *spec = NULL;
        if (spec_load_bundle(bundle, &spec, &err) < 0)
                return cli_fail(err);
        return 0;
}
