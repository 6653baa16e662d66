/* A minimal TAP producer for the C unit tests (meson test, protocol 'tap'): ok()/is_*() print
 * one "ok N - name" line each, tap_done() prints the plan and returns the exit status. */
#ifndef CONTAIN_TESTS_TAP_H
#define CONTAIN_TESTS_TAP_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct tap {
        int n;
        int failed;
};

static inline bool tap_ok(struct tap *t, bool cond, const char *name, const char *file, int line)
{
        t->n++;
        printf("%sok %d - %s\n", cond ? "" : "not ", t->n, name);
        if (!cond) {
                t->failed++;
                printf("#   failed at %s:%d\n", file, line);
        }
        fflush(stdout);
        return cond;
}

#define ok(t, cond, name) tap_ok((t), (cond), (name), __FILE__, __LINE__)

#define is_str(t, got, want, name) ({                                                   \
        const char *g_ = (got), *w_ = (want);                                           \
        bool r_ = ok((t), g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, (name));           \
        if (!r_)                                                                        \
                printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
        r_;                                                                             \
})

#define is_u64(t, got, want, name) ({                                                   \
        uint64_t g_ = (got), w_ = (want);                                               \
        bool r_ = ok((t), g_ == w_, (name));                                            \
        if (!r_)                                                                        \
                printf("#   got:  %" PRIu64 "\n#   want: %" PRIu64 "\n", g_, w_);       \
        r_;                                                                             \
})

#define has_substr(t, got, want, name) ({                                               \
        const char *g_ = (got), *w_ = (want);                                           \
        bool r_ = ok((t), g_ && strstr(g_, w_), (name));                                \
        if (!r_)                                                                        \
                printf("#   got:  '%s'\n#   want substring: '%s'\n", g_ ? g_ : "(null)", w_); \
        r_;                                                                             \
})

static inline int tap_done(struct tap *t)
{
        printf("1..%d\n", t->n);
        return t->failed ? 1 : 0;
}

#endif
