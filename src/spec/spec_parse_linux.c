/* config.json's "linux" object → struct spec_linux: namespaces, id mappings, devices,
 * cgroup resources, seccomp, intelRdt and the rest, checked like the top level. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "spec_internal.h"

/* Go's tools write "" for a string that is not set (omitempty is not everywhere), and runc and
 * crun read "" as absent. */
static void empty_is_unset(char **s)
{
        if (*s && !**s) {
                free(*s);
                *s = NULL;
        }
}

/* An optional absolute path where "" means not set. */
static int optional_path(struct pctx *p, const struct json *v, const char *key, char **out)
{
        const struct json *s = pc_field(v, key);
        if (s && json_string(s) && !*json_string(s))
                return 0;
        return pc_string(p, v, key, F_ABSOLUTE, out);
}

static int parse_namespace(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_namespace *ns = elem;
        cleanup_free char *type = NULL;

        if (pc_string(p, v, "type", F_REQUIRED, &type) < 0)
                return -1;
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                if (strcmp(ns_type_name(t), type) == 0) {
                        ns->type = t;
                        return optional_path(p, v, "path", &ns->path);
                }
        cleanup_free char *q = json_quote(type, 64);
        pc_key(p, "type");
        return pc_fail(p, "unknown namespace type %s (pid, network, mount, ipc, uts, user, cgroup or time)", q);
}

static int parse_namespaces(struct pctx *p, const struct json *v, struct spec_linux *l)
{
        if (PC_OBJECT_ARRAY(p, v, "namespaces", 0, l->namespaces, l->n_namespaces, parse_namespace) < 0)
                return -1;
        for (size_t i = 0; i < l->n_namespaces; i++)
                for (size_t j = 0; j < i; j++)
                        if (l->namespaces[i].type == l->namespaces[j].type) {
                                pc_key(p, "namespaces");
                                pc_index(p, i);
                                return pc_fail(p, "duplicate namespace type \"%s\" (also namespaces[%zu])",
                                               ns_type_name(l->namespaces[i].type), j);
                        }
        return 0;
}

static int parse_time_offset(struct pctx *p, const struct json *v, struct spec_time_offset *t)
{
        t->present = true;
        return pc_int64(p, v, "secs", 0, NULL, &t->secs, INT64_MIN, INT64_MAX) < 0 ||
                       pc_uint32(p, v, "nanosecs", 0, NULL, &t->nanosecs) < 0
               ? -1 : 0;
}

static int parse_time_offsets(struct pctx *p, const struct json *v, struct spec_linux *l)
{
        const struct json *offs;

        if (pc_object(p, v, "timeOffsets", 0, &offs) < 0)
                return -1;
        if (!offs)
                return 0;
        size_t m = pc_key(p, "timeOffsets");
        for (size_t i = 0; i < json_object_size(offs); i++) {
                const char *clock = json_object_key(offs, i);
                const struct json *o = json_object_value(offs, i);
                struct spec_time_offset *t;
                if (strcmp(clock, "monotonic") == 0)
                        t = &l->time_offset_monotonic;
                else if (strcmp(clock, "boottime") == 0)
                        t = &l->time_offset_boottime;
                else {
                        pc_mapkey(p, clock);
                        return pc_fail(p, "unknown clock (only monotonic and boottime can be offset)");
                }
                size_t mk = pc_key(p, clock);
                if (json_type(o) != JSON_OBJECT)
                        return pc_type_error(p, o, "an object");
                if (parse_time_offset(p, o, t) < 0)
                        return -1;
                pc_pop(p, mk);
        }
        pc_pop(p, m);
        return 0;
}

/* podman and runc's specconv pass a device's whole st_mode (8630 = S_IFCHR|0666), runc and
 * crun use only its permission bits: keep those, and refuse type bits that name another kind
 * of node than "type" does. */
static int device_file_mode(struct pctx *p, struct spec_device *d)
{
        uint32_t fmt = d->file_mode & S_IFMT;
        bool ok = fmt == 0 || (fmt == S_IFCHR && (d->type == 'c' || d->type == 'u')) ||
                  (fmt == S_IFBLK && d->type == 'b') || (fmt == S_IFIFO && d->type == 'p');

        if (!ok || (d->file_mode & ~(uint32_t)(S_IFMT | 07777))) {
                pc_key(p, "fileMode");
                return pc_fail(p, "%u (0%o) is not a permission mode (0..07777) or the st_mode "
                               "of a \"%c\" device", d->file_mode, d->file_mode, d->type);
        }
        d->file_mode &= 07777;
        return 0;
}

static int parse_device(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_device *d = elem;
        cleanup_free char *type = NULL;

        if (pc_string(p, v, "path", F_REQUIRED | F_ABSOLUTE, &d->path) < 0 ||
            pc_string(p, v, "type", F_REQUIRED, &type) < 0)
                return -1;
        if (strlen(type) != 1 || !strchr("cbup", type[0])) {
                cleanup_free char *q = json_quote(type, 64);
                pc_key(p, "type");
                return pc_fail(p, "unknown device type %s (c, b, u or p)", q);
        }
        d->type = type[0];
        /* a fifo has no numbers; every other device needs both */
        int need = d->type == 'p' ? 0 : F_REQUIRED;
        if (pc_int64(p, v, "major", need, NULL, &d->major, 0, INT64_MAX) < 0 ||
            pc_int64(p, v, "minor", need, NULL, &d->minor, 0, INT64_MAX) < 0 ||
            pc_uint32(p, v, "fileMode", 0, &d->has_file_mode, &d->file_mode) < 0 ||
            pc_uint32(p, v, "uid", 0, &d->has_uid, &d->uid) < 0 ||
            pc_uint32(p, v, "gid", 0, &d->has_gid, &d->gid) < 0)
                return -1;
        if (d->has_file_mode)
                return device_file_mode(p, d);
        return 0;
}

static int parse_device_rule(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_device_rule *r = elem;
        cleanup_free char *type = NULL;

        if (pc_bool(p, v, "allow", F_REQUIRED, NULL, &r->allow) < 0 ||
            pc_string(p, v, "type", 0, &type) < 0)
                return -1;
        r->type = 'a';
        empty_is_unset(&type);  /* runc: "" is every type */
        if (type) {
                if (strlen(type) != 1 || !strchr("acb", type[0])) {
                        cleanup_free char *q = json_quote(type, 64);
                        pc_key(p, "type");
                        return pc_fail(p, "unknown device type %s (a, c or b)", q);
                }
                r->type = type[0];
        }
        if (pc_int64(p, v, "major", 0, &r->has_major, &r->major, -1, INT64_MAX) < 0 ||
            pc_int64(p, v, "minor", 0, &r->has_minor, &r->minor, -1, INT64_MAX) < 0 ||
            pc_string(p, v, "access", 0, &r->access) < 0)
                return -1;
        /* Go's tools write -1 for "any" */
        if (r->has_major && r->major < 0)
                r->has_major = false;
        if (r->has_minor && r->minor < 0)
                r->has_minor = false;
        if (r->access && r->access[strspn(r->access, "rwm")]) {
                cleanup_free char *q = json_quote(r->access, 64);
                pc_key(p, "access");
                return pc_fail(p, "%s is not a combination of r, w and m", q);
        }
        return 0;
}

/* Docker (API < 1.40 clients) sends MemorySwappiness -1 as the uint64 18446744073709551615:
 * runc and crun leave swappiness alone for it; above 100 is an error there too. */
static int parse_swappiness(struct pctx *p, const struct json *v, struct spec_memory *m)
{
        if (pc_uint64(p, v, "swappiness", 0, &m->has_swappiness, &m->swappiness, UINT64_MAX) < 0)
                return -1;
        if (!m->has_swappiness || m->swappiness <= 100)
                return 0;
        if (m->swappiness == UINT64_MAX) {
                m->has_swappiness = false;
                return 0;
        }
        pc_key(p, "swappiness");
        return pc_fail(p, "%" PRIu64 " is out of range (0..100)", m->swappiness);
}

static int parse_memory(struct pctx *p, const struct json *v, struct spec_memory *m)
{
        return pc_int64(p, v, "limit", 0, &m->has_limit, &m->limit, -1, INT64_MAX) < 0 ||
               pc_int64(p, v, "reservation", 0, &m->has_reservation, &m->reservation, -1, INT64_MAX) < 0 ||
               pc_int64(p, v, "swap", 0, &m->has_swap, &m->swap, -1, INT64_MAX) < 0 ||
               pc_int64(p, v, "kernel", 0, &m->has_kernel, &m->kernel, -1, INT64_MAX) < 0 ||
               pc_int64(p, v, "kernelTCP", 0, &m->has_kernel_tcp, &m->kernel_tcp, -1, INT64_MAX) < 0 ||
               parse_swappiness(p, v, m) < 0 ||
               pc_bool(p, v, "disableOOMKiller", 0, &m->has_disable_oom_killer, &m->disable_oom_killer) < 0 ||
               pc_bool(p, v, "useHierarchy", 0, &m->has_use_hierarchy, &m->use_hierarchy) < 0 ||
               pc_bool(p, v, "checkBeforeUpdate", 0, &m->has_check_before_update, &m->check_before_update) < 0
               ? -1 : 0;
}

static int parse_cpu(struct pctx *p, const struct json *v, struct spec_cpu *c)
{
        int r = pc_uint64(p, v, "shares", 0, &c->has_shares, &c->shares, UINT64_MAX) < 0 ||
               pc_int64(p, v, "quota", 0, &c->has_quota, &c->quota, INT64_MIN, INT64_MAX) < 0 ||
               pc_uint64(p, v, "burst", 0, &c->has_burst, &c->burst, UINT64_MAX) < 0 ||
               pc_uint64(p, v, "period", 0, &c->has_period, &c->period, UINT64_MAX) < 0 ||
               pc_int64(p, v, "realtimeRuntime", 0, &c->has_realtime_runtime, &c->realtime_runtime, INT64_MIN, INT64_MAX) < 0 ||
               pc_uint64(p, v, "realtimePeriod", 0, &c->has_realtime_period, &c->realtime_period, UINT64_MAX) < 0 ||
               pc_string(p, v, "cpus", 0, &c->cpus) < 0 ||
               pc_string(p, v, "mems", 0, &c->mems) < 0 ||
               pc_int64(p, v, "idle", 0, &c->has_idle, &c->idle, INT64_MIN, INT64_MAX) < 0
               ? -1 : 0;
        empty_is_unset(&c->cpus);
        empty_is_unset(&c->mems);
        return r;
}

/* Negative is unlimited.  0 was "no limit" (runc skips it) until runtime-spec 1.3.0, which
 * made it a real limit of 0 tasks: the struct keeps only the meaning, -1 for unlimited. */
static int parse_pids(struct pctx *p, const struct json *v, struct spec_pids *pids)
{
        if (pc_int64(p, v, "limit", 0, &pids->has_limit, &pids->limit, INT64_MIN, INT64_MAX) < 0)
                return -1;
        if (pids->has_limit && (pids->limit < 0 ||
                                (pids->limit == 0 && !spec_version_at_least(p->oci_version, 1, 3))))
                pids->limit = -1;
        return 0;
}

static int parse_blkio_weight(struct pctx *p, const struct json *v, const char *key, bool *has,
                              uint16_t *out)
{
        int64_t w;

        /* Docker writes 0 for "not set" (runc and crun skip a 0 weight) */
        if (pc_int64(p, v, key, 0, has, &w, 0, 1000) < 0)
                return -1;
        if (*has && w == 0) {
                *has = false;
                return 0;
        }
        if (*has && w < 10) {
                pc_key(p, key);
                return pc_fail(p, "%" PRId64 " is out of range (10..1000), 0 means not set", w);
        }
        if (*has)
                *out = (uint16_t)w;
        return 0;
}

static int parse_weight_device(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_blkio_weight_device *d = elem;

        return pc_int64(p, v, "major", F_REQUIRED, NULL, &d->major, 0, INT64_MAX) < 0 ||
               pc_int64(p, v, "minor", F_REQUIRED, NULL, &d->minor, 0, INT64_MAX) < 0 ||
               parse_blkio_weight(p, v, "weight", &d->has_weight, &d->weight) < 0 ||
               parse_blkio_weight(p, v, "leafWeight", &d->has_leaf_weight, &d->leaf_weight) < 0
               ? -1 : 0;
}

static int parse_throttle(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_blkio_throttle *t = elem;

        return pc_int64(p, v, "major", F_REQUIRED, NULL, &t->major, 0, INT64_MAX) < 0 ||
               pc_int64(p, v, "minor", F_REQUIRED, NULL, &t->minor, 0, INT64_MAX) < 0 ||
               pc_uint64(p, v, "rate", F_REQUIRED, NULL, &t->rate, UINT64_MAX) < 0
               ? -1 : 0;
}

static int parse_blkio(struct pctx *p, const struct json *v, struct spec_blkio *b)
{
        return parse_blkio_weight(p, v, "weight", &b->has_weight, &b->weight) < 0 ||
               parse_blkio_weight(p, v, "leafWeight", &b->has_leaf_weight, &b->leaf_weight) < 0 ||
               PC_OBJECT_ARRAY(p, v, "weightDevice", 0, b->weight_devices, b->n_weight_devices, parse_weight_device) < 0 ||
               PC_OBJECT_ARRAY(p, v, "throttleReadBpsDevice", 0, b->throttle_read_bps, b->n_throttle_read_bps, parse_throttle) < 0 ||
               PC_OBJECT_ARRAY(p, v, "throttleWriteBpsDevice", 0, b->throttle_write_bps, b->n_throttle_write_bps, parse_throttle) < 0 ||
               PC_OBJECT_ARRAY(p, v, "throttleReadIOPSDevice", 0, b->throttle_read_iops, b->n_throttle_read_iops, parse_throttle) < 0 ||
               PC_OBJECT_ARRAY(p, v, "throttleWriteIOPSDevice", 0, b->throttle_write_iops, b->n_throttle_write_iops, parse_throttle) < 0
               ? -1 : 0;
}

static int parse_hugepage_limit(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_hugepage_limit *h = elem;

        return pc_string(p, v, "pageSize", F_REQUIRED | F_NONEMPTY, &h->page_size) < 0 ||
               pc_uint64(p, v, "limit", F_REQUIRED, NULL, &h->limit, UINT64_MAX) < 0
               ? -1 : 0;
}

static int parse_net_priority(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_net_priority *n = elem;

        return pc_string(p, v, "name", F_REQUIRED | F_NONEMPTY, &n->name) < 0 ||
               pc_uint32(p, v, "priority", F_REQUIRED, NULL, &n->priority) < 0
               ? -1 : 0;
}

static int parse_network(struct pctx *p, const struct json *v, struct spec_network *n)
{
        return pc_uint32(p, v, "classID", 0, &n->has_class_id, &n->class_id) < 0 ||
               PC_OBJECT_ARRAY(p, v, "priorities", 0, n->priorities, n->n_priorities, parse_net_priority) < 0
               ? -1 : 0;
}

static int parse_rdma(struct pctx *p, const struct json *v, struct spec_resources *r)
{
        const struct json *map;

        if (pc_object(p, v, "rdma", 0, &map) < 0)
                return -1;
        if (!map)
                return 0;
        size_t m = pc_key(p, "rdma");
        r->n_rdma = json_object_size(map);
        r->rdma = xcalloc(r->n_rdma ? r->n_rdma : 1, sizeof(*r->rdma));
        for (size_t i = 0; i < r->n_rdma; i++) {
                const struct json *o = json_object_value(map, i);
                struct spec_rdma *d = &r->rdma[i];
                size_t mk = pc_mapkey(p, json_object_key(map, i));
                if (json_type(o) != JSON_OBJECT)
                        return pc_type_error(p, o, "an object");
                d->device = xstrdup(json_object_key(map, i));
                if (pc_uint32(p, o, "hcaHandles", 0, &d->has_hca_handles, &d->hca_handles) < 0 ||
                    pc_uint32(p, o, "hcaObjects", 0, &d->has_hca_objects, &d->hca_objects) < 0)
                        return -1;
                pc_pop(p, mk);
        }
        pc_pop(p, m);
        return 0;
}

/* Parses obj[key] (an optional object) with fn, the path at key. */
#define PC_SUB(p, obj, key, fn, dst) ({                                                 \
        const struct json *o_;                                                          \
        int r_ = pc_object((p), (obj), (key), 0, &o_);                                  \
        if (r_ == 0 && o_) {                                                            \
                size_t m_ = pc_key((p), (key));                                         \
                r_ = fn((p), o_, (dst));                                                \
                if (r_ == 0)                                                            \
                        pc_pop((p), m_);                                                \
        }                                                                               \
        r_;                                                                             \
})

static int parse_resources(struct pctx *p, const struct json *v, struct spec_resources *r)
{
        r->present = true;
        return PC_OBJECT_ARRAY(p, v, "devices", 0, r->devices, r->n_devices, parse_device_rule) < 0 ||
               PC_SUB(p, v, "memory", parse_memory, &r->memory) < 0 ||
               PC_SUB(p, v, "cpu", parse_cpu, &r->cpu) < 0 ||
               PC_SUB(p, v, "pids", parse_pids, &r->pids) < 0 ||
               PC_SUB(p, v, "blockIO", parse_blkio, &r->blkio) < 0 ||
               PC_OBJECT_ARRAY(p, v, "hugepageLimits", 0, r->hugepage_limits, r->n_hugepage_limits, parse_hugepage_limit) < 0 ||
               PC_SUB(p, v, "network", parse_network, &r->network) < 0 ||
               parse_rdma(p, v, r) < 0 ||
               parse_unified(p, v, r) < 0
               ? -1 : 0;
}

static int parse_intel_rdt(struct pctx *p, const struct json *v, struct spec_intel_rdt *i)
{
        i->present = true;
        if (pc_string(p, v, "closID", 0, &i->clos_id) < 0 ||
            pc_strv(p, v, "schemata", 0, F_NONEMPTY, &i->schemata) < 0 ||
            pc_string(p, v, "l3CacheSchema", 0, &i->l3_cache_schema) < 0 ||
            pc_string(p, v, "memBwSchema", 0, &i->mem_bw_schema) < 0 ||
            pc_bool(p, v, "enableCMT", 0, NULL, &i->enable_cmt) < 0 ||
            pc_bool(p, v, "enableMBM", 0, NULL, &i->enable_mbm) < 0 ||
            pc_bool(p, v, "enableMonitoring", 0, NULL, &i->enable_monitoring) < 0)
                return -1;
        empty_is_unset(&i->clos_id);
        /* the group is a directory of the resctrl root: one plain name */
        if (i->clos_id && (strchr(i->clos_id, '/') || strcmp(i->clos_id, ".") == 0 ||
                           strcmp(i->clos_id, "..") == 0 || strcmp(i->clos_id, "info") == 0 ||
                           strcmp(i->clos_id, "mon_groups") == 0)) {
                cleanup_free char *q = json_quote(i->clos_id, 64);
                pc_key(p, "closID");
                return pc_fail(p, "%s is not a resctrl group name", q);
        }
        return 0;
}

static int parse_action(struct pctx *p, const struct json *v, const char *key, enum seccomp_action *out)
{
        cleanup_free char *name = NULL;

        if (pc_string(p, v, key, F_REQUIRED, &name) < 0)
                return -1;
        if (spec_seccomp_action_from_name(name, out) == 0)
                return 0;
        cleanup_free char *q = json_quote(name, 64);
        pc_key(p, key);
        return pc_fail(p, "unknown seccomp action %s", q);
}

static int parse_seccomp_arg(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_seccomp_arg *a = elem;
        cleanup_free char *op = NULL;
        uint64_t index;

        if (pc_uint64(p, v, "index", F_REQUIRED, NULL, &index, 5) < 0 ||
            pc_uint64(p, v, "value", F_REQUIRED, NULL, &a->value, UINT64_MAX) < 0 ||
            pc_uint64(p, v, "valueTwo", 0, NULL, &a->value_two, UINT64_MAX) < 0 ||
            pc_string(p, v, "op", F_REQUIRED, &op) < 0)
                return -1;
        a->index = (uint32_t)index;
        if (spec_seccomp_op_from_name(op, &a->op) < 0) {
                cleanup_free char *q = json_quote(op, 64);
                pc_key(p, "op");
                return pc_fail(p, "unknown seccomp operator %s", q);
        }
        return 0;
}

/* runtime-spec config-linux.md, seccomp: errnoRet/defaultErrnoRet only go with an action that
 * returns an errno (SCMP_ACT_ERRNO, SCMP_ACT_TRACE); with any other it is an error. */
static int check_errno_action(struct pctx *p, const char *key, bool has, enum seccomp_action a)
{
        if (!has || a == SECCOMP_ACT_ERRNO || a == SECCOMP_ACT_TRACE)
                return 0;
        pc_key(p, key);
        return pc_fail(p, "%s returns no errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one)",
                       spec_seccomp_action_name(a));
}

static int parse_seccomp_syscall(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_seccomp_syscall *sc = elem;

        return pc_strv(p, v, "names", F_REQUIRED | F_NONEMPTY, F_NONEMPTY, &sc->names) < 0 ||
               parse_action(p, v, "action", &sc->action) < 0 ||
               pc_uint32(p, v, "errnoRet", 0, &sc->has_errno_ret, &sc->errno_ret) < 0 ||
               check_errno_action(p, "errnoRet", sc->has_errno_ret, sc->action) < 0 ||
               PC_OBJECT_ARRAY(p, v, "args", 0, sc->args, sc->n_args, parse_seccomp_arg) < 0
               ? -1 : 0;
}

/* Every element of names must satisfy known(); the message says what kind of name failed. */
static int check_names(struct pctx *p, const char *key, char **names, bool (*known)(const char *),
                       const char *what)
{
        for (size_t i = 0; names && names[i]; i++) {
                if (known(names[i]))
                        continue;
                cleanup_free char *q = json_quote(names[i], 64);
                pc_key(p, key);
                pc_index(p, i);
                return pc_fail(p, "unknown %s %s", what, q);
        }
        return 0;
}

/* runc and crun read a seccomp object with neither defaultAction nor syscalls as "no
 * filter" ({} or Go's zero LinuxSeccomp). */
static bool seccomp_empty(const struct json *v)
{
        const struct json *action = pc_field(v, "defaultAction");
        const struct json *calls = pc_field(v, "syscalls");
        return (!action || (json_string(action) && !*json_string(action))) &&
               (!calls || (json_type(calls) == JSON_ARRAY && json_array_size(calls) == 0));
}

/* runtime-spec: listenerMetadata MUST NOT be set if listenerPath is not set. */
static int metadata_needs_listener(struct pctx *p, const struct spec_seccomp *sc)
{
        if (!sc->listener_metadata || !*sc->listener_metadata || sc->listener_path)
                return 0;
        size_t m = pc_key(p, "listenerMetadata");
        pc_fail(p, "set without listenerPath");
        pc_pop(p, m);
        return -1;
}

static int parse_seccomp(struct pctx *p, const struct json *v, struct spec_seccomp *sc)
{
        if (seccomp_empty(v))
                return 0;
        sc->present = true;
        return parse_action(p, v, "defaultAction", &sc->default_action) < 0 ||
               pc_uint32(p, v, "defaultErrnoRet", 0, &sc->has_default_errno_ret, &sc->default_errno_ret) < 0 ||
               check_errno_action(p, "defaultErrnoRet", sc->has_default_errno_ret, sc->default_action) < 0 ||
               pc_strv(p, v, "architectures", 0, 0, &sc->architectures) < 0 ||
               check_names(p, "architectures", sc->architectures, spec_seccomp_arch_known, "seccomp architecture") < 0 ||
               pc_strv(p, v, "flags", 0, 0, &sc->flags) < 0 ||
               check_names(p, "flags", sc->flags, spec_seccomp_flag_known, "seccomp flag") < 0 ||
               optional_path(p, v, "listenerPath", &sc->listener_path) < 0 ||
               pc_string(p, v, "listenerMetadata", 0, &sc->listener_metadata) < 0 ||
               metadata_needs_listener(p, sc) < 0 ||
               PC_OBJECT_ARRAY(p, v, "syscalls", 0, sc->syscalls, sc->n_syscalls, parse_seccomp_syscall) < 0
               ? -1 : 0;
}

static bool domain_known(const char *d)
{
        return strcmp(d, "LINUX") == 0 || strcmp(d, "LINUX32") == 0;
}

static int parse_personality(struct pctx *p, const struct json *v, struct spec_personality *pe)
{
        pe->present = true;
        if (pc_string(p, v, "domain", F_REQUIRED, &pe->domain) < 0)
                return -1;
        if (!domain_known(pe->domain)) {
                cleanup_free char *q = json_quote(pe->domain, 64);
                pc_key(p, "domain");
                return pc_fail(p, "unknown personality domain %s (LINUX or LINUX32)", q);
        }
        return pc_strv(p, v, "flags", 0, 0, &pe->flags);
}

static int parse_memory_policy(struct pctx *p, const struct json *v, struct spec_memory_policy *mp)
{
        enum mempolicy_nodes nodes;
        unsigned allowed;

        mp->present = true;
        if (pc_string(p, v, "mode", F_REQUIRED, &mp->mode) < 0 ||
            pc_string(p, v, "nodes", 0, &mp->nodes) < 0 ||
            pc_strv(p, v, "flags", 0, 0, &mp->flags) < 0)
                return -1;
        empty_is_unset(&mp->nodes);
        if (mempolicy_mode_from_name(mp->mode, &mp->mode_value, &nodes, &allowed) < 0) {
                cleanup_free char *q = json_quote(mp->mode, 64);
                pc_key(p, "mode");
                return pc_fail(p, "unknown memory policy mode %s (MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, "
                               "MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY or MPOL_LOCAL)", q);
        }
        if (mp->nodes) {
                unsigned long mask[SPEC_MAX_NUMA_NODES / (8 * sizeof(unsigned long))];
                if (id_list_parse(mp->nodes, mask, SPEC_MAX_NUMA_NODES) < 0) {
                        cleanup_free char *q = json_quote(mp->nodes, 64);
                        pc_key(p, "nodes");
                        if (errno == ERANGE)
                                return pc_fail(p, "%s names a node above %d", q, SPEC_MAX_NUMA_NODES - 1);
                        return pc_fail(p, "%s is not a node list like \"0-3,7\"", q);
                }
                if (nodes == MPOL_NODES_NONE) {
                        pc_key(p, "nodes");
                        return pc_fail(p, "%s takes no nodes", mp->mode);
                }
        } else if (nodes == MPOL_NODES_REQUIRED) {
                pc_key(p, "nodes");
                return pc_fail(p, "%s needs a node list", mp->mode);
        }
        for (size_t i = 0; mp->flags && mp->flags[i]; i++) {
                unsigned f;
                size_t m = pc_key(p, "flags");
                pc_index(p, i);
                if (mempolicy_flag_from_name(mp->flags[i], &f) < 0) {
                        cleanup_free char *q = json_quote(mp->flags[i], 64);
                        return pc_fail(p, "unknown memory policy flag %s (MPOL_F_STATIC_NODES, "
                                       "MPOL_F_RELATIVE_NODES or MPOL_F_NUMA_BALANCING)", q);
                }
                if (!(allowed & f))
                        return pc_fail(p, "%s does not take %s", mp->mode, mp->flags[i]);
                mp->flags_value |= f;
                pc_pop(p, m);
        }
        if ((mp->flags_value & MPOL_FLAG_STATIC_NODES) && (mp->flags_value & MPOL_FLAG_RELATIVE_NODES)) {
                pc_key(p, "flags");
                return pc_fail(p, "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
        }
        return 0;
}

/* What the kernel takes as an interface name (dev_valid_name): 1..15 bytes, not "." or "..",
 * no '/', ':' or white space. */
static bool ifname_valid(const char *s)
{
        if (!*s || strlen(s) >= 16 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
                return false;
        for (; *s; s++)
                if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
                        return false;
        return true;
}

static int parse_net_devices(struct pctx *p, const struct json *v, struct spec_linux *l)
{
        const struct json *map;

        if (pc_object(p, v, "netDevices", 0, &map) < 0)
                return -1;
        if (!map)
                return 0;
        size_t m = pc_key(p, "netDevices");
        l->n_net_devices = json_object_size(map);
        l->net_devices = xcalloc(l->n_net_devices ? l->n_net_devices : 1, sizeof(*l->net_devices));
        for (size_t i = 0; i < l->n_net_devices; i++) {
                const char *key = json_object_key(map, i);
                const struct json *o = json_object_value(map, i);
                struct spec_net_device *d = &l->net_devices[i];
                size_t mk = pc_mapkey(p, key);
                d->host_name = xstrdup(key);
                if (!ifname_valid(key))
                        return pc_fail(p, "not an interface name (1 to 15 characters, no '/', ':' or space)");
                if (json_type(o) != JSON_OBJECT)
                        return pc_type_error(p, o, "an object");
                if (pc_string(p, o, "name", 0, &d->name) < 0)
                        return -1;
                empty_is_unset(&d->name);
                if (d->name && !ifname_valid(d->name)) {
                        cleanup_free char *q = json_quote(d->name, 64);
                        pc_key(p, "name");
                        return pc_fail(p, "%s is not an interface name (1 to 15 characters, no '/', ':' or space)", q);
                }
                for (size_t j = 0; j < i; j++) {
                        const struct spec_net_device *e = &l->net_devices[j];
                        const char *mine = d->name ? d->name : d->host_name;
                        if (strcmp(e->name ? e->name : e->host_name, mine) == 0)
                                return pc_fail(p, "two devices would be named \"%s\" in the container", mine);
                }
                pc_pop(p, mk);
        }
        /* the devices leave the runtime's namespace: they need one of the container's own */
        const struct spec_namespace *net = NULL;
        for (size_t i = 0; i < l->n_namespaces; i++)
                if (l->namespaces[i].type == NS_NETWORK)
                        net = &l->namespaces[i];
        if (l->n_net_devices && !net)
                return pc_fail(p, "moving devices needs a network namespace in linux.namespaces");
        pc_pop(p, m);
        return 0;
}

int parse_linux(struct pctx *p, const struct json *v, struct spec_linux *l)
{
        l->present = true;
        if (parse_namespaces(p, v, l) < 0 ||
            PC_OBJECT_ARRAY(p, v, "uidMappings", 0, l->uid_mappings, l->n_uid_mappings, parse_id_mapping) < 0 ||
            PC_OBJECT_ARRAY(p, v, "gidMappings", 0, l->gid_mappings, l->n_gid_mappings, parse_id_mapping) < 0 ||
            parse_time_offsets(p, v, l) < 0 ||
            PC_OBJECT_ARRAY(p, v, "devices", 0, l->devices, l->n_devices, parse_device) < 0 ||
            pc_string(p, v, "cgroupsPath", 0, &l->cgroups_path) < 0 ||
            PC_SUB(p, v, "resources", parse_resources, &l->resources) < 0 ||
            PC_SUB(p, v, "intelRdt", parse_intel_rdt, &l->intel_rdt) < 0 ||
            pc_string_map(p, v, "sysctl", &l->sysctl, &l->n_sysctl) < 0 ||
            PC_SUB(p, v, "seccomp", parse_seccomp, &l->seccomp) < 0 ||
            pc_string(p, v, "rootfsPropagation", 0, &l->rootfs_propagation) < 0 ||
            pc_strv(p, v, "maskedPaths", 0, F_ABSOLUTE, &l->masked_paths) < 0 ||
            pc_strv(p, v, "readonlyPaths", 0, F_ABSOLUTE, &l->readonly_paths) < 0 ||
            pc_string(p, v, "mountLabel", 0, &l->mount_label) < 0 ||
            PC_SUB(p, v, "personality", parse_personality, &l->personality) < 0 ||
            PC_SUB(p, v, "memoryPolicy", parse_memory_policy, &l->memory_policy) < 0 ||
            parse_net_devices(p, v, l) < 0)
                return -1;
        if (l->rootfs_propagation && !*l->rootfs_propagation) {
                /* Go's tools write "" for "not set" */
                free(l->rootfs_propagation);
                l->rootfs_propagation = NULL;
        }
        if (l->rootfs_propagation && !propagation_known(l->rootfs_propagation)) {
                cleanup_free char *q = json_quote(l->rootfs_propagation, 64);
                pc_key(p, "rootfsPropagation");
                return pc_fail(p, "unknown propagation %s (private, shared, slave, unbindable or their r- forms)", q);
        }
        return 0;
}
