/* `contain features`: the runtime-spec features document, built from what this build and this
 * host actually support (libcap's names, libseccomp's architectures), not from a wish list. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>

#include <seccomp.h>

#include "config.h"
#include "contain/cli.h"
#include "contain/json.h"
#include "contain/linux.h"
#include "contain/spec.h"
#include "contain/util.h"

#define OCI_VERSION_MIN "1.0.0"
#define SELINUX_MAGIC 0xf97cff8c

/* The option words src/linux/mountopts.c understands (other words go to the filesystem as
 * data), the recursive attributes and idmap/ridmap included. */
static const char *const mount_options[] = {
        "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap", "lazytime",
        "mand", "noatime", "nodev", "nodiratime", "noexec", "nolazytime", "nomand", "norelatime",
        "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime",
        "relatime", "remount", "rexec", "ridmap", "rnoatime", "rnodev", "rnodiratime", "rnoexec",
        "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro",
        "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared",
        "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable", NULL,
};

/* The seccomp module (src/linux/seccomp.c) refuses SCMP_ACT_NOTIFY and does not pass
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: both are known to the parser, not supported. */
static bool action_supported(enum seccomp_action a)
{
        return a != SECCOMP_ACT_NOTIFY;
}

static bool flag_supported(const char *flag)
{
        return strcmp(flag, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") != 0;
}

/* "SCMP_ARCH_X86_64" is usable when this libseccomp resolves "x86_64". */
static bool arch_supported(const char *name)
{
        char lower[64];
        const char *s = name + strlen("SCMP_ARCH_");
        size_t i;

        for (i = 0; s[i] && i + 1 < sizeof(lower); i++)
                lower[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
        lower[i] = '\0';
        return seccomp_arch_resolve_name(lower) != 0;
}

static bool apparmor_enabled(void)
{
        cleanup_free char *v = NULL;
        cleanup_error struct error *e = NULL;
        return read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", 16, &v, NULL, &e) == 0 &&
               v[0] == 'Y';
}

static bool selinux_enabled(void)
{
        struct statfs sf;
        return statfs("/sys/fs/selinux", &sf) == 0 && (unsigned long)sf.f_type == SELINUX_MAGIC;
}

static void w_enabled(struct json_writer *w, const char *key, bool enabled)
{
        json_w_key(w, key);
        json_w_object_begin(w);
        json_w_kv_bool(w, "enabled", enabled);
        json_w_object_end(w);
}

static void w_seccomp(struct json_writer *w)
{
        json_w_key(w, "seccomp");
        json_w_object_begin(w);
        json_w_kv_bool(w, "enabled", true);
        json_w_key(w, "actions");
        json_w_array_begin(w);
        for (int a = 0; spec_seccomp_action_name(a); a++)
                if (action_supported(a))
                        json_w_string(w, spec_seccomp_action_name(a));
        json_w_array_end(w);
        json_w_key(w, "operators");
        json_w_array_begin(w);
        for (int op = 0; spec_seccomp_op_name(op); op++)
                json_w_string(w, spec_seccomp_op_name(op));
        json_w_array_end(w);
        json_w_key(w, "archs");
        json_w_array_begin(w);
        for (size_t i = 0; spec_seccomp_arch_name(i); i++)
                if (arch_supported(spec_seccomp_arch_name(i)))
                        json_w_string(w, spec_seccomp_arch_name(i));
        json_w_array_end(w);
        json_w_key(w, "knownFlags");
        json_w_array_begin(w);
        for (size_t i = 0; spec_seccomp_flag_name(i); i++)
                json_w_string(w, spec_seccomp_flag_name(i));
        json_w_array_end(w);
        json_w_key(w, "supportedFlags");
        json_w_array_begin(w);
        for (size_t i = 0; spec_seccomp_flag_name(i); i++)
                if (flag_supported(spec_seccomp_flag_name(i)))
                        json_w_string(w, spec_seccomp_flag_name(i));
        json_w_array_end(w);
        json_w_object_end(w);
}

static void w_linux(struct json_writer *w)
{
        json_w_key(w, "linux");
        json_w_object_begin(w);
        json_w_key(w, "namespaces");
        json_w_array_begin(w);
        for (int t = 0; t < NS_TYPE_COUNT; t++)
                json_w_string(w, ns_type_name(t));
        json_w_array_end(w);
        json_w_string_array(w, "capabilities", (char *const *)caps_known_names());

        json_w_key(w, "cgroup");
        json_w_object_begin(w);
        json_w_kv_bool(w, "v1", true);
        json_w_kv_bool(w, "v2", true);
        json_w_kv_bool(w, "systemd", false);
        json_w_kv_bool(w, "systemdUser", false);
        json_w_kv_bool(w, "rdma", false);
        json_w_object_end(w);

        w_seccomp(w);
        w_enabled(w, "apparmor", apparmor_enabled());
        w_enabled(w, "selinux", selinux_enabled());
        w_enabled(w, "intelRdt", false);

        json_w_key(w, "mountExtensions");
        json_w_object_begin(w);
        w_enabled(w, "idmap", true);      /* src/linux/idmap.c */
        json_w_object_end(w);
        json_w_object_end(w);
}

static char *features_json(void)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(true);
        const struct scmp_version *sv = seccomp_version();
        char seccomp_ver[48];

        snprintf(seccomp_ver, sizeof(seccomp_ver), "%u.%u.%u", sv->major, sv->minor, sv->micro);
        json_w_object_begin(w);
        json_w_kv_string(w, "ociVersionMin", OCI_VERSION_MIN);
        json_w_kv_string(w, "ociVersionMax", CONTAIN_SPEC_VERSION);
        json_w_key(w, "hooks");
        json_w_array_begin(w);
        for (int k = 0; k < HOOK_KIND_COUNT; k++)
                json_w_string(w, hook_kind_name(k));
        json_w_array_end(w);
        json_w_string_array(w, "mountOptions", (char *const *)mount_options);
        w_linux(w);
        json_w_key(w, "annotations");
        json_w_object_begin(w);
        json_w_kv_string(w, "io.github.seccomp.libseccomp.version", seccomp_ver);
        json_w_kv_string(w, "org.contain.version", CONTAIN_VERSION);
        json_w_kv_string(w, "org.contain.libcap.version", CONTAIN_LIBCAP_VERSION);
        json_w_kv_string(w, "org.contain.yajl.version", CONTAIN_YAJL_VERSION);
        json_w_object_end(w);
        json_w_object_end(w);
        return json_writer_finish(w, NULL);
}

int cmd_features(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;

        (void)g;
        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                if (c == 'h') {
                        printf("usage: contain features\n\n"
                               "Print the runtime-spec features document: the config versions, hooks,\n"
                               "mount options, namespaces, capabilities, cgroup and seccomp support of\n"
                               "this build on this host.\n");
                        return 0;
                }
                return cli_usage_error("features", "unknown option '%s'", argv[optind - 1]);
        }
        if (optind < argc)
                return cli_usage_error("features", "unexpected argument '%s'", argv[optind]);
        cleanup_free char *json = features_json();
        printf("%s\n", json);
        return 0;
}
