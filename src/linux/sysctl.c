/* linux.sysctl: written through the container's /proc/sys, and only for keys that belong to a
 * namespace the container has of its own (net.* -> netns, IPC keys -> ipc ns, names -> uts);
 * anything else would change the host for everyone. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "contain/util.h"
#include "internal.h"

static const char *const ipc_keys[] = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* "net/ipv4/ip_forward" and "net.ipv4.ip_forward" name the same key. */
static char *dotted(const char *key)
{
        char *k = xstrdup(key);
        for (char *p = k; *p; p++)
                if (*p == '/')
                        *p = '.';
        return k;
}

int sysctl_namespace(const char *key)
{
        cleanup_free char *k = dotted(key);

        for (size_t i = 0; i < ARRAY_SIZE(ipc_keys); i++)
                if (strcmp(k, ipc_keys[i]) == 0)
                        return NS_IPC;
        if (str_has_prefix(k, "fs.mqueue."))
                return NS_IPC;
        if (str_has_prefix(k, "net."))
                return NS_NETWORK;
        if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0)
                return NS_UTS;
        return -1;
}

static const struct spec_namespace *find_ns(const struct spec *spec, enum ns_type t)
{
        for (size_t i = 0; i < spec->linux.n_namespaces; i++)
                if (spec->linux.namespaces[i].type == t)
                        return &spec->linux.namespaces[i];
        return NULL;
}

static const char *ns_word(int t)
{
        return t == NS_NETWORK ? "network" : t == NS_IPC ? "ipc" : "uts";
}

int sysctl_validate(const struct spec *spec, struct error **err)
{
        for (size_t i = 0; i < spec->linux.n_sysctl; i++) {
                const char *key = spec->linux.sysctl[i].key;
                int t = sysctl_namespace(key);
                if (t < 0)
                        return error_make(err, 0, "linux.sysctl: \"%s\" is not namespaced: setting it would change the host",
                                          key);
                const struct spec_namespace *ns = find_ns(spec, (enum ns_type)t);
                if (!ns)
                        return error_make(err, 0, "linux.sysctl: \"%s\" needs a %s namespace of the container's own, and linux.namespaces has none",
                                          key, ns_word(t));
                if (!ns->path)
                        continue;
                /* Joining the host's own namespace by path is no isolation at all. */
                const char *proc_name = t == NS_NETWORK ? "net" : ns_word(t);
                cleanup_free char *host = xasprintf("/proc/1/ns/%s", proc_name);
                struct stat a, b;
                if (stat(ns->path, &a) == 0 && stat(host, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                        return error_make(err, 0, "linux.sysctl: \"%s\": the %s namespace %s is the host's", key,
                                          ns_word(t), ns->path);
        }
        return 0;
}

int sysctl_apply(const struct spec *spec, struct error **err)
{
        for (size_t i = 0; i < spec->linux.n_sysctl; i++) {
                const struct spec_kv *kv = &spec->linux.sysctl[i];
                cleanup_free char *rel = xasprintf("sys/%s", kv->key);
                for (char *p = rel + strlen("sys/"); *p; p++)
                        if (*p == '.')
                                *p = '/';
                /* Through a verified procfs only: a mount the rootfs aimed at /proc/sys (or
                 * anything bound there) must not receive the value. */
                if (procfs_write(rel, kv->value, err) < 0)
                        return error_wrap(err, "linux.sysctl: %s=%s", kv->key, kv->value);
        }
        return 0;
}
