/* The only file that talks to libyajl: a parsed tree behind typed accessors, and a writer. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "contain/json.h"
#include "contain/util.h"

/* yajl_tree frees recursively: refuse nesting deeper than this before handing text to it. */
#define JSON_MAX_DEPTH 200

struct json {
        struct yajl_val_s v;    /* never used directly: struct json * is a yajl_val */
};

static yajl_val V(const struct json *j) { return (yajl_val)(uintptr_t)j; }
static const struct json *J(yajl_val v) { return (const struct json *)v; }

static int check_depth(const char *text, size_t len, struct error **err)
{
        int depth = 0;
        bool in_string = false;

        for (size_t i = 0; i < len; i++) {
                char c = text[i];
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                        continue;
                }
                if (c == '"')
                        in_string = true;
                else if (c == '{' || c == '[') {
                        if (++depth > JSON_MAX_DEPTH)
                                return error_make(err, 0, "nesting deeper than %d levels", JSON_MAX_DEPTH);
                } else if (c == '}' || c == ']')
                        depth--;
        }
        return 0;
}

/* yajl_tree does not say where it failed: replay the text through a callback-less parser
 * (same settings) to find the byte offset, and turn it into a line and column. */
static void error_position(const char *text, size_t len, size_t *line, size_t *col)
{
        yajl_handle h = yajl_alloc(NULL, NULL, NULL);
        size_t off = len;

        *line = 1;
        *col = 1;
        if (!h)
                return;
        yajl_config(h, yajl_allow_comments, 1);
        if (yajl_parse(h, (const unsigned char *)text, len) != yajl_status_ok)
                off = yajl_get_bytes_consumed(h);
        yajl_free(h);
        for (size_t i = 0; i < off && i < len; i++) {
                if (text[i] == '\n') {
                        (*line)++;
                        *col = 1;
                } else {
                        (*col)++;
                }
        }
}

int json_parse(const char *text, size_t len, struct json **out, struct error **err)
{
        char errbuf[512] = "";

        if (memchr(text, '\0', len))
                return error_make(err, 0, "invalid JSON: contains a NUL byte");
        if (check_depth(text, len, err) < 0)
                return error_wrap(err, "invalid JSON");
        cleanup_free char *copy = xstrndup(text, len);
        yajl_val v = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
        if (!v) {
                /* yajl's message spans lines and quotes the text: keep its first line */
                char *nl = strchr(errbuf, '\n');
                size_t line, col;
                if (nl)
                        *nl = '\0';
                error_position(text, len, &line, &col);
                return error_make(err, 0, "invalid JSON: line %zu, column %zu: %s", line, col,
                                  *errbuf ? errbuf : "parse error");
        }
        *out = (struct json *)v;
        return 0;
}

void json_free(struct json *root)
{
        if (root)
                yajl_tree_free(V(root));
}

enum json_type json_type(const struct json *j)
{
        yajl_val v = V(j);
        if (!v)
                return JSON_NULL;
        switch (v->type) {
        case yajl_t_string: return JSON_STRING;
        case yajl_t_number: return JSON_NUMBER;
        case yajl_t_object: return JSON_OBJECT;
        case yajl_t_array: return JSON_ARRAY;
        case yajl_t_true:
        case yajl_t_false: return JSON_BOOL;
        default: return JSON_NULL;
        }
}

const char *json_type_name(enum json_type t)
{
        switch (t) {
        case JSON_NULL: return "null";
        case JSON_BOOL: return "a boolean";
        case JSON_NUMBER: return "a number";
        case JSON_STRING: return "a string";
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        }
        return "a value";
}

const struct json *json_get(const struct json *obj, const char *key)
{
        yajl_val v = V(obj);
        if (!YAJL_IS_OBJECT(v))
                return NULL;
        /* the last duplicate wins, as in Go's encoding/json which runc uses */
        for (size_t i = v->u.object.len; i-- > 0;)
                if (strcmp(v->u.object.keys[i], key) == 0)
                        return J(v->u.object.values[i]);
        return NULL;
}

size_t json_object_size(const struct json *obj)
{
        yajl_val v = V(obj);
        return YAJL_IS_OBJECT(v) ? v->u.object.len : 0;
}

const char *json_object_key(const struct json *obj, size_t i)
{
        return V(obj)->u.object.keys[i];
}

const struct json *json_object_value(const struct json *obj, size_t i)
{
        return J(V(obj)->u.object.values[i]);
}

size_t json_array_size(const struct json *arr)
{
        yajl_val v = V(arr);
        return YAJL_IS_ARRAY(v) ? v->u.array.len : 0;
}

const struct json *json_array_get(const struct json *arr, size_t i)
{
        return J(V(arr)->u.array.values[i]);
}

const char *json_string(const struct json *j)
{
        yajl_val v = V(j);
        return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

bool json_bool(const struct json *j)
{
        return YAJL_IS_TRUE(V(j));
}

bool json_is_integer(const struct json *j)
{
        yajl_val v = V(j);
        if (!YAJL_IS_NUMBER(v))
                return false;
        const char *r = v->u.number.r;
        return r && !strpbrk(r, ".eE");
}

bool json_int64(const struct json *j, int64_t *out)
{
        if (!json_is_integer(j))
                return false;
        yajl_val v = V(j);
        if (!(v->u.number.flags & YAJL_NUMBER_INT_VALID))
                return false;
        *out = v->u.number.i;
        return true;
}

bool json_uint64(const struct json *j, uint64_t *out)
{
        if (!json_is_integer(j))
                return false;
        return parse_uint64(V(j)->u.number.r, out) == 0;
}

bool json_double(const struct json *j, double *out)
{
        yajl_val v = V(j);
        if (!YAJL_IS_NUMBER(v) || !(v->u.number.flags & YAJL_NUMBER_DOUBLE_VALID))
                return false;
        *out = v->u.number.d;
        return true;
}

char *json_quote(const char *s, size_t max)
{
        size_t n = strlen(s), cap = 2 * 6 * (n < max ? n : max) + 8, o = 0;
        char *out = xmalloc(cap);
        size_t i;

        out[o++] = '"';
        for (i = 0; i < n && i < max; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '"' || c == '\\') {
                        out[o++] = '\\';
                        out[o++] = (char)c;
                } else if (c == '\n' || c == '\t' || c == '\r') {
                        out[o++] = '\\';
                        out[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
                } else if (c < 0x20 || c == 0x7f) {
                        o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
                } else {
                        out[o++] = (char)c;
                }
        }
        /* do not cut a UTF-8 sequence in half */
        if (i < n) {
                while (o > 1 && i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80) {
                        i--;
                        o--;
                }
                out[o++] = '.';
                out[o++] = '.';
                out[o++] = '.';
        }
        out[o++] = '"';
        out[o] = '\0';
        return out;
}

char *json_repr(const struct json *j)
{
        yajl_val v = V(j);
        switch (json_type(j)) {
        case JSON_NULL: return xstrdup("null");
        case JSON_BOOL: return xstrdup(YAJL_IS_TRUE(v) ? "true" : "false");
        case JSON_NUMBER: return xstrdup(v->u.number.r);
        case JSON_STRING: return json_quote(v->u.string, 64);
        case JSON_OBJECT: return xstrdup("an object");
        case JSON_ARRAY: return xstrdup("an array");
        }
        return xstrdup("?");
}

struct json_writer {
        yajl_gen g;
};

struct json_writer *json_writer_new(bool pretty)
{
        struct json_writer *w = xmalloc(sizeof(*w));
        w->g = yajl_gen_alloc(NULL);
        if (!w->g)
                abort();
        if (pretty) {
                yajl_gen_config(w->g, yajl_gen_beautify, 1);
                yajl_gen_config(w->g, yajl_gen_indent_string, "\t");
        }
        return w;
}

void json_writer_free(struct json_writer *w)
{
        yajl_gen_free(w->g);
        free(w);
}

/* Misuse of the writer (a value where a key belongs) is a programming error. */
static void gen_ok(yajl_gen_status s)
{
        if (s != yajl_gen_status_ok)
                abort();
}

void json_w_object_begin(struct json_writer *w) { gen_ok(yajl_gen_map_open(w->g)); }
void json_w_object_end(struct json_writer *w) { gen_ok(yajl_gen_map_close(w->g)); }
void json_w_array_begin(struct json_writer *w) { gen_ok(yajl_gen_array_open(w->g)); }
void json_w_array_end(struct json_writer *w) { gen_ok(yajl_gen_array_close(w->g)); }

void json_w_key(struct json_writer *w, const char *key)
{
        gen_ok(yajl_gen_string(w->g, (const unsigned char *)key, strlen(key)));
}

void json_w_string(struct json_writer *w, const char *s)
{
        if (!s)
                gen_ok(yajl_gen_null(w->g));
        else
                gen_ok(yajl_gen_string(w->g, (const unsigned char *)s, strlen(s)));
}

void json_w_int(struct json_writer *w, int64_t v) { gen_ok(yajl_gen_integer(w->g, v)); }

void json_w_uint(struct json_writer *w, uint64_t v)
{
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
        gen_ok(yajl_gen_number(w->g, buf, (size_t)n));
}

void json_w_double(struct json_writer *w, double v)
{
        if (!isfinite(v))
                v = 0;
        gen_ok(yajl_gen_double(w->g, v));
}

void json_w_bool(struct json_writer *w, bool v) { gen_ok(yajl_gen_bool(w->g, v)); }
void json_w_null(struct json_writer *w) { gen_ok(yajl_gen_null(w->g)); }

void json_w_kv_string(struct json_writer *w, const char *key, const char *s)
{
        json_w_key(w, key);
        json_w_string(w, s);
}

void json_w_kv_int(struct json_writer *w, const char *key, int64_t v)
{
        json_w_key(w, key);
        json_w_int(w, v);
}

void json_w_kv_uint(struct json_writer *w, const char *key, uint64_t v)
{
        json_w_key(w, key);
        json_w_uint(w, v);
}

void json_w_kv_bool(struct json_writer *w, const char *key, bool v)
{
        json_w_key(w, key);
        json_w_bool(w, v);
}

void json_w_string_array(struct json_writer *w, const char *key, char *const *v)
{
        json_w_key(w, key);
        json_w_array_begin(w);
        for (size_t i = 0; v && v[i]; i++)
                json_w_string(w, v[i]);
        json_w_array_end(w);
}

char *json_writer_finish(struct json_writer *w, size_t *len)
{
        const unsigned char *buf;
        size_t n;

        gen_ok(yajl_gen_get_buf(w->g, &buf, &n));
        char *out = xstrndup((const char *)buf, n);
        if (len)
                *len = n;
        return out;
}
