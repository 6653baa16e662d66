/* Scratch directories: what a run makes for one container outside its state dir (quick mode's
 * overlay layers), kept in the state root as ".scratch-ID" so that `delete` of that id finds
 * and removes it in one lookup, also after the process that made it was killed (it cannot
 * clean up then, and nothing else would know the directory).  The maker holds an exclusive
 * flock on the directory while it uses it; delete leaves a locked one alone, and the next
 * maker takes over one that nobody holds.  `list` skips dot names. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contain/engine.h"
#include "contain/util.h"
#include "internal.h"

#define SCRATCH_PREFIX ".scratch-"
/* a few rounds: another maker or a delete of the id may remove it between two steps */
#define SCRATCH_ROUNDS 4

/* The directory's fd with its lock taken without waiting, or -1 with errno (ENOENT: none;
 * EWOULDBLOCK: its maker still holds it). */
static int scratch_open_locked(int rootfd, const char *name)
{
        int fd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
                int e = errno;
                close(fd);
                errno = e;
                return -1;
        }
        return fd;
}

int scratch_dir_create(const char *root, const char *id, char **path, int *lock_fd, struct error **err)
{
        *path = NULL;
        *lock_fd = -1;
        if (container_id_validate(id, err) < 0)
                return -1;
        size_t max_id = NAME_MAX - strlen(SCRATCH_PREFIX);
        if (strlen(id) > max_id)
                return error_make(err, 0, "the id \"%.20s...\" has %zu characters: a scratch directory's name allows ids of at most %zu",
                                  id, strlen(id), max_id);
        if (mkdir_p(root, 0700, err) < 0)
                return error_wrap(err, "create the state root");
        cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_make(err, errno, "open the state root %s", root);
        cleanup_free char *name = xasprintf(SCRATCH_PREFIX "%s", id);
        cleanup_free char *p = xasprintf("%s/%s", root, name);
        for (int round = 0; round < SCRATCH_ROUNDS; round++) {
                bool made = mkdirat(rootfd, name, 0700) == 0;
                if (!made && errno != EEXIST)
                        return error_make(err, errno, "create a scratch directory %s", p);
                int fd = scratch_open_locked(rootfd, name);
                if (fd < 0 && errno == EWOULDBLOCK)
                        return error_make(err, EBUSY, "the scratch directory %s is in use by another run of \"%s\"", p, id);
                if (fd < 0 && errno != ENOENT)
                        return error_make(err, errno, "lock the scratch directory %s", p);
                if (fd < 0)
                        continue;
                struct stat st;
                if (fstat(fd, &st) < 0 || st.st_nlink == 0) {  /* removed meanwhile */
                        close(fd);
                        continue;
                }
                if (made) {
                        *path = steal_pointer(&p);
                        *lock_fd = fd;
                        return 0;
                }
                /* a killed run's, which nobody holds: its layers go, then a fresh one */
                int r = remove_tree_at(rootfd, name, p, err);
                close(fd);
                if (r < 0)
                        return error_wrap(err, "remove what a killed run of \"%s\" left", id);
        }
        return error_make(err, EBUSY, "the scratch directory %s: made and removed by others %d times", p, SCRATCH_ROUNDS);
}

int scratch_dir_remove(const char *root, const char *id, struct error **err)
{
        cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return errno == ENOENT ? 0 : error_make(err, errno, "open %s", root);
        cleanup_free char *name = xasprintf(SCRATCH_PREFIX "%s", id);
        /* none, its maker is still using it, or not a directory we made */
        cleanup_close int fd = scratch_open_locked(rootfd, name);
        if (fd < 0)
                return errno == ENOENT || errno == EWOULDBLOCK || errno == ENOTDIR || errno == ELOOP
                       ? 0 : error_make(err, errno, "open %s/%s", root, name);
        cleanup_free char *shown = xasprintf("%s/%s", root, name);
        return remove_tree_at(rootfd, name, shown, err);
}
