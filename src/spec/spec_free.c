/* Freeing a struct spec, including one the parser abandoned half-filled (every pointer is
 * either NULL or owned, every count matches its allocation). */
#include <stdlib.h>

#include "spec_internal.h"

void spec_kv_free(struct spec_kv *kv, size_t n)
{
        for (size_t i = 0; kv && i < n; i++) {
                free(kv[i].key);
                free(kv[i].value);
        }
        free(kv);
}

void spec_process_clear(struct spec_process *proc)
{
        struct spec_capabilities *c = &proc->capabilities;

        free(proc->user.additional_gids);
        free(proc->user.username);
        strv_free(proc->args);
        free(proc->command_line);
        strv_free(proc->env);
        free(proc->cwd);
        strv_free(c->bounding);
        strv_free(c->effective);
        strv_free(c->inheritable);
        strv_free(c->permitted);
        strv_free(c->ambient);
        for (size_t i = 0; proc->rlimits && i < proc->n_rlimits; i++)
                free(proc->rlimits[i].type);
        free(proc->rlimits);
        free(proc->apparmor_profile);
        free(proc->selinux_label);
        free(proc->io_priority.class);
        free(proc->scheduler.policy);
        strv_free(proc->scheduler.flags);
        free(proc->exec_cpu_affinity.initial);
        free(proc->exec_cpu_affinity.final);
        *proc = (struct spec_process){ 0 };
}

void spec_process_free(struct spec_process *proc)
{
        if (!proc)
                return;
        spec_process_clear(proc);
        free(proc);
}

static void resources_clear(struct spec_resources *r)
{
        struct spec_blkio *b = &r->blkio;

        for (size_t i = 0; r->devices && i < r->n_devices; i++)
                free(r->devices[i].access);
        free(r->devices);
        free(r->cpu.cpus);
        free(r->cpu.mems);
        free(b->weight_devices);
        free(b->throttle_read_bps);
        free(b->throttle_write_bps);
        free(b->throttle_read_iops);
        free(b->throttle_write_iops);
        for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
                free(r->hugepage_limits[i].page_size);
        free(r->hugepage_limits);
        for (size_t i = 0; r->network.priorities && i < r->network.n_priorities; i++)
                free(r->network.priorities[i].name);
        free(r->network.priorities);
        for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
                free(r->rdma[i].device);
        free(r->rdma);
        spec_kv_free(r->unified, r->n_unified);
}

static void seccomp_clear(struct spec_seccomp *sc)
{
        strv_free(sc->architectures);
        strv_free(sc->flags);
        free(sc->listener_path);
        free(sc->listener_metadata);
        for (size_t i = 0; sc->syscalls && i < sc->n_syscalls; i++) {
                strv_free(sc->syscalls[i].names);
                free(sc->syscalls[i].args);
        }
        free(sc->syscalls);
}

void spec_linux_clear(struct spec_linux *l)
{
        for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++)
                free(l->namespaces[i].path);
        free(l->namespaces);
        free(l->uid_mappings);
        free(l->gid_mappings);
        for (size_t i = 0; l->devices && i < l->n_devices; i++)
                free(l->devices[i].path);
        free(l->devices);
        free(l->cgroups_path);
        resources_clear(&l->resources);
        free(l->intel_rdt.clos_id);
        strv_free(l->intel_rdt.schemata);
        free(l->intel_rdt.l3_cache_schema);
        free(l->intel_rdt.mem_bw_schema);
        spec_kv_free(l->sysctl, l->n_sysctl);
        seccomp_clear(&l->seccomp);
        free(l->rootfs_propagation);
        strv_free(l->masked_paths);
        strv_free(l->readonly_paths);
        free(l->mount_label);
        free(l->personality.domain);
        strv_free(l->personality.flags);
        free(l->memory_policy.mode);
        free(l->memory_policy.nodes);
        strv_free(l->memory_policy.flags);
        for (size_t i = 0; l->net_devices && i < l->n_net_devices; i++) {
                free(l->net_devices[i].host_name);
                free(l->net_devices[i].name);
        }
        free(l->net_devices);
        *l = (struct spec_linux){ 0 };
}

void spec_free(struct spec *spec)
{
        if (!spec)
                return;
        free(spec->oci_version);
        free(spec->root_path);
        for (size_t i = 0; spec->mounts && i < spec->n_mounts; i++) {
                struct spec_mount *m = &spec->mounts[i];
                free(m->destination);
                free(m->source);
                free(m->type);
                strv_free(m->options);
                free(m->uid_mappings);
                free(m->gid_mappings);
        }
        free(spec->mounts);
        spec_process_clear(&spec->process);
        free(spec->hostname);
        free(spec->domainname);
        for (int k = 0; k < HOOK_KIND_COUNT; k++) {
                struct spec_hook_list *l = &spec->hooks[k];
                for (size_t i = 0; l->hooks && i < l->n; i++) {
                        free(l->hooks[i].path);
                        strv_free(l->hooks[i].args);
                        strv_free(l->hooks[i].env);
                }
                free(l->hooks);
        }
        spec_kv_free(spec->annotations, spec->n_annotations);
        spec_linux_clear(&spec->linux);
        free(spec->bundle);
        free(spec);
}
