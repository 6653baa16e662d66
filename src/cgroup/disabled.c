/* The manager for --cgroup-manager=disabled: no cgroup at all.  The handle has no
 * hierarchies, so the shared operations find no processes and no files; limits are refused. */
#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

static int disabled_create(struct cgroup *cg, const struct spec *spec, const char *id, struct error **err)
{
        (void)spec;
        (void)id;
        (void)err;
        log_debug("cgroup: disabled by --cgroup-manager=disabled; no limits are applied");
        cg->path = xstrdup("");
        cg_build_state(cg);
        return 0;
}

static int disabled_enter(struct cgroup *cg, pid_t pid, struct error **err)
{
        (void)cg;
        (void)pid;
        (void)err;
        return 0;
}

static int disabled_update(const struct cgroup *cg, const struct spec_resources *res, struct error **err)
{
        (void)cg;
        (void)res;
        return error_make(err, 0, "cgroups are disabled (--cgroup-manager=disabled): limits cannot be applied");
}

static int disabled_destroy(const struct cgroup *cg, struct error **err)
{
        (void)cg;
        (void)err;
        return 0;
}

const struct cg_manager cg_manager_disabled = {
        .create = disabled_create,
        .enter = disabled_enter,
        .update = disabled_update,
        .destroy = disabled_destroy,
};
