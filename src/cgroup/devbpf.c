/* The cgroup v2 device controller: the effective rule list as BPF_PROG_TYPE_CGROUP_DEVICE
 * instructions.  Pure: loading and attaching is devices.c's job.
 *
 * The program walks the rules from the last to the first, keeping in r3 the access bits not
 * yet decided.  A matching deny rule holding one of them denies; a matching allow rule
 * settles its bits, and once none is left the request is allowed.  Bits no rule settles are
 * denied.  That is "for each bit, the last matching rule decides; default deny". */
#include <stddef.h>

#include "contain/util.h"
#include "devices.h"

/* registers: r1 ctx (then scratch), r2 device type, r3 undecided access, r4 major, r5 minor */
#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(dst, src, off)    INSN(BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0)
#define MOV32_REG(dst, src)     INSN(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define ALU32_IMM(op, dst, imm) INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV64_IMM(dst, imm)     INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JMP_IMM(op, dst, imm, off) INSN(BPF_JMP | (op) | BPF_K, dst, 0, off, imm)
#define EXIT()                  INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct prog {
        struct bpf_insn *v;
        size_t n;
};

static void emit(struct prog *p, struct bpf_insn insn)
{
        p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
        p->v[p->n++] = insn;
}

/* One rule: checks that jump to the block's end when it does not apply, then the verdict.
 * The jumps are written with a placeholder offset and fixed once the block's length is known. */
static void emit_rule(struct prog *p, const struct cg_dev_rule *r)
{
        size_t start = p->n;
        if (r->type != 'a')
                emit(p, JMP_IMM(BPF_JNE, BPF_REG_2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
        if (r->major >= 0)
                emit(p, JMP_IMM(BPF_JNE, BPF_REG_4, (int32_t)r->major, 0));
        if (r->minor >= 0)
                emit(p, JMP_IMM(BPF_JNE, BPF_REG_5, (int32_t)r->minor, 0));
        /* does the rule hold any bit still undecided? */
        emit(p, MOV32_REG(BPF_REG_1, BPF_REG_3));
        emit(p, ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)r->access));
        emit(p, JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0));
        if (!r->allow) {
                emit(p, MOV64_IMM(BPF_REG_0, 0));
                emit(p, EXIT());
        } else {
                emit(p, ALU32_IMM(BPF_AND, BPF_REG_3, (int32_t)~r->access));
                emit(p, JMP_IMM(BPF_JNE, BPF_REG_3, 0, 0));
                emit(p, MOV64_IMM(BPF_REG_0, 1));
                emit(p, EXIT());
        }
        size_t end = p->n;
        for (size_t i = start; i < end; i++)
                if (BPF_CLASS(p->v[i].code) == BPF_JMP && BPF_OP(p->v[i].code) != BPF_EXIT)
                        p->v[i].off = (int16_t)(end - i - 1);
}

void cg_dev_bpf_build(const struct cg_dev_rules *r, struct bpf_insn **insns, size_t *n)
{
        struct prog p = { 0 };
        /* struct bpf_cgroup_dev_ctx: access_type (type in the low 16 bits, access in the
         * high 16), major, minor */
        emit(&p, LDX_W(BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
        emit(&p, MOV32_REG(BPF_REG_3, BPF_REG_2));
        emit(&p, ALU32_IMM(BPF_RSH, BPF_REG_3, 16));
        emit(&p, ALU32_IMM(BPF_AND, BPF_REG_2, 0xffff));
        emit(&p, LDX_W(BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major)));
        emit(&p, LDX_W(BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor)));
        for (size_t i = r->n; i-- > 0;) {
                if (r->v[i].major > INT32_MAX || r->v[i].minor > INT32_MAX)
                        continue;
                emit_rule(&p, &r->v[i]);
        }
        emit(&p, MOV64_IMM(BPF_REG_0, 0));
        emit(&p, EXIT());
        *insns = p.v;
        *n = p.n;
}
