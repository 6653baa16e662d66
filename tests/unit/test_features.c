/* `contain features` against the parser: every value the document advertises is walked through
 * the code that reads or applies it (spec_parse, mountopts_parse, seccomp_program_build), so
 * the document cannot promise a value contain would refuse or ignore. */
#include <string.h>

#include "config.h"
#include "contain/engine.h"
#include "contain/json.h"
#include "contain/linux.h"
#include "contain/spec.h"
#include "contain/util.h"
#include "src/linux/internal.h"
#include "tap.h"

#define HEAD "{\"ociVersion\":\"" CONTAIN_SPEC_VERSION "\",\"root\":{\"path\":\"rootfs\"},"
#define PROC "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}"

/* Parses HEAD + body + "}"; on failure prints the error as a TAP comment. */
static int parse(const char *body, struct spec **out)
{
        cleanup_free char *doc = xasprintf(HEAD "%s}", body);
        cleanup_error struct error *err = NULL;
        if (spec_parse(doc, strlen(doc), "config.json", "/b", out, &err) == 0)
                return 0;
        printf("#   %s\n#   error: %s\n", doc, err ? err->msg : "(none)");
        return -1;
}

static const struct json *list(const struct json *root, const char *path)
{
        cleanup_free char *copy = xstrdup(path);
        const struct json *j = root;
        for (char *save = NULL, *k = strtok_r(copy, ".", &save); k && j; k = strtok_r(NULL, ".", &save))
                j = json_get(j, k);
        return j && json_type(j) == JSON_ARRAY && json_array_size(j) > 0 ? j : NULL;
}

#define EACH(arr, name) \
        for (size_t i_ = 0; i_ < json_array_size(arr) && ((name) = json_string(json_array_get(arr, i_))); i_++)

static void walk_hooks(struct tap *t, const struct json *arr)
{
        const char *name;
        bool all = true;
        EACH(arr, name) {
                cleanup_free char *body = xasprintf(PROC ",\"hooks\":{\"%s\":[{\"path\":\"/bin/true\"}]}", name);
                cleanup_spec struct spec *s = NULL;
                all &= parse(body, &s) == 0;
        }
        ok(t, all, "every advertised hook kind parses");
}

static void walk_mount_options(struct tap *t, const struct json *arr)
{
        const char *name;
        bool all = true;
        EACH(arr, name) {
                /* idmapped mounts are bind mounts with mappings */
                bool idmap = strstr(name, "idmap") != NULL;
                cleanup_free char *body = xasprintf(
                        PROC ",\"mounts\":[{\"destination\":\"/m\",\"type\":\"%s\",\"source\":\"%s\",\"options\":[%s\"%s\"]%s}]",
                        idmap ? "bind" : "tmpfs", idmap ? "/srv" : "tmpfs", idmap ? "\"rbind\"," : "", name,
                        idmap ? ",\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":1}],"
                                "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":1}]" : "");
                cleanup_spec struct spec *s = NULL;
                if (parse(body, &s) < 0) {
                        all = false;
                        continue;
                }
                struct mount_opts mo;
                cleanup_error struct error *err = NULL;
                /* honoured: known to the mount code, not passed on as filesystem data */
                bool honoured = mountopts_parse(s->mounts[0].options, &mo, &err) == 0 && !mo.data;
                if (!honoured)
                        printf("#   mount option %s: %s\n", name, err ? err->msg : "passed on as data");
                all &= honoured;
                if (!err)
                        mountopts_clear(&mo);
        }
        ok(t, all, "every advertised mount option parses and is honoured by the mount code");
}

static void walk_namespaces(struct tap *t, const struct json *arr)
{
        const char *name;
        bool all = true;
        EACH(arr, name) {
                cleanup_free char *body = xasprintf(PROC ",\"linux\":{\"namespaces\":[{\"type\":\"%s\"}]}", name);
                cleanup_spec struct spec *s = NULL;
                all &= parse(body, &s) == 0 && s->linux.n_namespaces == 1 &&
                       strcmp(ns_type_name(s->linux.namespaces[0].type), name) == 0;
        }
        ok(t, all, "every advertised namespace parses to its type");
}

static void walk_capabilities(struct tap *t, const struct json *arr)
{
        const char *name;
        bool all = true;
        EACH(arr, name) {
                cleanup_free char *body = xasprintf("\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
                                                    "\"capabilities\":{\"bounding\":[\"%s\"]}}", name);
                cleanup_spec struct spec *s = NULL;
                /* an unknown capability is dropped with a warning: it must still be there */
                bool kept = parse(body, &s) == 0 && s->process.capabilities.bounding &&
                            s->process.capabilities.bounding[0] &&
                            strcmp(s->process.capabilities.bounding[0], name) == 0;
                if (!kept)
                        printf("#   capability %s dropped\n", name);
                all &= kept;
        }
        ok(t, all, "every advertised capability is kept by the parser");
}

/* A seccomp object with one rule (action, with an argument op) and the extras (flags, archs);
 * it must parse and compile. */
static bool seccomp_builds(const char *action, const char *op, const char *extra)
{
        cleanup_free char *body = xasprintf(
                PROC ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\"%s,"
                "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"%s\",\"args\":[{\"index\":1,\"value\":1,\"op\":\"%s\"}]}]}}",
                extra, action, op);
        cleanup_spec struct spec *s = NULL;
        if (parse(body, &s) < 0)
                return false;
        struct seccomp_program *p = NULL;
        cleanup_error struct error *err = NULL;
        int r = seccomp_program_build(&s->linux.seccomp, &p, &err);
        if (r < 0)
                printf("#   seccomp %s %s%s: %s\n", action, op, extra, err->msg);
        seccomp_program_free(p);
        return r == 0;
}

static void walk_seccomp(struct tap *t, const struct json *root)
{
        const struct json *actions = list(root, "linux.seccomp.actions");
        const struct json *ops = list(root, "linux.seccomp.operators");
        const struct json *archs = list(root, "linux.seccomp.archs");
        const struct json *flags = list(root, "linux.seccomp.supportedFlags");
        const struct json *known = list(root, "linux.seccomp.knownFlags");
        if (!ok(t, actions && ops && archs && flags && known, "seccomp lists advertised"))
                return;
        const char *name;
        bool all = true;
        EACH(actions, name)
                all &= seccomp_builds(name, "SCMP_CMP_EQ", "");
        ok(t, all, "every advertised seccomp action parses and compiles");
        all = true;
        EACH(ops, name)
                all &= seccomp_builds("SCMP_ACT_ERRNO", name, "");
        ok(t, all, "every advertised seccomp operator parses and compiles");
        all = true;
        EACH(archs, name) {
                cleanup_free char *extra = xasprintf(",\"architectures\":[\"%s\"]", name);
                all &= seccomp_builds("SCMP_ACT_ERRNO", "SCMP_CMP_EQ", extra);
        }
        ok(t, all, "every advertised seccomp architecture parses and compiles");
        all = true;
        EACH(flags, name) {
                /* with a notify rule: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs one */
                cleanup_free char *extra = xasprintf(",\"flags\":[\"%s\"]", name);
                all &= seccomp_builds("SCMP_ACT_NOTIFY", "SCMP_CMP_EQ", extra);
        }
        ok(t, all, "every supported seccomp flag parses and compiles");
        all = true;
        EACH(known, name) {
                cleanup_free char *body = xasprintf(PROC ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                                                    "\"flags\":[\"%s\"]}}", name);
                cleanup_spec struct spec *s = NULL;
                all &= parse(body, &s) == 0;
        }
        ok(t, all, "every known seccomp flag parses");
        ok(t, json_array_size(flags) <= json_array_size(known), "supportedFlags is a subset of knownFlags");
}

/* A mode parses with nodes or, for the modes that take none, without; a flag parses with a
 * mode that allows it (MPOL_BIND allows every flag). */
static bool mempolicy_parses(const char *mode, const char *flag)
{
        for (int with_nodes = 1; with_nodes >= 0; with_nodes--) {
                cleanup_free char *body = xasprintf(PROC ",\"linux\":{\"memoryPolicy\":{\"mode\":\"%s\"%s%s%s%s}}", mode,
                                                    with_nodes ? ",\"nodes\":\"0\"" : "",
                                                    flag ? ",\"flags\":[\"" : "", flag ? flag : "", flag ? "\"]" : "");
                cleanup_spec struct spec *s = NULL;
                cleanup_free char *doc = xasprintf(HEAD "%s}", body);
                cleanup_error struct error *err = NULL;
                if (spec_parse(doc, strlen(doc), "config.json", "/b", &s, &err) == 0)
                        return true;
                if (!with_nodes)
                        printf("#   memoryPolicy %s %s: %s\n", mode, flag ? flag : "", err ? err->msg : "");
        }
        return false;
}

static void walk_memory_policy(struct tap *t, const struct json *root)
{
        const struct json *modes = list(root, "linux.memoryPolicy.modes");
        const struct json *flags = list(root, "linux.memoryPolicy.flags");
        if (!ok(t, modes && flags, "memoryPolicy modes and flags advertised"))
                return;
        const char *name;
        bool all = true;
        EACH(modes, name)
                all &= mempolicy_parses(name, NULL);
        ok(t, all, "every advertised memoryPolicy mode parses");
        all = true;
        EACH(flags, name)
                all &= mempolicy_parses("MPOL_BIND", name);
        ok(t, all, "every advertised memoryPolicy flag parses");
}

int main(void)
{
        struct tap t = { 0 };
        cleanup_free char *text = runtime_features_json();
        struct json *root = NULL;
        cleanup_error struct error *err = NULL;
        if (!ok(&t, json_parse(text, strlen(text), &root, &err) == 0, "the features document is JSON"))
                return tap_done(&t);
        is_str(&t, json_string(json_get(root, "ociVersionMax")), CONTAIN_SPEC_VERSION, "ociVersionMax is the build's spec version");

        const struct json *hooks = list(root, "hooks"), *opts = list(root, "mountOptions");
        const struct json *ns = list(root, "linux.namespaces"), *caps = list(root, "linux.capabilities");
        ok(&t, hooks && opts && ns && caps, "hooks, mountOptions, namespaces and capabilities advertised");
        if (hooks && opts && ns && caps) {
                walk_hooks(&t, hooks);
                walk_mount_options(&t, opts);
                walk_namespaces(&t, ns);
                walk_capabilities(&t, caps);
        }
        walk_seccomp(&t, root);
        walk_memory_policy(&t, root);

        /* what the parser or the mount code refuses is not advertised */
        struct mount_opts mo;
        char *refused[] = { "rro", NULL };
        struct error *e = NULL;
        if (mountopts_parse(refused, &mo, &e) < 0) {
                bool listed = false;
                for (size_t i = 0; i < json_array_size(opts); i++)
                        listed |= strcmp(json_string(json_array_get(opts, i)), "rro") == 0;
                ok(&t, !listed, "a refused mount option (rro) is not advertised");
                error_free(e);
        } else {
                mountopts_clear(&mo);
        }
        json_free(root);
        return tap_done(&t);
}
