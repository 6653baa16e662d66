/* Bind mount sources opened by the runtime with its own identity, before the init becomes root
 * of a user namespace that may not reach them (a source under a 0700 host directory): each a
 * detached copy of the source (open_tree OPEN_TREE_CLONE) that the init attaches by fd. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "contain/util.h"
#include "internal.h"

int mount_sources_open(const struct spec *spec, int *trees, struct error **err)
{
        /* a rootless runtime may not clone mounts (no CAP_SYS_ADMIN over its mount namespace's
         * owner), and needs not: the sources are its user's, the init opens them as before */
        if (!spec_namespace(spec, NS_USER) || !trees || rootless_euid())
                return 0;
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct spec_mount *m = &spec->mounts[i];
                __attribute__((cleanup(mountopts_clear))) struct mount_opts o = { 0 };
                cleanup_error struct error *e = NULL;
                bool bind_type = m->type && strcmp(m->type, "bind") == 0;
                /* a bad option is reported by mount_one, in the init, with the others */
                if (trees[i] >= 0 || mountopts_parse(m->options, &o, &e) < 0 || !m->source ||
                    !(bind_type || (o.flags & MS_BIND)))
                        continue;
                bool rec = o.flags & MS_REC;
                unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0);
                cleanup_close int tree = open_tree(AT_FDCWD, m->source, flags);
                if (tree < 0)
                        return error_make(err, errno, "mounts: %s: open source %s", m->destination, m->source);
                /* only a directory can have submounts */
                struct stat st;
                if (rec && fstat(tree, &st) == 0 && S_ISDIR(st.st_mode)) {
                        cleanup_free char *what = xasprintf("mounts: %s", m->destination);
                        trees[i] = mount_tree_locked_copy(tree, m->source, what, err);
                        if (trees[i] < 0)
                                return -1;
                } else {
                        trees[i] = steal_fd(&tree);
                }
        }
        return 0;
}
