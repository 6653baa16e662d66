/* `contain exec [--process FILE | options] ID [ARGS...]`: a new process in a running
 * container.  Failures to start it exit 255, like runc; otherwise the process's status. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/spec.h"
#include "contain/util.h"

#define EXEC_FAILED 255

static void usage(FILE *f)
{
        fprintf(f, "usage: contain exec [options] ID [COMMAND [ARG...]]\n\n"
                   "Run a process in a running container.\n\n"
                   "Options:\n"
                   "  -p, --process FILE        the process as JSON (config.json's \"process\")\n"
                   "  -t, --tty                 allocate a terminal (with --detach it needs --console-socket)\n"
                   "  -d, --detach              return once the process runs\n"
                   "  --pid-file FILE           write the process's pid to FILE\n"
                   "  --console-socket SOCK     send the terminal's master to this unix socket\n"
                   "  -e, --env K=V             set an environment variable (repeatable)\n"
                   "  --cwd DIR                 working directory\n"
                   "  -u, --user UID[:GID]      user and group ids\n"
                   "  -g, --additional-gids G   additional group ids (comma-separated or repeated)\n"
                   "  --apparmor PROFILE        AppArmor profile of the process\n"
                   "  --process-label LABEL     SELinux label of the process\n"
                   "  --no-new-privs            set no_new_privs for the process\n"
                   "  --ignore-paused           exec even into a paused container (it stays paused)\n"
                   "  --pidfd-socket SOCK       send a pidfd of the new process to this unix socket\n"
                   "  --cgroup [CTRL[,CTRL]:]PATH  run in this existing sub-cgroup of the container's\n"
                   "  -c, --cap CAP             add a capability (repeatable)\n"
                   "  --preserve-fds N          pass fds 3..3+N-1 to the process\n\n"
                   "With --process the options above still apply on top of the file, as runc's do.\n");
}

struct exec_flags {
        const char *process_file;
        bool tty;
        char **env;
        const char *cwd;
        const char *user;
        char **caps;
        char **gids;            /* --additional-gids values, each "1,2,3" or "1" */
        const char *apparmor;
        const char *process_label;
        bool no_new_privs;
};

static void set_env(char ***env, const char *kv)
{
        size_t klen = strcspn(kv, "=");
        for (char **e = *env; e && *e; e++)
                if (strncmp(*e, kv, klen) == 0 && (*e)[klen] == '=') {
                        free(*e);
                        *e = xstrdup(kv);
                        return;
                }
        strv_append(env, kv);
}

static void add_cap(char ***set, const char *cap)
{
        for (char **c = *set; c && *c; c++)
                if (strcmp(*c, cap) == 0)
                        return;
        strv_append(set, cap);
}

/* Starts from the container's own process and applies the flags. */
static int apply_gids(struct spec_process *p, char *const *gids, struct error **err)
{
        for (char *const *g = gids; g && *g; g++) {
                cleanup_free char *list = xstrdup(*g);
                char *save = NULL;
                for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                        uint64_t gid;
                        if (parse_uint64(t, &gid) < 0 || gid > UINT32_MAX)
                                return error_make(err, 0, "--additional-gids: expected group ids, got \"%s\"", *g);
                        p->user.additional_gids = xrealloc(p->user.additional_gids,
                                                           (p->user.n_additional_gids + 1) * sizeof(uint32_t));
                        p->user.additional_gids[p->user.n_additional_gids++] = (uint32_t)gid;
                }
        }
        return 0;
}

static void replace_string(char **field, const char *value)
{
        free(*field);
        *field = xstrdup(value);
}

/* Starts from the container's own process (or --process) and applies the flags; args NULL
 * keeps the process's own. */
static int apply_flags(struct spec_process *p, const struct exec_flags *f, char **args, struct error **err)
{
        if (args && args[0]) {
                strv_free(p->args);
                p->args = strv_dup(args);
        }
        if (f->tty)
                p->terminal = true;
        if (f->no_new_privs)
                p->no_new_privileges = true;
        if (f->apparmor)
                replace_string(&p->apparmor_profile, f->apparmor);
        if (f->process_label)
                replace_string(&p->selinux_label, f->process_label);
        for (char **e = f->env; e && *e; e++) {
                if (!strchr(*e, '='))
                        return error_make(err, 0, "--env: expected K=V, got \"%s\"", *e);
                set_env(&p->env, *e);
        }
        if (f->cwd) {
                if (f->cwd[0] != '/')
                        return error_make(err, 0, "--cwd: expected an absolute path, got \"%s\"", f->cwd);
                free(p->cwd);
                p->cwd = xstrdup(f->cwd);
        }
        if (f->user) {
                uint64_t uid, gid;
                cleanup_free char *u = xstrdup(f->user);
                char *colon = strchr(u, ':');
                if (colon)
                        *colon = '\0';
                if (parse_uint64(u, &uid) < 0 || uid > UINT32_MAX ||
                    (colon && (parse_uint64(colon + 1, &gid) < 0 || gid > UINT32_MAX)))
                        return error_make(err, 0, "--user: expected UID[:GID], got \"%s\"", f->user);
                p->user.uid = (uint32_t)uid;
                if (colon)
                        p->user.gid = (uint32_t)gid;
                /* like runc: a new uid does not inherit the container's supplementary groups */
                free(p->user.additional_gids);
                p->user.additional_gids = NULL;
                p->user.n_additional_gids = 0;
        }
        if (apply_gids(p, f->gids, err) < 0)
                return -1;
        /* like runc: --cap grants bounding, effective and permitted; inheritable and ambient
         * stay as configured, so the cap does not pass on across execve (CVE-2022-29162) */
        for (char **c = f->caps; c && *c; c++) {
                cleanup_free char *name = strncmp(*c, "CAP_", 4) == 0 ? xstrdup(*c) : xasprintf("CAP_%s", *c);
                p->capabilities.present = true;
                add_cap(&p->capabilities.bounding, name);
                add_cap(&p->capabilities.effective, name);
                add_cap(&p->capabilities.permitted, name);
        }
        return 0;
}

static int run_exec(const struct cli_globals *g, const char *id, const struct exec_flags *f,
                    char **args, const struct exec_opts *o, int *status, struct error **err)
{
        if (f->process_file) {
                cleanup_free char *text = NULL;
                size_t len;
                struct spec_process *proc = NULL;
                if (read_file_at(AT_FDCWD, f->process_file, 64u << 20, &text, &len, err) < 0 ||
                    spec_parse_process(text, len, f->process_file, &proc, err) < 0)
                        return -1;
                int r = apply_flags(proc, f, args, err);
                if (r == 0)
                        r = container_exec(g->root, id, proc, o, status, err);
                spec_process_free(proc);
                return r;
        }
        if (!args || !args[0])
                return error_make(err, 0, "exec: expected a command or --process");
        cleanup_spec struct spec *spec = NULL;
        if (container_load_spec(g->root, id, &spec, err) < 0)
                return -1;
        /* the container's process is the template: what a new process must not inherit */
        spec->process.terminal = false;
        if (apply_flags(&spec->process, f, args, err) < 0)
                return -1;
        struct exec_opts with_spec = *o;
        with_spec.saved_spec = spec;
        return container_exec(g->root, id, &spec->process, &with_spec, status, err);
}

int cmd_exec(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "process", required_argument, NULL, 'p' },
                { "tty", no_argument, NULL, 't' },
                { "detach", no_argument, NULL, 'd' },
                { "pid-file", required_argument, NULL, 'P' },
                { "console-socket", required_argument, NULL, 'S' },
                { "env", required_argument, NULL, 'e' },
                { "cwd", required_argument, NULL, 'w' },
                { "user", required_argument, NULL, 'u' },
                { "cap", required_argument, NULL, 'C' },
                { "preserve-fds", required_argument, NULL, 'f' },
                { "no-new-privs", no_argument, NULL, 'N' },
                { "additional-gids", required_argument, NULL, 'g' },
                { "apparmor", required_argument, NULL, 'A' },
                { "process-label", required_argument, NULL, 'L' },
                { "ignore-paused", no_argument, NULL, 'I' },
                { "pidfd-socket", required_argument, NULL, 'F' },
                { "cgroup", required_argument, NULL, 'G' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        struct exec_opts o = { 0 };
        struct exec_flags f = { 0 };
        cleanup_strv char **env = NULL, **caps = NULL, **gids = NULL;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+:p:tde:u:g:c:h", opts, NULL)) != -1) {
                switch (c) {
                case 'p': f.process_file = optarg; break;
                case 't': f.tty = true; break;
                case 'd': o.detach = true; break;
                case 'P': o.pid_file = optarg; break;
                case 'S': o.console_socket = optarg; break;
                case 'e': strv_append(&env, optarg); break;
                case 'w': f.cwd = optarg; break;
                case 'u': f.user = optarg; break;
                case 'C':
                case 'c': strv_append(&caps, optarg); break;
                case 'N': f.no_new_privs = true; break;
                case 'g': strv_append(&gids, optarg); break;
                case 'A': f.apparmor = optarg; break;
                case 'L': f.process_label = optarg; break;
                case 'I': o.ignore_paused = true; break;
                case 'F': o.pidfd_socket = optarg; break;
                case 'G': o.sub_cgroup = optarg; break;
                case 'f': {
                        int64_t n;
                        if (parse_int64(optarg, &n) < 0 || n < 0 || n > 65536)
                                return cli_usage_error("exec", "--preserve-fds: expected a count, got '%s'", optarg);
                        o.preserve_fds = (int)n;
                        break;
                }
                case 'h': usage(stdout); return 0;
                case ':': return cli_usage_error("exec", "option '%s' needs a value", argv[optind - 1]);
                default: return cli_usage_error("exec", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return cli_usage_error("exec", "expected a container id");
        f.env = env;
        f.caps = caps;
        f.gids = gids;
        const char *id = argv[optind++];
        if (optind < argc && strcmp(argv[optind], "--") == 0)
                optind++;

        cleanup_error struct error *err = NULL;
        int status = 0;
        if (run_exec(g, id, &f, argv + optind, &o, &status, &err) < 0) {
                cli_fail(err);
                return EXEC_FAILED;
        }
        return status;
}
