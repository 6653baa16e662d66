/* The mount option table: config.json option words to mount(2) flags, propagation changes and
 * filesystem data, the same words runc accepts.  Pure logic, unit-tested. */
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "contain/util.h"
#include "internal.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

enum word_kind {
        W_SET,          /* sets flag */
        W_CLEAR,        /* removes flag ("rw", "suid") */
        W_PROPAGATION,  /* a propagation change after the mount */
        W_TMPCOPYUP,
        W_RSET,         /* sets MOUNT_ATTR_* flag on the mount and every submount */
        W_RCLEAR,       /* clears it there */
        W_RATIME,       /* the atime mode (MOUNT_ATTR__ATIME field) of the whole tree */
        W_IDMAP,        /* flag 1: ridmap, the idmapping reaches every submount */
};

struct mount_word {
        const char *name;
        enum word_kind kind;
        unsigned long flag;
};

/* Every option word config.json may use that is not filesystem data: mountopts_parse reads
 * this table and `features` lists its words, so they agree. */
static const struct mount_word words[] = {
        { "ro", W_SET, MS_RDONLY },             { "rw", W_CLEAR, MS_RDONLY },
        { "nosuid", W_SET, MS_NOSUID },         { "suid", W_CLEAR, MS_NOSUID },
        { "nodev", W_SET, MS_NODEV },           { "dev", W_CLEAR, MS_NODEV },
        { "noexec", W_SET, MS_NOEXEC },         { "exec", W_CLEAR, MS_NOEXEC },
        { "sync", W_SET, MS_SYNCHRONOUS },      { "async", W_CLEAR, MS_SYNCHRONOUS },
        { "dirsync", W_SET, MS_DIRSYNC },
        { "remount", W_SET, MS_REMOUNT },
        { "mand", W_SET, MS_MANDLOCK },         { "nomand", W_CLEAR, MS_MANDLOCK },
        { "atime", W_CLEAR, MS_NOATIME },       { "noatime", W_SET, MS_NOATIME },
        { "diratime", W_CLEAR, MS_NODIRATIME }, { "nodiratime", W_SET, MS_NODIRATIME },
        { "relatime", W_SET, MS_RELATIME },     { "norelatime", W_CLEAR, MS_RELATIME },
        { "strictatime", W_SET, MS_STRICTATIME }, { "nostrictatime", W_CLEAR, MS_STRICTATIME },
        { "lazytime", W_SET, MS_LAZYTIME },     { "nolazytime", W_CLEAR, MS_LAZYTIME },
        { "nosymfollow", W_SET, MS_NOSYMFOLLOW }, { "symfollow", W_CLEAR, MS_NOSYMFOLLOW },
        { "bind", W_SET, MS_BIND },             { "rbind", W_SET, MS_BIND | MS_REC },
        { "defaults", W_SET, 0 },
        { "private", W_PROPAGATION, MS_PRIVATE },       { "rprivate", W_PROPAGATION, MS_PRIVATE | MS_REC },
        { "shared", W_PROPAGATION, MS_SHARED },         { "rshared", W_PROPAGATION, MS_SHARED | MS_REC },
        { "slave", W_PROPAGATION, MS_SLAVE },           { "rslave", W_PROPAGATION, MS_SLAVE | MS_REC },
        { "unbindable", W_PROPAGATION, MS_UNBINDABLE }, { "runbindable", W_PROPAGATION, MS_UNBINDABLE | MS_REC },
        { "tmpcopyup", W_TMPCOPYUP, 0 },
        /* runtime-spec 1.1: the recursive attributes, through mount_setattr(AT_RECURSIVE) */
        { "rro", W_RSET, MOUNT_ATTR_RDONLY },           { "rrw", W_RCLEAR, MOUNT_ATTR_RDONLY },
        { "rnosuid", W_RSET, MOUNT_ATTR_NOSUID },       { "rsuid", W_RCLEAR, MOUNT_ATTR_NOSUID },
        { "rnodev", W_RSET, MOUNT_ATTR_NODEV },         { "rdev", W_RCLEAR, MOUNT_ATTR_NODEV },
        { "rnoexec", W_RSET, MOUNT_ATTR_NOEXEC },       { "rexec", W_RCLEAR, MOUNT_ATTR_NOEXEC },
        { "rnodiratime", W_RSET, MOUNT_ATTR_NODIRATIME }, { "rdiratime", W_RCLEAR, MOUNT_ATTR_NODIRATIME },
        { "rnosymfollow", W_RSET, MOUNT_ATTR_NOSYMFOLLOW }, { "rsymfollow", W_RCLEAR, MOUNT_ATTR_NOSYMFOLLOW },
        /* atime is one mode, not bits: "no relatime" means strictatime, undoing noatime or
         * strictatime falls back to the kernel's default, relatime */
        { "rnoatime", W_RATIME, MOUNT_ATTR_NOATIME },   { "ratime", W_RATIME, MOUNT_ATTR_RELATIME },
        { "rrelatime", W_RATIME, MOUNT_ATTR_RELATIME }, { "rnorelatime", W_RATIME, MOUNT_ATTR_STRICTATIME },
        { "rstrictatime", W_RATIME, MOUNT_ATTR_STRICTATIME }, { "rnostrictatime", W_RATIME, MOUNT_ATTR_RELATIME },
        /* runtime-spec 1.2: idmapped mounts, with the mount's uidMappings/gidMappings */
        { "idmap", W_IDMAP, 0 },        { "ridmap", W_IDMAP, 1 },
};

static const struct mount_word *word_lookup(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(words); i++)
                if (strcmp(name, words[i].name) == 0)
                        return &words[i];
        return NULL;
}

const char *mountopts_known_name(size_t i)
{
        return i < ARRAY_SIZE(words) ? words[i].name : NULL;
}

unsigned long mountopts_propagation(const char *name)
{
        const struct mount_word *w = word_lookup(name);
        return w && w->kind == W_PROPAGATION ? w->flag : 0;
}

/* Appends o to the comma-joined filesystem data. */
static void data_append(char **data, const char *o)
{
        char *joined = *data ? xasprintf("%s,%s", *data, o) : xstrdup(o);
        free(*data);
        *data = joined;
}

int mountopts_parse(char *const *options, struct mount_opts *out, struct error **err)
{
        memset(out, 0, sizeof(*out));
        cleanup_free char *data = NULL;

        for (size_t i = 0; options && options[i]; i++) {
                const char *o = options[i];
                const struct mount_word *w = word_lookup(o);
                if (!w) {
                        data_append(&data, o);
                        continue;
                }
                switch (w->kind) {
                case W_SET:
                        out->flags |= w->flag;
                        break;
                case W_CLEAR:
                        out->flags &= ~w->flag;
                        break;
                case W_PROPAGATION:
                        if (out->n_propagation == ARRAY_SIZE(out->propagation))
                                return error_make(err, 0, "mount option \"%s\": too many propagation options", o);
                        out->propagation[out->n_propagation++] = w->flag;
                        break;
                case W_TMPCOPYUP:
                        out->tmpcopyup = true;
                        break;
                case W_RSET:
                        out->rec_set |= w->flag;
                        out->rec_clr &= ~(uint64_t)w->flag;
                        break;
                case W_RCLEAR:
                        out->rec_clr |= w->flag;
                        out->rec_set &= ~(uint64_t)w->flag;
                        break;
                case W_RATIME:
                        /* the kernel takes a new atime mode only with the whole field cleared */
                        out->rec_set = (out->rec_set & ~(uint64_t)MOUNT_ATTR__ATIME) | w->flag;
                        out->rec_clr |= MOUNT_ATTR__ATIME;
                        break;
                case W_IDMAP:
                        out->idmap = true;
                        out->idmap_recursive |= w->flag != 0;
                        break;
                }
        }
        out->data = steal_pointer(&data);
        return 0;
}

void mountopts_clear(struct mount_opts *o)
{
        free(o->data);
        o->data = NULL;
}

unsigned long mountopts_locked_flags(unsigned long f)
{
        unsigned long keep = 0;

        if (f & ST_RDONLY)
                keep |= MS_RDONLY;
        if (f & ST_NOSUID)
                keep |= MS_NOSUID;
        if (f & ST_NODEV)
                keep |= MS_NODEV;
        if (f & ST_NOEXEC)
                keep |= MS_NOEXEC;
        if (f & ST_NOATIME)
                keep |= MS_NOATIME;
        if (f & ST_NODIRATIME)
                keep |= MS_NODIRATIME;
        if (f & ST_RELATIME)
                keep |= MS_RELATIME;
        return keep;
}
