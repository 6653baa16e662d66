/* linux.intelRdt through the resctrl filesystem: a group per container (or the shared one
 * closID names), its schemata lines, the processes' pids in its tasks file, and monitoring
 * checked against what the host's resctrl offers.  Run by the runtime, not the init. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

static bool path_exists(const char *root, const char *rel)
{
        cleanup_free char *p = xasprintf("%s/%s", root, rel);
        return access(p, F_OK) == 0;
}

/* True when root/info/L3_MON/mon_features lists feature (one name per line). */
static bool mon_feature(const char *root, const char *feature)
{
        cleanup_free char *path = xasprintf("%s/info/L3_MON/mon_features", root);
        cleanup_free char *text = NULL;
        size_t len;
        struct error *e = NULL;
        if (read_file_at(AT_FDCWD, path, 4096, &text, &len, &e) < 0) {
                error_free(e);
                return false;
        }
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strcmp(line, feature) == 0)
                        return true;
        }
        return false;
}

/* What the config asks that this host's resctrl cannot give, named by field. */
static int resctrl_check(const char *root, const struct spec_intel_rdt *rdt, struct error **err)
{
        if (!path_exists(root, "info"))
                return error_make(err, ENOTSUP, "linux.intelRdt: no resctrl filesystem at %s (the CPU has no "
                                  "RDT/QoS support, the kernel lacks CONFIG_X86_CPU_RESCTRL, or it is not mounted)",
                                  root);
        if (rdt->l3_cache_schema && !path_exists(root, "info/L3"))
                return error_make(err, ENOTSUP, "linux.intelRdt.l3CacheSchema: this host's resctrl has no L3 "
                                  "cache allocation (%s/info/L3)", root);
        if (rdt->mem_bw_schema && !path_exists(root, "info/MB"))
                return error_make(err, ENOTSUP, "linux.intelRdt.memBwSchema: this host's resctrl has no memory "
                                  "bandwidth allocation (%s/info/MB)", root);
        if (rdt->enable_monitoring && !path_exists(root, "info/L3_MON"))
                return error_make(err, ENOTSUP, "linux.intelRdt.enableMonitoring: this host's resctrl has no "
                                  "monitoring (%s/info/L3_MON)", root);
        if (rdt->enable_cmt && !mon_feature(root, "llc_occupancy"))
                return error_make(err, ENOTSUP, "linux.intelRdt.enableCMT: this host's resctrl does not monitor "
                                  "llc_occupancy");
        if (rdt->enable_mbm && !mon_feature(root, "mbm_total_bytes") && !mon_feature(root, "mbm_local_bytes"))
                return error_make(err, ENOTSUP, "linux.intelRdt.enableMBM: this host's resctrl does not monitor "
                                  "memory bandwidth");
        return 0;
}

/* Writes a field's schema (lines like "L3:0=ff;1=f0") to the group's schemata file in one
 * write, which the kernel parses line by line; on failure its info/last_cmd_status says why. */
static int write_schema(const char *root, const char *group, const char *schema, const char *field,
                        struct error **err)
{
        if (!schema || !*schema)
                return 0;
        cleanup_free char *path = xasprintf("%s/schemata", group);
        cleanup_free char *text = xasprintf("%s\n", schema);
        if (write_file_at(AT_FDCWD, path, text, err) == 0)
                return 0;
        cleanup_free char *status_path = xasprintf("%s/info/last_cmd_status", root);
        cleanup_free char *status = NULL;
        size_t len;
        struct error *e = NULL;
        if (read_file_at(AT_FDCWD, status_path, 512, &status, &len, &e) == 0 && len) {
                status[strcspn(status, "\n")] = '\0';
                error_wrap(err, "%s (resctrl: %s)", field, status);
        } else {
                error_wrap(err, "%s", field);
        }
        error_free(e);
        return -1;
}

static char *join_lines(char *const *v)
{
        char *out = xstrdup("");
        for (size_t i = 0; v && v[i]; i++) {
                char *next = xasprintf("%s%s%s", out, i ? "\n" : "", v[i]);
                free(out);
                out = next;
        }
        return out;
}

/* With monitoring in a shared closID group, the container's own numbers come from a
 * monitoring group of its own under it; else the group itself monitors. NULL: none. */
static char *mon_group_path(const char *root, const struct spec_intel_rdt *rdt, const char *id)
{
        if (!rdt->enable_monitoring || !rdt->clos_id)
                return NULL;
        return xasprintf("%s/%s/mon_groups/%s", root, rdt->clos_id, id);
}

char *resctrl_group_path(const char *root, const struct spec_intel_rdt *rdt, const char *id)
{
        return xasprintf("%s/%s", root, rdt->clos_id ? rdt->clos_id : id);
}

int resctrl_join(const char *root, const struct spec_intel_rdt *rdt, const char *id, pid_t pid,
                 struct error **err)
{
        if (!rdt->present)
                return 0;
        if (resctrl_check(root, rdt, err) < 0)
                return -1;
        cleanup_free char *group = resctrl_group_path(root, rdt, id);
        /* a closID group may exist already: containers that name it share it */
        if (mkdir(group, 0755) < 0 && !(errno == EEXIST && rdt->clos_id))
                return error_make(err, errno, "linux.intelRdt%s: mkdir %s", rdt->clos_id ? ".closID" : "", group);
        /* schemata (1.3) replaces the two single-resource fields */
        if (rdt->schemata) {
                cleanup_free char *lines = join_lines(rdt->schemata);
                if (write_schema(root, group, lines, "linux.intelRdt.schemata", err) < 0)
                        return -1;
        } else if (write_schema(root, group, rdt->l3_cache_schema, "linux.intelRdt.l3CacheSchema", err) < 0 ||
                   write_schema(root, group, rdt->mem_bw_schema, "linux.intelRdt.memBwSchema", err) < 0) {
                return -1;
        }
        cleanup_free char *mon = mon_group_path(root, rdt, id);
        if (mon && mkdir(mon, 0755) < 0 && errno != EEXIST)
                return error_make(err, errno, "linux.intelRdt.enableMonitoring: mkdir %s", mon);
        /* a pid written to a monitoring group's tasks joins its parent group too */
        cleanup_free char *tasks = xasprintf("%s/tasks", mon ? mon : group);
        char buf[24];
        snprintf(buf, sizeof(buf), "%d", (int)pid);
        if (write_file_at(AT_FDCWD, tasks, buf, err) < 0)
                return error_wrap(err, "linux.intelRdt: add pid %d to the group", (int)pid);
        return 0;
}

int resctrl_remove(const char *root, const struct spec_intel_rdt *rdt, const char *id, struct error **err)
{
        if (!rdt->present)
                return 0;
        /* a closID group is shared (or the admin's): only a group of our own goes */
        cleanup_free char *mon = mon_group_path(root, rdt, id);
        if (mon && rmdir(mon) < 0 && errno != ENOENT)
                return error_make(err, errno, "linux.intelRdt.enableMonitoring: rmdir %s", mon);
        if (rdt->clos_id)
                return 0;
        cleanup_free char *group = resctrl_group_path(root, rdt, id);
        if (rmdir(group) < 0 && errno != ENOENT)
                return error_make(err, errno, "linux.intelRdt: rmdir %s", group);
        return 0;
}
