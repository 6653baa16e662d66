/* Quick mode, part one: the flags of `run --rootfs` / `spec --rootfs` translated into a
 * struct spec built from the same defaults as `contain spec`, and `spec --rootfs` itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/log.h"
#include "contain/quick.h"
#include "contain/units.h"
#include "contain/util.h"
#include "quick_internal.h"

#define CPU_PERIOD 100000

enum flag_id {
        F_ROOTFS, F_HOSTNAME, F_MEMORY, F_CPU, F_CPUS, F_PIDS, F_ENV, F_VOLUME, F_OVERLAY,
        F_READ_ONLY, F_NET, F_USER, F_WORKDIR, F_NAME, F_QUIET, F_KEEP, F_BUNDLE,
};

struct flag {
        const char *name;
        char short_name;        /* 0 when none */
        bool takes_value;
        enum flag_id id;
};

static const struct flag flags[] = {
        { "rootfs", 0, true, F_ROOTFS },
        { "hostname", 0, true, F_HOSTNAME },
        { "memory", 'm', true, F_MEMORY },
        { "cpu", 0, true, F_CPU },
        { "cpus", 0, true, F_CPUS },
        { "pids", 0, true, F_PIDS },
        { "env", 'e', true, F_ENV },
        { "volume", 'v', true, F_VOLUME },
        { "overlay", 0, false, F_OVERLAY },
        { "read-only", 0, false, F_READ_ONLY },
        { "net", 0, true, F_NET },
        { "user", 'u', true, F_USER },
        { "workdir", 'w', true, F_WORKDIR },
        { "name", 0, true, F_NAME },
        { "quiet", 'q', false, F_QUIET },
        { "keep", 0, false, F_KEEP },
        { "bundle", 'b', true, F_BUNDLE },
};

void quick_opts_release(struct quick_opts *o)
{
        free(o->rootfs);
        free(o->rootfs_arg);
        free(o->id);
        free(o->bundle);
        *o = (struct quick_opts){ 0 };
}

/* Matches argv[*i] against the table: "--name", "--name=value", "-x", "-x value". */
static const struct flag *match_flag(int argc, char **argv, int *i, const char **value, struct error **err)
{
        const char *a = argv[*i];
        const struct flag *f = NULL;
        const char *inline_value = NULL;

        if (a[1] && a[2]) {
                /* "--name" and runc's single-dash "-name" */
                const char *name = a + (a[1] == '-' ? 2 : 1);
                size_t n = strcspn(name, "=");
                for (size_t k = 0; k < ARRAY_SIZE(flags) && !f; k++)
                        if (strlen(flags[k].name) == n && strncmp(flags[k].name, name, n) == 0)
                                f = &flags[k];
                if (name[n] == '=')
                        inline_value = name + n + 1;
        } else {
                for (size_t k = 0; k < ARRAY_SIZE(flags) && !f; k++)
                        if (flags[k].short_name == a[1])
                                f = &flags[k];
        }
        if (!f) {
                error_make(err, 0, "unknown option '%s'", a);
                return NULL;
        }
        if (!f->takes_value) {
                if (inline_value) {
                        error_make(err, 0, "--%s takes no value", f->name);
                        return NULL;
                }
                return f;
        }
        if (inline_value) {
                *value = inline_value;
        } else if (*i + 1 < argc) {
                *value = argv[++*i];
        } else {
                error_make(err, 0, "--%s needs a value", f->name);
                return NULL;
        }
        return f;
}

bool quick_wants(int argc, char **argv)
{
        for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
                if (strcmp(argv[i], "--rootfs") == 0 || str_has_prefix(argv[i], "--rootfs=") ||
                    strcmp(argv[i], "-rootfs") == 0 || str_has_prefix(argv[i], "-rootfs="))
                        return true;
        return false;
}

bool quick_help(int argc, char **argv)
{
        bool spec = argc > 0 && strcmp(argv[0], "spec") == 0;
        int i;
        for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
                        break;
        if (i >= argc || strcmp(argv[i], "--") == 0)
                return false;
        printf("usage: contain %s --rootfs DIR [options] -- CMD [ARG...]\n\n"
               "%s\n\n"
               "Options:\n"
               "  --rootfs DIR              the container's root filesystem (required)\n"
               "  --hostname NAME           its hostname\n"
               "  -m, --memory SIZE         memory limit (64M, 1G; swap included)\n"
               "  --cpu QUOTA               cpu time per 100000 us period (50000 = half a CPU)\n"
               "  --cpus N                  the same as a number of CPUs (0.5)\n"
               "  --pids N                  at most N processes\n"
               "  -e, --env K=V             an environment variable (K alone: the value here)\n"
               "  -v, --volume HOST:DIR[:ro] bind HOST at DIR inside, read-only with :ro\n"
               "  --overlay                 write to an overlay over DIR, which stays untouched\n"
               "  --read-only               a read-only root\n"
               "  --net none|host|veth      own netns with lo (default), the host's, or plus a\n"
               "                            veth pair contain-ID 10.88.x.y/30 <-> eth0\n"
               "  -u, --user USER[:GROUP]   ids or names from the rootfs's /etc/passwd and /etc/group;\n"
               "                            without GROUP the user's own, else 0\n"
               "  -w, --workdir DIR         its working directory\n"
               "  --name ID                 the container id (default: 7 random hex digits)\n"
               "  -q, --quiet               no progress lines\n"
               "  --keep                    keep the stopped container and the overlay changes\n"
               "                            (until `contain delete ID`)\n"
               "%s",
               spec ? "spec" : "run",
               spec ? "Write the config.json that `contain run --rootfs` would run (overlay and veth\n"
                      "are done around the container and cannot be written)."
                    : "Run CMD in a container made from flags alone, no bundle needed; one progress\n"
                      "line per step on stderr, a usage report at the end, the command's exit status.",
               spec ? "  -b, --bundle DIR          where config.json goes (default: here)\n" : "");
        return true;
}

static char *random_id(void)
{
        uint32_t r = 0;
        while (getrandom(&r, sizeof r, 0) < 0 && errno == EINTR)
                ;
        /* seven hex digits: short to type, and "contain-" + id still fits IFNAMSIZ */
        return xasprintf("%07x", r & 0xfffffffu);
}

static void set_str(char **field, const char *value)
{
        free(*field);
        *field = xstrdup(value);
}

static void ns_ensure(struct spec *s, enum ns_type t)
{
        if (spec_namespace(s, t))
                return;
        s->linux.namespaces = xrealloc(s->linux.namespaces, (s->linux.n_namespaces + 1) * sizeof *s->linux.namespaces);
        s->linux.namespaces[s->linux.n_namespaces++] = (struct spec_namespace){ .type = t };
}

static void ns_remove(struct spec *s, enum ns_type t)
{
        size_t k = 0;
        for (size_t i = 0; i < s->linux.n_namespaces; i++) {
                if (s->linux.namespaces[i].type == t)
                        free(s->linux.namespaces[i].path);
                else
                        s->linux.namespaces[k++] = s->linux.namespaces[i];
        }
        s->linux.n_namespaces = k;
}

static void cap_ensure(char ***set, const char *cap)
{
        for (char **c = *set; c && *c; c++)
                if (strcmp(*c, cap) == 0)
                        return;
        strv_append(set, cap);
}

static int apply_env(struct spec *s, const char *kv, struct error **err)
{
        const char *eq = strchr(kv, '=');
        cleanup_free char *entry = NULL;

        if (eq == kv || !*kv)
                return error_make(err, 0, "--env '%s': expected KEY=VALUE", kv);
        if (!eq) {
                /* "--env KEY" passes the host's value, as docker does */
                const char *v = getenv(kv);
                if (!v)
                        return error_make(err, 0, "--env '%s': expected KEY=VALUE (and %s is not set here)", kv, kv);
                entry = xasprintf("%s=%s", kv, v);
        } else {
                entry = xstrdup(kv);
        }
        size_t keylen = (size_t)(strchr(entry, '=') - entry);
        for (char **e = s->process.env; e && *e; e++) {
                if (strncmp(*e, entry, keylen + 1) == 0) {
                        free(*e);
                        *e = steal_pointer(&entry);
                        return 0;
                }
        }
        strv_append(&s->process.env, entry);
        return 0;
}

static int apply_volume(struct spec *s, const char *arg, struct error **err)
{
        cleanup_free char *copy = xstrdup(arg);
        char *host = copy, *dest = strchr(copy, ':'), *mode = NULL;
        bool ro = false;

        if (!dest)
                return error_make(err, 0, "--volume '%s': expected HOST:CONTAINER[:ro]", arg);
        *dest++ = '\0';
        mode = strchr(dest, ':');
        if (mode) {
                *mode++ = '\0';
                if (strcmp(mode, "ro") == 0)
                        ro = true;
                else if (strcmp(mode, "rw") != 0)
                        return error_make(err, 0, "--volume '%s': mode must be ro or rw, got '%s'", arg, mode);
        }
        if (!*host || dest[0] != '/')
                return error_make(err, 0, "--volume '%s': expected HOST:CONTAINER with an absolute CONTAINER path", arg);
        cleanup_free char *source = realpath(host, NULL);
        if (!source)
                return error_make(err, errno, "--volume '%s': host path %s", arg, host);

        s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof *s->mounts);
        struct spec_mount *m = &s->mounts[s->n_mounts++];
        *m = (struct spec_mount){ .destination = xstrdup(dest), .source = steal_pointer(&source),
                                  .type = xstrdup("bind") };
        strv_append(&m->options, "rbind");
        strv_append(&m->options, ro ? "ro" : "rw");
        return 0;
}

static int apply_rootfs(struct spec *s, struct quick_opts *o, const char *arg, struct error **err)
{
        struct stat st;
        cleanup_free char *abs = realpath(arg, NULL);
        if (!abs)
                return error_make(err, errno, "--rootfs %s", arg);
        if (stat(abs, &st) < 0)
                return error_make(err, errno, "--rootfs %s", arg);
        if (!S_ISDIR(st.st_mode))
                return error_make(err, ENOTDIR, "--rootfs %s", arg);
        set_str(&s->root_path, abs);
        set_str(&o->rootfs_arg, arg);
        set_str(&o->rootfs, abs);
        return 0;
}

static int positive_int(const char *flag, const char *v, int64_t *out, struct error **err)
{
        if (parse_int64(v, out) < 0 || *out <= 0)
                return error_make(err, 0, "--%s: expected a positive integer, got '%s'", flag, v);
        return 0;
}

static int apply_memory(struct spec_resources *res, const char *v, struct error **err)
{
        uint64_t size;
        if (parse_size(v, &size, err) < 0)
                return error_wrap(err, "--memory");
        if (size == 0 || size > INT64_MAX)
                return error_make(err, 0, "--memory: expected a size like 64M, got '%s'", v);
        res->present = true;
        res->memory.has_limit = true;
        res->memory.limit = (int64_t)size;
        /* memory+swap equal to memory: the limit is not dodged by swapping */
        res->memory.has_swap = true;
        res->memory.swap = (int64_t)size;
        return 0;
}

/* --cpu N (whole CPUs) or --cpus 0.5: a CFS quota per CPU_PERIOD. */
static int apply_cpu(struct spec_resources *res, const struct flag *f, const char *v, struct error **err)
{
        int64_t n;
        if (f->id == F_CPU) {
                if (positive_int("cpu", v, &n, err) < 0)
                        return -1;
        } else {
                char *end;
                errno = 0;
                double cpus = strtod(v, &end);
                if (errno || end == v || *end || !(cpus > 0) || cpus > 1e6)
                        return error_make(err, 0, "--cpus: expected a number of CPUs like 0.5, got '%s'", v);
                n = (int64_t)(cpus * CPU_PERIOD + 0.5);
        }
        if (n < 1000)
                return error_make(err, 0, "--%s '%s': the kernel's smallest quota is 1000 per 100000 period",
                                  f->name, v);
        res->present = true;
        res->cpu.has_quota = true;
        res->cpu.quota = n;
        res->cpu.has_period = true;
        res->cpu.period = CPU_PERIOD;
        return 0;
}

static int apply_net(struct quick_opts *o, const char *v, struct error **err)
{
        if (strcmp(v, "none") == 0)
                o->net = QUICK_NET_NONE;
        else if (strcmp(v, "host") == 0)
                o->net = QUICK_NET_HOST;
        else if (strcmp(v, "veth") == 0)
                o->net = QUICK_NET_VETH;
        else
                return error_make(err, 0, "--net: expected none, host or veth, got '%s'", v);
        return 0;
}

/* What the flags say that is applied only once all are read. */
struct parse_state {
        bool cpu_set;
        const char *user;       /* --user needs the rootfs's passwd */
};

/* One flag with its value into the spec or the options. */
static int apply_flag(struct spec *s, struct quick_opts *o, const struct flag *f, const char *v,
                      struct parse_state *ps, struct error **err)
{
        struct spec_resources *res = &s->linux.resources;
        int64_t n;

        switch (f->id) {
        case F_ROOTFS:
                return apply_rootfs(s, o, v, err);
        case F_HOSTNAME:
                if (!*v)
                        return error_make(err, 0, "--hostname: expected a name");
                set_str(&s->hostname, v);
                return 0;
        case F_MEMORY:
                return apply_memory(res, v, err);
        case F_CPU:
        case F_CPUS:
                if (ps->cpu_set)
                        return error_make(err, 0, "--cpu and --cpus: give only one");
                ps->cpu_set = true;
                return apply_cpu(res, f, v, err);
        case F_PIDS:
                if (positive_int("pids", v, &n, err) < 0)
                        return -1;
                res->present = true;
                res->pids.has_limit = true;
                res->pids.limit = n;
                return 0;
        case F_ENV:
                return apply_env(s, v, err);
        case F_VOLUME:
                return apply_volume(s, v, err);
        case F_OVERLAY:
                o->overlay = true;
                return 0;
        case F_READ_ONLY:
                s->root_readonly = true;
                return 0;
        case F_NET:
                return apply_net(o, v, err);
        case F_USER:
                ps->user = v;
                return 0;
        case F_WORKDIR:
                if (v[0] != '/')
                        return error_make(err, 0, "--workdir: expected an absolute path, got '%s'", v);
                set_str(&s->process.cwd, v);
                return 0;
        case F_NAME:
                if (container_id_validate(v, err) < 0)
                        return error_wrap(err, "--name");
                set_str(&o->id, v);
                return 0;
        case F_QUIET:
                o->quiet = true;
                return 0;
        case F_KEEP:
                o->keep = true;
                return 0;
        case F_BUNDLE:
                set_str(&o->bundle, v);
                return 0;
        }
        return 0;
}

int quick_build_spec(int argc, char **argv, struct spec **out, struct quick_opts *o, struct error **err)
{
        /* an unprivileged user gets runc's rootless defaults: a user namespace mapping its
         * ids to root, /sys bound from the host */
        cleanup_spec struct spec *s = spec_new_default(geteuid() != 0);
        struct parse_state ps = { 0 };
        int i;

        *o = (struct quick_opts){ .net = QUICK_NET_NONE };
        /* quick mode is a writable sandbox unless --read-only says otherwise */
        s->root_readonly = false;
        s->linux.present = true;

        for (i = 1; i < argc; i++) {
                const char *v = NULL;
                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                }
                if (argv[i][0] != '-' || !argv[i][1])
                        break;  /* the command starts here */
                const struct flag *f = match_flag(argc, argv, &i, &v, err);
                if (!f || apply_flag(s, o, f, v, &ps, err) < 0) {
                        quick_opts_release(o);
                        return -1;
                }
        }
        if (!o->rootfs) {
                quick_opts_release(o);
                return error_make(err, 0, "expected --rootfs DIR");
        }
        if (i >= argc) {
                error_make(err, 0, "expected the command after --rootfs %s ... --", o->rootfs_arg);
                quick_opts_release(o);
                return -1;
        }
        if (ps.user && quick_resolve_user(o->rootfs, ps.user, &s->process.user.uid,
                                          &s->process.user.gid, err) < 0) {
                quick_opts_release(o);
                return -1;
        }
        strv_free(s->process.args);
        s->process.args = strv_dup(argv + i);
        /* a pty only when there is a terminal to relay */
        s->process.terminal = isatty(STDIN_FILENO);
        /* the process sees its own cgroup as the root (0::/) */
        ns_ensure(s, NS_CGROUP);
        if (o->net == QUICK_NET_HOST)
                ns_remove(s, NS_NETWORK);
        else
                ns_ensure(s, NS_NETWORK);
        if (o->net == QUICK_NET_VETH && s->process.capabilities.present) {
                /* a network of its own is for trying it: ping needs a raw socket (docker's
                 * default set has it too); it only reaches the container's own netns */
                cap_ensure(&s->process.capabilities.bounding, "CAP_NET_RAW");
                cap_ensure(&s->process.capabilities.effective, "CAP_NET_RAW");
                cap_ensure(&s->process.capabilities.permitted, "CAP_NET_RAW");
        }
        if (!o->id)
                o->id = random_id();
        *out = steal_pointer(&s);
        return 0;
}

int quick_spec(const struct cli_globals *g, int argc, char **argv)
{
        (void)g;
        cleanup_spec struct spec *s = NULL;
        cleanup_error struct error *err = NULL;
        struct quick_opts o;

        if (quick_help(argc, argv))
                return 0;
        if (quick_build_spec(argc, argv, &s, &o, &err) < 0)
                return cli_usage_error("spec", "%s", err->msg);
        if (o.overlay)
                log_warning("--overlay is done by 'run --rootfs' around the container; config.json cannot say it");
        if (o.net == QUICK_NET_VETH)
                log_warning("--net veth is set up by 'run --rootfs'; config.json only asks for a network namespace");

        cleanup_free char *json = spec_to_json(s);
        cleanup_free char *path = xasprintf("%s/config.json", o.bundle ? o.bundle : ".");
        cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        quick_opts_release(&o);
        if (fd < 0) {
                error_make(&err, errno, "write %s", path);
                return cli_fail(err);
        }
        if (write_all(fd, json, strlen(json)) < 0 || write_all(fd, "\n", 1) < 0) {
                error_make(&err, errno, "write %s", path);
                return cli_fail(err);
        }
        return 0;
}
