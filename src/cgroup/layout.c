/* The cgroup hierarchies this host mounts under /sys/fs/cgroup (pure v2, or v1 controllers
 * beside a cgroup2 "unified" mount) and the runtime's own cgroup in each, from /proc/self. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/vfs.h>

#include "contain/util.h"
#include "internal.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_ROOT "/sys/fs/cgroup"

static const char *const v1_controllers[] = {
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio",
        "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc",
};

bool cg_name_has(const char *list, const char *controller)
{
        size_t n = strlen(controller);
        for (const char *p = list; p && *p;) {
                const char *e = strchrnul(p, ',');
                if ((size_t)(e - p) == n && strncmp(p, controller, n) == 0)
                        return true;
                p = *e ? e + 1 : e;
        }
        return false;
}

bool cgroup_host_is_v2(void)
{
        struct statfs st;
        return statfs(CGROUP_ROOT, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

void cg_mounts_free(struct cg_mount *m, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(m[i].name);
                free(m[i].mountpoint);
                free(m[i].own);
        }
        free(m);
}

/* The controllers named in a v1 mount's super options, "cpu,cpuacct"; NULL for none
 * (named hierarchies such as name=systemd hold no limits). */
static char *v1_name(const char *superopts)
{
        cleanup_free char *name = NULL;
        for (size_t i = 0; i < ARRAY_SIZE(v1_controllers); i++) {
                if (!cg_name_has(superopts, v1_controllers[i]))
                        continue;
                char *n = xasprintf("%s%s%s", name ? name : "", name ? "," : "", v1_controllers[i]);
                free(name);
                name = n;
        }
        return steal_pointer(&name);
}

/* The runtime's cgroup for a hierarchy: "0::/x" for v2, "4:memory:/x" for v1. */
static char *own_path(const char *proc_cgroup, const char *name, bool v2)
{
        cleanup_free char *copy = xstrdup(proc_cgroup);
        char *save = NULL;
        for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *c1 = strchr(l, ':');
                char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c2)
                        continue;
                *c1 = *c2 = '\0';
                /* v1 lines list the hierarchy's controllers: match on the first one */
                *strchrnul(c1 + 1, ',') = '\0';
                bool match = v2 ? strcmp(l, "0") == 0 && c1 + 1 == c2
                                : c1 + 1 != c2 && cg_name_has(name, c1 + 1);
                if (match)
                        return xstrdup(c2 + 1);
        }
        return xstrdup("/");
}

static void add_mount(struct cg_mount **out, size_t *n, const char *name, const char *mountpoint,
                      const char *root, const char *proc_cgroup, bool v2)
{
        for (size_t i = 0; i < *n; i++)
                if (strcmp((*out)[i].name, name) == 0)
                        return;         /* mounted twice: the first is enough */
        cleanup_free char *own = own_path(proc_cgroup, name, v2);
        const char *rel = own;
        /* inside a cgroup namespace or a bind of a sub-tree the mount's root is not "/" */
        if (strcmp(root, "/") != 0 && str_has_prefix(own, root))
                rel = own + strlen(root);
        *out = xrealloc(*out, (*n + 1) * sizeof(**out));
        (*out)[(*n)++] = (struct cg_mount){
                .name = xstrdup(name),
                .mountpoint = xstrdup(mountpoint),
                .own = xasprintf("%s%s%s", mountpoint, *rel == '/' ? "" : "/", strcmp(rel, "/") == 0 ? "" : rel),
                .v2 = v2,
        };
}

int cg_mounts(struct cg_mount **out, size_t *n, struct error **err)
{
        cleanup_free char *info = NULL, *proc_cgroup = NULL;
        if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", 0, &info, NULL, err) < 0 ||
            read_file_at(AT_FDCWD, "/proc/self/cgroup", 0, &proc_cgroup, NULL, err) < 0)
                return error_wrap(err, "find the cgroup hierarchies");

        struct cg_mount *m = NULL;
        size_t count = 0;
        char *save = NULL;
        for (char *l = strtok_r(info, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *dash = strstr(l, " - ");
                if (!dash)
                        continue;
                char fstype[32], superopts[512], root[4096], mountpoint[4096];
                if (sscanf(dash + 3, "%31s %*s %511s", fstype, superopts) != 2 ||
                    sscanf(l, "%*s %*s %*s %4095s %4095s", root, mountpoint) != 2)
                        continue;
                mountinfo_unescape(root);
                mountinfo_unescape(mountpoint);
                if (strcmp(mountpoint, CGROUP_ROOT) != 0 && !str_has_prefix(mountpoint, CGROUP_ROOT "/"))
                        continue;
                if (strcmp(fstype, "cgroup2") == 0) {
                        add_mount(&m, &count, "unified", mountpoint, root, proc_cgroup, true);
                } else if (strcmp(fstype, "cgroup") == 0) {
                        cleanup_free char *name = v1_name(superopts);
                        if (name)
                                add_mount(&m, &count, name, mountpoint, root, proc_cgroup, false);
                }
        }
        if (count == 0)
                return error_make(err, ENOENT, "no cgroup hierarchy is mounted under " CGROUP_ROOT);
        *out = m;
        *n = count;
        return 0;
}
