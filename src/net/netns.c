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

int net_lo_up_on(int sock, struct error **err)
{
        /* SIOCSIFFLAGS on a socket of the namespace rather than rtnetlink: two system calls
         * instead of four and a 64 KiB reply buffer */
        struct ifreq ifr;
        memset(&ifr, 0, sizeof(ifr));
        strcpy(ifr.ifr_name, "lo");
        if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
                return error_make(err, errno, "bring up lo in the container: SIOCGIFFLAGS");
        if (ifr.ifr_flags & IFF_UP)
                return 0;
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
                return error_make(err, errno, "bring up lo in the container: SIOCSIFFLAGS");
        return 0;
}

int net_lo_up(struct error **err)
{
        cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return error_make(err, errno, "bring up lo in the container: socket");
        return net_lo_up_on(s, err);
}

int net_ns_open_own(struct error **err)
{
        int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return error_make(err, errno, "open /proc/thread-self/ns/net");
        /* setns checks CAP_SYS_ADMIN over the owner also for the namespace we are in: root of
         * a user namespace that does not own ours could leave it only */
        if (setns(self, CLONE_NEWNET) < 0) {
                int e = errno;
                close(self);
                return error_make(err, e, "create a network namespace: no way back into ours afterwards");
        }
        return self;
}

int net_ns_create(int own, int *fd, int *lo_sock, struct error **err)
{
        *fd = -1;
        if (lo_sock)
                *lo_sock = -1;
        if (unshare(CLONE_NEWNET) < 0)
                return error_make(err, errno, "create a network namespace");
        cleanup_close int ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        int open_errno = errno;
        /* a socket keeps the namespace it was made in: lo can be brought up through it later,
         * from anywhere */
        cleanup_close int sock = ns >= 0 ? socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1;
        int sock_errno = errno;
        /* back at once: whatever the caller does next belongs to its own namespace */
        if (setns(own, CLONE_NEWNET) < 0) {
                log_error("cannot return to the runtime's network namespace: %s", strerror(errno));
                abort();
        }
        if (ns < 0)
                return error_make(err, open_errno, "open the new network namespace");
        if (sock < 0)
                return error_make(err, sock_errno, "bring up lo in the container: socket");
        if (lo_sock)
                *lo_sock = steal_fd(&sock);
        else if (net_lo_up_on(sock, err) < 0)   /* runc and crun bring lo up too */
                return -1;
        *fd = steal_fd(&ns);
        return 0;
}
