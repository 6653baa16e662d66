/* Unit tests of src/cgroup/systemd_props.c: "slice:prefix:name" -> scope, slice and cgroup
 * path (nested slices expanded as systemd does), and cgroup v2 settings -> unit properties. */
#include "contain/spec.h"
#include "contain/util.h"
#include "src/cgroup/systemd.h"
#include "tap.h"

static const struct cg_unit_prop *prop(const struct cg_unit_props *p, const char *name)
{
        for (size_t i = 0; i < p->n; i++)
                if (strcmp(p->v[i].name, name) == 0)
                        return &p->v[i];
        return NULL;
}

static void names_are(struct tap *t, const char *path, const char *slice, const char *unit, const char *rel)
{
        cleanup_free char *s = NULL, *u = NULL, *r = NULL;
        cleanup_error struct error *err = NULL;
        if (cg_systemd_names(path, "abc", &s, &u, &r, &err) < 0) {
                ok(t, false, path ? path : "(no path)");
                printf("#   error: %s\n", err->msg);
                return;
        }
        cleanup_free char *name = xasprintf("'%s' -> %s in %s at %s", path ? path : "", unit, slice, rel);
        ok(t, strcmp(s, slice) == 0 && strcmp(u, unit) == 0 && strcmp(r, rel) == 0, name);
        if (strcmp(s, slice) || strcmp(u, unit) || strcmp(r, rel))
                printf("#   got: %s in %s at %s\n", u, s, r);
}

static void names_refused(struct tap *t, const char *path, const char *why)
{
        cleanup_free char *s = NULL, *u = NULL, *r = NULL;
        cleanup_error struct error *err = NULL;
        cleanup_free char *name = xasprintf("'%s' is refused (%s)", path, why);
        bool refused = cg_systemd_names(path, "abc", &s, &u, &r, &err) < 0;
        if (ok(t, refused, name))
                has_substr(t, err->msg, why, "  the message says why");
}

static void names(struct tap *t)
{
        names_are(t, "system.slice:contain:abc", "system.slice", "contain-abc.scope",
                  "system.slice/contain-abc.scope");
        names_are(t, "machine-libpod.slice:libpod:abc", "machine-libpod.slice", "libpod-abc.scope",
                  "machine.slice/machine-libpod.slice/libpod-abc.scope");
        names_are(t, "a-b-c.slice:p:n", "a-b-c.slice", "p-n.scope", "a.slice/a-b.slice/a-b-c.slice/p-n.scope");
        names_are(t, ":contain:abc", "system.slice", "contain-abc.scope", "system.slice/contain-abc.scope");
        names_are(t, "user.slice::abc", "user.slice", "abc.scope", "user.slice/abc.scope");
        names_are(t, "-.slice:p:abc", "-.slice", "p-abc.scope", "p-abc.scope");
        names_are(t, NULL, "system.slice", "contain-abc.scope", "system.slice/contain-abc.scope");
        names_refused(t, "system.slice/contain-abc", "slice:prefix:name");
        names_refused(t, "system.slice:contain:", "name part is empty");
        names_refused(t, "system:contain:abc", "not a systemd slice name");
        names_refused(t, "a--b.slice:contain:abc", "not a systemd slice name");
        names_refused(t, "-a.slice:contain:abc", "not a systemd slice name");
        names_refused(t, "system.slice:con/tain:abc", "cannot be a unit name");
}

static void props_of(const struct spec_resources *r, struct cg_unit_props *p)
{
        cleanup_cg_settings struct cg_settings s = { 0 };
        cleanup_error struct error *err = NULL;
        if (cg_convert_v2(r, &s, &err) < 0 || cg_systemd_props(&s, p, &err) < 0)
                printf("#   error: %s\n", err->msg);
}

static void u64_is(struct tap *t, const struct cg_unit_props *p, const char *name, uint64_t want)
{
        const struct cg_unit_prop *pr = prop(p, name);
        if (!ok(t, pr && pr->type == 't', name))
                return;
        cleanup_free char *what = xasprintf("  %s value", name);
        is_u64(t, pr->u, want, what);
}

static void properties(struct tap *t)
{
        struct spec_resources r = { 0 };
        r.memory = (struct spec_memory){ .has_limit = true, .limit = 33554432, .has_reservation = true,
                                         .reservation = 16777216, .has_swap = true, .swap = 67108864 };
        r.cpu = (struct spec_cpu){ .has_quota = true, .quota = 50000, .has_period = true, .period = 100000,
                                   .has_shares = true, .shares = 1024, .cpus = "0-2,5", .mems = "0" };
        r.pids = (struct spec_pids){ .has_limit = true, .limit = 16 };
        r.blkio.has_weight = true;
        r.blkio.weight = 500;
        cleanup_cg_unit_props struct cg_unit_props p = { 0 };
        props_of(&r, &p);
        u64_is(t, &p, "MemoryMax", 33554432);
        u64_is(t, &p, "MemoryLow", 16777216);
        u64_is(t, &p, "MemorySwapMax", 33554432);
        u64_is(t, &p, "TasksMax", 16);
        u64_is(t, &p, "CPUQuotaPerSecUSec", 500000);
        u64_is(t, &p, "CPUQuotaPeriodUSec", 100000);
        u64_is(t, &p, "CPUWeight", cg_shares_to_weight(1024));
        u64_is(t, &p, "IOWeight", cg_blkio_to_io_weight(500));
        const struct cg_unit_prop *cpus = prop(&p, "AllowedCPUs");
        ok(t, cpus && cpus->type == 'y' && cpus->n_bytes == 1 && cpus->bytes[0] == 0x27,
           "AllowedCPUs 0-2,5 is the mask 0x27");
        const struct cg_unit_prop *mems = prop(&p, "AllowedMemoryNodes");
        ok(t, mems && mems->n_bytes == 1 && mems->bytes[0] == 0x01, "AllowedMemoryNodes 0 is the mask 0x01");

        /* unlimited is systemd's infinity; a fractional percent rounds up to 10 ms/s */
        struct spec_resources u = { 0 };
        u.memory = (struct spec_memory){ .has_limit = true, .limit = -1 };
        u.pids = (struct spec_pids){ .has_limit = true, .limit = -1 };
        u.cpu = (struct spec_cpu){ .has_quota = true, .quota = 12345, .has_period = true, .period = 100000 };
        cleanup_cg_unit_props struct cg_unit_props q = { 0 };
        props_of(&u, &q);
        u64_is(t, &q, "MemoryMax", UINT64_MAX);
        u64_is(t, &q, "TasksMax", UINT64_MAX);
        u64_is(t, &q, "CPUQuotaPerSecUSec", 130000);

        /* unified keys systemd knows become properties too; the last value wins */
        struct spec_kv kv[] = { { "memory.high", "1048576" }, { "memory.max", "2097152" } };
        struct spec_resources w = { 0 };
        w.memory = (struct spec_memory){ .has_limit = true, .limit = 4194304 };
        w.unified = kv;
        w.n_unified = 2;
        cleanup_cg_unit_props struct cg_unit_props v = { 0 };
        props_of(&w, &v);
        u64_is(t, &v, "MemoryHigh", 1048576);
        u64_is(t, &v, "MemoryMax", 2097152);

        cleanup_free uint8_t *mask = NULL;
        size_t n = 0;
        cleanup_error struct error *err = NULL;
        ok(t, cg_cpuset_mask("9", &mask, &n, &err) == 0 && n == 2 && mask[0] == 0 && mask[1] == 2,
           "cpu 9 is bit 1 of byte 1");
        ok(t, cg_cpuset_mask("3-1", &mask, &n, &err) < 0, "a backwards range is refused");
}

int main(void)
{
        struct tap t = { 0 };
        names(&t);
        properties(&t);
        return tap_done(&t);
}
