/* The systemd manager (--systemd-cgroup on a host whose init is systemd, cgroup v2): the
 * container's cgroup is a transient scope systemd makes over D-Bus (sd-bus) with Delegate=yes
 * and the init as its process; the limits systemd knows are unit properties, so that systemd
 * keeps them (daemon-reload rewrites a scope's files from its properties); the rest are
 * written to the scope's files.  Without systemd it hands over to the cgroupfs manager. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "contain/log.h"
#include "contain/util.h"
#include "dynlib.h"
#include "systemd.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* how long a job (start, stop) may take */
#define JOB_TIMEOUT_USEC (30 * 1000000ULL)

struct job_wait {
        const struct libsystemd *sd;
        char *job;
        char *result;
};

/* a connection to the system bus and the library it goes through */
struct sdb {
        struct libsystemd lib;
        sd_bus *bus;
};

struct cg_systemd {
        struct sdb conn;
        char *slice;
        /* the create's spec resources: the engine keeps the spec until the init is placed */
        const struct spec_resources *res;
};

static void sdb_close(struct sdb *b)
{
        if (b->bus)
                b->lib.sd_bus_flush_close_unref(b->bus);
        b->bus = NULL;
        libsystemd_close(&b->lib);
}
#define cleanup_sdb __attribute__((cleanup(sdb_close)))

static void job_wait_free(struct job_wait *w)
{
        free(w->job);
        free(w->result);
}
#define cleanup_job_wait __attribute__((cleanup(job_wait_free)))

static void systemd_release(struct cgroup *cg)
{
        if (!cg->sd)
                return;
        sdb_close(&cg->sd->conn);
        free(cg->sd->slice);
        free(cg->sd);
        cg->sd = NULL;
}

/* -r from sd-bus with the D-Bus error's message when there is one */
static int bus_fail(const struct libsystemd *sd, struct error **err, int r, const sd_bus_error *e, const char *what)
{
        if (e && sd->sd_bus_error_is_set(e) && e->message)
                return error_make(err, -r, "%s: %s", what, e->message);
        return error_make(err, -r, "%s", what);
}

/* Loads libsystemd into b->lib when it is not yet, and connects to the system bus. */
static int bus_connect(struct sdb *b, struct error **err)
{
        if (libsystemd_open(&b->lib, err) < 0)
                return -1;
        const struct libsystemd *sd = &b->lib;
        int r = sd->sd_bus_open_system(&b->bus);
        if (r < 0)
                return error_make(err, -r, "connect to the D-Bus system bus");
        /* systemd signals JobRemoved on the bus only while someone is subscribed */
        sd_bus_error e = SD_BUS_ERROR_NULL;
        r = sd->sd_bus_call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", &e, NULL, "");
        if (r < 0) {
                bus_fail(sd, err, r, &e, "subscribe to systemd's signals");
                sd->sd_bus_error_free(&e);
                return -1;
        }
        return 0;
}

static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *ret)
{
        (void)ret;
        struct job_wait *w = data;
        uint32_t id;
        const char *path, *unit, *result;
        if (w->sd->sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) >= 0 && w->job &&
            !w->result && strcmp(path, w->job) == 0)
                w->result = xstrdup(result);
        return 0;
}

static uint64_t now_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Sends call and reads the job it returns into w->job. */
static int send_job(const struct sdb *b, sd_bus_message *call, struct job_wait *w, const char *what,
                    struct error **err)
{
        const struct libsystemd *sd = &b->lib;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        int r = sd->sd_bus_call(b->bus, call, 0, &e, &reply);
        const char *job = NULL;
        if (r >= 0)
                r = sd->sd_bus_message_read(reply, "o", &job);
        if (r >= 0)
                w->job = xstrdup(job);
        else
                bus_fail(sd, err, r, &e, what);
        sd->sd_bus_message_unref(reply);
        sd->sd_bus_error_free(&e);
        return r < 0 ? -1 : 0;
}

/* Sends call (a Manager method returning a job) and waits for the job to finish; errors say
 * what (what % unit) and how it ended. */
static int call_job(const struct sdb *b, sd_bus_message *call, const char *what, struct error **err)
{
        const struct libsystemd *sd = &b->lib;
        cleanup_job_wait struct job_wait w = { .sd = sd };
        sd_bus_slot *slot = NULL;
        int r = sd->sd_bus_match_signal(b->bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
        if (r < 0)
                return error_make(err, -r, "watch systemd's jobs");
        /* JobRemoved may be queued already: sd_bus_call does not dispatch signals */
        r = send_job(b, call, &w, what, err);
        for (uint64_t end = now_usec() + JOB_TIMEOUT_USEC; r == 0 && !w.result;) {
                uint64_t now = now_usec();
                if (now >= end) {
                        r = error_make(err, ETIMEDOUT, "systemd's job %s did not finish in %llu s", w.job,
                                       JOB_TIMEOUT_USEC / 1000000);
                        break;
                }
                int q = sd->sd_bus_process(b->bus, NULL);
                if (q == 0)
                        q = sd->sd_bus_wait(b->bus, end - now);
                if (q < 0)
                        r = error_make(err, -q, "wait for systemd's job %s", w.job);
        }
        sd->sd_bus_slot_unref(slot);
        if (r < 0)
                return -1;
        if (strcmp(w.result, "done") != 0)
                return error_make(err, 0, "%s: systemd's job ended '%s'", what, w.result);
        return 0;
}

/* The unit's ActiveState, or NULL (returned 0) when systemd has no such unit loaded. */
static int unit_state(const struct sdb *b, const char *unit, char **state, struct error **err)
{
        const struct libsystemd *sd = &b->lib;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        *state = NULL;
        int r = sd->sd_bus_call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &e, &reply, "s", unit);
        if (r < 0) {
                bool none = sd->sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit");
                if (!none)
                        error_make(err, -r, "ask systemd about unit %s: %s", unit, e.message ? e.message : strerror(-r));
                sd->sd_bus_error_free(&e);
                return none ? 0 : -1;
        }
        const char *path;
        r = sd->sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd->sd_bus_get_property_string(b->bus, SD_DEST, path, "org.freedesktop.systemd1.Unit",
                                               "ActiveState", &e, state);
        sd->sd_bus_message_unref(reply);
        if (r < 0) {
                bool gone = sd->sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_OBJECT);
                if (!gone)
                        error_make(err, -r, "read the state of unit %s: %s", unit,
                                   e.message ? e.message : strerror(-r));
                sd->sd_bus_error_free(&e);
                return gone ? 0 : -1;
        }
        return 0;
}

/* Waits (up to 2 s) until systemd has dropped an inactive unit: a stopped transient scope is
 * collected a moment after its stop job ends, and its name is free only then. */
static int unit_wait_gone(const struct sdb *b, const char *unit, char **last, struct error **err)
{
        for (int i = 0;; i++) {
                free(*last);
                if (unit_state(b, unit, last, err) < 0)
                        return -1;
                if (!*last || i == 100 || strcmp(*last, "inactive") != 0)
                        return 0;
                struct timespec ts = { 0, 20 * 1000 * 1000 };
                nanosleep(&ts, NULL);
        }
}

static int simple_call(const struct sdb *b, const char *method, const char *unit, struct error **err)
{
        const struct libsystemd *sd = &b->lib;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r = sd->sd_bus_call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, method, &e, NULL, "s", unit);
        if (r < 0)
                error_make(err, -r, "%s %s: %s", method, unit, e.message ? e.message : strerror(-r));
        sd->sd_bus_error_free(&e);
        return r < 0 ? -1 : 0;
}

/* A unit already holding the scope's name is an error naming it; a failed one left by an
 * earlier container is reset (as runc does), an inactive one waited for. */
static int unit_check_free(const struct sdb *b, const char *unit, struct error **err)
{
        cleanup_free char *state = NULL;
        if (unit_wait_gone(b, unit, &state, err) < 0)
                return -1;
        if (state && strcmp(state, "failed") == 0) {
                if (simple_call(b, "ResetFailedUnit", unit, err) < 0 || unit_wait_gone(b, unit, &state, err) < 0)
                        return -1;
        }
        if (state)
                return error_make(err, 0, "systemd unit %s already exists (%s)", unit, state);
        return 0;
}

static int append_props(const struct libsystemd *sd, sd_bus_message *m, const struct cg_unit_props *p)
{
        int r = 0;
        for (size_t i = 0; i < p->n && r >= 0; i++) {
                const struct cg_unit_prop *pr = &p->v[i];
                if (pr->type == 't') {
                        r = sd->sd_bus_message_append(m, "(sv)", pr->name, "t", pr->u);
                        continue;
                }
                if ((r = sd->sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
                    (r = sd->sd_bus_message_append(m, "s", pr->name)) < 0 ||
                    (r = sd->sd_bus_message_open_container(m, 'v', "ay")) < 0 ||
                    (r = sd->sd_bus_message_append_array(m, 'y', pr->bytes, pr->n_bytes)) < 0 ||
                    (r = sd->sd_bus_message_close_container(m)) < 0)
                        break;
                r = sd->sd_bus_message_close_container(m);
        }
        return r;
}

static int resources_props(const struct spec_resources *res, struct cg_unit_props *props, struct error **err)
{
        cleanup_cg_settings struct cg_settings s = { 0 };
        if (cg_convert_v2(res, &s, err) < 0 || cg_systemd_props(&s, props, err) < 0)
                return -1;
        return 0;
}

/* systemd's version number (252 for "252.38-1~deb12u1"), 0 when unknown */
static int systemd_version(const struct sdb *b)
{
        const struct libsystemd *sd = &b->lib;
        cleanup_free char *v = NULL;
        if (sd->sd_bus_get_property_string(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "Version", NULL, &v) < 0)
                return 0;
        return atoi(v);
}

static int start_scope(struct cgroup *cg, const struct spec_resources *res, pid_t pid, struct error **err)
{
        struct cg_systemd *cs = cg->sd;
        const struct sdb *b = &cs->conn;
        const struct libsystemd *sd = &b->lib;
        cleanup_cg_unit_props struct cg_unit_props props = { 0 };
        if (resources_props(res, &props, err) < 0)
                return -1;
        sd_bus_message *m = NULL;
        cleanup_free char *desc = xasprintf("contain container %s", cg->unit);
        int r = sd->sd_bus_message_new_method_call(b->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
        if (r >= 0)
                r = sd->sd_bus_message_append(m, "ss", cg->unit, "fail");
        if (r >= 0)
                r = sd->sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = sd->sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)",
                                          "Description", "s", desc, "Slice", "s", cs->slice,
                                          "Delegate", "b", 1, "PIDs", "au", 1, (uint32_t)pid,
                                          "DefaultDependencies", "b", 0, "MemoryAccounting", "b", 1,
                                          "CPUAccounting", "b", 1, "TasksAccounting", "b", 1,
                                          "IOAccounting", "b", 1);
        /* from 253 systemd stops a scope when the kernel OOM-kills one of its processes;
         * the container's own processes decide what an OOM kill means */
        if (r >= 0 && systemd_version(b) >= 253)
                r = sd->sd_bus_message_append(m, "(sv)", "OOMPolicy", "s", "continue");
        if (r >= 0)
                r = append_props(sd, m, &props);
        if (r >= 0)
                r = sd->sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd->sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0) {
                sd->sd_bus_message_unref(m);
                return error_make(err, -r, "build the StartTransientUnit call for %s", cg->unit);
        }
        cleanup_free char *what = xasprintf("start systemd scope %s", cg->unit);
        r = call_job(b, m, what, err);
        sd->sd_bus_message_unref(m);
        if (r < 0)
                return -1;
        const struct cg_hier *h = cg_v2_hier(cg);
        struct stat st;
        if (stat(h->dir, &st) < 0)
                return error_make(err, errno, "systemd scope %s: its cgroup %s", cg->unit, h->dir);
        log_debug("cgroup: systemd scope %s started in %s with pid %d (%zu limits as unit properties)",
                  cg->unit, cs->slice, (int)pid, props.n);
        return 0;
}

/* The controllers systemd does not know (hugetlb, rdma, misc) are handed down by us. */
static int enable_rest(const struct cgroup *cg, const struct spec_resources *res, struct error **err)
{
        cleanup_cg_settings struct cg_settings s = { 0 };
        if (cg_convert_v2(res, &s, err) < 0)
                return -1;
        cleanup_strv char **ctrls = NULL;
        for (size_t i = 0; i < s.n; i++)
                if (strcmp(s.v[i].controller, "cgroup") != 0 && !strv_contains(ctrls, s.v[i].controller))
                        strv_append(&ctrls, s.v[i].controller);
        const struct cg_hier *h = cg_v2_hier(cg);
        size_t root_len = strlen(h->dir) - strlen(cg->path);
        cleanup_free char *mount = xstrndup(h->dir, root_len);
        return ctrls ? cg_v2_enable(mount, h->dir, ctrls, err) : 0;
}

static int systemd_enter(struct cgroup *cg, pid_t pid, struct error **err)
{
        /* a process joining a running container (exec): the scope exists */
        if (!cg->sd || !cg->sd->res)
                return cg_manager_fs.enter(cg, pid, err);
        const struct spec_resources *res = cg->sd->res;
        cg->sd->res = NULL;
        if (start_scope(cg, res, pid, err) < 0)
                return error_wrap(err, "cgroup %s", cg->path);
        if (cg_refuse_frozen(cg, err) < 0 || enable_rest(cg, res, err) < 0 || cg_apply(cg, res, err) < 0)
                return error_wrap(err, "cgroup %s", cg->path);
        return 0;
}

static int systemd_create(struct cgroup *cg, const struct spec *spec, const char *id, struct error **err)
{
        cleanup_sdb struct sdb b = { 0 };
        cleanup_free char *why = NULL;
        struct error *e = NULL;
        if (libsystemd_open(&b.lib, &e) < 0)
                why = xstrdup(e->msg);
        else if (b.lib.sd_booted() <= 0)
                why = xstrdup("systemd is not the init here");
        else if (!cgroup_host_is_v2())
                why = xstrdup("the host is not on cgroup v2 alone");
        else if (bus_connect(&b, &e) < 0)
                why = xstrdup(e->msg);
        error_free(e);
        if (why) {
                log_debug("cgroup: --systemd-cgroup: %s; the cgroup is made through cgroupfs instead", why);
                cg->ops = &cg_manager_fs;
                return cg->ops->create(cg, spec, id, err);
        }

        cleanup_free char *slice = NULL, *unit = NULL, *rel = NULL;
        if (cg_systemd_names(spec->linux.cgroups_path, id, &slice, &unit, &rel, err) < 0)
                return -1;
        /* the limits are checked before systemd is asked for anything */
        cleanup_cg_unit_props struct cg_unit_props props = { 0 };
        if (resources_props(&spec->linux.resources, &props, err) < 0)
                return -1;
        if (unit_check_free(&b, unit, err) < 0)
                return -1;
        struct cg_mount *m = NULL;
        size_t n = 0;
        if (cg_mounts(&m, &n, err) < 0)
                return -1;
        cg->path = xasprintf("/%s", rel);
        cg->unit = steal_pointer(&unit);
        cg->pure_v2 = true;
        cg->h = xcalloc(1, sizeof(*cg->h));
        cg->h[0] = (struct cg_hier){ .name = xstrdup("unified"), .v2 = true,
                                     .dir = xasprintf("%s/%s", m[0].mountpoint, rel) };
        cg->n_h = 1;
        cg_mounts_free(m, n);
        cg->sd = xcalloc(1, sizeof(*cg->sd));
        cg->sd->conn = b;
        b = (struct sdb){ 0 };
        cg->sd->slice = steal_pointer(&slice);
        cg->sd->res = &spec->linux.resources;
        cg_build_state(cg);
        return 0;
}

static int systemd_update(const struct cgroup *cg, const struct spec_resources *res, struct error **err)
{
        struct spec_resources r = *res;
        cleanup_cg_unit_props struct cg_unit_props props = { 0 };
        if (cg_update_quota(cg, &r, err) < 0 || resources_props(&r, &props, err) < 0)
                return -1;
        if (props.n) {
                cleanup_sdb struct sdb b = { 0 };
                sd_bus_message *m = NULL;
                sd_bus_error e = SD_BUS_ERROR_NULL;
                if (bus_connect(&b, err) < 0)
                        return -1;
                const struct libsystemd *sd = &b.lib;
                int q = sd->sd_bus_message_new_method_call(b.bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
                if (q >= 0)
                        q = sd->sd_bus_message_append(m, "sb", cg->unit, 1);
                if (q >= 0)
                        q = sd->sd_bus_message_open_container(m, 'a', "(sv)");
                if (q >= 0)
                        q = append_props(sd, m, &props);
                if (q >= 0)
                        q = sd->sd_bus_message_close_container(m);
                if (q >= 0)
                        q = sd->sd_bus_call(b.bus, m, 0, &e, NULL);
                if (q < 0)
                        error_make(err, -q, "set the properties of systemd unit %s: %s", cg->unit,
                                   e.message ? e.message : strerror(-q));
                sd->sd_bus_error_free(&e);
                sd->sd_bus_message_unref(m);
                if (q < 0)
                        return -1;
        }
        return cg_update_files(cg, &r, err);
}

static int systemd_destroy(const struct cgroup *cg, struct error **err)
{
        cleanup_sdb struct sdb b = { 0 };
        struct error *e = NULL;
        if (bus_connect(&b, &e) < 0) {
                /* its processes are dead: systemd drops an empty scope by itself */
                log_debug("cgroup: cannot stop systemd unit %s: %s", cg->unit, e->msg);
                error_free(e);
                return 0;
        }
        const struct libsystemd *sd = &b.lib;
        cleanup_free char *state = NULL;
        if (unit_state(&b, cg->unit, &state, err) < 0)
                return -1;
        if (state && strcmp(state, "inactive") != 0 && strcmp(state, "failed") != 0) {
                sd_bus_message *m = NULL;
                int r = sd->sd_bus_message_new_method_call(b.bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
                if (r >= 0)
                        r = sd->sd_bus_message_append(m, "ss", cg->unit, "replace");
                if (r < 0) {
                        sd->sd_bus_message_unref(m);
                        return error_make(err, -r, "build the StopUnit call for %s", cg->unit);
                }
                cleanup_free char *what = xasprintf("stop systemd scope %s", cg->unit);
                r = call_job(&b, m, what, err);
                sd->sd_bus_message_unref(m);
                if (r < 0)
                        return -1;
        }
        if (unit_wait_gone(&b, cg->unit, &state, err) < 0)
                return -1;
        /* a failed scope stays loaded until reset */
        if (state && strcmp(state, "failed") == 0 &&
            (simple_call(&b, "ResetFailedUnit", cg->unit, err) < 0 || unit_wait_gone(&b, cg->unit, &state, err) < 0))
                return -1;
        if (state)
                return error_make(err, EBUSY, "systemd unit %s is still there (%s)", cg->unit, state);
        return 0;
}

const struct cg_manager cg_manager_systemd = {
        .create = systemd_create,
        .enter = systemd_enter,
        .update = systemd_update,
        .destroy = systemd_destroy,
        .release = systemd_release,
};
