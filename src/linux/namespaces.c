/* Namespaces: the clone flags for new ones, opening and joining configured paths (the user
 * namespace last, see ns_join), and what the parent writes
 * for the child: uid/gid maps and time namespace offsets. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

int ns_clone_flags(const struct spec *spec)
{
        int flags = 0;
        for (size_t i = 0; i < spec->linux.n_namespaces; i++)
                if (!spec->linux.namespaces[i].path)
                        flags |= ns_type_clone_flag(spec->linux.namespaces[i].type);
        return flags;
}

int ns_open_paths(const struct spec *spec, int fds[NS_TYPE_COUNT], struct error **err)
{
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                fds[t] = -1;
        for (size_t i = 0; i < spec->linux.n_namespaces; i++) {
                const struct spec_namespace *ns = &spec->linux.namespaces[i];
                if (!ns->path)
                        continue;
                int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        int e = errno;
                        for (int t = 0; t < NS_TYPE_COUNT; t++)
                                closep(&fds[t]);
                        return error_make(err, e, "linux.namespaces: %s: open %s", ns_type_name(ns->type), ns->path);
                }
                closep(&fds[ns->type]);
                fds[ns->type] = fd;
        }
        return 0;
}

/* One setns; EPERM is returned (not made an error) so the caller can try again later. */
static int join_one(int fds[NS_TYPE_COUNT], enum ns_type t, struct error **err)
{
        if (setns(fds[t], ns_type_clone_flag(t)) == 0) {
                closep(&fds[t]);
                return 0;
        }
        if (errno == EPERM && t != NS_USER)
                return 1;
        return error_make(err, errno, "linux.namespaces: join the %s namespace", ns_type_name(t));
}

int ns_join(int fds[NS_TYPE_COUNT], unsigned skip_mask, struct error **err)
{
        /* The others before the user namespace: as the runtime's root we may join any of them,
         * but not one owned by another user namespace once inside the joined one.  What we may
         * not join yet (EPERM: an unprivileged runtime) is tried again with the user
         * namespace's privileges, as runc's nsexec does. */
        static const enum ns_type order[] = { NS_PID, NS_NETWORK, NS_IPC, NS_UTS, NS_CGROUP, NS_TIME, NS_MOUNT };
        unsigned later = 0;
        for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
                enum ns_type t = order[i];
                if (fds[t] < 0 || (skip_mask & (1u << t)))
                        continue;
                int r = join_one(fds, t, err);
                if (r < 0)
                        return -1;
                if (r > 0)
                        later |= 1u << t;
        }
        if (fds[NS_USER] >= 0 && !(skip_mask & (1u << NS_USER))) {
                if (join_one(fds, NS_USER, err) < 0 || process_undumpable(err) < 0)
                        return -1;  /* the new credentials reset it */
        }
        for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
                if (!(later & (1u << order[i])))
                        continue;
                int r = join_one(fds, order[i], err);
                if (r < 0)
                        return -1;
                if (r > 0)
                        return error_make(err, EPERM, "linux.namespaces: join the %s namespace",
                                          ns_type_name(order[i]));
        }
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                closep(&fds[t]);
        return 0;
}

static char *format_map(const struct spec_id_mapping *m, size_t n)
{
        char *text = xstrdup("");
        for (size_t i = 0; i < n; i++) {
                char *next = xasprintf("%s%u %u %u\n", text, m[i].container_id, m[i].host_id, m[i].size);
                free(text);
                text = next;
        }
        return text;
}

/* The kernel wants the whole map in one write. */
static int write_proc(pid_t pid, const char *file, const char *text, const char *field, struct error **err)
{
        cleanup_free char *path = xasprintf("/proc/%d/%s", (int)pid, file);
        cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return error_make(err, errno, "%s: open %s", field, path);
        ssize_t w = write(fd, text, strlen(text));
        if (w < 0)
                return error_make(err, errno, "%s: write %s", field, path);
        if ((size_t)w != strlen(text))
                return error_make(err, EIO, "%s: short write to %s", field, path);
        return 0;
}

int id_map_write(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
                 const char *field, struct error **err)
{
        cleanup_free char *text = format_map(m, n);
        return write_proc(pid, file, text, field, err);
}

/* An unprivileged caller may write only a map of its own single id. */
static bool map_direct(const struct spec_id_mapping *m, size_t n, unsigned own)
{
        return geteuid() == 0 || (n == 1 && m[0].size == 1 && m[0].host_id == own);
}

int ns_write_id_maps(pid_t pid, const struct spec *spec, struct error **err)
{
        const struct spec_linux *l = &spec->linux;

        if (l->n_uid_mappings) {
                const char *field = "linux.uidMappings";
                if (!map_direct(l->uid_mappings, l->n_uid_mappings, geteuid())) {
                        if (rootless_map_helper("newuidmap", pid, l->uid_mappings, l->n_uid_mappings, field, err) < 0)
                                return -1;
                } else if (id_map_write(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, field, err) < 0)
                        return -1;
        }
        if (l->n_gid_mappings) {
                const char *field = "linux.gidMappings";
                if (!map_direct(l->gid_mappings, l->n_gid_mappings, getegid()))
                        return rootless_map_helper("newgidmap", pid, l->gid_mappings, l->n_gid_mappings, field, err);
                /* Without CAP_SETGID in the parent namespace the kernel requires setgroups
                 * to be denied before an unprivileged gid_map can be written. */
                if (geteuid() != 0 && write_proc(pid, "setgroups", "deny", field, err) < 0)
                        return -1;
                if (id_map_write(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, field, err) < 0)
                        return -1;
        }
        return 0;
}

int ns_write_time_offsets(pid_t pid, const struct spec *spec, struct error **err)
{
        const struct spec_linux *l = &spec->linux;
        cleanup_free char *text = xstrdup("");

        /* Only allowed before any process entered the time namespace: pid has unshared
         * CLONE_NEWTIME (its time_for_children) and enters it after this. */
        if (l->time_offset_monotonic.present) {
                char *t = xasprintf("%smonotonic %lld %u\n", text, (long long)l->time_offset_monotonic.secs,
                                    l->time_offset_monotonic.nanosecs);
                free(text);
                text = t;
        }
        if (l->time_offset_boottime.present) {
                char *t = xasprintf("%sboottime %lld %u\n", text, (long long)l->time_offset_boottime.secs,
                                    l->time_offset_boottime.nanosecs);
                free(text);
                text = t;
        }
        if (!*text)
                return 0;
        return write_proc(pid, "timens_offsets", text, "linux.timeOffsets", err);
}
