/* The state dir <root>/<id>: created with mkdir (so two creates of one id cannot both win),
 * locked with flock on the directory itself for every command that changes it. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "contain/util.h"
#include "internal.h"

int error_with_errno(struct error **err, int errnum, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        error_makev(err, 0, fmt, ap);
        va_end(ap);
        (*err)->errnum = errnum;
        return -1;
}

int does_not_exist(struct error **err, const char *id)
{
        return error_with_errno(err, ENOENT, "container \"%s\" does not exist", id);
}

static int lock_dir(int fd, const char *id, struct error **err)
{
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return error_make(err, errno, "lock the state of container \"%s\"", id);
        /* a delete that held the lock before us may have removed the directory */
        struct stat st;
        if (fstat(fd, &st) < 0)
                return error_make(err, errno, "stat the state of container \"%s\"", id);
        if (st.st_nlink == 0)
                return does_not_exist(err, id);
        return 0;
}

int statedir_create(const char *root, const char *id, struct error **err)
{
        if (container_id_validate(id, err) < 0)
                return -1;
        if (proc_own_pidns_check(err) < 0)
                return -1;
        /* the root exists but for the first container: one open instead of a mkdir per component */
        cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0 && errno == ENOENT) {
                if (mkdir_p(root, 0700, err) < 0)
                        return error_wrap(err, "create the state root");
                rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        if (rootfd < 0)
                return error_make(err, errno, "open %s", root);
        if (mkdirat(rootfd, id, 0700) < 0) {
                if (errno == EEXIST)
                        return error_with_errno(err, EEXIST, "container \"%s\" already exists", id);
                return error_make(err, errno, "create the state dir %s/%s", root, id);
        }
        int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                error_make(err, errno, "open the state dir %s/%s", root, id);
                (void)unlinkat(rootfd, id, AT_REMOVEDIR);
                return -1;
        }
        if (lock_dir(fd, id, err) < 0) {
                /* the empty dir we made, unless a delete took it meanwhile (review35 F8: it
                 * was left, and the next create of the id found it "already exists") */
                struct stat ours, there;
                if (fstat(fd, &ours) == 0 && fstatat(rootfd, id, &there, AT_SYMLINK_NOFOLLOW) == 0 &&
                    ours.st_ino == there.st_ino && ours.st_dev == there.st_dev)
                        (void)unlinkat(rootfd, id, AT_REMOVEDIR);
                close(fd);
                return -1;
        }
        return fd;
}

int statedir_open(const char *root, const char *id, bool lock, struct error **err)
{
        if (proc_own_pidns_check(err) < 0)
                return -1;
        return statedir_open_checked(root, id, lock, err);
}

int statedir_open_checked(const char *root, const char *id, bool lock, struct error **err)
{
        if (container_id_validate(id, err) < 0)
                return -1;
        cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0) {
                if (errno == ENOENT)
                        return does_not_exist(err, id);
                return error_make(err, errno, "open %s", root);
        }
        cleanup_close int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT || errno == ENOTDIR)
                        return does_not_exist(err, id);
                return error_make(err, errno, "open the state dir %s/%s", root, id);
        }
        if (lock && lock_dir(fd, id, err) < 0)
                return -1;
        return steal_fd(&fd);
}

/* The names contain writes into a state dir (the temporary ones of write_file_atomic_at too). */
static bool statedir_entry_ours(const char *name)
{
        return strcmp(name, STATE_FILE) == 0 || strcmp(name, CONFIG_FILE) == 0 || strcmp(name, EXEC_FIFO) == 0 ||
               str_has_prefix(name, STATE_FILE ".tmp.") || str_has_prefix(name, CONFIG_FILE ".tmp.");
}

/* Only what a create makes before its first state.json is in place: that file's temporary
 * (a regular file), and the exec fifo, which comes before the clone while the state waits
 * until after it (create.c) -- not a symlink or directory someone named so. */
static bool before_first_state(int dirfd, const char *name)
{
        struct stat st;
        bool tmp = str_has_prefix(name, STATE_FILE ".tmp."), fifo = strcmp(name, EXEC_FIFO) == 0;
        return (tmp || fifo) && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
               (tmp ? S_ISREG(st.st_mode) : S_ISFIFO(st.st_mode));
}

/* The names in the directory but "." and "..", malloc'd (NULL-terminated, maybe empty), in
 * *names; -1 with errno.  Read from the start (the offset is shared with dirfd and its copies). */
static int dir_names(int dirfd, char ***names)
{
        *names = xcalloc(1, sizeof(char *));
        /* fdopendir takes the fd over: give it a copy, dirfd stays the caller's */
        int dup_fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
        DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
        if (!d) {
                if (dup_fd >= 0)
                        close(dup_fd);
                return -1;
        }
        rewinddir(d);
        for (struct dirent *de; (de = readdir(d));)
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                        strv_append(names, de->d_name);
        closedir(d);
        return 0;
}

/* 1 and *name (malloc'd): the first entry of the directory that ok() refuses; 0: none; -1 with
 * errno. */
static int first_entry_not(int dirfd, bool (*ok)(int dirfd, const char *name), char **name)
{
        *name = NULL;
        cleanup_strv char **names = NULL;
        if (dir_names(dirfd, &names) < 0)
                return -1;
        for (char **n = names; *n && !*name; n++)
                if (!ok(dirfd, *n))
                        *name = xstrdup(*n);
        return *name ? 1 : 0;
}

int statedir_stateless_foreign_entry(int dirfd, char **name)
{
        return first_entry_not(dirfd, before_first_state, name);
}

int statedir_remove(const char *root, const char *id, int dirfd, struct error **err)
{
        /* one read of the directory: all of it is checked before anything goes */
        cleanup_strv char **names = NULL;
        if (dir_names(dirfd, &names) < 0)
                return error_make(err, errno, "read the state dir of \"%s\"", id);
        /* a --root pointed at a directory of other things (bundles, say) must not lose them */
        for (char **n = names; *n; n++)
                if (!statedir_entry_ours(*n))
                        return error_make(err, ENOTEMPTY, "%s/%s holds \"%s\", which contain did not write: not removed",
                                          root, id, *n);
        /* state.json goes last: a delete killed midway leaves a dir that is still a container's
         * (lock.c refuses one holding only config.json), which the next delete --force
         * finishes.  A name that appeared after the read is not ours to remove: rmdir says so. */
        for (char **n = names; *n; n++)
                if (strcmp(*n, STATE_FILE) != 0 && unlinkat(dirfd, *n, 0) < 0 && errno != ENOENT)
                        return error_make(err, errno, "remove %s/%s/%s", root, id, *n);
        if (unlinkat(dirfd, STATE_FILE, 0) < 0 && errno != ENOENT)
                return error_make(err, errno, "remove %s/%s/%s", root, id, STATE_FILE);
        cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_make(err, errno, "open %s", root);
        if (unlinkat(rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return error_make(err, errno, "remove %s/%s", root, id);
        return 0;
}
