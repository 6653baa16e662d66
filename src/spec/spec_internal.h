/* Private to src/spec: the parse context that tracks the JSON path for error messages, typed
 * field getters built on it, and the name tables shared by the parser and the serialiser. */
#ifndef CONTAIN_SPEC_INTERNAL_H
#define CONTAIN_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contain/error.h"
#include "contain/json.h"
#include "contain/spec.h"
#include "contain/util.h"

/* Where the parser is: every error reads "<source>: <path>: <why>". */
struct pctx {
        const char *source;     /* "config.json" */
        const char *bundle;     /* absolute, or NULL: resolves relative root.path and bind sources */
        char *path;             /* "linux.resources.memory" (grows and shrinks as we descend) */
        size_t len;
        size_t cap;
        struct error **err;
        const char *oci_version; /* the config's ociVersion once read: some values mean more from 1.3.0 */
};

/* Field flags. */
enum {
        F_REQUIRED = 1 << 0,    /* absent (or null) is an error */
        F_ABSOLUTE = 1 << 1,    /* strings: must start with '/' */
        F_NONEMPTY = 1 << 2,    /* strings: not ""; arrays: at least one element */
};

void pctx_init(struct pctx *p, const char *source, const char *bundle, struct error **err);
void pctx_fini(struct pctx *p);

/* Path segments: each push returns a mark for pc_pop.  On error nobody pops: the message
 * was already formatted with the path where it happened. */
size_t pc_key(struct pctx *p, const char *key);         /* .key */
size_t pc_index(struct pctx *p, size_t i);              /* [i] */
size_t pc_mapkey(struct pctx *p, const char *key);      /* ["free-form key"] */
void pc_pop(struct pctx *p, size_t mark);

/* "<source>: <path>: <fmt...>"; returns -1. */
int pc_fail(struct pctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "expected <want>, got <repr of v>" */
int pc_type_error(struct pctx *p, const struct json *v, const char *want);
/* A warning at the current path ("<source>: <path>: <why>"), through the log; parsing goes on. */
void pc_warn(struct pctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* obj[key], or NULL when absent or JSON null (null means "not set", as in Go's decoder). */
const struct json *pc_field(const struct json *obj, const char *key);

/* Value getters: the path already points at v; v may be NULL (absent). */
int pv_string(struct pctx *p, const struct json *v, int flags, char **out);
int pv_int64(struct pctx *p, const struct json *v, int flags, bool *has, int64_t *out,
             int64_t min, int64_t max);
int pv_uint64(struct pctx *p, const struct json *v, int flags, bool *has, uint64_t *out,
              uint64_t max);
int pv_strv(struct pctx *p, const struct json *v, int flags, int elem_flags, char ***out);

/* Field getters: push key, get, pop.  has may be NULL. */
int pc_string(struct pctx *p, const struct json *obj, const char *key, int flags, char **out);
int pc_bool(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has, bool *out);
int pc_int64(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has,
             int64_t *out, int64_t min, int64_t max);
int pc_uint64(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has,
              uint64_t *out, uint64_t max);
int pc_uint32(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has,
              uint32_t *out);
int pc_int32(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has,
             int32_t *out, int32_t min, int32_t max);
int pc_strv(struct pctx *p, const struct json *obj, const char *key, int flags, int elem_flags,
            char ***out);
/* Type-checked containers: *out is NULL when absent. */
int pc_object(struct pctx *p, const struct json *obj, const char *key, int flags,
              const struct json **out);
int pc_array(struct pctx *p, const struct json *obj, const char *key, int flags,
             const struct json **out);
/* An object whose values are all strings (annotations, sysctl, unified). */
int pc_string_map(struct pctx *p, const struct json *obj, const char *key, struct spec_kv **out,
                  size_t *n);

/* Parses each element of arr (already type-checked as an array) as an object, into
 * base[i] (elem_size apart), calling fn with the path at key[i]. */
typedef int (*pc_elem_fn)(struct pctx *p, const struct json *v, void *elem);
int pc_objects(struct pctx *p, const char *key, const struct json *arr, void *base,
               size_t elem_size, pc_elem_fn fn);

/* obj[key] as an array of objects into (field, nfield): allocates, then pc_objects. */
#define PC_OBJECT_ARRAY(p, obj, key, flags, field, nfield, fn) ({                               \
        const struct json *arr_;                                                                \
        int r_ = pc_array((p), (obj), (key), (flags), &arr_);                                   \
        if (r_ == 0 && arr_) {                                                                  \
                (nfield) = json_array_size(arr_);                                               \
                (field) = xcalloc((nfield) ? (nfield) : 1, sizeof(*(field)));                   \
                r_ = pc_objects((p), (key), arr_, (field), sizeof(*(field)), (fn));             \
        }                                                                                       \
        r_;                                                                                     \
})

/* ---- name tables (spec_names.c) ---- */

/* Each returns 0 and the value, or -1 when the name is unknown. */
int rlimit_from_name(const char *name, int *out);
int ioprio_class_from_name(const char *name, int *out);
int sched_policy_from_name(const char *name, int *out);
bool sched_flag_known(const char *name);
int spec_seccomp_action_from_name(const char *name, enum seccomp_action *out);
int spec_seccomp_op_from_name(const char *name, enum seccomp_op *out);
bool spec_seccomp_arch_known(const char *name);
bool spec_seccomp_flag_known(const char *name);
bool propagation_known(const char *name);
/* linux.memoryPolicy: a mode's MPOL_* number, whether it takes nodes, and the MPOL_F_* flags
 * it allows; a flag's number. */
enum mempolicy_nodes { MPOL_NODES_NONE, MPOL_NODES_OPTIONAL, MPOL_NODES_REQUIRED };
/* The kernel's MPOL_F_* mode flags (linux/mempolicy.h). */
enum { MPOL_FLAG_STATIC_NODES = 1 << 15, MPOL_FLAG_RELATIVE_NODES = 1 << 14, MPOL_FLAG_NUMA_BALANCING = 1 << 13 };
int mempolicy_mode_from_name(const char *name, int *value, enum mempolicy_nodes *nodes, unsigned *flags);
int mempolicy_flag_from_name(const char *name, unsigned *out);
/* One of spec_capability_names, spelled exactly. */
bool capability_known(const char *name);

/* ---- parts of the parser (spec_parse_linux.c) and the freeing (spec_free.c) ---- */
int parse_linux(struct pctx *p, const struct json *v, struct spec_linux *l);
int parse_id_mapping(struct pctx *p, const struct json *v, void *elem);
/* linux.resources.unified, each key checked by spec_unified_key_problem (unified.c). */
int parse_unified(struct pctx *p, const struct json *resources, struct spec_resources *r);
void spec_process_clear(struct spec_process *proc);
void spec_linux_clear(struct spec_linux *l);
void spec_kv_free(struct spec_kv *kv, size_t n);

#endif
