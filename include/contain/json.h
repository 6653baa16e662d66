/* The only interface to JSON: a parsed tree with typed accessors, and a writer.  Every yajl
 * call lives in src/spec/json.c behind these functions. */
#ifndef CONTAIN_JSON_H
#define CONTAIN_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contain/error.h"

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_OBJECT, JSON_ARRAY };

struct json;    /* a node of a parsed document; owned by the document's root */

/* Parses text (len bytes); on failure the error says where ("line 3, column 7: ..."). */
int json_parse(const char *text, size_t len, struct json **out, struct error **err);
void json_free(struct json *root);     /* only on the root returned by json_parse */
static inline void json_freep(struct json **j) { json_free(*j); }
#define cleanup_json __attribute__((cleanup(json_freep)))

enum json_type json_type(const struct json *j);
const char *json_type_name(enum json_type t); /* "a string", "an integer", ... for messages */

/* Objects: NULL when absent.  Keys keep document order. */
const struct json *json_get(const struct json *obj, const char *key);
size_t json_object_size(const struct json *obj);
const char *json_object_key(const struct json *obj, size_t i);
const struct json *json_object_value(const struct json *obj, size_t i);

size_t json_array_size(const struct json *arr);
const struct json *json_array_get(const struct json *arr, size_t i);

const char *json_string(const struct json *j);  /* NULL unless a string */
/* True when a string's JSON text held \u0000: json_string() then stops at it, so every
 * reader of a config refuses such a value instead of taking the truncated prefix. */
bool json_string_has_nul(const struct json *j);
bool json_bool(const struct json *j);
/* Numbers: false when not a number or not an integer in range. */
bool json_is_integer(const struct json *j);
bool json_int64(const struct json *j, int64_t *out);
bool json_uint64(const struct json *j, uint64_t *out);
bool json_double(const struct json *j, double *out);
/* The literal source text of a scalar (for error messages: got "64M", got 1.5). */
char *json_repr(const struct json *j);
/* s as a JSON string literal, escaped, cut after max bytes with "..." (for messages). */
char *json_quote(const char *s, size_t max);

/* Writer: builds a document in memory.  Errors only on misuse (unbalanced calls), which abort. */
struct json_writer;
struct json_writer *json_writer_new(bool pretty);
void json_writer_free(struct json_writer *w);
static inline void json_writer_freep(struct json_writer **w) { if (*w) json_writer_free(*w); }
#define cleanup_json_writer __attribute__((cleanup(json_writer_freep)))
void json_w_object_begin(struct json_writer *w);
void json_w_object_end(struct json_writer *w);
void json_w_array_begin(struct json_writer *w);
void json_w_array_end(struct json_writer *w);
void json_w_key(struct json_writer *w, const char *key);
void json_w_string(struct json_writer *w, const char *s);   /* NULL writes null */
void json_w_int(struct json_writer *w, int64_t v);
void json_w_uint(struct json_writer *w, uint64_t v);
void json_w_double(struct json_writer *w, double v);
void json_w_bool(struct json_writer *w, bool v);
void json_w_null(struct json_writer *w);
/* key + value shorthands */
void json_w_kv_string(struct json_writer *w, const char *key, const char *s);
void json_w_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_w_kv_uint(struct json_writer *w, const char *key, uint64_t v);
void json_w_kv_bool(struct json_writer *w, const char *key, bool v);
void json_w_string_array(struct json_writer *w, const char *key, char *const *v);
/* Returns the document (malloc'd, NUL-terminated); the writer stays valid to be freed. */
char *json_writer_finish(struct json_writer *w, size_t *len);

#endif
