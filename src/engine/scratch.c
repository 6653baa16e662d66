/* Scratch directories: what a run makes for one container outside its state dir (quick mode's
 * overlay layers), kept in the state root as ".scratch-ID-XXXXXX" so that `delete` of that id
 * finds and removes them, also after the process that made one was killed (it cannot clean up
 * then, and nothing else would know the directory).  The maker holds an exclusive flock on the
 * directory while it uses it; delete leaves a locked one alone.  `list` skips dot names. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "contain/engine.h"
#include "contain/util.h"
#include "internal.h"

#define SCRATCH_PREFIX ".scratch-"
#define SCRATCH_SUFFIX_LEN 7    /* "-XXXXXX" */

int scratch_dir_create(const char *root, const char *id, char **path, int *lock_fd, struct error **err)
{
        *path = NULL;
        *lock_fd = -1;
        if (container_id_validate(id, err) < 0)
                return -1;
        size_t max_id = NAME_MAX - strlen(SCRATCH_PREFIX) - SCRATCH_SUFFIX_LEN;
        if (strlen(id) > max_id)
                return error_make(err, 0, "the id \"%.20s...\" has %zu characters: a scratch directory's name allows ids of at most %zu",
                                  id, strlen(id), max_id);
        if (mkdir_p(root, 0700, err) < 0)
                return error_wrap(err, "create the state root");
        cleanup_free char *p = xasprintf("%s/" SCRATCH_PREFIX "%s-XXXXXX", root, id);
        if (!mkdtemp(p))
                return error_make(err, errno, "create a scratch directory %s", p);
        int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || flock(fd, LOCK_EX) < 0) {
                int e = errno;
                if (fd >= 0)
                        close(fd);
                rmdir(p);
                return error_make(err, e, "lock the scratch directory %s", p);
        }
        /* a delete of the same id between the mkdtemp and the lock may have taken it */
        struct stat st;
        if (fstat(fd, &st) < 0 || st.st_nlink == 0) {
                close(fd);
                return error_make(err, ENOENT, "the scratch directory %s was removed by a delete of \"%s\" meanwhile", p, id);
        }
        *path = steal_pointer(&p);
        *lock_fd = fd;
        return 0;
}

/* name is ".scratch-<id>-XXXXXX" */
static bool scratch_of(const char *name, const char *id)
{
        size_t lp = strlen(SCRATCH_PREFIX), li = strlen(id);
        return strncmp(name, SCRATCH_PREFIX, lp) == 0 && strncmp(name + lp, id, li) == 0 &&
               name[lp + li] == '-' && strlen(name + lp + li) == SCRATCH_SUFFIX_LEN;
}

int scratch_dirs_remove(const char *root, const char *id, struct error **err)
{
        cleanup_dir DIR *d = opendir(root);
        if (!d)
                return errno == ENOENT ? 0 : error_make(err, errno, "open %s", root);
        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (!scratch_of(de->d_name, id))
                        continue;
                cleanup_close int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                /* gone meanwhile, or its maker is still using it */
                if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
                        continue;
                cleanup_free char *shown = xasprintf("%s/%s", root, de->d_name);
                struct error *e = NULL;
                if (remove_tree_at(dirfd(d), de->d_name, shown, &e) < 0) {
                        if (r == 0)
                                *err = e;
                        else
                                error_free(e);
                        r = -1;
                }
        }
        return r;
}
