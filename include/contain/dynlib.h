/* Libraries loaded with dlopen when a command needs them, instead of linked: the dynamic
 * linker then maps and relocates them only in the calls that use them (each one costs every
 * `contain` process ≈ 0.04 ms at start and exit, and its pages in every clone).  A library is
 * a table of its functions, owned by the caller (no global state); the prototypes come from
 * the library's own header through __typeof__:
 *
 *      #define LIBFOO_FUNCS(X) X(foo_open) X(foo_close)
 *      struct libfoo { void *handle; LIBFOO_FUNCS(DYNLIB_MEMBER) };
 *      DYNLIB_DEFINE(static, libfoo, "libfoo.so.1", "libfoo1", LIBFOO_FUNCS)
 *
 * defines libfoo_open(struct libfoo *, struct error **) and libfoo_close(struct libfoo *).
 * open loads the library and fills every function of the table (a table already loaded is
 * left as it is); errors: the library or one of its functions is missing, the message names
 * it and the Debian package (from dlerror()), and the table stays unloaded.  close drops the
 * caller's reference (dlclose; the library stays mapped) and clears the table; an unloaded
 * table is fine. */
#ifndef CONTAIN_DYNLIB_H
#define CONTAIN_DYNLIB_H

#include <stdbool.h>
#include <string.h>

#include "contain/error.h"

#define DYNLIB_MEMBER(f) __typeof__(f) *f;

/* dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE): loaded once per process, later
 * opens only count; NULL with err naming soname and package. */
void *dynlib_load(const char *soname, const char *package, struct error **err);
/* dlsym; NULL with err naming the function. */
void *dynlib_sym(void *handle, const char *soname, const char *name, struct error **err);
void dynlib_unload(void *handle);

#define DYNLIB_SET(f) ok = ok && (l.f = (__typeof__(f) *)dynlib_sym(l.handle, soname, #f, err));
#define DYNLIB_DEFINE(linkage, type, soname_, package, list)                                    \
        linkage int type##_open(struct type *lib, struct error **err)                           \
        {                                                                                       \
                const char *soname = soname_;                                                   \
                if (lib->handle)                                                                \
                        return 0;                                                               \
                struct type l = { .handle = dynlib_load(soname, package, err) };                \
                if (!l.handle)                                                                  \
                        return -1;                                                              \
                bool ok = true;                                                                 \
                list(DYNLIB_SET)                                                                \
                if (!ok) {                                                                      \
                        dynlib_unload(l.handle);                                                \
                        return -1;                                                              \
                }                                                                               \
                *lib = l;                                                                       \
                return 0;                                                                       \
        }                                                                                       \
        linkage void type##_close(struct type *lib)                                             \
        {                                                                                       \
                if (lib->handle)                                                                \
                        dynlib_unload(lib->handle);                                             \
                memset(lib, 0, sizeof(*lib));                                                   \
        }

#endif
