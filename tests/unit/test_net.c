/* Unit tests of src/net's pure logic: the /30 allocator against addresses in use, and the host
 * interface name for a container id (it must fit IFNAMSIZ). */
#include <string.h>

#include "contain/net.h"
#include "contain/util.h"
#include "tap.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static void pick(struct tap *t, const struct net_addr *used, size_t n, uint32_t want, const char *name)
{
        cleanup_error struct error *err = NULL;
        uint32_t got = 0;
        if (net_pick_subnet(used, n, &got, &err) < 0) {
                ok(t, false, name);
                printf("#   error: %s\n", err->msg);
                return;
        }
        is_u64(t, got, want, name);
}

static void ifname(struct tap *t, const char *id, const char *want, const char *name)
{
        char out[IFNAMSIZ];
        net_host_ifname(id, out);
        if (want) {
                is_str(t, out, want, name);
                return;
        }
        /* hashed: "contain-" and 7 hex digits */
        bool hashed = strlen(out) == IFNAMSIZ - 1 && str_has_prefix(out, NET_HOST_IFNAME_PREFIX) &&
                      strspn(out + strlen(NET_HOST_IFNAME_PREFIX), "0123456789abcdef") == 7;
        ok(t, hashed, name);
        if (!hashed)
                printf("#   got: '%s'\n", out);
}

int main(void)
{
        struct tap t = { 0 };

        pick(&t, NULL, 0, IP(10, 88, 0, 0), "nothing in use: the first /30");
        {
                struct net_addr used[] = { { IP(127, 0, 0, 1), 8 }, { IP(192, 168, 1, 5), 24 } };
                pick(&t, used, 2, IP(10, 88, 0, 0), "addresses outside the pool do not matter");
        }
        {
                struct net_addr used[] = { { IP(10, 88, 0, 1), 30 }, { IP(10, 88, 0, 6), 30 } };
                pick(&t, used, 2, IP(10, 88, 0, 8), "the host and container ends of two runs: the third /30");
        }
        {
                struct net_addr used[] = { { IP(10, 88, 0, 2), 32 } };
                pick(&t, used, 1, IP(10, 88, 0, 4), "a single address inside a /30 takes it");
        }
        {
                struct net_addr used[] = { { IP(10, 88, 0, 200), 24 } };
                pick(&t, used, 1, IP(10, 88, 1, 0), "a /24 in the pool takes all its /30s");
        }
        {
                struct net_addr used[] = { { IP(10, 88, 0, 5), 0 } };
                pick(&t, used, 1, IP(10, 88, 0, 0), "a /0 counts as its one address");
        }
        {
                cleanup_error struct error *err = NULL;
                struct net_addr used[] = { { IP(10, 1, 2, 3), 8 } };
                uint32_t got = 0;
                ok(&t, net_pick_subnet(used, 1, &got, &err) < 0, "a /8 covering the pool leaves nothing");
                has_substr(&t, err ? err->msg : NULL, "no free /30", "  and says so");
        }

        ifname(&t, "abc1234", "contain-abc1234", "a 7-char id is used as is");
        ifname(&t, "x", "contain-x", "a short id is used as is");
        ifname(&t, "abcdefgh", NULL, "an 8-char id is hashed");
        ifname(&t, "a:b", NULL, "an id with ':' is hashed");
        {
                char a[IFNAMSIZ], b[IFNAMSIZ];
                net_host_ifname("t12-345-a-rather-long-name", a);
                net_host_ifname("t12-345-a-rather-long-name", b);
                is_str(&t, a, b, "the hash is stable");
                net_host_ifname("t12-345-a-rather-long-namf", b);
                ok(&t, strcmp(a, b) != 0, "and differs for another id");
        }
        return tap_done(&t);
}
