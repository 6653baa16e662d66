/* The public cgroup interface: the handle, its state string, and handing create, enter,
 * update and destroy to the manager that owns the cgroup (fs.c, disabled.c).  Acting on the
 * processes: control.c; limits: apply.c; stats: stats.c. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

void cgroup_free(struct cgroup *cg)
{
        if (!cg)
                return;
        if (cg->ops->release)
                cg->ops->release(cg);
        for (size_t i = 0; i < cg->n_h; i++) {
                free(cg->h[i].name);
                free(cg->h[i].dir);
        }
        free(cg->h);
        free(cg->path);
        free(cg->state);
        free(cg->unit);
        if (cg->v2_fd >= 0)
                close(cg->v2_fd);
        free(cg);
}

const char *cgroup_state_string(const struct cgroup *cg) { return cg->state; }
const char *cgroup_path(const struct cgroup *cg) { return cg->path; }
int cgroup_clone_fd(const struct cgroup *cg) { return cg->v2_fd; }
bool cgroup_is_real(const struct cgroup *cg) { return cg->ops != &cg_manager_disabled; }

static struct cgroup *cgroup_new(enum cgroup_manager mgr, const struct cg_manager *ops)
{
        struct cgroup *cg = xcalloc(1, sizeof(*cg));
        cg->mgr = mgr;
        cg->ops = ops;
        cg->v2_fd = -1;
        return cg;
}

/* "contain-cgroup-1;mgr=N;path=P[;unit=U];h=NAME:CREATED:DIR;..." — everything cgroup_open() needs,
 * so that a later command finds the directories whatever cgroup it runs in itself. */
void cg_build_state(struct cgroup *cg)
{
        if (cg->ops == &cg_manager_disabled) {
                free(cg->state);
                cg->state = xstrdup("disabled");
                return;
        }
        cleanup_free char *s = xasprintf("contain-cgroup-1;mgr=%d;path=%s%s%s", (int)cg->mgr, cg->path,
                                         cg->unit ? ";unit=" : "", cg->unit ? cg->unit : "");
        for (size_t i = 0; i < cg->n_h; i++) {
                char *n = xasprintf("%s;h=%s:%d:%s", s, cg->h[i].name, cg->h[i].created, cg->h[i].dir);
                free(s);
                s = n;
        }
        free(cg->state);
        cg->state = steal_pointer(&s);
}

void cg_open_v2_fd(struct cgroup *cg)
{
        const struct cg_hier *h2 = cg_v2_hier(cg);
        /* CLONE_INTO_CGROUP only when v2 holds every hierarchy: on hybrid hosts the v1
         * ones need cgroup_enter() anyway, which also writes the unified one */
        if (cg->pure_v2 && h2 && cg->v2_fd < 0)
                cg->v2_fd = open(h2->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int cgroup_open(const char *state_string, struct cgroup **out, struct error **err)
{
        if (!state_string || strcmp(state_string, "disabled") == 0 || !*state_string) {
                struct cgroup *cg = cgroup_new(CGROUP_MANAGER_DISABLED, &cg_manager_disabled);
                cg->path = xstrdup("");
                cg_build_state(cg);
                *out = cg;
                return 0;
        }
        if (!str_has_prefix(state_string, "contain-cgroup-1;"))
                return error_make(err, EINVAL, "unknown cgroup state '%s'", state_string);

        cleanup_cgroup struct cgroup *cg = cgroup_new(CGROUP_MANAGER_CGROUPFS, &cg_manager_fs);
        cleanup_free char *copy = xstrdup(state_string);
        char *save = NULL;
        cg->pure_v2 = true;
        for (char *f = strtok_r(copy, ";", &save); f; f = strtok_r(NULL, ";", &save)) {
                if (str_has_prefix(f, "mgr=")) {
                        cg->mgr = (enum cgroup_manager)atoi(f + 4);
                } else if (str_has_prefix(f, "unit=")) {
                        free(cg->unit);
                        cg->unit = xstrdup(f + 5);
                        cg->ops = &cg_manager_systemd;
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
        cg_build_state(cg);
        cg_open_v2_fd(cg);
        *out = steal_pointer(&cg);
        return 0;
}

int cgroup_create(const struct spec *spec, const char *id, enum cgroup_manager mgr,
                  struct cgroup **out, struct error **err)
{
        const struct cg_manager *ops = mgr == CGROUP_MANAGER_DISABLED ? &cg_manager_disabled
                                       : mgr == CGROUP_MANAGER_SYSTEMD ? &cg_manager_systemd : &cg_manager_fs;
        cleanup_cgroup struct cgroup *cg = cgroup_new(mgr, ops);
        if (cg->ops->create(cg, spec, id, err) < 0)
                return -1;
        *out = steal_pointer(&cg);
        return 0;
}

int cgroup_plan(const struct spec *spec, const char *id, enum cgroup_manager mgr, char **out,
                struct error **err)
{
        *out = NULL;
        if (mgr == CGROUP_MANAGER_DISABLED) {
                *out = xstrdup("disabled");     /* what cg_build_state() records for it */
                return 0;
        }
        /* a systemd scope is recorded once cgroup_create has named it (no directory is ours) */
        cleanup_cgroup struct cgroup *cg = cgroup_new(mgr, &cg_manager_fs);
        if (cg_fs_plan(cg, spec, id, err) < 0)
                return -1;
        *out = steal_pointer(&cg->state);
        return 0;
}

int cgroup_enter(struct cgroup *cg, pid_t pid, struct error **err)
{
        return cg->ops->enter(cg, pid, err);
}

/* Whether hierarchy h holds the controller: a v1 hierarchy by its name, the v2 one as "unified"
 * or by one of the container cgroup's own controllers (cgroup.controllers). */
static bool hier_has_controller(const struct cg_hier *h, const char *controller)
{
        if (!h->v2)
                return cg_name_has(h->name, controller);
        if (strcmp(controller, "unified") == 0)
                return true;
        cleanup_free char *list = NULL;
        cleanup_free char *file = xasprintf("%s/cgroup.controllers", h->dir);
        struct error *e = NULL;
        int r = read_file_at(AT_FDCWD, file, 0, &list, NULL, &e);
        error_free(e);
        if (r < 0)
                return false;
        for (char *save = NULL, *c = strtok_r(list, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
                if (strcmp(c, controller) == 0)
                        return true;
        return false;
}

/* sub: "PATH" for every hierarchy, or "CONTROLLER[,CONTROLLER...]:PATH" for those holding one
 * of them (runc's exec --cgroup); PATH relative, without "." or "..". */
static int sub_path_for(const struct cg_hier *h, const char *sub, const char **path, struct error **err)
{
        const char *colon = strchr(sub, ':');
        *path = colon ? colon + 1 : sub;
        if (!**path || **path == '/')
                return error_make(err, 0, "--cgroup '%s': expected a relative path below the container's cgroup", sub);
        cleanup_free char *copy = xstrdup(*path);
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
                if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
                        return error_make(err, 0, "--cgroup '%s': '%s' components are not allowed", sub, c);
        if (!colon)
                return 1;
        cleanup_free char *ctrls = xstrndup(sub, (size_t)(colon - sub));
        save = NULL;
        for (char *c = strtok_r(ctrls, ",", &save); c; c = strtok_r(NULL, ",", &save))
                if (hier_has_controller(h, c))
                        return 1;
        return 0;
}

/* Every controller sub names is one of the container's: "bogus:x" would otherwise leave the
 * process in the container's own cgroup without a word (review35), where runc refuses it. */
static int sub_controllers_known(const struct cgroup *cg, const char *sub, struct error **err)
{
        const char *colon = strchr(sub, ':');
        if (!colon)
                return 0;
        cleanup_free char *ctrls = xstrndup(sub, (size_t)(colon - sub));
        /* strsep, not strtok: ",:sub" names an empty controller, not none (review37) */
        for (char *rest = ctrls, *c; (c = strsep(&rest, ","));) {
                if (!*c)
                        return error_make(err, 0, "--cgroup '%s': an empty controller name before ':'", sub);
                bool known = false;
                for (size_t i = 0; i < cg->n_h && !known; i++)
                        known = hier_has_controller(&cg->h[i], c);
                if (!known)
                        return error_make(err, 0, "--cgroup '%s': the container's cgroup has no controller \"%s\"", sub, c);
        }
        return 0;
}

int cgroup_enter_sub(const struct cgroup *cg, pid_t pid, const char *sub, struct error **err)
{
        char buf[32];
        snprintf(buf, sizeof(buf), "%d", (int)pid);
        if (sub_controllers_known(cg, sub, err) < 0)
                return -1;
        for (size_t i = 0; i < cg->n_h; i++) {
                const char *path;
                int r = sub_path_for(&cg->h[i], sub, &path, err);
                if (r < 0)
                        return -1;
                cleanup_free char *dir = r ? xasprintf("%s/%s", cg->h[i].dir, path) : xstrdup(cg->h[i].dir);
                if (cg_write(dir, "cgroup.procs", buf, err) < 0)
                        return error_wrap(err, "--cgroup '%s'", sub);
        }
        return 0;
}

int cgroup_update(const struct cgroup *cg, const struct spec_resources *res, struct error **err)
{
        if (cg->ops->update(cg, res, err) < 0)
                return error_wrap(err, "update cgroup %s", cg->path);
        return 0;
}

bool cgroup_has_processes(const struct cgroup *cg)
{
        const struct cg_hier *h = cg_primary(cg);
        return h && cg_tree_in_use(h->dir) != CG_TREE_EMPTY;
}

int cgroup_destroy(const struct cgroup *cg, struct error **err)
{
        cg_stop_processes(cg);
        return cg->ops->destroy(cg, err);
}
