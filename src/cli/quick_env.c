/* Quick mode, what is set up around the engine for one run: the --overlay root (in a mount
 * namespace of our own) and the network namespace the container joins (lo up, maybe a veth). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contain/engine.h"
#include "contain/log.h"
#include "contain/net.h"
#include "contain/util.h"
#include "quick_internal.h"

static void quick_overlay_free(struct quick_overlay *ov)
{
        free(ov->dir);
        free(ov->upper);
        free(ov->merged);
        if (ov->lock_fd >= 0)
                close(ov->lock_fd);
        *ov = (struct quick_overlay){ .lock_fd = -1 };
}

int quick_overlay_setup(const char *lower, const char *root, const char *id, struct quick_overlay *ov,
                        struct error **err)
{
        *ov = (struct quick_overlay){ .lock_fd = -1 };

        /* overlayfs splits its options on ',' and lowerdir on ':' */
        if (strpbrk(lower, ",:\\"))
                return error_make(err, 0, "--overlay: the rootfs path %s has a ',', ':' or '\\' overlayfs cannot take", lower);
        if (unshare(CLONE_NEWNS) < 0)
                return error_make(err, errno, "--overlay: create a private mount namespace");
        /* slave: host mounts still reach us, ours never reach the host */
        if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                return error_make(err, errno, "--overlay: make / a slave mount");

        /* the layers live in the state root (ids have none of these characters) */
        if (strpbrk(root, ",:\\"))
                return error_make(err, 0, "--overlay: the state root %s has a ',', ':' or '\\' overlayfs cannot take", root);
        if (scratch_dir_create(root, id, &ov->dir, &ov->lock_fd, err) < 0)
                return error_wrap(err, "--overlay");
        ov->upper = xasprintf("%s/upper", ov->dir);
        ov->merged = xasprintf("%s/merged", ov->dir);
        cleanup_free char *work = xasprintf("%s/work", ov->dir);
        cleanup_free char *data = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, ov->upper, work);
        if (mkdir(ov->upper, 0755) < 0 || mkdir(work, 0700) < 0 || mkdir(ov->merged, 0755) < 0) {
                error_make(err, errno, "--overlay: create the layer dirs in %s", ov->dir);
        } else if (mount("overlay", ov->merged, "overlay", 0, data) < 0) {
                error_make(err, errno, "--overlay: mount overlay (lower %s) on %s", lower, ov->merged);
        } else {
                return 0;
        }
        cleanup_error struct error *ignored = NULL;
        remove_tree(ov->dir, &ignored);
        quick_overlay_free(ov);
        return -1;
}

int quick_overlay_cleanup(struct quick_overlay *ov, bool keep, struct error **err)
{
        if (!ov->dir)
                return 0;
        if (umount2(ov->merged, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) {
                error_make(err, errno, "unmount the overlay %s", ov->merged);
                quick_overlay_free(ov);
                return -1;
        }
        int r = keep ? 0 : remove_tree(ov->dir, err);
        quick_overlay_free(ov);
        return r;
}
