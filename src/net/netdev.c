/* linux.netDevices (runtime-spec 1.2): host interfaces moved into the container's network
 * namespace over rtnetlink, renamed on the way, with their addresses carried across (the
 * kernel flushes them when an interface changes namespace) and brought up. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <string.h>

#include "contain/net.h"
#include "contain/util.h"
#include "netlink.h"

/* One address of the interface, as the kernel reported it. */
struct saved_addr {
        struct ifaddrmsg ifa;
        unsigned char local[16];        /* IFA_LOCAL (IPv4), else IFA_ADDRESS */
        unsigned char address[16];      /* IFA_ADDRESS: the peer on point-to-point links */
        size_t len;                     /* 4 or 16 */
        bool has_local;
};

struct addr_set {
        int index;
        struct saved_addr *v;
        size_t n;
};

static int save_addr(const struct nlmsghdr *h, void *ctx, struct error **err)
{
        (void)err;
        struct addr_set *s = ctx;
        if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
                return 0;
        const struct ifaddrmsg *ifa = NLMSG_DATA(h);
        /* link-local IPv6 addresses are the kernel's own: it makes them again inside */
        if ((int)ifa->ifa_index != s->index || ifa->ifa_scope == RT_SCOPE_LINK ||
            (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
                return 0;
        struct saved_addr a = { .ifa = *ifa, .len = ifa->ifa_family == AF_INET ? 4 : 16 };
        int len = (int)IFA_PAYLOAD(h);
        for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
                if (RTA_PAYLOAD(rta) != a.len)
                        continue;
                if (rta->rta_type == IFA_LOCAL) {
                        memcpy(a.local, RTA_DATA(rta), a.len);
                        a.has_local = true;
                } else if (rta->rta_type == IFA_ADDRESS) {
                        memcpy(a.address, RTA_DATA(rta), a.len);
                }
        }
        if (!a.has_local)
                memcpy(a.local, a.address, a.len);
        s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
        s->v[s->n++] = a;
        return 0;
}

static int read_addrs(struct nl_sock *sk, const char *ifname, struct addr_set *s, struct error **err)
{
        struct nl_msg m;
        cleanup_free char *what = xasprintf("list the addresses of %s", ifname);
        struct ifaddrmsg *ifa = nl_msg_init(&m, RTM_GETADDR, 0, sizeof *ifa, what);
        ifa->ifa_family = AF_UNSPEC;
        return nl_dump(sk, &m, save_addr, s, err);
}

static int move_link(struct nl_sock *sk, int index, const char *name, int netns_fd, struct error **err)
{
        struct nl_msg m;
        cleanup_free char *what = xasprintf("move the interface into the container as %s", name);
        struct ifinfomsg *ifi = nl_msg_init(&m, RTM_NEWLINK, 0, sizeof *ifi, what);
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = index;
        /* rename and move in one request: the name is only ever checked in the target */
        nl_put_str(&m, IFLA_IFNAME, name);
        nl_put_u32(&m, IFLA_NET_NS_FD, (uint32_t)netns_fd);
        return nl_request(sk, &m, NULL, 0, err);
}

static int restore_addr(struct nl_sock *sk, int index, const char *name, const struct saved_addr *a,
                        struct error **err)
{
        struct nl_msg m;
        char text[INET6_ADDRSTRLEN];
        inet_ntop(a->ifa.ifa_family, a->local, text, sizeof text);
        cleanup_free char *what = xasprintf("add address %s/%u to %s", text, a->ifa.ifa_prefixlen, name);
        struct ifaddrmsg *ifa = nl_msg_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa, what);
        *ifa = a->ifa;
        ifa->ifa_index = (unsigned)index;
        nl_put(&m, IFA_LOCAL, a->local, a->len);
        nl_put(&m, IFA_ADDRESS, a->address, a->len);
        return nl_request(sk, &m, NULL, 0, err);
}

static int move_one(struct nl_sock *host, int netns_fd, const struct spec_net_device *d, struct error **err)
{
        const char *name = d->name ? d->name : d->host_name;
        struct addr_set s = { 0 };
        cleanup_free struct saved_addr *addrs = NULL;

        if (nl_link_index(host, d->host_name, &s.index, err) < 0)
                return error_wrap(err, "no interface \"%s\" in the runtime's network namespace", d->host_name);
        int r = read_addrs(host, d->host_name, &s, err);
        addrs = s.v;
        if (r < 0 || move_link(host, s.index, name, netns_fd, err) < 0)
                return -1;

        cleanup_nl_sock struct nl_sock inside = { .fd = -1 };
        int index;
        if (nl_open_in_netns(netns_fd, &inside, err) < 0 || nl_link_index(&inside, name, &index, err) < 0 ||
            nl_link_up(&inside, index, name, err) < 0)
                return -1;
        for (size_t i = 0; i < s.n; i++)
                if (restore_addr(&inside, index, name, &addrs[i], err) < 0)
                        return -1;
        return 0;
}

int net_devices_move(int netns_fd, const struct spec_net_device *devs, size_t n, struct error **err)
{
        if (n == 0)
                return 0;
        cleanup_nl_sock struct nl_sock host = { .fd = -1 };
        if (nl_open(&host, err) < 0)
                return error_wrap(err, "linux.netDevices");
        for (size_t i = 0; i < n; i++)
                if (move_one(&host, netns_fd, &devs[i], err) < 0)
                        return error_wrap(err, "linux.netDevices[\"%s\"]", devs[i].host_name);
        return 0;
}

int net_devices_attach(pid_t pid, const struct spec *spec, struct error **err)
{
        const struct spec_linux *l = &spec->linux;
        if (l->n_net_devices == 0)
                return 0;
        const struct spec_namespace *net = spec_namespace(spec, NS_NETWORK);
        if (!net)
                return error_make(err, 0, "linux.netDevices: the container has no network namespace of its own");
        /* a namespace given by path is joined by the init only later: open the path itself */
        char proc[64];
        snprintf(proc, sizeof(proc), "/proc/%d/ns/net", (int)pid);
        const char *path = net->path ? net->path : proc;
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return error_make(err, errno, "linux.netDevices: open %s", path);
        return net_devices_move(fd, l->net_devices, l->n_net_devices, err);
}
