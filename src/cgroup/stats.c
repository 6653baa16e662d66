/* Usage counters of the container's cgroup (events --stats, the quick mode's report), from
 * the v2 files or, on hybrid hosts, the v1 memory/cpu/cpuacct/pids hierarchies. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

/* v1 reports "no limit" as a huge page-aligned number */
#define V1_UNLIMITED 0x7FFFFFFFFFFFF000ULL

static bool read_num(const char *dir, const char *file, uint64_t *out)
{
        cleanup_free char *t = NULL;
        struct error *e = NULL;
        if (cg_read(dir, file, &t, &e) < 0) {
                error_free(e);
                return false;
        }
        return cg_number(t, out);
}

static bool read_key(const char *dir, const char *file, const char *key, uint64_t *out)
{
        cleanup_free char *t = NULL;
        struct error *e = NULL;
        if (cg_read(dir, file, &t, &e) < 0) {
                error_free(e);
                return false;
        }
        return cg_keyed(t, key, out);
}

static void memory_stats(const struct cgroup *cg, const struct cg_hier *h2, struct cgroup_stats *st)
{
        const struct cg_hier *m = cg_v1_hier(cg, "memory");
        if (h2 && cg_v2_has_controller(h2->dir, "memory")) {
                read_num(h2->dir, "memory.current", &st->memory_usage);
                st->has_memory_peak = read_num(h2->dir, "memory.peak", &st->memory_peak);
                read_num(h2->dir, "memory.max", &st->memory_limit);
                read_key(h2->dir, "memory.events", "oom", &st->memory_oom);
                read_key(h2->dir, "memory.events", "oom_kill", &st->memory_oom_kill);
        } else if (m) {
                read_num(m->dir, "memory.usage_in_bytes", &st->memory_usage);
                st->has_memory_peak = read_num(m->dir, "memory.max_usage_in_bytes", &st->memory_peak);
                if (read_num(m->dir, "memory.limit_in_bytes", &st->memory_limit) &&
                    st->memory_limit >= V1_UNLIMITED)
                        st->memory_limit = UINT64_MAX;
                /* v1 counts kills only (memory.oom_control "oom_kill N", kernel >= 4.13) */
                read_key(m->dir, "memory.oom_control", "oom_kill", &st->memory_oom_kill);
                st->memory_oom = st->memory_oom_kill;
        }
}

static void cpu_stats(const struct cgroup *cg, const struct cg_hier *h2, struct cgroup_stats *st)
{
        const struct cg_hier *acct = cg_v1_hier(cg, "cpuacct");
        const struct cg_hier *cpu = cg_v1_hier(cg, "cpu");
        if (acct) {
                uint64_t ns, ticks;
                long hz = sysconf(_SC_CLK_TCK);
                if (read_num(acct->dir, "cpuacct.usage", &ns))
                        st->cpu_usage_usec = ns / 1000;
                if (hz > 0 && read_key(acct->dir, "cpuacct.stat", "user", &ticks))
                        st->cpu_user_usec = ticks * 1000000 / (uint64_t)hz;
                if (hz > 0 && read_key(acct->dir, "cpuacct.stat", "system", &ticks))
                        st->cpu_system_usec = ticks * 1000000 / (uint64_t)hz;
        } else if (h2) {
                read_key(h2->dir, "cpu.stat", "usage_usec", &st->cpu_usage_usec);
                read_key(h2->dir, "cpu.stat", "user_usec", &st->cpu_user_usec);
                read_key(h2->dir, "cpu.stat", "system_usec", &st->cpu_system_usec);
        }
        if (cpu) {
                uint64_t ns;
                read_key(cpu->dir, "cpu.stat", "nr_periods", &st->cpu_nr_periods);
                read_key(cpu->dir, "cpu.stat", "nr_throttled", &st->cpu_nr_throttled);
                if (read_key(cpu->dir, "cpu.stat", "throttled_time", &ns))
                        st->cpu_throttled_usec = ns / 1000;
        } else if (h2) {
                read_key(h2->dir, "cpu.stat", "nr_periods", &st->cpu_nr_periods);
                read_key(h2->dir, "cpu.stat", "nr_throttled", &st->cpu_nr_throttled);
                read_key(h2->dir, "cpu.stat", "throttled_usec", &st->cpu_throttled_usec);
        }
}

static void pids_stats(const struct cgroup *cg, const struct cg_hier *h2, struct cgroup_stats *st)
{
        const struct cg_hier *p = cg_v1_hier(cg, "pids");
        const char *dir = h2 && cg_v2_has_controller(h2->dir, "pids") ? h2->dir : p ? p->dir : NULL;
        if (!dir)
                return;
        read_num(dir, "pids.current", &st->pids_current);
        st->has_pids_peak = read_num(dir, "pids.peak", &st->pids_peak);
        read_num(dir, "pids.max", &st->pids_limit);
}

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st, struct error **err)
{
        *st = (struct cgroup_stats){ .memory_limit = UINT64_MAX, .pids_limit = UINT64_MAX };
        if (cg->mgr == CGROUP_MANAGER_DISABLED)
                return 0;
        const struct cg_hier *prim = cg_primary(cg);
        if (prim && access(prim->dir, F_OK) < 0)
                return error_make(err, errno, "read the stats of cgroup %s", cg->path);
        const struct cg_hier *h2 = cg_v2_hier(cg);
        memory_stats(cg, h2, st);
        cpu_stats(cg, h2, st);
        pids_stats(cg, h2, st);
        return 0;
}
