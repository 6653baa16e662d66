/* The error value: an errno plus a message that grows context as it travels up. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contain/error.h"
#include "contain/util.h"

int error_makev(struct error **err, int errnum, const char *fmt, va_list ap)
{
        char *msg = NULL;

        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        if (errnum != 0) {
                char *full = xasprintf("%s: %s", msg, strerror(errnum));
                free(msg);
                msg = full;
        }
        if (*err) /* a second error is a bug in the caller; keep the first, it is the cause */
                free(msg);
        else {
                *err = xmalloc(sizeof(**err));
                (*err)->errnum = errnum;
                (*err)->msg = msg;
        }
        return -1;
}

int error_make(struct error **err, int errnum, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        error_makev(err, errnum, fmt, ap);
        va_end(ap);
        return -1;
}

int error_wrap(struct error **err, const char *fmt, ...)
{
        cleanup_free char *ctx = NULL;
        va_list ap;

        if (!*err)
                abort();
        va_start(ap, fmt);
        if (vasprintf(&ctx, fmt, ap) < 0)
                abort();
        va_end(ap);
        char *msg = xasprintf("%s: %s", ctx, (*err)->msg);
        free((*err)->msg);
        (*err)->msg = msg;
        return -1;
}

void error_free(struct error *err)
{
        if (!err)
                return;
        free(err->msg);
        free(err);
}
