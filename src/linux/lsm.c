/* AppArmor and SELinux: the exec label for the container process when the host runs the LSM,
 * and a clear error when the config asks for one the host does not run (never silence). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

#define SELINUX_MAGIC 0xf97cff8c

static bool apparmor_enabled(void)
{
        cleanup_free char *v = NULL;
        struct error *e = NULL;
        if (read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", 16, &v, NULL, &e) < 0) {
                error_free(e);
                return false;
        }
        return v[0] == 'Y';
}

static bool selinux_enabled(void)
{
        struct statfs sf;
        return statfs("/sys/fs/selinux", &sf) == 0 && (unsigned long)sf.f_type == SELINUX_MAGIC;
}

int lsm_check(const struct spec_process *proc, struct error **err)
{
        if (proc->apparmor_profile && *proc->apparmor_profile && !apparmor_enabled())
                return error_make(err, 0, "process.apparmorProfile: AppArmor is not enabled on this host");
        if (proc->selinux_label && *proc->selinux_label && !selinux_enabled())
                return error_make(err, 0, "process.selinuxLabel: SELinux is not enabled on this host");
        return 0;
}

int lsm_exec_labels_open(const struct spec_process *proc, struct exec_trampoline *t, struct error **err)
{
        if (proc->apparmor_profile && *proc->apparmor_profile) {
                /* The per-LSM file where the kernel has it (stacking), else the shared one. */
                const char *file = access("/proc/self/attr/apparmor/exec", F_OK) == 0 ?
                                   "self/attr/apparmor/exec" : "self/attr/exec";
                int fd = procfs_open(file, O_WRONLY, err);
                if (fd < 0)
                        return error_wrap(err, "process.apparmorProfile: %s", proc->apparmor_profile);
                t->label_fd[t->n_labels] = fd;
                t->label[t->n_labels++] = xasprintf("exec %s", proc->apparmor_profile);
        }
        if (proc->selinux_label && *proc->selinux_label) {
                int fd = procfs_open("self/attr/exec", O_WRONLY, err);
                if (fd < 0)
                        return error_wrap(err, "process.selinuxLabel: %s", proc->selinux_label);
                t->label_fd[t->n_labels] = fd;
                t->label[t->n_labels++] = xstrdup(proc->selinux_label);
        }
        return 0;
}

int lsm_check_mount_label(const struct spec_linux *l, struct error **err)
{
        if (!l->mount_label || !*l->mount_label)
                return 0;
        if (!selinux_enabled())
                return error_make(err, 0, "linux.mountLabel: SELinux is not enabled on this host");
        /* the context= mount option on every mount is not written yet: say so rather than
         * give mounts a label other than the one asked */
        return error_make(err, ENOTSUP, "linux.mountLabel: SELinux mount labels are not supported by contain yet");
}
