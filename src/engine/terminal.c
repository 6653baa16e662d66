/* Terminals: a pty allocated inside the container (its own devpts), its master handed to the
 * caller over --console-socket with SCM_RIGHTS, or relayed to our own terminal by `run`. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

#include "contain/linux.h"
#include "contain/util.h"
#include "internal.h"

int console_socket_connect(const char *path, struct error **err)
{
        int fd = unix_connect(path);
        if (fd < 0 && errno == ENAMETOOLONG)
                return error_make(err, 0, "console socket %s: path too long for a unix socket", path);
        if (fd < 0)
                return error_make(err, errno, "connect to console socket %s", path);
        return fd;
}

int socket_send_fd(int sock, int fd, struct error **err)
{
        static const char name[] = "/dev/ptmx";
        if (send_with_fd(sock, name, sizeof(name) - 1, fd) < 0)
                return error_make(err, errno, "send the terminal over the console socket");
        return 0;
}

int console_recv_fd(int sock, int *fd, struct error **err)
{
        char buf[256];
        ssize_t r = recv_with_fd(sock, buf, sizeof(buf), fd);
        if (r < 0)
                return error_make(err, errno, "receive the terminal");
        if (*fd < 0)
                return error_make(err, 0, "receive the terminal: no fd was sent");
        return 0;
}

/* Opens a new pty pair from ptmx (an fd of a /dev/pts/ptmx or /dev/ptmx). */
static int open_pty_pair(int master_fd, int *slave, struct error **err)
{
        int unlock = 0;
        if (ioctl(master_fd, TIOCSPTLCK, &unlock) < 0)
                return error_make(err, errno, "unlock the pty");
        /* TIOCGPTPEER opens the peer by fd: no path in the container is followed */
        int s = ioctl(master_fd, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (s < 0)
                return error_make(err, errno, "open the pty peer");
        *slave = s;
        return 0;
}

static int become_tty_owner(const struct spec_process *proc, int master, int slave, int sock, bool relayed,
                            struct error **err)
{
        /* our relay copies the pty to the caller's stdout.  A terminal there is put in raw
         * mode, so the pty's ONLCR must stay to end lines with "\r\n"; a pipe or file gets
         * the process's bytes as they are (no "\r" it did not write).  fd 1 is still the
         * caller's here.  A console-socket receiver (conmon, containerd) gets the pty as the
         * kernel made it and chooses for itself. */
        if (relayed && !isatty(STDOUT_FILENO)) {
                struct termios tio;
                if (tcgetattr(slave, &tio) < 0)
                        return error_make(err, errno, "read the pty's settings");
                tio.c_oflag &= ~(tcflag_t)ONLCR;
                if (tcsetattr(slave, TCSANOW, &tio) < 0)
                        return error_make(err, errno, "clear ONLCR on the pty");
        }
        if (proc->has_console_size) {
                struct winsize ws = { .ws_row = (unsigned short)proc->console_height,
                                      .ws_col = (unsigned short)proc->console_width };
                if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
                        return error_make(err, errno, "set the terminal size");
        }
        /* the pty belongs to the process's user (its group stays devpts' tty group), as with
         * runc and crun; a uid the user namespace does not map is left to root */
        if (fchown(slave, proc->user.uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM)
                return error_make(err, errno, "chown the pty to uid %u", proc->user.uid);
        if (socket_send_fd(sock, master, err) < 0)
                return -1;
        if (setsid() < 0 && errno != EPERM)
                return error_make(err, errno, "setsid");
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return error_make(err, errno, "make the pty the controlling terminal");
        for (int fd = 0; fd <= 2; fd++)
                if (dup2(slave, fd) < 0)
                        return error_make(err, errno, "dup the pty onto fd %d", fd);
        return 0;
}

/* The container's pty multiplexer: /dev/pts/ptmx of its devpts, else /dev/ptmx; whatever the
 * rootfs put there must be the real char 5:2, not a file it points at. */
static int open_ptmx(int root, struct error **err)
{
        const char *const paths[] = { "/dev/pts/ptmx", "/dev/ptmx" };
        for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
                /* Looked at before it is opened (opening a node can act), checked again after. */
                for (int flags = O_PATH; ; flags = O_RDWR | O_NOCTTY) {
                        cleanup_error struct error *e = NULL;
                        cleanup_close int fd = root >= 0 ? inroot_open(root, paths[i], flags, 0, &e)
                                                         : open(paths[i], flags | O_CLOEXEC);
                        if (fd < 0)
                                break;
                        if (!devices_is_ptmx(fd))
                                return error_make(err, 0, "%s is not the pty multiplexer (char 5:2): refusing it",
                                                  paths[i]);
                        if (flags != O_PATH)
                                return steal_fd(&fd);
                }
        }
        return error_make(err, ENOENT, "open the container's /dev/pts/ptmx or /dev/ptmx");
}

int terminal_setup_container(const struct spec *spec, int sock, bool relayed, struct error **err)
{
        cleanup_close int root = open(spec->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return error_make(err, errno, "terminal: open rootfs %s", spec->root_path);
        cleanup_close int master = open_ptmx(root, err);
        if (master < 0)
                return error_wrap(err, "terminal");
        cleanup_close int slave = -1;
        if (open_pty_pair(master, &slave, err) < 0)
                return error_wrap(err, "terminal");
        if (devices_bind_console(root, slave, err) < 0)
                return error_wrap(err, "terminal");
        if (become_tty_owner(&spec->process, master, slave, sock, relayed, err) < 0)
                return error_wrap(err, "terminal");
        return 0;
}

int terminal_setup_exec(const struct spec_process *proc, int sock, bool relayed, struct error **err)
{
        cleanup_close int master = open_ptmx(-1, err);
        if (master < 0)
                return error_wrap(err, "terminal");
        cleanup_close int slave = -1;
        if (open_pty_pair(master, &slave, err) < 0 ||
            become_tty_owner(proc, master, slave, sock, relayed, err) < 0)
                return error_wrap(err, "terminal");
        return 0;
}

struct terminal_relay {
        int master;
        bool stdin_open;
        bool raw;
        struct termios saved;
};

int terminal_relay_start(int master, struct terminal_relay **out, struct error **err)
{
        struct terminal_relay *r = xcalloc(1, sizeof(*r));
        r->master = master;
        r->stdin_open = true;
        if (isatty(0)) {
                if (tcgetattr(0, &r->saved) < 0) {
                        free(r);
                        return error_make(err, errno, "read the terminal settings");
                }
                struct termios raw = r->saved;
                cfmakeraw(&raw);
                if (tcsetattr(0, TCSANOW, &raw) < 0) {
                        free(r);
                        return error_make(err, errno, "set the terminal to raw mode");
                }
                r->raw = true;
        }
        fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
        terminal_relay_resize(r);
        *out = r;
        return 0;
}

void terminal_relay_fds(const struct terminal_relay *r, int fds[2])
{
        fds[0] = r->stdin_open ? 0 : -1;
        fds[1] = r->master;
}

void terminal_relay_resize(struct terminal_relay *r)
{
        struct winsize ws;
        if (isatty(0) && ioctl(0, TIOCGWINSZ, &ws) == 0)
                (void)ioctl(r->master, TIOCSWINSZ, &ws);
}

bool terminal_relay_io(struct terminal_relay *r, short stdin_revents, short master_revents)
{
        char buf[8192];
        if (stdin_revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = read(0, buf, sizeof(buf));
                if (n > 0)
                        (void)write_all(r->master, buf, (size_t)n);
                else if (n == 0 || (errno != EINTR && errno != EAGAIN))
                        r->stdin_open = false;
        }
        if (master_revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = read(r->master, buf, sizeof(buf));
                if (n > 0)
                        (void)write_all(1, buf, (size_t)n);
                else if (n == 0 || (errno != EINTR && errno != EAGAIN))
                        return false;   /* EIO: every holder of the peer is gone */
        }
        return true;
}

void terminal_relay_free(struct terminal_relay *r)
{
        if (!r)
                return;
        char buf[8192];
        ssize_t n;
        while ((n = read(r->master, buf, sizeof(buf))) > 0)
                (void)write_all(1, buf, (size_t)n);
        if (r->raw)
                tcsetattr(0, TCSANOW, &r->saved);
        free(r);
}
