/* A seccomp agent for tests/isolation/seccomp_notify.bats: listens on a unix socket, writes each
 * container process state it receives as one line to STATES, and answers the notifications of
 * every notify fd it got: mkdir/mkdirat fail with ERRNO, any other syscall continues (and is
 * logged as "continue NAME" to STATES).
 * usage: seccomp_agent SOCKET STATES ERRNO */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 64

static FILE *states;
static int answer_errno;

static const char *syscall_name(int nr)
{
        switch (nr) {
        case SYS_mkdir: return "mkdir";
        case SYS_mkdirat: return "mkdirat";
        case SYS_chmod: return "chmod";
        case SYS_fchmodat: return "fchmodat";
#ifdef SYS_fchmodat2
        case SYS_fchmodat2: return "fchmodat2";
#endif
        default: return "other";
        }
}

/* Reads one connection's state (fd with the first bytes) until the runtime closes it. */
static int receive_state(int conn)
{
        char buf[65536];
        size_t len = 0;
        int fd = -1;
        for (;;) {
                union {
                        char b[CMSG_SPACE(sizeof(int))];
                        struct cmsghdr align;
                } ctl;
                struct iovec iov = { .iov_base = buf + len, .iov_len = sizeof(buf) - 1 - len };
                struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
                                      .msg_controllen = sizeof(ctl.b) };
                ssize_t r = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        break;
                struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                if (c && c->cmsg_type == SCM_RIGHTS)
                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
                len += (size_t)r;
                if (len == sizeof(buf) - 1)
                        break;
        }
        buf[len] = '\0';
        fprintf(states, "%s\n", buf);
        fflush(states);
        return fd;
}

static void answer(int nfd)
{
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;
        memset(&req, 0, sizeof(req));
        if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
                return;
        memset(&resp, 0, sizeof(resp));
        resp.id = req.id;
        const char *name = syscall_name(req.data.nr);
        if (strncmp(name, "mkdir", 5) == 0) {
                resp.error = -answer_errno;
        } else {
                resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
                fprintf(states, "continue %s\n", name);
                fflush(states);
        }
        (void)ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

int main(int argc, char **argv)
{
        if (argc != 4) {
                fprintf(stderr, "usage: %s SOCKET STATES ERRNO\n", argv[0]);
                return 2;
        }
        answer_errno = atoi(argv[3]);
        states = fopen(argv[2], "a");
        int lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
        if (!states || lsock < 0 || bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lsock, 8) < 0) {
                perror("seccomp_agent");
                return 1;
        }
        struct pollfd pfd[MAX_FDS] = { { .fd = lsock, .events = POLLIN } };
        nfds_t n = 1;
        for (;;) {
                if (poll(pfd, n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return 1;
                }
                if (pfd[0].revents & POLLIN) {
                        int conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
                        int nfd = conn >= 0 ? receive_state(conn) : -1;
                        if (conn >= 0)
                                close(conn);
                        if (nfd >= 0 && n < MAX_FDS)
                                pfd[n++] = (struct pollfd){ .fd = nfd, .events = POLLIN };
                }
                for (nfds_t i = 1; i < n; i++) {
                        if (pfd[i].revents & POLLIN) {
                                answer(pfd[i].fd);
                        } else if (pfd[i].revents & (POLLHUP | POLLERR | POLLNVAL)) {
                                /* every process of that filter is gone */
                                close(pfd[i].fd);
                                pfd[i--] = pfd[--n];
                        }
                }
        }
}
