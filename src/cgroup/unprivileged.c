/* The cgroup of a container created by a runtime without privileges over the host: a
 * delegated subtree it can write works as for root; without one the container runs with no
 * cgroup at all when it asks for no limits (as runc and crun do), and fails naming them when
 * it does. */
#include <errno.h>
#include <string.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* "memory.max=67108864, pids.max=16": the limits linux.resources asks for, malloc'd; NULL
 * when none (device rules are not limits: without a cgroup the user namespace's missing
 * CAP_MKNOD over the host already keeps device nodes out). */
static char *asked_limits(const struct spec_resources *res)
{
        cleanup_cg_settings struct cg_settings s = { 0 };
        struct error *e = NULL;
        if (cg_convert_v2(res, &s, &e) < 0) {
                error_free(e);
                return NULL;
        }
        char *text = NULL;
        for (size_t i = 0; i < s.n; i++) {
                char *n = xasprintf("%s%s%s=%s", text ? text : "", text ? ", " : "", s.v[i].file, s.v[i].value);
                free(text);
                text = n;
        }
        return text;
}

int cgroup_create_unprivileged(const struct spec *spec, const char *id, enum cgroup_manager mgr,
                               struct cgroup **out, struct error **err)
{
        struct error *e = NULL;
        if (cgroup_create(spec, id, mgr, out, &e) == 0)
                return 0;
        if (e->errnum != EACCES && e->errnum != EPERM && e->errnum != EROFS) {
                *err = e;
                return -1;
        }
        cleanup_free char *limits = asked_limits(&spec->linux.resources);
        if (limits) {
                error_make(err, 0, "linux.resources: %s asked for, but an unprivileged user can set limits only in "
                           "a cgroup v2 subtree delegated to it (%s)", limits, e->msg);
                error_free(e);
                return -1;
        }
        log_debug("cgroup: running without a cgroup: unprivileged and no limits asked for (%s)", e->msg);
        error_free(e);
        return cgroup_open("disabled", out, err);
}
