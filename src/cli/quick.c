/* Quick mode, part two: `contain run --rootfs DIR ... -- CMD`.  Builds the spec from the flags
 * (quick_flags.c), sets up what a spec cannot say (quick_env.c), runs the container through the
 * engine like any bundle, and narrates it: one "[contain] ..." line per step on stderr. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/log.h"
#include "contain/net.h"
#include "contain/quick.h"
#include "contain/units.h"
#include "contain/util.h"
#include "quick_internal.h"

struct quick_ctx {
        const struct quick_opts *o;
        const struct spec *spec;
        const struct cli_globals *g;
        bool own_netns;                 /* we made the network namespace the container joins */
        int netns_fd;
        struct net_veth veth;
        struct quick_overlay overlay;
};

static void say(const struct quick_ctx *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct quick_ctx *q, const char *fmt, ...)
{
        va_list ap;
        if (q->o->quiet)
                return;
        va_start(ap, fmt);
        fputs("[contain] ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
}

/* "memory=64M cpu=50000/100000 pids=64": the limits the flags set, or NULL for none. */
static char *limits_text(const struct spec_resources *r)
{
        cleanup_free char *s = xstrdup("");
        char size[32];
        if (r->memory.has_limit && r->memory.limit > 0) {
                format_size((uint64_t)r->memory.limit, size, sizeof size);
                char *n = xasprintf("%s memory=%s", s, size);
                free(s);
                s = n;
        }
        if (r->cpu.has_quota && r->cpu.quota > 0) {
                char *n = xasprintf("%s cpu=%" PRId64 "/%" PRIu64, s, r->cpu.quota,
                                    r->cpu.has_period ? r->cpu.period : 100000);
                free(s);
                s = n;
        }
        if (r->pids.has_limit && r->pids.limit > 0) {
                char *n = xasprintf("%s pids=%" PRId64, s, r->pids.limit);
                free(s);
                s = n;
        }
        return *s ? xstrdup(s + 1) : NULL;
}

static void say_namespaces(const struct quick_ctx *q)
{
        static const enum ns_type order[] = { NS_PID, NS_UTS, NS_MOUNT, NS_NETWORK, NS_IPC,
                                              NS_CGROUP, NS_USER, NS_TIME };
        char line[128] = "";
        for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
                const struct spec_namespace *ns = spec_namespace(q->spec, order[i]);
                /* a joined namespace is not created, except the network one we made for it */
                if (!ns || (ns->path && !(order[i] == NS_NETWORK && q->own_netns)))
                        continue;
                if (*line)
                        strcat(line, " ");
                strcat(line, ns_type_proc_name(order[i]));
        }
        if (*line)
                say(q, "creating namespaces: %s", line);
}

static void say_rootfs(const struct quick_ctx *q)
{
        const struct spec *s = q->spec;
        say(q, "setting up rootfs: %s%s%s", q->o->rootfs_arg, q->o->overlay ? " (overlay)" : "",
            s->root_readonly ? " (read-only)" : "");
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                if (m->type && strcmp(m->type, "proc") == 0) {
                        say(q, "mounting %s", m->destination);
                } else if (m->type && strcmp(m->type, "bind") == 0) {
                        bool ro = false;
                        for (char **opt = m->options; opt && *opt; opt++)
                                ro = strcmp(*opt, "ro") == 0 ? true : strcmp(*opt, "rw") == 0 ? false : ro;
                        say(q, "mounting volume: %s on %s%s", m->source, m->destination, ro ? " (ro)" : "");
                }
        }
}

static void on_progress(void *data, enum container_step step, const char *detail)
{
        const struct quick_ctx *q = data;
        switch (step) {
        case STEP_CGROUP: {
                cleanup_free char *limits = limits_text(&q->spec->linux.resources);
                if (limits)
                        say(q, "applying cgroup limits: %s", limits);
                else
                        say(q, "creating cgroup: %s", detail);
                break;
        }
        case STEP_NAMESPACES:
                say_namespaces(q);
                break;
        case STEP_HOSTNAME:
                say(q, "setting hostname: %s", detail);
                break;
        case STEP_ROOTFS:
                say_rootfs(q);
                break;
        case STEP_PIVOT:
                say(q, "pivoting root");
                break;
        case STEP_RUNNING: {
                cleanup_free char *cmd = xstrdup("");
                for (char **a = q->spec->process.args; a && *a; a++) {
                        char *n = xasprintf("%s%s%s", cmd, *cmd ? " " : "", *a);
                        free(cmd);
                        cmd = n;
                }
                say(q, "running: %s", cmd);
                break;
        }
        case STEP_EXITED:
                say(q, "container exited: %s", detail);
                break;
        }
}

/* The usage report, read from the cgroup after the exit and before it is removed. */
static void on_exited(void *data, int exit_status, const struct cgroup_stats *st)
{
        const struct quick_ctx *q = data;
        char peak[32];
        (void)exit_status;
        if (!st)
                return;         /* the engine logged why */
        cleanup_free char *mem = NULL, *pids = NULL;
        if (st->has_memory_peak) {
                format_size(st->memory_peak, peak, sizeof peak);
                mem = xasprintf("memory peak %s, ", peak);
        }
        if (st->has_pids_peak)
                pids = xasprintf(", pids peak %" PRIu64, st->pids_peak);
        say(q, "usage: %scpu %" PRIu64 ".%03" PRIu64 "s user %" PRIu64 ".%03" PRIu64 "s sys%s",
            mem ? mem : "", st->cpu_user_usec / 1000000, st->cpu_user_usec / 1000 % 1000,
            st->cpu_system_usec / 1000000, st->cpu_system_usec / 1000 % 1000, pids ? pids : "");
}

/* path NULL: a new namespace made by the clone */
static void set_netns_path(struct spec *s, const char *path)
{
        for (size_t i = 0; i < s->linux.n_namespaces; i++) {
                if (s->linux.namespaces[i].type == NS_NETWORK) {
                        free(s->linux.namespaces[i].path);
                        s->linux.namespaces[i].path = path ? xstrdup(path) : NULL;
                }
        }
}

/* Everything around the engine, before it runs. */
static int prepare(struct quick_ctx *q, struct spec *s, struct error **err)
{
        const struct quick_opts *o = q->o;

        if (o->overlay) {
                if (quick_overlay_setup(o->rootfs, q->g->root, o->id, &q->overlay, err) < 0)
                        return -1;
                free(s->root_path);
                s->root_path = xstrdup(q->overlay.merged);
                say(q, "mounting overlay: lower %s, upper %s", o->rootfs_arg, q->overlay.upper);
        }
        if (o->net == QUICK_NET_HOST)
                return 0;
        if (geteuid() != 0) {
                /* no privileges for a namespace of our own or a veth pair: the clone makes the
                 * network namespace, inside the container's user namespace, with lo only */
                if (o->net == QUICK_NET_VETH)
                        return error_make(err, 0, "--net veth: an unprivileged user cannot create a veth pair "
                                          "(use --net none or --net host)");
                set_netns_path(s, NULL);
                return 0;
        }
        /* the namespace exists before the container so it can be wired up before anything in
         * the container runs; the engine joins it by path */
        cleanup_close int own = net_ns_open_own(err);
        if (own < 0 || net_ns_create(own, &q->netns_fd, NULL, err) < 0)
                return -1;
        q->own_netns = true;
        cleanup_free char *path = xasprintf("/proc/%d/fd/%d", (int)getpid(), q->netns_fd);
        set_netns_path(s, path);
        if (o->net == QUICK_NET_VETH) {
                if (net_veth_setup(q->netns_fd, o->id, &q->veth, err) < 0)
                        return -1;
                char host[INET_ADDRSTRLEN], inside[INET_ADDRSTRLEN];
                inet_ntop(AF_INET, &q->veth.host_addr, host, sizeof host);
                inet_ntop(AF_INET, &q->veth.container_addr, inside, sizeof inside);
                say(q, "setting up network: veth %s %s/%u, eth0 %s/%u", q->veth.host_ifname, host,
                    q->veth.prefix, inside, q->veth.prefix);
        }
        return 0;
}

/* Everything around the engine, after it ran (or failed); problems are warnings, so the exit
 * status stays the command's. */
static void teardown(struct quick_ctx *q)
{
        cleanup_error struct error *e1 = NULL, *e2 = NULL;

        if (q->veth.created) {
                say(q, "removing veth %s", q->veth.host_ifname);
                if (net_veth_remove(&q->veth, &e1) < 0)
                        log_warning("%s", e1->msg);
        }
        closep(&q->netns_fd);
        if (q->overlay.dir) {
                if (q->o->keep)
                        say(q, "keeping overlay changes: %s (until `contain delete %s`)", q->overlay.upper, q->o->id);
                else
                        say(q, "removing overlay: %s", q->overlay.dir);
                if (quick_overlay_cleanup(&q->overlay, q->o->keep, &e2) < 0)
                        log_warning("%s", e2->msg);
        }
}

int quick_run(const struct cli_globals *g, int argc, char **argv)
{
        cleanup_spec struct spec *spec = NULL;
        cleanup_error struct error *err = NULL;
        struct quick_opts o;
        int status = 0;

        if (quick_help(argc, argv))
                return 0;
        if (quick_build_spec(argc, argv, &spec, &o, &err) < 0)
                return cli_usage_error("run", "%s", err->msg);
        if (o.bundle) {
                quick_opts_release(&o);
                return cli_usage_error("run", "--bundle cannot be used with --rootfs");
        }

        /* no bundle: state and `list` show the rootfs the container comes from */
        free(spec->bundle);
        spec->bundle = xstrdup(o.rootfs);

        struct quick_ctx q = { .o = &o, .spec = spec, .g = g, .netns_fd = -1, .overlay = { .lock_fd = -1 } };
        struct container_opts copts = {
                .root = g->root,
                .id = o.id,
                .cgroup_manager = g->cgroup_manager,
                .keep = o.keep,
                .progress = on_progress,
                .progress_data = &q,
                .exited = on_exited,
                .exited_data = &q,
        };
        int r = prepare(&q, spec, &err);
        if (r == 0) {
                r = container_run(spec, &copts, &status, &err);
                if (r == 0 && !o.keep && g->cgroup_manager != CGROUP_MANAGER_DISABLED)
                        say(&q, "cleaning up cgroups");
        }
        teardown(&q);
        quick_opts_release(&o);
        if (r < 0)
                return cli_fail(err);
        return status;
}
