/* The parse context: the JSON path the parser is at, errors that name it, and typed getters
 * that check a field's JSON type and range before anything is stored. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contain/log.h"
#include "spec_internal.h"

void pctx_init(struct pctx *p, const char *source, const char *bundle, struct error **err)
{
        *p = (struct pctx){ .source = source, .bundle = bundle, .err = err, .cap = 128 };
        p->path = xmalloc(p->cap);
        p->path[0] = '\0';
}

void pctx_fini(struct pctx *p)
{
        free(p->path);
        p->path = NULL;
}

static void path_append(struct pctx *p, const char *s)
{
        size_t n = strlen(s);
        if (p->len + n + 1 > p->cap) {
                while (p->len + n + 1 > p->cap)
                        p->cap *= 2;
                p->path = xrealloc(p->path, p->cap);
        }
        memcpy(p->path + p->len, s, n + 1);
        p->len += n;
}

size_t pc_key(struct pctx *p, const char *key)
{
        size_t mark = p->len;
        if (p->len)
                path_append(p, ".");
        path_append(p, key);
        return mark;
}

size_t pc_index(struct pctx *p, size_t i)
{
        /* by hand: this runs for every array element of every config, snprintf costs ~10x */
        char buf[32], *at = buf + sizeof(buf);
        *--at = '\0';
        *--at = ']';
        do
                *--at = (char)('0' + i % 10);
        while (i /= 10);
        *--at = '[';
        size_t mark = p->len;
        path_append(p, at);
        return mark;
}

size_t pc_mapkey(struct pctx *p, const char *key)
{
        size_t mark = p->len;
        cleanup_free char *q = json_quote(key, 64);
        path_append(p, "[");
        path_append(p, q);
        path_append(p, "]");
        return mark;
}

void pc_pop(struct pctx *p, size_t mark)
{
        p->len = mark;
        p->path[mark] = '\0';
}

int pc_fail(struct pctx *p, const char *fmt, ...)
{
        cleanup_free char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        if (p->len)
                return error_make(p->err, 0, "%s: %s: %s", p->source, p->path, msg);
        return error_make(p->err, 0, "%s: %s", p->source, msg);
}

void pc_warn(struct pctx *p, const char *fmt, ...)
{
        cleanup_free char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        log_warning("%s: %s%s%s", p->source, p->path ? p->path : "", p->len ? ": " : "", msg);
}

int pc_type_error(struct pctx *p, const struct json *v, const char *want)
{
        cleanup_free char *got = json_repr(v);
        return pc_fail(p, "expected %s, got %s", want, got);
}

const struct json *pc_field(const struct json *obj, const char *key)
{
        const struct json *v = json_get(obj, key);
        return v && json_type(v) != JSON_NULL ? v : NULL;
}

static int missing(struct pctx *p, int flags)
{
        if (flags & F_REQUIRED)
                return pc_fail(p, "required field is missing");
        return 0;
}

/* A string cut short by \u0000 ("co\u0000evil" reads "co"): refused, never truncated. */
static int nul_error(struct pctx *p, const char *prefix)
{
        cleanup_free char *q = json_quote(prefix, 64);
        return pc_fail(p, "must not contain a NUL byte (\\u0000), found after %s", q);
}

int pv_string(struct pctx *p, const struct json *v, int flags, char **out)
{
        if (!v || json_type(v) == JSON_NULL)
                return missing(p, flags);
        const char *s = json_string(v);
        if (!s)
                return pc_type_error(p, v, "a string");
        if (json_string_has_nul(v))
                return nul_error(p, s);
        if ((flags & F_NONEMPTY) && !*s)
                return pc_fail(p, "must not be empty");
        if ((flags & F_ABSOLUTE) && s[0] != '/') {
                cleanup_free char *q = json_quote(s, 64);
                return pc_fail(p, "must be an absolute path, got %s", q);
        }
        free(*out);
        *out = xstrdup(s);
        return 0;
}

/* Why a number is not an integer we can take: "expected an integer, got 1.5". */
static int integer_error(struct pctx *p, const struct json *v, bool want_unsigned)
{
        if (json_type(v) == JSON_NUMBER && json_is_integer(v)) {
                cleanup_free char *got = json_repr(v);
                if (want_unsigned && got[0] == '-')
                        return pc_fail(p, "expected a non-negative integer, got %s", got);
                return pc_fail(p, "integer %s is out of range", got);
        }
        return pc_type_error(p, v, want_unsigned ? "a non-negative integer" : "an integer");
}

int pv_int64(struct pctx *p, const struct json *v, int flags, bool *has, int64_t *out,
             int64_t min, int64_t max)
{
        int64_t x;

        if (!v || json_type(v) == JSON_NULL)
                return missing(p, flags);
        if (!json_int64(v, &x))
                return integer_error(p, v, false);
        if (x < min || x > max)
                return pc_fail(p, "%" PRId64 " is out of range (%" PRId64 "..%" PRId64 ")", x, min, max);
        *out = x;
        if (has)
                *has = true;
        return 0;
}

int pv_uint64(struct pctx *p, const struct json *v, int flags, bool *has, uint64_t *out,
              uint64_t max)
{
        uint64_t x;

        if (!v || json_type(v) == JSON_NULL)
                return missing(p, flags);
        if (!json_uint64(v, &x))
                return integer_error(p, v, true);
        if (x > max)
                return pc_fail(p, "%" PRIu64 " is out of range (0..%" PRIu64 ")", x, max);
        *out = x;
        if (has)
                *has = true;
        return 0;
}

int pv_strv(struct pctx *p, const struct json *v, int flags, int elem_flags, char ***out)
{
        if (!v || json_type(v) == JSON_NULL)
                return missing(p, flags);
        if (json_type(v) != JSON_ARRAY)
                return pc_type_error(p, v, "an array of strings");
        size_t n = json_array_size(v);
        if ((flags & F_NONEMPTY) && n == 0)
                return pc_fail(p, "must have at least one element");
        strv_free(*out);
        *out = xcalloc(n + 1, sizeof(char *));
        for (size_t i = 0; i < n; i++) {
                size_t m = pc_index(p, i);
                if (pv_string(p, json_array_get(v, i), elem_flags | F_REQUIRED, &(*out)[i]) < 0)
                        return -1;
                pc_pop(p, m);
        }
        return 0;
}

int pc_string(struct pctx *p, const struct json *obj, const char *key, int flags, char **out)
{
        size_t m = pc_key(p, key);
        if (pv_string(p, pc_field(obj, key), flags, out) < 0)
                return -1;
        pc_pop(p, m);
        return 0;
}

int pc_bool(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has, bool *out)
{
        const struct json *v = pc_field(obj, key);
        size_t m = pc_key(p, key);

        if (!v) {
                if (missing(p, flags) < 0)
                        return -1;
        } else if (json_type(v) != JSON_BOOL) {
                return pc_type_error(p, v, "a boolean");
        } else {
                *out = json_bool(v);
                if (has)
                        *has = true;
        }
        pc_pop(p, m);
        return 0;
}

int pc_int64(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has,
             int64_t *out, int64_t min, int64_t max)
{
        size_t m = pc_key(p, key);
        if (pv_int64(p, pc_field(obj, key), flags, has, out, min, max) < 0)
                return -1;
        pc_pop(p, m);
        return 0;
}

int pc_uint64(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has,
              uint64_t *out, uint64_t max)
{
        size_t m = pc_key(p, key);
        if (pv_uint64(p, pc_field(obj, key), flags, has, out, max) < 0)
                return -1;
        pc_pop(p, m);
        return 0;
}

int pc_uint32(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has,
              uint32_t *out)
{
        uint64_t x;
        bool got = false;

        if (pc_uint64(p, obj, key, flags, &got, &x, UINT32_MAX) < 0)
                return -1;
        if (got) {
                *out = (uint32_t)x;
                if (has)
                        *has = true;
        }
        return 0;
}

int pc_int32(struct pctx *p, const struct json *obj, const char *key, int flags, bool *has,
             int32_t *out, int32_t min, int32_t max)
{
        int64_t x;
        bool got = false;

        if (pc_int64(p, obj, key, flags, &got, &x, min, max) < 0)
                return -1;
        if (got) {
                *out = (int32_t)x;
                if (has)
                        *has = true;
        }
        return 0;
}

int pc_strv(struct pctx *p, const struct json *obj, const char *key, int flags, int elem_flags,
            char ***out)
{
        size_t m = pc_key(p, key);
        if (pv_strv(p, pc_field(obj, key), flags, elem_flags, out) < 0)
                return -1;
        pc_pop(p, m);
        return 0;
}

static int typed(struct pctx *p, const struct json *obj, const char *key, int flags,
                 enum json_type want, const char *want_name, const struct json **out)
{
        const struct json *v = pc_field(obj, key);
        size_t m = pc_key(p, key);

        *out = NULL;
        if (!v) {
                if (missing(p, flags) < 0)
                        return -1;
        } else if (json_type(v) != want) {
                return pc_type_error(p, v, want_name);
        } else if ((flags & F_NONEMPTY) && want == JSON_ARRAY && json_array_size(v) == 0) {
                return pc_fail(p, "must have at least one element");
        } else {
                *out = v;
        }
        pc_pop(p, m);
        return 0;
}

int pc_object(struct pctx *p, const struct json *obj, const char *key, int flags,
              const struct json **out)
{
        return typed(p, obj, key, flags, JSON_OBJECT, "an object", out);
}

int pc_array(struct pctx *p, const struct json *obj, const char *key, int flags,
             const struct json **out)
{
        return typed(p, obj, key, flags, JSON_ARRAY, "an array", out);
}

static int kv_index_cmp(const void *a, const void *b, void *arg)
{
        const struct spec_kv *kv = arg;
        size_t i = *(const size_t *)a, j = *(const size_t *)b;
        int c = strcmp(kv[i].key, kv[j].key);
        return c ? c : (i < j ? -1 : i > j);
}

/* JSON objects may repeat a key; like Go's decoder (runc), the last one wins.  Sorting the
 * indices keeps this O(n log n) for the 100k-entry maps a 10 MB config can hold. */
static void kv_dedupe(struct spec_kv *kv, size_t *n)
{
        if (*n < 2)
                return;
        cleanup_free size_t *idx = xcalloc(*n, sizeof(*idx));
        cleanup_free bool *drop = xcalloc(*n, sizeof(*drop));
        bool any = false;

        for (size_t i = 0; i < *n; i++)
                idx[i] = i;
        qsort_r(idx, *n, sizeof(*idx), kv_index_cmp, kv);
        for (size_t i = 0; i + 1 < *n; i++)
                if (strcmp(kv[idx[i]].key, kv[idx[i + 1]].key) == 0)
                        drop[idx[i]] = any = true;
        if (!any)
                return;
        size_t o = 0;
        for (size_t i = 0; i < *n; i++) {
                if (drop[i]) {
                        free(kv[i].key);
                        free(kv[i].value);
                } else {
                        kv[o++] = kv[i];
                }
        }
        *n = o;
}

int pc_string_map(struct pctx *p, const struct json *obj, const char *key, struct spec_kv **out,
                  size_t *n)
{
        const struct json *map;

        if (pc_object(p, obj, key, 0, &map) < 0)
                return -1;
        if (!map)
                return 0;
        size_t m = pc_key(p, key);
        size_t count = json_object_size(map);
        *out = xcalloc(count ? count : 1, sizeof(**out));
        *n = count;
        for (size_t i = 0; i < count; i++) {
                const char *k = json_object_key(map, i);
                const struct json *v = json_object_value(map, i);
                size_t mk = pc_mapkey(p, k);
                if (!*k)
                        return pc_fail(p, "keys must not be empty");
                if (!json_string(v))
                        return pc_type_error(p, v, "a string");
                if (json_string_has_nul(v))
                        return nul_error(p, json_string(v));
                (*out)[i].key = xstrdup(k);
                (*out)[i].value = xstrdup(json_string(v));
                pc_pop(p, mk);
        }
        kv_dedupe(*out, n);
        pc_pop(p, m);
        return 0;
}

int pc_objects(struct pctx *p, const char *key, const struct json *arr, void *base,
               size_t elem_size, pc_elem_fn fn)
{
        size_t m = pc_key(p, key);
        size_t n = json_array_size(arr);

        for (size_t i = 0; i < n; i++) {
                const struct json *v = json_array_get(arr, i);
                size_t mi = pc_index(p, i);
                if (json_type(v) != JSON_OBJECT)
                        return pc_type_error(p, v, "an object");
                if (fn(p, v, (char *)base + i * elem_size) < 0)
                        return -1;
                pc_pop(p, mi);
        }
        pc_pop(p, m);
        return 0;
}
