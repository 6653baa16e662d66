/* The OCI linux.resources → cgroup file translation, for v2 and for v1 hierarchies.  Pure:
 * no file system access, so tests/unit/test_cgroup_convert.c covers every rule. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "contain/util.h"
#include "internal.h"

void cg_settings_free(struct cg_settings *s)
{
        for (size_t i = 0; i < s->n; i++) {
                free(s->v[i].controller);
                free(s->v[i].file);
                free(s->v[i].value);
        }
        free(s->v);
        s->v = NULL;
        s->n = 0;
}

void cg_settings_add(struct cg_settings *s, const char *controller, const char *file,
                     const char *value)
{
        s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
        s->v[s->n++] = (struct cg_setting){ .controller = xstrdup(controller),
                                            .file = xstrdup(file), .value = xstrdup(value) };
}

static void add_fmt(struct cg_settings *s, const char *controller, const char *file,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add_fmt(struct cg_settings *s, const char *controller, const char *file,
                    const char *fmt, ...)
{
        cleanup_free char *v = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&v, fmt, ap) < 0)
                abort();
        va_end(ap);
        cg_settings_add(s, controller, file, v);
}

/* A placeholder in the v2 list for a v1 file, so that cg_apply() routes the controller to
 * its v1 hierarchy, or says the field is not applied when v2 holds the controller. */
static void v1_only(struct cg_settings *s, const char *controller, const char *file, const char *field)
{
        cg_settings_add(s, controller, file, field);
        s->v[s->n - 1].v1_only = true;
}

uint64_t cg_shares_to_weight(uint64_t shares)
{
        if (shares < 2)
                shares = 2;
        if (shares > 262144)
                shares = 262144;
        return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_blkio_to_io_weight(uint64_t weight)
{
        if (weight < 10)
                weight = 10;
        if (weight > 1000)
                weight = 1000;
        return 1 + ((weight - 10) * 9999) / 990;
}

/* OCI memory values: 0 means "not set" (runc), -1 unlimited, other negatives are invalid. */
static int check_mem(const char *field, int64_t v, struct error **err)
{
        if (v < -1)
                return error_make(err, 0, "linux.resources.memory.%s: %" PRId64 " is not a size "
                                  "(use -1 for unlimited)", field, v);
        return 0;
}

/* memory.swap.max is swap alone; OCI's swap is memory+swap. */
static int swap_v2(const struct spec_memory *m, char *buf, size_t len, struct error **err)
{
        int64_t limit = m->has_limit ? m->limit : 0;
        if (m->swap == -1 || (limit == -1 && m->swap == 0)) {
                snprintf(buf, len, "max");
                return 0;
        }
        if (limit <= 0)
                return error_make(err, 0, "linux.resources.memory.swap: %" PRId64 " needs a "
                                  "memory limit (swap is the memory+swap total)", m->swap);
        if (m->swap < limit)
                return error_make(err, 0, "linux.resources.memory.swap: %" PRId64 " is below "
                                  "memory.limit %" PRId64 " (swap is the memory+swap total)",
                                  m->swap, limit);
        snprintf(buf, len, "%" PRId64, m->swap - limit);
        return 0;
}

static void mem_value(int64_t v, char *buf, size_t len, bool v2)
{
        if (v == -1)
                snprintf(buf, len, v2 ? "max" : "-1");
        else
                snprintf(buf, len, "%" PRId64, v);
}

static int memory_checks(const struct spec_memory *m, struct error **err)
{
        if ((m->has_limit && check_mem("limit", m->limit, err) < 0) ||
            (m->has_reservation && check_mem("reservation", m->reservation, err) < 0) ||
            (m->has_swap && check_mem("swap", m->swap, err) < 0))
                return -1;
        return 0;
}

static void throttles(struct cg_settings *s, const struct spec_blkio_throttle *t, size_t n,
                      const char *v2key, const char *v1file, bool v2)
{
        for (size_t i = 0; i < n; i++) {
                if (v2)
                        add_fmt(s, "io", "io.max", "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
                                t[i].major, t[i].minor, v2key, t[i].rate);
                else
                        add_fmt(s, "blkio", v1file, "%" PRId64 ":%" PRId64 " %" PRIu64,
                                t[i].major, t[i].minor, t[i].rate);
        }
}

static int hugepage_size_ok(const char *size, struct error **err)
{
        if (!size || !*size || strchr(size, '/') || strchr(size, '.'))
                return error_make(err, 0, "linux.resources.hugepageLimits: invalid pageSize '%s'",
                                  size ? size : "");
        return 0;
}

/* cpuset and pids files have the same names and values on both hierarchies.  "" is not set
 * (runc): written, it would empty the cpuset. */
static void cpuset(struct cg_settings *s, const struct spec_cpu *c)
{
        if (c->cpus && *c->cpus)
                cg_settings_add(s, "cpuset", "cpuset.cpus", c->cpus);
        if (c->mems && *c->mems)
                cg_settings_add(s, "cpuset", "cpuset.mems", c->mems);
}

/* The parser already turned a pre-1.3.0 limit of 0 into -1: here 0 is a limit of 0 tasks. */
static void pids(struct cg_settings *s, const struct spec_pids *p)
{
        if (!p->has_limit)
                return;
        if (p->limit < 0)
                cg_settings_add(s, "pids", "pids.max", "max");
        else
                add_fmt(s, "pids", "pids.max", "%" PRId64, p->limit);
}

/* hugetlb.<size>.<suffix>: "max" on v2, "limit_in_bytes" on v1. */
static int hugepages(struct cg_settings *s, const struct spec_resources *res, const char *suffix,
                     struct error **err)
{
        for (size_t i = 0; i < res->n_hugepage_limits; i++) {
                const struct spec_hugepage_limit *h = &res->hugepage_limits[i];
                if (hugepage_size_ok(h->page_size, err) < 0)
                        return -1;
                cleanup_free char *file = xasprintf("hugetlb.%s.%s", h->page_size, suffix);
                add_fmt(s, "hugetlb", file, "%" PRIu64, h->limit);
        }
        return 0;
}

static void rdma(struct cg_settings *s, const struct spec_resources *res)
{
        for (size_t i = 0; i < res->n_rdma; i++) {
                const struct spec_rdma *r = &res->rdma[i];
                char h[32] = "max", o[32] = "max";
                if (r->has_hca_handles)
                        snprintf(h, sizeof(h), "%" PRIu32, r->hca_handles);
                if (r->has_hca_objects)
                        snprintf(o, sizeof(o), "%" PRIu32, r->hca_objects);
                add_fmt(s, "rdma", "rdma.max", "%s hca_handle=%s hca_object=%s", r->device, h, o);
        }
}

/* linux.resources.unified keys: a plain file name whose prefix names its controller.  The
 * parser refuses bad keys already; checked again for resources built some other way. */
static int unified_key(const char *key, char **controller, struct error **err)
{
        const char *why = spec_unified_key_problem(key);
        if (why)
                return error_make(err, 0, "linux.resources.unified[\"%s\"]: %s", key ? key : "", why);
        *controller = xstrndup(key, (size_t)(strchr(key, '.') - key));
        return 0;
}

int cg_convert_v2(const struct spec_resources *res, struct cg_settings *out, struct error **err)
{
        const struct spec_memory *m = &res->memory;
        const struct spec_cpu *c = &res->cpu;
        char buf[64];

        if (memory_checks(m, err) < 0)
                return -1;
        cpuset(out, &res->cpu);
        if (m->has_reservation && m->reservation != 0) {
                mem_value(m->reservation, buf, sizeof(buf), true);
                cg_settings_add(out, "memory", "memory.low", buf);
        }
        if (m->has_limit && m->limit != 0) {
                mem_value(m->limit, buf, sizeof(buf), true);
                cg_settings_add(out, "memory", "memory.max", buf);
        }
        if (m->has_swap && (m->swap != 0 || (m->has_limit && m->limit == -1))) {
                if (swap_v2(m, buf, sizeof(buf), err) < 0)
                        return -1;
                cg_settings_add(out, "memory", "memory.swap.max", buf);
        }
        /* no v2 files: a v1 memory hierarchy (hybrid hosts) is the only place for them */
        if (m->has_swappiness)
                v1_only(out, "memory", "memory.swappiness", "linux.resources.memory.swappiness");
        if (m->has_disable_oom_killer && m->disable_oom_killer)
                v1_only(out, "memory", "memory.oom_control", "linux.resources.memory.disableOOMKiller");
        if (m->has_kernel_tcp && m->kernel_tcp != 0)
                v1_only(out, "memory", "memory.kmem.tcp.limit_in_bytes", "linux.resources.memory.kernelTCP");
        /* v2 is always hierarchical: only asking for the opposite cannot be had */
        if (m->has_use_hierarchy && !m->use_hierarchy)
                v1_only(out, "memory", "memory.use_hierarchy", "linux.resources.memory.useHierarchy");
        if (c->has_shares && c->shares != 0)
                add_fmt(out, "cpu", "cpu.weight", "%" PRIu64, cg_shares_to_weight(c->shares));
        if ((c->has_quota && c->quota != 0) || (c->has_period && c->period != 0)) {
                /* "QUOTA" alone keeps the current period, as runc writes it */
                if (c->has_quota && c->quota > 0)
                        snprintf(buf, sizeof(buf), "%" PRId64, c->quota);
                else
                        snprintf(buf, sizeof(buf), "max");
                if (c->has_period && c->period != 0)
                        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " %" PRIu64, c->period);
                cg_settings_add(out, "cpu", "cpu.max", buf);
        }
        if (c->has_burst)
                add_fmt(out, "cpu", "cpu.max.burst", "%" PRIu64, c->burst);
        if (c->has_idle)
                add_fmt(out, "cpu", "cpu.idle", "%" PRId64, c->idle);
        if ((c->has_realtime_runtime && c->realtime_runtime != 0) ||
            (c->has_realtime_period && c->realtime_period != 0))
                /* no v2 file: the v1 cpu hierarchy (if any) is the only place for it */
                cg_settings_add(out, "cpu_rt", "cpu.rt_runtime_us", "");
        pids(out, &res->pids);
        const struct spec_blkio *b = &res->blkio;
        /* a weight of 0 is "not set" (Docker writes it; runc and crun skip it) */
        if (b->has_weight && b->weight)
                add_fmt(out, "io", "io.weight", "default %" PRIu64, cg_blkio_to_io_weight(b->weight));
        for (size_t i = 0; i < b->n_weight_devices; i++)
                if (b->weight_devices[i].has_weight && b->weight_devices[i].weight)
                        add_fmt(out, "io", "io.weight", "%" PRId64 ":%" PRId64 " %" PRIu64,
                                b->weight_devices[i].major, b->weight_devices[i].minor,
                                cg_blkio_to_io_weight(b->weight_devices[i].weight));
        /* CFQ's leaf weights have no v2 file (and BFQ none at all) */
        bool leaf = b->has_leaf_weight && b->leaf_weight;
        for (size_t i = 0; i < b->n_weight_devices; i++)
                leaf = leaf || (b->weight_devices[i].has_leaf_weight && b->weight_devices[i].leaf_weight);
        if (leaf)
                v1_only(out, "io", "blkio.leaf_weight", "linux.resources.blockIO.leafWeight");
        throttles(out, b->throttle_read_bps, b->n_throttle_read_bps, "rbps", NULL, true);
        throttles(out, b->throttle_write_bps, b->n_throttle_write_bps, "wbps", NULL, true);
        throttles(out, b->throttle_read_iops, b->n_throttle_read_iops, "riops", NULL, true);
        throttles(out, b->throttle_write_iops, b->n_throttle_write_iops, "wiops", NULL, true);
        if (hugepages(out, res, "max", err) < 0)
                return -1;
        rdma(out, res);
        /* net_cls/net_prio have no v2 files: only a v1 hierarchy can take them; classID 0 is
         * not set (runc) */
        if (res->network.has_class_id && res->network.class_id)
                cg_settings_add(out, "net_cls", "net_cls.classid", "");
        if (res->network.n_priorities)
                cg_settings_add(out, "net_prio", "net_prio.ifpriomap", "");
        for (size_t i = 0; i < res->n_unified; i++) {
                cleanup_free char *ctrl = NULL;
                if (unified_key(res->unified[i].key, &ctrl, err) < 0)
                        return -1;
                cg_settings_add(out, ctrl, res->unified[i].key, res->unified[i].value ? res->unified[i].value : "");
                out->v[out->n - 1].verbatim = true;
        }
        return 0;
}

int cg_convert_v1(const struct spec_resources *res, struct cg_settings *out, struct error **err)
{
        const struct spec_memory *m = &res->memory;
        const struct spec_cpu *c = &res->cpu;
        char buf[64];

        if (memory_checks(m, err) < 0)
                return -1;
        cpuset(out, &res->cpu);
        if (m->has_limit && m->limit != 0) {
                mem_value(m->limit, buf, sizeof(buf), false);
                cg_settings_add(out, "memory", "memory.limit_in_bytes", buf);
        }
        if (m->has_swap && m->swap != 0) {
                if (m->swap != -1 && m->has_limit && m->limit > 0 && m->swap < m->limit)
                        return error_make(err, 0, "linux.resources.memory.swap: %" PRId64 " is below "
                                          "memory.limit %" PRId64 " (swap is the memory+swap total)",
                                          m->swap, m->limit);
                mem_value(m->swap, buf, sizeof(buf), false);
                cg_settings_add(out, "memory", "memory.memsw.limit_in_bytes", buf);
        }
        if (m->has_reservation && m->reservation != 0) {
                mem_value(m->reservation, buf, sizeof(buf), false);
                cg_settings_add(out, "memory", "memory.soft_limit_in_bytes", buf);
        }
        if (m->has_swappiness)
                add_fmt(out, "memory", "memory.swappiness", "%" PRIu64, m->swappiness);
        if (m->has_disable_oom_killer && m->disable_oom_killer)
                cg_settings_add(out, "memory", "memory.oom_control", "1");
        if (m->has_kernel_tcp && m->kernel_tcp != 0) {
                mem_value(m->kernel_tcp, buf, sizeof(buf), false);
                cg_settings_add(out, "memory", "memory.kmem.tcp.limit_in_bytes", buf);
        }
        if (m->has_use_hierarchy)
                cg_settings_add(out, "memory", "memory.use_hierarchy", m->use_hierarchy ? "1" : "0");
        if (c->has_shares && c->shares != 0)
                add_fmt(out, "cpu", "cpu.shares", "%" PRIu64, c->shares);
        /* the period first: the kernel checks the quota against it */
        if (c->has_period && c->period != 0)
                add_fmt(out, "cpu", "cpu.cfs_period_us", "%" PRIu64, c->period);
        if (c->has_quota && c->quota != 0)
                add_fmt(out, "cpu", "cpu.cfs_quota_us", "%" PRId64, c->quota > 0 ? c->quota : -1);
        if (c->has_burst)
                add_fmt(out, "cpu", "cpu.cfs_burst_us", "%" PRIu64, c->burst);
        if (c->has_realtime_period && c->realtime_period != 0)
                add_fmt(out, "cpu", "cpu.rt_period_us", "%" PRIu64, c->realtime_period);
        if (c->has_realtime_runtime && c->realtime_runtime != 0)
                add_fmt(out, "cpu", "cpu.rt_runtime_us", "%" PRId64, c->realtime_runtime);
        if (c->has_idle)
                add_fmt(out, "cpu", "cpu.idle", "%" PRId64, c->idle);
        pids(out, &res->pids);
        const struct spec_blkio *b = &res->blkio;
        if (b->has_weight && b->weight)
                add_fmt(out, "blkio", "blkio.weight", "%" PRIu16, b->weight);
        if (b->has_leaf_weight && b->leaf_weight)
                add_fmt(out, "blkio", "blkio.leaf_weight", "%" PRIu16, b->leaf_weight);
        for (size_t i = 0; i < b->n_weight_devices; i++) {
                const struct spec_blkio_weight_device *d = &b->weight_devices[i];
                if (d->has_weight && d->weight)
                        add_fmt(out, "blkio", "blkio.weight_device", "%" PRId64 ":%" PRId64 " %" PRIu16,
                                d->major, d->minor, d->weight);
                if (d->has_leaf_weight && d->leaf_weight)
                        add_fmt(out, "blkio", "blkio.leaf_weight_device", "%" PRId64 ":%" PRId64 " %" PRIu16,
                                d->major, d->minor, d->leaf_weight);
        }
        throttles(out, b->throttle_read_bps, b->n_throttle_read_bps, NULL, "blkio.throttle.read_bps_device", false);
        throttles(out, b->throttle_write_bps, b->n_throttle_write_bps, NULL, "blkio.throttle.write_bps_device", false);
        throttles(out, b->throttle_read_iops, b->n_throttle_read_iops, NULL, "blkio.throttle.read_iops_device", false);
        throttles(out, b->throttle_write_iops, b->n_throttle_write_iops, NULL, "blkio.throttle.write_iops_device", false);
        if (hugepages(out, res, "limit_in_bytes", err) < 0)
                return -1;
        rdma(out, res);
        if (res->network.has_class_id && res->network.class_id)
                add_fmt(out, "net_cls", "net_cls.classid", "%" PRIu32, res->network.class_id);
        for (size_t i = 0; i < res->network.n_priorities; i++)
                add_fmt(out, "net_prio", "net_prio.ifpriomap", "%s %" PRIu32,
                        res->network.priorities[i].name, res->network.priorities[i].priority);
        return 0;
}
