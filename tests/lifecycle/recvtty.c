/* Test helper: a console-socket receiver.  Listens on SOCKET, receives one pty master sent
 * with SCM_RIGHTS, types INPUT into it and copies what the terminal prints to stdout until
 * the pty closes (every process of the container gone) or 20 seconds pass.  With --pidfd it
 * is a --pidfd-socket receiver instead: it prints the "Pid:" line of the fd's fdinfo.
 * usage: recvtty SOCKET [INPUT] | recvtty --pidfd SOCKET */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int receive_fd(int conn)
{
        char buf[256];
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
        union {
                char b[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
                              .msg_controllen = sizeof(ctl.b) };
        if (recvmsg(conn, &msg, 0) <= 0)
                return -1;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        if (!c || c->cmsg_type != SCM_RIGHTS)
                return -1;
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof(fd));
        return fd;
}

/* The "Pid:" line of fd's fdinfo: the process a pidfd refers to. */
static void print_pidfd_pid(int fd)
{
        char path[64], line[256];
        snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "Pid:", 4) == 0)
                        fputs(line, stdout);
}

int main(int argc, char **argv)
{
        bool pidfd = argc > 1 && strcmp(argv[1], "--pidfd") == 0;
        if (pidfd) {
                argv++;
                argc--;
        }
        if (argc < 2) {
                fprintf(stderr, "usage: recvtty SOCKET [INPUT] | recvtty --pidfd SOCKET\n");
                return 2;
        }
        alarm(20);
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        unlink(argv[1]);
        if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 1) < 0) {
                perror("recvtty: listen");
                return 1;
        }
        int conn = accept(s, NULL, NULL);
        if (conn < 0) {
                perror("recvtty: accept");
                return 1;
        }
        int master = receive_fd(conn);
        if (master < 0) {
                fprintf(stderr, "recvtty: no fd received\n");
                return 1;
        }
        if (pidfd) {
                print_pidfd_pid(master);
                return 0;
        }
        fprintf(stderr, "recvtty: got a terminal\n");
        if (argc > 2) {
                /* unescape \n so the test can type a line */
                char *in = strdup(argv[2]), *o = in;
                for (char *p = in; *p; p++) {
                        if (p[0] == '\\' && p[1] == 'n') {
                                *o++ = '\n';
                                p++;
                        } else {
                                *o++ = *p;
                        }
                }
                if (write(master, in, (size_t)(o - in)) < 0)
                        perror("recvtty: write");
        }
        char buf[4096];
        for (;;) {
                ssize_t n = read(master, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                fwrite(buf, 1, (size_t)n, stdout);
                fflush(stdout);
        }
        return 0;
}
