/* A minimal rtnetlink client: request building, acknowledged requests, dumps, and the two
 * link operations every caller needs (index lookup, bringing a link up). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "netlink.h"

/* Large enough for any single reply datagram the kernel sends to a dump (it sizes them to
 * the page size, up to 32 KiB). */
#define NL_RECV_BUF (64 * 1024)

int nl_open(struct nl_sock *sk, struct error **err)
{
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
        cleanup_close int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
                return error_make(err, errno, "open rtnetlink socket");
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
                return error_make(err, errno, "bind rtnetlink socket");
        sk->fd = steal_fd(&fd);
        sk->seq = (uint32_t)getpid();
        return 0;
}

int nl_open_in_netns(int netns_fd, struct nl_sock *sk, struct error **err)
{
        cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return error_make(err, errno, "open /proc/self/ns/net");
        if (setns(netns_fd, CLONE_NEWNET) < 0)
                return error_make(err, errno, "enter the container's network namespace");
        int r = nl_open(sk, err);
        /* a netlink socket stays bound to the namespace it was created in, so we can go back
         * at once; staying in the wrong namespace would misconfigure the host: abort */
        if (setns(self, CLONE_NEWNET) < 0) {
                log_error("cannot return to the runtime's network namespace: %s", strerror(errno));
                abort();
        }
        return r;
}

void nl_close(struct nl_sock *sk)
{
        if (sk->fd >= 0)
                close(sk->fd);
        sk->fd = -1;
}

void *nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags, size_t hdr_len, const char *what)
{
        memset(m->u.buf, 0, sizeof m->u.buf);
        m->u.hdr.nlmsg_len = NLMSG_LENGTH(0);
        m->u.hdr.nlmsg_type = type;
        m->u.hdr.nlmsg_flags = NLM_F_REQUEST | flags;
        m->what = what;
        return nl_append(m, hdr_len);
}

void *nl_append(struct nl_msg *m, size_t len)
{
        size_t at = NLMSG_ALIGN(m->u.hdr.nlmsg_len);
        if (at + NLMSG_ALIGN(len) > sizeof m->u.buf)
                abort();        /* a programming error: our requests are tiny */
        m->u.hdr.nlmsg_len = (uint32_t)(at + NLMSG_ALIGN(len));
        return m->u.buf + at;
}

struct rtattr *nl_put(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
        struct rtattr *rta = nl_append(m, RTA_LENGTH(len));
        rta->rta_type = type;
        rta->rta_len = (unsigned short)RTA_LENGTH(len);
        if (len)
                memcpy(RTA_DATA(rta), data, len);
        return rta;
}

struct rtattr *nl_put_str(struct nl_msg *m, uint16_t type, const char *s)
{
        return nl_put(m, type, s, strlen(s) + 1);
}

struct rtattr *nl_nest_begin(struct nl_msg *m, uint16_t type)
{
        return nl_put(m, type, NULL, 0);
}

void nl_nest_end(struct nl_msg *m, struct rtattr *nest)
{
        nest->rta_len = (unsigned short)((char *)m->u.buf + m->u.hdr.nlmsg_len - (char *)nest);
}

static int nl_send(struct nl_sock *sk, struct nl_msg *m, struct error **err)
{
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
        m->u.hdr.nlmsg_seq = ++sk->seq;
        ssize_t n;
        do
                n = sendto(sk->fd, m->u.buf, m->u.hdr.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return error_make(err, errno, "%s: send netlink request", m->what);
        return 0;
}

/* Receives one datagram from the kernel into buf; returns its length. */
static ssize_t nl_recv(struct nl_sock *sk, char *buf, size_t len, const char *what, struct error **err)
{
        for (;;) {
                struct sockaddr_nl sa;
                struct iovec iov = { buf, len };
                struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &iov, .msg_iovlen = 1 };
                ssize_t n = recvmsg(sk->fd, &mh, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return error_make(err, errno, "%s: receive netlink reply", what);
                if (mh.msg_flags & MSG_TRUNC)
                        return error_make(err, EMSGSIZE, "%s: netlink reply truncated", what);
                if (sa.nl_pid != 0)
                        continue;       /* not from the kernel */
                return n;
        }
}

/* Walks the messages of one datagram.  Returns 1 when the exchange is over (ack, error or
 * done), 0 to read more; -1 with err on a kernel error. */
typedef int (*nl_msg_fn)(const struct nlmsghdr *h, void *ctx, struct error **err);

static int nl_walk(struct nl_sock *sk, const struct nl_msg *m, char *buf, size_t n, nl_msg_fn fn,
                   void *ctx, struct error **err)
{
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
                if (h->nlmsg_seq != sk->seq)
                        continue;       /* a late reply to an earlier request */
                if (h->nlmsg_type == NLMSG_DONE)
                        return 1;
                if (h->nlmsg_type == NLMSG_ERROR) {
                        const struct nlmsgerr *e = NLMSG_DATA(h);
                        if (h->nlmsg_len < NLMSG_LENGTH(sizeof *e))
                                return error_make(err, EBADMSG, "%s: short netlink error reply", m->what);
                        if (e->error == 0)
                                return 1;
                        return error_make(err, -e->error, "%s", m->what);
                }
                if (h->nlmsg_type == NLMSG_NOOP || h->nlmsg_type == NLMSG_OVERRUN)
                        continue;
                if (fn && fn(h, ctx, err) < 0)
                        return -1;
        }
        return 0;
}

struct nl_copy_ctx {
        void *reply;
        size_t len;
        bool got;
};

static int nl_copy_first(const struct nlmsghdr *h, void *ctx, struct error **err)
{
        (void)err;
        struct nl_copy_ctx *c = ctx;
        if (!c->got) {
                size_t len = h->nlmsg_len < c->len ? h->nlmsg_len : c->len;
                memcpy(c->reply, h, len);
                c->got = true;
        }
        return 0;
}

/* Sends m and feeds every message of the reply to fn until the kernel ends the exchange
 * (an ack, an error or the end of a dump). */
static int nl_exchange(struct nl_sock *sk, struct nl_msg *m, nl_msg_fn fn, void *ctx, struct error **err)
{
        cleanup_free char *buf = xmalloc(NL_RECV_BUF);

        if (nl_send(sk, m, err) < 0)
                return -1;
        for (;;) {
                ssize_t n = nl_recv(sk, buf, NL_RECV_BUF, m->what, err);
                if (n < 0)
                        return -1;
                int r = nl_walk(sk, m, buf, (size_t)n, fn, ctx, err);
                if (r != 0)
                        return r < 0 ? -1 : 0;
        }
}

int nl_request(struct nl_sock *sk, struct nl_msg *m, void *reply, size_t reply_len, struct error **err)
{
        struct nl_copy_ctx c = { reply, reply_len, false };

        /* a GET answers with the object, then the ack we asked for */
        m->u.hdr.nlmsg_flags |= NLM_F_ACK;
        if (nl_exchange(sk, m, reply ? nl_copy_first : NULL, &c, err) < 0)
                return -1;
        if (reply && !c.got)
                return error_make(err, ENOENT, "%s: no reply", m->what);
        return 0;
}

int nl_dump(struct nl_sock *sk, struct nl_msg *m,
            int (*fn)(const struct nlmsghdr *h, void *ctx, struct error **err), void *ctx,
            struct error **err)
{
        m->u.hdr.nlmsg_flags |= NLM_F_DUMP;
        return nl_exchange(sk, m, fn, ctx, err);
}

int nl_link_index(struct nl_sock *sk, const char *name, int *index, struct error **err)
{
        struct nl_msg m;
        union {
                struct nlmsghdr h;
                char buf[NLMSG_LENGTH(sizeof(struct ifinfomsg))];
        } reply;
        cleanup_free char *what = xasprintf("look up interface %s", name);

        struct ifinfomsg *ifi = nl_msg_init(&m, RTM_GETLINK, 0, sizeof *ifi, what);
        ifi->ifi_family = AF_UNSPEC;
        nl_put_str(&m, IFLA_IFNAME, name);
        if (nl_request(sk, &m, &reply, sizeof reply, err) < 0)
                return -1;
        if (reply.h.nlmsg_type != RTM_NEWLINK || reply.h.nlmsg_len < NLMSG_LENGTH(sizeof *ifi))
                return error_make(err, EBADMSG, "%s: unexpected reply", what);
        *index = ((struct ifinfomsg *)NLMSG_DATA(&reply.h))->ifi_index;
        return 0;
}

int nl_link_up(struct nl_sock *sk, int index, const char *name, struct error **err)
{
        struct nl_msg m;
        cleanup_free char *what = xasprintf("bring up interface %s", name);
        struct ifinfomsg *ifi = nl_msg_init(&m, RTM_NEWLINK, 0, sizeof *ifi, what);
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = index;
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        return nl_request(sk, &m, NULL, 0, err);
}
