/* The mount option table: config.json option words to mount(2) flags, propagation changes and
 * filesystem data, the same words runc accepts.  Pure logic, unit-tested. */
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "contain/util.h"
#include "internal.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

struct flag_word {
        const char *name;
        bool clear;             /* the word removes the flag ("rw", "suid") */
        unsigned long flag;
};

static const struct flag_word flag_words[] = {
        { "ro", false, MS_RDONLY },           { "rw", true, MS_RDONLY },
        { "nosuid", false, MS_NOSUID },       { "suid", true, MS_NOSUID },
        { "nodev", false, MS_NODEV },         { "dev", true, MS_NODEV },
        { "noexec", false, MS_NOEXEC },       { "exec", true, MS_NOEXEC },
        { "sync", false, MS_SYNCHRONOUS },    { "async", true, MS_SYNCHRONOUS },
        { "dirsync", false, MS_DIRSYNC },
        { "remount", false, MS_REMOUNT },
        { "mand", false, MS_MANDLOCK },       { "nomand", true, MS_MANDLOCK },
        { "atime", true, MS_NOATIME },        { "noatime", false, MS_NOATIME },
        { "diratime", true, MS_NODIRATIME },  { "nodiratime", false, MS_NODIRATIME },
        { "relatime", false, MS_RELATIME },   { "norelatime", true, MS_RELATIME },
        { "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
        { "lazytime", false, MS_LAZYTIME },   { "nolazytime", true, MS_LAZYTIME },
        { "nosymfollow", false, MS_NOSYMFOLLOW }, { "symfollow", true, MS_NOSYMFOLLOW },
        { "bind", false, MS_BIND },           { "rbind", false, MS_BIND | MS_REC },
        { "defaults", false, 0 },
};

static const struct flag_word propagation_words[] = {
        { "private", false, MS_PRIVATE },     { "rprivate", false, MS_PRIVATE | MS_REC },
        { "shared", false, MS_SHARED },       { "rshared", false, MS_SHARED | MS_REC },
        { "slave", false, MS_SLAVE },         { "rslave", false, MS_SLAVE | MS_REC },
        { "unbindable", false, MS_UNBINDABLE }, { "runbindable", false, MS_UNBINDABLE | MS_REC },
};

/* Known to runc but needing kernel features we do not drive (idmapped mounts, mount_setattr
 * recursion): refusing beats silently mounting something else than asked. */
static const char *const unsupported_words[] = {
        "idmap", "ridmap", "rro", "rrw", "rnosuid", "rsuid", "rnodev", "rdev", "rnoexec",
        "rexec", "rnoatime", "ratime", "rnodiratime", "rdiratime", "rrelatime", "rnorelatime",
        "rstrictatime", "rnostrictatime", "rnosymfollow", "rsymfollow",
};

unsigned long mountopts_propagation(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(propagation_words); i++)
                if (strcmp(name, propagation_words[i].name) == 0)
                        return propagation_words[i].flag;
        return 0;
}

int mountopts_parse(char *const *options, struct mount_opts *out, struct error **err)
{
        memset(out, 0, sizeof(*out));
        cleanup_free char *data = NULL;

        for (size_t i = 0; options && options[i]; i++) {
                const char *o = options[i];
                bool known = false;

                for (size_t k = 0; k < ARRAY_SIZE(flag_words) && !known; k++) {
                        if (strcmp(o, flag_words[k].name) != 0)
                                continue;
                        if (flag_words[k].clear)
                                out->flags &= ~flag_words[k].flag;
                        else
                                out->flags |= flag_words[k].flag;
                        known = true;
                }
                if (known)
                        continue;
                unsigned long p = mountopts_propagation(o);
                if (p) {
                        if (out->n_propagation == ARRAY_SIZE(out->propagation))
                                return error_make(err, 0, "mount option \"%s\": too many propagation options", o);
                        out->propagation[out->n_propagation++] = p;
                        continue;
                }
                if (strcmp(o, "tmpcopyup") == 0) {
                        out->tmpcopyup = true;
                        continue;
                }
                for (size_t k = 0; k < ARRAY_SIZE(unsupported_words); k++)
                        if (strcmp(o, unsupported_words[k]) == 0)
                                return error_make(err, 0, "mount option \"%s\" is not supported", o);
                if (data) {
                        char *joined = xasprintf("%s,%s", data, o);
                        free(data);
                        data = joined;
                } else {
                        data = xstrdup(o);
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
