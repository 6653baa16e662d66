/* The public cgroup interface: creating the container's directories in every hierarchy the
 * host has (pure v2, or hybrid v1 + unified), the state string, entering, pids, and the
 * handle's lifetime.  Limits: apply.c; kill/freeze/destroy: control.c; stats: stats.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

void cgroup_free(struct cgroup *cg)
{
        if (!cg)
                return;
        for (size_t i = 0; i < cg->n_h; i++) {
                free(cg->h[i].name);
                free(cg->h[i].dir);
        }
        free(cg->h);
        free(cg->path);
        free(cg->state);
        if (cg->v2_fd >= 0)
                close(cg->v2_fd);
        free(cg);
}

const char *cgroup_state_string(const struct cgroup *cg) { return cg->state; }
const char *cgroup_path(const struct cgroup *cg) { return cg->path; }
int cgroup_clone_fd(const struct cgroup *cg) { return cg->v2_fd; }

const struct cg_hier *cg_v2_hier(const struct cgroup *cg)
{
        for (size_t i = 0; i < cg->n_h; i++)
                if (cg->h[i].v2)
                        return &cg->h[i];
        return NULL;
}

const struct cg_hier *cg_v1_hier(const struct cgroup *cg, const char *controller)
{
        for (size_t i = 0; i < cg->n_h; i++)
                if (!cg->h[i].v2 && cg_name_has(cg->h[i].name, controller))
                        return &cg->h[i];
        return NULL;
}

static struct cgroup *cgroup_new(enum cgroup_manager mgr)
{
        struct cgroup *cg = xcalloc(1, sizeof(*cg));
        cg->mgr = mgr;
        cg->v2_fd = -1;
        return cg;
}

/* "v1;mgr=N;path=P;h=NAME:CREATED:DIR;..." — everything cgroup_open() needs, so that a
 * later command finds the directories whatever cgroup it runs in itself. */
static void build_state(struct cgroup *cg)
{
        cleanup_free char *s = xasprintf("contain-cgroup-1;mgr=%d;path=%s", (int)cg->mgr, cg->path);
        for (size_t i = 0; i < cg->n_h; i++) {
                char *n = xasprintf("%s;h=%s:%d:%s", s, cg->h[i].name, cg->h[i].created, cg->h[i].dir);
                free(s);
                s = n;
        }
        free(cg->state);
        cg->state = steal_pointer(&s);
}

static void open_v2_fd(struct cgroup *cg)
{
        const struct cg_hier *h2 = cg_v2_hier(cg);
        /* CLONE_INTO_CGROUP only when v2 holds every hierarchy: on hybrid hosts the v1
         * ones need cgroup_enter() anyway, which also writes the unified one */
        if (cg->pure_v2 && h2)
                cg->v2_fd = open(h2->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int cgroup_open(const char *state_string, struct cgroup **out, struct error **err)
{
        if (!state_string || strcmp(state_string, "disabled") == 0 || !*state_string) {
                struct cgroup *cg = cgroup_new(CGROUP_MANAGER_DISABLED);
                cg->path = xstrdup("");
                cg->state = xstrdup("disabled");
                *out = cg;
                return 0;
        }
        if (!str_has_prefix(state_string, "contain-cgroup-1;"))
                return error_make(err, EINVAL, "unknown cgroup state '%s'", state_string);

        cleanup_cgroup struct cgroup *cg = cgroup_new(CGROUP_MANAGER_CGROUPFS);
        cleanup_free char *copy = xstrdup(state_string);
        char *save = NULL;
        cg->pure_v2 = true;
        for (char *f = strtok_r(copy, ";", &save); f; f = strtok_r(NULL, ";", &save)) {
                if (str_has_prefix(f, "mgr=")) {
                        cg->mgr = (enum cgroup_manager)atoi(f + 4);
                } else if (str_has_prefix(f, "path=")) {
                        cg->path = xstrdup(f + 5);
                } else if (str_has_prefix(f, "h=")) {
                        char *c1 = strchr(f + 2, ':');
                        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                        if (!c2 || c2[1] != '/')
                                return error_make(err, EINVAL, "malformed cgroup state entry '%s'", f);
                        cg->h = xrealloc(cg->h, (cg->n_h + 1) * sizeof(*cg->h));
                        struct cg_hier *h = &cg->h[cg->n_h++];
                        h->name = xstrndup(f + 2, (size_t)(c1 - f - 2));
                        h->created = atoi(c1 + 1);
                        h->dir = xstrdup(c2 + 1);
                        h->v2 = strcmp(h->name, "unified") == 0;
                        if (!h->v2)
                                cg->pure_v2 = false;
                }
        }
        if (!cg->path || cg->n_h == 0)
                return error_make(err, EINVAL, "malformed cgroup state '%s'", state_string);
        build_state(cg);
        open_v2_fd(cg);
        *out = steal_pointer(&cg);
        return 0;
}

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

static bool has_procs(const char *dir)
{
        cleanup_free char *procs = NULL;
        struct error *e = NULL;
        if (cg_read(dir, "cgroup.procs", &procs, &e) < 0) {
                error_free(e);
                return false;
        }
        return strspn(procs, " \n") != strlen(procs);
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
                        /* a leftover of a container that is gone: adopt it, refuse a live one */
                        if (has_procs(path))
                                return error_make(err, EBUSY, "cgroup %s already exists and has processes", path);
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
                build_state(cg);        /* so that a failure below still cleans what exists */
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

/* A cgroupsPath naming a cgroup someone froze would hold the init forever, deaf even to
 * SIGTERM of the runtime waiting for it: refuse it at once, as runc does. */
static int refuse_frozen(const struct cgroup *cg, struct error **err)
{
        bool frozen = false;
        if (cgroup_is_frozen(cg, &frozen, err) < 0)
                return -1;
        /* on cgroup2 a frozen ancestor shows only in the effective state */
        const struct cg_hier *h2 = cg_v2_hier(cg);
        cleanup_free char *events = NULL;
        struct error *e = NULL;
        if (!frozen && h2 && cg_read(h2->dir, "cgroup.events", &events, &e) == 0)
                frozen = strstr(events, "frozen 1") != NULL;
        error_free(e);
        if (frozen)
                return error_make(err, 0, "linux.cgroupsPath: the cgroup is frozen; thaw it first");
        return 0;
}

int cgroup_create(const struct spec *spec, const char *id, enum cgroup_manager mgr,
                  struct cgroup **out, struct error **err)
{
        if (mgr == CGROUP_MANAGER_DISABLED) {
                log_debug("cgroup: disabled by --cgroup-manager=disabled; no limits are applied");
                return cgroup_open("disabled", out, err);
        }
        cleanup_free char *rel = NULL;
        bool absolute;
        if (cg_resolve_path(spec->linux.cgroups_path, id, mgr, &rel, &absolute, err) < 0)
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
        cleanup_cgroup struct cgroup *cg = cgroup_new(mgr);
        cg->path = xasprintf("/%s", rel);
        cg->pure_v2 = n == 1 && m[0].v2;
        int r = create_dirs(cg, m, n, rel, absolute, res, err);
        /* the default parent ("contain/" below the runtime's cgroup) is the runtime's own:
         * whoever deletes the last container removes it, whoever created it */
        bool default_path = !spec->linux.cgroups_path || !*spec->linux.cgroups_path;
        for (size_t i = 0; default_path && i < cg->n_h; i++)
                if (cg->h[i].created == 1)
                        cg->h[i].created = 2;
        build_state(cg);
        cg_mounts_free(m, n);
        if (r == 0)
                r = refuse_frozen(cg, err);
        if (r == 0)
                r = cg_apply(cg, res, err);
        if (r == 0) {
                open_v2_fd(cg);
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
        *out = steal_pointer(&cg);
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

int cgroup_plan(const struct spec *spec, const char *id, enum cgroup_manager mgr, char **out,
                struct error **err)
{
        *out = NULL;
        if (mgr == CGROUP_MANAGER_DISABLED)
                return 0;
        cleanup_free char *rel = NULL;
        bool absolute;
        if (cg_resolve_path(spec->linux.cgroups_path, id, mgr, &rel, &absolute, err) < 0)
                return -1;
        struct cg_mount *m = NULL;
        size_t n = 0;
        if (cg_mounts(&m, &n, err) < 0)
                return -1;
        cleanup_cgroup struct cgroup *cg = cgroup_new(mgr);
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
                if (h->created == 0 && has_procs(h->dir))
                        r = error_make(err, EBUSY, "cgroup %s already exists and has processes", h->dir);
                else if (h->created == 0)
                        h->created = 1;
                /* as cgroup_create: the default parent goes with the last container */
                if (default_path && h->created == 1)
                        h->created = 2;
        }
        cg_mounts_free(m, n);
        if (r < 0)
                return error_wrap(err, "cgroup %s", cg->path);
        build_state(cg);
        *out = steal_pointer(&cg->state);
        return 0;
}

int cgroup_enter(const struct cgroup *cg, pid_t pid, struct error **err)
{
        char buf[32];
        snprintf(buf, sizeof(buf), "%d", (int)pid);
        for (size_t i = 0; i < cg->n_h; i++)
                if (cg_write(cg->h[i].dir, "cgroup.procs", buf, err) < 0)
                        return error_wrap(err, "move pid %d into cgroup %s", (int)pid, cg->path);
        return 0;
}

/* The hierarchy that lists the container's processes: v2, else a v1 one every process is in. */
const struct cg_hier *cg_primary(const struct cgroup *cg)
{
        static const char *const order[] = { "pids", "freezer", "memory", "cpu" };
        if (cg->pure_v2)
                return cg_v2_hier(cg);
        for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
                const struct cg_hier *h = cg_v1_hier(cg, order[i]);
                if (h)
                        return h;
        }
        return cg->n_h ? &cg->h[0] : NULL;
}

int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct error **err)
{
        const struct cg_hier *h = cg_primary(cg);
        cleanup_free char *text = NULL;
        *pids = NULL;
        *n = 0;
        if (!h)
                return 0;       /* cgroups disabled: the engine knows the init pid itself */
        if (cg_read(h->dir, "cgroup.procs", &text, err) < 0) {
                if ((*err)->errnum == ENOENT) {
                        error_freep(err);
                        return 0;       /* already gone: no processes */
                }
                return error_wrap(err, "list the processes of cgroup %s", cg->path);
        }
        size_t cap = 0;
        for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                int64_t v;
                if (parse_int64(l, &v) < 0 || v <= 0)
                        continue;
                if (*n == cap) {
                        cap = cap ? cap * 2 : 16;
                        *pids = xrealloc(*pids, cap * sizeof(**pids));
                }
                (*pids)[(*n)++] = (pid_t)v;
        }
        return 0;
}
