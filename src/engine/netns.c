/* The container's new network namespace, made by the runtime while the init builds the rootfs.
 * Making a network namespace is the dearest part of a container's clone (≈ 0.35 ms of a
 * 0.45 ms clone on this project's test machines, bringing lo up another 0.1 ms), and nothing
 * the init does before its sysfs mount depends on it.  So the runtime clones the init without
 * CLONE_NEWNET, makes the namespace itself on its own CPU meanwhile (create.c, after_clone),
 * and hands it over on the sync socket when the init asks; the init joins it before it mounts sysfs (whose net entries are those of the
 * mounter's namespace), and in any case before the createRuntime hooks, which look at
 * /proc/PID/ns/net.  The namespace is owned by the runtime's user namespace, as clone's would
 * be: hence not with a container user namespace, whose root must own it, and only for a runtime
 * that is root over the host (it must step into the new namespace and back). */
#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

bool netns_by_runtime(const struct spec *spec, bool rootless)
{
        const struct spec_namespace *net = spec_namespace(spec, NS_NETWORK);
        /* linux.netDevices are moved by the init's pid during setup, before it joins.  A
         * runtime in a user namespace (rootless podman's) may have no way back into its own
         * network namespace, which belongs to the host. */
        return net && !net->path && !spec_namespace(spec, NS_USER) && spec->linux.n_net_devices == 0 &&
               !rootless;
}

int netns_join_from_runtime(int sync_fd, struct error **err)
{
        cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
        if (sync_send(sync_fd, SYNC_NETNS_REQUEST, NULL, 0, err) < 0 ||
            sync_expect(sync_fd, SYNC_NETNS, m, "wait for the network namespace", err) < 0)
                return -1;
        cleanup_close int fd = steal_fd(&m->fd);
        if (setns(fd, CLONE_NEWNET) < 0)
                return error_make(err, errno, "join the container's network namespace");
        return 0;
}
