/* One interface to the container's cgroups, whatever the host has (pure cgroup v2, or a hybrid
 * host where memory/cpu/pids/cpuset/freezer live in v1 hierarchies) and whoever makes them (our
 * own directories, or a systemd scope with --systemd-cgroup): the engine cannot tell. */
#ifndef CONTAIN_CGROUP_H
#define CONTAIN_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "contain/error.h"
#include "contain/spec.h"

enum cgroup_manager {
        CGROUP_MANAGER_CGROUPFS,        /* default */
        CGROUP_MANAGER_SYSTEMD,         /* --systemd-cgroup: "slice:prefix:name" paths */
        CGROUP_MANAGER_DISABLED,        /* --cgroup-manager=disabled: no cgroups at all */
};

struct cgroup;  /* opaque */

/* Creates the container's cgroup(s) from linux.cgroupsPath (default contain/<id> below the
 * runtime's own cgroup in each hierarchy: /contain/<id> for a runtime in the root cgroup),
 * enables controllers and writes the limits.  Nothing is left behind on failure.
 * CGROUP_MANAGER_DISABLED gives a handle without directories: no limits, no pids, stats all
 * zero, kill_all/destroy succeed doing nothing (the caller signals its init itself), and
 * freeze/update fail saying cgroups are disabled.
 * CGROUP_MANAGER_SYSTEMD with systemd as init (cgroup v2) checks that no unit has the scope's
 * name (an error naming it) and leaves the making to cgroup_enter() of the init, which starts
 * the transient scope with it (runtime-spec config-linux "cgroupsPath", runc's
 * "slice:prefix:name"): spec must stay valid until then.  Without systemd it falls back to
 * CGROUP_MANAGER_CGROUPFS with the path /slice/prefix-name.scope (said in the debug log). */
int cgroup_create(const struct spec *spec, const char *id, enum cgroup_manager mgr,
                  struct cgroup **out, struct error **err);
/* cgroup_create for a runtime without privileges over the host (rootless): when the
 * directories cannot be made (EACCES, EPERM, EROFS: no delegated subtree here) and
 * linux.resources asks for no limit, a handle as with CGROUP_MANAGER_DISABLED; when it asks
 * for limits, an error naming them (memory.max=..., pids.max=...).  Anything else as
 * cgroup_create. */
int cgroup_create_unprivileged(const struct spec *spec, const char *id, enum cgroup_manager mgr,
                               struct cgroup **out, struct error **err);
/* Write-ahead for cgroup_create: the state string (as cgroup_state_string) of the
 * directories a cgroup_create with the same arguments would make now, without touching the
 * file system, so that the caller records it first and a runtime killed in between leaves
 * nothing cgroup_open + cgroup_destroy cannot find.  *out: malloc'd, "disabled"
 * with CGROUP_MANAGER_DISABLED.  Errors: the path cannot be resolved, or the cgroup exists with
 * processes (EBUSY: it is someone else's). */
int cgroup_plan(const struct spec *spec, const char *id, enum cgroup_manager mgr, char **out,
                struct error **err);
/* Reopens the cgroup of an existing container from what cgroup_state_string() returned. */
int cgroup_open(const char *state_string, struct cgroup **out, struct error **err);
/* A string that cgroup_open() understands, stored in the container's state. */
const char *cgroup_state_string(const struct cgroup *cg);
/* The path shown to users (e.g. "/contain/abc"). */
const char *cgroup_path(const struct cgroup *cg);
/* A cgroup2 directory fd for clone3(CLONE_INTO_CGROUP), or -1 when v2 is not used (or, on a
 * hybrid host, does not hold every controller: then cgroup_enter() places the process). */
int cgroup_clone_fd(const struct cgroup *cg);
/* Moves pid into every hierarchy of the cgroup (those not done by CLONE_INTO_CGROUP); the
 * first call after a systemd cgroup_create() starts the scope with pid and writes the limits. */
int cgroup_enter(struct cgroup *cg, pid_t pid, struct error **err);
/* Moves pid into an existing sub-cgroup of the container's (exec --cgroup, as runc): sub is
 * "PATH" (every hierarchy) or "CONTROLLER[,...]:PATH" (the hierarchies holding one of them; the
 * others get the container's own cgroup).  -1 with err naming sub when it is malformed or missing. */
int cgroup_enter_sub(const struct cgroup *cg, pid_t pid, const char *sub, struct error **err);
/* Pids in the cgroup (for ps, kill --all). *pids malloc'd. */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct error **err);
/* Sends sig to every process in the cgroup (cgroup.kill for SIGKILL on v2, else freeze, signal
 * each, thaw; SIGKILL also thaws a paused container so that it dies). */
int cgroup_kill_all(const struct cgroup *cg, int sig, struct error **err);
int cgroup_freeze(const struct cgroup *cg, bool frozen, struct error **err);
int cgroup_is_frozen(const struct cgroup *cg, bool *frozen, struct error **err);
/* Rewrites limits from resources (update); device rules too when res has any. */
int cgroup_update(const struct cgroup *cg, const struct spec_resources *res, struct error **err);
/* process.scheduler SCHED_FIFO or SCHED_RR (runtime-spec config "Scheduler") on a kernel that
 * groups realtime tasks by cgroup (v1 cpu.rt_runtime_us, CONFIG_RT_GROUP_SCHED): a new cgroup
 * has no realtime budget and sched_setattr would fail with EPERM, so when the cgroup has none
 * and res asks for none (cpu.realtimeRuntime), gives it a tenth of its period (100000 µs of
 * 1000000) and its ancestors what they need for it.  Called by create (cgroupfs) before the
 * init exists and by exec before the process does; nothing to do elsewhere.  Errors name
 * process.scheduler. */
int cgroup_realtime_budget(const struct cgroup *cg, const struct spec_process *proc,
                           const struct spec_resources *res, struct error **err);
/* Restricts device access (runtime-spec config-linux "Device allowed list") to
 * res->devices plus the default nodes (null zero full random urandom tty ptmx pts/<n>);
 * linux.devices nodes get no rule of their own.  v1 devices hierarchy: devices.deny "a",
 * then each rule; cgroup v2: an eBPF program attached with BPF_F_ALLOW_MULTI that replaces the
 * one a previous call attached.  Called once the init has made /dev (its mknods of
 * linux.devices must pass), and again by update. */
int cgroup_apply_devices(const struct cgroup *cg, const struct spec_resources *res, struct error **err);
/* cgroup v2: the eBPF program of res's device rules loaded ahead (libbpf and the verifier,
 * ~0.3 ms here, while the init still makes /dev), for cgroup_apply_devices_preloaded to attach
 * as cgroup_apply_devices would.  *out: the caller's (cgroup_devprog_free), NULL when there is
 * nothing to load ahead (a v1 devices hierarchy, cgroups disabled).  Errors: libbpf missing,
 * the verifier's refusal. */
struct cgroup_devprog;
int cgroup_devices_preload(const struct cgroup *cg, const struct spec_resources *res, struct cgroup_devprog **out,
                           struct error **err);
int cgroup_apply_devices_preloaded(const struct cgroup *cg, const struct cgroup_devprog *p, struct error **err);
void cgroup_devprog_free(struct cgroup_devprog *p);
/* False for a handle without a cgroup (--cgroup-manager=disabled): cgroup_enter and
 * cgroup_apply_devices then do nothing a caller has to wait for. */
bool cgroup_is_real(const struct cgroup *cg);

struct cgroup_stats {
        uint64_t memory_usage, memory_peak, memory_limit;       /* limit UINT64_MAX = none */
        uint64_t memory_oom_kill, memory_oom;
        uint64_t cpu_usage_usec, cpu_user_usec, cpu_system_usec;
        uint64_t cpu_nr_periods, cpu_nr_throttled, cpu_throttled_usec;
        uint64_t pids_current, pids_peak, pids_limit;           /* limit UINT64_MAX = none */
        bool has_memory_peak, has_pids_peak;
};
int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st, struct error **err);
/* Kills what is left, removes every directory the container owns (a systemd scope: stopped,
 * reset when failed, waited for until systemd drops it); succeeds when already gone. */
int cgroup_destroy(const struct cgroup *cg, struct error **err);
/* True when a process is in the container's cgroup or below it, or that cannot be told (an
 * unreadable or too deep tree); false without a cgroup directory. */
bool cgroup_has_processes(const struct cgroup *cg);
void cgroup_free(struct cgroup *cg);
static inline void cgroup_freep(struct cgroup **cg) { if (*cg) cgroup_free(*cg); }
#define cleanup_cgroup __attribute__((cleanup(cgroup_freep)))

/* For `features`: controllers usable on this host. */
bool cgroup_host_is_v2(void);

#endif
