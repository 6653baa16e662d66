/* Seccomp with libseccomp: the filter is compiled in the runtime before clone into a BPF
 * program, so the init only makes one seccomp(2) call, as late as possible before exec.  A
 * filter with SCMP_ACT_NOTIFY rules is installed with a listener fd for the seccomp agent.
 * libseccomp is loaded only for a config with linux.seccomp (contain/dynlib.h): most calls
 * (state, kill, delete, a run without a filter) never need it. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "contain/dynlib.h"
#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

#define LIBSECCOMP_FUNCS(X)                                                                     \
        X(seccomp_version) X(seccomp_init) X(seccomp_release) X(seccomp_arch_add)               \
        X(seccomp_arch_resolve_name) X(seccomp_syscall_resolve_name) X(seccomp_rule_add_array)  \
        X(seccomp_export_bpf)
struct libseccomp {
        void *handle;
        LIBSECCOMP_FUNCS(DYNLIB_MEMBER)
};
DYNLIB_DEFINE(static, libseccomp, "libseccomp.so.2", "libseccomp2", LIBSECCOMP_FUNCS)

/* A filter being built, with the library it is built with (released in that order). */
struct filter {
        struct libseccomp lib;
        scmp_filter_ctx ctx;
};

static void filter_release(struct filter *f)
{
        if (f->ctx)
                f->lib.seccomp_release(f->ctx);
        f->ctx = NULL;
        libseccomp_close(&f->lib);
}

/* Loads the library and makes an empty filter whose default is def.  -1 with err. */
static int filter_open(struct filter *f, uint32_t def, struct error **err)
{
        if (libseccomp_open(&f->lib, err) < 0)
                return error_wrap(err, "linux.seccomp");
        f->ctx = f->lib.seccomp_init(def);
        if (!f->ctx)
                return error_make(err, 0, "linux.seccomp: libseccomp refused to create a filter (seccomp_init)");
        return 0;
}

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

struct seccomp_program {
        struct sock_filter *insns;
        size_t n_insns;
        unsigned int flags;     /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
        bool notify;            /* has SCMP_ACT_NOTIFY rules: installed with a listener fd */
};

/* The linux.seccomp.flags this module passes to seccomp(2): what `features` calls supported. */
static const struct { const char *name; unsigned int flag; } filter_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

/* The init and the exec child hand the notify fd to the runtime with sendmsg after the filter is
 * on: a notification for it could only be answered by an agent that does not have the fd yet. */
static const char *const never_notified[] = { "sendmsg" };

bool seccomp_flag_supported(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(filter_flags); i++)
                if (strcmp(filter_flags[i].name, name) == 0)
                        return true;
        return false;
}

static int action_of(enum seccomp_action a, bool has_errno, uint32_t errno_ret, uint32_t *out,
                     const char *field, struct error **err)
{
        uint32_t ret = has_errno ? errno_ret : EPERM;
        switch (a) {
        case SECCOMP_ACT_KILL:
        case SECCOMP_ACT_KILL_THREAD: *out = SCMP_ACT_KILL_THREAD; return 0;
        case SECCOMP_ACT_KILL_PROCESS: *out = SCMP_ACT_KILL_PROCESS; return 0;
        case SECCOMP_ACT_TRAP: *out = SCMP_ACT_TRAP; return 0;
        case SECCOMP_ACT_ERRNO: *out = SCMP_ACT_ERRNO(ret); return 0;
        case SECCOMP_ACT_TRACE: *out = SCMP_ACT_TRACE(ret); return 0;
        case SECCOMP_ACT_ALLOW: *out = SCMP_ACT_ALLOW; return 0;
        case SECCOMP_ACT_LOG: *out = SCMP_ACT_LOG; return 0;
        case SECCOMP_ACT_NOTIFY: *out = SCMP_ACT_NOTIFY; return 0;
        }
        return error_make(err, 0, "%s: unknown action", field);
}

static enum scmp_compare op_of(enum seccomp_op op)
{
        switch (op) {
        case SECCOMP_OP_NE: return SCMP_CMP_NE;
        case SECCOMP_OP_LT: return SCMP_CMP_LT;
        case SECCOMP_OP_LE: return SCMP_CMP_LE;
        case SECCOMP_OP_EQ: return SCMP_CMP_EQ;
        case SECCOMP_OP_GE: return SCMP_CMP_GE;
        case SECCOMP_OP_GT: return SCMP_CMP_GT;
        case SECCOMP_OP_MASKED_EQ: return SCMP_CMP_MASKED_EQ;
        }
        return _SCMP_CMP_MIN;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token. */
static uint32_t arch_of(const struct libseccomp *lib, const char *name)
{
        if (!str_has_prefix(name, "SCMP_ARCH_"))
                return 0;
        cleanup_free char *lower = xstrdup(name + strlen("SCMP_ARCH_"));
        for (char *p = lower; *p; p++)
                *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        return lib->seccomp_arch_resolve_name(lower);
}

char *seccomp_library_version(struct error **err)
{
        struct libseccomp lib = { 0 };
        if (libseccomp_open(&lib, err) < 0)
                return NULL;
        const struct scmp_version *v = lib.seccomp_version();
        char *s = xasprintf("%u.%u.%u", v->major, v->minor, v->micro);
        libseccomp_close(&lib);
        return s;
}

bool seccomp_arch_supported(const char *name)
{
        __attribute__((cleanup(filter_release))) struct filter f = { 0 };
        struct error *e = NULL;
        bool have = filter_open(&f, SCMP_ACT_ALLOW, &e) == 0;
        error_free(e);
        uint32_t arch = have ? arch_of(&f.lib, name) : 0;
        if (!arch)
                return false;
        /* libseccomp knowing the name is not enough: a filter holds only archs of the native
         * byte order (s390x or mips next to x86_64 is EDOM), and that is what create builds */
        int r = f.lib.seccomp_arch_add(f.ctx, arch);
        return r == 0 || r == -EEXIST;
}

static int add_rule(const struct filter *f, const struct spec_seccomp_syscall *sc, size_t idx, uint32_t action,
                    int nr, const char *name, struct error **err)
{
        struct scmp_arg_cmp conds[6 * 8];
        size_t n = sc->n_args < ARRAY_SIZE(conds) ? sc->n_args : ARRAY_SIZE(conds);
        unsigned count[6] = { 0 };
        bool repeated = false;

        for (size_t i = 0; i < n; i++) {
                const struct spec_seccomp_arg *a = &sc->args[i];
                if (a->index > 5)
                        return error_make(err, 0, "linux.seccomp.syscalls[%zu]: args index %u out of range", idx, a->index);
                conds[i] = (struct scmp_arg_cmp){ .arg = a->index, .op = op_of(a->op), .datum_a = a->value,
                                                  .datum_b = a->value_two };
                if (++count[a->index] > 1)
                        repeated = true;
        }
        int r;
        if (!repeated) {
                r = f->lib.seccomp_rule_add_array(f->ctx, action, nr, (unsigned)n, n ? conds : NULL);
        } else {
                /* Two conditions on the same argument cannot both hold in one rule: like runc, each
                 * becomes a rule of its own (any of them matching triggers the action). */
                r = 0;
                for (size_t i = 0; i < n && r == 0; i++)
                        r = f->lib.seccomp_rule_add_array(f->ctx, action, nr, 1, &conds[i]);
        }
        if (r < 0)
                return error_make(err, -r, "linux.seccomp.syscalls[%zu]: add rule for %s", idx, name);
        return 0;
}

static int notify_refused(const char *name, size_t idx, struct error **err)
{
        for (size_t i = 0; i < ARRAY_SIZE(never_notified); i++)
                if (strcmp(name, never_notified[i]) == 0)
                        return error_make(err, 0, "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for %s: "
                                          "the runtime needs it to hand the notify fd to the agent", idx, name);
        return 0;
}

/* A filter with SCMP_ACT_NOTIFY rules asks the kernel for a listener fd; without such rules
 * listenerPath is ignored (runtime-spec) and the listener-only flag is an error. */
static int notify_flags(const struct spec_seccomp *sc, bool notify, unsigned int *flags, struct error **err)
{
        if (!notify) {
                if (*flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
                        return error_make(err, 0, "linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV "
                                          "needs SCMP_ACT_NOTIFY rules");
                return 0;
        }
        if (!sc->listener_path || !*sc->listener_path)
                return error_make(err, 0, "linux.seccomp.listenerPath: required by the SCMP_ACT_NOTIFY rules");
        *flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        /* the kernel refuses TSYNC with a listener unless a failed sync is reported as ESRCH */
        if (*flags & SECCOMP_FILTER_FLAG_TSYNC)
                *flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
        return 0;
}

int seccomp_program_build(const struct spec_seccomp *sc, struct seccomp_program **out, struct error **err)
{
        *out = NULL;
        if (!sc->present)
                return 0;
        uint32_t def = 0;
        if (sc->default_action == SECCOMP_ACT_NOTIFY)
                return error_make(err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
        if (action_of(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret, &def,
                      "linux.seccomp.defaultAction", err) < 0)
                return -1;
        __attribute__((cleanup(filter_release))) struct filter f = { 0 };
        if (filter_open(&f, def, err) < 0)
                return -1;

        for (size_t i = 0; sc->architectures && sc->architectures[i]; i++) {
                uint32_t arch = arch_of(&f.lib, sc->architectures[i]);
                if (!arch)
                        return error_make(err, 0, "linux.seccomp.architectures: unknown \"%s\"", sc->architectures[i]);
                int r = f.lib.seccomp_arch_add(f.ctx, arch);
                if (r < 0 && r != -EEXIST)
                        return error_make(err, -r, "linux.seccomp.architectures: add %s", sc->architectures[i]);
        }

        unsigned int flags = 0;
        for (size_t i = 0; sc->flags && sc->flags[i]; i++) {
                size_t k = 0;
                while (k < ARRAY_SIZE(filter_flags) && strcmp(sc->flags[i], filter_flags[k].name) != 0)
                        k++;
                if (k == ARRAY_SIZE(filter_flags))
                        return error_make(err, 0, "linux.seccomp.flags: unknown or unsupported \"%s\"", sc->flags[i]);
                flags |= filter_flags[k].flag;
        }

        bool notify = false;
        for (size_t i = 0; i < sc->n_syscalls; i++) {
                const struct spec_seccomp_syscall *s = &sc->syscalls[i];
                char field[64];
                snprintf(field, sizeof(field), "linux.seccomp.syscalls[%zu]", i);
                uint32_t action = 0;
                if (action_of(s->action, s->has_errno_ret, s->errno_ret, &action, field, err) < 0)
                        return -1;
                if (action == def)
                        continue;       /* libseccomp refuses rules that do what the default does */
                for (size_t k = 0; s->names && s->names[k]; k++) {
                        int nr = f.lib.seccomp_syscall_resolve_name(s->names[k]);
                        if (nr == __NR_SCMP_ERROR) {
                                /* Profiles list syscalls of newer kernels: skip them, like runc. */
                                log_debug("seccomp: unknown syscall \"%s\" skipped", s->names[k]);
                                continue;
                        }
                        if (s->action == SECCOMP_ACT_NOTIFY && notify_refused(s->names[k], i, err) < 0)
                                return -1;
                        if (add_rule(&f, s, i, action, nr, s->names[k], err) < 0)
                                return -1;
                        notify |= s->action == SECCOMP_ACT_NOTIFY;
                }
        }
        if (notify_flags(sc, notify, &flags, err) < 0)
                return -1;

        /* Export the program: memfd in, buffer out. */
        cleanup_close int mfd = memfd_create("contain-seccomp", MFD_CLOEXEC);
        if (mfd < 0)
                return error_make(err, errno, "linux.seccomp: memfd_create");
        int r = f.lib.seccomp_export_bpf(f.ctx, mfd);
        if (r < 0)
                return error_make(err, -r, "linux.seccomp: export the filter");
        off_t size = lseek(mfd, 0, SEEK_END);
        if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0)
                return error_make(err, 0, "linux.seccomp: exported filter has a bad size %lld", (long long)size);
        struct seccomp_program *p = xcalloc(1, sizeof(*p));
        p->insns = xmalloc((size_t)size);
        p->n_insns = (size_t)size / sizeof(struct sock_filter);
        p->flags = flags;
        p->notify = notify;
        if (pread(mfd, p->insns, (size_t)size, 0) != size) {
                int e = errno;
                seccomp_program_free(p);
                return error_make(err, e, "linux.seccomp: read the exported filter");
        }
        *out = p;
        return 0;
}

int seccomp_program_install(const struct seccomp_program *prog, int *notify_fd, struct error **err)
{
        if (notify_fd)
                *notify_fd = -1;
        if (!prog)
                return 0;
        struct sock_fprog fprog = { .len = (unsigned short)prog->n_insns, .filter = prog->insns };
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog->flags, &fprog);
        if (r < 0) {
                if (errno == EACCES)
                        return error_make(err, errno, "linux.seccomp: install the filter (without noNewPrivileges it needs CAP_SYS_ADMIN)");
                return error_make(err, errno, "linux.seccomp: install the filter");
        }
        /* with NEW_LISTENER the kernel returns the listener, close-on-exec */
        if (prog->notify) {
                if (notify_fd)
                        *notify_fd = (int)r;
                else
                        close((int)r);
        }
        return 0;
}

bool seccomp_program_notifies(const struct seccomp_program *prog)
{
        return prog && prog->notify;
}

void seccomp_program_free(struct seccomp_program *prog)
{
        if (!prog)
                return;
        free(prog->insns);
        free(prog);
}

bool seccomp_install_early(const struct spec_process *proc)
{
        if (proc->no_new_privileges || !proc->capabilities.present)
                return false;
        for (char **c = proc->capabilities.effective; c && *c; c++)
                if (strcasecmp(*c, "CAP_SYS_ADMIN") == 0)
                        return false;
        return true;
}
