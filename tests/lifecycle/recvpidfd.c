/* Test helper: a --pidfd-socket receiver.  Listens on SOCKET, receives one fd sent with
 * SCM_RIGHTS and prints the "Pid:" line of its /proc/self/fdinfo (a pidfd's process).
 * usage: recvpidfd SOCKET */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: recvpidfd SOCKET\n");
                return 2;
        }
        alarm(20);
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        unlink(argv[1]);
        if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 1) < 0) {
                perror("recvpidfd: listen");
                return 1;
        }
        int conn = accept(s, NULL, NULL);
        char buf[16];
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
        union {
                char b[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
        struct cmsghdr *c;
        int fd;
        if (conn < 0 || recvmsg(conn, &msg, 0) <= 0 || !(c = CMSG_FIRSTHDR(&msg)) || c->cmsg_type != SCM_RIGHTS) {
                fprintf(stderr, "recvpidfd: no fd received\n");
                return 1;
        }
        memcpy(&fd, CMSG_DATA(c), sizeof(fd));
        char path[64], line[256];
        snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "Pid:", 4) == 0)
                        fputs(line, stdout);
        return 0;
}
