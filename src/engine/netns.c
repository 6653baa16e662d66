/* The container's new network namespace, made by the runtime while the init builds the rootfs.
 * Making a network namespace is the dearest part of a container's clone (≈ 0.5 ms here, where
 * the whole clone is 0.2 ms without it; bringing lo up another 0.1 ms), and the init's first
 * steps do not depend on it.  So the runtime clones the init without CLONE_NEWNET, makes the
 * namespace itself on its own CPU meanwhile (create.c, give_netns), sends it on the sync
 * socket unasked, and only then brings lo up, through a socket made in the namespace, while
 * the init mounts on.  The init reads it (waiting if it is not there yet) before the first
 * mount that may capture the mounter's namespace (sysfs, whose net class is that namespace's;
 * a bind of /proc/self/ns/net; a network filesystem; rootfs.c mount_may_see_netns), and in any
 * case before the hooks, which look at /proc/PID/ns/net: until then it has only closed fds,
 * set the hostname and mounted proc, tmpfs, devpts, mqueue or cgroup filesystems.  The
 * namespace is owned by the runtime's user namespace, as clone's would be: hence not with a
 * container user namespace, whose root must own it, and only for a runtime that is root over
 * the host and can come back from the new namespace. */
#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include "contain/net.h"
#include "contain/util.h"
#include "internal.h"

bool netns_by_runtime(const struct spec *spec, bool rootless)
{
        const struct spec_namespace *net = spec_namespace(spec, NS_NETWORK);
        /* linux.netDevices are moved by the init's pid during setup, before it joins.  A
         * runtime in a user namespace (rootless podman's; or one mapping all ids, which looks
         * like the host's) may have no way back into its own network namespace, which belongs
         * to the host. */
        if (!net || net->path || spec_namespace(spec, NS_USER) || spec->linux.n_net_devices || rootless)
                return false;
        /* the way back is tried now and the fd closed: the init is not to inherit it */
        struct error *e = NULL;
        int own = net_ns_open_own(&e);
        error_free(e);          /* no way back: clone makes it, as it would for anyone */
        if (own >= 0)
                close(own);
        return own >= 0;
}

int netns_join_from_runtime(int sync_fd, struct error **err)
{
        cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
        if (sync_expect(sync_fd, SYNC_NETNS, m, "wait for the network namespace", err) < 0)
                return -1;
        cleanup_close int fd = steal_fd(&m->fd);
        if (setns(fd, CLONE_NEWNET) < 0)
                return error_make(err, errno, "join the container's network namespace");
        return 0;
}
