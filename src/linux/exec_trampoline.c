/* The last step into the user's program goes through a sealed in-memory copy of a tiny
 * trampoline (src/linux/trampoline/), so that the container never has a process whose
 * /proc/PID/exe is the host's contain binary once it can run code of its own: not while the
 * program's "#!/proc/self/exe" interpreter is looked up (the original CVE-2019-5736 exploit),
 * and not after (the process is non-dumpable until then).  The memfd is sealed against writes,
 * and it is not the host's file, so reopening it for writing gets the attacker nothing.
 * AppArmor and SELinux exec labels apply to the next exec, which is the trampoline's: the
 * trampoline writes them itself, through fds the init opened, right before the program's exec. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

#include "src/linux/trampoline/exec_trampoline_bin.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define TRAMPOLINE_MARKER "contain:exec-trampoline"

void exec_trampoline_close(struct exec_trampoline *t)
{
        closep(&t->memfd);
        for (size_t i = 0; i < t->n_labels; i++) {
                closep(&t->label_fd[i]);
                free(t->label[i]);
        }
        t->n_labels = 0;
}

int exec_trampoline_open(const struct spec_process *proc, struct exec_trampoline *t, struct error **err)
{
        *t = (struct exec_trampoline){ .memfd = -1 };
        if (lsm_exec_labels_open(proc, t, err) < 0)
                return -1;
        /* MFD_EXEC: kernels with vm.memfd_noexec would otherwise make it non-executable */
        int m = memfd_create("contain-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (m < 0 && errno == EINVAL)
                m = memfd_create("contain-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (m < 0)
                return error_make(err, errno, "exec trampoline: memfd_create");
        cleanup_close int memfd = m;
        if (write_all(memfd, exec_trampoline_bin, exec_trampoline_bin_len) < 0)
                return error_make(err, errno, "exec trampoline: write");
        if (fchmod(memfd, 0555) < 0 ||
            fcntl(memfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
                return error_make(err, errno, "exec trampoline: seal");
        t->memfd = steal_fd(&memfd);
        return 0;
}

int exec_via_trampoline(const struct exec_trampoline *t, const char *path, char *const argv[],
                        char *const envp[], struct error **err)
{
        /* argv: the marker, the number of labels, each label's fd and text, path, the program's */
        char count[8], fds[2][16];
        size_t n = strv_len(argv), k = 0;
        cleanup_free char **targv = xcalloc(n + 4 + 2 * t->n_labels, sizeof(char *));
        targv[k++] = (char *)TRAMPOLINE_MARKER;
        snprintf(count, sizeof(count), "%zu", t->n_labels);
        targv[k++] = count;
        for (size_t i = 0; i < t->n_labels; i++) {
                /* the one exec that keeps them: the trampoline closes them before its own */
                if (fcntl(t->label_fd[i], F_SETFD, 0) < 0)
                        return error_make(err, errno, "exec trampoline: pass the exec label's fd");
                snprintf(fds[i], sizeof(fds[i]), "%d", t->label_fd[i]);
                targv[k++] = fds[i];
                targv[k++] = t->label[i];
        }
        targv[k++] = (char *)path;
        memcpy(targv + k, argv, n * sizeof(char *));
        syscall(SYS_execveat, t->memfd, "", targv, envp, AT_EMPTY_PATH);
        /* Never the program from the runtime's own image instead: /proc/self/exe would be the
         * host's binary while it is exec'd (review34) */
        int e = errno;
        return error_make(err, e, "exec \"%s\" through contain's exec trampoline: execveat%s", path,
                          e == EPERM || e == EACCES || e == ENOSYS ? " (a seccomp profile must allow it)" : "");
}
