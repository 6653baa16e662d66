/* A minimal rtnetlink client for src/net: build a request with attributes (nested ones too),
 * send it and wait for the kernel's acknowledgement, or walk the replies of a dump.
 * Private to the net module. */
#ifndef CONTAIN_NET_NETLINK_H
#define CONTAIN_NET_NETLINK_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>

#include "contain/error.h"

struct nl_sock {
        int fd;
        uint32_t seq;
};

/* A request under construction; 4 KiB is far more than any request we send. */
struct nl_msg {
        union {
                struct nlmsghdr hdr;
                char buf[4096];
        } u;
        const char *what;       /* names the request in error messages ("create veth contain-ab") */
};

/* Opens a NETLINK_ROUTE socket in the caller's network namespace. */
int nl_open(struct nl_sock *sk, struct error **err);
/* Opens one in the network namespace netns_fd refers to (the socket stays bound to it);
 * the caller's own namespace is restored before returning. */
int nl_open_in_netns(int netns_fd, struct nl_sock *sk, struct error **err);
void nl_close(struct nl_sock *sk);
static inline void nl_closep(struct nl_sock *sk) { nl_close(sk); }
#define cleanup_nl_sock __attribute__((cleanup(nl_closep)))

/* Starts a message of type with flags (NLM_F_REQUEST is added) and a zeroed family header of
 * hdr_len bytes; returns that header for the caller to fill. */
void *nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags, size_t hdr_len, const char *what);
/* Appends an attribute; returns it (its payload follows RTA_DATA). Aborts on overflow. */
struct rtattr *nl_put(struct nl_msg *m, uint16_t type, const void *data, size_t len);
static inline struct rtattr *nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v) { return nl_put(m, type, &v, sizeof v); }
struct rtattr *nl_put_str(struct nl_msg *m, uint16_t type, const char *s);
/* Opens a nested attribute; close it with nl_nest_end once its children are in. */
struct rtattr *nl_nest_begin(struct nl_msg *m, uint16_t type);
void nl_nest_end(struct nl_msg *m, struct rtattr *nest);
/* Appends raw bytes (a family header inside a nested attribute, like veth's peer ifinfomsg). */
void *nl_append(struct nl_msg *m, size_t len);

/* Sends a request (NLM_F_ACK added) and waits for its acknowledgement: 0, or -1 with err naming
 * m->what and the kernel's errno.  When reply is not NULL, the first non-error reply message
 * is copied there (size reply_len) instead, for a GET of one object. */
int nl_request(struct nl_sock *sk, struct nl_msg *m, void *reply, size_t reply_len, struct error **err);

/* Sends a dump request (NLM_F_DUMP added) and calls fn for every reply message until done;
 * fn returns 0 to continue or -1 (with err) to stop. */
int nl_dump(struct nl_sock *sk, struct nl_msg *m,
            int (*fn)(const struct nlmsghdr *h, void *ctx, struct error **err), void *ctx,
            struct error **err);

/* Looks up the index of interface name in the socket's namespace. */
int nl_link_index(struct nl_sock *sk, const char *name, int *index, struct error **err);
/* Sets IFF_UP on the interface with index. */
int nl_link_up(struct nl_sock *sk, int index, const char *name, struct error **err);

/* ---- inside the module, beyond netlink itself ---- */

/* Picks a free /30 against the IPv4 addresses of sk's namespace (src/net/addr.c). */
int net_alloc_subnet(struct nl_sock *sk, uint32_t *subnet, struct error **err);

#endif
