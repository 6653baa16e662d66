/* Writing a list of v1 settings the way the kernel accepts them: files whose values are checked
 * against each other (memory against memory+swap, the cfs and rt quota against their period)
 * are retried in the other order, the weights go to the BFQ scheduler's files too (beside the
 * CFQ ones it replaced, or cgroup2's iocost), and a realtime runtime the parents have no
 * budget for is granted to them first (rt_budget.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "contain/log.h"
#include "contain/util.h"
#include "internal.h"

/* Files the kernel checks against a partner: the first may need the partner written first. */
static const struct {
        const char *file, *partner;
} v1_pairs[] = {
        { "memory.limit_in_bytes", "memory.memsw.limit_in_bytes" },
        { "cpu.cfs_period_us", "cpu.cfs_quota_us" },
        { "cpu.rt_period_us", "cpu.rt_runtime_us" },
};

static const char *partner_of(const char *file)
{
        for (size_t i = 0; i < ARRAY_SIZE(v1_pairs); i++)
                if (strcmp(v1_pairs[i].file, file) == 0)
                        return v1_pairs[i].partner;
        return NULL;
}

const char *cg_v1_checked_with(const char *file)
{
        for (size_t i = 0; i < ARRAY_SIZE(v1_pairs); i++)
                if (strcmp(v1_pairs[i].partner, file) == 0)
                        return v1_pairs[i].file;
        return partner_of(file);
}

/* The weight file of the BFQ I/O scheduler beside the one of its kind: blkio.weight was CFQ's
 * (gone since Linux 5.0), io.weight is blk-iocost's (cgroup2) */
static const char *bfq_file_of(const char *file)
{
        if (strcmp(file, "blkio.weight") == 0)
                return "blkio.bfq.weight";
        if (strcmp(file, "blkio.weight_device") == 0)
                return "blkio.bfq.weight_device";
        if (strcmp(file, "io.weight") == 0)
                return "io.bfq.weight";
        return NULL;
}

/* io.weight (1..10000) back to the BFQ scale (blkio's 10..1000, rounded so a weight that went
 * through cg_blkio_to_io_weight comes back as it was), keeping a "default " or "MAJ:MIN " head. */
static char *io_weight_to_bfq(const char *value)
{
        const char *num = strrchr(value, ' ');
        num = num ? num + 1 : value;
        uint64_t w = strtoull(num, NULL, 10);
        uint64_t bfq = w <= 1 ? 10 : 10 + ((w - 1) * 990 + 4999) / 9999;
        return xasprintf("%.*s%" PRIu64, (int)(num - value), value, bfq > 1000 ? 1000 : bfq);
}

/* A weight for one device ("MAJ:MIN W"), not the cgroup's default ("W", "default W"). */
static bool per_device(const char *value)
{
        return strchr(value, ':') != NULL;
}

/* Writes one weight file: *taken when it took the value; a device weight its policy does not
 * run that device for (EOPNOTSUPP) is kept in *refused, any other failure is the error. */
static int write_weight_file(const char *dir, const char *file, const char *value, bool *taken,
                             struct error **refused, struct error **err)
{
        struct error *e = NULL;
        if (cg_write(dir, file, value, &e) == 0) {
                *taken = true;
                return 0;
        }
        if (!per_device(value) || e->errnum != EOPNOTSUPP) {
                *err = e;
                return -1;
        }
        if (*refused)
                error_free(e);
        else
                *refused = e;
        return 0;
}

int cg_write_weight(const char *dir, const char *file, const char *value, struct error **err)
{
        const char *bfq = bfq_file_of(file);
        if (!bfq || !cg_file_exists(dir, bfq))
                return cg_write(dir, file, value, err);
        /* Both kinds may be there (cgroup2 with iocost built in and the bfq module loaded; they
         * weigh different devices): the weight goes to each, as systemd's IOWeight= does.
         * runc writes io.bfq.weight alone when it exists, which leaves iocost devices
         * unweighted.  A device's weight only needs to be taken by one of them. */
        cleanup_free char *v = strcmp(file, "io.weight") == 0 ? io_weight_to_bfq(value) : xstrdup(value);
        cleanup_error struct error *refused = NULL;
        bool taken = false;
        if (cg_file_exists(dir, file) && write_weight_file(dir, file, value, &taken, &refused, err) < 0)
                return -1;
        if (write_weight_file(dir, bfq, v, &taken, &refused, err) < 0)
                return -1;
        if (!taken) {
                *err = steal_pointer(&refused);
                return -1;
        }
        return 0;
}

/* One retry after EINVAL: what the kernel needs first, then the setting again. */
static int retry_after_einval(const char *dir, const struct cg_settings *s, size_t i, bool *done,
                              struct error **err)
{
        const struct cg_setting *st = &s->v[i];
        const char *partner = partner_of(st->file);
        size_t k = i + 1;
        while (partner && k < s->n && strcmp(s->v[k].file, partner) != 0)
                k++;
        if (partner && k < s->n && cg_file_exists(dir, partner)) {
                /* the partner of this update first: e.g. a quota that fits the old period */
                error_freep(err);
                if (cg_write(dir, partner, s->v[k].value, err) < 0)
                        return -1;
                done[k] = true;
                return cg_write(dir, st->file, st->value, err);
        }
        if (strcmp(st->file, "memory.limit_in_bytes") == 0 && strcmp(st->value, "-1") == 0 &&
            cg_file_exists(dir, "memory.memsw.limit_in_bytes")) {
                /* unlimited memory under a swap limit: memory+swap may not be below memory */
                error_freep(err);
                if (cg_write(dir, "memory.memsw.limit_in_bytes", "-1", err) < 0)
                        return -1;
                return cg_write(dir, st->file, st->value, err);
        }
        if (strcmp(st->file, "cpu.rt_runtime_us") == 0) {
                /* the parents lack the realtime budget (rt_budget.c) */
                error_freep(err);
                return cg_rt_write_runtime(dir, st->value, err);
        }
        return -1;
}

int cg_write_v1_settings(const struct cgroup *cg, const struct cg_settings *s, char *const *controllers,
                         struct error **err)
{
        cleanup_free bool *done = xcalloc(s->n + 1, sizeof(bool));
        for (size_t i = 0; i < s->n; i++) {
                const struct cg_setting *st = &s->v[i];
                if (done[i] || !strv_contains(controllers, st->controller))
                        continue;
                const char *dir = cg_v1_hier(cg, st->controller)->dir;
                if (strcmp(st->file, "memory.memsw.limit_in_bytes") == 0 && !cg_file_exists(dir, st->file)) {
                        log_debug("cgroup: %s: no swap accounting on this host; memory.swap not applied", dir);
                        continue;
                }
                if (strncmp(st->file, "memory.kmem.", 12) == 0 && !cg_file_exists(dir, st->file)) {
                        /* kernels without kernel memory accounting (CONFIG_MEMCG_KMEM off) */
                        log_warning("linux.resources.memory.kernelTCP: this kernel has no %s; not applied",
                                    st->file);
                        continue;
                }
                if (cg_write_weight(dir, st->file, st->value, err) == 0)
                        continue;
                if ((*err)->errnum != EINVAL || retry_after_einval(dir, s, i, done, err) < 0)
                        return -1;
        }
        return 0;
}
