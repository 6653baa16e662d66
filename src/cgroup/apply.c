/* Writing the limits: each setting goes to the unified hierarchy when it offers the
 * controller, else to the v1 hierarchy that has it (hybrid hosts); a limit no hierarchy can
 * hold is an error that names the controller. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* v2 controller names that are spelled differently in v1 */
static const char *v1_name_of(const char *v2)
{
        if (strcmp(v2, "io") == 0)
                return "blkio";
        if (strcmp(v2, "cpu_rt") == 0)
                return "cpu";
        return v2;
}

int cg_apply(const struct cgroup *cg, const struct spec_resources *res, struct error **err)
{
        if (cg->mgr == CGROUP_MANAGER_DISABLED)
                return error_make(err, 0, "cgroups are disabled (--cgroup-manager=disabled): "
                                  "limits cannot be applied");
        cleanup_cg_settings struct cg_settings s2 = { 0 }, s1 = { 0 };
        if (cg_convert_v2(res, &s2, err) < 0 || cg_convert_v1(res, &s1, err) < 0)
                return -1;

        /* Linux 5.16 made memory.kmem.limit_in_bytes a no-op (runtime-spec deprecates the
         * field; runc ignores it): say so rather than pretend */
        if (res->memory.has_kernel && res->memory.kernel != 0)
                log_warning("linux.resources.memory.kernel: kernel memory limits are not supported "
                            "by current kernels; not applied");
        const struct cg_hier *h2 = cg_v2_hier(cg);
        cleanup_strv char **needed = NULL;
        for (size_t i = 0; i < s2.n; i++) {
                const struct cg_setting *st = &s2.v[i];
                bool in_v2 = h2 && cg_v2_has_controller(h2->dir, st->controller);
                if (st->v1_only && (in_v2 || cg->pure_v2)) {
                        /* a kernel memory limit is warned about as runc would skip it (issue 14);
                         * any other limit asked for and not had is an error, not a skip */
                        if (strncmp(st->file, "memory.kmem.", 12) == 0) {
                                log_warning("%s: cgroup v2 has no kernel memory limit (%s); not applied",
                                            st->value, st->file);
                                continue;
                        }
                        return error_make(err, ENOTSUP, "%s: cgroup v2, which holds the %s controller here, "
                                          "has no %s file", st->value, st->controller, st->file);
                }
                if (in_v2) {
                        if (cg_write_weight(h2->dir, st->file, st->value, err) < 0)
                                return error_wrap(err, "apply %s", st->file);
                        continue;
                }
                if (st->verbatim || cg->pure_v2)
                        return error_make(err, 0, "%s: the %s controller is not available in %s",
                                          st->verbatim ? "linux.resources.unified" : st->file,
                                          st->controller, h2 ? h2->dir : "the cgroup2 hierarchy");
                const char *v1 = v1_name_of(st->controller);
                if (!cg_v1_hier(cg, v1))
                        return error_make(err, 0, "%s: the %s controller is not available on this "
                                          "host (neither in cgroup2 nor as a v1 hierarchy)", st->file, v1);
                if (!strv_contains(needed, v1))
                        strv_append(&needed, v1);
        }
        if (cg_write_v1_settings(cg, &s1, needed, err) < 0)
                return error_wrap(err, "apply limits");
        return 0;
}

/* memory.checkBeforeUpdate: a new limit below what the cgroup uses now is refused rather
 * than left to the OOM killer. */
static int check_memory_usage(const struct cgroup *cg, const struct spec_memory *m, struct error **err)
{
        if (!m->has_check_before_update || !m->check_before_update || !m->has_limit || m->limit <= 0)
                return 0;
        const struct cg_hier *h2 = cg_v2_hier(cg);
        const struct cg_hier *h1 = cg_v1_hier(cg, "memory");
        bool v2 = h2 && cg_v2_has_controller(h2->dir, "memory");
        if (!v2 && !h1)
                return error_make(err, 0, "linux.resources.memory.checkBeforeUpdate: no memory controller");
        cleanup_free char *cur = NULL;
        if (cg_read(v2 ? h2->dir : h1->dir, v2 ? "memory.current" : "memory.usage_in_bytes", &cur, err) < 0)
                return error_wrap(err, "linux.resources.memory.checkBeforeUpdate");
        long long usage = strtoll(cur, NULL, 10);
        if (usage > m->limit)
                return error_make(err, EBUSY, "linux.resources.memory.checkBeforeUpdate: the container uses %lld "
                                  "bytes, more than the new limit %lld", usage, (long long)m->limit);
        return 0;
}

int cg_update_quota(const struct cgroup *cg, struct spec_resources *r, struct error **err)
{
        if (check_memory_usage(cg, &r->memory, err) < 0)
                return -1;
        const struct cg_hier *h2 = cg_v2_hier(cg);
        /* cpu.max holds quota and period together: a period alone keeps the current quota */
        if (h2 && r->cpu.has_period && r->cpu.period && !r->cpu.has_quota && cg_v2_has_controller(h2->dir, "cpu")) {
                cleanup_free char *cur = NULL;
                if (cg_read(h2->dir, "cpu.max", &cur, err) < 0)
                        return -1;
                int64_t q = -1;
                if (strncmp(cur, "max", 3) != 0)
                        q = strtoll(cur, NULL, 10);
                r->cpu.has_quota = true;
                r->cpu.quota = q;
        }
        /* swap is the memory+swap total: a swap alone is taken against the current limit
         * (runc writes it alone; cgroup v2 needs the limit to compute swap.max, review35) */
        if (r->memory.has_swap && r->memory.swap > 0 && !(r->memory.has_limit && r->memory.limit != 0)) {
                const struct cg_hier *h1 = cg_v1_hier(cg, "memory");
                bool v2 = h2 && cg_v2_has_controller(h2->dir, "memory");
                cleanup_free char *cur = NULL;
                if ((v2 || h1) && cg_read(v2 ? h2->dir : h1->dir, v2 ? "memory.max" : "memory.limit_in_bytes", &cur, err) < 0)
                        return error_wrap(err, "linux.resources.memory.swap: the current memory limit");
                if (cur) {
                        long long limit = strncmp(cur, "max", 3) == 0 ? -1 : strtoll(cur, NULL, 10);
                        /* v1 shows "no limit" as a page-rounded LLONG_MAX */
                        r->memory.has_limit = true;
                        r->memory.limit = limit >= (1LL << 62) ? -1 : limit;
                }
        }
        return 0;
}

int cg_update_files(const struct cgroup *cg, const struct spec_resources *res, struct error **err)
{
        struct spec_resources r = *res;
        if (cg_update_quota(cg, &r, err) < 0)
                return -1;
        __attribute__((cleanup(cg_undo_free))) struct cg_undo undo;
        cg_undo_take(cg, &r, &undo);
        /* an update without device rules leaves the current ones */
        if (cg_apply(cg, &r, err) < 0 || (r.n_devices && cgroup_apply_devices(cg, &r, err) < 0)) {
                size_t left = cg_undo_restore(&undo);
                if (left)
                        log_warning("update: %zu of the values it had written could not be put back", left);
                return -1;
        }
        return 0;
}
