/* The systemd manager's pure half (systemd_props.c): names and unit properties.  Internal to
 * the cgroup module; systemd.c does the talking. */
#ifndef CONTAIN_CGROUP_SYSTEMD_H
#define CONTAIN_CGROUP_SYSTEMD_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* One property of a transient unit: 't' a uint64 (UINT64_MAX is systemd's "infinity"), 'y'
 * an "ay" bit mask (AllowedCPUs: bit c of byte c/8 for CPU c). */
struct cg_unit_prop {
        const char *name;       /* static */
        char type;
        uint64_t u;
        uint8_t *bytes;
        size_t n_bytes;
};
struct cg_unit_props {
        struct cg_unit_prop *v;
        size_t n;
};
void cg_unit_props_free(struct cg_unit_props *p);
static inline void cg_unit_props_freep(struct cg_unit_props *p) { cg_unit_props_free(p); }
#define cleanup_cg_unit_props __attribute__((cleanup(cg_unit_props_freep)))

/* The unit properties systemd has for the cgroup v2 settings in s (cg_convert_v2's output):
 * MemoryMax/High/Low/Min, MemorySwapMax, TasksMax, CPUWeight, CPUQuotaPerSecUSec (rounded
 * up to 10 ms as systemd keeps percents) + CPUQuotaPeriodUSec, IOWeight (the default weight
 * only), AllowedCPUs, AllowedMemoryNodes.  Settings without one are left out (they are
 * written to the scope's files).  out is appended to; errors name the file. */
int cg_systemd_props(const struct cg_settings *s, struct cg_unit_props *out, struct error **err);
/* "0-2,5" -> bit mask bytes (malloc'd). */
int cg_cpuset_mask(const char *list, uint8_t **bytes, size_t *n, struct error **err);
/* Where systemd puts a slice: "a-b.slice" -> "a.slice/a-b.slice", "-.slice" -> "". */
int cg_systemd_slice_path(const char *slice, char **out, struct error **err);
/* From linux.cgroupsPath "slice:prefix:name" (empty slice: system.slice; empty prefix: the
 * unit is "name.scope"; no path at all: system.slice, contain-<id>.scope): the slice, the
 * scope's name, and the scope's cgroup relative to the cgroup2 root
 * ("system.slice/contain-abc.scope").  All malloc'd. */
int cg_systemd_names(const char *cgroups_path, const char *id, char **slice, char **unit, char **rel,
                     struct error **err);

#endif
