/* Allocation, string vectors and number parsing: the pieces with no kernel in them. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contain/util.h"

void *xmalloc(size_t n)
{
        void *p = malloc(n ? n : 1);
        if (!p)
                abort();
        return p;
}

void *xcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size ? size : 1);
        if (!p)
                abort();
        return p;
}

void *xrealloc(void *p, size_t n)
{
        p = realloc(p, n ? n : 1);
        if (!p)
                abort();
        return p;
}

char *xstrdup(const char *s)
{
        char *p = strdup(s);
        if (!p)
                abort();
        return p;
}

char *xstrndup(const char *s, size_t n)
{
        char *p = strndup(s, n);
        if (!p)
                abort();
        return p;
}

char *xasprintf(const char *fmt, ...)
{
        char *p;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&p, fmt, ap) < 0)
                abort();
        va_end(ap);
        return p;
}

void strv_free(char **v)
{
        if (!v)
                return;
        for (char **p = v; *p; p++)
                free(*p);
        free(v);
}

bool strv_contains(char *const *v, const char *s)
{
        for (; v && *v; v++)
                if (strcmp(*v, s) == 0)
                        return true;
        return false;
}

size_t strv_len(char *const *v)
{
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

char **strv_dup(char *const *v)
{
        if (!v)
                return NULL;
        size_t n = strv_len(v);
        char **r = xcalloc(n + 1, sizeof(char *));
        for (size_t i = 0; i < n; i++)
                r[i] = xstrdup(v[i]);
        return r;
}

void strv_append(char ***v, const char *s)
{
        size_t n = strv_len(*v);
        *v = xrealloc(*v, (n + 2) * sizeof(char *));
        (*v)[n] = xstrdup(s);
        (*v)[n + 1] = NULL;
}

bool str_has_prefix(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

void mountinfo_unescape(char *s)
{
        char *out = s;
        for (char *p = s; *p; p++) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
                    p[3] >= '0' && p[3] <= '7') {
                        *out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                        p += 3;
                } else {
                        *out++ = *p;
                }
        }
        *out = '\0';
}

int parse_int64(const char *s, int64_t *out)
{
        char *end;

        /* an optional sign and digits, as Go's strconv.ParseInt (runc): strtoll alone also
         * takes leading blanks, " 9" (review35) */
        if (!s || !isdigit((unsigned char)(*s == '-' || *s == '+' ? s[1] : s[0]))) {
                errno = EINVAL;
                return -1;
        }
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno)
                return -1;
        if (*end) {
                errno = EINVAL;
                return -1;
        }
        *out = v;
        return 0;
}

int parse_uint64(const char *s, uint64_t *out)
{
        char *end;

        if (!s || !isdigit((unsigned char)*s)) {
                errno = EINVAL;
                return -1;
        }
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno)
                return -1;
        if (*end) {
                errno = EINVAL;
                return -1;
        }
        *out = v;
        return 0;
}

/* One decimal id of an id list: digits only, below nbits. */
static int id_list_number(const char **s, size_t nbits, size_t *out)
{
        if (!isdigit((unsigned char)**s)) {
                errno = EINVAL;
                return -1;
        }
        size_t v = 0;
        for (; isdigit((unsigned char)**s); (*s)++) {
                v = v * 10 + (size_t)(**s - '0');
                if (v >= nbits) {
                        errno = ERANGE;
                        return -1;
                }
        }
        *out = v;
        return 0;
}

int id_list_parse(const char *s, unsigned long *mask, size_t nbits)
{
        const size_t word = 8 * sizeof(unsigned long);
        memset(mask, 0, (nbits + word - 1) / word * sizeof(unsigned long));
        if (!s || !*s) {
                errno = EINVAL;
                return -1;
        }
        for (;;) {
                size_t lo, hi;
                if (id_list_number(&s, nbits, &lo) < 0)
                        return -1;
                hi = lo;
                if (*s == '-') {
                        s++;
                        if (id_list_number(&s, nbits, &hi) < 0)
                                return -1;
                        if (hi < lo) {
                                errno = EINVAL;
                                return -1;
                        }
                }
                for (size_t i = lo; i <= hi; i++)
                        mask[i / word] |= 1UL << (i % word);
                if (!*s)
                        return 0;
                if (*s++ != ',') {
                        errno = EINVAL;
                        return -1;
                }
        }
}

/* Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's days_to_civil):
 * 400-year eras of 146097 days, years starting on March 1 so that the leap day is last. */
static void civil_from_days(long long days, long long *y, unsigned *m, unsigned *d)
{
        days += 719468; /* days from 0000-03-01 to 1970-01-01 */
        long long era = (days >= 0 ? days : days - 146096) / 146097;
        unsigned doe = (unsigned)(days - era * 146097);
        unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        unsigned mp = (5 * doy + 2) / 153;
        *d = doy - (153 * mp + 2) / 5 + 1;
        *m = mp < 10 ? mp + 3 : mp - 9;
        *y = (long long)yoe + era * 400 + (*m <= 2);
}

char *time_rfc3339(const struct timespec *ts)
{
        /* not gmtime_r: glibc loads the time zone (/etc/localtime) on its first call even for
         * UTC, seven system calls per create */
        long long days = ts->tv_sec / 86400, secs = ts->tv_sec % 86400;
        if (secs < 0) {
                secs += 86400;
                days--;
        }
        long long y;
        unsigned m, d;
        civil_from_days(days, &y, &m, &d);
        return xasprintf("%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09ldZ", y, m, d, secs / 3600, secs / 60 % 60,
                         secs % 60, ts->tv_nsec);
}

char *time_rfc3339_now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return time_rfc3339(&ts);
}
