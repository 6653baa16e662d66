/* The names config.json uses and what they mean to the kernel: hook kinds, namespace types,
 * rlimits, I/O and scheduler classes, seccomp actions/operators/architectures, capabilities,
 * memory policy modes and flags. */
#include <ctype.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>

#include "spec_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct name_value {
        const char *name;
        int value;
};

static int lookup(const struct name_value *t, size_t n, const char *name, int *out)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(t[i].name, name) == 0) {
                        *out = t[i].value;
                        return 0;
                }
        return -1;
}

/* The index of name in a list of names, or -1. */
static int name_index(const char *const *t, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(t[i], name) == 0)
                        return (int)i;
        return -1;
}

static const char *const hook_names[HOOK_KIND_COUNT] = {
        [HOOK_PRESTART] = "prestart",
        [HOOK_CREATE_RUNTIME] = "createRuntime",
        [HOOK_CREATE_CONTAINER] = "createContainer",
        [HOOK_START_CONTAINER] = "startContainer",
        [HOOK_POSTSTART] = "poststart",
        [HOOK_POSTSTOP] = "poststop",
};

const char *hook_kind_name(enum hook_kind kind)
{
        return (unsigned)kind < HOOK_KIND_COUNT ? hook_names[kind] : NULL;
}

static const struct {
        const char *name;       /* in config.json */
        const char *proc;       /* in /proc/PID/ns/ */
        int flag;
} ns_table[NS_TYPE_COUNT] = {
        [NS_PID] = { "pid", "pid", CLONE_NEWPID },
        [NS_NETWORK] = { "network", "net", CLONE_NEWNET },
        [NS_MOUNT] = { "mount", "mnt", CLONE_NEWNS },
        [NS_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
        [NS_UTS] = { "uts", "uts", CLONE_NEWUTS },
        [NS_USER] = { "user", "user", CLONE_NEWUSER },
        [NS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
        [NS_TIME] = { "time", "time", CLONE_NEWTIME },
};

const char *ns_type_name(enum ns_type t)
{
        return (unsigned)t < NS_TYPE_COUNT ? ns_table[t].name : NULL;
}

int ns_type_clone_flag(enum ns_type t)
{
        return (unsigned)t < NS_TYPE_COUNT ? ns_table[t].flag : 0;
}

const char *ns_type_proc_name(enum ns_type t)
{
        return (unsigned)t < NS_TYPE_COUNT ? ns_table[t].proc : NULL;
}

int rlimit_from_name(const char *name, int *out)
{
        static const struct name_value t[] = {
                { "RLIMIT_AS", RLIMIT_AS },
                { "RLIMIT_CORE", RLIMIT_CORE },
                { "RLIMIT_CPU", RLIMIT_CPU },
                { "RLIMIT_DATA", RLIMIT_DATA },
                { "RLIMIT_FSIZE", RLIMIT_FSIZE },
                { "RLIMIT_LOCKS", RLIMIT_LOCKS },
                { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
                { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
                { "RLIMIT_NICE", RLIMIT_NICE },
                { "RLIMIT_NOFILE", RLIMIT_NOFILE },
                { "RLIMIT_NPROC", RLIMIT_NPROC },
                { "RLIMIT_RSS", RLIMIT_RSS },
                { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
                { "RLIMIT_RTTIME", RLIMIT_RTTIME },
                { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
                { "RLIMIT_STACK", RLIMIT_STACK },
        };
        return lookup(t, ARRAY_SIZE(t), name, out);
}

int ioprio_class_from_name(const char *name, int *out)
{
        /* the kernel's IOPRIO_CLASS_* numbers (linux/ioprio.h is not in every libc) */
        static const struct name_value t[] = {
                { "IOPRIO_CLASS_RT", 1 },
                { "IOPRIO_CLASS_BE", 2 },
                { "IOPRIO_CLASS_IDLE", 3 },
        };
        return lookup(t, ARRAY_SIZE(t), name, out);
}

int sched_policy_from_name(const char *name, int *out)
{
        static const struct name_value t[] = {
                { "SCHED_OTHER", 0 },
                { "SCHED_FIFO", 1 },
                { "SCHED_RR", 2 },
                { "SCHED_BATCH", 3 },
                { "SCHED_ISO", 4 },
                { "SCHED_IDLE", 5 },
                { "SCHED_DEADLINE", 6 },
        };
        return lookup(t, ARRAY_SIZE(t), name, out);
}

bool sched_flag_known(const char *name)
{
        static const char *const t[] = {
                "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
                "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
                "SCHED_FLAG_UTIL_CLAMP_MAX",
        };
        return name_index(t, ARRAY_SIZE(t), name) >= 0;
}

static const char *const action_names[] = {
        [SECCOMP_ACT_KILL] = "SCMP_ACT_KILL",
        [SECCOMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
        [SECCOMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
        [SECCOMP_ACT_TRAP] = "SCMP_ACT_TRAP",
        [SECCOMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
        [SECCOMP_ACT_TRACE] = "SCMP_ACT_TRACE",
        [SECCOMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
        [SECCOMP_ACT_LOG] = "SCMP_ACT_LOG",
        [SECCOMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

const char *spec_seccomp_action_name(enum seccomp_action a)
{
        return (unsigned)a < ARRAY_SIZE(action_names) ? action_names[a] : NULL;
}

int spec_seccomp_action_from_name(const char *name, enum seccomp_action *out)
{
        int i = name_index(action_names, ARRAY_SIZE(action_names), name);
        if (i >= 0)
                *out = (enum seccomp_action)i;
        return i >= 0 ? 0 : -1;
}

static const char *const op_names[] = {
        [SECCOMP_OP_NE] = "SCMP_CMP_NE",
        [SECCOMP_OP_LT] = "SCMP_CMP_LT",
        [SECCOMP_OP_LE] = "SCMP_CMP_LE",
        [SECCOMP_OP_EQ] = "SCMP_CMP_EQ",
        [SECCOMP_OP_GE] = "SCMP_CMP_GE",
        [SECCOMP_OP_GT] = "SCMP_CMP_GT",
        [SECCOMP_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *spec_seccomp_op_name(enum seccomp_op op)
{
        return (unsigned)op < ARRAY_SIZE(op_names) ? op_names[op] : NULL;
}

int spec_seccomp_op_from_name(const char *name, enum seccomp_op *out)
{
        int i = name_index(op_names, ARRAY_SIZE(op_names), name);
        if (i >= 0)
                *out = (enum seccomp_op)i;
        return i >= 0 ? 0 : -1;
}

/* The runtime-spec's list; whether libseccomp knows one is the seccomp module's question. */
static const char *const arch_names[] = {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
        "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
};

const char *spec_seccomp_arch_name(size_t i)
{
        return i < ARRAY_SIZE(arch_names) ? arch_names[i] : NULL;
}

bool spec_seccomp_arch_known(const char *name)
{
        return name_index(arch_names, ARRAY_SIZE(arch_names), name) >= 0;
}

static const char *const seccomp_flags[] = {
        "SECCOMP_FILTER_FLAG_TSYNC",
        "SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

const char *spec_seccomp_flag_name(size_t i)
{
        return i < ARRAY_SIZE(seccomp_flags) ? seccomp_flags[i] : NULL;
}

bool spec_seccomp_flag_known(const char *name)
{
        return name_index(seccomp_flags, ARRAY_SIZE(seccomp_flags), name) >= 0;
}

/* linux.memoryPolicy: the kernel's MPOL_* numbers (numaif.h is libnuma's, not libc's), and
 * what each mode takes: nodes (required, optional or refused) and the mode flags. */
static const struct {
        const char *name;
        int value;
        enum mempolicy_nodes nodes;
        unsigned flags;         /* the MPOL_F_* the mode allows */
} mempolicy_modes[] = {
        { "MPOL_DEFAULT", 0, MPOL_NODES_NONE, 0 },
        { "MPOL_PREFERRED", 1, MPOL_NODES_OPTIONAL, MPOL_FLAG_STATIC_NODES | MPOL_FLAG_RELATIVE_NODES },
        { "MPOL_BIND", 2, MPOL_NODES_REQUIRED, MPOL_FLAG_STATIC_NODES | MPOL_FLAG_RELATIVE_NODES | MPOL_FLAG_NUMA_BALANCING },
        { "MPOL_INTERLEAVE", 3, MPOL_NODES_REQUIRED, MPOL_FLAG_STATIC_NODES | MPOL_FLAG_RELATIVE_NODES },
        { "MPOL_LOCAL", 4, MPOL_NODES_NONE, 0 },
        { "MPOL_PREFERRED_MANY", 5, MPOL_NODES_REQUIRED, MPOL_FLAG_STATIC_NODES | MPOL_FLAG_RELATIVE_NODES },
        { "MPOL_WEIGHTED_INTERLEAVE", 6, MPOL_NODES_REQUIRED, MPOL_FLAG_STATIC_NODES | MPOL_FLAG_RELATIVE_NODES },
};

static const struct name_value mempolicy_flags[] = {
        { "MPOL_F_NUMA_BALANCING", MPOL_FLAG_NUMA_BALANCING },
        { "MPOL_F_RELATIVE_NODES", MPOL_FLAG_RELATIVE_NODES },
        { "MPOL_F_STATIC_NODES", MPOL_FLAG_STATIC_NODES },
};

const char *spec_mempolicy_mode_name(size_t i)
{
        return i < ARRAY_SIZE(mempolicy_modes) ? mempolicy_modes[i].name : NULL;
}

const char *spec_mempolicy_flag_name(size_t i)
{
        return i < ARRAY_SIZE(mempolicy_flags) ? mempolicy_flags[i].name : NULL;
}

int mempolicy_mode_from_name(const char *name, int *value, enum mempolicy_nodes *nodes, unsigned *flags)
{
        for (size_t i = 0; i < ARRAY_SIZE(mempolicy_modes); i++)
                if (strcmp(mempolicy_modes[i].name, name) == 0) {
                        *value = mempolicy_modes[i].value;
                        *nodes = mempolicy_modes[i].nodes;
                        *flags = mempolicy_modes[i].flags;
                        return 0;
                }
        return -1;
}

int mempolicy_flag_from_name(const char *name, unsigned *out)
{
        int v;
        if (lookup(mempolicy_flags, ARRAY_SIZE(mempolicy_flags), name, &v) < 0)
                return -1;
        *out = (unsigned)v;
        return 0;
}

bool propagation_known(const char *name)
{
        static const char *const t[] = {
                "private", "rprivate", "shared", "rshared",
                "slave", "rslave", "unbindable", "runbindable",
        };
        return name_index(t, ARRAY_SIZE(t), name) >= 0;
}

/* Index = capability number (linux/capability.h), as far as libcap 2.66 knows them. */
const char *const spec_capability_names[SPEC_CAPABILITY_COUNT + 1] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
        "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE", NULL,
};
_Static_assert(CAP_CHECKPOINT_RESTORE == SPEC_CAPABILITY_COUNT - 1, "one name per capability number");

/* The one table the process's capability sets are made from (linux/caps.c): a name known
 * here is one the init can apply (libcap's cap_from_name knew names that table did not). */
bool capability_known(const char *name)
{
        /* config.json spells names in capitals */
        for (size_t i = 0; i < SPEC_CAPABILITY_COUNT; i++)
                if (strcmp(name, spec_capability_names[i]) == 0)
                        return true;
        return false;
}

/* MAJOR.MINOR.PATCH with MAJOR 1 and MINOR 0..3, optionally followed by -pre or +build. */
/* Splits "MAJOR.MINOR.PATCH[-pre|+build]" into part[3]; false when it is not that shape. */
static bool version_parse(const char *s, unsigned long part[3])
{
        if (!s)
                return false;
        for (int i = 0; i < 3; i++) {
                char *end;
                if (!isdigit((unsigned char)*s))
                        return false;
                part[i] = strtoul(s, &end, 10);
                s = end;
                if (i < 2) {
                        if (*s != '.')
                                return false;
                        s++;
                }
        }
        return !*s || *s == '-' || *s == '+';
}

bool spec_version_supported(const char *version)
{
        unsigned long part[3];
        return version_parse(version, part) && part[0] == 1 && part[1] <= 3;
}

bool spec_version_at_least(const char *version, unsigned long major, unsigned long minor)
{
        unsigned long part[3];
        if (!version_parse(version, part))
                return false;
        return part[0] > major || (part[0] == major && part[1] >= minor);
}
