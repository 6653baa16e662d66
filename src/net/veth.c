/* The quick mode's --net veth: a veth pair whose peer is born as eth0 inside the container's
 * network namespace, addresses from the allocator, lo and the links up, a default route via
 * the host end; and its removal. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>

#include "contain/net.h"
#include "contain/util.h"
#include "netlink.h"

/* Serialises allocation against other contain processes: between reading the host's addresses
 * and putting ours on the host end, nobody else may pick the same subnet. */
#define NET_LOCK_PATH "/run/contain-net.lock"
#define CONTAINER_IFNAME "eth0"

static bool ifname_char_ok(char c)
{
        return c > ' ' && c != '/' && c != ':' && c != 0x7f;
}

void net_host_ifname(const char *id, char out[IFNAMSIZ])
{
        const size_t room = IFNAMSIZ - 1 - strlen(NET_HOST_IFNAME_PREFIX);
        size_t len = strlen(id);
        bool fits = len > 0 && len <= room;
        for (size_t i = 0; fits && i < len; i++)
                fits = ifname_char_ok(id[i]);
        if (fits) {
                snprintf(out, IFNAMSIZ, "%s%s", NET_HOST_IFNAME_PREFIX, id);
                return;
        }
        /* FNV-1a: stable across runs, so the name can be derived again from the id */
        uint32_t h = 2166136261u;
        for (const unsigned char *p = (const unsigned char *)id; *p; p++)
                h = (h ^ *p) * 16777619u;
        snprintf(out, IFNAMSIZ, "%s%07x", NET_HOST_IFNAME_PREFIX, h & 0xfffffffu);
}

static int lock_allocation(int *fd, struct error **err)
{
        *fd = open(NET_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (*fd < 0)
                return error_make(err, errno, "open %s", NET_LOCK_PATH);
        while (flock(*fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return error_make(err, errno, "lock %s", NET_LOCK_PATH);
        return 0;
}

static int create_pair(struct nl_sock *sk, const char *host_ifname, int netns_fd, struct error **err)
{
        struct nl_msg m;
        cleanup_free char *what = xasprintf("create veth pair %s/" CONTAINER_IFNAME, host_ifname);

        struct ifinfomsg *ifi = nl_msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi, what);
        ifi->ifi_family = AF_UNSPEC;
        nl_put_str(&m, IFLA_IFNAME, host_ifname);
        struct rtattr *linkinfo = nl_nest_begin(&m, IFLA_LINKINFO);
        nl_put_str(&m, IFLA_INFO_KIND, "veth");
        struct rtattr *data = nl_nest_begin(&m, IFLA_INFO_DATA);
        struct rtattr *peer = nl_nest_begin(&m, VETH_INFO_PEER);
        struct ifinfomsg *peer_ifi = nl_append(&m, sizeof *peer_ifi);
        peer_ifi->ifi_family = AF_UNSPEC;
        nl_put_str(&m, IFLA_IFNAME, CONTAINER_IFNAME);
        /* the peer is created directly in the container's namespace: no move, no rename */
        nl_put_u32(&m, IFLA_NET_NS_FD, (uint32_t)netns_fd);
        nl_nest_end(&m, peer);
        nl_nest_end(&m, data);
        nl_nest_end(&m, linkinfo);
        if (nl_request(sk, &m, NULL, 0, err) == 0)
                return 0;
        if ((*err)->errnum == EEXIST)
                error_wrap(err, "interface %s is taken (by a running container with the same name?)", host_ifname);
        return -1;
}

static int add_addr(struct nl_sock *sk, int index, const char *ifname, uint32_t addr, uint32_t subnet,
                    struct error **err)
{
        struct nl_msg m;
        char text[INET_ADDRSTRLEN];
        uint32_t a = htonl(addr), brd = htonl(subnet | ((1u << (32 - NET_SUBNET_PREFIX)) - 1));

        inet_ntop(AF_INET, &a, text, sizeof text);
        cleanup_free char *what = xasprintf("add address %s/%d to %s", text, NET_SUBNET_PREFIX, ifname);
        struct ifaddrmsg *ifa = nl_msg_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa, what);
        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = NET_SUBNET_PREFIX;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_index = (unsigned)index;
        nl_put(&m, IFA_LOCAL, &a, sizeof a);
        nl_put(&m, IFA_ADDRESS, &a, sizeof a);
        nl_put(&m, IFA_BROADCAST, &brd, sizeof brd);
        return nl_request(sk, &m, NULL, 0, err);
}

static int add_default_route(struct nl_sock *sk, int index, uint32_t gateway, struct error **err)
{
        struct nl_msg m;
        uint32_t gw = htonl(gateway);
        struct rtmsg *rt = nl_msg_init(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt,
                                       "add the default route via the host end");
        rt->rtm_family = AF_INET;
        rt->rtm_table = RT_TABLE_MAIN;
        rt->rtm_protocol = RTPROT_BOOT;
        rt->rtm_scope = RT_SCOPE_UNIVERSE;
        rt->rtm_type = RTN_UNICAST;
        nl_put(&m, RTA_GATEWAY, &gw, sizeof gw);
        nl_put_u32(&m, RTA_OIF, (uint32_t)index);
        return nl_request(sk, &m, NULL, 0, err);
}

static int delete_link(struct nl_sock *sk, const char *name, struct error **err)
{
        struct nl_msg m;
        cleanup_error struct error *e = NULL;
        cleanup_free char *what = xasprintf("delete interface %s", name);
        struct ifinfomsg *ifi = nl_msg_init(&m, RTM_DELLINK, 0, sizeof *ifi, what);
        ifi->ifi_family = AF_UNSPEC;
        nl_put_str(&m, IFLA_IFNAME, name);
        if (nl_request(sk, &m, NULL, 0, &e) == 0)
                return 0;
        /* already gone: the container's netns died and took the pair with it */
        if (e->errnum == ENODEV)
                return 0;
        *err = steal_pointer(&e);
        return -1;
}

/* The host side, under the allocation lock: subnet, pair, host address, host end up. */
static int setup_host_side(struct nl_sock *host, int netns_fd, struct net_veth *v, uint32_t *subnet,
                           struct error **err)
{
        cleanup_close int lock = -1;
        int index;

        if (lock_allocation(&lock, err) < 0 || net_alloc_subnet(host, subnet, err) < 0)
                return -1;
        if (create_pair(host, v->host_ifname, netns_fd, err) < 0)
                return -1;
        v->created = true;
        if (nl_link_index(host, v->host_ifname, &index, err) < 0 ||
            add_addr(host, index, v->host_ifname, *subnet + 1, *subnet, err) < 0 ||
            nl_link_up(host, index, v->host_ifname, err) < 0)
                return -1;
        return 0;
}

static int setup_container_side(int netns_fd, uint32_t subnet, struct error **err)
{
        cleanup_nl_sock struct nl_sock sk = { .fd = -1 };
        int lo, eth;

        if (nl_open_in_netns(netns_fd, &sk, err) < 0)
                return -1;
        if (nl_link_index(&sk, "lo", &lo, err) < 0 || nl_link_up(&sk, lo, "lo", err) < 0)
                return -1;
        if (nl_link_index(&sk, CONTAINER_IFNAME, &eth, err) < 0 ||
            add_addr(&sk, eth, CONTAINER_IFNAME, subnet + 2, subnet, err) < 0 ||
            nl_link_up(&sk, eth, CONTAINER_IFNAME, err) < 0 ||
            add_default_route(&sk, eth, subnet + 1, err) < 0)
                return -1;
        return 0;
}

int net_veth_setup(int netns_fd, const char *id, struct net_veth *out, struct error **err)
{
        cleanup_nl_sock struct nl_sock host = { .fd = -1 };
        uint32_t subnet = 0;

        memset(out, 0, sizeof *out);
        net_host_ifname(id, out->host_ifname);
        out->prefix = NET_SUBNET_PREFIX;
        if (nl_open(&host, err) < 0)
                return error_wrap(err, "set up veth networking");

        if (setup_host_side(&host, netns_fd, out, &subnet, err) < 0 ||
            setup_container_side(netns_fd, subnet, err) < 0) {
                cleanup_error struct error *ignored = NULL;
                if (out->created)
                        delete_link(&host, out->host_ifname, &ignored);
                out->created = false;
                return error_wrap(err, "set up veth networking");
        }
        out->host_addr.s_addr = htonl(subnet + 1);
        out->container_addr.s_addr = htonl(subnet + 2);
        return 0;
}

int net_veth_remove(struct net_veth *veth, struct error **err)
{
        cleanup_nl_sock struct nl_sock host = { .fd = -1 };

        if (!veth->created)
                return 0;
        if (nl_open(&host, err) < 0 || delete_link(&host, veth->host_ifname, err) < 0)
                return error_wrap(err, "remove veth %s", veth->host_ifname);
        veth->created = false;
        return 0;
}
