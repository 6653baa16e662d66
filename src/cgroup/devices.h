/* The container's device access rules as one ordered list, from which both the v1 devices
 * controller's writes and the cgroup v2 eBPF program are made.  Internal to the cgroup module. */
#ifndef CONTAIN_CGROUP_DEVICES_H
#define CONTAIN_CGROUP_DEVICES_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* access bits: the kernel's own, as a BPF_PROG_TYPE_CGROUP_DEVICE program sees them */
enum {
        CG_DEV_MKNOD = BPF_DEVCG_ACC_MKNOD,
        CG_DEV_READ = BPF_DEVCG_ACC_READ,
        CG_DEV_WRITE = BPF_DEVCG_ACC_WRITE,
        CG_DEV_RWM = CG_DEV_MKNOD | CG_DEV_READ | CG_DEV_WRITE,
};

struct cg_dev_rule {
        bool allow;
        char type;              /* 'a' (both), 'b' or 'c' */
        int64_t major, minor;   /* -1: any */
        unsigned access;        /* CG_DEV_* bits, never 0 */
};

struct cg_dev_rules {
        struct cg_dev_rule *v;
        size_t n;
};
void cg_dev_rules_free(struct cg_dev_rules *r);
static inline void cg_dev_rules_freep(struct cg_dev_rules *r) { cg_dev_rules_free(r); }
#define cleanup_cg_dev_rules __attribute__((cleanup(cg_dev_rules_freep)))

/* devrules.c (pure).  The effective list of runtime-spec linux.resources.devices: the config's
 * rules in order, then the nodes every container gets (null, zero, full, random, urandom,
 * tty, ptmx, pts/<n>), appended as runc does so a config cannot take them away.  The nodes of
 * linux.devices get no rule: as with runc, only this list decides access.  Evaluation: for
 * each access bit asked, the last rule that matches the device and holds the bit decides;
 * a bit no rule holds is denied.  out is appended to; free with cg_dev_rules_free. */
void cg_dev_rules_build(const struct spec_resources *res, struct cg_dev_rules *out);
/* The reference decision for a request (type 'b' or 'c', access CG_DEV_* bits): true when
 * every asked bit is allowed.  The unit tests hold the eBPF program to it. */
bool cg_dev_rules_allow(const struct cg_dev_rules *r, char type, uint32_t major, uint32_t minor,
                        unsigned access);
/* The rules as writes to a v1 devices cgroup: "a" to devices.deny first (default deny, empty
 * exception list), then each rule in order to devices.allow or devices.deny ("a" for the
 * whole-class rules).  v1 cannot say everything the list can (a narrower allow after a wider
 * deny, say); the kernel then keeps the stricter answer. */
void cg_dev_rules_v1(const struct cg_dev_rules *r, struct cg_settings *out);
/* Whether cgroup v1 can hold r as the list says (a rule inside a wider exception of the other
 * kind cannot be written); the first n_config rules are linux.resources.devices[0..). */
int cg_dev_rules_v1_check(const struct cg_dev_rules *r, size_t n_config, struct error **err);

/* devbpf.c (pure): a BPF_PROG_TYPE_CGROUP_DEVICE program deciding like cg_dev_rules_allow()
 * (returns 1 to allow, 0 to deny).  *insns malloc'd, *n instructions.  Rules with a major or
 * minor above INT32_MAX match no real device (majors have 12 bits, minors 20) and are left
 * out. */
void cg_dev_bpf_build(const struct cg_dev_rules *r, struct bpf_insn **insns, size_t *n);

#endif
