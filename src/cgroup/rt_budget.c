/* The realtime budget of cgroup v1's cpu controller (kernels with CONFIG_RT_GROUP_SCHED): the
 * runtime per period a cgroup's SCHED_FIFO/SCHED_RR tasks may use, which every ancestor must
 * hold too, and the default one a container gets when it asks for such a policy. */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* Grants and writes again after an EINVAL: another create below the same parent can take the
 * budget between our grant and our write. */
enum { RT_TRIES = 5 };

/* A cpu.rt_* number of dir (-1 is "no limit"); false when it cannot be read. */
static bool read_rt(const char *dir, const char *file, int64_t *out)
{
        cleanup_free char *text = NULL;
        struct error *e = NULL;
        if (cg_read(dir, file, &text, &e) < 0) {
                error_free(e);
                return false;
        }
        char *end;
        errno = 0;
        *out = strtoll(text, &end, 10);
        return errno == 0 && end != text;
}

/* runtime µs per period µs as µs per other, rounded up (the kernel compares bandwidths
 * runtime/period, rounded down); -1, no limit, is the whole of other. */
static int64_t in_period(int64_t runtime, int64_t period, int64_t other)
{
        if (runtime < 0)
                return other;
        return (runtime * other + period - 1) / period;
}

/* What the children of dir, except the one named skip, hold, in µs of dir's period. */
static int64_t children_runtime(const char *dir, const char *skip, int64_t period)
{
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        int64_t sum = 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
                    strcmp(de->d_name, skip) == 0)
                        continue;
                cleanup_free char *sub = xasprintf("%s/%s", dir, de->d_name);
                int64_t r, p;
                if (read_rt(sub, "cpu.rt_runtime_us", &r) && read_rt(sub, "cpu.rt_period_us", &p) && p > 0)
                        sum += in_period(r, p, period);
        }
        closedir(d);
        return sum;
}

/* The kernel refuses a runtime whose bandwidth, with its siblings', is more than the parent's,
 * and a new cgroup has none (0).  Every ancestor below the hierarchy's root is raised to what
 * its children hold with dir at runtime (never lowered), written top down so each write fits
 * the parent above.  An ancestor that stays after the container is gone keeps what it got (one
 * removed with it gives it back, cg_rt_release); the next grant counts what the children hold
 * then, so that budget does not grow with every container. */
static int grant_ancestors(const char *dir, int64_t runtime, struct error **err)
{
        cleanup_strv char **up = NULL;
        cleanup_free char *p = xstrdup(dir);
        for (char *slash; (slash = strrchr(p, '/')) && slash != p;) {
                *slash = '\0';
                /* the root: its budget is the system's, never ours to change */
                if (cg_file_exists(p, "cgroup.sane_behavior") || !cg_file_exists(p, "cpu.rt_runtime_us"))
                        break;
                strv_append(&up, p);
        }
        size_t n = strv_len(up), top = n;
        cleanup_free int64_t *cur = xcalloc(n + 1, sizeof(int64_t));
        cleanup_free int64_t *want = xcalloc(n + 1, sizeof(int64_t));
        const char *child = dir;
        int64_t child_runtime = runtime, child_period;
        if (!read_rt(dir, "cpu.rt_period_us", &child_period) || child_period <= 0)
                return error_make(err, EINVAL, "read the realtime period of %s", dir);
        for (size_t i = 0; i < n; i++) {
                int64_t own;
                if (!read_rt(up[i], "cpu.rt_runtime_us", &cur[i]) || !read_rt(up[i], "cpu.rt_period_us", &own) ||
                    own <= 0)
                        return error_make(err, EINVAL, "read the realtime budget of %s", up[i]);
                if (cur[i] < 0) {
                        top = i;        /* no limit here, so none above either */
                        break;
                }
                int64_t need = in_period(child_runtime, child_period, own) +
                               children_runtime(up[i], strrchr(child, '/') + 1, own);
                want[i] = need > cur[i] ? need : cur[i];
                child = up[i];
                child_runtime = want[i];
                child_period = own;
        }
        for (size_t i = top; i-- > 0;) {
                if (want[i] == cur[i])
                        continue;
                char buf[32];
                snprintf(buf, sizeof(buf), "%lld", (long long)want[i]);
                if (cg_write(up[i], "cpu.rt_runtime_us", buf, err) < 0)
                        return error_wrap(err, "give the parent cgroup its realtime budget");
        }
        return 0;
}

int cg_rt_write_runtime(const char *dir, const char *value, struct error **err)
{
        int64_t runtime = strtoll(value, NULL, 10);
        for (int attempt = 0;; attempt++) {
                if (cg_write(dir, "cpu.rt_runtime_us", value, err) == 0)
                        return 0;
                if ((*err)->errnum != EINVAL || attempt == RT_TRIES)
                        return -1;
                error_freep(err);
                if (grant_ancestors(dir, runtime, err) < 0)
                        return -1;
        }
}

/* The default budget is a tenth of the cgroup's period (100 ms of the kernel's 1 s): one
 * SCHED_RR timeslice (sched_rr_timeslice_ms, 100 ms) per period, so a task of either policy
 * runs that long before the group is throttled, and a runaway one takes at most a tenth of a
 * CPU.  Nine such containers fit in the 95% the kernel gives realtime tasks by default
 * (sched_rt_runtime_us); linux.resources.cpu.realtimeRuntime sets any other. */
enum { RT_DEFAULT_DIVISOR = 10 };

int cgroup_realtime_budget(const struct cgroup *cg, const struct spec_process *proc,
                           const struct spec_resources *res, struct error **err)
{
        const struct spec_scheduler *s = &proc->scheduler;
        if (!s->present || (s->policy_value != SCHED_FIFO && s->policy_value != SCHED_RR))
                return 0;
        if (res->cpu.has_realtime_runtime && res->cpu.realtime_runtime != 0)
                return 0;       /* the config's own budget (0 is "not set", as for runc) */
        const struct cg_hier *h = cg_v1_hier(cg, "cpu");
        if (!h || !cg_file_exists(h->dir, "cpu.rt_runtime_us"))
                return 0;       /* no realtime group scheduling: sched_setattr needs no budget */
        int64_t runtime, period;
        if (!read_rt(h->dir, "cpu.rt_runtime_us", &runtime) || !read_rt(h->dir, "cpu.rt_period_us", &period) ||
            period <= 0)
                return error_make(err, EIO, "process.scheduler %s: cannot read the realtime budget of %s",
                                  s->policy, h->dir);
        if (runtime != 0)
                return 0;       /* it has one already (an earlier exec, an update) */
        char buf[32];
        int64_t want = period / RT_DEFAULT_DIVISOR > 0 ? period / RT_DEFAULT_DIVISOR : 1;
        snprintf(buf, sizeof(buf), "%lld", (long long)want);
        if (cg_rt_write_runtime(h->dir, buf, err) < 0)
                return error_wrap(err, "process.scheduler %s needs a realtime budget in cgroup %s (%s µs per "
                                  "%lld µs by default; linux.resources.cpu.realtimeRuntime sets another)",
                                  s->policy, h->dir, buf, (long long)period);
        log_debug("cgroup: %s: realtime budget %s µs per %lld µs for process.scheduler %s", h->dir, buf,
                  (long long)period, s->policy);
        return 0;
}

void cg_rt_release(const char *dir)
{
        int64_t runtime;
        if (!read_rt(dir, "cpu.rt_runtime_us", &runtime) || runtime == 0)
                return;
        struct error *e = NULL;
        if (cg_write(dir, "cpu.rt_runtime_us", "0", &e) < 0) {
                log_debug("cgroup: %s keeps its realtime budget: %s", dir, e->msg);
                error_free(e);
        }
}
