/* Acting on the container's processes through its cgroup: freeze/thaw (cgroup.freeze or
 * the v1 freezer), signal all (cgroup.kill, else freeze + kill each + thaw), and removal. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

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
        if (cgroup_pids(cg, &pids, &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (kill(pids[i], sig) < 0 && errno != ESRCH)
                        return error_make(err, errno, "kill pid %d with signal %d", (int)pids[i], sig);
        return 0;
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
                if (cgroup_pids(cg, &pids, &n, err) < 0)
                        return -1;
                if (n == 0)
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

/* Removes dir and any cgroups the container made below it (a container with a writable
 * cgroupfs can), deepest first. */
static int remove_tree(const char *dir)
{
        DIR *d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -1;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                cleanup_free char *sub = xasprintf("%s/%s", dir, de->d_name);
                remove_tree(sub);
        }
        closedir(d);
        if (rmdir(dir) < 0 && errno != ENOENT)
                return -1;
        return 0;
}

int cgroup_destroy(const struct cgroup *cg, struct error **err)
{
        if (cg->mgr == CGROUP_MANAGER_DISABLED)
                return 0;
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
                e = NULL;
        }
        /* a cgroup we did not create stays: our device program must not */
        cg_detach_devices(cg);
        for (size_t i = 0; i < cg->n_h; i++) {
                const struct cg_hier *h = &cg->h[i];
                if (h->created <= 0)
                        continue;
                /* dying processes keep the cgroup busy for a moment */
                int tries = 0;
                while (remove_tree(h->dir) < 0) {
                        if ((errno != EBUSY && errno != ENOTEMPTY) || ++tries > 500)
                                return error_make(err, errno, "remove cgroup %s", h->dir);
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
                        if (rmdir(p) < 0)
                                break;
                }
        }
        return 0;
}
