/* Unit tests of src/spec/units.c: size parsing and formatting, cpu.max lines. */
#include "contain/units.h"
#include "contain/util.h"
#include "tap.h"

static void size_good(struct tap *t, const char *text, uint64_t want)
{
        cleanup_error struct error *err = NULL;
        uint64_t v = 0;
        char name[128];

        snprintf(name, sizeof(name), "parse_size(\"%s\") = %" PRIu64, text, want);
        if (parse_size(text, &v, &err) < 0) {
                ok(t, false, name);
                printf("#   error: %s\n", err->msg);
                return;
        }
        is_u64(t, v, want, name);
}

static void size_bad(struct tap *t, const char *text, const char *why)
{
        cleanup_error struct error *err = NULL;
        uint64_t v = 12345;
        char name[128];

        snprintf(name, sizeof(name), "parse_size(\"%s\") fails: %s", text ? text : "NULL", why);
        int r = parse_size(text, &v, &err);
        ok(t, r == -1 && err && v == 12345, name);
        if (err)
                has_substr(t, err->msg, why, "  and says why");
}

static void fmt_size(struct tap *t, uint64_t bytes, const char *want)
{
        char buf[32], name[96];

        format_size(bytes, buf, sizeof(buf));
        snprintf(name, sizeof(name), "format_size(%" PRIu64 ") = %s", bytes, want);
        is_str(t, buf, want, name);
}

static void fmt_cpu(struct tap *t, int64_t quota, uint64_t period, const char *want)
{
        char buf[48], name[96];

        format_cpu_max(quota, period, buf, sizeof(buf));
        snprintf(name, sizeof(name), "format_cpu_max(%" PRId64 ", %" PRIu64 ") = %s", quota, period, want);
        is_str(t, buf, want, name);
}

int main(void)
{
        struct tap t = { 0 };

        size_good(&t, "64M", 67108864);
        size_good(&t, "1G", 1073741824);
        size_good(&t, "512K", 524288);
        size_good(&t, "1048576", 1048576);
        size_good(&t, "0", 0);
        size_good(&t, "64m", 67108864);
        size_good(&t, "2k", 2048);
        size_good(&t, "1T", 1099511627776ULL);
        size_good(&t, "18446744073709551615", UINT64_MAX);
        size_good(&t, "16777215T", 16777215ULL << 40);

        size_bad(&t, "-1M", "expected a number");
        size_bad(&t, "12Q", "expected a number");
        size_bad(&t, "", "expected a number");
        size_bad(&t, NULL, "expected a number");
        size_bad(&t, "M", "expected a number");
        size_bad(&t, "1.5G", "expected a number");
        size_bad(&t, " 1M", "expected a number");
        size_bad(&t, "1M ", "expected a number");
        size_bad(&t, "1MB", "expected a number");
        size_bad(&t, "+1", "expected a number");
        size_bad(&t, "1P", "expected a number");
        size_bad(&t, "18446744073709551616", "too large");
        size_bad(&t, "16777216T", "too large");
        size_bad(&t, "99999999999999999999999G", "too large");

        fmt_size(&t, 0, "0B");
        fmt_size(&t, 512, "512B");
        fmt_size(&t, 1024, "1K");
        fmt_size(&t, 67108864, "64M");
        fmt_size(&t, 3250585, "3.1M");
        fmt_size(&t, 1073741824, "1G");
        fmt_size(&t, 1536, "1.5K");
        fmt_size(&t, UINT64_MAX, "16.0E");

        fmt_cpu(&t, 50000, 100000, "50000 100000");
        fmt_cpu(&t, 50000, 0, "50000 100000");
        fmt_cpu(&t, -1, 100000, "max 100000");
        fmt_cpu(&t, 0, 0, "max 100000");
        fmt_cpu(&t, 25000, 50000, "25000 50000");

        return tap_done(&t);
}
