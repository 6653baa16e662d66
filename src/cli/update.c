/* `contain update [-r FILE] [--memory N ...] ID`: rewrites the resource limits of a live
 * container, from a linux.resources JSON document and/or runc's flags (flags win). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "contain/cgroup.h"
#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/json.h"
#include "contain/units.h"
#include "contain/util.h"

enum {
        OPT_MEMORY = 256, OPT_SWAP, OPT_RESERVATION, OPT_QUOTA, OPT_PERIOD, OPT_SHARES,
        OPT_CPUS, OPT_MEMS, OPT_PIDS, OPT_BLKIO, OPT_RT_PERIOD, OPT_RT_RUNTIME, OPT_IDLE, OPT_BURST,
};

static void usage(void)
{
        printf("usage: contain update [options] ID [options]\n\n"
               "Change the resource limits of a created, running or paused container.\n\n"
               "  -r, --resources FILE     linux.resources JSON ('-' reads stdin)\n"
               "  --memory N               memory limit (bytes or 64M; -1 unlimited)\n"
               "  --memory-swap N          memory+swap limit (-1 unlimited)\n"
               "  --memory-reservation N   soft limit\n"
               "  --cpu-quota N            CFS quota in microseconds (-1 unlimited)\n"
               "  --cpu-period N           CFS period in microseconds (0 leaves it)\n"
               "  --cpu-share N            relative cpu weight (shares; 0 leaves it)\n"
               "  --cpu-burst N            CFS burst in microseconds\n"
               "  --cpu-idle N             1: the SCHED_IDLE policy for the cgroup, 0: normal\n"
               "  --cpu-rt-period N        realtime period in microseconds\n"
               "  --cpu-rt-runtime N       realtime runtime in microseconds (-1 unlimited)\n"
               "  --cpuset-cpus S          cpus allowed (\"0-1\")\n"
               "  --cpuset-mems S          memory nodes allowed\n"
               "  --pids-limit N           maximum number of processes (<= 0 unlimited)\n"
               "  --blkio-weight N         block io weight (10..1000; 0 leaves it)\n");
}

/* "-1", "67108864" or "64M" */
static int memory_value(const char *opt, const char *text, int64_t *out, struct error **err)
{
        uint64_t v;
        if (strcmp(text, "-1") == 0) {
                *out = -1;
                return 0;
        }
        if (parse_size(text, &v, err) < 0 || v > INT64_MAX)
                return error_wrap(err, "--%s", opt);
        *out = (int64_t)v;
        return 0;
}

static int int_value(const char *opt, const char *text, int64_t *out, struct error **err)
{
        if (parse_int64(text, out) < 0)
                return error_make(err, 0, "--%s: expected an integer, got '%s'", opt, text);
        return 0;
}

/* An integer in [min, max]; want says the range in the message. */
static int ranged_value(const char *opt, const char *text, int64_t min, int64_t max, const char *want,
                        int64_t *out, struct error **err)
{
        if (int_value(opt, text, out, err) < 0)
                return -1;
        if (*out < min || *out > max)
                return error_make(err, 0, "--%s: %s, got '%s'", opt, want, text);
        return 0;
}

/* The resources document is a config's linux.resources: parse it as one, so the same
 * validation and messages apply. */
static int load_resources(const char *file, struct spec **out, struct error **err)
{
        cleanup_free char *text = NULL;
        size_t len = 0;
        if (read_file_at(AT_FDCWD, strcmp(file, "-") == 0 ? "/dev/stdin" : file, 1 << 20, &text, &len, err) < 0)
                return error_wrap(err, "--resources");
        if (strspn(text, " \t\r\n") == len)
                return error_make(err, 0, "--resources %s: empty, expected a linux.resources JSON object", file);
        /* its syntax first, on its own: positions in errors are then the file's own */
        cleanup_json struct json *alone = NULL;
        if (json_parse(text, len, &alone, err) < 0)
                return error_wrap(err, "--resources %s", file);
        cleanup_free char *doc = xasprintf("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"/\"},"
                                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
                                           "\"linux\":{\"resources\":\n%s\n}}", text);
        return spec_parse(doc, strlen(doc), file, NULL, out, err);
}

static int apply_flag(struct spec_resources *r, int opt, const char *arg, struct error **err)
{
        int64_t v;
        switch (opt) {
        case OPT_MEMORY:
                if (memory_value("memory", arg, &v, err) < 0)
                        return -1;
                r->memory.has_limit = true;
                r->memory.limit = v;
                break;
        case OPT_SWAP:
                if (memory_value("memory-swap", arg, &v, err) < 0)
                        return -1;
                r->memory.has_swap = true;
                r->memory.swap = v;
                break;
        case OPT_RESERVATION:
                if (memory_value("memory-reservation", arg, &v, err) < 0)
                        return -1;
                r->memory.has_reservation = true;
                r->memory.reservation = v;
                break;
        case OPT_QUOTA:
                if (int_value("cpu-quota", arg, &v, err) < 0)
                        return -1;
                r->cpu.has_quota = true;
                r->cpu.quota = v;
                break;
        case OPT_PERIOD:
                /* 0 is "not set" here as in a resources document (runc) */
                if (ranged_value("cpu-period", arg, 0, INT64_MAX, "must not be negative", &v, err) < 0)
                        return -1;
                r->cpu.has_period = true;
                r->cpu.period = (uint64_t)v;
                break;
        case OPT_SHARES:
                if (ranged_value("cpu-share", arg, 0, INT64_MAX, "must not be negative", &v, err) < 0)
                        return -1;
                r->cpu.has_shares = true;
                r->cpu.shares = (uint64_t)v;
                break;
        case OPT_BURST:
                if (ranged_value("cpu-burst", arg, 0, INT64_MAX, "must not be negative", &v, err) < 0)
                        return -1;
                r->cpu.has_burst = true;
                r->cpu.burst = (uint64_t)v;
                break;
        case OPT_IDLE:
                if (ranged_value("cpu-idle", arg, 0, 1, "expected 0 or 1", &v, err) < 0)
                        return -1;
                r->cpu.has_idle = true;
                r->cpu.idle = v;
                break;
        case OPT_RT_PERIOD:
                if (ranged_value("cpu-rt-period", arg, 1, INT64_MAX, "must be positive", &v, err) < 0)
                        return -1;
                r->cpu.has_realtime_period = true;
                r->cpu.realtime_period = (uint64_t)v;
                break;
        case OPT_RT_RUNTIME:
                if (ranged_value("cpu-rt-runtime", arg, -1, INT64_MAX, "expected -1 or more", &v, err) < 0)
                        return -1;
                r->cpu.has_realtime_runtime = true;
                r->cpu.realtime_runtime = v;
                break;
        case OPT_CPUS:
                free(r->cpu.cpus);
                r->cpu.cpus = xstrdup(arg);
                break;
        case OPT_MEMS:
                free(r->cpu.mems);
                r->cpu.mems = xstrdup(arg);
                break;
        case OPT_PIDS:
                if (int_value("pids-limit", arg, &v, err) < 0)
                        return -1;
                r->pids.has_limit = true;
                r->pids.limit = v <= 0 ? -1 : v;    /* as documented: <= 0 is unlimited */
                break;
        case OPT_BLKIO:
                if (ranged_value("blkio-weight", arg, 0, 1000, "expected 10..1000 (0: not set)", &v, err) < 0)
                        return -1;
                if (v > 0 && v < 10)
                        return error_make(err, 0, "--blkio-weight: expected 10..1000 (0: not set), got '%s'", arg);
                r->blkio.has_weight = v != 0;
                r->blkio.weight = (uint16_t)v;
                break;
        }
        return 0;
}

int cmd_update(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "resources", required_argument, NULL, 'r' },
                { "memory", required_argument, NULL, OPT_MEMORY },
                { "memory-swap", required_argument, NULL, OPT_SWAP },
                { "memory-reservation", required_argument, NULL, OPT_RESERVATION },
                { "cpu-quota", required_argument, NULL, OPT_QUOTA },
                { "cpu-period", required_argument, NULL, OPT_PERIOD },
                { "cpu-share", required_argument, NULL, OPT_SHARES },
                { "cpuset-cpus", required_argument, NULL, OPT_CPUS },
                { "cpuset-mems", required_argument, NULL, OPT_MEMS },
                { "pids-limit", required_argument, NULL, OPT_PIDS },
                { "blkio-weight", required_argument, NULL, OPT_BLKIO },
                { "cpu-burst", required_argument, NULL, OPT_BURST },
                { "cpu-idle", required_argument, NULL, OPT_IDLE },
                { "cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD },
                { "cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        const char *resources = NULL;
        struct { int opt; const char *arg; } flags[32];
        size_t n_flags = 0;
        int c;

        optind = 0;
        opterr = 0;
        /* no '+': options may follow the container id, as runc (urfave/cli) takes them */
        while ((c = getopt_long_only(argc, argv, ":r:h", opts, NULL)) != -1) {
                switch (c) {
                case 'r': resources = optarg; break;
                case 'h': usage(); return 0;
                case ':': return cli_usage_error("update", "option '%s' needs a value", argv[optind - 1]);
                case '?': return cli_usage_error("update", "unknown option '%s'", argv[optind - 1]);
                default:
                        if (n_flags == ARRAY_SIZE(flags))
                                return cli_usage_error("update", "too many options");
                        flags[n_flags].opt = c;
                        flags[n_flags++].arg = optarg;
                }
        }
        if (optind >= argc)
                return cli_usage_error("update", "expected a container id");
        if (optind + 1 < argc)
                return cli_usage_error("update", "unexpected argument '%s'", argv[optind + 1]);
        if (!resources && n_flags == 0)
                return cli_usage_error("update", "nothing to update: give -r FILE or a limit option");
        const char *id = argv[optind];

        cleanup_error struct error *err = NULL;
        cleanup_spec struct spec *doc = NULL;
        if (resources && load_resources(resources, &doc, &err) < 0)
                return cli_fail(err);
        if (!doc)
                doc = xcalloc(1, sizeof(*doc));
        struct spec_resources *r = &doc->linux.resources;
        for (size_t i = 0; i < n_flags; i++)
                if (apply_flag(r, flags[i].opt, flags[i].arg, &err) < 0)
                        return cli_fail(err);

        cleanup_container_info struct container_info *info = NULL;
        if (container_state(g->root, id, &info, &err) < 0)
                return cli_fail(err);
        if (strcmp(info->status, "stopped") == 0) {
                error_make(&err, 0, "update container \"%s\": container not running", id);
                return cli_fail(err);
        }
        /* memory.checkBeforeUpdate is the container's setting unless the update says otherwise */
        if (!r->memory.has_check_before_update) {
                cleanup_spec struct spec *saved = NULL;
                if (container_load_spec(g->root, id, &saved, &err) < 0)
                        return cli_fail(err);
                r->memory.has_check_before_update = saved->linux.resources.memory.has_check_before_update;
                r->memory.check_before_update = saved->linux.resources.memory.check_before_update;
        }
        cleanup_cgroup struct cgroup *cg = NULL;
        /* cgroup_update() already says "update cgroup PATH" */
        if (container_cgroup(g->root, id, &cg, &err) < 0 || cgroup_update(cg, r, &err) < 0) {
                error_wrap(&err, "container \"%s\"", id);
                return cli_fail(err);
        }
        return 0;
}
