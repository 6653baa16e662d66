/* Shared by the files of the cgroup module: the handle's layout, the OCI→file conversion
 * results, and small cgroupfs helpers.  Nothing here is part of the public interface. */
#ifndef CONTAIN_CGROUP_INTERNAL_H
#define CONTAIN_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "contain/cgroup.h"

/* One file to write: controller names the kernel controller (v2 names: "memory", "cpu",
 * "io"...; v1 names: "memory", "cpu", "blkio"...), "cgroup" for core files. */
struct cg_setting {
        char *controller;
        char *file;
        char *value;
        bool verbatim;          /* from linux.resources.unified: v2 only, no v1 fallback */
        bool v1_only;           /* no v2 file exists: only a v1 hierarchy can take it; value
                                 * then names the OCI field, for the message when none can */
};

struct cg_settings {
        struct cg_setting *v;
        size_t n;
};
void cg_settings_free(struct cg_settings *s);
static inline void cg_settings_freep(struct cg_settings *s) { cg_settings_free(s); }
#define cleanup_cg_settings __attribute__((cleanup(cg_settings_freep)))
void cg_settings_add(struct cg_settings *s, const char *controller, const char *file,
                     const char *value);

/* convert.c: pure translations of linux.resources; errors name the field. */
int cg_convert_v2(const struct spec_resources *res, struct cg_settings *out, struct error **err);
int cg_convert_v1(const struct spec_resources *res, struct cg_settings *out, struct error **err);
/* cpu.shares (2..262144) -> cpu.weight (1..10000), as runc and crun do. */
uint64_t cg_shares_to_weight(uint64_t shares);
/* blkio.weight (10..1000) -> io.weight (1..10000). */
uint64_t cg_blkio_to_io_weight(uint64_t weight);

/* path.c: where the container's cgroup goes, from linux.cgroupsPath.
 * *rel is normalised without leading '/'; *absolute says whether it hangs off each hierarchy's
 * root (true) or off the runtime's own cgroup there (false). */
int cg_resolve_path(const char *cgroups_path, const char *id, enum cgroup_manager mgr,
                    char **rel, bool *absolute, struct error **err);

/* One hierarchy the container has a directory in. */
struct cg_hier {
        char *name;             /* "unified", or the v1 controllers: "cpu,cpuacct" */
        char *dir;              /* absolute directory of the container's cgroup */
        int created;            /* how many trailing components of dir we created */
        bool v2;
};

struct cg_manager;

struct cgroup {
        enum cgroup_manager mgr;        /* what was asked for */
        const struct cg_manager *ops;   /* what manages it */
        char *path;             /* shown to users: "/contain/abc" */
        char *state;            /* cgroup_state_string() */
        struct cg_hier *h;
        size_t n_h;
        int v2_fd;              /* cgroup2 dir fd when v2 holds every controller, else -1 */
        bool pure_v2;           /* no v1 hierarchies in use */
        char *unit;             /* the systemd scope, when systemd manages the cgroup */
        struct cg_systemd *sd;  /* systemd.c's connection, between create and the init's enter */
};

/* One way of managing the container's cgroup: fs.c makes directories in every hierarchy
 * itself, systemd.c has systemd make a scope, disabled.c has none.  cgroup.c hands the public calls that make, fill or remove the
 * cgroup to it; what acts on an existing cgroup's processes and files (control.c, stats.c,
 * devices.c, apply.c) works on the directories alone and is the same for every manager. */
struct cg_manager {
        /* Before the init exists: the directories and the limits; cg->path and the
         * hierarchies set.  On failure nothing is left behind. */
        int (*create)(struct cgroup *cg, const struct spec *spec, const char *id, struct error **err);
        /* Places pid (the init at create, later an exec'd process) in the cgroup. */
        int (*enter)(struct cgroup *cg, pid_t pid, struct error **err);
        /* Rewrites the limits of res (update). */
        int (*update)(const struct cgroup *cg, const struct spec_resources *res, struct error **err);
        /* Removes what create made; the processes are gone (cg_stop_processes); succeeds when
         * already removed. */
        int (*destroy)(const struct cgroup *cg, struct error **err);
        /* Frees what the manager keeps in the handle (may be NULL). */
        void (*release)(struct cgroup *cg);
};
extern const struct cg_manager cg_manager_fs, cg_manager_systemd, cg_manager_disabled;

/* fs.c: the hierarchies, path and state string a cgroupfs create would make now (cgroup_plan),
 * without touching the file system. */
int cg_fs_plan(struct cgroup *cg, const struct spec *spec, const char *id, struct error **err);
/* cgroup.c: the state string again, after a manager changed the handle. */
void cg_build_state(struct cgroup *cg);
/* cgroup.c: opens the v2 directory for CLONE_INTO_CGROUP when v2 holds every hierarchy. */
void cg_open_v2_fd(struct cgroup *cg);

/* layout.c: the hierarchies mounted on this host and the runtime's own place in them. */
struct cg_mount {
        char *name;             /* "unified" or "cpu,cpuacct" */
        char *mountpoint;
        char *own;              /* the runtime's own cgroup dir under mountpoint */
        bool v2;
};
int cg_mounts(struct cg_mount **out, size_t *n, struct error **err);
void cg_mounts_free(struct cg_mount *m, size_t n);

/* The hierarchy of the handle that has controller (v1 name), NULL when none. */
const struct cg_hier *cg_v1_hier(const struct cgroup *cg, const char *controller);
const struct cg_hier *cg_v2_hier(const struct cgroup *cg);
/* The hierarchy whose cgroup.procs lists the container's processes; NULL when disabled. */
const struct cg_hier *cg_primary(const struct cgroup *cg);
/* Whether a process is in the cgroup at dir or in any cgroup below it: cgroup.events
 * "populated" where the kernel keeps it (v2), else every cgroup.procs of the subtree (v1).
 * CG_TREE_UNKNOWN for a cgroup that cannot be read or is nested too deep to search, which
 * callers treat as in use: this is to refuse a cgroup, never to take one. */
enum cg_tree_use { CG_TREE_EMPTY, CG_TREE_IN_USE, CG_TREE_UNKNOWN };
enum cg_tree_use cg_tree_in_use(const char *dir);
/* The error for an existing cgroup dir a create does not take (use: not CG_TREE_EMPTY). */
int cg_refuse_existing(const char *dir, enum cg_tree_use use, struct error **err);
bool cg_name_has(const char *list, const char *controller);
/* True when the v2 cgroup dir offers controller (its cgroup.controllers). */
bool cg_v2_has_controller(const char *dir, const char *controller);

/* fs helpers (files relative to a cgroup dir). */
int cg_read(const char *dir, const char *file, char **out, struct error **err);
int cg_write(const char *dir, const char *file, const char *value, struct error **err);
bool cg_file_exists(const char *dir, const char *file);
/* "key value" lines (memory.events, cpu.stat): value of key, false when absent. */
bool cg_keyed(const char *text, const char *key, uint64_t *out);
/* A single number or "max" (UINT64_MAX). */
bool cg_number(const char *text, uint64_t *out);

/* The v1 file the kernel checks file against (memory and memory+swap, a quota and its period),
 * either way round; NULL for the others. */
const char *cg_v1_checked_with(const char *file);
/* update_undo.c: the values an update may overwrite, as they were before it, to put back when
 * the kernel refuses one of its writes halfway (review35): each one-line file the update's
 * settings name in the hierarchy that takes it, with the file checked against it.  Files of
 * several lines (per-device throttles, io.max, rdma.max) and device rules are not saved. */
struct cg_undo {
        char **dir, **file, **value;
        size_t n;
};
void cg_undo_take(const struct cgroup *cg, const struct spec_resources *res, struct cg_undo *u);
/* Writes the saved values back, in passes while the kernel takes more of them (a pair checked
 * against each other goes in the order it accepts); the number it would not take back. */
size_t cg_undo_restore(const struct cg_undo *u);
void cg_undo_free(struct cg_undo *u);
/* v1_write.c: writes the settings of s whose controller is in controllers to their v1
 * hierarchies, in the order the kernel takes them (see the file's comment). */
int cg_write_v1_settings(const struct cgroup *cg, const struct cg_settings *s, char *const *controllers,
                         struct error **err);
/* cg_write, and for a weight file (blkio.weight, blkio.weight_device, io.weight) also the BFQ
 * scheduler's file beside it when that exists (io.bfq.weight takes BFQ's scale, converted
 * back from io.weight's).  A default weight must reach every file there is; a device weight
 * one of them (the other's policy may not run that device: EOPNOTSUPP).  Errors name the file. */
int cg_write_weight(const char *dir, const char *file, const char *value, struct error **err);

/* rt_budget.c: writes value (µs) to dir's cpu.rt_runtime_us; when the kernel refuses it
 * (EINVAL) because the ancestors lack the realtime budget, raises theirs to what their
 * children need and writes again.  Errors name the file. */
int cg_rt_write_runtime(const char *dir, const char *value, struct error **err);
/* rt_budget.c: before dir is removed, its realtime budget goes back to 0: the kernel counts a
 * removed cgroup against its parent until it is freed, a moment later, and would refuse the
 * next container's budget meanwhile.  The kernel refuses it while a child still holds some (the
 * directory is not empty then either); failures are only logged. */
void cg_rt_release(const char *dir);

/* v2.c / v1.c */
int cg_v2_enable(const char *mountpoint, const char *dir, char *const *controllers, struct error **err);
int cg_v2_freeze(const char *dir, bool frozen, struct error **err);
int cg_v1_freeze(const char *dir, bool frozen, struct error **err);
/* apply.c: applies resources but the device rules to every hierarchy of cg (create and
 * update). */
int cg_apply(const struct cgroup *cg, const struct spec_resources *res, struct error **err);
/* apply.c: update's file writes: res (a cpu period alone keeps the current quota), and the
 * device rules when res has any. */
int cg_update_files(const struct cgroup *cg, const struct spec_resources *res, struct error **err);
/* apply.c: before an update's writes: memory.checkBeforeUpdate against the usage now, and a
 * cpu period without a quota gets the quota cpu.max holds now. */
int cg_update_quota(const struct cgroup *cg, struct spec_resources *r, struct error **err);
/* control.c: before removal: thaws, kills every process, detaches our device programs;
 * failures only logged. */
void cg_stop_processes(const struct cgroup *cg);
/* control.c: refuses a cgroup that is frozen (itself or, on cgroup2, an ancestor). */
int cg_refuse_frozen(const struct cgroup *cg, struct error **err);
/* devices.c: detaches our device programs from a v2 cgroup we did not create (destroy: one we
 * created goes with them); failures only logged. */
void cg_detach_devices(const struct cgroup *cg);

#endif
