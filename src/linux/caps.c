/* The five capability sets with libcap: the bounding set by PR_CAPBSET_DROP, effective,
 * permitted and inheritable in one cap_set_proc, ambient by PR_CAP_AMBIENT_RAISE; the names
 * this build knows, for validation and `features`.  Each set gets exactly what the config
 * lists: nothing is added to one set to make another work. */
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"


const char *const *caps_known_names(void)
{
        return spec_capability_names;
}

#define N_CAPS SPEC_CAPABILITY_COUNT

/* The highest capability the running kernel knows: libcap probes it once when it loads
 * (cap_max_bits), where asking prctl cap by cap cost ~40 calls per use. */
static unsigned kernel_last_cap(void)
{
        cap_value_t bits = cap_max_bits();
        return bits > 0 && bits <= 64 ? (unsigned)bits - 1 : 0;
}

/* Marks the caps of list in set[]; unknown names are an error naming the field. */
static int cap_list(char **list, const char *field, bool set[N_CAPS], struct error **err)
{
        memset(set, 0, N_CAPS * sizeof(bool));
        for (size_t i = 0; list && list[i]; i++) {
                size_t k = 0;
                while (k < N_CAPS && strcasecmp(list[i], spec_capability_names[k]) != 0)
                        k++;
                if (k == N_CAPS)
                        return error_make(err, 0, "process.capabilities.%s: unknown capability \"%s\"", field,
                                          list[i]);
                set[k] = true;
        }
        return 0;
}

int caps_drop_bounding(const struct spec_capabilities *c, struct error **err)
{
        if (!c->present)
                return 0;
        bool want[N_CAPS];
        if (cap_list(c->bounding, "bounding", want, err) < 0)
                return -1;
        unsigned last = kernel_last_cap();
        for (unsigned i = 0; i <= last; i++) {
                if (i < N_CAPS && want[i])
                        continue;
                /* dropping a cap the set lacks succeeds, given CAP_SETPCAP: PR_CAPBSET_READ
                 * only when the drop is refused */
                if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && prctl(PR_CAPBSET_READ, i, 0, 0, 0) != 0)
                        return error_make(err, errno, "process.capabilities.bounding: drop %s",
                                          i < N_CAPS ? spec_capability_names[i] : "an unnamed capability");
        }
        for (unsigned i = 0; i < N_CAPS; i++) {
                if (!want[i])
                        continue;
                if (i > last) {
                        log_debug("process.capabilities.bounding: %s unknown to this kernel, skipped", spec_capability_names[i]);
                        continue;
                }
                if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) != 1)
                        return error_make(err, EPERM,
                                          "process.capabilities.bounding: %s is not in the runtime's own bounding set (this host withholds it)",
                                          spec_capability_names[i]);
        }
        return 0;
}

static int fill(cap_t caps, cap_flag_t flag, const bool set[N_CAPS], unsigned last, struct error **err)
{
        for (unsigned i = 0; i < N_CAPS && i <= last; i++) {
                cap_value_t v = (cap_value_t)i;
                if (set[i] && cap_set_flag(caps, flag, 1, &v, CAP_SET) < 0)
                        return error_make(err, errno, "cap_set_flag %s", spec_capability_names[i]);
        }
        return 0;
}

int caps_apply(const struct spec_capabilities *c, struct error **err)
{
        if (!c->present)
                return 0;
        bool eff[N_CAPS], perm[N_CAPS], inh[N_CAPS], amb[N_CAPS];
        if (cap_list(c->effective, "effective", eff, err) < 0 || cap_list(c->permitted, "permitted", perm, err) < 0 ||
            cap_list(c->inheritable, "inheritable", inh, err) < 0 || cap_list(c->ambient, "ambient", amb, err) < 0)
                return -1;
        unsigned last = kernel_last_cap();
        for (unsigned i = 0; i < N_CAPS && i <= last; i++) {
                if (eff[i] && !perm[i])
                        return error_make(err, 0, "process.capabilities.effective: %s is not in permitted", spec_capability_names[i]);
                /* The kernel raises an ambient cap only when it is both permitted and
                 * inheritable.  Never widen inheritable to make it so (CVE-2022-29162): like
                 * runc and crun, an ambient cap the other sets do not allow stays unraised. */
                if (amb[i] && !(perm[i] && inh[i])) {
                        log_debug("process.capabilities.ambient: %s is not in both permitted and inheritable: not raised",
                                  spec_capability_names[i]);
                        amb[i] = false;
                }
        }

        cap_t caps = cap_init();
        if (!caps)
                return error_make(err, errno, "cap_init");
        int r = 0;
        if (fill(caps, CAP_EFFECTIVE, eff, last, err) < 0 || fill(caps, CAP_PERMITTED, perm, last, err) < 0 ||
            fill(caps, CAP_INHERITABLE, inh, last, err) < 0)
                r = -1;
        if (r == 0 && cap_set_proc(caps) < 0) {
                int e = errno;
                /* Name the cap we cannot have: one we do not hold ourselves. */
                cap_t cur = cap_get_proc();
                const char *missing = NULL;
                for (unsigned i = 0; cur && i < N_CAPS && i <= last && !missing; i++) {
                        cap_flag_value_t v = CAP_CLEAR;
                        cap_get_flag(cur, (cap_value_t)i, CAP_PERMITTED, &v);
                        if (perm[i] && v != CAP_SET)
                                missing = spec_capability_names[i];
                }
                if (cur)
                        cap_free(cur);
                if (missing)
                        r = error_make(err, e, "process.capabilities.permitted: %s is not held by the runtime", missing);
                else
                        r = error_make(err, e, "process.capabilities: set effective/permitted/inheritable");
        }
        cap_free(caps);
        if (r < 0)
                return -1;

        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return error_make(err, errno, "process.capabilities.ambient: clear");
        for (unsigned i = 0; i < N_CAPS && i <= last; i++)
                if (amb[i] && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
                        return error_make(err, errno, "process.capabilities.ambient: raise %s", spec_capability_names[i]);
        return 0;
}

int caps_keep_effective(struct error **err)
{
        cap_t caps = cap_get_proc();
        if (!caps)
                return error_make(err, errno, "cap_get_proc");
        int r = 0;
        for (unsigned i = 0; i < N_CAPS && r == 0; i++) {
                cap_flag_value_t v = CAP_CLEAR;
                cap_value_t c = (cap_value_t)i;
                if (cap_get_flag(caps, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET &&
                    cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0)
                        r = error_make(err, errno, "cap_set_flag %s", spec_capability_names[i]);
        }
        if (r == 0 && cap_set_proc(caps) < 0)
                r = error_make(err, errno, "process.capabilities: keep the effective set until seccomp is installed");
        cap_free(caps);
        return r;
}
