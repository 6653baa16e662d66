/* Undoing a refused update: what its files held before it, written back when the kernel
 * refuses one of its writes halfway, so that an update either applies or changes nothing
 * (review35: shares written, then the quota refused, left the new shares). */
#include <string.h>

#include "contain/util.h"
#include "internal.h"

static void save(struct cg_undo *u, const char *dir, const char *file)
{
        if (!file)
                return;
        for (size_t i = 0; i < u->n; i++)
                if (strcmp(u->dir[i], dir) == 0 && strcmp(u->file[i], file) == 0)
                        return;
        cleanup_free char *value = NULL;
        struct error *e = NULL;
        if (cg_read(dir, file, &value, &e) < 0) {       /* not there: nothing to put back */
                error_free(e);
                return;
        }
        size_t len = strcspn(value, "\n");
        if (value[len] && value[len + 1])               /* several lines: not saved */
                return;
        value[len] = '\0';
        u->dir = xrealloc(u->dir, (u->n + 1) * sizeof(*u->dir));
        u->file = xrealloc(u->file, (u->n + 1) * sizeof(*u->file));
        u->value = xrealloc(u->value, (u->n + 1) * sizeof(*u->value));
        u->dir[u->n] = xstrdup(dir);
        u->file[u->n] = xstrdup(file);
        u->value[u->n++] = steal_pointer(&value);
}

void cg_undo_take(const struct cgroup *cg, const struct spec_resources *res, struct cg_undo *u)
{
        *u = (struct cg_undo){ 0 };
        cleanup_cg_settings struct cg_settings s2 = { 0 }, s1 = { 0 };
        struct error *e = NULL;
        if (cg_convert_v2(res, &s2, &e) < 0 || cg_convert_v1(res, &s1, &e) < 0) {
                error_free(e);          /* the update itself will say so */
                return;
        }
        const struct cg_hier *h2 = cg_v2_hier(cg);
        for (size_t i = 0; i < s2.n; i++)
                if (h2 && cg_v2_has_controller(h2->dir, s2.v[i].controller))
                        save(u, h2->dir, s2.v[i].file);
        for (size_t i = 0; i < s1.n; i++) {
                const struct cg_hier *h1 = cg_v1_hier(cg, s1.v[i].controller);
                if (!h1 || (h2 && cg_v2_has_controller(h2->dir, s1.v[i].controller)))
                        continue;
                save(u, h1->dir, s1.v[i].file);
                save(u, h1->dir, cg_v1_checked_with(s1.v[i].file));
        }
}

size_t cg_undo_restore(const struct cg_undo *u)
{
        cleanup_free bool *done = xcalloc(u->n + 1, sizeof(bool));
        size_t left = u->n;
        for (bool progress = true; left && progress;) {
                progress = false;
                for (size_t i = u->n; i-- > 0;) {
                        if (done[i])
                                continue;
                        cleanup_free char *now = NULL;
                        struct error *e = NULL;
                        if (cg_read(u->dir[i], u->file[i], &now, &e) == 0) {
                                now[strcspn(now, "\n")] = '\0';
                                done[i] = strcmp(now, u->value[i]) == 0;
                        }
                        error_free(e);
                        e = NULL;
                        if (!done[i] && cg_write(u->dir[i], u->file[i], u->value[i], &e) == 0)
                                done[i] = true;
                        error_free(e);
                        if (done[i]) {
                                left--;
                                progress = true;
                        }
                }
        }
        return left;
}

void cg_undo_free(struct cg_undo *u)
{
        for (size_t i = 0; i < u->n; i++) {
                free(u->dir[i]);
                free(u->file[i]);
                free(u->value[i]);
        }
        free(u->dir);
        free(u->file);
        free(u->value);
        *u = (struct cg_undo){ 0 };
}
