/* linux.resources.unified: which cgroup files a config may write.  A key is one file of a
 * controller in the container's own cgroup, never a path, never the core files the runtime
 * itself uses to place, freeze and kill the container's processes. */
#include <string.h>

#include "spec_internal.h"

/* The cgroup.* files that are limits rather than the runtime's own controls. */
static const char *const core_limits[] = { "cgroup.max.depth", "cgroup.max.descendants", NULL };

const char *spec_unified_key_problem(const char *key)
{
        if (!key || !*key)
                return "must not be empty";
        if (strchr(key, '/') || strstr(key, ".."))
                return "not a file of the container's own cgroup (no '/' or '..')";
        /* kernel cgroup file names: letters, digits, '_', '-' and '.' ("hugetlb.2MB.max") */
        if (key[strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")])
                return "not a cgroup file name (letters, digits, '_', '-' and '.' only)";
        const char *dot = strchr(key, '.');
        if (!dot || dot == key || dot[1] == '\0')
                return "not a cgroup file name (want CONTROLLER.FILE, like \"memory.high\")";
        if (strncmp(key, "cgroup.", 7) == 0) {
                for (const char *const *k = core_limits; *k; k++)
                        if (strcmp(key, *k) == 0)
                                return NULL;
                /* cgroup.procs would move a host pid into the container (and delete --force
                 * would kill it); subtree_control, freeze, kill, type belong to the runtime */
                return "a core interface file of the cgroup, which the runtime manages: refused "
                       "(of cgroup.* only cgroup.max.depth and cgroup.max.descendants may be set)";
        }
        return NULL;
}

int parse_unified(struct pctx *p, const struct json *resources, struct spec_resources *r)
{
        if (pc_string_map(p, resources, "unified", &r->unified, &r->n_unified) < 0)
                return -1;
        for (size_t i = 0; i < r->n_unified; i++) {
                const char *why = spec_unified_key_problem(r->unified[i].key);
                if (why) {
                        pc_key(p, "unified");
                        pc_mapkey(p, r->unified[i].key);
                        return pc_fail(p, "%s", why);
                }
        }
        return 0;
}
