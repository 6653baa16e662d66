/* What the systemd manager asks of systemd, worked out without talking to it: the scope's name
 * and slice from a "slice:prefix:name" cgroupsPath, the slice's place in the tree, and the
 * unit properties that stand for cgroup v2 files.  Pure: unit-tested. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "contain/util.h"
#include "systemd.h"

void cg_unit_props_free(struct cg_unit_props *p)
{
        for (size_t i = 0; i < p->n; i++)
                free(p->v[i].bytes);
        free(p->v);
        p->v = NULL;
        p->n = 0;
}

/* a later value for the same property replaces the earlier one (unified after memory.limit) */
static struct cg_unit_prop *prop_slot(struct cg_unit_props *p, const char *name)
{
        for (size_t i = 0; i < p->n; i++)
                if (strcmp(p->v[i].name, name) == 0) {
                        free(p->v[i].bytes);
                        p->v[i] = (struct cg_unit_prop){ .name = p->v[i].name };
                        return &p->v[i];
                }
        p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
        p->v[p->n] = (struct cg_unit_prop){ .name = name };
        return &p->v[p->n++];
}

static void prop_u64(struct cg_unit_props *p, const char *name, uint64_t v)
{
        struct cg_unit_prop *s = prop_slot(p, name);
        s->type = 't';
        s->u = v;
}

/* "max" -> UINT64_MAX (systemd's infinity), else a number */
static int u64_or_max(const char *file, const char *v, uint64_t *out, struct error **err)
{
        if (strcmp(v, "max") == 0) {
                *out = UINT64_MAX;
                return 0;
        }
        char *end;
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno || end == v || (*end && *end != '\n') || *v == '-')
                return error_make(err, EINVAL, "%s: '%s' is not a number or \"max\"", file, v);
        *out = n;
        return 0;
}

int cg_cpuset_mask(const char *list, uint8_t **bytes, size_t *n, struct error **err)
{
        cleanup_free uint8_t *mask = NULL;
        size_t len = 0;
        cleanup_free char *copy = xstrdup(list);
        char *save = NULL;
        for (char *r = strtok_r(copy, ",\n ", &save); r; r = strtok_r(NULL, ",\n ", &save)) {
                char *end;
                errno = 0;
                unsigned long lo = strtoul(r, &end, 10), hi = lo;
                if (!errno && *end == '-')
                        hi = strtoul(end + 1, &end, 10);
                if (errno || *end || end == r || *r == '-' || hi < lo || hi >= 8192)
                        return error_make(err, EINVAL, "cpuset list '%s': bad range '%s'", list, r);
                if (hi / 8 + 1 > len) {
                        mask = xrealloc(mask, hi / 8 + 1);
                        memset(mask + len, 0, hi / 8 + 1 - len);
                        len = hi / 8 + 1;
                }
                for (unsigned long c = lo; c <= hi; c++)
                        mask[c / 8] |= (uint8_t)(1u << (c % 8));
        }
        if (!len)
                return error_make(err, EINVAL, "cpuset list '%s' is empty", list);
        *bytes = steal_pointer(&mask);
        *n = len;
        return 0;
}

/* cpu.max "QUOTA [PERIOD]" as systemd's per-second quota and period.  systemd keeps the quota
 * as a percentage of a CPU: round up to 10 ms per second as runc does, so that the exact
 * cpu.max written after the unit is never above what systemd allows. */
static int cpu_max(struct cg_unit_props *p, const char *v, struct error **err)
{
        char quota[32] = "";
        uint64_t period = 100000, q;
        if (sscanf(v, "%31s %" SCNu64, quota, &period) < 1 || period == 0)
                return error_make(err, EINVAL, "cpu.max: '%s' is not \"QUOTA [PERIOD]\"", v);
        if (u64_or_max("cpu.max", quota, &q, err) < 0)
                return -1;
        uint64_t per_sec = UINT64_MAX;
        if (q != UINT64_MAX) {
                per_sec = q * 1000000 / period;
                if (per_sec % 10000)
                        per_sec = (per_sec / 10000 + 1) * 10000;
        }
        prop_u64(p, "CPUQuotaPerSecUSec", per_sec);
        prop_u64(p, "CPUQuotaPeriodUSec", period);
        return 0;
}

static const struct {
        const char *file, *prop;
} u64_props[] = {
        { "memory.max", "MemoryMax" },
        { "memory.high", "MemoryHigh" },
        { "memory.low", "MemoryLow" },
        { "memory.min", "MemoryMin" },
        { "memory.swap.max", "MemorySwapMax" },
        { "pids.max", "TasksMax" },
        { "cpu.weight", "CPUWeight" },
};

int cg_systemd_props(const struct cg_settings *s, struct cg_unit_props *out, struct error **err)
{
        for (size_t i = 0; i < s->n; i++) {
                const char *file = s->v[i].file, *v = s->v[i].value;
                if (s->v[i].v1_only)
                        continue;
                bool done = false;
                for (size_t k = 0; k < ARRAY_SIZE(u64_props) && !done; k++) {
                        if (strcmp(file, u64_props[k].file) != 0)
                                continue;
                        uint64_t n;
                        if (u64_or_max(file, v, &n, err) < 0)
                                return -1;
                        prop_u64(out, u64_props[k].prop, n);
                        done = true;
                }
                if (done)
                        continue;
                if (strcmp(file, "cpu.max") == 0) {
                        if (cpu_max(out, v, err) < 0)
                                return -1;
                } else if (strcmp(file, "io.weight") == 0 && str_has_prefix(v, "default ")) {
                        /* per-device weights stay in the file: systemd's IODeviceWeight
                         * wants a path, not major:minor */
                        uint64_t n;
                        if (u64_or_max(file, v + 8, &n, err) < 0)
                                return -1;
                        prop_u64(out, "IOWeight", n);
                } else if (strcmp(file, "cpuset.cpus") == 0 || strcmp(file, "cpuset.mems") == 0) {
                        struct cg_unit_prop *pr = prop_slot(out, file[7] == 'c' ? "AllowedCPUs" : "AllowedMemoryNodes");
                        pr->type = 'y';
                        if (cg_cpuset_mask(v, &pr->bytes, &pr->n_bytes, err) < 0)
                                return error_wrap(err, "%s", file);
                }
        }
        return 0;
}

/* A slice name as systemd checks it: "NAME.slice", NAME of dash-separated non-empty parts;
 * "-.slice" is the root slice. */
static bool slice_name_ok(const char *slice)
{
        size_t n = strlen(slice);
        if (n <= 6 || strcmp(slice + n - 6, ".slice") != 0 || strchr(slice, '/'))
                return false;
        if (strcmp(slice, "-.slice") == 0)
                return true;
        return slice[0] != '-' && slice[n - 7] != '-' && !strstr(slice, "--");
}

int cg_systemd_slice_path(const char *slice, char **out, struct error **err)
{
        if (!slice_name_ok(slice))
                return error_make(err, EINVAL, "'%s' is not a systemd slice name (NAME.slice, "
                                  "parts separated by single dashes)", slice);
        if (strcmp(slice, "-.slice") == 0) {
                *out = xstrdup("");
                return 0;
        }
        /* "a-b-c.slice" lives in "a.slice/a-b.slice/a-b-c.slice" */
        cleanup_free char *path = xstrdup("");
        size_t name_len = strlen(slice) - 6;
        for (size_t i = 0; i < name_len; i++) {
                if (slice[i] != '-')
                        continue;
                char *n = xasprintf("%s%.*s.slice/", path, (int)i, slice);
                free(path);
                path = n;
        }
        *out = xasprintf("%s%s", path, slice);
        return 0;
}

int cg_systemd_names(const char *cgroups_path, const char *id, char **slice, char **unit, char **rel,
                     struct error **err)
{
        cleanup_free char *sl = NULL, *un = NULL, *sp = NULL;
        if (!cgroups_path || !*cgroups_path) {
                /* runc's default for --systemd-cgroup without a path */
                sl = xstrdup("system.slice");
                un = xasprintf("contain-%s.scope", id);
        } else {
                const char *c1 = strchr(cgroups_path, ':');
                const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c2 || strchr(c2 + 1, ':'))
                        return error_make(err, 0, "linux.cgroupsPath '%s': with --systemd-cgroup the form "
                                          "is slice:prefix:name", cgroups_path);
                const char *prefix = c1 + 1, *name = c2 + 1;
                sl = c1 == cgroups_path ? xstrdup("system.slice") : xstrndup(cgroups_path, (size_t)(c1 - cgroups_path));
                if (!*name)
                        return error_make(err, 0, "linux.cgroupsPath '%s': the name part is empty", cgroups_path);
                un = c2 == prefix ? xasprintf("%s.scope", name)
                                  : xasprintf("%.*s-%s.scope", (int)(c2 - prefix), prefix, name);
        }
        if (strpbrk(un, "/;\n") || strlen(un) > 255)
                return error_make(err, 0, "linux.cgroupsPath '%s': '%s' cannot be a unit name",
                                  cgroups_path ? cgroups_path : "", un);
        if (cg_systemd_slice_path(sl, &sp, err) < 0)
                return error_wrap(err, "linux.cgroupsPath '%s'", cgroups_path ? cgroups_path : "");
        *rel = xasprintf("%s%s%s", sp, *sp ? "/" : "", un);
        *slice = steal_pointer(&sl);
        *unit = steal_pointer(&un);
        return 0;
}
