/* Messages to stderr and to the --log file, as text or as the JSON lines clients parse. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "contain/json.h"
#include "contain/log.h"
#include "contain/util.h"

/* The CLI's logging options, set once by log_configure() before any command runs. */
static struct {
        const char *path;
        enum log_format format;
        bool debug;
} log_options;

void log_configure(const char *path, enum log_format format, bool debug)
{
        log_options.path = path;
        log_options.format = format;
        log_options.debug = debug;
}

bool log_debug_enabled(void)
{
        return log_options.debug;
}

static const char *level_name(enum log_level level)
{
        switch (level) {
        case LOG_ERROR: return "error";
        case LOG_WARNING: return "warning";
        case LOG_INFO: return "info";
        case LOG_DEBUG: return "debug";
        }
        return "error";
}

/* A message as one line of text: what it carries from elsewhere (a hook's output, a file's
 * content) may hold line breaks, which become "; ", and other control characters (a terminal's
 * escape sequences), which become '?'.  malloc'd. */
static char *one_line(const char *msg)
{
        size_t n = strlen(msg);
        char *out = xmalloc(2 * n + 1), *o = out;
        for (const char *c = msg; *c; c++) {
                if (*c == '\n' || *c == '\r') {
                        while (o > out && o[-1] == ' ')
                                o--;
                        if (o > out && o[-1] != ' ' && c[1] && c[1] != '\n' && c[1] != '\r') {
                                *o++ = ';';
                                *o++ = ' ';
                        }
                        while (c[1] == ' ')
                                c++;
                } else {
                        *o++ = (unsigned char)*c < 0x20 && *c != '\t' ? '?' : *c;
                }
        }
        *o = '\0';
        return out;
}

static void log_to_file(enum log_level level, const char *msg)
{
        cleanup_free char *line = NULL;
        cleanup_free char *now = time_rfc3339_now();

        if (log_options.format == LOG_FORMAT_JSON) {
                cleanup_json_writer struct json_writer *w = json_writer_new(false);
                json_w_object_begin(w);
                json_w_kv_string(w, "level", level_name(level));
                json_w_kv_string(w, "msg", msg);
                json_w_kv_string(w, "time", now);
                json_w_object_end(w);
                cleanup_free char *doc = json_writer_finish(w, NULL);
                line = xasprintf("%s\n", doc);
        } else {
                cleanup_free char *text = one_line(msg);
                line = xasprintf("%s %s: %s\n", now, level_name(level), text);
        }
        int fd = open(log_options.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return;
        (void)write_all(fd, line, strlen(line));
        close(fd);
}

__attribute__((format(printf, 2, 0)))
static void log_emit(enum log_level level, const char *fmt, va_list ap)
{
        cleanup_free char *msg = NULL;

        if (vasprintf(&msg, fmt, ap) < 0)
                return;
        bool to_file = log_options.path && *log_options.path;
        cleanup_free char *text = one_line(msg);
        if (level == LOG_ERROR)
                fprintf(stderr, "contain: %s\n", text);
        else if (level == LOG_WARNING)
                fprintf(stderr, "contain: warning: %s\n", text);
        else if (!to_file)
                fprintf(stderr, "contain: %s: %s\n", level_name(level), text);
        if (to_file)
                log_to_file(level, msg);
}

void log_error(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        log_emit(LOG_ERROR, fmt, ap);
        va_end(ap);
}

void log_warning(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        log_emit(LOG_WARNING, fmt, ap);
        va_end(ap);
}

void log_debug(const char *fmt, ...)
{
        va_list ap;
        if (!log_options.debug)
                return;
        va_start(ap, fmt);
        log_emit(LOG_DEBUG, fmt, ap);
        va_end(ap);
}
