/* The one error convention: a function that can fail returns 0 (or a value >= 0) on success
 * and -1 on failure, filling *err with an errno and a message that says what failed, on what. */
#ifndef CONTAIN_ERROR_H
#define CONTAIN_ERROR_H

#include <stdarg.h>

struct error {
        int errnum;     /* errno of the root cause, 0 when none */
        char *msg;      /* full message, context first: "apply memory limit: write ...: EBUSY" */
};

/* Sets *err (which must be NULL) to a new error and returns -1.  When errnum is not 0 the
 * message ends with ": <strerror(errnum)>". */
int error_make(struct error **err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int error_makev(struct error **err, int errnum, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));

/* Prefixes context to an existing error ("ctx: old message") and returns -1. */
int error_wrap(struct error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void error_free(struct error *err);
static inline void error_freep(struct error **err)
{
        error_free(*err);
        *err = (struct error *)0;
}
#define cleanup_error __attribute__((cleanup(error_freep)))

#endif
