/* Small helpers every module uses: cleanup attributes, allocation that never returns NULL,
 * string vectors, whole-file reads and atomic writes. */
#ifndef CONTAIN_UTIL_H
#define CONTAIN_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "contain/error.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
        *fd = -1;
}
static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}
static inline void closedirp(DIR **d)
{
        if (*d)
                closedir(*d);
}
void strv_free(char **v);
static inline void strv_freep(char ***v) { strv_free(*v); }

#define cleanup_free __attribute__((cleanup(freep)))
#define cleanup_close __attribute__((cleanup(closep)))
#define cleanup_fclose __attribute__((cleanup(fclosep)))
#define cleanup_dir __attribute__((cleanup(closedirp)))
#define cleanup_strv __attribute__((cleanup(strv_freep)))

/* Hands ownership out of a cleanup variable. */
#define steal_pointer(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

/* Allocation failure aborts: a runtime that cannot allocate a few bytes cannot roll back anyway. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

size_t strv_len(char *const *v);
/* True when the NULL-terminated v (may be NULL) holds a string equal to s. */
bool strv_contains(char *const *v, const char *s);
char **strv_dup(char *const *v);
/* Appends a copy of s to the NULL-terminated vector *v (which may be NULL). */
void strv_append(char ***v, const char *s);

bool str_has_prefix(const char *s, const char *prefix);
/* mountinfo writes space, tab, newline and backslash in paths as \ooo (proc(5)): decodes s in
 * place. */
void mountinfo_unescape(char *s);
/* a and b are both NULL or equal strings */
static inline bool streq_null(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

/* Reads fd to its end into *out (malloc'd, NUL-terminated; *len without the NUL when len is
 * not NULL); more than max bytes (0: no limit) is EFBIG.  name is for the error message. */
int read_fd_all(int fd, const char *name, size_t max, char **out, size_t *len, struct error **err);
/* Reads a whole file (at most max bytes, 0 = no limit) into a NUL-terminated buffer. */
int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len, struct error **err);
/* Writes data to dirfd/path through a temp file put in its place atomically: a reader sees the
 * old or the new content, never a mix.  sync: fdatasync before, a rename after (durable across
 * a crash); without it an existing path is swapped out (renameat2 RENAME_EXCHANGE), which spares
 * ext4's flush of the new blocks.  Errors: errno of the step that failed, tmp removed. */
int write_file_atomic_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                         bool sync, struct error **err);
/* rm -rf path without following symlinks or entering a mount below it (EXDEV), for a tree
 * nobody changes meanwhile; any depth and path length; a missing path is no error.  Errors:
 * errno of the first entry that could not be removed. */
int remove_tree(const char *path, struct error **err);
/* The same for the entry name of the directory dirfd: the tree's top is opened and removed
 * there, never looked up by a path again (a directory swapped on the way leads nowhere);
 * shown names it in errors. */
int remove_tree_at(int dirfd, const char *name, const char *shown, struct error **err);
/* Writes the whole buffer (retrying short writes and EINTR). */
int write_all(int fd, const void *buf, size_t len);
/* Opens and writes a small file in one go (cgroup and proc files). */
int write_file_at(int dirfd, const char *path, const char *data, struct error **err);

/* The id of the mount fd lies on (statx STATX_MNT_ID), 0 when the kernel cannot tell. */
uint64_t fd_mount_id(int fd);
/* Whether fds a and b name the same inode on the same mount (statx: mount id, device, inode);
 * false when either cannot be examined. */
bool fd_same_place(int a, int b);

/* "//proc/./meminfo/" -> "/proc/meminfo", "/mnt/" -> "/mnt", "" -> "/": slashes squeezed, "."
 * components dropped, ".." left alone (callers compare or refuse it).  Returns a malloc'd string. */
char *path_clean(const char *path);

/* A SOCK_STREAM unix socket connected to path (close-on-exec), or -1 with errno
 * (ENAMETOOLONG when path does not fit sun_path). */
int unix_connect(const char *path);
/* One sendmsg of len bytes of buf with fd attached (SCM_RIGHTS), MSG_NOSIGNAL, retried on
 * EINTR: the bytes sent, or -1 with errno. */
ssize_t send_with_fd(int sock, const void *buf, size_t len, int fd);
/* One recvmsg into buf, retried on EINTR: the bytes read (0 at EOF) or -1 with errno; *fd gets
 * the fd the message carried (close-on-exec, the caller owns it) or -1. */
ssize_t recv_with_fd(int sock, void *buf, size_t len, int *fd);

/* mkdir -p relative to dirfd (absolute paths use AT_FDCWD semantics). */
int mkdir_p(const char *path, mode_t mode, struct error **err);

/* Parses a decimal into int64/uint64 with full-string and range checks, as Go's strconv does
 * for runc: digits, for int64 after an optional "+" or "-"; no blanks.  0, or -1 with errno
 * EINVAL or ERANGE. */
int parse_int64(const char *s, int64_t *out);
int parse_uint64(const char *s, uint64_t *out);
/* Parses a kernel id list ("0-3,7", as cpusets and NUMA node lists are written) into a bitmap
 * of nbits bits (mask holds nbits/ULONG bits, zeroed first).  0, or -1 with errno EINVAL for
 * bad syntax (empty, "3-1", stray characters) or ERANGE for an id >= nbits. */
int id_list_parse(const char *s, unsigned long *mask, size_t nbits);

/* ts (CLOCK_REALTIME) as RFC 3339 with nanoseconds in UTC ("2026-11-23T21:28:48.123456789Z"),
 * malloc'd; never fails (aborts on no memory, as xasprintf). */
char *time_rfc3339(const struct timespec *ts);
/* The current time as time_rfc3339 formats it. */
char *time_rfc3339_now(void);

#endif
