/* Seccomp user notification: the child that installs a filter with SCMP_ACT_NOTIFY rules hands
 * the notify fd to the runtime, which sends it with the container process state to the agent
 * listening on linux.seccomp.listenerPath (runtime-spec config-linux.md, "Seccomp"). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "contain/json.h"
#include "contain/linux.h"
#include "contain/util.h"
#include "internal.h"

int seccomp_hand_over(int sync_fd, const struct seccomp_program *prog, struct error **err)
{
        int nfd;
        if (seccomp_program_install(prog, &nfd, err) < 0)
                return -1;
        cleanup_close int notify_fd = nfd;
        /* from here every syscall goes through the filter: sendmsg is never notified (the
         * seccomp module refuses that), the rest is answered by the agent once it has the fd */
        if (sync_send_fd(sync_fd, SYNC_SECCOMP_FD, notify_fd, err) < 0)
                return error_wrap(err, "linux.seccomp: hand the notify fd to the runtime");
        closep(&notify_fd);
        cleanup_free struct sync_msg *m = xmalloc(sizeof(*m));
        return sync_expect(sync_fd, SYNC_SECCOMP_DONE, m, "wait for the seccomp agent", err);
}

/* The container process state (runtime-spec config-linux.md, "The Container Process State"). */
static char *process_state_json(const struct spec_seccomp *sc, pid_t pid, const struct saved_state *s,
                                const char *status)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(false);
        json_w_object_begin(w);
        json_w_kv_string(w, "ociVersion", CONTAIN_SPEC_VERSION);
        json_w_key(w, "fds");
        json_w_array_begin(w);
        json_w_string(w, "seccompFd");
        json_w_array_end(w);
        json_w_kv_int(w, "pid", pid);
        if (sc->listener_metadata && *sc->listener_metadata)
                json_w_kv_string(w, "metadata", sc->listener_metadata);
        json_w_key(w, "state");
        state_write_json(w, s, status);
        json_w_object_end(w);
        return json_writer_finish(w, NULL);
}

static int listener_connect(const char *path, struct error **err)
{
        int fd = unix_connect(path);
        if (fd < 0 && errno == ENAMETOOLONG)
                return error_make(err, 0, "linux.seccomp.listenerPath: %s: path too long for a unix socket", path);
        if (fd < 0)
                return error_make(err, errno, "linux.seccomp.listenerPath: connect to the seccomp agent at %s", path);
        return fd;
}

/* The fd with the first bytes, the rest of the JSON as the stream takes it (spec: fds only in
 * the first sendmsg). */
static int send_state(int sock, const char *json, int fd, const char *path, struct error **err)
{
        size_t len = strlen(json), off = 0;
        ssize_t w = send_with_fd(sock, json, len, fd);
        while (w >= 0 && (off += (size_t)w) < len) {
                do
                        w = send(sock, json + off, len - off, MSG_NOSIGNAL);
                while (w < 0 && errno == EINTR);
        }
        if (w < 0)
                return error_make(err, errno, "linux.seccomp.listenerPath: send the container process state to %s", path);
        return 0;
}

int seccomp_agent_pass(int sync_fd, const struct spec_seccomp *sc, pid_t pid, const struct saved_state *s,
                       const char *status, int notify_fd, struct error **err)
{
        cleanup_close int sock = listener_connect(sc->listener_path, err);
        if (sock < 0)
                return -1;
        cleanup_free char *json = process_state_json(sc, pid, s, status);
        /* one state per connection, closed after it (spec) */
        if (send_state(sock, json, notify_fd, sc->listener_path, err) < 0)
                return -1;
        closep(&sock);
        if (sync_send(sync_fd, SYNC_SECCOMP_DONE, NULL, 0, err) < 0)
                return sync_peer_gone(err) ? 0 : -1;
        return 0;
}
