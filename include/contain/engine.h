/* The container lifecycle (OCI create/start/state/kill/delete, run, exec, list, ps): what the
 * CLI commands and the quick mode call.  State lives in <root>/<id>/ (src/engine/state.c). */
#ifndef CONTAIN_ENGINE_H
#define CONTAIN_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "contain/cgroup.h"
#include "contain/error.h"
#include "contain/spec.h"

struct cli_globals;

/* Steps reported to container_opts.progress, in the order they happen. */
enum container_step {
        STEP_CGROUP,            /* cgroup created and limits applied; detail: cgroup path */
        STEP_NAMESPACES,        /* init cloned into its namespaces; detail: "pid uts mount ..." */
        STEP_HOSTNAME,          /* detail: the hostname (only when one is set) */
        STEP_ROOTFS,            /* rootfs and spec mounts in place; detail: rootfs path */
        STEP_PIVOT,             /* pivot_root done, masked/readonly paths applied */
        STEP_RUNNING,           /* the user process is being released; detail: host pid */
        STEP_EXITED,            /* it exited; detail: "exit status N" or "killed by signal N" */
};
const char *container_step_name(enum container_step step);

struct container_opts {
        const char *root;               /* state root, e.g. /run/contain */
        const char *id;                 /* validated by container_id_validate() */
        const char *pid_file;           /* --pid-file: init pid, atomic, no newline */
        const char *console_socket;     /* --console-socket: receives the pty master */
        int preserve_fds;               /* fds 3..3+N-1 reach the process */
        bool no_pivot;                  /* --no-pivot */
        bool no_new_keyring;            /* --no-new-keyring */
        enum cgroup_manager cgroup_manager;
        bool detach;                    /* run: return once started */
        bool keep;                      /* run: do not delete after exit */
        /* Optional: called by the runtime process at each step (the init's steps are relayed
         * to the parent over the sync socket, so this always runs in the caller). */
        void (*progress)(void *data, enum container_step step, const char *detail);
        void *progress_data;
        /* Optional (run): called once the process has exited and before its cgroup is
         * destroyed; st is NULL when the stats could not be read (then why is in the log). */
        void (*exited)(void *data, int exit_status, const struct cgroup_stats *st);
        void *exited_data;
};

/* ^[A-Za-z0-9][A-Za-z0-9_.+-]{0,1023}$, not "." or "..":  invalid container id "../x". */
int container_id_validate(const char *id, struct error **err);

/* Sets the container up; returns once its init waits for start (status "created").
 * Everything is rolled back on failure. */
int container_create(const struct spec *spec, const struct container_opts *o, struct error **err);
/* Releases the user process of a created container, then runs poststart hooks. */
int container_start(const char *root, const char *id, struct error **err);
/* create + start + wait + delete.  *exit_status: the process's code, 128+N for signal N.
 * With terminal:true and no console socket, relays the caller's terminal. */
int container_run(const struct spec *spec, const struct container_opts *o, int *exit_status,
                  struct error **err);

/* The runtime-spec features document (features.md, features-linux.md) as pretty JSON, malloc'd:
 * every list is read from the table the parser or the applying code uses (src/engine/features.c). */
char *runtime_features_json(void);

/* What `state` and `list` show. */
struct container_info {
        char *oci_version;
        char *id;
        char *status;           /* computed: creating, created, running, paused, stopped */
        pid_t pid;              /* 0 when stopped */
        char *bundle;
        char *rootfs;
        char *created;          /* RFC 3339 */
        char *owner;
        struct spec_kv *annotations;
        size_t n_annotations;
};
void container_info_free(struct container_info *info);
static inline void container_info_freep(struct container_info **i) { if (*i) container_info_free(*i); }
#define cleanup_container_info __attribute__((cleanup(container_info_freep)))

/* container "x" does not exist */
int container_state(const char *root, const char *id, struct container_info **out, struct error **err);
/* The OCI state document (pretty when asked). */
char *container_info_json(const struct container_info *info, bool pretty);
/* All containers under root, sorted by id (entries that vanish meanwhile are skipped). */
int container_list(const char *root, struct container_info ***out, size_t *n, struct error **err);
void container_info_list_free(struct container_info **list, size_t n);

/* Signals the init (or, with all, every process of the container).  Stopped: "container not
 * running", except all=true which succeeds. */
int container_kill(const char *root, const char *id, int sig, bool all, struct error **err);
/* Parses "9", "KILL", "SIGKILL" (case-insensitive). */
int signal_parse(const char *text, int *sig, struct error **err);
/* Removes a stopped container (force: any, and an unknown id is not an error), and the
 * scratch directory of its id unless a process holds it (scratch_dir_create): also one left
 * by a run killed before its state dir existed. */
int container_delete(const char *root, const char *id, bool force, struct error **err);
/* A directory for what a run makes around container id outside its state dir (quick mode's
 * overlay layers): <root>/.scratch-<id>, 0700, made with the root if need be; one a killed
 * run left (unlocked) is emptied and taken.  *path (malloc'd) is the directory; *lock_fd
 * (close-on-exec) holds an exclusive flock on it that keeps `delete` away until it is closed;
 * after that, delete of the id removes the directory and everything in it, also when its
 * maker was killed.  Errors: an invalid id; EBUSY when another process holds the id's
 * directory; errno of the mkdir, open, flock or removal. */
int scratch_dir_create(const char *root, const char *id, char **path, int *lock_fd, struct error **err);
/* Host pids in the container's cgroup (malloc'd). */
int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct error **err);
/* Freezes or thaws every process of the container (pause/resume). */
int container_pause(const char *root, const char *id, bool pause, struct error **err);
/* Opens the cgroup of an existing container (update, events). */
int container_cgroup(const char *root, const char *id, struct cgroup **out, struct error **err);

struct exec_opts {
        const char *pid_file;
        const char *console_socket;
        int preserve_fds;
        bool detach;
        bool ignore_paused;     /* exec into a paused container (runc --ignore-paused) */
        const char *pidfd_socket; /* unix socket that gets a pidfd of the new process, or NULL */
        const char *sub_cgroup;   /* exec --cgroup: a sub-cgroup of the container's, or NULL */
        /* the container's saved config when the caller loaded it already (container_load_spec;
         * borrowed), or NULL: container_exec loads it */
        const struct spec *saved_spec;
};
/* Runs proc inside the running container id, with its namespaces, cgroup and the security
 * settings of its config.  Without detach waits and sets *exit_status; a failure to start
 * the process is an error (the CLI exits 255). "cannot exec in a stopped container". */
int container_exec(const char *root, const char *id, const struct spec_process *proc,
                   const struct exec_opts *o, int *exit_status, struct error **err);
/* The process of the container's saved config (exec without --process starts from it). */
int container_load_spec(const char *root, const char *id, struct spec **out, struct error **err);

/* Quick mode (`run --rootfs ...`), implemented in src/cli/quick.c. */
int quick_run(const struct cli_globals *g, int argc, char **argv);

#endif
