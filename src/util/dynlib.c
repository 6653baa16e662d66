/* dlopen and dlsym with errors of ours (contain/dynlib.h). */
#include <dlfcn.h>

#include "contain/dynlib.h"

void *dynlib_load(const char *soname, const char *package, struct error **err)
{
        /* kept for the life of the process: a later open is a reference count, not another
         * load (features asks libseccomp once per architecture) */
        void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (!h)
                error_make(err, 0, "load %s (Debian package %s): %s", soname, package, dlerror());
        return h;
}

void *dynlib_sym(void *handle, const char *soname, const char *name, struct error **err)
{
        void *f = dlsym(handle, name);
        if (!f)
                error_make(err, 0, "%s has no %s: %s", soname, name, dlerror());
        return f;
}

void dynlib_unload(void *handle)
{
        dlclose(handle);
}
