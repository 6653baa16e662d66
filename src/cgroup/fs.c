/* The cgroupfs manager: the container's directories in every hierarchy the host mounts (pure
 * v2, or hybrid v1 + unified), made and removed by us, with the controllers handed down the
 * unified tree and the limits written to the files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* v1 cpuset children start with empty cpus/mems and refuse tasks: copy the parent's. */
static int cpuset_inherit(const char *dir, struct error **err)
{
        cleanup_free char *parent = xstrdup(dir);
        *strrchr(parent, '/') = '\0';
        static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
        for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
                cleanup_free char *mine = NULL, *theirs = NULL;
                if (cg_read(dir, files[i], &mine, err) < 0)
                        return -1;
                if (strspn(mine, " \n") != strlen(mine))
                        continue;
                if (cg_read(parent, files[i], &theirs, err) < 0 ||
                    cg_write(dir, files[i], theirs, err) < 0)
                        return -1;
        }
        return 0;
}

/* mkdir base/rel one component at a time, counting what we made, so destroy removes
 * exactly that (and not a pre-existing parent such as a systemd slice).  *vanished is set
 * when a parent disappeared under us: another container's delete removed it once empty. */
static int make_dirs_once(struct cg_hier *h, const char *base, const char *rel, bool cpuset,
                          bool *vanished, struct error **err)
{
        cleanup_free char *path = xstrdup(base);
        cleanup_free char *copy = xstrdup(rel);
        char *save = NULL;
        int depth = 0, total = 1;

        for (const char *p = rel; *p; p++)
                total += *p == '/';
        h->created = 0;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                char *n = xasprintf("%s/%s", path, c);
                free(path);
                path = n;
                depth++;
                if (mkdir(path, 0755) == 0) {
                        if (h->created == 0)
                                h->created = total - depth + 1;
                } else if (errno == ENOENT && depth > 1) {
                        /* a parent went, even one we made: the default parent is removed by
                         * whichever delete finds it empty, so it can go between two mkdirs */
                        *vanished = true;
                        return error_make(err, errno, "create cgroup %s", path);
                } else if (errno != EEXIST) {
                        return error_make(err, errno, "create cgroup %s", path);
                } else if (depth == total) {
                        /* a leftover of a container that is gone: adopt it; refuse a live one,
                         * also one whose processes are in cgroups below it: delete would kill
                         * them with it */
                        enum cg_tree_use use = cg_tree_in_use(path);
                        if (use != CG_TREE_EMPTY)
                                return cg_refuse_existing(path, use, err);
                        h->created = 1;
                }
                /* Every level, also one another create just made: it may not have copied
                 * cpus/mems yet, and an empty parent would leave ours empty too. */
                if (cpuset && cpuset_inherit(path, err) < 0) {
                        /* path is still a parent (depth < total) and was removed meanwhile:
                         * its files give ENOENT, or ENODEV when opened just before the rmdir */
                        int e = (*err)->errnum;
                        if ((e == ENOENT || e == ENODEV) && depth < total)
                                *vanished = true;
                        return error_wrap(err, "prepare cpuset cgroup");
                }
        }
        return 0;
}

static int make_dirs(struct cg_hier *h, const char *base, const char *rel, bool cpuset, struct error **err)
{
        h->dir = xasprintf("%s/%s", base, rel);
        for (int attempt = 0;; attempt++) {
                bool vanished = false;
                if (make_dirs_once(h, base, rel, cpuset, &vanished, err) == 0)
                        return 0;
                if (!vanished || attempt == 50)
                        return -1;
                error_freep(err);
        }
}

static const char *const v2_wanted[] = { "cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc" };

/* The controllers to hand down in the unified hierarchy: all we know on a pure v2 host (so
 * stats and later updates find them); on a hybrid host only those the limits need, so the
 * host's shared cgroup2 tree is left as it is otherwise. */
static char **v2_controllers(const struct cgroup *cg, const struct spec_resources *res, struct error **err)
{
        char **list = NULL;
        if (cg->pure_v2) {
                for (size_t i = 0; i < ARRAY_SIZE(v2_wanted); i++)
                        strv_append(&list, v2_wanted[i]);
                return list;
        }
        cleanup_cg_settings struct cg_settings s = { 0 };
        if (cg_convert_v2(res, &s, err) < 0)
                return NULL;
        for (size_t i = 0; i < s.n; i++) {
                bool seen = false;
                for (char **l = list; l && *l; l++)
                        seen |= strcmp(*l, s.v[i].controller) == 0;
                if (!seen && strcmp(s.v[i].controller, "cgroup") != 0)
                        strv_append(&list, s.v[i].controller);
        }
        if (!list)
                list = xcalloc(1, sizeof(char *));
        return list;
}

static int create_dirs(struct cgroup *cg, const struct cg_mount *m, size_t n, const char *rel,
                       bool absolute, const struct spec_resources *res, struct error **err)
{
        for (size_t i = 0; i < n; i++) {
                cg->h = xrealloc(cg->h, (cg->n_h + 1) * sizeof(*cg->h));
                struct cg_hier *h = &cg->h[cg->n_h++];
                *h = (struct cg_hier){ .name = xstrdup(m[i].name), .v2 = m[i].v2 };
                const char *base = absolute ? m[i].mountpoint : m[i].own;
                int r = make_dirs(h, base, rel, !m[i].v2 && cg_name_has(m[i].name, "cpuset"), err);
                cg_build_state(cg);        /* so that a failure below still cleans what exists */
                if (r < 0)
                        return -1;
                if (m[i].v2) {
                        cleanup_strv char **ctrls = v2_controllers(cg, res, err);
                        if (!ctrls || cg_v2_enable(m[i].mountpoint, h->dir, ctrls, err) < 0)
                                return -1;
                }
        }
        return 0;
}

/* How many trailing components of dir below base do not exist yet: what a create now would
 * make (a parent someone else makes meanwhile is removed only while empty, as rmdir does). */
static int missing_components(const char *base, const char *dir)
{
        cleanup_free char *p = xstrdup(dir);
        size_t base_len = strlen(base);
        int n = 0;
        while (strlen(p) > base_len && access(p, F_OK) < 0 && errno == ENOENT) {
                n++;
                *strrchr(p, '/') = '\0';
        }
        return n;
}

int cg_fs_plan(struct cgroup *cg, const struct spec *spec, const char *id, struct error **err)
{
        cleanup_free char *rel = NULL;
        bool absolute;
        if (cg_resolve_path(spec->linux.cgroups_path, id, cg->mgr, &rel, &absolute, err) < 0)
                return -1;
        struct cg_mount *m = NULL;
        size_t n = 0;
        if (cg_mounts(&m, &n, err) < 0)
                return -1;
        cg->path = xasprintf("/%s", rel);
        bool default_path = !spec->linux.cgroups_path || !*spec->linux.cgroups_path;
        int r = 0;
        for (size_t i = 0; i < n && r == 0; i++) {
                const char *base = absolute ? m[i].mountpoint : m[i].own;
                cg->h = xrealloc(cg->h, (cg->n_h + 1) * sizeof(*cg->h));
                struct cg_hier *h = &cg->h[cg->n_h++];
                *h = (struct cg_hier){ .name = xstrdup(m[i].name), .v2 = m[i].v2,
                                       .dir = xasprintf("%s/%s", base, rel) };
                h->created = missing_components(base, h->dir);
                /* the leaf exists: a leftover create adopts, or a live cgroup create refuses
                 * (before anything records it, so no delete can kill what is not ours) */
                enum cg_tree_use use = h->created == 0 ? cg_tree_in_use(h->dir) : CG_TREE_EMPTY;
                if (use != CG_TREE_EMPTY)
                        r = cg_refuse_existing(h->dir, use, err);
                else if (h->created == 0)
                        h->created = 1;
                /* as cgroup_create: the default parent goes with the last container */
                if (default_path && h->created == 1)
                        h->created = 2;
        }
        cg_mounts_free(m, n);
        if (r < 0)
                return error_wrap(err, "cgroup %s", cg->path);
        cg_build_state(cg);
        return 0;
}

static int fs_create(struct cgroup *cg, const struct spec *spec, const char *id, struct error **err)
{
        cleanup_free char *rel = NULL;
        bool absolute;
        if (cg_resolve_path(spec->linux.cgroups_path, id, cg->mgr, &rel, &absolute, err) < 0)
                return -1;

        /* validate the limits before touching the file system */
        const struct spec_resources *res = &spec->linux.resources;
        cleanup_cg_settings struct cg_settings s2 = { 0 }, s1 = { 0 };
        if (cg_convert_v2(res, &s2, err) < 0 || cg_convert_v1(res, &s1, err) < 0)
                return -1;

        struct cg_mount *m = NULL;
        size_t n = 0;
        if (cg_mounts(&m, &n, err) < 0)
                return -1;
        cg->path = xasprintf("/%s", rel);
        cg->pure_v2 = n == 1 && m[0].v2;
        int r = create_dirs(cg, m, n, rel, absolute, res, err);
        /* the default parent ("contain/" below the runtime's cgroup) is the runtime's own:
         * whoever deletes the last container removes it, whoever created it */
        bool default_path = !spec->linux.cgroups_path || !*spec->linux.cgroups_path;
        for (size_t i = 0; default_path && i < cg->n_h; i++)
                if (cg->h[i].created == 1)
                        cg->h[i].created = 2;
        cg_build_state(cg);
        cg_mounts_free(m, n);
        if (r == 0)
                r = cg_refuse_frozen(cg, err);
        if (r == 0)
                r = cg_apply(cg, res, err);
        if (r == 0)
                r = cgroup_realtime_budget(cg, &spec->process, res, err);
        if (r == 0) {
                cg_open_v2_fd(cg);
                if (cg->pure_v2 && cg->v2_fd < 0)
                        r = error_make(err, errno, "open cgroup %s", cg_v2_hier(cg)->dir);
        }
        if (r < 0) {
                struct error *e = NULL;
                if (cgroup_destroy(cg, &e) < 0) {
                        log_debug("cgroup: cleanup after a failed create: %s", e->msg);
                        error_free(e);
                }
                return error_wrap(err, "cgroup %s", cg->path);
        }
        log_debug("cgroup: %s created in %zu hierarch%s%s", cg->path, cg->n_h, cg->n_h == 1 ? "y" : "ies",
                  cg->pure_v2 ? " (cgroup v2)" : " (hybrid: v1 controllers + unified)");
        return 0;
}

static int fs_enter(struct cgroup *cg, pid_t pid, struct error **err)
{
        char buf[32];
        snprintf(buf, sizeof(buf), "%d", (int)pid);
        for (size_t i = 0; i < cg->n_h; i++)
                if (cg_write(cg->h[i].dir, "cgroup.procs", buf, err) < 0)
                        return error_wrap(err, "move pid %d into cgroup %s", (int)pid, cg->path);
        return 0;
}

/* The name of a subdirectory of the directory open as fd (a child cgroup), malloc'd, or NULL
 * when it has none (or cannot be read: the rmdir that follows says why). */
static char *first_child_cgroup(int fd)
{
        int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
        if (!d) {
                if (dfd >= 0)
                        close(dfd);
                return NULL;
        }
        char *name = NULL;
        for (struct dirent *de; !name && (de = readdir(d));)
                if (de->d_type == DT_DIR && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                        name = xstrdup(de->d_name);
        closedir(d);
        return name;
}

/* Gives back the realtime budget of the cgroup open as fd (through its /proc/self/fd path,
 * which stays short however deep the cgroup is). */
static void rt_release_fd(int fd)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        cg_rt_release(path);
}

/* "a/b/c" of names[0..n) */
static char *joined(char **names, size_t n)
{
        char *out = xstrdup("");
        for (size_t i = 0; i < n; i++) {
                char *o = xasprintf("%s%s%s", out, i ? "/" : "", names[i]);
                free(out);
                out = o;
        }
        return out;
}

/* Removes dir and any cgroups the container made below it (a container with a writable
 * cgroupfs can), deepest first, each giving its realtime budget back before it goes.  Walks
 * down and up by fds, each ".." checked against the way down, so a tree nested deeper than
 * PATH_MAX allows, which a container can make to outlive its delete, goes too.  -1 with errno
 * (EBUSY while dying processes hold a cgroup: the caller retries) and, when a cgroup below
 * dir was the one that would not go, *failed (malloc'd) its path relative to dir. */
static int remove_cgroup_tree(const char *dir, char **failed)
{
        int cur = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cur < 0)
                return errno == ENOENT ? 0 : -1;
        cleanup_strv char **names = NULL;      /* names[i]: the cgroup entered at depth i + 1 */
        size_t depth = 0, cap = 16;
        cleanup_free ino_t *inos = xcalloc(cap, sizeof(*inos));    /* inos[d]: level d, checked after ".." */
        struct stat st;
        if (fstat(cur, &st) < 0) {
                int e = errno;
                close(cur);
                errno = e;
                return -1;
        }
        inos[0] = st.st_ino;
        for (;;) {
                char *child = first_child_cgroup(cur);
                if (child) {
                        int sub = openat(cur, child, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub < 0) {
                                int e = errno;
                                free(child);
                                close(cur);
                                errno = e;
                                return -1;
                        }
                        close(cur);
                        cur = sub;
                        strv_append(&names, child);
                        free(child);
                        if (++depth == cap) {
                                cap *= 2;
                                inos = xrealloc(inos, cap * sizeof(*inos));
                        }
                        inos[depth] = fstat(cur, &st) == 0 ? st.st_ino : 0;
                        continue;
                }
                rt_release_fd(cur);
                if (depth == 0)
                        break;
                int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                close(cur);
                cur = up;
                depth--;
                /* cgroups move only within their parent, but a walk must never leave its tree */
                if (cur >= 0 && (fstat(cur, &st) < 0 || st.st_ino != inos[depth])) {
                        close(cur);
                        errno = ESTALE;
                        return -1;
                }
                if (cur < 0 || (unlinkat(cur, names[depth], AT_REMOVEDIR) < 0 && errno != ENOENT)) {
                        int e = errno;
                        if (cur >= 0)
                                close(cur);
                        free(*failed);
                        *failed = joined(names, depth + 1);
                        errno = e;
                        return -1;
                }
                free(names[depth]);
                names[depth] = NULL;
        }
        close(cur);
        if (rmdir(dir) < 0 && errno != ENOENT)
                return -1;
        return 0;
}

static int fs_destroy(const struct cgroup *cg, struct error **err)
{
        struct error *e = NULL;
        for (size_t i = 0; i < cg->n_h; i++) {
                const struct cg_hier *h = &cg->h[i];
                if (h->created <= 0)
                        continue;
                /* dying processes keep the cgroup busy for a moment */
                int tries = 0;
                cleanup_free char *failed = NULL;
                for (; remove_cgroup_tree(h->dir, &failed) < 0; free(failed), failed = NULL) {
                        if ((errno != EBUSY && errno != ENOTEMPTY) || ++tries > 500)
                                return error_make(err, errno, "remove cgroup %s%s%s", h->dir, failed ? "/" : "",
                                                  failed ? failed : "");
                        if (tries % 50 == 0 && cgroup_kill_all(cg, SIGKILL, &e) < 0) {
                                error_free(e);
                                e = NULL;
                        }
                        struct timespec ts = { 0, 10 * 1000 * 1000 };
                        nanosleep(&ts, NULL);
                }
                /* parents we created go too once empty; others' children keep them */
                cleanup_free char *p = xstrdup(h->dir);
                for (int k = 1; k < h->created; k++) {
                        char *slash = strrchr(p, '/');
                        if (!slash || slash == p)
                                break;
                        *slash = '\0';
                        cg_rt_release(p);
                        if (rmdir(p) < 0)
                                break;
                }
        }
        return 0;
}

const struct cg_manager cg_manager_fs = {
        .create = fs_create,
        .enter = fs_enter,
        .update = cg_update_files,
        .destroy = fs_destroy,
};
