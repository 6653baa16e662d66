/* `state` and `list`: the saved state with the status computed from the live process. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "config.h"
#include "contain/json.h"
#include "contain/util.h"
#include "internal.h"

void container_info_free(struct container_info *info)
{
        if (!info)
                return;
        free(info->oci_version);
        free(info->id);
        free(info->status);
        free(info->bundle);
        free(info->rootfs);
        free(info->created);
        free(info->owner);
        for (size_t i = 0; i < info->n_annotations; i++) {
                free(info->annotations[i].key);
                free(info->annotations[i].value);
        }
        free(info->annotations);
        free(info);
}

/* The last owner name looked up, for list: containers mostly share one owner, and each NSS
 * lookup reads /etc/passwd anew (500 containers: 500 reads). */
struct owner_cache {
        bool valid;
        uid_t uid;
        char *name;
};

static void owner_cache_release(struct owner_cache *cache)
{
        free(cache->name);
}

static char *cached_owner_name(struct owner_cache *cache, uid_t uid)
{
        if (!cache)
                return owner_name(uid);
        if (!cache->valid || cache->uid != uid) {
                free(cache->name);
                cache->name = owner_name(uid);
                cache->uid = uid;
                cache->valid = true;
        }
        return xstrdup(cache->name);
}

static struct container_info *info_from_state(struct saved_state *s, const char *status,
                                              struct owner_cache *owners)
{
        struct container_info *i = xcalloc(1, sizeof(*i));
        i->oci_version = xstrdup(CONTAIN_SPEC_VERSION);
        i->id = steal_pointer(&s->id);
        i->status = xstrdup(status);
        i->pid = strcmp(status, "stopped") == 0 ? 0 : s->pid;
        i->bundle = steal_pointer(&s->bundle);
        i->rootfs = steal_pointer(&s->rootfs);
        i->created = steal_pointer(&s->created);
        i->owner = s->owner ? steal_pointer(&s->owner) : s->has_owner_uid ? cached_owner_name(owners, s->owner_uid) : NULL;
        i->annotations = steal_pointer(&s->annotations);
        i->n_annotations = s->n_annotations;
        s->n_annotations = 0;
        return i;
}

/* state_status for a reader that does not hold the lock: a state still "creating" is never
 * "stopped" before its create has finished: "creating" while it holds the lock or has no init
 * yet, "stopped" once a create that had started its init has died. */
static const char *status_unlocked(int dirfd, const struct saved_state *s, struct cgroup *cg)
{
        const char *status = state_status(dirfd, s, cg);
        if (strcmp(status, "stopped") != 0 || strcmp(s->status, "creating") != 0)
                return status;
        /* no init yet: a create that has not finished (between its mkdir and its lock, or
         * one that died before starting anything) ran nothing that could have stopped */
        if (s->pid <= 0)
                return "creating";
        if (flock(dirfd, LOCK_SH | LOCK_NB) < 0)
                return errno == EWOULDBLOCK ? "creating" : status;
        (void)flock(dirfd, LOCK_UN);
        return status;
}

/* pidns_checked: the caller ran proc_own_pidns_check (list, once for all). */
static int load_info(const char *root, const char *id, bool pidns_checked, struct owner_cache *owners,
                     struct container_info **out, struct error **err)
{
        cleanup_close int dirfd = pidns_checked ? statedir_open_checked(root, id, false, err)
                                                : statedir_open(root, id, false, err);
        if (dirfd < 0)
                return -1;
        cleanup_saved_state struct saved_state *s = NULL;
        if (state_read_or_creating(dirfd, &s, err) < 0)
                return error_wrap(err, "%s/%s", root, id);
        cleanup_cgroup struct cgroup *cg = NULL;
        if (s->cgroup) {
                struct error *e = NULL;
                if (cgroup_open(s->cgroup, &cg, &e) < 0)
                        error_free(e);
        }
        if (!s->id)
                s->id = xstrdup(id);
        *out = info_from_state(s, status_unlocked(dirfd, s, cg), owners);
        return 0;
}

int container_state(const char *root, const char *id, struct container_info **out, struct error **err)
{
        return load_info(root, id, false, NULL, out, err);
}

char *container_info_json(const struct container_info *info, bool pretty)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(pretty);
        json_w_object_begin(w);
        json_w_kv_string(w, "ociVersion", info->oci_version);
        json_w_kv_string(w, "id", info->id);
        json_w_kv_string(w, "status", info->status);
        json_w_kv_int(w, "pid", info->pid);
        json_w_kv_string(w, "bundle", info->bundle ? info->bundle : "");
        json_w_kv_string(w, "rootfs", info->rootfs ? info->rootfs : "");
        json_w_kv_string(w, "created", info->created ? info->created : "");
        json_w_kv_string(w, "owner", info->owner ? info->owner : "");
        json_w_key(w, "annotations");
        json_w_object_begin(w);
        for (size_t i = 0; i < info->n_annotations; i++)
                json_w_kv_string(w, info->annotations[i].key, info->annotations[i].value);
        json_w_object_end(w);
        json_w_object_end(w);
        return json_writer_finish(w, NULL);
}

static int by_id(const void *a, const void *b)
{
        const struct container_info *x = *(struct container_info *const *)a;
        const struct container_info *y = *(struct container_info *const *)b;
        return strcmp(x->id, y->id);
}

int container_list(const char *root, struct container_info ***out, size_t *n, struct error **err)
{
        *out = NULL;
        *n = 0;
        /* once for all entries; a failure per entry would only hide them (review31) */
        if (proc_own_pidns_check(err) < 0)
                return -1;
        cleanup_dir DIR *d = opendir(root);
        if (!d) {
                if (errno == ENOENT)
                        return 0;
                return error_make(err, errno, "open %s", root);
        }
        struct container_info **list = NULL;
        size_t count = 0;
        __attribute__((cleanup(owner_cache_release))) struct owner_cache owners = { 0 };
        struct dirent *de;
        while ((de = readdir(d))) {
                struct error *e = NULL;
                if (de->d_name[0] == '.' || container_id_validate(de->d_name, &e) < 0) {
                        error_free(e);
                        continue;
                }
                struct container_info *info = NULL;
                if (load_info(root, de->d_name, true, &owners, &info, &e) < 0) {
                        error_free(e);  /* deleted meanwhile, or not ours */
                        continue;
                }
                list = xrealloc(list, (count + 1) * sizeof(*list));
                list[count++] = info;
        }
        if (count)
                qsort(list, count, sizeof(*list), by_id);
        *out = list;
        *n = count;
        return 0;
}

void container_info_list_free(struct container_info **list, size_t n)
{
        for (size_t i = 0; i < n; i++)
                container_info_free(list[i]);
        free(list);
}
