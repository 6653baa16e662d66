/* Quick-mode networking (src/net): a veth pair between the host and a container's network
 * namespace, configured over rtnetlink (no `ip` binary), with 10.88.x.y/30 addresses from an
 * allocator that never hands out a subnet already present on the host. */
#ifndef CONTAIN_NET_H
#define CONTAIN_NET_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "contain/error.h"
#include "contain/spec.h"

#define NET_HOST_IFNAME_PREFIX "contain-"
/* The pool the allocator hands /30 subnets from: 10.88.0.0/16. */
#define NET_POOL_BASE 0x0a580000u       /* 10.88.0.0 */
#define NET_POOL_PREFIX 16
#define NET_SUBNET_PREFIX 30

/* The host end's name for a container id: "contain-<id>" when that fits IFNAMSIZ and is a valid
 * interface name, else "contain-" plus 7 hex digits of a hash of the id. */
void net_host_ifname(const char *id, char out[IFNAMSIZ]);

/* An IPv4 address with its prefix length (host byte order), as found on the host. */
struct net_addr {
        uint32_t addr;
        unsigned prefix;
};

/* Picks the first /30 of the pool overlapping none of used[0..n): its network address (host
 * byte order) in *subnet.  Pure logic, for unit tests; -1 with err when the pool is exhausted. */
int net_pick_subnet(const struct net_addr *used, size_t n, uint32_t *subnet, struct error **err);

struct net_veth {
        char host_ifname[IFNAMSIZ];
        struct in_addr host_addr;       /* subnet + 1, on the host end */
        struct in_addr container_addr;  /* subnet + 2, on eth0 inside */
        unsigned prefix;                /* 30 */
        bool created;                   /* the host end exists: net_veth_remove has work to do */
};

/* Creates the pair for the container whose network namespace netns_fd refers to: the host end
 * (named for id, with the allocated address, up) in the caller's namespace, and eth0 inside
 * (address, up, default route via the host end), and lo up there.  Allocation and the host
 * address happen under a lock, so concurrent runs never get the same subnet.  On failure
 * nothing is left behind. */
int net_veth_setup(int netns_fd, const char *id, struct net_veth *out, struct error **err);
/* Deletes the host end (which takes eth0 with it); succeeds when it is already gone. */
int net_veth_remove(struct net_veth *veth, struct error **err);

/* Brings lo up in the calling thread's network namespace (a new one has lo down).  -1 with
 * err: socket or the SIOCGIFFLAGS/SIOCSIFFLAGS ioctl's errno. */
int net_lo_up(struct error **err);
/* The same through sock, an AF_INET socket of the namespace (net_ns_create's *lo_sock), from
 * any namespace.  -1 with err: the ioctl's errno. */
int net_lo_up_on(int sock, struct error **err);
/* An fd of the calling thread's network namespace (close-on-exec, the caller's) if the thread
 * can come back into it after leaving it: CAP_SYS_ADMIN over the namespace's owner and over its
 * own user namespace.  -1 with err: open's errno, or setns's when there is no way back. */
int net_ns_open_own(struct error **err);
/* Makes a new network namespace and returns an fd of it in *fd (close-on-exec, the caller's);
 * the calling thread stays in its own namespace, own (from net_ns_open_own, which checks the
 * way back first: an error, not a thread left in the new namespace; this aborts only if the
 * way back fails anyway).  With lo_sock NULL lo is up on return; else *lo_sock is an AF_INET
 * socket of the new namespace (the caller's) and lo is still down, for net_lo_up_on when it
 * suits the caller.  Needs CAP_SYS_ADMIN in the caller's user namespace, which owns the new
 * one.  -1 with err (nothing left open): unshare, open, socket, or lo's. */
int net_ns_create(int own, int *fd, int *lo_sock, struct error **err);

/* linux.netDevices (runtime-spec config-linux.md "Network Devices"): moves each of devs[0..n)
 * from the caller's network namespace into the one netns_fd refers to, renamed to its name
 * when given, up, with its IPv4 and global IPv6 addresses added again there.  Run by the
 * runtime once the init has its namespace.  Errors name linux.netDevices["<host name>"] (a
 * missing interface, a name taken inside).  Nothing is moved back: when the namespace goes,
 * the kernel destroys virtual devices (veth: both ends) and returns physical ones to the
 * initial namespace, as with runc. */
int net_devices_move(int netns_fd, const struct spec_net_device *devs, size_t n, struct error **err);
/* net_devices_move into the network namespace of spec's container whose init is pid: the
 * namespace's path when the config names one, else /proc/PID/ns/net. */
int net_devices_attach(pid_t pid, const struct spec *spec, struct error **err);

#endif
