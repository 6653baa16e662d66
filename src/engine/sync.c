/* Messages between the runtime and the container init (or exec helper) on a SOCK_SEQPACKET
 * pair: {type, len, payload}, one datagram each, so nothing is ever half-read. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "contain/util.h"
#include "internal.h"

struct wire_header {
        uint32_t type;
        uint32_t len;
};

int sync_send(int fd, enum sync_type type, const void *payload, size_t len, struct error **err)
{
        if (len > SYNC_MAX_PAYLOAD)
                len = SYNC_MAX_PAYLOAD;
        char buf[sizeof(struct wire_header) + SYNC_MAX_PAYLOAD];
        struct wire_header h = { .type = type, .len = (uint32_t)len };
        memcpy(buf, &h, sizeof(h));
        if (len)
                memcpy(buf + sizeof(h), payload, len);
        for (;;) {
                ssize_t w = send(fd, buf, sizeof(h) + len, MSG_NOSIGNAL);
                if (w >= 0)
                        return 0;
                if (errno != EINTR)
                        return error_make(err, errno, "send message %d", (int)type);
        }
}

int sync_send_fd(int fd, enum sync_type type, int passed_fd, struct error **err)
{
        struct wire_header h = { .type = type, .len = 0 };
        if (send_with_fd(fd, &h, sizeof(h), passed_fd) < 0)
                return error_make(err, errno, "send message %d with an fd", (int)type);
        return 0;
}

int sync_recv(int fd, struct sync_msg *m, struct error **err)
{
        char buf[sizeof(struct wire_header) + SYNC_MAX_PAYLOAD];
        int received;
        m->fd = -1;
        ssize_t r = recv_with_fd(fd, buf, sizeof(buf), &received);
        /* a peer that went away with messages of ours unread leaves this error once (ours
         * were sent unasked: SYNC_SETUP_DONE, SYNC_NETNS); what it sent before is still
         * queued, and then comes the end of file */
        if (r < 0 && errno == ECONNRESET)
                r = recv_with_fd(fd, buf, sizeof(buf), &received);
        if (r < 0)
                return error_make(err, errno, "receive message");
        cleanup_close int passed = received;
        if (r == 0)
                return error_make(err, EPIPE, "peer exited");
        struct wire_header h;
        if ((size_t)r < sizeof(h))
                return error_make(err, EPROTO, "short message");
        memcpy(&h, buf, sizeof(h));
        if (h.len != (size_t)r - sizeof(h))
                return error_make(err, EPROTO, "message %u: bad length", h.type);
        if ((passed >= 0) != (h.type == SYNC_SECCOMP_FD || h.type == SYNC_NETNS))
                return error_make(err, EPROTO, "message %u: %s", h.type, passed >= 0 ? "unexpected fd" : "fd missing");
        m->type = h.type;
        m->len = h.len;
        m->fd = steal_fd(&passed);
        memcpy(m->payload, buf + sizeof(h), h.len);
        m->payload[h.len] = '\0';
        return 0;
}

bool sync_peer_gone(struct error **err)
{
        if ((*err)->errnum != EPIPE && (*err)->errnum != ECONNRESET)
                return false;
        error_freep(err);
        return true;
}

int sync_error_from_msg(const struct sync_msg *m, const char *ctx, struct error **err)
{
        int32_t e = 0;
        if (m->len >= sizeof(e))
                memcpy(&e, m->payload, sizeof(e));
        const char *text = m->len > sizeof(e) ? m->payload + sizeof(e) : "unknown error";
        /* the text already ends with strerror: keep the errno without repeating it */
        if (ctx)
                return error_with_errno(err, e, "%s: %s", ctx, text);
        return error_with_errno(err, e, "%s", text);
}

int sync_expect(int fd, enum sync_type want, struct sync_msg *m, const char *ctx, struct error **err)
{
        if (sync_recv(fd, m, err) < 0)
                return ctx ? error_wrap(err, "%s", ctx) : -1;
        if (m->type == SYNC_ERROR)
                return sync_error_from_msg(m, ctx, err);
        if (m->type != want) {
                closep(&m->fd);
                return error_make(err, EPROTO, "%s: unexpected message %u (wanted %d)", ctx ? ctx : "sync",
                                  m->type, (int)want);
        }
        return 0;
}

void sync_send_error(int fd, const struct error *err)
{
        const char *msg = err && err->msg ? err->msg : "unknown error";
        int32_t e = err ? err->errnum : 0;
        size_t n = strlen(msg), room = SYNC_MAX_PAYLOAD - sizeof(e);
        char buf[SYNC_MAX_PAYLOAD];
        memcpy(buf, &e, sizeof(e));
        if (n <= room) {
                memcpy(buf + sizeof(e), msg, n);
        } else {
                /* too long (a path of thousands of bytes, twice): the middle goes, so the
                 * context at the start and the reason at the end both arrive */
                static const char cut[] = " [...] ";
                size_t head = (room - (sizeof(cut) - 1)) / 2, tail = room - (sizeof(cut) - 1) - head;
                memcpy(buf + sizeof(e), msg, head);
                memcpy(buf + sizeof(e) + head, cut, sizeof(cut) - 1);
                memcpy(buf + sizeof(e) + head + sizeof(cut) - 1, msg + n - tail, tail);
                n = room;
        }
        struct error *ignored = NULL;
        (void)sync_send(fd, SYNC_ERROR, buf, sizeof(e) + n, &ignored);
        error_free(ignored);
}
