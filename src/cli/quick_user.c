/* Quick mode's --user USER[:GROUP]: numbers or names, resolved against the rootfs's own
 * /etc/passwd and /etc/group (read inside the rootfs, never following a link out of it).
 * A user given without a group gets its passwd group, as docker does, else 0. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "contain/linux.h"
#include "contain/util.h"
#include "quick_internal.h"

#define DB_MAX (4 * 1024 * 1024)

/* The file's text, or NULL when the rootfs has none (a bare rootfs is fine for numeric ids). */
static int read_db(int root_fd, const char *path, char **out, struct error **err)
{
        cleanup_error struct error *e = NULL;
        cleanup_close int fd = inroot_open(root_fd, path, O_RDONLY | O_CLOEXEC, 0, &e);
        size_t len = 0;

        *out = NULL;
        if (fd < 0) {
                if (e->errnum == ENOENT)
                        return 0;
                *err = steal_pointer(&e);
                return -1;
        }
        cleanup_free char *buf = xmalloc(DB_MAX + 1);
        for (;;) {
                ssize_t n = read(fd, buf + len, DB_MAX - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return error_make(err, errno, "read %s in the rootfs", path);
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len == DB_MAX)
                        return error_make(err, EFBIG, "read %s in the rootfs", path);
        }
        buf[len] = '\0';
        *out = steal_pointer(&buf);
        return 0;
}

/* Finds the line of db whose field key_field equals key and returns field want_field of it
 * as a number. */
static bool db_lookup(const char *db, int key_field, const char *key, int want_field, uint64_t *out)
{
        for (const char *line = db; line && *line;) {
                const char *end = strchrnul(line, '\n');
                cleanup_free char *copy = xstrndup(line, (size_t)(end - line));
                char *fields[4] = { 0 }, *p = copy;
                /* strsep keeps empty fields ("x::0:") in place */
                for (int i = 0; i < 4 && p; i++)
                        fields[i] = strsep(&p, ":");
                if (fields[key_field] && fields[want_field] && strcmp(fields[key_field], key) == 0 &&
                    parse_uint64(fields[want_field], out) == 0 && *out < UINT32_MAX)
                        return true;
                line = *end ? end + 1 : end;
        }
        return false;
}

static bool numeric_id(const char *s, uint32_t *out)
{
        uint64_t v;
        if (parse_uint64(s, &v) < 0 || v >= UINT32_MAX)
                return false;
        *out = (uint32_t)v;
        return true;
}

int quick_resolve_user(const char *rootfs, const char *arg, uint32_t *uid, uint32_t *gid,
                       struct error **err)
{
        cleanup_free char *copy = xstrdup(arg);
        cleanup_free char *passwd = NULL, *group = NULL;
        cleanup_close int root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        char *user = copy, *grp = strchr(copy, ':');
        uint64_t v;

        if (grp)
                *grp++ = '\0';
        if (!*user || (grp && !*grp))
                return error_make(err, 0, "--user '%s': expected USER[:GROUP]", arg);
        if (root_fd < 0)
                return error_make(err, errno, "--user: open the rootfs %s", rootfs);
        if (read_db(root_fd, "/etc/passwd", &passwd, err) < 0)
                return error_wrap(err, "--user '%s'", arg);

        if (numeric_id(user, uid)) {
                /* the user's passwd group, when the rootfs knows the uid */
                *gid = db_lookup(passwd, 2, user, 3, &v) ? (uint32_t)v : 0;
        } else if (db_lookup(passwd, 0, user, 2, &v)) {
                *uid = (uint32_t)v;
                *gid = db_lookup(passwd, 0, user, 3, &v) ? (uint32_t)v : 0;
        } else {
                return error_make(err, 0, "--user '%s': no user %s in %s/etc/passwd", arg, user, rootfs);
        }
        if (!grp || numeric_id(grp, gid))
                return 0;
        if (read_db(root_fd, "/etc/group", &group, err) < 0)
                return error_wrap(err, "--user '%s'", arg);
        if (!db_lookup(group, 0, grp, 2, &v))
                return error_make(err, 0, "--user '%s': no group %s in %s/etc/group", arg, grp, rootfs);
        *gid = (uint32_t)v;
        return 0;
}
