/* Where messages go: stderr always, and with --log FILE an appended line per message, as text
 * or (--log-format json) {"level":...,"msg":...,"time":...} that conmon and containerd read. */
#ifndef CONTAIN_LOG_H
#define CONTAIN_LOG_H

#include <stdbool.h>

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };
enum log_level { LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

/* Set once by the CLI from its global options (the only process-wide settings). */
void log_configure(const char *path, enum log_format format, bool debug);
bool log_debug_enabled(void);

/* Error: "contain: <msg>" on stderr, and to the log file. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warning: "contain: warning: <msg>" on stderr, and to the log file. */
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Debug: only with --debug; to the log file if any, else stderr. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
