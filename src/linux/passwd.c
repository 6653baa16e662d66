/* The process's HOME when the config gives none: the home field of its uid's /etc/passwd entry
 * inside the container, as runc does (Docker images rely on it). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

/* The passwd database is small; a bigger file is not one we should trust for a HOME. */
#define PASSWD_MAX (4u << 20)

char *passwd_home_for_uid(const char *text, uid_t uid)
{
        for (const char *line = text; line && *line;) {
                const char *eol = strchr(line, '\n');
                size_t len = eol ? (size_t)(eol - line) : strlen(line);
                /* name:password:uid:gid:gecos:home:shell */
                const char *field[7] = { line };
                size_t n = 1;
                for (size_t i = 0; i < len && n < 7; i++)
                        if (line[i] == ':')
                                field[n++] = line + i + 1;
                if (n >= 6 && line[0] != '#') {
                        char *end;
                        errno = 0;
                        unsigned long u = strtoul(field[2], &end, 10);
                        if (!errno && end != field[2] && *end == ':' && u == (unsigned long)uid) {
                                const char *home_end = n == 7 ? field[6] - 1 : line + len;
                                return xstrndup(field[5], (size_t)(home_end - field[5]));
                        }
                }
                line = eol ? eol + 1 : NULL;
        }
        return NULL;
}

/* The image's /etc/passwd (NUL-terminated), or NULL when there is none or it is not a regular
 * file: a FIFO planted there must not hang the init. */
static char *read_passwd(void)
{
        cleanup_close int fd = open("/etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PASSWD_MAX)
                return NULL;
        char *text = NULL;
        struct error *ignored = NULL;
        if (read_fd_all(fd, "/etc/passwd", PASSWD_MAX, &text, NULL, &ignored) < 0)
                error_free(ignored);
        return text;
}

void process_default_home(char ***env, uid_t uid)
{
        size_t keep = 0;
        for (char **e = *env; e && *e; e++)
                if (str_has_prefix(*e, "HOME=") && (*e)[5])
                        return;
        /* an empty HOME counts as none: drop it so the one we add is the one getenv finds */
        for (char **e = *env; e && *e; e++) {
                if (strcmp(*e, "HOME=") == 0)
                        free(*e);
                else
                        (*env)[keep++] = *e;
        }
        if (*env)
                (*env)[keep] = NULL;
        cleanup_free char *text = read_passwd();
        cleanup_free char *home = text ? passwd_home_for_uid(text, uid) : NULL;
        /* no /etc/passwd, or no entry for the uid: "/" as runc (and not the runtime's HOME) */
        cleanup_free char *entry = xasprintf("HOME=%s", home && *home ? home : "/");
        strv_append(env, entry);
}
