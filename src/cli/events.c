/* `contain events [--stats] [--interval D] ID`: one stats object (--stats), or a stream of
 * OOM events (from memory.events / memory.oom_control) and periodic stats until the
 * container stops.  The JSON follows runc's events output. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contain/cgroup.h"
#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/json.h"
#include "contain/log.h"
#include "contain/util.h"

#define POLL_MS 100

static void print_stats(const char *id, const struct cgroup_stats *st)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(false);
        json_w_object_begin(w);
        json_w_kv_string(w, "type", "stats");
        json_w_kv_string(w, "id", id);
        json_w_key(w, "data");
        json_w_object_begin(w);

        json_w_key(w, "cpu");
        json_w_object_begin(w);
        json_w_key(w, "usage");
        json_w_object_begin(w);         /* nanoseconds, like runc */
        json_w_kv_uint(w, "total", st->cpu_usage_usec * 1000);
        json_w_kv_uint(w, "user", st->cpu_user_usec * 1000);
        json_w_kv_uint(w, "kernel", st->cpu_system_usec * 1000);
        json_w_object_end(w);
        json_w_key(w, "throttling");
        json_w_object_begin(w);
        json_w_kv_uint(w, "periods", st->cpu_nr_periods);
        json_w_kv_uint(w, "throttledPeriods", st->cpu_nr_throttled);
        json_w_kv_uint(w, "throttledTime", st->cpu_throttled_usec * 1000);
        json_w_object_end(w);
        json_w_object_end(w);

        json_w_key(w, "memory");
        json_w_object_begin(w);
        json_w_key(w, "usage");
        json_w_object_begin(w);
        json_w_kv_uint(w, "usage", st->memory_usage);
        if (st->has_memory_peak)
                json_w_kv_uint(w, "max", st->memory_peak);
        json_w_kv_uint(w, "limit", st->memory_limit);
        json_w_object_end(w);
        json_w_kv_uint(w, "oom", st->memory_oom);
        json_w_kv_uint(w, "oomKill", st->memory_oom_kill);
        json_w_object_end(w);

        json_w_key(w, "pids");
        json_w_object_begin(w);
        json_w_kv_uint(w, "current", st->pids_current);
        if (st->has_pids_peak)
                json_w_kv_uint(w, "peak", st->pids_peak);
        json_w_kv_uint(w, "limit", st->pids_limit == UINT64_MAX ? 0 : st->pids_limit);
        json_w_object_end(w);

        json_w_object_end(w);
        json_w_object_end(w);
        cleanup_free char *doc = json_writer_finish(w, NULL);
        printf("%s\n", doc);
        fflush(stdout);
}

static void print_oom(const char *id)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(false);
        json_w_object_begin(w);
        json_w_kv_string(w, "type", "oom");
        json_w_kv_string(w, "id", id);
        json_w_object_end(w);
        cleanup_free char *doc = json_writer_finish(w, NULL);
        printf("%s\n", doc);
        fflush(stdout);
}

/* "5s", "250ms", "1m", "2" (seconds) -> milliseconds */
static int parse_interval(const char *text, long *ms)
{
        char *end;
        errno = 0;
        double v = strtod(text, &end);
        if (errno || end == text || v <= 0)
                return -1;
        if (strcmp(end, "ms") == 0)
                *ms = (long)v;
        else if (strcmp(end, "s") == 0 || *end == '\0')
                *ms = (long)(v * 1000);
        else if (strcmp(end, "m") == 0)
                *ms = (long)(v * 60000);
        else
                return -1;
        return *ms > 0 ? 0 : -1;
}

/* The container is gone or stopped: the stream ends. */
static bool stopped(const struct cli_globals *g, const char *id)
{
        cleanup_container_info struct container_info *info = NULL;
        struct error *e = NULL;
        if (container_state(g->root, id, &info, &e) < 0) {
                error_free(e);
                return true;
        }
        return strcmp(info->status, "stopped") == 0;
}

/* v2 counts OOM situations ("oom") and the kills they made ("oom_kill"), v1 only kills:
 * one event per step of the larger counter, whichever the kernel bumps first */
static uint64_t oom_count(const struct cgroup_stats *st)
{
        return st->memory_oom > st->memory_oom_kill ? st->memory_oom : st->memory_oom_kill;
}

/* A stream outlives a passing read failure (the cgroup may be going away as the container
 * stops): the reason goes to the debug log, the next poll tries again. */
static bool read_stats(const struct cgroup *cg, struct cgroup_stats *st)
{
        struct error *e = NULL;
        if (cgroup_stats(cg, st, &e) == 0)
                return true;
        log_debug("events: %s", e->msg);
        error_free(e);
        return false;
}

static int stream(const struct cli_globals *g, const char *id, const struct cgroup *cg, long interval_ms)
{
        struct cgroup_stats st;
        uint64_t seen = read_stats(cg, &st) ? oom_count(&st) : 0;

        for (long since = 0;; since += POLL_MS) {
                bool done = stopped(g, id);
                if (read_stats(cg, &st)) {
                        for (uint64_t now = oom_count(&st); seen < now; seen++)
                                print_oom(id);
                        if (since >= interval_ms) {
                                print_stats(id, &st);
                                since = 0;
                        }
                }
                if (done)
                        return 0;
                struct timespec ts = { 0, POLL_MS * 1000000L };
                nanosleep(&ts, NULL);
        }
}

int cmd_events(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "stats", no_argument, NULL, 's' },
                { "interval", required_argument, NULL, 'i' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        bool once = false;
        long interval_ms = 5000;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+:h", opts, NULL)) != -1) {
                switch (c) {
                case 's': once = true; break;
                case 'i':
                        if (parse_interval(optarg, &interval_ms) < 0)
                                return cli_usage_error("events", "--interval: expected a duration like 5s or 500ms, got '%s'", optarg);
                        break;
                case 'h':
                        printf("usage: contain events [--stats] [--interval 5s] ID\n\n"
                               "--stats prints the container's resource usage once, as JSON; without it,\n"
                               "OOM events ({\"type\":\"oom\"}) and stats every interval are streamed until\n"
                               "the container stops.\n");
                        return 0;
                case ':': return cli_usage_error("events", "option '%s' needs a value", argv[optind - 1]);
                default: return cli_usage_error("events", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return cli_usage_error("events", "expected a container id");
        if (optind + 1 < argc)
                return cli_usage_error("events", "unexpected argument '%s'", argv[optind + 1]);
        const char *id = argv[optind];

        cleanup_error struct error *err = NULL;
        cleanup_container_info struct container_info *info = NULL;
        if (container_state(g->root, id, &info, &err) < 0)
                return cli_fail(err);
        if (strcmp(info->status, "stopped") == 0) {
                error_make(&err, 0, "events: container \"%s\" is not running", id);
                return cli_fail(err);
        }
        cleanup_cgroup struct cgroup *cg = NULL;
        if (container_cgroup(g->root, id, &cg, &err) < 0)
                return cli_fail(err);
        if (once) {
                struct cgroup_stats st;
                if (cgroup_stats(cg, &st, &err) < 0)
                        return cli_fail(err);
                print_stats(id, &st);
                return 0;
        }
        return stream(g, id, cg, interval_ms);
}
