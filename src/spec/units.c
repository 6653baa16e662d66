/* Human units: "64M"-style sizes for the quick mode's flags, sizes for people to read, and
 * the cgroup v2 cpu.max line. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "contain/json.h"
#include "contain/units.h"
#include "contain/util.h"

#define DEFAULT_CPU_PERIOD 100000

static const char size_units[] = "KMGTPE";

static int size_error(struct error **err, const char *text, const char *why)
{
        cleanup_free char *q = json_quote(text, 64);
        return error_make(err, 0, "invalid size %s: %s", q, why);
}

int parse_size(const char *text, uint64_t *out, struct error **err)
{
        static const char *const syntax = "expected a number of bytes, optionally followed by K, M, G or T";
        const char *s = text ? text : "";
        uint64_t v = 0;
        unsigned shift = 0;

        if (!isdigit((unsigned char)*s))
                return size_error(err, s, syntax);
        for (; isdigit((unsigned char)*s); s++) {
                unsigned d = (unsigned)(*s - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return size_error(err, text, "too large");
                v = v * 10 + d;
        }
        if (*s) {
                const char *u = strchr(size_units, toupper((unsigned char)*s));
                /* only K..T: P and E are not sizes anybody gives a container */
                if (!*s || !u || u - size_units > 3 || s[1])
                        return size_error(err, text, syntax);
                shift = 10 * (unsigned)(u - size_units + 1);
        }
        if (shift && v > (UINT64_MAX >> shift))
                return size_error(err, text, "too large");
        *out = v << shift;
        return 0;
}

void format_size(uint64_t bytes, char *buf, size_t len)
{
        int u = -1;
        uint64_t unit = 1;

        while (u + 1 < (int)sizeof(size_units) - 1 && bytes >= (unit << 10)) {
                unit <<= 10;
                u++;
        }
        if (u < 0)
                snprintf(buf, len, "%" PRIu64 "B", bytes);
        else if (bytes % unit == 0)
                snprintf(buf, len, "%" PRIu64 "%c", bytes / unit, size_units[u]);
        else
                snprintf(buf, len, "%.1f%c", (double)bytes / (double)unit, size_units[u]);
}

void format_cpu_max(int64_t quota, uint64_t period, char *buf, size_t len)
{
        if (period == 0)
                period = DEFAULT_CPU_PERIOD;
        if (quota <= 0)
                snprintf(buf, len, "max %" PRIu64, period);
        else
                snprintf(buf, len, "%" PRId64 " %" PRIu64, quota, period);
}
