/* Container ids: checked before any path is built from one, so a hostile id never reaches
 * the file system outside --root. */
#include <errno.h>
#include <string.h>

#include "contain/engine.h"

static bool id_char_ok(char c, bool first)
{
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                return true;
        return !first && (c == '_' || c == '.' || c == '+' || c == '-');
}

int container_id_validate(const char *id, struct error **err)
{
        size_t n = id ? strlen(id) : 0;

        if (n == 0)
                return error_make(err, 0, "invalid container id \"\": it is empty");
        if (n > 1024)
                return error_make(err, 0, "invalid container id \"%.32s...\": longer than 1024 characters", id);
        if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return error_make(err, 0, "invalid container id \"%s\"", id);
        for (size_t i = 0; i < n; i++)
                if (!id_char_ok(id[i], i == 0))
                        return error_make(err, 0, "invalid container id \"%s\": only letters, digits and _.+- are allowed, starting with a letter or digit", id);
        return 0;
}

const char *container_step_name(enum container_step step)
{
        switch (step) {
        case STEP_CGROUP: return "cgroup";
        case STEP_NAMESPACES: return "namespaces";
        case STEP_HOSTNAME: return "hostname";
        case STEP_ROOTFS: return "rootfs";
        case STEP_PIVOT: return "pivot";
        case STEP_RUNNING: return "running";
        case STEP_EXITED: return "exited";
        }
        return "?";
}
