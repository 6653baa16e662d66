/* Unix socket helpers shared by the console socket, the parent/child sync messages and the
 * seccomp agent: connecting by path and passing one fd with SCM_RIGHTS. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "contain/util.h"

int unix_connect(const char *path)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof(addr.sun_path)) {
                errno = ENAMETOOLONG;
                return -1;
        }
        strcpy(addr.sun_path, path);
        cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return -1;
        return steal_fd(&fd);
}

ssize_t recv_with_fd(int sock, void *buf, size_t len, int *fd)
{
        struct iovec iov = { .iov_base = buf, .iov_len = len };
        union {
                char b[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
                              .msg_controllen = sizeof(ctl.b) };
        ssize_t r;
        *fd = -1;
        do
                r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        while (r < 0 && errno == EINTR);
        if (r < 0)
                return -1;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
                    c->cmsg_len == CMSG_LEN(sizeof(int)))
                        memcpy(fd, CMSG_DATA(c), sizeof(int));
        return r;
}

ssize_t send_with_fd(int sock, const void *buf, size_t len, int fd)
{
        struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
        union {
                char b[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        memset(&ctl, 0, sizeof(ctl));
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
                              .msg_controllen = sizeof(ctl.b) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
        ssize_t w;
        do
                w = sendmsg(sock, &msg, MSG_NOSIGNAL);
        while (w < 0 && errno == EINTR);
        return w;
}
