/* The config `contain spec` writes: runc's defaults (sh on a terminal, the small default
 * capability set, proc/dev/sys mounts, masked and read-only /proc paths), and its rootless
 * variant (a user namespace mapping the caller to root, no cgroup settings). */
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config.h"
#include "spec_internal.h"

static const char *const default_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };

static const char *const masked_paths[] = {
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
        "/proc/scsi", NULL,
};

static const char *const readonly_paths[] = {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

struct default_mount {
        const char *destination;
        const char *type;
        const char *source;
        const char *const options[8];
};

static const struct default_mount default_mounts[] = {
        { "/proc", "proc", "proc", { NULL } },
        { "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
        { "/dev/pts", "devpts", "devpts",
          { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
        { "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
        { "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
        { "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
        { "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

static char **strv_from(const char *const *v)
{
        return strv_dup((char *const *)v);
}

static void add_mount(struct spec_mount *m, const char *dest, const char *type, const char *source,
                      const char *const *options, bool rootless)
{
        m->destination = xstrdup(dest);
        m->type = xstrdup(type);
        m->source = xstrdup(source);
        for (size_t i = 0; options[i]; i++) {
                /* in a user namespace the gid= of devpts may not exist: runc drops uid=/gid= */
                if (rootless && (str_has_prefix(options[i], "gid=") || str_has_prefix(options[i], "uid=")))
                        continue;
                strv_append(&m->options, options[i]);
        }
}

static void default_mounts_fill(struct spec *s, bool rootless)
{
        static const char *const sys_bind[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };

        s->n_mounts = ARRAY_SIZE(default_mounts);
        s->mounts = xcalloc(s->n_mounts, sizeof(*s->mounts));
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct default_mount *d = &default_mounts[i];
                /* sysfs cannot be mounted without owning the netns: bind the host's instead */
                if (rootless && strcmp(d->destination, "/sys") == 0)
                        add_mount(&s->mounts[i], "/sys", "none", "/sys", sys_bind, rootless);
                else
                        add_mount(&s->mounts[i], d->destination, d->type, d->source, d->options, rootless);
        }
}

static void default_process(struct spec_process *p)
{
        p->present = true;
        p->terminal = true;
        strv_append(&p->args, "sh");
        strv_append(&p->env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        strv_append(&p->env, "TERM=xterm");
        p->cwd = xstrdup("/");
        p->capabilities.present = true;
        p->capabilities.bounding = strv_from(default_caps);
        p->capabilities.effective = strv_from(default_caps);
        p->capabilities.permitted = strv_from(default_caps);
        p->capabilities.ambient = strv_from(default_caps);
        p->n_rlimits = 1;
        p->rlimits = xcalloc(1, sizeof(*p->rlimits));
        p->rlimits[0] = (struct spec_rlimit){
                .type = xstrdup("RLIMIT_NOFILE"), .resource = RLIMIT_NOFILE, .soft = 1024, .hard = 1024,
        };
        p->no_new_privileges = true;
}

static void default_linux(struct spec_linux *l, bool rootless)
{
        static const enum ns_type rootful_ns[] = { NS_PID, NS_NETWORK, NS_IPC, NS_UTS, NS_MOUNT };
        static const enum ns_type rootless_ns[] = { NS_PID, NS_IPC, NS_UTS, NS_MOUNT, NS_USER };
        const enum ns_type *ns = rootless ? rootless_ns : rootful_ns;

        l->present = true;
        l->n_namespaces = 5;
        l->namespaces = xcalloc(l->n_namespaces, sizeof(*l->namespaces));
        for (size_t i = 0; i < l->n_namespaces; i++)
                l->namespaces[i].type = ns[i];
        l->masked_paths = strv_from(masked_paths);
        l->readonly_paths = strv_from(readonly_paths);
        if (rootless) {
                /* the caller becomes root inside; a single id is all an unprivileged user owns */
                l->n_uid_mappings = l->n_gid_mappings = 1;
                l->uid_mappings = xcalloc(1, sizeof(*l->uid_mappings));
                l->gid_mappings = xcalloc(1, sizeof(*l->gid_mappings));
                *l->uid_mappings = (struct spec_id_mapping){ .container_id = 0, .host_id = geteuid(), .size = 1 };
                *l->gid_mappings = (struct spec_id_mapping){ .container_id = 0, .host_id = getegid(), .size = 1 };
                return;
        }
        /* deny every device by default; the runtime adds the standard ones */
        l->resources.present = true;
        l->resources.n_devices = 1;
        l->resources.devices = xcalloc(1, sizeof(*l->resources.devices));
        l->resources.devices[0] = (struct spec_device_rule){ .allow = false, .type = 'a', .access = xstrdup("rwm") };
}

struct spec *spec_new_default(bool rootless)
{
        struct spec *s = xcalloc(1, sizeof(*s));

        s->oci_version = xstrdup(CONTAIN_SPEC_VERSION);
        s->root_path = xstrdup("rootfs");
        s->root_readonly = true;
        s->hostname = xstrdup("contain");
        default_process(&s->process);
        default_mounts_fill(s, rootless);
        default_linux(&s->linux, rootless);
        return s;
}
