/* Private to the quick mode (src/cli/quick*.c): what is set up around the engine for a run,
 * because a config.json cannot say it: the overlay root and the pre-made network namespace. */
#ifndef CONTAIN_CLI_QUICK_INTERNAL_H
#define CONTAIN_CLI_QUICK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "contain/error.h"

struct quick_overlay {
        char *dir;              /* the run's scratch dir (scratch_dir_create) holding upper/, work/, merged/ */
        int lock_fd;            /* keeps `delete` away from dir while we use it */
        char *upper;
        char *merged;           /* the container's root.path */
};

/* Moves this process into a mount namespace of its own (so the overlay mount vanishes with it,
 * even if we are killed) and mounts lower + a fresh upper on <scratch>/merged, the scratch dir
 * being <root>/.scratch-<id>-XXXXXX: `delete` of the id removes it once we are gone. */
int quick_overlay_setup(const char *lower, const char *root, const char *id, struct quick_overlay *ov,
                        struct error **err);
/* Unmounts merged and removes the temp dir; with keep only unmounts (upper/ stays). */
int quick_overlay_cleanup(struct quick_overlay *ov, bool keep, struct error **err);

/* --user USER[:GROUP] against the rootfs's /etc/passwd and /etc/group (quick_user.c). */
int quick_resolve_user(const char *rootfs, const char *arg, uint32_t *uid, uint32_t *gid,
                       struct error **err);

#endif
