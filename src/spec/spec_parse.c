/* config.json → struct spec: the top level, root, mounts, process and hooks (the "linux"
 * object lives in spec_parse_linux.c).  Strict about types, ranges and required fields;
 * unknown fields are ignored so newer configs still load. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"

/* config.json larger than this is surely not a config (the 10 MB test config fits). */
#define SPEC_MAX_SIZE (64u << 20)

int parse_id_mapping(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_id_mapping *m = elem;

        if (pc_uint32(p, v, "containerID", F_REQUIRED, NULL, &m->container_id) < 0 ||
            pc_uint32(p, v, "hostID", F_REQUIRED, NULL, &m->host_id) < 0 ||
            pc_uint32(p, v, "size", F_REQUIRED, NULL, &m->size) < 0)
                return -1;
        return 0;
}

static bool mount_is_bind(const struct spec_mount *m)
{
        if (m->type && strcmp(m->type, "bind") == 0)
                return true;
        for (size_t i = 0; m->options && m->options[i]; i++)
                if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
                        return true;
        return false;
}

static bool has_option(const struct spec_mount *m, const char *a, const char *b)
{
        for (size_t i = 0; m->options && m->options[i]; i++)
                if (strcmp(m->options[i], a) == 0 || strcmp(m->options[i], b) == 0)
                        return true;
        return false;
}

/* runtime-spec 1.2 config.md, mounts: uidMappings/gidMappings go with "idmap" or "ridmap";
 * runtimes before 1.2 ignored bare mappings, so a mount that has them and lacks the option
 * would mean different things to different runtimes: refused.  Idmapped mounts here are
 * bind mounts with both maps (or neither: the container's user namespace maps then). */
static int check_mount_idmap(struct pctx *p, const struct spec_mount *m)
{
        bool idmap = has_option(m, "idmap", "ridmap");
        bool u = m->n_uid_mappings, g = m->n_gid_mappings;
        if ((u || g) && !idmap) {
                pc_key(p, u ? "uidMappings" : "gidMappings");
                return pc_fail(p, "mappings need the \"idmap\" or \"ridmap\" option");
        }
        if (u != g) {
                pc_key(p, u ? "gidMappings" : "uidMappings");
                return pc_fail(p, "required with %s for an idmapped mount", u ? "uidMappings" : "gidMappings");
        }
        if (idmap && !mount_is_bind(m)) {
                pc_key(p, "options");
                return pc_fail(p, "idmap and ridmap need a bind mount (\"bind\" or \"rbind\")");
        }
        return 0;
}

static int parse_mount(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_mount *m = elem;

        if (pc_string(p, v, "destination", F_REQUIRED | F_NONEMPTY, &m->destination) < 0 ||
            pc_string(p, v, "source", 0, &m->source) < 0 ||
            pc_string(p, v, "type", 0, &m->type) < 0 ||
            pc_strv(p, v, "options", 0, 0, &m->options) < 0 ||
            PC_OBJECT_ARRAY(p, v, "uidMappings", 0, m->uid_mappings, m->n_uid_mappings, parse_id_mapping) < 0 ||
            PC_OBJECT_ARRAY(p, v, "gidMappings", 0, m->gid_mappings, m->n_gid_mappings, parse_id_mapping) < 0)
                return -1;
        if (check_mount_idmap(p, m) < 0)
                return -1;
        /* runtime-spec: a relative destination is deprecated and means relative to "/" */
        if (m->destination[0] != '/') {
                char *abs = xasprintf("/%s", m->destination);
                free(m->destination);
                m->destination = abs;
        }
        /* like runc, a relative bind source is relative to the bundle */
        if (p->bundle && m->source && m->source[0] != '/' && mount_is_bind(m)) {
                char *abs = xasprintf("%s/%s", p->bundle, m->source);
                free(m->source);
                m->source = abs;
        }
        return 0;
}

static int parse_root(struct pctx *p, const struct json *top, struct spec *s)
{
        const struct json *root;

        if (pc_object(p, top, "root", F_REQUIRED, &root) < 0)
                return -1;
        size_t m = pc_key(p, "root");
        if (pc_string(p, root, "path", F_REQUIRED | F_NONEMPTY, &s->root_path) < 0 ||
            pc_bool(p, root, "readonly", 0, NULL, &s->root_readonly) < 0)
                return -1;
        pc_pop(p, m);
        if (p->bundle && s->root_path[0] != '/') {
                char *abs = xasprintf("%s/%s", p->bundle, s->root_path);
                free(s->root_path);
                s->root_path = abs;
        }
        return 0;
}

/* Every env entry is KEY=VALUE (runtime-spec config.md, process.env: "the same as IEEE Std
 * 1003.1-2008's environ"); runc refuses one without '=' rather than dropping it. */
static int check_env(struct pctx *p, char **env)
{
        for (size_t i = 0; env && env[i]; i++) {
                if (strchr(env[i], '=') && env[i][0] != '=')
                        continue;
                cleanup_free char *q = json_quote(env[i], 64);
                pc_key(p, "env");
                pc_index(p, i);
                return pc_fail(p, "expected KEY=VALUE, got %s", q);
        }
        return 0;
}

/* runtime-spec config.md, process.capabilities: an unknown name is logged as a warning and
 * the runtime goes on (a newer kernel's cap in an older runtime's hands); it is dropped. */
static void drop_unknown_capabilities(struct pctx *p, const char *key, char **names)
{
        size_t m = pc_key(p, key), keep = 0;
        for (size_t i = 0; names && names[i]; i++) {
                if (capability_known(names[i])) {
                        names[keep++] = names[i];
                        continue;
                }
                cleanup_free char *q = json_quote(names[i], 64);
                size_t mi = pc_index(p, i);
                pc_warn(p, "unknown capability %s: ignored", q);
                pc_pop(p, mi);
                free(names[i]);
        }
        if (names)
                names[keep] = NULL;
        pc_pop(p, m);
}

static int parse_capabilities(struct pctx *p, const struct json *v, struct spec_capabilities *c)
{
        static const char *const keys[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
        char ***sets[] = { &c->bounding, &c->effective, &c->inheritable, &c->permitted, &c->ambient };

        c->present = true;
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                if (pc_strv(p, v, keys[i], 0, 0, sets[i]) < 0)
                        return -1;
                drop_unknown_capabilities(p, keys[i], *sets[i]);
        }
        return 0;
}

static int parse_rlimit(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_rlimit *r = elem;

        if (pc_string(p, v, "type", F_REQUIRED, &r->type) < 0)
                return -1;
        if (rlimit_from_name(r->type, &r->resource) < 0) {
                cleanup_free char *q = json_quote(r->type, 64);
                pc_key(p, "type");
                return pc_fail(p, "unknown rlimit %s", q);
        }
        if (pc_uint64(p, v, "soft", F_REQUIRED, NULL, &r->soft, UINT64_MAX) < 0 ||
            pc_uint64(p, v, "hard", F_REQUIRED, NULL, &r->hard, UINT64_MAX) < 0)
                return -1;
        return 0;
}

static int parse_user(struct pctx *p, const struct json *v, struct spec_user *u)
{
        const struct json *gids;

        if (pc_uint32(p, v, "uid", F_REQUIRED, NULL, &u->uid) < 0 ||
            pc_uint32(p, v, "gid", F_REQUIRED, NULL, &u->gid) < 0 ||
            pc_uint32(p, v, "umask", 0, &u->has_umask, &u->umask) < 0 ||
            pc_string(p, v, "username", 0, &u->username) < 0 ||
            pc_array(p, v, "additionalGids", 0, &gids) < 0)
                return -1;
        if (u->username && *u->username) {
                pc_key(p, "username");
                return pc_fail(p, "is for Windows; on Linux the user is uid and gid");
        }
        if (u->has_umask && u->umask > 07777) {
                pc_key(p, "umask");
                return pc_fail(p, "%u is not a file mode mask (0..4095)", u->umask);
        }
        if (!gids)
                return 0;
        size_t m = pc_key(p, "additionalGids");
        u->n_additional_gids = json_array_size(gids);
        u->additional_gids = xcalloc(u->n_additional_gids ? u->n_additional_gids : 1, sizeof(uint32_t));
        for (size_t i = 0; i < u->n_additional_gids; i++) {
                uint64_t g;
                size_t mi = pc_index(p, i);
                if (pv_uint64(p, json_array_get(gids, i), F_REQUIRED, NULL, &g, UINT32_MAX) < 0)
                        return -1;
                u->additional_gids[i] = (uint32_t)g;
                pc_pop(p, mi);
        }
        pc_pop(p, m);
        return 0;
}

static int parse_io_priority(struct pctx *p, const struct json *v, struct spec_io_priority *io)
{
        io->present = true;
        if (pc_string(p, v, "class", F_REQUIRED, &io->class) < 0)
                return -1;
        if (ioprio_class_from_name(io->class, &io->class_value) < 0) {
                cleanup_free char *q = json_quote(io->class, 64);
                pc_key(p, "class");
                return pc_fail(p, "unknown I/O priority class %s (IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)", q);
        }
        return pc_int32(p, v, "priority", 0, NULL, &io->priority, 0, 7);
}

static int parse_scheduler(struct pctx *p, const struct json *v, struct spec_scheduler *sc)
{
        sc->present = true;
        if (pc_string(p, v, "policy", F_REQUIRED, &sc->policy) < 0)
                return -1;
        if (sched_policy_from_name(sc->policy, &sc->policy_value) < 0) {
                cleanup_free char *q = json_quote(sc->policy, 64);
                pc_key(p, "policy");
                return pc_fail(p, "unknown scheduler policy %s", q);
        }
        if (pc_int32(p, v, "nice", 0, &sc->has_nice, &sc->nice, -20, 19) < 0 ||
            pc_int32(p, v, "priority", 0, &sc->has_priority, &sc->priority, 0, 99) < 0 ||
            pc_strv(p, v, "flags", 0, 0, &sc->flags) < 0 ||
            pc_uint64(p, v, "runtime", 0, NULL, &sc->runtime, UINT64_MAX) < 0 ||
            pc_uint64(p, v, "deadline", 0, NULL, &sc->deadline, UINT64_MAX) < 0 ||
            pc_uint64(p, v, "period", 0, NULL, &sc->period, UINT64_MAX) < 0)
                return -1;
        for (size_t i = 0; sc->flags && sc->flags[i]; i++) {
                if (sched_flag_known(sc->flags[i]))
                        continue;
                cleanup_free char *q = json_quote(sc->flags[i], 64);
                pc_key(p, "flags");
                pc_index(p, i);
                return pc_fail(p, "unknown scheduler flag %s", q);
        }
        return 0;
}

/* execCPUAffinity: two CPU lists, checked like a cpuset. */
static int parse_cpu_list(struct pctx *p, const struct json *v, const char *key, char **out)
{
        if (pc_string(p, v, key, 0, out) < 0)
                return -1;
        if (*out && !**out) {
                free(*out);     /* Go's tools write "" for not set */
                *out = NULL;
        }
        unsigned long mask[CPU_LIST_MAX / (8 * sizeof(unsigned long))];
        if (!*out || id_list_parse(*out, mask, CPU_LIST_MAX) == 0)
                return 0;
        cleanup_free char *q = json_quote(*out, 64);
        pc_key(p, key);
        return pc_fail(p, "%s is not a CPU list like \"0-3,7\" (CPUs 0..%d)", q, CPU_LIST_MAX - 1);
}

static int parse_exec_cpu_affinity(struct pctx *p, const struct json *v, struct spec_exec_cpu_affinity *a)
{
        return parse_cpu_list(p, v, "initial", &a->initial) < 0 || parse_cpu_list(p, v, "final", &a->final) < 0
               ? -1 : 0;
}

/* The body of a process object, shared by config.json's "process" and `exec --process`. */
static int parse_process_body(struct pctx *p, const struct json *v, struct spec_process *proc)
{
        const struct json *o;

        proc->present = true;
        if (pc_bool(p, v, "terminal", 0, NULL, &proc->terminal) < 0)
                return -1;
        if (pc_object(p, v, "consoleSize", 0, &o) < 0)
                return -1;
        if (o) {
                size_t m = pc_key(p, "consoleSize");
                if (pc_uint32(p, o, "height", F_REQUIRED, NULL, &proc->console_height) < 0 ||
                    pc_uint32(p, o, "width", F_REQUIRED, NULL, &proc->console_width) < 0)
                        return -1;
                proc->has_console_size = true;
                pc_pop(p, m);
        }
        if (pc_object(p, v, "user", 0, &o) < 0)
                return -1;
        if (o) {
                size_t m = pc_key(p, "user");
                if (parse_user(p, o, &proc->user) < 0)
                        return -1;
                pc_pop(p, m);
        }
        if (pc_strv(p, v, "args", F_REQUIRED | F_NONEMPTY, 0, &proc->args) < 0 ||
            pc_string(p, v, "commandLine", 0, &proc->command_line) < 0 ||
            pc_strv(p, v, "env", 0, 0, &proc->env) < 0 || check_env(p, proc->env) < 0 ||
            pc_string(p, v, "cwd", F_REQUIRED | F_ABSOLUTE, &proc->cwd) < 0)
                return -1;
        if (proc->command_line && *proc->command_line) {
                pc_key(p, "commandLine");
                return pc_fail(p, "is for Windows; on Linux the command is args");
        }
        if (pc_object(p, v, "capabilities", 0, &o) < 0)
                return -1;
        if (o) {
                size_t m = pc_key(p, "capabilities");
                if (parse_capabilities(p, o, &proc->capabilities) < 0)
                        return -1;
                pc_pop(p, m);
        }
        if (PC_OBJECT_ARRAY(p, v, "rlimits", 0, proc->rlimits, proc->n_rlimits, parse_rlimit) < 0)
                return -1;
        for (size_t i = 0; i < proc->n_rlimits; i++)
                for (size_t j = 0; j < i; j++)
                        if (proc->rlimits[i].resource == proc->rlimits[j].resource) {
                                pc_key(p, "rlimits");
                                pc_index(p, i);
                                return pc_fail(p, "duplicate rlimit %s (also rlimits[%zu])", proc->rlimits[i].type, j);
                        }
        if (pc_bool(p, v, "noNewPrivileges", 0, NULL, &proc->no_new_privileges) < 0 ||
            pc_string(p, v, "apparmorProfile", 0, &proc->apparmor_profile) < 0 ||
            pc_string(p, v, "selinuxLabel", 0, &proc->selinux_label) < 0)
                return -1;
        int64_t oom;
        if (pc_int64(p, v, "oomScoreAdj", 0, &proc->has_oom_score_adj, &oom, -1000, 1000) < 0)
                return -1;
        if (proc->has_oom_score_adj)
                proc->oom_score_adj = (int)oom;
        if (pc_object(p, v, "ioPriority", 0, &o) < 0)
                return -1;
        if (o) {
                size_t m = pc_key(p, "ioPriority");
                if (parse_io_priority(p, o, &proc->io_priority) < 0)
                        return -1;
                pc_pop(p, m);
        }
        if (pc_object(p, v, "scheduler", 0, &o) < 0)
                return -1;
        if (o) {
                size_t m = pc_key(p, "scheduler");
                if (parse_scheduler(p, o, &proc->scheduler) < 0)
                        return -1;
                pc_pop(p, m);
        }
        if (pc_object(p, v, "execCPUAffinity", 0, &o) < 0)
                return -1;
        if (o) {
                size_t m = pc_key(p, "execCPUAffinity");
                if (parse_exec_cpu_affinity(p, o, &proc->exec_cpu_affinity) < 0)
                        return -1;
                pc_pop(p, m);
        }
        return 0;
}

static int parse_hook(struct pctx *p, const struct json *v, void *elem)
{
        struct spec_hook *h = elem;
        int64_t t;

        if (pc_string(p, v, "path", F_REQUIRED | F_ABSOLUTE, &h->path) < 0 ||
            pc_strv(p, v, "args", 0, 0, &h->args) < 0 ||
            pc_strv(p, v, "env", 0, 0, &h->env) < 0 || check_env(p, h->env) < 0 ||
            pc_int64(p, v, "timeout", 0, &h->has_timeout, &t, 1, INT_MAX) < 0)
                return -1;
        if (h->has_timeout)
                h->timeout = (int)t;
        return 0;
}

static int parse_hooks(struct pctx *p, const struct json *top, struct spec *s)
{
        const struct json *hooks;

        if (pc_object(p, top, "hooks", 0, &hooks) < 0)
                return -1;
        if (!hooks)
                return 0;
        size_t m = pc_key(p, "hooks");
        for (int k = 0; k < HOOK_KIND_COUNT; k++) {
                struct spec_hook_list *l = &s->hooks[k];
                if (PC_OBJECT_ARRAY(p, hooks, hook_kind_name(k), 0, l->hooks, l->n, parse_hook) < 0)
                        return -1;
        }
        pc_pop(p, m);
        return 0;
}

/* A name for sethostname/setdomainname: at most 64 bytes (the kernel's __NEW_UTS_LEN), and only
 * with a uts namespace of the container's own (runc: "without a private UTS namespace"). */
static int check_uts_name(struct pctx *p, const struct spec *s, const char *key, const char *name)
{
        if (!name || !*name)
                return 0;
        size_t m = pc_key(p, key);
        if (strlen(name) > 64)
                return pc_fail(p, "%zu bytes is longer than the kernel's limit of 64", strlen(name));
        if (!spec_namespace(s, NS_UTS))
                return pc_fail(p, "setting it needs a uts namespace in linux.namespaces");
        pc_pop(p, m);
        return 0;
}

/* cgroupsPath components "." and ".." would leave the hierarchy; ';' and newlines are how a
 * cgroup file would be fooled (the same rule src/cgroup/path.c applies at create). */
static int check_cgroups_path(struct pctx *p, const char *path)
{
        if (!path)
                return 0;
        size_t m = pc_key(p, "linux");
        pc_key(p, "cgroupsPath");
        if (strpbrk(path, ";\n"))
                return pc_fail(p, "';' and newlines are not allowed");
        for (const char *c = path; *c;) {
                size_t n = strcspn(c, "/:");
                if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return pc_fail(p, "'%.*s' components are not allowed (the path must stay below its hierarchy)",
                                       (int)n, c);
                c += n;
                if (*c)
                        c++;
        }
        pc_pop(p, m);
        return 0;
}

/* What create would refuse on any host is refused by the parser, so check-config says it too. */
static int check_static(struct pctx *p, const struct spec *s)
{
        return check_uts_name(p, s, "hostname", s->hostname) < 0 ||
               check_uts_name(p, s, "domainname", s->domainname) < 0 ||
               check_cgroups_path(p, s->linux.cgroups_path) < 0
               ? -1 : 0;
}

static int parse_top(struct pctx *p, const struct json *top, struct spec *s)
{
        const struct json *o;

        if (json_type(top) != JSON_OBJECT)
                return pc_type_error(p, top, "an object at the top level");
        if (pc_string(p, top, "ociVersion", F_REQUIRED, &s->oci_version) < 0)
                return -1;
        if (!spec_version_supported(s->oci_version)) {
                cleanup_free char *q = json_quote(s->oci_version, 64);
                pc_key(p, "ociVersion");
                return pc_fail(p, "unsupported version %s (contain supports 1.0.0 to 1.3.x)", q);
        }
        p->oci_version = s->oci_version;
        if (parse_root(p, top, s) < 0 ||
            PC_OBJECT_ARRAY(p, top, "mounts", 0, s->mounts, s->n_mounts, parse_mount) < 0)
                return -1;
        if (pc_object(p, top, "process", 0, &o) < 0)
                return -1;
        if (o) {
                size_t m = pc_key(p, "process");
                if (parse_process_body(p, o, &s->process) < 0)
                        return -1;
                pc_pop(p, m);
        }
        if (pc_string(p, top, "hostname", 0, &s->hostname) < 0 ||
            pc_string(p, top, "domainname", 0, &s->domainname) < 0 ||
            parse_hooks(p, top, s) < 0 ||
            pc_string_map(p, top, "annotations", &s->annotations, &s->n_annotations) < 0)
                return -1;
        if (pc_object(p, top, "linux", 0, &o) < 0)
                return -1;
        if (o) {
                size_t m = pc_key(p, "linux");
                if (parse_linux(p, o, &s->linux) < 0)
                        return -1;
                pc_pop(p, m);
        }
        return check_static(p, s);
}

static int parse_document(const char *text, size_t len, const char *source, struct json **out,
                          struct error **err)
{
        if (json_parse(text, len, out, err) < 0)
                return error_wrap(err, "%s", source);
        return 0;
}

int spec_parse(const char *text, size_t len, const char *source, const char *bundle,
               struct spec **out, struct error **err)
{
        cleanup_json struct json *doc = NULL;
        cleanup_spec struct spec *s = xcalloc(1, sizeof(*s));
        struct pctx p;

        if (parse_document(text, len, source, &doc, err) < 0)
                return -1;
        pctx_init(&p, source, bundle, err);
        int r = parse_top(&p, doc, s);
        pctx_fini(&p);
        if (r < 0)
                return -1;
        *out = steal_pointer(&s);
        return 0;
}

int spec_parse_process(const char *text, size_t len, const char *source,
                       struct spec_process **out, struct error **err)
{
        cleanup_json struct json *doc = NULL;
        struct spec_process *proc = xcalloc(1, sizeof(*proc));
        struct pctx p;

        if (parse_document(text, len, source, &doc, err) < 0) {
                spec_process_free(proc);
                return -1;
        }
        pctx_init(&p, source, NULL, err);
        int r = json_type(doc) == JSON_OBJECT ? parse_process_body(&p, doc, proc)
                                              : pc_type_error(&p, doc, "an object at the top level");
        pctx_fini(&p);
        if (r < 0) {
                spec_process_free(proc);
                return -1;
        }
        *out = proc;
        return 0;
}

int spec_load_bundle(const char *bundle, struct spec **out, struct error **err)
{
        cleanup_free char *abs = realpath(bundle, NULL);
        cleanup_free char *text = NULL;
        cleanup_close int dfd = -1;
        size_t len;

        if (!abs)
                return error_make(err, errno, "bundle %s", bundle);
        dfd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return error_make(err, errno, "bundle %s", abs);
        if (read_file_at(dfd, "config.json", SPEC_MAX_SIZE, &text, &len, err) < 0)
                return error_wrap(err, "bundle %s", abs);
        if (spec_parse(text, len, "config.json", abs, out, err) < 0)
                return -1;
        (*out)->bundle = steal_pointer(&abs);
        return 0;
}

const struct spec_namespace *spec_namespace(const struct spec *spec, enum ns_type t)
{
        for (size_t i = 0; i < spec->linux.n_namespaces; i++)
                if (spec->linux.namespaces[i].type == t)
                        return &spec->linux.namespaces[i];
        return NULL;
}

const char *spec_getenv(const struct spec *spec, const char *key)
{
        size_t n = strlen(key);
        const char *found = NULL;

        /* the last assignment wins, as when a shell reads the same list */
        for (size_t i = 0; spec->process.env && spec->process.env[i]; i++)
                if (strncmp(spec->process.env[i], key, n) == 0 && spec->process.env[i][n] == '=')
                        found = spec->process.env[i] + n + 1;
        return found;
}
