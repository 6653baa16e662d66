/* New network namespaces and their loopback device. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/net.h"
#include "contain/util.h"

/* A datagram socket in the namespace netns_fd (< 0: the caller's): interface ioctls act on the
 * namespace a socket was made in, so we can go back at once.  Staying in the wrong namespace
 * would misconfigure the host: abort then. */
static int socket_in(int netns_fd, struct error **err)
{
        if (netns_fd < 0) {
                int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                return s < 0 ? error_make(err, errno, "open a socket for lo") : s;
        }
        cleanup_close int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return error_make(err, errno, "open /proc/thread-self/ns/net");
        if (setns(netns_fd, CLONE_NEWNET) < 0)
                return error_make(err, errno, "enter the container's network namespace");
        int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        int e = errno;
        if (setns(self, CLONE_NEWNET) < 0) {
                log_error("cannot return to the runtime's network namespace: %s", strerror(errno));
                abort();
        }
        return s < 0 ? error_make(err, e, "open a socket for lo") : s;
}

int net_lo_up(int netns_fd, struct error **err)
{
        /* SIOCSIFFLAGS rather than rtnetlink: three system calls and no allocation, so a
         * thread may do it while its process clones (engine/netns.c) */
        cleanup_close int s = socket_in(netns_fd, err);
        if (s < 0)
                return error_wrap(err, "bring up lo in the container");
        struct ifreq ifr;
        memset(&ifr, 0, sizeof(ifr));
        strcpy(ifr.ifr_name, "lo");
        if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
                return error_make(err, errno, "bring up lo in the container: SIOCGIFFLAGS");
        if (ifr.ifr_flags & IFF_UP)
                return 0;
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
                return error_make(err, errno, "bring up lo in the container: SIOCSIFFLAGS");
        return 0;
}

int net_ns_create(int *fd, struct error **err)
{
        *fd = -1;
        cleanup_close int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return error_make(err, errno, "open /proc/thread-self/ns/net");
        if (unshare(CLONE_NEWNET) < 0)
                return error_make(err, errno, "create a network namespace");
        cleanup_close int ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        int open_errno = errno;
        struct error *lo = NULL;
        if (ns >= 0)
                (void)net_lo_up(-1, &lo);       /* runc and crun bring lo up too */
        /* back at once: whatever the caller does next belongs to its own namespace */
        if (setns(self, CLONE_NEWNET) < 0) {
                log_error("cannot return to the runtime's network namespace: %s", strerror(errno));
                abort();
        }
        if (ns < 0) {
                error_free(lo);
                return error_make(err, open_errno, "open the new network namespace");
        }
        if (lo) {
                *err = lo;
                return -1;
        }
        *fd = steal_fd(&ns);
        return 0;
}
