/* The last step into the user's program goes through a sealed in-memory copy of a tiny
 * trampoline (src/linux/trampoline/), so that the container never has a process whose
 * /proc/PID/exe is the host's contain binary once it can run code of its own: not while the
 * program's "#!/proc/self/exe" interpreter is looked up (the original CVE-2019-5736 exploit),
 * and not after (the process is non-dumpable until then).  The memfd is sealed against writes,
 * and it is not the host's file, so reopening it for writing gets the attacker nothing. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

#if __has_include("src/linux/trampoline/exec_trampoline_bin.h")
#include "src/linux/trampoline/exec_trampoline_bin.h"
#define HAVE_TRAMPOLINE 1
#else
#define HAVE_TRAMPOLINE 0
#endif

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define TRAMPOLINE_MARKER "contain:exec-trampoline"

int exec_trampoline_open(const struct spec_process *proc, int *fd, struct error **err)
{
        *fd = -1;
        /* an LSM exec label applies to the next exec only, which would be the trampoline's */
        if (!HAVE_TRAMPOLINE || proc->apparmor_profile || proc->selinux_label)
                return 0;
#if HAVE_TRAMPOLINE
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
        *fd = steal_fd(&memfd);
#endif
        return 0;
}

void exec_via_trampoline(int fd, const char *path, char *const argv[], char *const envp[])
{
        if (fd < 0)
                return;
        size_t n = strv_len(argv);
        char **targv = xcalloc(n + 3, sizeof(char *));
        targv[0] = (char *)TRAMPOLINE_MARKER;
        targv[1] = (char *)path;
        memcpy(targv + 2, argv, n * sizeof(char *));
        syscall(SYS_execveat, fd, "", targv, envp, AT_EMPTY_PATH);
        /* a seccomp profile without execveat, or a kernel refusing to exec a memfd: the caller
         * execs the program directly (still non-dumpable until then) */
        log_debug("exec trampoline: execveat: %s; exec'ing %s directly", strerror(errno), path);
        free(targv);
}
