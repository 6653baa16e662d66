/* Unit tests of src/cgroup/convert.c and path.c: OCI linux.resources → cgroup v2 and v1 files,
 * and linux.cgroupsPath → a checked path. */
#include "contain/spec.h"
#include "contain/util.h"
#include "src/cgroup/internal.h"
#include "tap.h"

/* Value written to file, or NULL when the conversion has no such setting. */
static const char *value_of(const struct cg_settings *s, const char *file)
{
        for (size_t i = 0; i < s->n; i++)
                if (strcmp(s->v[i].file, file) == 0)
                        return s->v[i].value;
        return NULL;
}

static const char *controller_of(const struct cg_settings *s, const char *file)
{
        for (size_t i = 0; i < s->n; i++)
                if (strcmp(s->v[i].file, file) == 0)
                        return s->v[i].controller;
        return NULL;
}

static void v2_is(struct tap *t, const struct spec_resources *r, const char *file, const char *want,
                  const char *name)
{
        cleanup_cg_settings struct cg_settings s = { 0 };
        cleanup_error struct error *err = NULL;
        if (cg_convert_v2(r, &s, &err) < 0) {
                ok(t, false, name);
                printf("#   error: %s\n", err->msg);
                return;
        }
        is_str(t, value_of(&s, file), want, name);
}

static void v1_is(struct tap *t, const struct spec_resources *r, const char *file, const char *want,
                  const char *name)
{
        cleanup_cg_settings struct cg_settings s = { 0 };
        cleanup_error struct error *err = NULL;
        if (cg_convert_v1(r, &s, &err) < 0) {
                ok(t, false, name);
                printf("#   error: %s\n", err->msg);
                return;
        }
        is_str(t, value_of(&s, file), want, name);
}

static void v2_fails(struct tap *t, const struct spec_resources *r, const char *why, const char *name)
{
        cleanup_cg_settings struct cg_settings s = { 0 };
        cleanup_error struct error *err = NULL;
        ok(t, cg_convert_v2(r, &s, &err) == -1 && err, name);
        if (err)
                has_substr(t, err->msg, why, "  and says why");
}

static void memory(struct tap *t)
{
        struct spec_resources r = { 0 };
        r.memory.has_limit = true;
        r.memory.limit = 64 << 20;
        v2_is(t, &r, "memory.max", "67108864", "memory.limit 64M -> memory.max 67108864");
        v1_is(t, &r, "memory.limit_in_bytes", "67108864", "memory.limit 64M -> memory.limit_in_bytes (v1)");
        v2_is(t, &r, "memory.swap.max", NULL, "no swap field -> memory.swap.max untouched");
        r.memory.has_swap = true;
        r.memory.swap = 128 << 20;
        v2_is(t, &r, "memory.swap.max", "67108864", "swap 128M with limit 64M -> memory.swap.max 64M (swap - limit)");
        v1_is(t, &r, "memory.memsw.limit_in_bytes", "134217728", "swap 128M -> memory.memsw.limit_in_bytes (v1 total)");
        r.memory.swap = 64 << 20;
        v2_is(t, &r, "memory.swap.max", "0", "swap == limit -> memory.swap.max 0");
        r.memory.swap = -1;
        v2_is(t, &r, "memory.swap.max", "max", "swap -1 -> memory.swap.max max");
        v1_is(t, &r, "memory.memsw.limit_in_bytes", "-1", "swap -1 -> memsw -1 (v1)");
        r.memory.swap = 32 << 20;
        v2_fails(t, &r, "is below memory.limit", "swap below the limit is refused");
        r.memory.has_limit = false;
        r.memory.swap = 128 << 20;
        v2_fails(t, &r, "needs a memory limit", "swap without a memory limit is refused");
        r.memory.has_swap = false;
        r.memory.has_limit = true;
        r.memory.limit = -1;
        v2_is(t, &r, "memory.max", "max", "memory.limit -1 -> memory.max max");
        v1_is(t, &r, "memory.limit_in_bytes", "-1", "memory.limit -1 -> limit_in_bytes -1 (v1)");
        r.memory.limit = -7;
        v2_fails(t, &r, "linux.resources.memory.limit", "memory.limit -7 is refused naming the field");
        r.memory.limit = 0;
        v2_is(t, &r, "memory.max", NULL, "memory.limit 0 means unset (runc)");
        r.memory.has_reservation = true;
        r.memory.reservation = 32 << 20;
        v2_is(t, &r, "memory.low", "33554432", "reservation -> memory.low");
        v1_is(t, &r, "memory.soft_limit_in_bytes", "33554432", "reservation -> soft_limit_in_bytes (v1)");
}

/* swappiness and disableOOMKiller have no v2 file: the v2 list holds a v1-only placeholder
 * naming the field, so cg_apply() can route memory to a v1 hierarchy or say it is ignored. */
static void memory_v1_only(struct tap *t)
{
        struct spec_resources r = { 0 };
        r.memory.has_swappiness = true;
        r.memory.swappiness = 17;
        r.memory.has_disable_oom_killer = true;
        r.memory.disable_oom_killer = true;
        v1_is(t, &r, "memory.swappiness", "17", "swappiness 17 -> memory.swappiness (v1)");
        v1_is(t, &r, "memory.oom_control", "1", "disableOOMKiller -> memory.oom_control 1 (v1)");

        cleanup_cg_settings struct cg_settings s = { 0 };
        cleanup_error struct error *err = NULL;
        ok(t, cg_convert_v2(&r, &s, &err) == 0 && s.n == 2, "v2: swappiness and disableOOMKiller give two placeholders");
        for (size_t i = 0; i < s.n; i++) {
                ok(t, s.v[i].v1_only && strcmp(s.v[i].controller, "memory") == 0, "  v1-only, memory controller");
                has_substr(t, s.v[i].value, "linux.resources.memory.", "  and it names the OCI field");
        }

        /* kernelTCP: the v1 file where it exists, a named placeholder on v2 */
        struct spec_resources k = { 0 };
        k.memory.has_kernel_tcp = true;
        k.memory.kernel_tcp = 1048576;
        v1_is(t, &k, "memory.kmem.tcp.limit_in_bytes", "1048576", "kernelTCP -> memory.kmem.tcp.limit_in_bytes (v1)");
        cleanup_cg_settings struct cg_settings kv2 = { 0 };
        ok(t, cg_convert_v2(&k, &kv2, &err) == 0 && kv2.n == 1 && kv2.v[0].v1_only &&
              strcmp(kv2.v[0].value, "linux.resources.memory.kernelTCP") == 0,
           "v2: kernelTCP is a placeholder naming the field");
        k.memory.kernel_tcp = 0;
        cleanup_cg_settings struct cg_settings none = { 0 };
        ok(t, cg_convert_v1(&k, &none, &err) == 0 && none.n == 0, "0 (Docker's unset) writes no kmem file");
}

/* useHierarchy: a v1 file; v2 is always hierarchical, so only false is a v1-only placeholder */
static void memory_hierarchy(struct tap *t)
{
        struct spec_resources r = { 0 };
        r.memory.has_use_hierarchy = true;
        r.memory.use_hierarchy = true;
        v1_is(t, &r, "memory.use_hierarchy", "1", "useHierarchy -> memory.use_hierarchy (v1)");
        {
                cleanup_cg_settings struct cg_settings s = { 0 };
                cleanup_error struct error *err = NULL;
                ok(t, cg_convert_v2(&r, &s, &err) == 0 && s.n == 0, "v2: useHierarchy true is v2's nature");
        }
        r.memory.use_hierarchy = false;
        cleanup_cg_settings struct cg_settings s = { 0 };
        cleanup_error struct error *err = NULL;
        ok(t, cg_convert_v2(&r, &s, &err) == 0 && s.n == 1 && s.v[0].v1_only, "v2: useHierarchy false is a placeholder");
        has_substr(t, s.n ? s.v[0].value : NULL, "linux.resources.memory.useHierarchy", "  naming the field");
}

static void cpu(struct tap *t)
{
        struct spec_resources r = { 0 };
        r.cpu.has_quota = true;
        r.cpu.quota = 50000;
        r.cpu.has_period = true;
        r.cpu.period = 100000;
        v2_is(t, &r, "cpu.max", "50000 100000", "quota 50000 period 100000 -> cpu.max '50000 100000'");
        v1_is(t, &r, "cpu.cfs_quota_us", "50000", "quota -> cpu.cfs_quota_us (v1)");
        v1_is(t, &r, "cpu.cfs_period_us", "100000", "period -> cpu.cfs_period_us (v1)");
        {
                cleanup_cg_settings struct cg_settings s = { 0 };
                cleanup_error struct error *err = NULL;
                cg_convert_v1(&r, &s, &err);
                ok(t, s.n == 2 && strcmp(s.v[0].file, "cpu.cfs_period_us") == 0,
                   "v1 writes the period before the quota");
        }
        r.cpu.quota = -1;
        v2_is(t, &r, "cpu.max", "max 100000", "quota -1 -> cpu.max 'max 100000'");
        v1_is(t, &r, "cpu.cfs_quota_us", "-1", "quota -1 -> cfs_quota_us -1 (v1)");
        r.cpu.has_period = false;
        r.cpu.quota = 20000;
        v2_is(t, &r, "cpu.max", "20000", "quota alone -> cpu.max '20000' (keeps the period)");
        r.cpu.has_quota = false;
        r.cpu.has_period = true;
        v2_is(t, &r, "cpu.max", "max 100000", "period alone -> cpu.max 'max 100000'");

        struct spec_resources s = { 0 };
        s.cpu.has_shares = true;
        s.cpu.shares = 1024;
        v2_is(t, &s, "cpu.weight", "39", "shares 1024 -> cpu.weight 39");
        v1_is(t, &s, "cpu.shares", "1024", "shares 1024 -> cpu.shares (v1)");
        s.cpu.shares = 2;
        v2_is(t, &s, "cpu.weight", "1", "shares 2 -> cpu.weight 1");
        s.cpu.shares = 262144;
        v2_is(t, &s, "cpu.weight", "10000", "shares 262144 -> cpu.weight 10000");
        is_u64(t, cg_shares_to_weight(1), 1, "shares below 2 clamp to weight 1");
        is_u64(t, cg_shares_to_weight(1u << 30), 10000, "shares above 262144 clamp to weight 10000");
        s.cpu.cpus = "0-1";
        s.cpu.mems = "0";
        s.cpu.has_idle = true;
        s.cpu.idle = 1;
        v2_is(t, &s, "cpuset.cpus", "0-1", "cpus -> cpuset.cpus");
        v2_is(t, &s, "cpuset.mems", "0", "mems -> cpuset.mems");
        v1_is(t, &s, "cpuset.cpus", "0-1", "cpus -> cpuset.cpus (v1)");
        v2_is(t, &s, "cpu.idle", "1", "idle -> cpu.idle");
        s.cpu.has_realtime_runtime = true;
        s.cpu.realtime_runtime = 950000;
        {
                cleanup_cg_settings struct cg_settings set = { 0 };
                cleanup_error struct error *err = NULL;
                cg_convert_v2(&s, &set, &err);
                is_str(t, controller_of(&set, "cpu.rt_runtime_us"), "cpu_rt",
                       "realtime runtime has no v2 file: marked for the v1 cpu hierarchy");
        }
        v1_is(t, &s, "cpu.rt_runtime_us", "950000", "realtime runtime -> cpu.rt_runtime_us (v1)");
}

static void pids_io_hugetlb(struct tap *t)
{
        struct spec_resources r = { 0 };
        r.pids.has_limit = true;
        r.pids.limit = 16;
        v2_is(t, &r, "pids.max", "16", "pids.limit 16 -> pids.max 16");
        v1_is(t, &r, "pids.max", "16", "pids.limit 16 -> pids.max 16 (v1)");
        r.pids.limit = 0;
        v2_is(t, &r, "pids.max", "0", "pids.limit 0 (a 1.3.0 config; the parser makes older 0s -1) -> pids.max 0");
        v1_is(t, &r, "pids.max", "0", "pids.limit 0 -> pids.max 0 (v1)");
        r.pids.limit = -1;
        v2_is(t, &r, "pids.max", "max", "pids.limit -1 -> pids.max max");

        struct spec_blkio_throttle thr = { .major = 8, .minor = 0, .rate = 1048576 };
        struct spec_hugepage_limit huge = { .page_size = "2MB", .limit = 4194304 };
        struct spec_resources b = { 0 };
        b.blkio.has_weight = true;
        b.blkio.weight = 500;
        b.blkio.throttle_read_bps = &thr;
        b.blkio.n_throttle_read_bps = 1;
        b.blkio.throttle_write_iops = &thr;
        b.blkio.n_throttle_write_iops = 1;
        b.hugepage_limits = &huge;
        b.n_hugepage_limits = 1;
        v2_is(t, &b, "io.weight", "default 4950", "blkio weight 500 -> io.weight 'default 4950'");
        v1_is(t, &b, "blkio.weight", "500", "blkio weight -> blkio.weight (v1)");
        {
                cleanup_cg_settings struct cg_settings s = { 0 };
                cleanup_error struct error *err = NULL;
                cg_convert_v2(&b, &s, &err);
                bool rbps = false, wiops = false;
                for (size_t i = 0; i < s.n; i++) {
                        rbps |= strcmp(s.v[i].value, "8:0 rbps=1048576") == 0;
                        wiops |= strcmp(s.v[i].value, "8:0 wiops=1048576") == 0;
                }
                ok(t, rbps && wiops, "throttles -> io.max '8:0 rbps=N' and '8:0 wiops=N'");
        }
        v1_is(t, &b, "blkio.throttle.read_bps_device", "8:0 1048576", "read bps -> blkio.throttle.read_bps_device (v1)");
        v2_is(t, &b, "hugetlb.2MB.max", "4194304", "hugepageLimits 2MB -> hugetlb.2MB.max");
        v1_is(t, &b, "hugetlb.2MB.limit_in_bytes", "4194304", "hugepageLimits 2MB -> hugetlb.2MB.limit_in_bytes (v1)");
        huge.page_size = "../2MB";
        v2_fails(t, &b, "invalid pageSize", "a hugepage size with '/' is refused");
}

static void unified(struct tap *t)
{
        struct spec_kv kv = { .key = "memory.high", .value = "1073741824" };
        struct spec_resources r = { .unified = &kv, .n_unified = 1 };
        cleanup_cg_settings struct cg_settings s = { 0 };
        cleanup_error struct error *err = NULL;
        ok(t, cg_convert_v2(&r, &s, &err) == 0 && s.n == 1, "unified memory.high converts");
        if (s.n == 1) {
                is_str(t, s.v[0].value, "1073741824", "  written verbatim");
                is_str(t, s.v[0].controller, "memory", "  its controller is the key's prefix");
                ok(t, s.v[0].verbatim, "  and it has no v1 fallback");
        }
        const char *bad[] = { "../memory.max", "memory/max", "nodot", ".max", "memory.", "memory..max", "" };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                char name[96];
                kv.key = (char *)bad[i];
                snprintf(name, sizeof(name), "unified key '%s' is refused", bad[i]);
                v2_fails(t, &r, "linux.resources.unified", name);
        }
}

static void path_is(struct tap *t, const char *in, enum cgroup_manager mgr, const char *want, bool want_abs)
{
        cleanup_free char *rel = NULL;
        cleanup_error struct error *err = NULL;
        bool abs = !want_abs;
        char name[160];
        snprintf(name, sizeof(name), "cgroupsPath '%s' -> %s%s", in ? in : "(none)", want_abs ? "/" : "own cgroup + ", want);
        if (cg_resolve_path(in, "abc", mgr, &rel, &abs, &err) < 0) {
                ok(t, false, name);
                printf("#   error: %s\n", err->msg);
                return;
        }
        ok(t, rel && strcmp(rel, want) == 0 && abs == want_abs, name);
        if (rel && strcmp(rel, want) != 0)
                printf("#   got: '%s'\n", rel);
}

static void path_fails(struct tap *t, const char *in, enum cgroup_manager mgr, const char *why)
{
        cleanup_free char *rel = NULL;
        cleanup_error struct error *err = NULL;
        bool abs;
        char name[160];
        snprintf(name, sizeof(name), "cgroupsPath '%s' is refused", in);
        ok(t, cg_resolve_path(in, "abc", mgr, &rel, &abs, &err) == -1 && err, name);
        if (err)
                has_substr(t, err->msg, why, "  and says why");
}

static void paths(struct tap *t)
{
        path_is(t, NULL, CGROUP_MANAGER_CGROUPFS, "contain/abc", false);
        path_is(t, "", CGROUP_MANAGER_CGROUPFS, "contain/abc", false);
        path_is(t, "/machine/abc", CGROUP_MANAGER_CGROUPFS, "machine/abc", true);
        path_is(t, "pods//abc/", CGROUP_MANAGER_CGROUPFS, "pods/abc", false);
        path_is(t, "system.slice:contain:abc", CGROUP_MANAGER_SYSTEMD, "system.slice/contain-abc.scope", true);
        path_is(t, ":contain:abc", CGROUP_MANAGER_SYSTEMD, "system.slice/contain-abc.scope", true);
        path_fails(t, "../escape", CGROUP_MANAGER_CGROUPFS, "'..'");
        path_fails(t, "/a/../../b", CGROUP_MANAGER_CGROUPFS, "'..'");
        path_fails(t, "/", CGROUP_MANAGER_CGROUPFS, "root cgroup");
        path_fails(t, "/a;b", CGROUP_MANAGER_CGROUPFS, "';'");
        path_fails(t, "just-a-name", CGROUP_MANAGER_SYSTEMD, "slice:prefix:name");
        path_fails(t, "a.slice:p:", CGROUP_MANAGER_SYSTEMD, "name part is empty");
        path_fails(t, "a.slice:p:../x", CGROUP_MANAGER_SYSTEMD, "'/'");
}

/* linux.resources as Docker 20.10 writes it when no limit is asked for (moby's oci_linux.go:
 * every field a Go zero value), plus the other zeros that mean "not set" in runc's fs and fs2:
 * neither hierarchy gets a single file written. */
static void docker_zeros(struct tap *t)
{
        static const char doc[] =
                "{\"ociVersion\":\"1.0.2-dev\",\"root\":{\"path\":\"/\"},\"linux\":{\"resources\":{"
                "\"memory\":{\"limit\":0,\"reservation\":0,\"swap\":0,\"kernel\":0,\"kernelTCP\":0,"
                "\"swappiness\":18446744073709551615,\"disableOOMKiller\":false},"
                "\"cpu\":{\"shares\":0,\"quota\":0,\"period\":0,\"realtimeRuntime\":0,\"realtimePeriod\":0,"
                "\"cpus\":\"\",\"mems\":\"\"},"
                "\"blockIO\":{\"weight\":0,\"leafWeight\":0,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":0}]},"
                "\"network\":{\"classID\":0}}}}";
        cleanup_spec struct spec *s = NULL;
        cleanup_error struct error *err = NULL;

        if (!ok(t, spec_parse(doc, strlen(doc), "config.json", NULL, &s, &err) == 0, "docker zeros: config parses")) {
                printf("#   error: %s\n", err->msg);
                return;
        }
        cleanup_cg_settings struct cg_settings v2 = { 0 };
        cleanup_cg_settings struct cg_settings v1 = { 0 };
        ok(t, cg_convert_v2(&s->linux.resources, &v2, &err) == 0 && v2.n == 0, "docker zeros: no v2 file written");
        for (size_t i = 0; i < v2.n; i++)
                printf("#   v2 %s = '%s'\n", v2.v[i].file, v2.v[i].value);
        ok(t, cg_convert_v1(&s->linux.resources, &v1, &err) == 0 && v1.n == 0, "docker zeros: no v1 file written");
        for (size_t i = 0; i < v1.n; i++)
                printf("#   v1 %s = '%s'\n", v1.v[i].file, v1.v[i].value);

        /* structs built by hand (update's flags): a 0 weight or classID is skipped there too */
        struct spec_resources r = { 0 };
        r.blkio.has_weight = true;
        r.network.has_class_id = true;
        r.cpu.cpus = "";
        v2_is(t, &r, "io.weight", NULL, "blkio weight 0 -> no io.weight");
        v1_is(t, &r, "blkio.weight", NULL, "blkio weight 0 -> no blkio.weight (v1)");
        v1_is(t, &r, "net_cls.classid", NULL, "classID 0 -> no net_cls.classid (v1)");
        v1_is(t, &r, "cpuset.cpus", NULL, "cpus \"\" -> no cpuset.cpus (v1)");
}

int main(void)
{
        struct tap t = { 0 };
        memory(&t);
        memory_v1_only(&t);
        memory_hierarchy(&t);
        cpu(&t);
        pids_io_hugetlb(&t);
        docker_zeros(&t);
        unified(&t);
        paths(&t);
        return tap_done(&t);
}
