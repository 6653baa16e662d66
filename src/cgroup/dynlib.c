/* dlopen of libsystemd and libbpf (see dynlib.h for why). */
#include <dlfcn.h>
#include <stdbool.h>
#include <string.h>

#include "dynlib.h"

static void *load(const char *soname, const char *package, struct error **err)
{
        void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
        if (!h)
                error_make(err, 0, "load %s (Debian package %s): %s", soname, package, dlerror());
        return h;
}

static void *sym(void *h, const char *soname, const char *name, struct error **err)
{
        void *f = dlsym(h, name);
        if (!f)
                error_make(err, 0, "%s has no %s: %s", soname, name, dlerror());
        return f;
}

#define DYNLIB_SET(f) ok = ok && (l.f = (__typeof__(f) *)sym(l.handle, soname, #f, err));
#define DYNLIB_OPEN(type, soname_, package, list)                                               \
        int type##_open(struct type *lib, struct error **err)                                   \
        {                                                                                       \
                const char *soname = soname_;                                                   \
                if (lib->handle)                                                                \
                        return 0;                                                               \
                struct type l = { .handle = load(soname, package, err) };                       \
                if (!l.handle)                                                                  \
                        return -1;                                                              \
                bool ok = true;                                                                 \
                list(DYNLIB_SET)                                                                \
                if (!ok) {                                                                      \
                        dlclose(l.handle);                                                      \
                        return -1;                                                              \
                }                                                                               \
                *lib = l;                                                                       \
                return 0;                                                                       \
        }                                                                                       \
        void type##_close(struct type *lib)                                                     \
        {                                                                                       \
                if (lib->handle)                                                                \
                        dlclose(lib->handle);                                                   \
                memset(lib, 0, sizeof(*lib));                                                   \
        }

DYNLIB_OPEN(libsystemd, LIBSYSTEMD_SONAME, "libsystemd0", LIBSYSTEMD_FUNCS)
DYNLIB_OPEN(libbpf, LIBBPF_SONAME, "libbpf1", LIBBPF_FUNCS)
