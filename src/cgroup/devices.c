/* Applying the device rules: devices.allow/deny writes in a v1 devices hierarchy, or on cgroup
 * v2 an eBPF program (built by devbpf.c, loaded and attached with libbpf) on the container's
 * cgroup, replacing an earlier one of ours without a moment with none. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "contain/log.h"
#include "contain/util.h"
#include "devices.h"
#include "dynlib.h"

/* how our programs are told apart from programs others attach to the same cgroup */
#define PROG_NAME "contain_devices"

static int load_program(const struct libbpf *bpf, const struct cg_dev_rules *rules, struct error **err)
{
        cleanup_free struct bpf_insn *insns = NULL;
        size_t n = 0;
        cg_dev_bpf_build(rules, &insns, &n);
        int fd = bpf->bpf_prog_load(BPF_PROG_TYPE_CGROUP_DEVICE, PROG_NAME, "Apache-2.0", insns, n, NULL);
        if (fd >= 0)
                return fd;
        /* again with the verifier's log, which says why */
        int e = errno;
        cleanup_free char *vlog = xcalloc(1, 65536);
        LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = vlog, .log_size = 65536, .log_level = 1);
        fd = bpf->bpf_prog_load(BPF_PROG_TYPE_CGROUP_DEVICE, PROG_NAME, "Apache-2.0", insns, n, &opts);
        if (fd >= 0)
                return fd;
        size_t len = strlen(vlog);
        while (len && vlog[len - 1] == '\n')
                vlog[--len] = '\0';
        const char *last = strrchr(vlog, '\n');
        return error_make(err, e, "load the device eBPF program (%zu instructions)%s%s", n,
                          *vlog ? ": verifier: " : "", last ? last + 1 : vlog);
}

static bool is_ours(const struct libbpf *bpf, int prog_fd)
{
        struct bpf_prog_info info;
        uint32_t len = sizeof(info);
        memset(&info, 0, sizeof(info));
        return bpf->bpf_obj_get_info_by_fd(prog_fd, &info, &len) == 0 && strcmp(info.name, PROG_NAME) == 0;
}

/* Our programs attached to the cgroup: *ids malloc'd. */
static int attached(const struct libbpf *bpf, int cg_fd, const char *dir, uint32_t **ids, uint32_t *n, struct error **err)
{
        for (uint32_t cap = 16;; cap *= 4) {
                free(*ids);
                *ids = xcalloc(cap, sizeof(**ids));
                uint32_t cnt = cap, flags = 0;
                if (bpf->bpf_prog_query(cg_fd, BPF_CGROUP_DEVICE, 0, &flags, *ids, &cnt) == 0) {
                        *n = cnt;
                        return 0;
                }
                if (errno != ENOSPC || cap > 4096)
                        return error_make(err, errno, "list the device programs of %s", dir);
        }
}

/* Detaches our programs among ids (those gone meanwhile are skipped). */
static int detach(const struct libbpf *bpf, int cg_fd, const char *dir, const uint32_t *ids, uint32_t n, struct error **err)
{
        for (uint32_t i = 0; i < n; i++) {
                cleanup_close int fd = bpf->bpf_prog_get_fd_by_id(ids[i]);
                if (fd < 0 && errno == ENOENT)
                        continue;
                if (fd < 0)
                        return error_make(err, errno, "open device program %u of %s", ids[i], dir);
                if (!is_ours(bpf, fd))
                        continue;
                if (bpf->bpf_prog_detach2(fd, cg_fd, BPF_CGROUP_DEVICE) < 0 && errno != ENOENT)
                        return error_make(err, errno, "detach device program %u from %s", ids[i], dir);
        }
        return 0;
}

/* A device program loaded and not attached yet: libbpf's handle and the program's fd. */
struct cgroup_devprog {
        struct libbpf lib;
        int prog;
};

void cgroup_devprog_free(struct cgroup_devprog *p)
{
        if (!p)
                return;
        closep(&p->prog);
        libbpf_close(&p->lib);
        free(p);
}

static int load_v2(const struct cg_dev_rules *rules, struct cgroup_devprog **out, struct error **err)
{
        struct cgroup_devprog *p = xcalloc(1, sizeof(*p));
        p->prog = -1;
        if (libbpf_open(&p->lib, err) < 0) {
                cgroup_devprog_free(p);
                return error_wrap(err, "cgroup v2 device rules need libbpf");
        }
        p->prog = load_program(&p->lib, rules, err);
        if (p->prog < 0) {
                cgroup_devprog_free(p);
                return -1;
        }
        *out = p;
        return 0;
}

static int attach_v2(const char *dir, const struct cgroup_devprog *p, struct error **err)
{
        cleanup_close int cg_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cg_fd < 0)
                return error_make(err, errno, "open cgroup %s", dir);
        const struct libbpf *bpf = &p->lib;
        cleanup_free uint32_t *old = NULL;
        uint32_t n_old = 0;
        if (attached(bpf, cg_fd, dir, &old, &n_old, err) < 0)
                return -1;
        /* the new program first, then the old ones go: never a moment without rules */
        if (bpf->bpf_prog_attach(p->prog, cg_fd, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI) < 0)
                return error_make(err, errno, "attach the device eBPF program to %s", dir);
        return detach(bpf, cg_fd, dir, old, n_old, err);
}

static int apply_v1(const char *dir, const struct cg_dev_rules *rules, size_t n_config, struct error **err)
{
        if (cg_dev_rules_v1_check(rules, n_config, err) < 0)
                return -1;
        cleanup_cg_settings struct cg_settings s = { 0 };
        cg_dev_rules_v1(rules, &s);
        for (size_t i = 0; i < s.n; i++)
                if (cg_write(dir, s.v[i].file, s.v[i].value, err) < 0)
                        return -1;
        return 0;
}

int cgroup_devices_preload(const struct cgroup *cg, const struct spec_resources *res, struct cgroup_devprog **out,
                           struct error **err)
{
        *out = NULL;
        if (cg->mgr == CGROUP_MANAGER_DISABLED || cg_v1_hier(cg, "devices") || !cg_v2_hier(cg))
                return 0;
        cleanup_cg_dev_rules struct cg_dev_rules rules = { 0 };
        cg_dev_rules_build(res, &rules);
        if (load_v2(&rules, out, err) < 0)
                return error_wrap(err, "apply the device rules of cgroup %s", cg->path);
        return 0;
}

int cgroup_apply_devices_preloaded(const struct cgroup *cg, const struct cgroup_devprog *p, struct error **err)
{
        const struct cg_hier *h = cg_v2_hier(cg);
        if (!h)
                return error_make(err, EINVAL, "apply the device rules of cgroup %s: no cgroup2 hierarchy", cg->path);
        if (attach_v2(h->dir, p, err) < 0)
                return error_wrap(err, "apply the device rules of cgroup %s", cg->path);
        return 0;
}

int cgroup_apply_devices(const struct cgroup *cg, const struct spec_resources *res, struct error **err)
{
        if (cg->mgr == CGROUP_MANAGER_DISABLED) {
                /* nothing then stops a container with CAP_MKNOD from using any device */
                if (res->n_devices)
                        log_warning("linux.resources.devices: cgroups are disabled (--cgroup-manager=disabled); "
                                    "device rules are not applied");
                return 0;
        }
        cleanup_cg_dev_rules struct cg_dev_rules rules = { 0 };
        cg_dev_rules_build(res, &rules);
        const struct cg_hier *h = cg_v1_hier(cg, "devices");
        int r = 0;
        if (h)
                r = apply_v1(h->dir, &rules, res->n_devices, err);
        else if ((h = cg_v2_hier(cg))) {
                struct cgroup_devprog *p = NULL;
                r = load_v2(&rules, &p, err);
                if (r == 0)
                        r = attach_v2(h->dir, p, err);
                cgroup_devprog_free(p);
        }
        else
                log_debug("cgroup: %s: no devices hierarchy and no cgroup2; device rules not applied", cg->path);
        return r < 0 ? error_wrap(err, "apply the device rules of cgroup %s", cg->path) : 0;
}

void cg_detach_devices(const struct cgroup *cg)
{
        const struct cg_hier *h = cg_v2_hier(cg);
        /* a cgroup we made goes next, and its programs with it: loading libbpf to detach
         * them first would cost every delete ~0.3 ms */
        if (!h || cg_v1_hier(cg, "devices") || h->created > 0)
                return;
        cleanup_close int cg_fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cg_fd < 0)
                return;         /* already gone: so are its programs */
        cleanup_free uint32_t *ids = NULL;
        uint32_t n = 0;
        struct error *e = NULL;
        cleanup_libbpf struct libbpf bpf = { 0 };
        if (libbpf_open(&bpf, &e) < 0 || attached(&bpf, cg_fd, h->dir, &ids, &n, &e) < 0 ||
            detach(&bpf, cg_fd, h->dir, ids, n, &e) < 0) {
                log_debug("cgroup: %s", e->msg);
                error_free(e);
        }
}
