/* linux.resources.devices -> the effective ordered device rule list (config rules, then the
 * default nodes), its reference decision, and its v1 devices.allow/deny writes.  Pure. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "contain/util.h"
#include "devices.h"

void cg_dev_rules_free(struct cg_dev_rules *r)
{
        free(r->v);
        r->v = NULL;
        r->n = 0;
}

static void add(struct cg_dev_rules *r, struct cg_dev_rule rule)
{
        r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
        r->v[r->n++] = rule;
}

static unsigned access_bits(const char *access)
{
        unsigned bits = 0;
        for (const char *c = access; c && *c; c++)
                bits |= *c == 'r' ? CG_DEV_READ : *c == 'w' ? CG_DEV_WRITE : *c == 'm' ? CG_DEV_MKNOD : 0;
        /* absent or "" means everything, as the v1 writes always said */
        return bits ? bits : CG_DEV_RWM;
}

void cg_dev_rules_build(const struct spec_resources *res, struct cg_dev_rules *out)
{
        /* runc's list without its "mknod any c/b" pair: a node the container makes where the
         * host can reach it (a volume) would give host users that device; the runtime's own
         * mknods of linux.devices happen before the rules are applied */
        static const struct { int64_t major, minor; } defaults[] = {
                { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 },       /* null zero full random urandom */
                { 5, 0 }, { 5, 2 }, { 136, -1 },                        /* tty, ptmx, pts/<n> */
        };
        for (size_t i = 0; i < res->n_devices; i++) {
                const struct spec_device_rule *d = &res->devices[i];
                add(out, (struct cg_dev_rule){
                        .allow = d->allow,
                        .type = d->type == 'b' || d->type == 'c' ? d->type : 'a',
                        .major = d->has_major && d->major >= 0 ? d->major : -1,
                        .minor = d->has_minor && d->minor >= 0 ? d->minor : -1,
                        .access = access_bits(d->access),
                });
        }
        for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
                add(out, (struct cg_dev_rule){ .allow = true, .type = 'c', .major = defaults[i].major,
                                               .minor = defaults[i].minor, .access = CG_DEV_RWM });
}

static bool matches(const struct cg_dev_rule *r, char type, uint32_t major, uint32_t minor)
{
        return (r->type == 'a' || r->type == type) && (r->major < 0 || r->major == (int64_t)major) &&
               (r->minor < 0 || r->minor == (int64_t)minor);
}

bool cg_dev_rules_allow(const struct cg_dev_rules *r, char type, uint32_t major, uint32_t minor,
                        unsigned access)
{
        if (!access)
                return false;
        for (unsigned bit = 1; bit <= CG_DEV_RWM; bit <<= 1) {
                if (!(access & bit))
                        continue;
                bool allowed = false;
                for (size_t i = 0; i < r->n; i++)
                        if ((r->v[i].access & bit) && matches(&r->v[i], type, major, minor))
                                allowed = r->v[i].allow;
                if (!allowed)
                        return false;
        }
        return true;
}

void cg_dev_rules_v1(const struct cg_dev_rules *r, struct cg_settings *out)
{
        cg_settings_add(out, "devices", "devices.deny", "a");
        for (size_t i = 0; i < r->n; i++) {
                const struct cg_dev_rule *d = &r->v[i];
                const char *file = d->allow ? "devices.allow" : "devices.deny";
                if (d->type == 'a' && d->major < 0 && d->minor < 0 && d->access == CG_DEV_RWM) {
                        cg_settings_add(out, "devices", file, "a");
                        continue;
                }
                char ma[24] = "*", mi[24] = "*", acc[4] = "", value[64];
                if (d->major >= 0)
                        snprintf(ma, sizeof(ma), "%" PRId64, d->major);
                if (d->minor >= 0)
                        snprintf(mi, sizeof(mi), "%" PRId64, d->minor);
                size_t k = 0;
                if (d->access & CG_DEV_READ)
                        acc[k++] = 'r';
                if (d->access & CG_DEV_WRITE)
                        acc[k++] = 'w';
                if (d->access & CG_DEV_MKNOD)
                        acc[k++] = 'm';
                /* the kernel reads any line starting with 'a' as the whole-class rule, so a
                 * narrower 'a' rule is written once per type */
                char one[2] = { d->type, '\0' };
                for (const char *t = d->type == 'a' ? "cb" : one; *t; t++) {
                        snprintf(value, sizeof(value), "%c %s:%s %s", *t, ma, mi, acc);
                        cg_settings_add(out, "devices", file, value);
                }
        }
}

/* Whether two rules name a device in common (the access bits aside). */
static bool overlap(const struct cg_dev_rule *a, const struct cg_dev_rule *b)
{
        return (a->type == 'a' || b->type == 'a' || a->type == b->type) &&
               (a->major < 0 || b->major < 0 || a->major == b->major) &&
               (a->minor < 0 || b->minor < 0 || a->minor == b->minor);
}

static bool same_devices(const struct cg_dev_rule *a, const struct cg_dev_rule *b)
{
        return a->type == b->type && a->major == b->major && a->minor == b->minor;
}

static bool whole_class(const struct cg_dev_rule *d)
{
        return d->type == 'a' && d->major < 0 && d->minor < 0 && d->access == CG_DEV_RWM;
}

int cg_dev_rules_v1_check(const struct cg_dev_rules *r, size_t n_config, struct error **err)
{
        /* v1 keeps a default (allow or deny everything) and a list of exceptions to it; a rule
         * that agrees with the default only removes exceptions naming exactly its devices.
         * One inside a wider exception (deny c 1:11 after allow c *:*) would be dropped by
         * the kernel without a word: refuse it, as runc does ("cannot punch hole"). */
        bool allow_all = false;
        size_t first = 0;       /* exceptions are the rules since the last whole-class one */
        for (size_t i = 0; i < r->n; i++) {
                const struct cg_dev_rule *d = &r->v[i];
                if (whole_class(d)) {
                        allow_all = d->allow;
                        first = i + 1;
                        continue;
                }
                if (d->allow != allow_all)
                        continue;       /* a new exception: always expressible */
                for (size_t k = first; k < i; k++) {
                        const struct cg_dev_rule *e = &r->v[k];
                        if (e->allow == allow_all || !(e->access & d->access) || !overlap(e, d) || same_devices(e, d))
                                continue;
                        return error_make(err, 0, "linux.resources.devices[%zu]: cgroup v1 cannot %s part of "
                                          "what %s %s (a hole in a wildcard rule); list the devices one by one",
                                          i, d->allow ? "allow" : "deny",
                                          k < n_config ? "an earlier rule" : "a default node",
                                          e->allow ? "allows" : "denies");
                }
        }
        return 0;
}
