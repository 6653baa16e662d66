/* struct spec → config.json text, the inverse of the parser: every field the model holds is
 * written (absent ones are left out), so spec_parse(spec_to_json(s)) gives s back. */
#include <string.h>

#include "spec_internal.h"

static void w_strv_opt(struct json_writer *w, const char *key, char *const *v)
{
        if (v)
                json_w_string_array(w, key, v);
}

static void w_str_opt(struct json_writer *w, const char *key, const char *s)
{
        if (s)
                json_w_kv_string(w, key, s);
}

static void w_char(struct json_writer *w, const char *key, char c)
{
        char s[2] = { c, '\0' };
        json_w_kv_string(w, key, s);
}

static void w_kv_map(struct json_writer *w, const char *key, const struct spec_kv *kv, size_t n)
{
        if (!kv)
                return;
        json_w_key(w, key);
        json_w_object_begin(w);
        for (size_t i = 0; i < n; i++)
                json_w_kv_string(w, kv[i].key, kv[i].value);
        json_w_object_end(w);
}

static void w_id_mappings(struct json_writer *w, const char *key, const struct spec_id_mapping *m, size_t n)
{
        if (!m)
                return;
        json_w_key(w, key);
        json_w_array_begin(w);
        for (size_t i = 0; i < n; i++) {
                json_w_object_begin(w);
                json_w_kv_uint(w, "containerID", m[i].container_id);
                json_w_kv_uint(w, "hostID", m[i].host_id);
                json_w_kv_uint(w, "size", m[i].size);
                json_w_object_end(w);
        }
        json_w_array_end(w);
}

static void w_user(struct json_writer *w, const struct spec_user *u)
{
        json_w_key(w, "user");
        json_w_object_begin(w);
        json_w_kv_uint(w, "uid", u->uid);
        json_w_kv_uint(w, "gid", u->gid);
        if (u->has_umask)
                json_w_kv_uint(w, "umask", u->umask);
        if (u->additional_gids) {
                json_w_key(w, "additionalGids");
                json_w_array_begin(w);
                for (size_t i = 0; i < u->n_additional_gids; i++)
                        json_w_uint(w, u->additional_gids[i]);
                json_w_array_end(w);
        }
        w_str_opt(w, "username", u->username);
        json_w_object_end(w);
}

static void w_process(struct json_writer *w, const struct spec_process *p)
{
        json_w_key(w, "process");
        json_w_object_begin(w);
        json_w_kv_bool(w, "terminal", p->terminal);
        if (p->has_console_size) {
                json_w_key(w, "consoleSize");
                json_w_object_begin(w);
                json_w_kv_uint(w, "height", p->console_height);
                json_w_kv_uint(w, "width", p->console_width);
                json_w_object_end(w);
        }
        w_user(w, &p->user);
        w_strv_opt(w, "args", p->args);
        w_str_opt(w, "commandLine", p->command_line);
        w_strv_opt(w, "env", p->env);
        w_str_opt(w, "cwd", p->cwd);
        if (p->capabilities.present) {
                const struct spec_capabilities *c = &p->capabilities;
                json_w_key(w, "capabilities");
                json_w_object_begin(w);
                w_strv_opt(w, "bounding", c->bounding);
                w_strv_opt(w, "effective", c->effective);
                w_strv_opt(w, "inheritable", c->inheritable);
                w_strv_opt(w, "permitted", c->permitted);
                w_strv_opt(w, "ambient", c->ambient);
                json_w_object_end(w);
        }
        if (p->rlimits) {
                json_w_key(w, "rlimits");
                json_w_array_begin(w);
                for (size_t i = 0; i < p->n_rlimits; i++) {
                        json_w_object_begin(w);
                        json_w_kv_string(w, "type", p->rlimits[i].type);
                        json_w_kv_uint(w, "hard", p->rlimits[i].hard);
                        json_w_kv_uint(w, "soft", p->rlimits[i].soft);
                        json_w_object_end(w);
                }
                json_w_array_end(w);
        }
        if (p->no_new_privileges)
                json_w_kv_bool(w, "noNewPrivileges", true);
        w_str_opt(w, "apparmorProfile", p->apparmor_profile);
        w_str_opt(w, "selinuxLabel", p->selinux_label);
        if (p->has_oom_score_adj)
                json_w_kv_int(w, "oomScoreAdj", p->oom_score_adj);
        if (p->io_priority.present) {
                json_w_key(w, "ioPriority");
                json_w_object_begin(w);
                json_w_kv_string(w, "class", p->io_priority.class);
                json_w_kv_int(w, "priority", p->io_priority.priority);
                json_w_object_end(w);
        }
        if (p->scheduler.present) {
                const struct spec_scheduler *s = &p->scheduler;
                json_w_key(w, "scheduler");
                json_w_object_begin(w);
                json_w_kv_string(w, "policy", s->policy);
                if (s->has_nice)
                        json_w_kv_int(w, "nice", s->nice);
                if (s->has_priority)
                        json_w_kv_int(w, "priority", s->priority);
                w_strv_opt(w, "flags", s->flags);
                if (s->runtime)
                        json_w_kv_uint(w, "runtime", s->runtime);
                if (s->deadline)
                        json_w_kv_uint(w, "deadline", s->deadline);
                if (s->period)
                        json_w_kv_uint(w, "period", s->period);
                json_w_object_end(w);
        }
        if (p->exec_cpu_affinity.initial || p->exec_cpu_affinity.final) {
                json_w_key(w, "execCPUAffinity");
                json_w_object_begin(w);
                w_str_opt(w, "initial", p->exec_cpu_affinity.initial);
                w_str_opt(w, "final", p->exec_cpu_affinity.final);
                json_w_object_end(w);
        }
        json_w_object_end(w);
}

static void w_mounts(struct json_writer *w, const struct spec *s)
{
        if (!s->mounts)
                return;
        json_w_key(w, "mounts");
        json_w_array_begin(w);
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                json_w_object_begin(w);
                json_w_kv_string(w, "destination", m->destination);
                w_str_opt(w, "type", m->type);
                w_str_opt(w, "source", m->source);
                w_strv_opt(w, "options", m->options);
                w_id_mappings(w, "uidMappings", m->uid_mappings, m->n_uid_mappings);
                w_id_mappings(w, "gidMappings", m->gid_mappings, m->n_gid_mappings);
                json_w_object_end(w);
        }
        json_w_array_end(w);
}

static void w_hooks(struct json_writer *w, const struct spec *s)
{
        bool any = false;

        for (int k = 0; k < HOOK_KIND_COUNT; k++)
                any |= s->hooks[k].hooks != NULL;
        if (!any)
                return;
        json_w_key(w, "hooks");
        json_w_object_begin(w);
        for (int k = 0; k < HOOK_KIND_COUNT; k++) {
                const struct spec_hook_list *l = &s->hooks[k];
                if (!l->hooks)
                        continue;
                json_w_key(w, hook_kind_name(k));
                json_w_array_begin(w);
                for (size_t i = 0; i < l->n; i++) {
                        json_w_object_begin(w);
                        json_w_kv_string(w, "path", l->hooks[i].path);
                        w_strv_opt(w, "args", l->hooks[i].args);
                        w_strv_opt(w, "env", l->hooks[i].env);
                        if (l->hooks[i].has_timeout)
                                json_w_kv_int(w, "timeout", l->hooks[i].timeout);
                        json_w_object_end(w);
                }
                json_w_array_end(w);
        }
        json_w_object_end(w);
}

static void w_time_offset(struct json_writer *w, const char *clock, const struct spec_time_offset *t)
{
        if (!t->present)
                return;
        json_w_key(w, clock);
        json_w_object_begin(w);
        json_w_kv_int(w, "secs", t->secs);
        json_w_kv_uint(w, "nanosecs", t->nanosecs);
        json_w_object_end(w);
}

static void w_devices(struct json_writer *w, const struct spec_linux *l)
{
        if (!l->devices)
                return;
        json_w_key(w, "devices");
        json_w_array_begin(w);
        for (size_t i = 0; i < l->n_devices; i++) {
                const struct spec_device *d = &l->devices[i];
                json_w_object_begin(w);
                json_w_kv_string(w, "path", d->path);
                w_char(w, "type", d->type);
                if (d->type != 'p' || d->major || d->minor) {
                        json_w_kv_int(w, "major", d->major);
                        json_w_kv_int(w, "minor", d->minor);
                }
                if (d->has_file_mode)
                        json_w_kv_uint(w, "fileMode", d->file_mode);
                if (d->has_uid)
                        json_w_kv_uint(w, "uid", d->uid);
                if (d->has_gid)
                        json_w_kv_uint(w, "gid", d->gid);
                json_w_object_end(w);
        }
        json_w_array_end(w);
}

static void w_device_rules(struct json_writer *w, const struct spec_resources *r)
{
        if (!r->devices)
                return;
        json_w_key(w, "devices");
        json_w_array_begin(w);
        for (size_t i = 0; i < r->n_devices; i++) {
                const struct spec_device_rule *d = &r->devices[i];
                json_w_object_begin(w);
                json_w_kv_bool(w, "allow", d->allow);
                if (d->type != 'a')
                        w_char(w, "type", d->type);
                if (d->has_major)
                        json_w_kv_int(w, "major", d->major);
                if (d->has_minor)
                        json_w_kv_int(w, "minor", d->minor);
                w_str_opt(w, "access", d->access);
                json_w_object_end(w);
        }
        json_w_array_end(w);
}

#define W_OPT_INT(w, key, has, v) do { if (has) json_w_kv_int((w), (key), (v)); } while (0)
#define W_OPT_UINT(w, key, has, v) do { if (has) json_w_kv_uint((w), (key), (v)); } while (0)
#define W_OPT_BOOL(w, key, has, v) do { if (has) json_w_kv_bool((w), (key), (v)); } while (0)

static void w_memory(struct json_writer *w, const struct spec_memory *m)
{
        json_w_key(w, "memory");
        json_w_object_begin(w);
        W_OPT_INT(w, "limit", m->has_limit, m->limit);
        W_OPT_INT(w, "reservation", m->has_reservation, m->reservation);
        W_OPT_INT(w, "swap", m->has_swap, m->swap);
        W_OPT_INT(w, "kernel", m->has_kernel, m->kernel);
        W_OPT_INT(w, "kernelTCP", m->has_kernel_tcp, m->kernel_tcp);
        W_OPT_UINT(w, "swappiness", m->has_swappiness, m->swappiness);
        W_OPT_BOOL(w, "disableOOMKiller", m->has_disable_oom_killer, m->disable_oom_killer);
        W_OPT_BOOL(w, "useHierarchy", m->has_use_hierarchy, m->use_hierarchy);
        W_OPT_BOOL(w, "checkBeforeUpdate", m->has_check_before_update, m->check_before_update);
        json_w_object_end(w);
}

static void w_cpu(struct json_writer *w, const struct spec_cpu *c)
{
        json_w_key(w, "cpu");
        json_w_object_begin(w);
        W_OPT_UINT(w, "shares", c->has_shares, c->shares);
        W_OPT_INT(w, "quota", c->has_quota, c->quota);
        W_OPT_UINT(w, "burst", c->has_burst, c->burst);
        W_OPT_UINT(w, "period", c->has_period, c->period);
        W_OPT_INT(w, "realtimeRuntime", c->has_realtime_runtime, c->realtime_runtime);
        W_OPT_UINT(w, "realtimePeriod", c->has_realtime_period, c->realtime_period);
        w_str_opt(w, "cpus", c->cpus);
        w_str_opt(w, "mems", c->mems);
        W_OPT_INT(w, "idle", c->has_idle, c->idle);
        json_w_object_end(w);
}

static void w_throttle(struct json_writer *w, const char *key, const struct spec_blkio_throttle *t, size_t n)
{
        if (!t)
                return;
        json_w_key(w, key);
        json_w_array_begin(w);
        for (size_t i = 0; i < n; i++) {
                json_w_object_begin(w);
                json_w_kv_int(w, "major", t[i].major);
                json_w_kv_int(w, "minor", t[i].minor);
                json_w_kv_uint(w, "rate", t[i].rate);
                json_w_object_end(w);
        }
        json_w_array_end(w);
}

static void w_blkio(struct json_writer *w, const struct spec_blkio *b)
{
        json_w_key(w, "blockIO");
        json_w_object_begin(w);
        W_OPT_UINT(w, "weight", b->has_weight, b->weight);
        W_OPT_UINT(w, "leafWeight", b->has_leaf_weight, b->leaf_weight);
        if (b->weight_devices) {
                json_w_key(w, "weightDevice");
                json_w_array_begin(w);
                for (size_t i = 0; i < b->n_weight_devices; i++) {
                        const struct spec_blkio_weight_device *d = &b->weight_devices[i];
                        json_w_object_begin(w);
                        json_w_kv_int(w, "major", d->major);
                        json_w_kv_int(w, "minor", d->minor);
                        W_OPT_UINT(w, "weight", d->has_weight, d->weight);
                        W_OPT_UINT(w, "leafWeight", d->has_leaf_weight, d->leaf_weight);
                        json_w_object_end(w);
                }
                json_w_array_end(w);
        }
        w_throttle(w, "throttleReadBpsDevice", b->throttle_read_bps, b->n_throttle_read_bps);
        w_throttle(w, "throttleWriteBpsDevice", b->throttle_write_bps, b->n_throttle_write_bps);
        w_throttle(w, "throttleReadIOPSDevice", b->throttle_read_iops, b->n_throttle_read_iops);
        w_throttle(w, "throttleWriteIOPSDevice", b->throttle_write_iops, b->n_throttle_write_iops);
        json_w_object_end(w);
}

static bool memory_set(const struct spec_memory *m)
{
        return m->has_limit || m->has_reservation || m->has_swap || m->has_kernel || m->has_kernel_tcp ||
               m->has_swappiness || m->has_disable_oom_killer || m->has_use_hierarchy || m->has_check_before_update;
}

static bool cpu_set(const struct spec_cpu *c)
{
        return c->has_shares || c->has_quota || c->has_burst || c->has_period || c->has_realtime_runtime ||
               c->has_realtime_period || c->cpus || c->mems || c->has_idle;
}

static bool blkio_set(const struct spec_blkio *b)
{
        return b->has_weight || b->has_leaf_weight || b->weight_devices || b->throttle_read_bps ||
               b->throttle_write_bps || b->throttle_read_iops || b->throttle_write_iops;
}

static void w_resources(struct json_writer *w, const struct spec_resources *r)
{
        if (!r->present)
                return;
        json_w_key(w, "resources");
        json_w_object_begin(w);
        w_device_rules(w, r);
        if (memory_set(&r->memory))
                w_memory(w, &r->memory);
        if (cpu_set(&r->cpu))
                w_cpu(w, &r->cpu);
        if (r->pids.has_limit) {
                json_w_key(w, "pids");
                json_w_object_begin(w);
                json_w_kv_int(w, "limit", r->pids.limit);
                json_w_object_end(w);
        }
        if (blkio_set(&r->blkio))
                w_blkio(w, &r->blkio);
        if (r->hugepage_limits) {
                json_w_key(w, "hugepageLimits");
                json_w_array_begin(w);
                for (size_t i = 0; i < r->n_hugepage_limits; i++) {
                        json_w_object_begin(w);
                        json_w_kv_string(w, "pageSize", r->hugepage_limits[i].page_size);
                        json_w_kv_uint(w, "limit", r->hugepage_limits[i].limit);
                        json_w_object_end(w);
                }
                json_w_array_end(w);
        }
        if (r->network.has_class_id || r->network.priorities) {
                json_w_key(w, "network");
                json_w_object_begin(w);
                W_OPT_UINT(w, "classID", r->network.has_class_id, r->network.class_id);
                if (r->network.priorities) {
                        json_w_key(w, "priorities");
                        json_w_array_begin(w);
                        for (size_t i = 0; i < r->network.n_priorities; i++) {
                                json_w_object_begin(w);
                                json_w_kv_string(w, "name", r->network.priorities[i].name);
                                json_w_kv_uint(w, "priority", r->network.priorities[i].priority);
                                json_w_object_end(w);
                        }
                        json_w_array_end(w);
                }
                json_w_object_end(w);
        }
        if (r->rdma) {
                json_w_key(w, "rdma");
                json_w_object_begin(w);
                for (size_t i = 0; i < r->n_rdma; i++) {
                        json_w_key(w, r->rdma[i].device);
                        json_w_object_begin(w);
                        W_OPT_UINT(w, "hcaHandles", r->rdma[i].has_hca_handles, r->rdma[i].hca_handles);
                        W_OPT_UINT(w, "hcaObjects", r->rdma[i].has_hca_objects, r->rdma[i].hca_objects);
                        json_w_object_end(w);
                }
                json_w_object_end(w);
        }
        w_kv_map(w, "unified", r->unified, r->n_unified);
        json_w_object_end(w);
}

static void w_seccomp(struct json_writer *w, const struct spec_seccomp *sc)
{
        if (!sc->present)
                return;
        json_w_key(w, "seccomp");
        json_w_object_begin(w);
        json_w_kv_string(w, "defaultAction", spec_seccomp_action_name(sc->default_action));
        W_OPT_UINT(w, "defaultErrnoRet", sc->has_default_errno_ret, sc->default_errno_ret);
        w_strv_opt(w, "architectures", sc->architectures);
        w_strv_opt(w, "flags", sc->flags);
        w_str_opt(w, "listenerPath", sc->listener_path);
        w_str_opt(w, "listenerMetadata", sc->listener_metadata);
        if (sc->syscalls) {
                json_w_key(w, "syscalls");
                json_w_array_begin(w);
                for (size_t i = 0; i < sc->n_syscalls; i++) {
                        const struct spec_seccomp_syscall *s = &sc->syscalls[i];
                        json_w_object_begin(w);
                        w_strv_opt(w, "names", s->names);
                        json_w_kv_string(w, "action", spec_seccomp_action_name(s->action));
                        W_OPT_UINT(w, "errnoRet", s->has_errno_ret, s->errno_ret);
                        if (s->args) {
                                json_w_key(w, "args");
                                json_w_array_begin(w);
                                for (size_t a = 0; a < s->n_args; a++) {
                                        json_w_object_begin(w);
                                        json_w_kv_uint(w, "index", s->args[a].index);
                                        json_w_kv_uint(w, "value", s->args[a].value);
                                        if (s->args[a].value_two)
                                                json_w_kv_uint(w, "valueTwo", s->args[a].value_two);
                                        json_w_kv_string(w, "op", spec_seccomp_op_name(s->args[a].op));
                                        json_w_object_end(w);
                                }
                                json_w_array_end(w);
                        }
                        json_w_object_end(w);
                }
                json_w_array_end(w);
        }
        json_w_object_end(w);
}

static void w_linux(struct json_writer *w, const struct spec_linux *l)
{
        json_w_key(w, "linux");
        json_w_object_begin(w);
        w_id_mappings(w, "uidMappings", l->uid_mappings, l->n_uid_mappings);
        w_id_mappings(w, "gidMappings", l->gid_mappings, l->n_gid_mappings);
        w_devices(w, l);
        w_str_opt(w, "cgroupsPath", l->cgroups_path);
        w_resources(w, &l->resources);
        if (l->namespaces) {
                json_w_key(w, "namespaces");
                json_w_array_begin(w);
                for (size_t i = 0; i < l->n_namespaces; i++) {
                        json_w_object_begin(w);
                        json_w_kv_string(w, "type", ns_type_name(l->namespaces[i].type));
                        w_str_opt(w, "path", l->namespaces[i].path);
                        json_w_object_end(w);
                }
                json_w_array_end(w);
        }
        if (l->time_offset_monotonic.present || l->time_offset_boottime.present) {
                json_w_key(w, "timeOffsets");
                json_w_object_begin(w);
                w_time_offset(w, "monotonic", &l->time_offset_monotonic);
                w_time_offset(w, "boottime", &l->time_offset_boottime);
                json_w_object_end(w);
        }
        if (l->intel_rdt.present) {
                json_w_key(w, "intelRdt");
                json_w_object_begin(w);
                w_str_opt(w, "closID", l->intel_rdt.clos_id);
                w_strv_opt(w, "schemata", l->intel_rdt.schemata);
                w_str_opt(w, "l3CacheSchema", l->intel_rdt.l3_cache_schema);
                w_str_opt(w, "memBwSchema", l->intel_rdt.mem_bw_schema);
                if (l->intel_rdt.enable_cmt)
                        json_w_kv_bool(w, "enableCMT", true);
                if (l->intel_rdt.enable_mbm)
                        json_w_kv_bool(w, "enableMBM", true);
                if (l->intel_rdt.enable_monitoring)
                        json_w_kv_bool(w, "enableMonitoring", true);
                json_w_object_end(w);
        }
        w_kv_map(w, "sysctl", l->sysctl, l->n_sysctl);
        w_seccomp(w, &l->seccomp);
        w_str_opt(w, "rootfsPropagation", l->rootfs_propagation);
        w_strv_opt(w, "maskedPaths", l->masked_paths);
        w_strv_opt(w, "readonlyPaths", l->readonly_paths);
        w_str_opt(w, "mountLabel", l->mount_label);
        if (l->personality.present) {
                json_w_key(w, "personality");
                json_w_object_begin(w);
                json_w_kv_string(w, "domain", l->personality.domain);
                w_strv_opt(w, "flags", l->personality.flags);
                json_w_object_end(w);
        }
        if (l->memory_policy.present) {
                json_w_key(w, "memoryPolicy");
                json_w_object_begin(w);
                json_w_kv_string(w, "mode", l->memory_policy.mode);
                w_str_opt(w, "nodes", l->memory_policy.nodes);
                w_strv_opt(w, "flags", l->memory_policy.flags);
                json_w_object_end(w);
        }
        if (l->n_net_devices) {
                json_w_key(w, "netDevices");
                json_w_object_begin(w);
                for (size_t i = 0; i < l->n_net_devices; i++) {
                        json_w_key(w, l->net_devices[i].host_name);
                        json_w_object_begin(w);
                        w_str_opt(w, "name", l->net_devices[i].name);
                        json_w_object_end(w);
                }
                json_w_object_end(w);
        }
        json_w_object_end(w);
}

char *spec_to_json(const struct spec *s)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(true);

        json_w_object_begin(w);
        json_w_kv_string(w, "ociVersion", s->oci_version);
        if (s->process.present)
                w_process(w, &s->process);
        json_w_key(w, "root");
        json_w_object_begin(w);
        json_w_kv_string(w, "path", s->root_path);
        if (s->root_readonly)
                json_w_kv_bool(w, "readonly", true);
        json_w_object_end(w);
        w_str_opt(w, "hostname", s->hostname);
        w_str_opt(w, "domainname", s->domainname);
        w_mounts(w, s);
        w_hooks(w, s);
        w_kv_map(w, "annotations", s->annotations, s->n_annotations);
        if (s->linux.present)
                w_linux(w, &s->linux);
        json_w_object_end(w);
        return json_writer_finish(w, NULL);
}
