/* Acting on the container's processes through its cgroup's directories, whichever manager made
 * them: listing them, freeze/thaw (cgroup.freeze or the v1 freezer), signal all (cgroup.kill,
 * else freeze + kill each + thaw), and stopping them all before removal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

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

/* Two fds per level stay open on the way down: deeper than this, the walk would run out of
 * them under the usual limit of 1024. */
#define CG_MAX_DEPTH 256

/* Appends the pids in cgroup.procs of the cgroup open as fd and of every cgroup below it (a
 * container with a writable cgroupfs may have made some and moved processes there: runc's
 * ps and kill --all see them too).  By fds, so depth is no matter of path length.  Below
 * CG_MAX_DEPTH levels it does not look, and says so once (*deep): what it found above is still
 * listed and signalled, and on cgroup v2 cgroup.kill reaches the rest. */
static int collect_pids(int fd, unsigned depth, bool *deep, pid_t **pids, size_t *n, size_t *cap,
                        struct error **err)
{
        cleanup_free char *text = NULL;
        if (read_file_at(fd, "cgroup.procs", 0, &text, NULL, err) < 0)
                return -1;
        for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                int64_t v;
                if (parse_int64(l, &v) < 0 || v <= 0)
                        continue;
                if (*n == *cap) {
                        *cap = *cap ? *cap * 2 : 16;
                        *pids = xrealloc(*pids, *cap * sizeof(**pids));
                }
                (*pids)[(*n)++] = (pid_t)v;
        }
        int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
        if (!d) {
                if (dfd >= 0)
                        close(dfd);
                return error_make(err, errno, "read a cgroup directory");
        }
        int r = 0;
        for (struct dirent *de; r == 0 && (de = readdir(d));) {
                if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (depth + 1 > CG_MAX_DEPTH) {
                        *deep = true;
                        break;
                }
                int sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0) {
                        if (errno != ENOENT)        /* removed meanwhile: nothing in it */
                                r = error_make(err, errno, "open the cgroup %s", de->d_name);
                        continue;
                }
                r = collect_pids(sub, depth + 1, deep, pids, n, cap, err);
                close(sub);
                if (r < 0 && (*err)->errnum == ENOENT) {
                        error_freep(err);
                        r = 0;
                }
        }
        closedir(d);
        return r;
}

enum cg_tree_use cg_tree_in_use(const char *dir)
{
        cleanup_free char *events = NULL;
        struct error *e = NULL;
        if (cg_read(dir, "cgroup.events", &events, &e) == 0) {
                const char *p = strstr(events, "populated ");
                if (!p || (p != events && p[-1] != '\n'))
                        return CG_TREE_UNKNOWN;
                return p[strlen("populated ")] == '0' ? CG_TREE_EMPTY : CG_TREE_IN_USE;
        }
        bool gone = e->errnum == ENOENT && access(dir, F_OK) < 0;
        error_freep(&e);
        if (gone)
                return CG_TREE_EMPTY;
        cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? CG_TREE_EMPTY : CG_TREE_UNKNOWN;
        cleanup_free pid_t *pids = NULL;
        size_t n = 0, cap = 0;
        bool deep = false;
        int r = collect_pids(fd, 0, &deep, &pids, &n, &cap, &e);
        error_free(e);
        if (n > 0)
                return CG_TREE_IN_USE;
        return r < 0 || deep ? CG_TREE_UNKNOWN : CG_TREE_EMPTY;
}

int cg_refuse_existing(const char *dir, enum cg_tree_use use, struct error **err)
{
        if (use == CG_TREE_IN_USE)
                return error_make(err, EBUSY, "cgroup %s already exists and has processes (in it or below it)", dir);
        return error_make(err, EBUSY, "cgroup %s already exists and cannot be searched for processes (unreadable, "
                          "or cgroups nested deeper than %d levels below it): not taken", dir, CG_MAX_DEPTH);
}

int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct error **err)
{
        const struct cg_hier *h = cg_primary(cg);
        *pids = NULL;
        *n = 0;
        if (!h)
                return 0;       /* cgroups disabled: the engine knows the init pid itself */
        cleanup_close int fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : error_make(err, errno, "list the processes of cgroup %s", cg->path);
        size_t cap = 0;
        bool deep = false;
        int r = collect_pids(fd, 0, &deep, pids, n, &cap, err);
        if (deep)
                log_warning("cgroup %s: cgroups nested deeper than %d levels below it are not searched for processes",
                            cg->path, CG_MAX_DEPTH);
        if (r < 0) {
                if ((*err)->errnum == ENOENT) {
                        error_freep(err);
                        return 0;       /* already gone: no processes */
                }
                return error_wrap(err, "list the processes of cgroup %s", cg->path);
        }
        return 0;
}

int cgroup_freeze(const struct cgroup *cg, bool frozen, struct error **err)
{
        if (cg->mgr == CGROUP_MANAGER_DISABLED)
                return error_make(err, 0, "cgroups are disabled (--cgroup-manager=disabled): "
                                  "cannot %s the container", frozen ? "freeze" : "thaw");
        const struct cg_hier *f = cg_v1_hier(cg, "freezer");
        const struct cg_hier *h2 = cg_v2_hier(cg);
        int r;
        if (f)
                r = cg_v1_freeze(f->dir, frozen, err);
        else if (h2)
                r = cg_v2_freeze(h2->dir, frozen, err);
        else
                r = error_make(err, 0, "no freezer: neither cgroup2 nor a v1 freezer hierarchy");
        if (r < 0)
                return error_wrap(err, "%s cgroup %s", frozen ? "freeze" : "thaw", cg->path);
        return 0;
}

int cgroup_is_frozen(const struct cgroup *cg, bool *frozen, struct error **err)
{
        *frozen = false;
        if (cg->mgr == CGROUP_MANAGER_DISABLED)
                return 0;
        const struct cg_hier *f = cg_v1_hier(cg, "freezer");
        const struct cg_hier *h2 = cg_v2_hier(cg);
        cleanup_free char *text = NULL;
        const char *dir = f ? f->dir : h2 ? h2->dir : NULL;
        if (!dir)
                return 0;
        if (cg_read(dir, f ? "freezer.state" : "cgroup.freeze", &text, err) < 0) {
                if ((*err)->errnum == ENOENT) {
                        error_freep(err);       /* gone: nothing is frozen */
                        return 0;
                }
                return error_wrap(err, "read the freezer state of cgroup %s", cg->path);
        }
        *frozen = f ? str_has_prefix(text, "FROZEN") : str_has_prefix(text, "1");
        return 0;
}

static int signal_each(const struct cgroup *cg, int sig, struct error **err)
{
        cleanup_free pid_t *pids = NULL;
        size_t n;
        /* what was found before a failure is signalled all the same */
        int r = cgroup_pids(cg, &pids, &n, err);
        for (size_t i = 0; i < n; i++)
                if (kill(pids[i], sig) < 0 && errno != ESRCH && r == 0)
                        r = error_make(err, errno, "kill pid %d with signal %d", (int)pids[i], sig);
        return r;
}

int cgroup_kill_all(const struct cgroup *cg, int sig, struct error **err)
{
        if (cg->mgr == CGROUP_MANAGER_DISABLED)
                return 0;       /* no cgroup to enumerate: the engine signals its init itself */
        const struct cg_hier *h2 = cg_v2_hier(cg);
        if (sig == SIGKILL && h2 && cg_file_exists(h2->dir, "cgroup.kill")) {
                struct error *e = NULL;
                if (cg_write(h2->dir, "cgroup.kill", "1", &e) < 0 && e->errnum != ENOENT) {
                        *err = e;
                        return error_wrap(err, "kill every process of cgroup %s", cg->path);
                }
                error_free(e);
                if (cg->pure_v2)
                        return 0;       /* atomic, nothing can escape it */
        }
        /* nothing left (the usual case after cgroup.kill): no need to freeze */
        {
                cleanup_free pid_t *pids = NULL;
                size_t n = 0;
                struct error *e = NULL;
                int r = cgroup_pids(cg, &pids, &n, &e);
                error_free(e);          /* signal_each below says it again, and signals what it finds */
                if (r == 0 && n == 0)
                        return 0;
        }
        /* freeze first so that nothing forks past the loop; keep a paused container paused */
        bool was_frozen = false, froze = false;
        struct error *e = NULL;
        if (cgroup_is_frozen(cg, &was_frozen, &e) < 0) {
                error_free(e);
                e = NULL;
        }
        if (!was_frozen) {
                froze = cgroup_freeze(cg, true, &e) == 0;
                if (!froze) {
                        log_debug("cgroup: %s", e->msg);
                        error_free(e);
                        e = NULL;
                }
        }
        int r = signal_each(cg, sig, err);
        /* frozen tasks act on SIGKILL only once thawed, so a paused container is thawed for
         * it (it dies rather than resumes); other signals leave a paused container paused */
        if ((froze || (was_frozen && sig == SIGKILL)) && cgroup_freeze(cg, false, &e) < 0) {
                log_debug("cgroup: %s", e->msg);
                error_free(e);
        }
        return r < 0 ? error_wrap(err, "signal the processes of cgroup %s", cg->path) : 0;
}

/* A cgroupsPath naming a cgroup someone froze would hold the init forever, deaf even to
 * SIGTERM of the runtime waiting for it: refuse it at once, as runc does. */
int cg_refuse_frozen(const struct cgroup *cg, struct error **err)
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

void cg_stop_processes(const struct cgroup *cg)
{
        if (cg->mgr == CGROUP_MANAGER_DISABLED)
                return;
        struct error *e = NULL;
        bool frozen = false;
        /* a paused container's processes cannot die while frozen */
        if (cgroup_is_frozen(cg, &frozen, &e) == 0 && frozen && cgroup_freeze(cg, false, &e) < 0)
                log_debug("cgroup: %s", e->msg);
        error_free(e);
        e = NULL;
        if (cgroup_kill_all(cg, SIGKILL, &e) < 0) {
                log_debug("cgroup: %s", e->msg);
                error_free(e);
        }
        /* a cgroup we did not create stays: our device program must not */
        cg_detach_devices(cg);
}
