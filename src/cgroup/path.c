/* Where a container's cgroup lives: linux.cgroupsPath (absolute, relative, empty, or the
 * systemd "slice:prefix:name" form) turned into a checked path below a hierarchy. */
#include <errno.h>
#include <string.h>

#include "contain/util.h"
#include "internal.h"

/* Joins the components of p, refusing ".." and "." so the result stays below its base. */
static int normalise(const char *p, char **out, struct error **err)
{
        cleanup_free char *copy = xstrdup(p);
        cleanup_free char *res = xstrdup("");
        char *save = NULL;

        if (strpbrk(p, ";\n"))
                return error_make(err, 0, "linux.cgroupsPath '%s': ';' and newlines are not allowed", p);
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (strcmp(c, "..") == 0 || strcmp(c, ".") == 0)
                        return error_make(err, 0, "linux.cgroupsPath '%s': '%s' components are not "
                                          "allowed (the path must stay below its hierarchy)", p, c);
                char *n = xasprintf("%s%s%s", res, *res ? "/" : "", c);
                free(res);
                res = n;
        }
        if (!*res)
                return error_make(err, 0, "linux.cgroupsPath '%s' names the root cgroup", p);
        *out = steal_pointer(&res);
        return 0;
}

/* "system.slice:contain:abc" -> "system.slice/contain-abc.scope" (what systemd would make). */
static int systemd_path(const char *p, char **out, struct error **err)
{
        const char *c1 = strchr(p, ':');
        const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c1 || !c2 || strchr(c2 + 1, ':'))
                return error_make(err, 0, "linux.cgroupsPath '%s': with --systemd-cgroup the form "
                                  "is slice:prefix:name", p);
        cleanup_free char *slice = xstrndup(p, (size_t)(c1 - p));
        cleanup_free char *prefix = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
        const char *name = c2 + 1;
        if (!*name)
                return error_make(err, 0, "linux.cgroupsPath '%s': the name part is empty", p);
        if (!*slice) {
                free(slice);
                slice = xstrdup("system.slice");
        }
        if (strchr(slice, '/') || strchr(prefix, '/') || strchr(name, '/'))
                return error_make(err, 0, "linux.cgroupsPath '%s': slice, prefix and name cannot "
                                  "contain '/'", p);
        *out = xasprintf("%s/%s%s%s.scope", slice, prefix, *prefix ? "-" : "", name);
        return 0;
}

int cg_resolve_path(const char *cgroups_path, const char *id, enum cgroup_manager mgr,
                    char **rel, bool *absolute, struct error **err)
{
        cleanup_free char *raw = NULL;

        if (!cgroups_path || !*cgroups_path) {
                /* below the runtime's own cgroup, as runc does: on hosts where the runtime
                 * sits in a limited cgroup (this machine's memory hierarchy) the container
                 * stays inside that limit */
                *absolute = false;
                raw = xasprintf("contain/%s", id);
        } else if (mgr == CGROUP_MANAGER_SYSTEMD) {
                *absolute = true;
                if (systemd_path(cgroups_path, &raw, err) < 0)
                        return -1;
        } else {
                *absolute = cgroups_path[0] == '/';
                raw = xstrdup(cgroups_path);
        }
        return normalise(raw, rel, err);
}
