/* The runtime-spec features document: each list walks the table that the parser or the code
 * applying the field uses (hook kinds, namespaces, mount option words, libcap's names, seccomp
 * names and what the seccomp module passes to the kernel), so it cannot promise more or less
 * than contain does. */
#include "config.h"
#include "contain/json.h"
#include "contain/linux.h"
#include "contain/spec.h"
#include "contain/util.h"
#include "internal.h"

/* The oldest config version the parser reads (spec_version_supported); the newest is
 * CONTAIN_SPEC_VERSION, the one version constant of the build (meson.build). */
#define OCI_VERSION_MIN "1.0.0"

static void w_enabled(struct json_writer *w, const char *key, bool enabled)
{
        json_w_key(w, key);
        json_w_object_begin(w);
        json_w_kv_bool(w, "enabled", enabled);
        json_w_object_end(w);
}

/* A JSON array of the names get(0), get(1), ... (until NULL) that keep() accepts (NULL: all). */
static void w_names(struct json_writer *w, const char *key, const char *(*get)(size_t),
                    bool (*keep)(const char *))
{
        json_w_key(w, key);
        json_w_array_begin(w);
        for (size_t i = 0; get(i); i++)
                if (!keep || keep(get(i)))
                        json_w_string(w, get(i));
        json_w_array_end(w);
}

static const char *hook_at(size_t i) { return i < HOOK_KIND_COUNT ? hook_kind_name((enum hook_kind)i) : NULL; }
static const char *ns_at(size_t i) { return i < NS_TYPE_COUNT ? ns_type_name((enum ns_type)i) : NULL; }
static const char *cap_at(size_t i) { return caps_known_names()[i]; }
static const char *action_at(size_t i) { return spec_seccomp_action_name((enum seccomp_action)i); }
static const char *op_at(size_t i) { return spec_seccomp_op_name((enum seccomp_op)i); }

/* enabled: whether a filter can be built here, i.e. libseccomp loads (it is loaded only for
 * a config with linux.seccomp, and a host may lack it) */
static void w_seccomp(struct json_writer *w, bool enabled)
{
        json_w_key(w, "seccomp");
        json_w_object_begin(w);
        json_w_kv_bool(w, "enabled", enabled);
        /* every action the parser knows is applied, SCMP_ACT_NOTIFY included */
        w_names(w, "actions", action_at, NULL);
        w_names(w, "operators", op_at, NULL);
        w_names(w, "archs", spec_seccomp_arch_name, seccomp_arch_supported);
        w_names(w, "knownFlags", spec_seccomp_flag_name, NULL);
        w_names(w, "supportedFlags", spec_seccomp_flag_name, seccomp_flag_supported);
        json_w_object_end(w);
}

static void w_linux(struct json_writer *w, bool seccomp_enabled)
{
        json_w_key(w, "linux");
        json_w_object_begin(w);
        w_names(w, "namespaces", ns_at, NULL);
        w_names(w, "capabilities", cap_at, NULL);

        json_w_key(w, "cgroup");
        json_w_object_begin(w);
        json_w_kv_bool(w, "v1", true);
        json_w_kv_bool(w, "v2", true);
        /* --systemd-cgroup maps slice:prefix:name to a path; no systemd unit is made */
        json_w_kv_bool(w, "systemd", false);
        json_w_kv_bool(w, "systemdUser", false);
        json_w_kv_bool(w, "rdma", true);        /* linux.resources.rdma -> rdma.max */
        json_w_object_end(w);

        w_seccomp(w, seccomp_enabled);
        /* labels are written by src/linux/lsm.c; a host without the LSM makes asking an error */
        w_enabled(w, "apparmor", true);
        w_enabled(w, "selinux", true);
        /* linux.intelRdt: src/linux/resctrl.c, schemata lines included */
        json_w_key(w, "intelRdt");
        json_w_object_begin(w);
        json_w_kv_bool(w, "enabled", true);
        json_w_kv_bool(w, "schemata", true);
        json_w_object_end(w);
        /* linux.memoryPolicy: the parser's mode and flag tables (src/spec/spec_names.c) */
        json_w_key(w, "memoryPolicy");
        json_w_object_begin(w);
        w_names(w, "modes", spec_mempolicy_mode_name, NULL);
        w_names(w, "flags", spec_mempolicy_flag_name, NULL);
        json_w_object_end(w);
        w_enabled(w, "netDevices", true);       /* src/net: moved into the container's netns */

        json_w_key(w, "mountExtensions");
        json_w_object_begin(w);
        w_enabled(w, "idmap", true);    /* src/linux/idmap.c */
        json_w_object_end(w);
        json_w_object_end(w);
}

char *runtime_features_json(void)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(true);
        struct error *e = NULL;
        cleanup_free char *seccomp_ver = seccomp_library_version(&e);
        cleanup_free char *seccomp_said = seccomp_ver ? NULL : xasprintf("unavailable: %s", e->msg);
        error_free(e);
        json_w_object_begin(w);
        json_w_kv_string(w, "ociVersionMin", OCI_VERSION_MIN);
        json_w_kv_string(w, "ociVersionMax", CONTAIN_SPEC_VERSION);
        w_names(w, "hooks", hook_at, NULL);
        w_names(w, "mountOptions", mountopts_known_name, NULL);
        w_linux(w, seccomp_ver != NULL);
        json_w_key(w, "annotations");
        json_w_object_begin(w);
        json_w_kv_string(w, "io.github.seccomp.libseccomp.version", seccomp_ver ? seccomp_ver : seccomp_said);
        json_w_kv_string(w, "org.contain.version", CONTAIN_VERSION);
        json_w_kv_string(w, "org.contain.libcap.version", CONTAIN_LIBCAP_VERSION);
        json_w_kv_string(w, "org.contain.yajl.version", CONTAIN_YAJL_VERSION);
        json_w_object_end(w);
        json_w_object_end(w);
        return json_writer_finish(w, NULL);
}
