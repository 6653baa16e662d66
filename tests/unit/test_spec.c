/* Unit tests of the config parser: client configs parse into the right structs, and broken
 * configs fail with one message naming the file, the JSON path and the reason.
 * argv[1]: the directory of good fixtures (tests/spec/good). */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>

#include "contain/spec.h"
#include "contain/util.h"
#include "tap.h"

/* Test documents are written with ' for " to stay readable in C. */
static char *dq(const char *s)
{
        char *r = xstrdup(s);
        for (char *p = r; *p; p++)
                if (*p == '\'')
                        *p = '"';
        return r;
}

#define MIN_HEAD "{'ociVersion':'1.0.2','root':{'path':'rootfs'},"
#define MIN_PROC "'process':{'args':['sh'],'cwd':'/'}"

static int parse(const char *doc, const char *bundle, struct spec **out, struct error **err)
{
        cleanup_free char *text = dq(doc);
        return spec_parse(text, strlen(text), "config.json", bundle, out, err);
}

static void good(struct tap *t, const char *doc, const char *name)
{
        cleanup_error struct error *err = NULL;
        cleanup_spec struct spec *s = NULL;

        if (!ok(t, parse(doc, "/b", &s, &err) == 0, name))
                printf("#   error: %s\n", err ? err->msg : "(none)");
}

static void bad(struct tap *t, const char *doc, const char *want)
{
        cleanup_error struct error *err = NULL;
        cleanup_spec struct spec *s = NULL;
        char name[200];

        snprintf(name, sizeof(name), "rejected: %s", want);
        int r = parse(doc, "/b", &s, &err);
        if (!ok(t, r == -1 && err && !s, name)) {
                printf("#   doc: %s\n", doc);
                return;
        }
        has_substr(t, err->msg, want, "  message names path and reason");
        ok(t, !strchr(err->msg, '\n'), "  message is one line");
}

static void fixtures(struct tap *t, const char *dir)
{
        cleanup_dir DIR *d = opendir(dir);
        struct dirent *e;
        int n = 0;

        if (!ok(t, d != NULL, "fixture directory opens"))
                return;
        while ((e = readdir(d))) {
                if (!strstr(e->d_name, ".json"))
                        continue;
                cleanup_free char *path = xasprintf("%s/%s", dir, e->d_name);
                cleanup_free char *text = NULL;
                cleanup_error struct error *err = NULL;
                size_t len;
                char name[300];
                if (read_file_at(AT_FDCWD, path, 0, &text, &len, &err) < 0) {
                        ok(t, false, path);
                        continue;
                }
                n++;
                if (strstr(e->d_name, "process")) {
                        struct spec_process *p = NULL;
                        snprintf(name, sizeof(name), "process file %s parses", e->d_name);
                        if (!ok(t, spec_parse_process(text, len, e->d_name, &p, &err) == 0, name))
                                printf("#   error: %s\n", err->msg);
                        else
                                ok(t, p->args && p->args[0] && p->cwd, "  with args and cwd");
                        spec_process_free(p);
                        continue;
                }
                cleanup_spec struct spec *s = NULL;
                snprintf(name, sizeof(name), "%s parses", e->d_name);
                if (!ok(t, spec_parse(text, len, "config.json", "/bundle", &s, &err) == 0, name)) {
                        printf("#   error: %s\n", err->msg);
                        continue;
                }
                ok(t, s->root_path[0] == '/', "  root.path is absolute");
                ok(t, s->process.present && s->process.args[0], "  has a process");
                ok(t, s->linux.n_namespaces > 0 && spec_namespace(s, NS_MOUNT), "  has a mount namespace");
                ok(t, spec_getenv(s, "PATH") != NULL, "  PATH is set");
        }
        ok(t, n >= 8, "all fixtures seen");
}

static const char full_doc[] = MIN_HEAD
                "'mounts':[{'destination':'/data','source':'data','options':['rbind','ro']},"
                "          {'destination':'tmp','type':'tmpfs','source':'tmpfs'}],"
                "'process':{'args':['sh','-c','x'],'cwd':'/w','env':['A=1','B=2','A=3'],"
                "  'user':{'uid':1000,'gid':1000,'umask':18,'additionalGids':[5,6]},"
                "  'capabilities':{'bounding':['CAP_CHOWN','CAP_KILL']},"
                "  'rlimits':[{'type':'RLIMIT_NOFILE','soft':1024,'hard':2048}],"
                "  'oomScoreAdj':-500,'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':4},"
                "  'scheduler':{'policy':'SCHED_BATCH','nice':5}},"
                "'hooks':{'poststop':[{'path':'/bin/true','timeout':3}]},"
                "'annotations':{'a':'1','b':'2','a':'3'},"
                "'linux':{'namespaces':[{'type':'pid'},{'type':'network','path':'/proc/1/ns/net'}],"
                "  'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
                "  'timeOffsets':{'monotonic':{'secs':10,'nanosecs':5}},"
                "  'devices':[{'path':'/dev/fuse','type':'c','major':10,'minor':229,'fileMode':438}],"
                "  'resources':{'memory':{'limit':67108864,'swap':-1,'swappiness':10},"
                "    'cpu':{'quota':50000,'period':100000,'cpus':'0-1'},'pids':{'limit':16},"
                "    'devices':[{'allow':false,'access':'rwm'},{'allow':true,'type':'c','major':1,'minor':-1}],"
                "    'blockIO':{'weight':500,'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}]},"
                "    'hugepageLimits':[{'pageSize':'2MB','limit':0}],'unified':{'memory.high':'max'},"
                "    'rdma':{'mlx5_1':{'hcaHandles':3}},'network':{'classID':1,'priorities':[{'name':'eth0','priority':5}]}},"
                "  'sysctl':{'net.ipv4.ip_forward':'1'},"
                "  'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'architectures':['SCMP_ARCH_X86_64'],"
                "    'flags':['SECCOMP_FILTER_FLAG_LOG'],'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW',"
                "    'args':[{'index':0,'value':18446744073709551615,'op':'SCMP_CMP_MASKED_EQ','valueTwo':1}]}]},"
                "  'rootfsPropagation':'rslave','maskedPaths':['/proc/kcore'],'readonlyPaths':['/proc/sys'],"
                "  'personality':{'domain':'LINUX32'},'intelRdt':{'closID':'x','enableCMT':true}}}";

static void fields(struct tap *t)
{
        cleanup_error struct error *err = NULL;
        cleanup_spec struct spec *s = NULL;

        if (!ok(t, parse(full_doc, "/bundle", &s, &err) == 0, "full config parses")) {
                printf("#   error: %s\n", err->msg);
                return;
        }
        is_str(t, s->root_path, "/bundle/rootfs", "relative root.path resolved against the bundle");
        is_str(t, s->mounts[0].source, "/bundle/data", "relative bind source resolved against the bundle");
        is_str(t, s->mounts[1].destination, "/tmp", "relative destination taken from /");
        is_str(t, s->mounts[1].source, "tmpfs", "non-bind source kept");
        is_str(t, spec_getenv(s, "A"), "3", "spec_getenv: last assignment wins");
        ok(t, spec_getenv(s, "C") == NULL, "spec_getenv: absent");
        is_u64(t, s->process.user.uid, 1000, "user.uid");
        ok(t, s->process.user.has_umask && s->process.user.umask == 18, "user.umask");
        is_u64(t, s->process.user.n_additional_gids, 2, "additionalGids");
        is_u64(t, s->process.rlimits[0].resource, 7 /* RLIMIT_NOFILE */, "rlimit resolved");
        ok(t, s->process.has_oom_score_adj && s->process.oom_score_adj == -500, "oomScoreAdj");
        ok(t, s->process.io_priority.class_value == 2 && s->process.io_priority.priority == 4, "ioPriority");
        ok(t, s->process.scheduler.policy_value == 3 && s->process.scheduler.nice == 5, "scheduler");
        ok(t, s->process.capabilities.present && strv_len(s->process.capabilities.bounding) == 2 &&
              !s->process.capabilities.effective, "capabilities");
        ok(t, s->hooks[HOOK_POSTSTOP].n == 1 && s->hooks[HOOK_POSTSTOP].hooks[0].timeout == 3, "poststop hook");
        ok(t, s->n_annotations == 2 && strcmp(s->annotations[0].key, "b") == 0 &&
              strcmp(s->annotations[1].value, "3") == 0, "duplicate annotation: last wins");
        ok(t, spec_namespace(s, NS_PID) && !spec_namespace(s, NS_PID)->path, "pid namespace created");
        is_str(t, spec_namespace(s, NS_NETWORK)->path, "/proc/1/ns/net", "network namespace joined");
        ok(t, !spec_namespace(s, NS_USER), "no user namespace");
        ok(t, s->linux.time_offset_monotonic.present && s->linux.time_offset_monotonic.secs == 10, "timeOffsets");
        ok(t, s->linux.devices[0].type == 'c' && s->linux.devices[0].file_mode == 438, "device");
        ok(t, s->linux.resources.memory.limit == 67108864 && s->linux.resources.memory.swap == -1, "memory");
        ok(t, s->linux.resources.cpu.quota == 50000, "cpu quota");
        ok(t, s->linux.resources.pids.has_limit && s->linux.resources.pids.limit == 16, "pids");
        ok(t, s->linux.resources.devices[0].type == 'a' && !s->linux.resources.devices[1].has_minor, "device rules");
        ok(t, s->linux.resources.blkio.weight == 500 && s->linux.resources.blkio.n_throttle_read_bps == 1, "blockIO");
        ok(t, s->linux.resources.n_rdma == 1 && s->linux.resources.rdma[0].hca_handles == 3, "rdma");
        ok(t, s->linux.seccomp.syscalls[0].args[0].value == UINT64_MAX &&
              s->linux.seccomp.syscalls[0].args[0].op == SECCOMP_OP_MASKED_EQ, "seccomp args");
        ok(t, s->linux.seccomp.default_action == SECCOMP_ACT_ERRNO, "seccomp default action");
        is_str(t, s->linux.rootfs_propagation, "rslave", "rootfsPropagation");
        is_str(t, s->linux.personality.domain, "LINUX32", "personality");
        ok(t, s->linux.intel_rdt.present && s->linux.intel_rdt.enable_cmt, "intelRdt");
}

static void versions(struct tap *t)
{
        static const char *const yes[] = { "1.0.0", "1.0.2-dev", "1.1.0", "1.2.0", "1.3.0", "1.3.7+x", "1.0.0-rc5" };
        static const char *const no[] = { "0.9.0", "2.0.0", "1.4.0", "1.0", "1", "", "v1.0.0", "1.0.0x", "1.10.0" };

        for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
                ok(t, spec_version_supported(yes[i]), yes[i]);
        for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
                char name[64];
                snprintf(name, sizeof(name), "not '%s'", no[i]);
                ok(t, !spec_version_supported(no[i]), name);
        }
}

static void broken(struct tap *t)
{
        bad(t, "", "config.json: invalid JSON");
        bad(t, "{'a':", "config.json: invalid JSON: line 1");
        bad(t, "[1]", "config.json: expected an object at the top level, got an array");
        bad(t, "{}", "config.json: ociVersion: required field is missing");
        bad(t, "{'ociVersion':1}", "config.json: ociVersion: expected a string, got 1");
        bad(t, "{'ociVersion':'2.0.0'}", "config.json: ociVersion: unsupported version \"2.0.0\"");
        bad(t, "{'ociVersion':'1.0.0'}", "config.json: root: required field is missing");
        bad(t, "{'ociVersion':'1.0.0','root':{}}", "config.json: root.path: required field is missing");
        bad(t, "{'ociVersion':'1.0.0','root':{'path':''}}", "config.json: root.path: must not be empty");
        bad(t, "{'ociVersion':'1.0.0','root':{'path':'r','readonly':'yes'}}", "root.readonly: expected a boolean, got \"yes\"");
        bad(t, MIN_HEAD "'mounts':{}}", "config.json: mounts: expected an array, got an object");
        bad(t, MIN_HEAD "'mounts':[5]}", "config.json: mounts[0]: expected an object, got 5");
        bad(t, MIN_HEAD "'mounts':[{'destination':'/a'},{}]}", "config.json: mounts[1].destination: required field is missing");
        bad(t, MIN_HEAD "'mounts':[{'destination':'/a','options':['ro',1]}]}", "mounts[0].options[1]: expected a string, got 1");
        bad(t, MIN_HEAD "'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1}]}]}", "mounts[0].uidMappings[0].size: required field is missing");
        bad(t, MIN_HEAD "'process':{'cwd':'/'}}", "config.json: process.args: required field is missing");
        bad(t, MIN_HEAD "'process':{'args':[],'cwd':'/'}}", "config.json: process.args: must have at least one element");
        bad(t, MIN_HEAD "'process':{'args':'sh','cwd':'/'}}", "process.args: expected an array of strings, got \"sh\"");
        bad(t, MIN_HEAD "'process':{'args':['sh']}}", "config.json: process.cwd: required field is missing");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'tmp'}}", "process.cwd: must be an absolute path, got \"tmp\"");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','terminal':1}}", "process.terminal: expected a boolean, got 1");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','user':{'uid':-1,'gid':0}}}", "process.user.uid: expected a non-negative integer, got -1");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','user':{'uid':4294967296,'gid':0}}}", "process.user.uid: 4294967296 is out of range");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','user':{'uid':0}}}", "process.user.gid: required field is missing");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','user':{'uid':0,'gid':0,'additionalGids':['a']}}}", "process.user.additionalGids[0]: expected a non-negative integer");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','oomScoreAdj':-1001}}", "process.oomScoreAdj: -1001 is out of range (-1000..1000)");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','oomScoreAdj':1.5}}", "process.oomScoreAdj: expected an integer, got 1.5");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','ioPriority':{'class':'IOPRIO_CLASS_BE','priority':8}}}", "process.ioPriority.priority: 8 is out of range (0..7)");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','ioPriority':{'class':'BE'}}}", "process.ioPriority.class: unknown I/O priority class \"BE\"");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','scheduler':{'policy':'SCHED_FAST'}}}", "process.scheduler.policy: unknown scheduler policy");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]}}", "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_CORE','soft':1}]}}", "process.rlimits[0].hard: required field is missing");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_CORE','soft':1,'hard':1},{'type':'RLIMIT_CORE','soft':1,'hard':1}]}}", "process.rlimits[1]: duplicate rlimit RLIMIT_CORE");
        bad(t, MIN_HEAD "'hostname':['x']}", "config.json: hostname: expected a string, got an array");
        bad(t, MIN_HEAD "'hooks':{'prestart':[{'path':'hook'}]}}", "hooks.prestart[0].path: must be an absolute path");
        bad(t, MIN_HEAD "'hooks':{'poststart':[{'path':'/h','timeout':0}]}}", "hooks.poststart[0].timeout: 0 is out of range");
        bad(t, MIN_HEAD "'hooks':{'createRuntime':[{'args':['x']}]}}", "hooks.createRuntime[0].path: required field is missing");
        bad(t, MIN_HEAD "'annotations':{'a':1}}", "config.json: annotations[\"a\"]: expected a string, got 1");
        bad(t, MIN_HEAD "'annotations':{'':'x'}}", "config.json: annotations[\"\"]: keys must not be empty");
        bad(t, MIN_HEAD "'linux':[]}", "config.json: linux: expected an object, got an array");
        bad(t, MIN_HEAD "'linux':{'namespaces':[{'type':'pid'},{'type':'pid'}]}}", "linux.namespaces[1]: duplicate namespace type \"pid\" (also namespaces[0])");
        bad(t, MIN_HEAD "'linux':{'namespaces':[{'type':'net'}]}}", "linux.namespaces[0].type: unknown namespace type \"net\"");
        bad(t, MIN_HEAD "'linux':{'namespaces':[{}]}}", "linux.namespaces[0].type: required field is missing");
        bad(t, MIN_HEAD "'linux':{'namespaces':[{'type':'ipc','path':'proc/1/ns/ipc'}]}}", "linux.namespaces[0].path: must be an absolute path");
        bad(t, MIN_HEAD "'linux':{'uidMappings':[{'containerID':0,'hostID':0,'size':-1}]}}", "linux.uidMappings[0].size: expected a non-negative integer, got -1");
        bad(t, MIN_HEAD "'linux':{'devices':[{'path':'dev/null','type':'c','major':1,'minor':3}]}}", "linux.devices[0].path: must be an absolute path");
        bad(t, MIN_HEAD "'linux':{'devices':[{'path':'/dev/x','type':'x','major':1,'minor':3}]}}", "linux.devices[0].type: unknown device type \"x\"");
        bad(t, MIN_HEAD "'linux':{'devices':[{'path':'/dev/x','type':'c','minor':3}]}}", "linux.devices[0].major: required field is missing");
        bad(t, MIN_HEAD "'linux':{'resources':{'memory':{'limit':'64M'}}}}", "config.json: linux.resources.memory.limit: expected an integer, got \"64M\"");
        bad(t, MIN_HEAD "'linux':{'resources':{'memory':{'limit':-2}}}}", "linux.resources.memory.limit: -2 is out of range");
        bad(t, MIN_HEAD "'linux':{'resources':{'memory':{'swappiness':101}}}}", "linux.resources.memory.swappiness: 101 is out of range (0..100)");
        bad(t, MIN_HEAD "'linux':{'resources':{'memory':{'limit':99999999999999999999}}}}", "linux.resources.memory.limit: integer 99999999999999999999 is out of range");
        bad(t, MIN_HEAD "'linux':{'resources':{'cpu':{'shares':-1}}}}", "linux.resources.cpu.shares: expected a non-negative integer, got -1");
        bad(t, MIN_HEAD "'linux':{'resources':{'cpu':{'cpus':1}}}}", "linux.resources.cpu.cpus: expected a string, got 1");
        bad(t, MIN_HEAD "'linux':{'resources':{'pids':{'limit':true}}}}", "linux.resources.pids.limit: expected an integer, got true");
        bad(t, MIN_HEAD "'linux':{'resources':{'pids':5}}}", "linux.resources.pids: expected an object, got 5");
        bad(t, MIN_HEAD "'linux':{'resources':{'blockIO':{'weight':5}}}}", "linux.resources.blockIO.weight: 5 is out of range (10..1000)");
        bad(t, MIN_HEAD "'linux':{'resources':{'blockIO':{'weightDevice':[{'major':8,'minor':0,'weight':1001}]}}}}", "linux.resources.blockIO.weightDevice[0].weight: 1001 is out of range");
        bad(t, MIN_HEAD "'linux':{'resources':{'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'minor':0}]}}}}", "linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: required field is missing");
        bad(t, MIN_HEAD "'linux':{'resources':{'devices':[{'access':'rwm'}]}}}", "linux.resources.devices[0].allow: required field is missing");
        bad(t, MIN_HEAD "'linux':{'resources':{'devices':[{'allow':true,'access':'rwx'}]}}}", "linux.resources.devices[0].access: \"rwx\" is not a combination of r, w and m");
        bad(t, MIN_HEAD "'linux':{'resources':{'devices':[{'allow':true,'type':'p'}]}}}", "linux.resources.devices[0].type: unknown device type \"p\"");
        bad(t, MIN_HEAD "'linux':{'resources':{'hugepageLimits':[{'pageSize':'2MB'}]}}}", "linux.resources.hugepageLimits[0].limit: required field is missing");
        bad(t, MIN_HEAD "'linux':{'resources':{'unified':{'memory.max':100}}}}", "linux.resources.unified[\"memory.max\"]: expected a string, got 100");
        bad(t, MIN_HEAD "'linux':{'resources':{'rdma':{'mlx':{'hcaHandles':-1}}}}}", "linux.resources.rdma[\"mlx\"].hcaHandles: expected a non-negative integer");
        bad(t, MIN_HEAD "'linux':{'resources':{'network':{'priorities':[{'name':'eth0'}]}}}}", "linux.resources.network.priorities[0].priority: required field is missing");
        bad(t, MIN_HEAD "'linux':{'sysctl':{'kernel.x':1}}}", "linux.sysctl[\"kernel.x\"]: expected a string, got 1");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO'}]}}}", "linux.seccomp.defaultAction: required field is missing");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_NOPE'}}}", "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_NOPE\"");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_Z80']}}}", "linux.seccomp.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_Z80\"");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_X']}}}", "linux.seccomp.flags[0]: unknown seccomp flag");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],'action':'SCMP_ACT_ERRNO'}]}}}", "linux.seccomp.syscalls[0].names: must have at least one element");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read']}]}}}", "linux.seccomp.syscalls[0].action: required field is missing");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':6,'value':1,'op':'SCMP_CMP_EQ'}]}]}}}", "linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0..5)");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':1,'value':1,'op':'EQ'}]}]}}}", "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"EQ\"");
        bad(t, MIN_HEAD "'linux':{'rootfsPropagation':'sideways'}}", "linux.rootfsPropagation: unknown propagation \"sideways\"");
        bad(t, MIN_HEAD "'linux':{'maskedPaths':['proc/kcore']}}", "linux.maskedPaths[0]: must be an absolute path");
        bad(t, MIN_HEAD "'linux':{'readonlyPaths':[null]}}", "linux.readonlyPaths[0]: required field is missing");
        bad(t, MIN_HEAD "'linux':{'personality':{'domain':'LINUX64'}}}", "linux.personality.domain: unknown personality domain \"LINUX64\"");
        bad(t, MIN_HEAD "'linux':{'timeOffsets':{'realtime':{'secs':1}}}}", "linux.timeOffsets[\"realtime\"]: unknown clock");
        bad(t, MIN_HEAD "'linux':{'timeOffsets':{'boottime':{'secs':'1'}}}}", "linux.timeOffsets.boottime.secs: expected an integer, got \"1\"");
        bad(t, MIN_HEAD "'linux':{'intelRdt':{'enableMBM':'true'}}}", "linux.intelRdt.enableMBM: expected a boolean, got \"true\"");
        bad(t, MIN_HEAD "'annotations':{'k\\nx':1}}", "annotations[\"k\\nx\"]");
}

/* Parses a config a real client wrote; NULL (and a failed check) when it is refused. */
static struct spec *client(struct tap *t, const char *doc, const char *name)
{
        cleanup_error struct error *err = NULL;
        struct spec *s = NULL;

        if (!ok(t, parse(doc, "/b", &s, &err) == 0, name))
                printf("#   error: %s\n", err ? err->msg : "(none)");
        return s;
}

#define DOCKER_RES(x) MIN_HEAD MIN_PROC ",'linux':{'resources':" x "}}"
#define DEVICE(x) MIN_HEAD MIN_PROC ",'linux':{'devices':[" x "]}}"

/* Values Docker, podman, containerd and buildah write that mean "not set" or "unlimited":
 * accepted as runc and crun accept them (docs/validation.md has the table). */
static void client_values(struct tap *t)
{
        struct spec *s;

        /* moby's daemon/oci_linux.go: BlkioWeight is a uint16 always copied, 0 when unset */
        s = client(t, DOCKER_RES("{'blockIO':{'weight':0,'leafWeight':0,'weightDevice':[{'major':8,'minor':0,'weight':0}]}}"),
                   "docker: blockIO.weight 0 accepted");
        ok(t, s && !s->linux.resources.blkio.has_weight && !s->linux.resources.blkio.has_leaf_weight &&
              !s->linux.resources.blkio.weight_devices[0].has_weight, "  weight 0 is not set");
        spec_free(s);
        bad(t, DOCKER_RES("{'blockIO':{'weight':9}}"), "linux.resources.blockIO.weight: 9 is out of range (10..1000)");
        bad(t, DOCKER_RES("{'blockIO':{'weight':-1}}"), "linux.resources.blockIO.weight: -1 is out of range");

        /* podman --device /dev/null:/dev/xnull and --privileged: fileMode is st_mode, 8630 = 0o20666 */
        s = client(t, DEVICE("{'path':'/dev/xnull','type':'c','major':1,'minor':3,'fileMode':8630,'uid':0,'gid':0}"),
                   "podman: fileMode 8630 (S_IFCHR|0666) accepted");
        ok(t, s && s->linux.devices[0].has_file_mode && s->linux.devices[0].file_mode == 0666, "  masked to 0666");
        spec_free(s);
        s = client(t, DEVICE("{'path':'/dev/loop0','type':'b','major':7,'minor':0,'fileMode':25008}"),
                   "podman: fileMode 25008 (S_IFBLK|0660) on a block device accepted");
        ok(t, s && s->linux.devices[0].file_mode == 0660, "  masked to 0660");
        spec_free(s);
        s = client(t, DEVICE("{'path':'/dev/f','type':'p','fileMode':4516}"), "fileMode 4516 (S_IFIFO|0644) on a fifo accepted");
        ok(t, s && s->linux.devices[0].file_mode == 0644, "  masked to 0644");
        spec_free(s);
        s = client(t, DEVICE("{'path':'/dev/u','type':'u','major':1,'minor':3,'fileMode':8630}"), "S_IFCHR on an unbuffered (u) device accepted");
        spec_free(s);
        bad(t, DEVICE("{'path':'/dev/x','type':'c','major':1,'minor':3,'fileMode':25008}"),
            "linux.devices[0].fileMode: 25008 (060660) is not a permission mode");
        bad(t, DEVICE("{'path':'/dev/x','type':'b','major':7,'minor':0,'fileMode':8630}"),
            "linux.devices[0].fileMode: 8630 (020666)");
        bad(t, DEVICE("{'path':'/dev/x','type':'c','major':1,'minor':3,'fileMode':33188}"),
            "linux.devices[0].fileMode: 33188 (0100644)");
        bad(t, DEVICE("{'path':'/dev/x','type':'c','major':1,'minor':3,'fileMode':4294967295}"),
            "linux.devices[0].fileMode: 4294967295");

        /* Docker API < 1.40: MemorySwappiness -1 sent as a uint64 */
        s = client(t, DOCKER_RES("{'memory':{'swappiness':18446744073709551615,'disableOOMKiller':false}}"),
                   "docker: memory.swappiness 18446744073709551615 (-1) accepted");
        ok(t, s && !s->linux.resources.memory.has_swappiness, "  is not set");
        spec_free(s);
        bad(t, DOCKER_RES("{'memory':{'swappiness':101}}"), "linux.resources.memory.swappiness: 101 is out of range (0..100)");

        /* Docker's getCPUResources always sends shares; 0 when not given (the converter skips 0) */
        s = client(t, DOCKER_RES("{'cpu':{'shares':0,'quota':0,'period':0,'realtimeRuntime':0,'realtimePeriod':0,'cpus':'','mems':''}}"),
                   "docker: cpu shares/quota/period/realtime 0 and cpus/mems \"\" accepted");
        ok(t, s && !s->linux.resources.cpu.cpus && !s->linux.resources.cpu.mems, "  empty cpus and mems are not set");
        spec_free(s);
        s = client(t, DOCKER_RES("{'memory':{'limit':0,'reservation':0,'swap':0,'kernel':0,'kernelTCP':0}}"),
                   "memory fields 0 accepted (not set)");
        spec_free(s);
        s = client(t, DOCKER_RES("{'memory':{'limit':-1,'reservation':-1,'swap':-1}}"), "memory -1 (unlimited) accepted");
        spec_free(s);

        /* pids: Docker and podman send -1 for unlimited; 0 is unlimited before 1.3.0 only */
        s = client(t, DOCKER_RES("{'pids':{'limit':-1}}"), "docker: pids.limit -1 accepted");
        ok(t, s && s->linux.resources.pids.has_limit && s->linux.resources.pids.limit == -1, "  unlimited");
        spec_free(s);
        s = client(t, DOCKER_RES("{'pids':{'limit':0}}"), "pids.limit 0 in a 1.0.2 config accepted");
        ok(t, s && s->linux.resources.pids.has_limit && s->linux.resources.pids.limit == -1, "  unlimited before 1.3.0");
        spec_free(s);
        s = client(t, "{'ociVersion':'1.2.1','root':{'path':'r'},'linux':{'resources':{'pids':{'limit':0}}}}", "pids.limit 0 in a 1.2.1 config");
        ok(t, s && s->linux.resources.pids.limit == -1, "  unlimited");
        spec_free(s);
        s = client(t, "{'ociVersion':'1.3.0','root':{'path':'r'},'linux':{'resources':{'pids':{'limit':0}}}}", "pids.limit 0 in a 1.3.0 config");
        ok(t, s && s->linux.resources.pids.has_limit && s->linux.resources.pids.limit == 0, "  a limit of 0 tasks from 1.3.0");
        spec_free(s);
        s = client(t, DOCKER_RES("{'pids':{'limit':-7}}"), "pids.limit -7 accepted");
        ok(t, s && s->linux.resources.pids.limit == -1, "  any negative is unlimited");
        spec_free(s);

        /* classID 0, and present but empty objects */
        s = client(t, DOCKER_RES("{'network':{'classID':0},'memory':{},'cpu':{},'blockIO':{},'pids':null,'hugepageLimits':[],'devices':null}"),
                   "empty and null resource objects accepted");
        spec_free(s);

        /* resources.devices type "" is every type (runc) */
        s = client(t, DOCKER_RES("{'devices':[{'allow':false,'type':'','access':'rwm'}]}"), "device rule type \"\" accepted");
        ok(t, s && s->linux.resources.devices[0].type == 'a', "  means all");
        spec_free(s);

        /* namespace path "" is "create one" */
        s = client(t, MIN_HEAD MIN_PROC ",'linux':{'namespaces':[{'type':'pid','path':''}]}}", "namespace path \"\" accepted");
        ok(t, s && !s->linux.namespaces[0].path, "  is not set");
        spec_free(s);

        /* seccomp {} (and Go's zero LinuxSeccomp) is no filter, as in runc */
        s = client(t, MIN_HEAD MIN_PROC ",'linux':{'seccomp':{}}}", "seccomp {} accepted");
        ok(t, s && !s->linux.seccomp.present, "  no filter");
        spec_free(s);
        s = client(t, MIN_HEAD MIN_PROC ",'linux':{'seccomp':{'defaultAction':'','syscalls':null,'listenerPath':''}}}",
                   "seccomp with defaultAction \"\" and no syscalls accepted");
        ok(t, s && !s->linux.seccomp.present, "  no filter");
        spec_free(s);
        s = client(t, MIN_HEAD MIN_PROC ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':''}}}",
                   "seccomp listenerPath \"\" accepted");
        ok(t, s && s->linux.seccomp.present && !s->linux.seccomp.listener_path, "  is not set");
        spec_free(s);
        bad(t, MIN_HEAD MIN_PROC ",'linux':{'seccomp':{'defaultAction':'','syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW'}]}}}",
            "linux.seccomp.defaultAction: unknown seccomp action \"\"");
        bad(t, MIN_HEAD MIN_PROC ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'x.sock'}}}",
            "linux.seccomp.listenerPath: must be an absolute path");

        /* fields Go writes as null */
        good(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','capabilities':null,'rlimits':null,'env':null,"
                "'user':{'uid':0,'gid':0,'additionalGids':null}},'hooks':null,'annotations':null,'mounts':null,"
                "'linux':{'resources':{'memory':null,'cpu':null,'blockIO':null,'devices':null},'seccomp':null,"
                "'uidMappings':null,'maskedPaths':null,'readonlyPaths':null,'sysctl':null,'devices':null,'namespaces':null}}",
             "null fields are absent");
}

static void unknown_and_null(struct tap *t)
{
        good(t, MIN_HEAD MIN_PROC ",'futureField':{'x':[1,2]},'linux':{'newThing':1,'resources':{'memory':{'future':true}}}}",
             "unknown fields are ignored");
        good(t, MIN_HEAD MIN_PROC ",'hostname':null,'linux':{'resources':null,'seccomp':null}}", "null means absent");
        good(t, MIN_HEAD MIN_PROC ",'linux':{'rootfsPropagation':''}}", "empty rootfsPropagation means unset");
        good(t, "{'ociVersion':'1.0.0','root':{'path':'/abs'}}", "no process is a valid config");
        good(t, MIN_HEAD "'linux':{'devices':[{'path':'/dev/fifo','type':'p'}]}}", "fifo device needs no numbers");
}

static void process_file(struct tap *t)
{
        cleanup_error struct error *err = NULL;
        struct spec_process *p = NULL;
        cleanup_free char *doc = dq("{'args':['ls'],'cwd':'x'}");

        ok(t, spec_parse_process(doc, strlen(doc), "process.json", &p, &err) == -1 && !p, "process file: relative cwd rejected");
        if (err)
                is_str(t, err->msg, "process.json: cwd: must be an absolute path, got \"x\"", "  path has no process. prefix");
}

/* "co\u0000evil" would read "co" in C: every string field refuses it, naming the field. */
static void nul_strings(struct tap *t)
{
        static const struct { const char *doc, *want; } cases[] = {
                { MIN_HEAD MIN_PROC ",'hostname':'co\\u0000evil'}", "config.json: hostname: must not contain a NUL byte (\\u0000), found after \"co\"" },
                { MIN_HEAD "'process':{'args':['sh'],'cwd':'/','env':['A=1','P=x\\u0000y']}}", "process.env[1]: must not contain a NUL byte" },
                { MIN_HEAD "'process':{'args':['s\\u0000h'],'cwd':'/'}}", "process.args[0]: must not contain a NUL byte" },
                { MIN_HEAD "'process':{'args':['sh'],'cwd':'/tmp\\u0000/x'}}", "process.cwd: must not contain a NUL byte" },
                { MIN_HEAD MIN_PROC ",'mounts':[{'destination':'/proc\\u0000x','type':'proc','source':'proc'}]}", "mounts[0].destination: must not contain a NUL byte" },
                { MIN_HEAD MIN_PROC ",'mounts':[{'destination':'/x','type':'bind','source':'/etc\\u0000x','options':['bind']}]}", "mounts[0].source: must not contain a NUL byte" },
                { MIN_HEAD MIN_PROC ",'linux':{'cgroupsPath':'/a\\u0000b'}}", "linux.cgroupsPath: must not contain a NUL byte" },
                { MIN_HEAD MIN_PROC ",'linux':{'maskedPaths':['/proc/kcore\\u0000']}}", "linux.maskedPaths[0]: must not contain a NUL byte" },
                { MIN_HEAD MIN_PROC ",'linux':{'sysctl':{'net.ipv4.ip_forward':'1\\u00000'}}}", "linux.sysctl[\"net.ipv4.ip_forward\"]: must not contain a NUL byte" },
                { MIN_HEAD MIN_PROC ",'annotations':{'a':'b\\u0000c'}}", "annotations[\"a\"]: must not contain a NUL byte" },
                { MIN_HEAD MIN_PROC ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read\\u0000x'],'action':'SCMP_ACT_ERRNO'}]}}}", "linux.seccomp.syscalls[0].names[0]: must not contain a NUL byte" },
                { MIN_HEAD MIN_PROC ",'linux':{'resources':{'unified':{'memory.high':'1\\u0000'}}}}", "linux.resources.unified[\"memory.high\"]: must not contain a NUL byte" },
                /* a key cut at its NUL would alias another ("hostname\u0000x" = "hostname") */
                { MIN_HEAD MIN_PROC ",'annotations':{'a\\u0000b':'c'}}", "the key starting \"a\" holds a NUL byte" },
                { MIN_HEAD MIN_PROC ",'hostname\\u0000x':'evil'}", "the key starting \"hostname\" holds a NUL byte" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                bad(t, cases[i].doc, cases[i].want);

        cleanup_error struct error *err = NULL;
        struct spec_process *p = NULL;
        cleanup_free char *doc = dq("{'args':['ls'],'cwd':'/','env':['X=a\\u0000b']}");
        ok(t, spec_parse_process(doc, strlen(doc), "process.json", &p, &err) == -1 && !p, "process file: NUL in env rejected");
        if (err)
                has_substr(t, err->msg, "process.json: env[0]: must not contain a NUL byte", "  naming the field");
}

/* linux.resources.unified writes files of the container's cgroup: never its core files. */
static void unified_keys(struct tap *t)
{
        static const char *const refused[] = {
                "cgroup.procs", "cgroup.threads", "cgroup.subtree_control", "cgroup.kill", "cgroup.freeze",
                "cgroup.type", "cgroup.controllers", "cgroup.events", "cgroup.future_file",
                "../cgroup.procs", "memory/../../cgroup.procs", "/sys/fs/cgroup/cgroup.procs", "..",
                "memory", ".max", "memory.", "memory.max\\n", "memory max",
        };
        for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
                cleanup_free char *doc = xasprintf(MIN_HEAD MIN_PROC ",'linux':{'resources':{'unified':{'%s':'1'}}}}", refused[i]);
                bad(t, doc, "linux.resources.unified[");
        }
        bad(t, MIN_HEAD MIN_PROC ",'linux':{'resources':{'unified':{'cgroup.procs':'1'}}}}",
            "linux.resources.unified[\"cgroup.procs\"]: a core interface file of the cgroup, which the runtime manages: refused");
        bad(t, MIN_HEAD MIN_PROC ",'linux':{'resources':{'unified':{'../cgroup.procs':'1'}}}}",
            "linux.resources.unified[\"../cgroup.procs\"]: not a file of the container's own cgroup");
        good(t, MIN_HEAD MIN_PROC ",'linux':{'resources':{'unified':{'memory.high':'max','cgroup.max.depth':'3',"
                "'cgroup.max.descendants':'10','hugetlb.2MB.max':'0','io.bfq.weight':'100'}}}}",
             "unified: controller files and the cgroup.max.* limits are accepted");
        ok(t, spec_unified_key_problem("cgroup.procs") && !spec_unified_key_problem("memory.max"),
           "spec_unified_key_problem");
}

static void big_and_deep(struct tap *t)
{
        /* 10 MB of env entries parses; 10000 nested arrays are refused before yajl recurses */
        size_t n = 200000;
        size_t cap = n * 60 + 200, len = 0;
        cleanup_free char *big = xmalloc(cap);
        len += (size_t)snprintf(big + len, cap - len, "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
                                "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"env\":[");
        for (size_t i = 0; i < n; i++)
                len += (size_t)snprintf(big + len, cap - len, "%s\"VARIABLE_%08zu=xxxxxxxxxxxxxxxxxxxxxxxxxx\"", i ? "," : "", i);
        len += (size_t)snprintf(big + len, cap - len, "]}}");
        cleanup_error struct error *err = NULL;
        cleanup_spec struct spec *s = NULL;
        ok(t, len > 9 * 1000 * 1000, "big document is ~10 MB");
        ok(t, spec_parse(big, len, "config.json", NULL, &s, &err) == 0 && strv_len(s->process.env) == n,
           "10 MB config parses");

        size_t depth = 10000;
        cleanup_free char *deep = xmalloc(2 * depth + 1);
        memset(deep, '[', depth);
        memset(deep + depth, ']', depth);
        cleanup_error struct error *err2 = NULL;
        cleanup_spec struct spec *s2 = NULL;
        ok(t, spec_parse(deep, 2 * depth, "config.json", NULL, &s2, &err2) == -1, "deep nesting rejected");
        if (err2)
                has_substr(t, err2->msg, "config.json: invalid JSON: nesting deeper than", "  and says so");
}

/* to_json(parse(text)) must parse again into the same document */
static void roundtrip_text(struct tap *t, const char *text, const char *what)
{
        cleanup_error struct error *err = NULL;
        cleanup_spec struct spec *a = NULL;
        cleanup_spec struct spec *b = NULL;
        char name[200];

        snprintf(name, sizeof(name), "%s round-trips through spec_to_json", what);
        if (spec_parse(text, strlen(text), "config.json", NULL, &a, &err) < 0) {
                ok(t, false, name);
                printf("#   error: %s\n", err->msg);
                return;
        }
        cleanup_free char *j1 = spec_to_json(a);
        if (spec_parse(j1, strlen(j1), "config.json", NULL, &b, &err) < 0) {
                ok(t, false, name);
                printf("#   error: %s\n", err->msg);
                return;
        }
        cleanup_free char *j2 = spec_to_json(b);
        is_str(t, j2, j1, name);
}

static void roundtrip(struct tap *t, const char *dir)
{
        static const char *const files[] = { "podman-config.json", "ctr-config-seccomp.json", "podman-config-pod-member.json" };

        for (int rootless = 0; rootless < 2; rootless++) {
                cleanup_spec struct spec *d = spec_new_default(rootless);
                cleanup_free char *text = spec_to_json(d);
                roundtrip_text(t, text, rootless ? "default rootless spec" : "default spec");
                has_substr(t, text, "\"ociVersion\"", "  has ociVersion");
                ok(t, rootless == !!strstr(text, "\"user\"\n") || rootless == !!strstr(text, "uidMappings"),
                   "  user namespace only when rootless");
        }
        cleanup_free char *full = dq(full_doc);
        roundtrip_text(t, full, "the full config");
        for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
                cleanup_free char *path = xasprintf("%s/%s", dir, files[i]);
                cleanup_free char *text = NULL;
                cleanup_error struct error *err = NULL;
                size_t len;
                if (read_file_at(AT_FDCWD, path, 0, &text, &len, &err) == 0)
                        roundtrip_text(t, text, files[i]);
        }
}

/* issue 13: the spec's wording where runc differed, or contain was too lax */
static void spec_rules(struct tap *t)
{
        /* unknown capabilities: a warning, and the set keeps the known ones */
        cleanup_error struct error *err = NULL;
        cleanup_spec struct spec *s = NULL;
        int r = parse(MIN_HEAD "'process':{'args':['sh'],'cwd':'/','capabilities':{'bounding':['CAP_CHOWN','CAP_NOPE','CHOWN','CAP_KILL']}}}",
                      "/b", &s, &err);
        ok(t, r == 0, "an unknown capability does not fail the parse");
        char **b = s ? s->process.capabilities.bounding : NULL;
        ok(t, b && strv_len(b) == 2 && strcmp(b[0], "CAP_CHOWN") == 0 && strcmp(b[1], "CAP_KILL") == 0,
           "  and is dropped from its set");

        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','env':['PATH=/bin','NOEQUALS']}}",
            "process.env[1]: expected KEY=VALUE, got \"NOEQUALS\"");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','env':['=x']}}", "process.env[0]: expected KEY=VALUE");
        bad(t, MIN_HEAD "'hooks':{'prestart':[{'path':'/h','env':['A']}]}}", "hooks.prestart[0].env[0]: expected KEY=VALUE");
        good(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','env':['EMPTY=','A=b=c']}}", "env: an empty value and '=' in the value");

        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_KILL','errnoRet':1}]}}}",
            "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL returns no errno");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','defaultErrnoRet':1}}}",
            "linux.seccomp.defaultErrnoRet: SCMP_ACT_ALLOW returns no errno");
        bad(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_LOG','defaultErrnoRet':1}}}", "SCMP_ACT_LOG returns no errno");
        /* decidable without the host: the parser (and so check-config) refuses it, not create */
        bad(t, MIN_HEAD "'hostname':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','linux':{'namespaces':[{'type':'uts'}]}}",
            "hostname: 65 bytes is longer than the kernel's limit of 64");
        bad(t, MIN_HEAD "'hostname':'h','linux':{'namespaces':[{'type':'mount'}]}}", "hostname: setting it needs a uts namespace");
        bad(t, MIN_HEAD "'domainname':'d'}", "domainname: setting it needs a uts namespace");
        good(t, MIN_HEAD "'hostname':'','linux':{'namespaces':[{'type':'mount'}]}}", "an empty hostname needs no uts namespace");
        bad(t, MIN_HEAD "'linux':{'cgroupsPath':'/a/../../escape'}}", "linux.cgroupsPath: '..' components are not allowed");
        bad(t, MIN_HEAD "'linux':{'cgroupsPath':'system.slice:contain:..'}}", "linux.cgroupsPath: '..' components");
        bad(t, MIN_HEAD "'linux':{'cgroupsPath':'a;b'}}", "linux.cgroupsPath: ';' and newlines are not allowed");
        good(t, MIN_HEAD "'linux':{'cgroupsPath':'machine.slice:libpod:abc..def'}}", "dots inside a name are fine");
        good(t, MIN_HEAD "'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_TRACE','errnoRet':2}]}}}",
             "errnoRet with SCMP_ACT_ERRNO and SCMP_ACT_TRACE");
}

/* runtime-spec 1.2/1.3 fields: memoryPolicy, netDevices, execCPUAffinity parsed, checked and
 * written back; the id lists they use. */
static void spec13_fields(struct tap *t)
{
        static const char doc[] = MIN_HEAD
                "'process':{'args':['sh'],'cwd':'/','execCPUAffinity':{'initial':'0-3','final':'1,3'}},"
                "'linux':{'namespaces':[{'type':'network'}],"
                "  'memoryPolicy':{'mode':'MPOL_INTERLEAVE','nodes':'0-3,7','flags':['MPOL_F_STATIC_NODES']},"
                "  'netDevices':{'veth0':{'name':'eth1'},'veth1':{}}}}";
        cleanup_error struct error *err = NULL;
        cleanup_spec struct spec *s = NULL;
        if (!ok(t, parse(doc, "/b", &s, &err) == 0, "1.3 fields parse")) {
                printf("#   error: %s\n", err ? err->msg : "(none)");
                return;
        }
        const struct spec_memory_policy *mp = &s->linux.memory_policy;
        ok(t, mp->present && mp->mode_value == 3 && mp->flags_value == 1u << 15, "memoryPolicy mode and flag numbers");
        is_str(t, mp->nodes, "0-3,7", "memoryPolicy nodes kept");
        is_u64(t, s->linux.n_net_devices, 2, "two netDevices");
        is_str(t, s->linux.net_devices[0].name, "eth1", "netDevices rename");
        ok(t, !s->linux.net_devices[1].name, "netDevices without a name");
        is_str(t, s->process.exec_cpu_affinity.final, "1,3", "execCPUAffinity.final");
        cleanup_free char *text = dq(doc);
        roundtrip_text(t, text, "the 1.3 fields");

        bad(t, MIN_HEAD "'linux':{'memoryPolicy':{'nodes':'0'}}}", "linux.memoryPolicy.mode: required field is missing");
        bad(t, MIN_HEAD "'linux':{'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0,'}}}", "linux.memoryPolicy.nodes: \"0,\" is not a node list");
        bad(t, MIN_HEAD "'linux':{'memoryPolicy':{'mode':'MPOL_BIND','nodes':'1024'}}}", "linux.memoryPolicy.nodes: \"1024\" names a node above 1023");
        bad(t, MIN_HEAD "'linux':{'memoryPolicy':{'mode':'MPOL_DEFAULT','flags':['MPOL_F_STATIC_NODES']}}}",
            "linux.memoryPolicy.flags[0]: MPOL_DEFAULT does not take MPOL_F_STATIC_NODES");
        bad(t, MIN_HEAD "'linux':{'netDevices':{'eth0':{}}}}", "linux.netDevices: moving devices needs a network namespace");
        bad(t, MIN_HEAD "'linux':{'namespaces':[{'type':'network'}],'netDevices':{'a':{'name':'x'},'b':{'name':'x'}}}}",
            "linux.netDevices[\"b\"]: two devices would be named \"x\" in the container");
        bad(t, MIN_HEAD "'linux':{'namespaces':[{'type':'network'}],'netDevices':{'a234567890123456':{}}}}",
            "linux.netDevices[\"a234567890123456\"]: not an interface name");
        bad(t, MIN_HEAD "'process':{'args':['sh'],'cwd':'/','execCPUAffinity':{'initial':'a'}}}",
            "process.execCPUAffinity.initial: \"a\" is not a CPU list");

        unsigned long mask[1024 / (8 * sizeof(unsigned long))];
        ok(t, id_list_parse("0-2,5,64", mask, 1024) == 0 && mask[0] == 0x27 && mask[1] == 1, "id list 0-2,5,64");
        const char *no[] = { "", ",", "1-", "-1", "2-1", "1,,2", "a", " 1", "1024" };
        for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
                char name[64];
                snprintf(name, sizeof(name), "id list \"%s\" refused", no[i]);
                ok(t, id_list_parse(no[i], mask, 1024) < 0, name);
        }
}

int main(int argc, char **argv)
{
        struct tap t = { 0 };

        fixtures(&t, argc > 1 ? argv[1] : "tests/spec/good");
        fields(&t);
        versions(&t);
        broken(&t);
        unknown_and_null(&t);
        client_values(&t);
        process_file(&t);
        nul_strings(&t);
        unified_keys(&t);
        spec_rules(&t);
        spec13_fields(&t);
        big_and_deep(&t);
        roundtrip(&t, argc > 1 ? argv[1] : "tests/spec/good");
        ok(&t, strcmp(ns_type_proc_name(NS_NETWORK), "net") == 0 && strcmp(hook_kind_name(HOOK_CREATE_RUNTIME), "createRuntime") == 0,
           "name tables");
        return tap_done(&t);
}
