/* The quick-mode address allocator: a /30 from 10.88.0.0/16 that overlaps no IPv4 address
 * configured in the current network namespace (read over rtnetlink, not guessed). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "contain/net.h"
#include "contain/util.h"
#include "netlink.h"

static uint32_t prefix_mask(unsigned prefix)
{
        return prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

int net_pick_subnet(const struct net_addr *used, size_t n, uint32_t *subnet, struct error **err)
{
        const uint32_t step = 1u << (32 - NET_SUBNET_PREFIX);
        const uint32_t end = NET_POOL_BASE + (1u << (32 - NET_POOL_PREFIX));

        for (uint32_t cand = NET_POOL_BASE; cand < end; cand += step) {
                bool taken = false;
                for (size_t i = 0; i < n && !taken; i++) {
                        /* a prefix of 0 would claim everything: count it as a single address */
                        unsigned p = used[i].prefix == 0 ? 32 : used[i].prefix;
                        /* overlap iff they agree on the shorter of the two prefixes */
                        uint32_t m = prefix_mask(p < NET_SUBNET_PREFIX ? p : NET_SUBNET_PREFIX);
                        taken = (used[i].addr & m) == (cand & m);
                }
                if (!taken) {
                        *subnet = cand;
                        return 0;
                }
        }
        return error_make(err, EADDRNOTAVAIL, "no free /%d left in 10.88.0.0/%d for the veth pair",
                          NET_SUBNET_PREFIX, NET_POOL_PREFIX);
}

struct addr_list {
        struct net_addr *v;
        size_t n;
};

static int collect_addr(const struct nlmsghdr *h, void *ctx, struct error **err)
{
        (void)err;
        struct addr_list *l = ctx;
        if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
                return 0;
        const struct ifaddrmsg *ifa = NLMSG_DATA(h);
        if (ifa->ifa_family != AF_INET)
                return 0;
        int len = (int)IFA_PAYLOAD(h);
        for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
                /* IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer on
                 * point-to-point links: both are in use */
                if ((rta->rta_type != IFA_LOCAL && rta->rta_type != IFA_ADDRESS) ||
                    RTA_PAYLOAD(rta) < sizeof(uint32_t))
                        continue;
                uint32_t a;
                memcpy(&a, RTA_DATA(rta), sizeof a);
                l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
                l->v[l->n++] = (struct net_addr){ ntohl(a), ifa->ifa_prefixlen };
        }
        return 0;
}

int net_alloc_subnet(struct nl_sock *sk, uint32_t *subnet, struct error **err)
{
        struct nl_msg m;
        struct addr_list l = { NULL, 0 };
        struct ifaddrmsg *ifa = nl_msg_init(&m, RTM_GETADDR, 0, sizeof *ifa, "list host IPv4 addresses");
        ifa->ifa_family = AF_INET;

        int r = nl_dump(sk, &m, collect_addr, &l, err);
        if (r == 0)
                r = net_pick_subnet(l.v, l.n, subnet, err);
        free(l.v);
        return r;
}
