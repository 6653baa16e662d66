/* The only file that talks to libyajl: a parsed tree behind typed accessors, and a writer.
 * The tree is built here from yajl's parse callbacks rather than with yajl_tree, whose
 * one-element-at-a-time reallocs turn a 100000-key object quadratic.  Its nodes, strings and
 * child arrays come from one arena that goes with the root: a config is ~470 values, and a
 * malloc and a free for each were a third of the parse. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "contain/json.h"
#include "contain/util.h"

/* Freeing and building recurse per level: refuse nesting deeper than this up front. */
#define JSON_MAX_DEPTH 200

struct json {
        enum json_type type;
        bool nul;               /* JSON_STRING: the text held a \u0000 (str stops there) */
        union {
                bool b;
                char *str;              /* JSON_STRING */
                char *num;              /* JSON_NUMBER: the literal text */
                struct {
                        char **keys;    /* JSON_OBJECT only */
                        struct json **vals;
                        size_t len;
                        size_t cap;
                } c;                    /* JSON_OBJECT, JSON_ARRAY */
        } u;
};

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

/* ---- the arena ---- */

struct arena_block {
        struct arena_block *next;
        size_t size, used;
        alignas(max_align_t) unsigned char data[];
};

/* n bytes, aligned for any node, from the newest block (a new one when it is full: 32 KiB, or
 * n if larger); never freed one by one. */
static void *arena_alloc(struct arena_block **arena, size_t n)
{
        n = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
        struct arena_block *b = *arena;
        if (!b || b->size - b->used < n) {
                size_t size = n > 32768 ? n : 32768;
                b = xmalloc(sizeof(*b) + size);
                b->next = *arena;
                b->size = size;
                b->used = 0;
                *arena = b;
        }
        void *p = b->data + b->used;
        b->used += n;
        return p;
}

static char *arena_strndup(struct arena_block **arena, const char *s, size_t len)
{
        char *p = arena_alloc(arena, len + 1);
        memcpy(p, s, len);
        p[len] = '\0';
        return p;
}

static void arena_free(struct arena_block *b)
{
        while (b) {
                struct arena_block *next = b->next;
                free(b);
                b = next;
        }
}

/* What json_parse returns: the root node, with the arena that holds it and everything below. */
struct json_doc {
        struct arena_block *arena;
        struct json root;
};

/* ---- building the tree from callbacks ---- */

struct builder {
        struct arena_block *arena;
        struct json *root;
        struct json **stack;    /* open containers, innermost last */
        size_t depth;
        size_t cap;
        char *key;              /* the pending key inside an object */
        bool nul_key;           /* parse stopped: a key held a \u0000 */
};

static struct json *node_new(struct builder *b, enum json_type t)
{
        struct json *j = arena_alloc(&b->arena, sizeof(*j));
        memset(j, 0, sizeof(*j));
        j->type = t;
        return j;
}

/* Attaches v to the innermost open container (or makes it the root). */
static int attach(struct builder *b, struct json *v)
{
        if (b->depth == 0) {
                if (b->root)            /* yajl refuses a second top-level value; be safe */
                        return 0;
                b->root = v;
                return 1;
        }
        struct json *c = b->stack[b->depth - 1];
        if (c->u.c.len == c->u.c.cap) {
                /* grown in the arena: the old arrays stay there unused, at most as much again */
                size_t cap = c->u.c.cap ? 2 * c->u.c.cap : 4;
                struct json **vals = arena_alloc(&b->arena, cap * sizeof(*vals));
                if (c->u.c.len)
                        memcpy(vals, c->u.c.vals, c->u.c.len * sizeof(*vals));
                c->u.c.vals = vals;
                if (c->type == JSON_OBJECT) {
                        char **keys = arena_alloc(&b->arena, cap * sizeof(*keys));
                        if (c->u.c.len)
                                memcpy(keys, c->u.c.keys, c->u.c.len * sizeof(*keys));
                        c->u.c.keys = keys;
                }
                c->u.c.cap = cap;
        }
        if (c->type == JSON_OBJECT)
                c->u.c.keys[c->u.c.len] = steal_pointer(&b->key);
        c->u.c.vals[c->u.c.len++] = v;
        return 1;
}

static int open_container(struct builder *b, enum json_type t)
{
        struct json *c = node_new(b, t);
        attach(b, c);
        if (b->depth == b->cap) {
                b->cap = b->cap ? 2 * b->cap : 16;
                b->stack = xrealloc(b->stack, b->cap * sizeof(*b->stack));
        }
        b->stack[b->depth++] = c;
        return 1;
}

static int on_null(void *ctx) { return attach(ctx, node_new(ctx, JSON_NULL)); }

static int on_bool(void *ctx, int v)
{
        struct json *j = node_new(ctx, JSON_BOOL);
        j->u.b = v != 0;
        return attach(ctx, j);
}

static int on_number(void *ctx, const char *s, size_t len)
{
        struct builder *b = ctx;
        struct json *j = node_new(b, JSON_NUMBER);
        j->u.num = arena_strndup(&b->arena, s, len);
        return attach(ctx, j);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
        struct builder *b = ctx;
        struct json *j = node_new(b, JSON_STRING);
        j->u.str = arena_strndup(&b->arena, (const char *)s, len);
        /* C strings end at the first NUL: the getters refuse such a value, naming its field */
        j->nul = memchr(s, '\0', len) != NULL;
        return attach(ctx, j);
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
        struct builder *b = ctx;
        b->key = arena_strndup(&b->arena, (const char *)s, len);
        /* cut at the NUL, "hostname\u0000x" would alias "hostname": stop the parse */
        if (memchr(s, '\0', len)) {
                b->nul_key = true;
                return 0;
        }
        return 1;
}

static int on_start_map(void *ctx) { return open_container(ctx, JSON_OBJECT); }
static int on_start_array(void *ctx) { return open_container(ctx, JSON_ARRAY); }

static int on_end(void *ctx)
{
        struct builder *b = ctx;
        if (b->depth > 0)
                b->depth--;
        return 1;
}

static const yajl_callbacks callbacks = {
        .yajl_null = on_null,
        .yajl_boolean = on_bool,
        .yajl_number = on_number,
        .yajl_string = on_string,
        .yajl_start_map = on_start_map,
        .yajl_map_key = on_key,
        .yajl_end_map = on_end,
        .yajl_start_array = on_start_array,
        .yajl_end_array = on_end,
};

/* line and column (1-based) of byte offset off */
static void position(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
        *line = 1;
        *col = 1;
        for (size_t i = 0; i < off && i < len; i++) {
                if (text[i] == '\n') {
                        (*line)++;
                        *col = 1;
                } else {
                        (*col)++;
                }
        }
}

static void handle_freep(yajl_handle *h)
{
        if (*h)
                yajl_free(*h);
}

int json_parse(const char *text, size_t len, struct json **out, struct error **err)
{
        struct builder b = { 0 };
        __attribute__((cleanup(handle_freep))) yajl_handle h = NULL;

        if (memchr(text, '\0', len))
                return error_make(err, 0, "invalid JSON: contains a NUL byte");
        if (check_depth(text, len, err) < 0)
                return error_wrap(err, "invalid JSON");
        h = yajl_alloc(&callbacks, NULL, &b);
        if (!h)
                abort();
        yajl_config(h, yajl_allow_comments, 1);
        yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
        /* yajl counts the offending byte as consumed: point at it */
        size_t off = st == yajl_status_ok ? len : yajl_get_bytes_consumed(h);
        if (st != yajl_status_ok && off > 0)
                off--;
        if (st == yajl_status_ok)
                st = yajl_complete_parse(h);
        free(b.stack);
        if (b.nul_key) {
                size_t line, col;
                cleanup_free char *q = json_quote(b.key, 64);
                position(text, len, off, &line, &col);
                arena_free(b.arena);
                return error_make(err, 0, "invalid JSON: line %zu, column %zu: the key starting %s "
                                  "holds a NUL byte (\\u0000)", line, col, q);
        }
        if (st != yajl_status_ok || !b.root) {
                unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)text, len);
                size_t line, col;
                /* yajl ends its message with a newline */
                for (size_t n = msg ? strlen((char *)msg) : 0; n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '); n--)
                        msg[n - 1] = '\0';
                position(text, len, off, &line, &col);
                error_make(err, 0, "invalid JSON: line %zu, column %zu: %s", line, col,
                           msg ? (const char *)msg : "parse error");
                if (msg)
                        yajl_free_error(h, msg);
                arena_free(b.arena);
                return -1;
        }
        /* nothing points at the root: it moves next to its arena, for json_free */
        struct json_doc *doc = xmalloc(sizeof(*doc));
        doc->arena = b.arena;
        doc->root = *b.root;
        *out = &doc->root;
        return 0;
}

void json_free(struct json *root)
{
        if (!root)
                return;
        struct json_doc *doc = (struct json_doc *)((char *)root - offsetof(struct json_doc, root));
        arena_free(doc->arena);
        free(doc);
}

enum json_type json_type(const struct json *j)
{
        return j ? j->type : JSON_NULL;
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
        if (json_type(obj) != JSON_OBJECT)
                return NULL;
        /* the last duplicate wins, as in Go's encoding/json which runc uses */
        for (size_t i = obj->u.c.len; i-- > 0;)
                if (strcmp(obj->u.c.keys[i], key) == 0)
                        return obj->u.c.vals[i];
        return NULL;
}

size_t json_object_size(const struct json *obj)
{
        return json_type(obj) == JSON_OBJECT ? obj->u.c.len : 0;
}

const char *json_object_key(const struct json *obj, size_t i)
{
        return obj->u.c.keys[i];
}

const struct json *json_object_value(const struct json *obj, size_t i)
{
        return obj->u.c.vals[i];
}

size_t json_array_size(const struct json *arr)
{
        return json_type(arr) == JSON_ARRAY ? arr->u.c.len : 0;
}

const struct json *json_array_get(const struct json *arr, size_t i)
{
        return arr->u.c.vals[i];
}

const char *json_string(const struct json *j)
{
        return json_type(j) == JSON_STRING ? j->u.str : NULL;
}

bool json_string_has_nul(const struct json *j)
{
        return json_type(j) == JSON_STRING && j->nul;
}

bool json_bool(const struct json *j)
{
        return json_type(j) == JSON_BOOL && j->u.b;
}

bool json_is_integer(const struct json *j)
{
        return json_type(j) == JSON_NUMBER && !strpbrk(j->u.num, ".eE");
}

bool json_int64(const struct json *j, int64_t *out)
{
        return json_is_integer(j) && parse_int64(j->u.num, out) == 0;
}

bool json_uint64(const struct json *j, uint64_t *out)
{
        return json_is_integer(j) && parse_uint64(j->u.num, out) == 0;
}

bool json_double(const struct json *j, double *out)
{
        if (json_type(j) != JSON_NUMBER)
                return false;
        char *end;
        errno = 0;
        double d = strtod(j->u.num, &end);
        if (*end || errno == ERANGE)
                return false;
        *out = d;
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
        switch (json_type(j)) {
        case JSON_NULL: return xstrdup("null");
        case JSON_BOOL: return xstrdup(j->u.b ? "true" : "false");
        case JSON_NUMBER: return xstrdup(j->u.num);
        case JSON_STRING: return json_quote(j->u.str, 64);
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
