/* cgroup v2 specifics: handing controllers down the tree and the cgroup.freeze protocol. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

static bool word_in(const char *text, const char *word)
{
        size_t n = strlen(word);
        for (const char *p = text; (p = strstr(p, word)); p += n)
                if ((p == text || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
                        return true;
        return false;
}

/* A child only sees the controllers its parent lists in cgroup.subtree_control, so every
 * ancestor between the mount and dir's parent hands the wanted ones down. */
int cg_v2_enable(const char *mountpoint, const char *dir, char *const *controllers, struct error **err)
{
        (void)err;
        size_t mlen = strlen(mountpoint);
        cleanup_free char *anc = xstrdup(mountpoint);
        const char *rest = dir + mlen;

        while (*rest == '/') {
                const char *next = strchr(rest + 1, '/');
                cleanup_free char *avail = NULL, *enabled = NULL;
                struct error *e = NULL;
                if (cg_read(anc, "cgroup.controllers", &avail, &e) < 0 ||
                    cg_read(anc, "cgroup.subtree_control", &enabled, &e) < 0) {
                        log_debug("cgroup: %s", e->msg);
                        error_free(e);
                        return 0;       /* the leaf's cgroup.controllers check says what is missing */
                }
                for (char *const *c = controllers; c && *c; c++) {
                        if (!word_in(avail, *c) || word_in(enabled, *c))
                                continue;
                        cleanup_free char *plus = xasprintf("+%s", *c);
                        if (cg_write(anc, "cgroup.subtree_control", plus, &e) < 0) {
                                log_debug("cgroup: enable %s: %s", *c, e->msg);
                                error_free(e);
                                e = NULL;
                        }
                }
                if (!next)
                        break;          /* rest is the leaf itself */
                char *n = xasprintf("%s%.*s", anc, (int)(next - rest), rest);
                free(anc);
                anc = n;
                rest = next;
        }
        return 0;
}

static void nap(int *us)
{
        struct timespec ts = { 0, (long)*us * 1000 };
        nanosleep(&ts, NULL);
        if (*us < 20000)
                *us *= 2;
}

int cg_v2_freeze(const char *dir, bool frozen, struct error **err)
{
        if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
                return -1;
        /* the kernel freezes asynchronously; cgroup.events says when every task has stopped */
        int us = 500;
        for (int waited = 0; waited < 10000000; waited += us) {
                cleanup_free char *ev = NULL;
                uint64_t v;
                if (cg_read(dir, "cgroup.events", &ev, err) < 0)
                        return -1;
                if (cg_keyed(ev, "frozen", &v) && (v == 1) == frozen)
                        return 0;
                nap(&us);
        }
        return error_make(err, ETIMEDOUT, "%s: cgroup.events did not report frozen %d", dir, frozen);
}

int cg_v1_freeze(const char *dir, bool frozen, struct error **err)
{
        const char *want = frozen ? "FROZEN" : "THAWED";
        int us = 500;
        for (int waited = 0, i = 0; waited < 10000000; waited += us, i++) {
                cleanup_free char *st = NULL;
                /* a FREEZING cgroup may need the request again once a busy task is caught */
                if (i % 10 == 0 && cg_write(dir, "freezer.state", want, err) < 0)
                        return -1;
                if (cg_read(dir, "freezer.state", &st, err) < 0)
                        return -1;
                if (strncmp(st, want, strlen(want)) == 0)
                        return 0;
                nap(&us);
        }
        if (frozen) {
                struct error *e = NULL;
                cg_write(dir, "freezer.state", "THAWED", &e);
                error_free(e);
        }
        return error_make(err, ETIMEDOUT, "%s: freezer.state did not become %s", dir, want);
}
