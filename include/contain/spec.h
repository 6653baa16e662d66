/* The OCI runtime-spec 1.x config model: config.json parsed and validated into plain structs.
 * Vectors are NULL-terminated (char **) or arrays with an n_ count; has_ flags mark optional
 * scalars; a NULL string means the field was absent. */
#ifndef CONTAIN_SPEC_H
#define CONTAIN_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "contain/error.h"

/* gnu11 predefines "linux" as 1; the config's "linux" object deserves its own name. */
#undef linux

struct json;

struct spec_id_mapping {
        uint32_t container_id;
        uint32_t host_id;
        uint32_t size;
};

struct spec_mount {
        char *destination;      /* absolute inside the container (required) */
        char *source;           /* NULL when absent; relative bind sources resolved against the bundle */
        char *type;             /* NULL when absent (then a bind if options say so) */
        char **options;         /* NULL-terminated, may be NULL */
        struct spec_id_mapping *uid_mappings;
        size_t n_uid_mappings;
        struct spec_id_mapping *gid_mappings;
        size_t n_gid_mappings;
};

struct spec_rlimit {
        char *type;             /* "RLIMIT_NOFILE" */
        int resource;           /* RLIMIT_NOFILE, resolved by the parser */
        uint64_t soft;
        uint64_t hard;
};

/* The capability names contain knows, NULL-terminated; index = capability number. */
#define SPEC_CAPABILITY_COUNT 41
extern const char *const spec_capability_names[SPEC_CAPABILITY_COUNT + 1];

/* The five capability sets; each NULL-terminated list of names like "CAP_CHOWN", validated.
 * present is false when process.capabilities is absent (then nothing is changed). */
struct spec_capabilities {
        bool present;
        char **bounding;
        char **effective;
        char **inheritable;
        char **permitted;
        char **ambient;
};

struct spec_user {
        uint32_t uid;
        uint32_t gid;
        bool has_umask;
        uint32_t umask;
        uint32_t *additional_gids;
        size_t n_additional_gids;
        char *username;         /* Windows only; kept for completeness */
};

struct spec_io_priority {
        bool present;
        char *class;            /* IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
        int class_value;        /* IOPRIO_CLASS_* number, resolved by the parser */
        int32_t priority;       /* 0..7 */
};

struct spec_scheduler {
        bool present;
        char *policy;           /* SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE */
        int policy_value;       /* resolved by the parser */
        bool has_nice;
        int32_t nice;
        bool has_priority;
        int32_t priority;
        char **flags;           /* SCHED_FLAG_* names */
        uint64_t runtime;
        uint64_t deadline;
        uint64_t period;
};

/* The CPU ids a CPU list may name: glibc's CPU_SETSIZE. */
#define CPU_LIST_MAX 1024

/* process.execCPUAffinity (runtime-spec 1.3): CPU lists like "0-3,7"; NULL when absent. */
struct spec_exec_cpu_affinity {
        char *initial;          /* set on the process before it joins the container's cgroup */
        char *final;            /* set just before execve */
};

struct spec_process {
        bool present;           /* false: no "process" (valid for create only with hooks-only bundles; we refuse) */
        bool terminal;
        bool has_console_size;
        uint32_t console_height;
        uint32_t console_width;
        struct spec_user user;
        char **args;            /* at least one element (validated) */
        char *command_line;     /* Windows only */
        char **env;             /* "K=V" strings */
        char *cwd;              /* absolute (validated) */
        struct spec_capabilities capabilities;
        struct spec_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        char *apparmor_profile;
        char *selinux_label;
        bool has_oom_score_adj;
        int oom_score_adj;      /* -1000..1000 */
        struct spec_io_priority io_priority;
        struct spec_scheduler scheduler;
        struct spec_exec_cpu_affinity exec_cpu_affinity;
};

enum hook_kind {
        HOOK_PRESTART,
        HOOK_CREATE_RUNTIME,
        HOOK_CREATE_CONTAINER,
        HOOK_START_CONTAINER,
        HOOK_POSTSTART,
        HOOK_POSTSTOP,
        HOOK_KIND_COUNT,
};
/* JSON names: "prestart", "createRuntime", ... */
const char *hook_kind_name(enum hook_kind kind);

struct spec_hook {
        char *path;             /* absolute (validated) */
        char **args;            /* may be NULL: then argv is { path } */
        char **env;
        bool has_timeout;
        int timeout;            /* seconds, > 0 (validated) */
};

struct spec_hook_list {
        struct spec_hook *hooks;
        size_t n;
};

struct spec_kv {
        char *key;
        char *value;
};

enum ns_type {
        NS_PID,
        NS_NETWORK,
        NS_MOUNT,
        NS_IPC,
        NS_UTS,
        NS_USER,
        NS_CGROUP,
        NS_TIME,
        NS_TYPE_COUNT,
};
/* "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time" */
const char *ns_type_name(enum ns_type t);
/* CLONE_NEWPID, ... */
int ns_type_clone_flag(enum ns_type t);
/* The /proc/PID/ns/ file name: "pid", "net", "mnt", "ipc", "uts", "user", "cgroup", "time". */
const char *ns_type_proc_name(enum ns_type t);

struct spec_namespace {
        enum ns_type type;
        char *path;             /* NULL: create a new one; else join (absolute, validated) */
};

struct spec_time_offset {
        bool present;
        int64_t secs;
        uint32_t nanosecs;
};

struct spec_device {
        char *path;             /* absolute inside the container */
        char type;              /* 'c', 'b', 'u' or 'p' */
        int64_t major;
        int64_t minor;
        bool has_file_mode;
        uint32_t file_mode;
        bool has_uid;
        uint32_t uid;
        bool has_gid;
        uint32_t gid;
};

struct spec_device_rule {
        bool allow;
        char type;              /* 'a', 'c' or 'b'; 'a' when absent */
        bool has_major;
        int64_t major;          /* absent = wildcard */
        bool has_minor;
        int64_t minor;
        char *access;           /* subset of "rwm"; NULL = "rwm" */
};

struct spec_memory {
        bool has_limit;
        int64_t limit;          /* -1 = unlimited */
        bool has_reservation;
        int64_t reservation;
        bool has_swap;
        int64_t swap;           /* memory+swap total, -1 = unlimited */
        bool has_kernel;
        int64_t kernel;
        bool has_kernel_tcp;
        int64_t kernel_tcp;
        bool has_swappiness;
        uint64_t swappiness;    /* 0..100 (validated) */
        bool has_disable_oom_killer;
        bool disable_oom_killer;
        bool has_use_hierarchy;
        bool use_hierarchy;
        bool has_check_before_update;
        bool check_before_update;
};

struct spec_cpu {
        bool has_shares;
        uint64_t shares;
        bool has_quota;
        int64_t quota;          /* -1 = unlimited */
        bool has_burst;
        uint64_t burst;
        bool has_period;
        uint64_t period;
        bool has_realtime_runtime;
        int64_t realtime_runtime;
        bool has_realtime_period;
        uint64_t realtime_period;
        char *cpus;
        char *mems;
        bool has_idle;
        int64_t idle;
};

struct spec_pids {
        bool has_limit;
        int64_t limit;          /* <= 0 = unlimited */
};

struct spec_blkio_weight_device {
        int64_t major;
        int64_t minor;
        bool has_weight;
        uint16_t weight;
        bool has_leaf_weight;
        uint16_t leaf_weight;
};

struct spec_blkio_throttle {
        int64_t major;
        int64_t minor;
        uint64_t rate;
};

struct spec_blkio {
        bool has_weight;
        uint16_t weight;        /* 10..1000 */
        bool has_leaf_weight;
        uint16_t leaf_weight;
        struct spec_blkio_weight_device *weight_devices;
        size_t n_weight_devices;
        struct spec_blkio_throttle *throttle_read_bps;
        size_t n_throttle_read_bps;
        struct spec_blkio_throttle *throttle_write_bps;
        size_t n_throttle_write_bps;
        struct spec_blkio_throttle *throttle_read_iops;
        size_t n_throttle_read_iops;
        struct spec_blkio_throttle *throttle_write_iops;
        size_t n_throttle_write_iops;
};

struct spec_hugepage_limit {
        char *page_size;        /* "2MB", "1GB" */
        uint64_t limit;
};

struct spec_net_priority {
        char *name;
        uint32_t priority;
};

struct spec_network {
        bool has_class_id;
        uint32_t class_id;
        struct spec_net_priority *priorities;
        size_t n_priorities;
};

struct spec_rdma {
        char *device;           /* the map key */
        bool has_hca_handles;
        uint32_t hca_handles;
        bool has_hca_objects;
        uint32_t hca_objects;
};

struct spec_resources {
        bool present;
        struct spec_device_rule *devices;
        size_t n_devices;
        struct spec_memory memory;
        struct spec_cpu cpu;
        struct spec_pids pids;
        struct spec_blkio blkio;
        struct spec_hugepage_limit *hugepage_limits;
        size_t n_hugepage_limits;
        struct spec_network network;
        struct spec_rdma *rdma;
        size_t n_rdma;
        struct spec_kv *unified;        /* cgroup v2 file name -> value */
        size_t n_unified;
};

struct spec_intel_rdt {
        bool present;
        char *clos_id;
        char **schemata;        /* 1.3: whole schemata lines, written as is (instead of the two below) */
        char *l3_cache_schema;
        char *mem_bw_schema;
        bool enable_cmt;        /* up to 1.2 */
        bool enable_mbm;
        bool enable_monitoring; /* 1.3: a monitoring group for the container */
};

enum seccomp_action {
        SECCOMP_ACT_KILL,               /* SCMP_ACT_KILL (= KILL_THREAD) */
        SECCOMP_ACT_KILL_PROCESS,
        SECCOMP_ACT_KILL_THREAD,
        SECCOMP_ACT_TRAP,
        SECCOMP_ACT_ERRNO,
        SECCOMP_ACT_TRACE,
        SECCOMP_ACT_ALLOW,
        SECCOMP_ACT_LOG,
        SECCOMP_ACT_NOTIFY,
};

enum seccomp_op {
        SECCOMP_OP_NE,
        SECCOMP_OP_LT,
        SECCOMP_OP_LE,
        SECCOMP_OP_EQ,
        SECCOMP_OP_GE,
        SECCOMP_OP_GT,
        SECCOMP_OP_MASKED_EQ,
};

struct spec_seccomp_arg {
        uint32_t index;         /* 0..5 */
        uint64_t value;
        uint64_t value_two;
        enum seccomp_op op;
};

struct spec_seccomp_syscall {
        char **names;
        enum seccomp_action action;
        bool has_errno_ret;
        uint32_t errno_ret;
        struct spec_seccomp_arg *args;
        size_t n_args;
};

struct spec_seccomp {
        bool present;
        enum seccomp_action default_action;
        bool has_default_errno_ret;
        uint32_t default_errno_ret;
        char **architectures;   /* "SCMP_ARCH_X86_64", ... */
        char **flags;           /* "SECCOMP_FILTER_FLAG_LOG", ... */
        char *listener_path;
        char *listener_metadata;
        struct spec_seccomp_syscall *syscalls;
        size_t n_syscalls;
};

struct spec_personality {
        bool present;
        char *domain;           /* "LINUX" or "LINUX32" */
        char **flags;
};

/* The node ids a memory policy may name: the kernel's MAX_NUMNODES on distribution kernels. */
#define SPEC_MAX_NUMA_NODES 1024

/* linux.memoryPolicy (runtime-spec 1.3): set_mempolicy(2) for the container's processes. */
struct spec_memory_policy {
        bool present;
        char *mode;             /* "MPOL_BIND", ... (validated) */
        int mode_value;         /* MPOL_* number, resolved by the parser */
        char *nodes;            /* node list "0-3,7"; NULL when absent (syntax validated) */
        char **flags;           /* "MPOL_F_STATIC_NODES", ... (validated against the mode) */
        unsigned flags_value;   /* OR of the MPOL_F_* numbers */
};

/* One linux.netDevices entry (runtime-spec 1.2): a host interface moved into the container. */
struct spec_net_device {
        char *host_name;        /* the map key: the interface in the runtime's network namespace */
        char *name;             /* its name inside the container; NULL: the same name */
};

struct spec_linux {
        bool present;
        struct spec_namespace *namespaces;
        size_t n_namespaces;
        struct spec_id_mapping *uid_mappings;
        size_t n_uid_mappings;
        struct spec_id_mapping *gid_mappings;
        size_t n_gid_mappings;
        struct spec_time_offset time_offset_monotonic;
        struct spec_time_offset time_offset_boottime;
        struct spec_device *devices;
        size_t n_devices;
        char *cgroups_path;
        struct spec_resources resources;
        struct spec_intel_rdt intel_rdt;
        struct spec_kv *sysctl;
        size_t n_sysctl;
        struct spec_seccomp seccomp;
        char *rootfs_propagation;       /* "private", "rslave", ... or NULL */
        char **masked_paths;
        char **readonly_paths;
        char *mount_label;
        struct spec_personality personality;
        struct spec_memory_policy memory_policy;
        struct spec_net_device *net_devices;
        size_t n_net_devices;
};

struct spec {
        char *oci_version;
        char *root_path;        /* absolute after parsing (relative ones resolved against the bundle) */
        bool root_readonly;
        struct spec_mount *mounts;
        size_t n_mounts;
        struct spec_process process;
        char *hostname;
        char *domainname;
        struct spec_hook_list hooks[HOOK_KIND_COUNT];
        struct spec_kv *annotations;
        size_t n_annotations;
        struct spec_linux linux;
        char *bundle;           /* absolute bundle directory (set by spec_load_bundle) */
};

/* Parses and validates a config document.  source names the file in messages
 * ("config.json: linux.resources.memory.limit: expected an integer, got \"64M\"").
 * bundle (absolute) resolves a relative root.path; may be NULL (then root.path stays as is). */
int spec_parse(const char *text, size_t len, const char *source, const char *bundle,
               struct spec **out, struct error **err);
/* Reads <bundle>/config.json, parses it, sets spec->bundle to the absolute bundle path. */
int spec_load_bundle(const char *bundle, struct spec **out, struct error **err);
void spec_free(struct spec *spec);
static inline void spec_freep(struct spec **s) { spec_free(*s); }
#define cleanup_spec __attribute__((cleanup(spec_freep)))

/* The namespace entry of a type, or NULL when the config does not ask for it. */
const struct spec_namespace *spec_namespace(const struct spec *spec, enum ns_type t);
/* Value of KEY in process.env, or NULL. */
const char *spec_getenv(const struct spec *spec, const char *key);

/* The default config `contain spec` writes (runc's defaults: busybox-friendly sh, a terminal,
 * the default capability set, masked/readonly paths); rootless adds a user namespace. */
struct spec *spec_new_default(bool rootless);
/* Serialises a spec back to config.json text (pretty-printed). */
char *spec_to_json(const struct spec *spec);

/* ociVersion accepted: 1.0.0 through 1.3.x, with any pre-release suffix ("1.0.2-dev"). */
bool spec_version_supported(const char *version);
/* True when version (an ociVersion string) is MAJOR.MINOR.x or later; false for NULL or a
 * malformed one.  Pre-releases count as their release ("1.3.0-rc.1" is at least 1.3). */
bool spec_version_at_least(const char *version, unsigned long major, unsigned long minor);

/* A lone process object (`exec --process FILE`), validated like config.json's "process";
 * errors read "<source>: args: ...". */
int spec_parse_process(const char *text, size_t len, const char *source,
                       struct spec_process **out, struct error **err);
void spec_process_free(struct spec_process *proc);

/* Why KEY may not be a linux.resources.unified key (runtime-spec config-linux.md "Unified"):
 * not a plain CONTROLLER.FILE name of the container's own cgroup, or a core interface file
 * the runtime manages (cgroup.procs, cgroup.subtree_control, cgroup.freeze, cgroup.kill...).
 * Returns a static reason, or NULL when the key may be written. */
const char *spec_unified_key_problem(const char *key);

/* Names as config.json spells them ("SCMP_ACT_ERRNO", "SCMP_CMP_EQ"); NULL when out of range. */
const char *spec_seccomp_action_name(enum seccomp_action a);
const char *spec_seccomp_op_name(enum seccomp_op op);
/* The i-th architecture ("SCMP_ARCH_X86_64") / filter flag the parser accepts; NULL past the end. */
const char *spec_seccomp_arch_name(size_t i);
const char *spec_seccomp_flag_name(size_t i);
/* The i-th linux.memoryPolicy mode ("MPOL_BIND") / flag ("MPOL_F_STATIC_NODES") the parser
 * accepts, for `features`; NULL past the end. */
const char *spec_mempolicy_mode_name(size_t i);
const char *spec_mempolicy_flag_name(size_t i);

#endif
