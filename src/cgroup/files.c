/* Reading and writing cgroup files by directory and name, with messages that name both. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

int cg_read(const char *dir, const char *file, char **out, struct error **err)
{
        cleanup_free char *path = xasprintf("%s/%s", dir, file);
        return read_file_at(AT_FDCWD, path, 1 << 20, out, NULL, err);
}

int cg_write(const char *dir, const char *file, const char *value, struct error **err)
{
        cleanup_free char *path = xasprintf("%s/%s", dir, file);
        cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return error_make(err, errno, "open %s", path);
        size_t len = strlen(value);
        ssize_t w = write(fd, value, len);
        if (w < 0)
                return error_make(err, errno, "write '%s' to %s", value, path);
        if ((size_t)w != len)
                return error_make(err, EIO, "short write of '%s' to %s", value, path);
        return 0;
}

bool cg_file_exists(const char *dir, const char *file)
{
        cleanup_free char *path = xasprintf("%s/%s", dir, file);
        return access(path, F_OK) == 0;
}

bool cg_number(const char *text, uint64_t *out)
{
        if (strncmp(text, "max", 3) == 0) {
                *out = UINT64_MAX;
                return true;
        }
        char *end;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (errno || end == text)
                return false;
        *out = v < 0 ? UINT64_MAX : (uint64_t)v;
        return true;
}

bool cg_keyed(const char *text, const char *key, uint64_t *out)
{
        size_t n = strlen(key);
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, key, n) == 0 && l[n] == ' ')
                        return cg_number(l + n + 1, out);
        return false;
}

bool cg_v2_has_controller(const char *dir, const char *controller)
{
        cleanup_free char *list = NULL;
        struct error *err = NULL;
        if (strcmp(controller, "cgroup") == 0)
                return true;    /* core files: every cgroup2 directory has them */
        if (cg_read(dir, "cgroup.controllers", &list, &err) < 0) {
                error_free(err);
                return false;
        }
        for (char *save = NULL, *w = strtok_r(list, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
                if (strcmp(w, controller) == 0)
                        return true;
        return false;
}
