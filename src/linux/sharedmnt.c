/* A container without a mount namespace of its own shares the runtime's (config-linux.md: "the
 * container inherits the runtime's namespace"): nothing may be mounted, so it gets a chroot
 * into root.path, as crun does, and a config that needs a mount is refused naming the field. */
#include <errno.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

#define SHARED "the container shares the runtime's mount namespace (no \"mount\" in linux.namespaces)"

int shared_mntns_check(const struct spec *spec, struct error **err)
{
        if (spec->n_mounts > 0)
                return error_make(err, 0, "mounts: %s: mounting %s would change the host's mounts; "
                                  "add a mount namespace or remove the mounts", SHARED, spec->mounts[0].destination);
        if (spec->linux.masked_paths && spec->linux.masked_paths[0])
                return error_make(err, 0, "linux.maskedPaths: %s: masking %s would mount over the host's path", SHARED,
                                  spec->linux.masked_paths[0]);
        if (spec->linux.readonly_paths && spec->linux.readonly_paths[0])
                return error_make(err, 0, "linux.readonlyPaths: %s: %s would be remounted read-only for the host too",
                                  SHARED, spec->linux.readonly_paths[0]);
        if (spec->root_readonly)
                return error_make(err, 0, "root.readonly: %s: the root would be remounted read-only for the host too",
                                  SHARED);
        if (spec->linux.rootfs_propagation)
                return error_make(err, 0, "linux.rootfsPropagation: %s: it would change the host's mounts", SHARED);
        if (spec->linux.n_devices > 0)
                return error_make(err, 0, "linux.devices: %s: device nodes would be made in the host's %s/dev",
                                  SHARED, spec->root_path);
        if (spec->process.terminal)
                return error_make(err, 0, "process.terminal: %s: the console is bound over /dev/console, a mount",
                                  SHARED);
        return 0;
}

int shared_mntns_enter_root(const struct spec *spec, struct error **err)
{
        /* sysctls before the chroot: /proc is the host's, the keys are of our namespaces */
        if (sysctl_apply(spec, err) < 0)
                return -1;
        if (chroot(spec->root_path) < 0)
                return error_make(err, errno, "root.path: chroot %s", spec->root_path);
        if (chdir("/") < 0)
                return error_make(err, errno, "root.path: chdir / after chroot");
        if (spec->process.cwd && mkdir_p(spec->process.cwd, 0755, err) < 0)
                return error_wrap(err, "process.cwd");
        return 0;
}
