/* Unit tests of src/cgroup/devrules.c and devbpf.c: linux.resources.devices -> the effective
 * rule list, its decisions ("last match wins" per access bit, default deny, the default nodes
 * always allowed), the v1 writes, and the cgroup v2 eBPF program, run here in a small
 * interpreter and held to the reference decision over a grid of (type, major, minor, access). */
#include "contain/util.h"
#include "src/cgroup/devices.h"
#include "tap.h"

/* ---- a BPF interpreter for the instructions the generator uses ---- */

/* r0 of the program for one request, or -1 when the program does something we do not
 * expect (an unknown instruction, a jump out of the program or backwards, no exit). */
static int64_t run(const struct bpf_insn *p, size_t n, char type, uint32_t major, uint32_t minor,
                   unsigned access)
{
        struct bpf_cgroup_dev_ctx ctx = {
                .access_type = (access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
                .major = major, .minor = minor,
        };
        uint64_t r[11] = { 0 };
        bool r1_is_ctx = true;
        for (size_t pc = 0; pc < n; pc++) {
                const struct bpf_insn *i = &p[pc];
                uint8_t d = i->dst_reg, s = i->src_reg;
                uint32_t imm = (uint32_t)i->imm;
                if (d > 10 || s > 10)
                        return -1;
                switch (i->code) {
                case BPF_LDX | BPF_W | BPF_MEM:
                        if (s != BPF_REG_1 || !r1_is_ctx || i->off < 0 || i->off > 8 || i->off % 4)
                                return -1;
                        r[d] = ((const uint32_t *)&ctx)[i->off / 4];
                        break;
                case BPF_ALU | BPF_MOV | BPF_X:
                        r[d] = (uint32_t)r[s];
                        break;
                case BPF_ALU | BPF_AND | BPF_K:
                        r[d] = (uint32_t)r[d] & imm;
                        break;
                case BPF_ALU | BPF_RSH | BPF_K:
                        r[d] = (uint32_t)r[d] >> imm;
                        break;
                case BPF_ALU64 | BPF_MOV | BPF_K:
                        r[d] = (uint64_t)(int64_t)i->imm;
                        break;
                case BPF_JMP | BPF_JNE | BPF_K:
                case BPF_JMP | BPF_JEQ | BPF_K: {
                        bool eq = r[d] == (uint64_t)(int64_t)i->imm;
                        if (i->off < 0 || pc + 1 + (size_t)i->off >= n)
                                return -1;
                        if (eq == (BPF_OP(i->code) == BPF_JEQ))
                                pc += (size_t)i->off;
                        break;
                }
                case BPF_JMP | BPF_EXIT:
                        return (int64_t)r[0];
                default:
                        return -1;
                }
                if (d == BPF_REG_1 && BPF_CLASS(i->code) != BPF_JMP)
                        r1_is_ctx = false;
        }
        return -1;
}

/* ---- helpers ---- */

struct built {
        struct cg_dev_rules rules;
        struct bpf_insn *insns;
        size_t n;
};

static void build(struct built *b, struct spec_device_rule *v, size_t n)
{
        struct spec_resources res = { .devices = v, .n_devices = n };
        *b = (struct built){ 0 };
        cg_dev_rules_build(&res, &b->rules);
        cg_dev_bpf_build(&b->rules, &b->insns, &b->n);
}

static void built_free(struct built *b)
{
        cg_dev_rules_free(&b->rules);
        free(b->insns);
}

static unsigned acc(const char *s)
{
        unsigned a = 0;
        for (; *s; s++)
                a |= *s == 'r' ? CG_DEV_READ : *s == 'w' ? CG_DEV_WRITE : CG_DEV_MKNOD;
        return a;
}

/* The program and the reference agree, and both say want. */
static void decides(struct tap *t, const struct built *b, char type, uint32_t major, uint32_t minor,
                    const char *access, bool want)
{
        char name[128];
        snprintf(name, sizeof(name), "  %c %u:%u %s %s", type, major, minor, access, want ? "allowed" : "denied");
        bool ref = cg_dev_rules_allow(&b->rules, type, major, minor, acc(access));
        int64_t prog = run(b->insns, b->n, type, major, minor, acc(access));
        ok(t, ref == want && prog == (want ? 1 : 0), name);
        if (ref != want || prog != (want ? 1 : 0))
                printf("#   reference %s, program returned %" PRId64 "\n", ref ? "allows" : "denies", prog);
}

static const uint32_t majors[] = { 0, 1, 4, 5, 7, 8, 10, 11, 136, 254, 4095 };
static const uint32_t minors[] = { 0, 1, 2, 3, 5, 7, 8, 9, 11, 200, 229, 1048575 };

/* How many requests of the grid the program decides differently from the reference. */
static size_t mismatches(const struct built *b)
{
        size_t bad = 0;
        for (const char *ty = "bc"; *ty; ty++)
                for (size_t i = 0; i < ARRAY_SIZE(majors); i++)
                        for (size_t j = 0; j < ARRAY_SIZE(minors); j++)
                                for (unsigned a = 1; a <= CG_DEV_RWM; a++) {
                                        bool ref = cg_dev_rules_allow(&b->rules, *ty, majors[i], minors[j], a);
                                        if (run(b->insns, b->n, *ty, majors[i], minors[j], a) != (ref ? 1 : 0))
                                                bad++;
                                }
        return bad;
}

#define RULE(al, ty, ma, mi, ac) { .allow = (al), .type = (ty), .has_major = (ma) >= 0, .major = (ma), \
                                   .has_minor = (mi) >= 0, .minor = (mi), .access = (char *)(ac) }
#define DENY_ALL RULE(false, 'a', -1, -1, "rwm")

static void check_table(struct tap *t, const char *what, struct built *b)
{
        char name[128];
        snprintf(name, sizeof(name), "%s: program == reference on the whole grid", what);
        size_t bad = mismatches(b);
        ok(t, bad == 0, name);
        if (bad)
                printf("#   %zu requests differ\n", bad);
}

/* ---- the cases ---- */

static void defaults_only(struct tap *t)
{
        struct built b;
        build(&b, NULL, 0);
        check_table(t, "no rules (only the default nodes)", &b);
        decides(t, &b, 'c', 1, 3, "rw", true);          /* /dev/null */
        decides(t, &b, 'c', 1, 5, "r", true);           /* zero */
        decides(t, &b, 'c', 1, 7, "w", true);           /* full */
        decides(t, &b, 'c', 1, 8, "rwm", true);         /* random */
        decides(t, &b, 'c', 1, 9, "r", true);           /* urandom */
        decides(t, &b, 'c', 5, 0, "rw", true);          /* tty */
        decides(t, &b, 'c', 5, 2, "rw", true);          /* ptmx */
        decides(t, &b, 'c', 136, 7, "rw", true);        /* pts/7 */
        decides(t, &b, 'b', 7, 0, "r", false);          /* loop0 */
        decides(t, &b, 'b', 7, 0, "m", false);
        decides(t, &b, 'b', 8, 0, "rw", false);         /* sda */
        decides(t, &b, 'c', 1, 1, "r", false);          /* mem */
        decides(t, &b, 'c', 1, 11, "w", false);         /* kmsg */
        decides(t, &b, 'c', 5, 1, "rw", false);         /* console: the pty is bound there */
        decides(t, &b, 'c', 10, 200, "rw", false);      /* net/tun: ask for it */
        decides(t, &b, 'b', 1, 3, "rw", false);         /* the defaults are char devices */
        built_free(&b);
}

static void podman_shape(struct tap *t)
{
        struct spec_device_rule v[] = { DENY_ALL };
        struct built b;
        build(&b, v, ARRAY_SIZE(v));
        check_table(t, "podman's one deny-all rule", &b);
        decides(t, &b, 'c', 1, 3, "rw", true);
        decides(t, &b, 'c', 136, 0, "rw", true);
        decides(t, &b, 'b', 7, 0, "rw", false);
        decides(t, &b, 'c', 1, 1, "m", false);
        built_free(&b);
}

static void wildcards(struct tap *t)
{
        struct spec_device_rule v[] = { DENY_ALL, RULE(true, 'c', 10, -1, "rwm"), RULE(true, 'b', -1, 0, "r") };
        struct built b;
        build(&b, v, ARRAY_SIZE(v));
        check_table(t, "wildcard majors and minors", &b);
        decides(t, &b, 'c', 10, 229, "rw", true);
        decides(t, &b, 'c', 10, 0, "m", true);
        decides(t, &b, 'c', 11, 229, "rw", false);
        decides(t, &b, 'b', 10, 229, "r", false);
        decides(t, &b, 'b', 8, 0, "r", true);
        decides(t, &b, 'b', 8, 0, "w", false);
        decides(t, &b, 'b', 8, 1, "r", false);
        built_free(&b);
}

static void deny_after_allow(struct tap *t)
{
        struct spec_device_rule v[] = { DENY_ALL, RULE(true, 'c', 10, -1, "rwm"), RULE(false, 'c', 10, 229, "rwm") };
        struct built b;
        build(&b, v, ARRAY_SIZE(v));
        check_table(t, "deny after allow", &b);
        decides(t, &b, 'c', 10, 229, "r", false);
        decides(t, &b, 'c', 10, 200, "rw", true);
        built_free(&b);
}

static void allow_after_deny(struct tap *t)
{
        struct spec_device_rule v[] = { DENY_ALL, RULE(false, 'c', 10, -1, "rwm"), RULE(true, 'c', 10, 229, "r") };
        struct built b;
        build(&b, v, ARRAY_SIZE(v));
        check_table(t, "allow after deny, partial access", &b);
        decides(t, &b, 'c', 10, 229, "r", true);
        decides(t, &b, 'c', 10, 229, "w", false);
        decides(t, &b, 'c', 10, 229, "rw", false);      /* every bit asked must be allowed */
        decides(t, &b, 'c', 10, 229, "m", false);
        decides(t, &b, 'c', 10, 228, "r", false);
        built_free(&b);
}

static void type_a(struct tap *t)
{
        /* privileged: allow everything, then take writes to sd* away */
        struct spec_device_rule v[] = { RULE(true, 'a', -1, -1, "rwm"), RULE(false, 'b', 8, -1, "w") };
        struct built b;
        build(&b, v, ARRAY_SIZE(v));
        check_table(t, "type a (allow all), then a partial deny", &b);
        decides(t, &b, 'c', 1, 1, "rw", true);
        decides(t, &b, 'b', 7, 0, "rwm", true);
        decides(t, &b, 'b', 8, 0, "r", true);
        decides(t, &b, 'b', 8, 0, "w", false);
        decides(t, &b, 'b', 8, 3, "rw", false);
        decides(t, &b, 'b', 8, 0, "m", true);
        built_free(&b);

        /* an 'a' rule with a major: both types */
        struct spec_device_rule v2[] = { DENY_ALL, RULE(true, 'a', 7, -1, "rw") };
        build(&b, v2, ARRAY_SIZE(v2));
        check_table(t, "type a with a major", &b);
        decides(t, &b, 'b', 7, 3, "rw", true);
        decides(t, &b, 'c', 7, 3, "r", true);
        decides(t, &b, 'c', 7, 3, "m", false);
        built_free(&b);
}

static void defaults_stay(struct tap *t)
{
        /* as runc: the default nodes come after the config's rules, so a config cannot deny them */
        struct spec_device_rule v[] = { DENY_ALL, RULE(false, 'c', 1, 3, "rwm"), RULE(false, 'c', -1, -1, "rwm") };
        struct built b;
        build(&b, v, ARRAY_SIZE(v));
        check_table(t, "denying a default node", &b);
        decides(t, &b, 'c', 1, 3, "rw", true);
        decides(t, &b, 'c', 136, 1, "rw", true);
        decides(t, &b, 'c', 1, 1, "r", false);
        built_free(&b);
}

static void access_defaults(struct tap *t)
{
        /* absent or empty access is rwm, as the v1 writes have always read it */
        struct spec_device_rule v[] = { DENY_ALL, RULE(true, 'c', 10, 229, NULL), RULE(true, 'b', 7, 0, "") };
        struct built b;
        build(&b, v, ARRAY_SIZE(v));
        decides(t, &b, 'c', 10, 229, "rwm", true);
        decides(t, &b, 'b', 7, 0, "rwm", true);
        built_free(&b);
}

static void huge_numbers(struct tap *t)
{
        /* a major beyond any real device is left out of the program, not truncated into 0 */
        struct spec_device_rule v[] = { DENY_ALL, RULE(true, 'c', 4294967296LL, -1, "rwm"),
                                        RULE(true, 'b', 7, 4294967296LL + 1, "rwm") };
        struct built b;
        build(&b, v, ARRAY_SIZE(v));
        check_table(t, "majors and minors beyond 32 bits", &b);
        decides(t, &b, 'c', 0, 0, "r", false);
        decides(t, &b, 'b', 7, 1, "r", false);
        built_free(&b);
}

/* xorshift: the same "random" rule lists on every run */
static uint32_t next(uint32_t *s)
{
        *s ^= *s << 13;
        *s ^= *s >> 17;
        *s ^= *s << 5;
        return *s;
}

static void random_lists(struct tap *t)
{
        static const int64_t rmaj[] = { -1, 1, 5, 7, 8, 10, 136 };
        static const int64_t rmin[] = { -1, 0, 1, 3, 9, 229 };
        static const char *const raccess[] = { "r", "w", "m", "rw", "rm", "wm", "rwm" };
        uint32_t seed = 20261201;
        size_t bad_lists = 0;
        for (int k = 0; k < 400; k++) {
                struct spec_device_rule v[10];
                size_t n = 1 + next(&seed) % ARRAY_SIZE(v);
                for (size_t i = 0; i < n; i++)
                        v[i] = (struct spec_device_rule)RULE(next(&seed) % 2 == 0, "abc"[next(&seed) % 3],
                                                             rmaj[next(&seed) % ARRAY_SIZE(rmaj)],
                                                             rmin[next(&seed) % ARRAY_SIZE(rmin)],
                                                             raccess[next(&seed) % ARRAY_SIZE(raccess)]);
                struct built b;
                build(&b, v, n);
                if (mismatches(&b))
                        bad_lists++;
                built_free(&b);
        }
        ok(t, bad_lists == 0, "400 random rule lists: program == reference on the whole grid");
        if (bad_lists)
                printf("#   %zu lists differ\n", bad_lists);
}

static void v1_writes(struct tap *t)
{
        struct spec_device_rule v[] = { DENY_ALL, RULE(true, 'c', 10, 229, "rw"), RULE(true, 'b', 8, -1, NULL),
                                        RULE(false, 'a', 7, -1, "w"), RULE(true, 'a', -1, -1, "rwm") };
        struct spec_resources res = { .devices = v, .n_devices = ARRAY_SIZE(v) };
        cleanup_cg_dev_rules struct cg_dev_rules r = { 0 };
        cg_dev_rules_build(&res, &r);
        cleanup_cg_settings struct cg_settings s = { 0 };
        cg_dev_rules_v1(&r, &s);
        ok(t, s.n == 7 + 8, "v1: one write per rule, two for a narrow 'a' rule, and the reset");
        if (s.n != 15)
                return;
        is_str(t, s.v[0].file, "devices.deny", "v1: devices.deny 'a' first: default deny ...");
        is_str(t, s.v[0].value, "a", "  ... whatever the parent allows");
        is_str(t, s.v[1].value, "a", "the config's deny-all is 'a' too");
        is_str(t, s.v[2].value, "c 10:229 rw", "allow c 10:229 rw");
        is_str(t, s.v[2].file, "devices.allow", "  into devices.allow");
        is_str(t, s.v[3].value, "b 8:* rwm", "a missing minor is '*', missing access rwm");
        is_str(t, s.v[4].value, "c 7:* w", "a narrow 'a' rule is written for c ...");
        is_str(t, s.v[5].value, "b 7:* w", "  ... and for b");
        is_str(t, s.v[5].file, "devices.deny", "  into devices.deny");
        is_str(t, s.v[6].value, "a", "allow-all is 'a'");
        is_str(t, s.v[6].file, "devices.allow", "  into devices.allow");
        is_str(t, s.v[7].value, "c 1:3 rwm", "then the default nodes, /dev/null first");
        is_str(t, s.v[14].value, "c 136:* rwm", "  and the pts devices last");
}

static void program_shape(struct tap *t)
{
        struct built b;
        build(&b, NULL, 0);
        ok(t, b.n > 0 && b.insns[b.n - 1].code == (BPF_JMP | BPF_EXIT), "the program ends with exit");
        ok(t, b.n < 4096, "and fits the kernel's limit for any loader");
        printf("# default rules: %zu instructions\n", b.n);
        built_free(&b);
}

/* what cgroup v1 cannot hold is refused, naming the rule (runc: "cannot punch hole") */
static void v1_holes(struct tap *t)
{
        struct { struct spec_device_rule v[4]; size_t n; bool ok; const char *name; } cases[] = {
                { { DENY_ALL, RULE(true, 'c', -1, -1, "rwm"), RULE(false, 'c', 1, 11, "rwm") }, 3, false,
                  "deny c 1:11 inside an earlier allow c *:* is refused" },
                { { DENY_ALL, RULE(true, 'c', 1, 11, "rwm"), RULE(false, 'c', 1, 11, "w") }, 3, true,
                  "deny of exactly an allowed node is expressible" },
                { { RULE(true, 'a', -1, -1, "rwm"), RULE(false, 'c', 1, -1, "rwm"), RULE(true, 'c', 1, 3, "rwm") }, 3, false,
                  "allow c 1:3 inside an earlier deny c 1:* (allow-all default) is refused" },
                { { DENY_ALL, RULE(true, 'c', -1, -1, "m"), RULE(false, 'c', 1, 11, "rw") }, 3, true,
                  "a deny of other access bits than the wildcard allow is fine" },
                { { DENY_ALL, RULE(true, 'c', 10, 229, "rw") }, 2, true, "podman's shape is fine" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct spec_resources res = { .devices = cases[i].v, .n_devices = cases[i].n };
                cleanup_cg_dev_rules struct cg_dev_rules r = { 0 };
                cleanup_error struct error *err = NULL;
                cg_dev_rules_build(&res, &r);
                int rc = cg_dev_rules_v1_check(&r, res.n_devices, &err);
                ok(t, (rc == 0) == cases[i].ok, cases[i].name);
                if (!cases[i].ok)
                        has_substr(t, err ? err->msg : NULL, "linux.resources.devices[2]: cgroup v1 cannot",
                                   "  the message names the rule");
        }
}

int main(void)
{
        struct tap t = { 0 };
        defaults_only(&t);
        podman_shape(&t);
        wildcards(&t);
        deny_after_allow(&t);
        allow_after_deny(&t);
        type_a(&t);
        defaults_stay(&t);
        access_defaults(&t);
        huge_numbers(&t);
        random_lists(&t);
        v1_writes(&t);
        v1_holes(&t);
        program_shape(&t);
        return tap_done(&t);
}
