/* Unit tests of src/linux's pure parts: the mount option table, sysctl namespaces, the
 * capability names, seccomp compilation, in-root path resolution (openat2 and fallback), and
 * the resctrl files of linux.intelRdt. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contain/linux.h"
#include "contain/util.h"
#include "src/linux/internal.h"
#include "tap.h"

static void test_mountopts(struct tap *t)
{
        char *o1[] = { "nosuid", "noexec", "strictatime", "mode=755", "size=65536k", "ro", "rw", NULL };
        struct mount_opts m;
        struct error *err = NULL;
        ok(t, mountopts_parse(o1, &m, &err) == 0, "parse tmpfs options");
        is_u64(t, m.flags, MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "flags: rw cancels ro");
        is_str(t, m.data, "mode=755,size=65536k", "unknown words are data");
        mountopts_clear(&m);

        char *o2[] = { "rbind", "rprivate", "slave", "tmpcopyup", "nodev", "noatime", "atime", NULL };
        ok(t, mountopts_parse(o2, &m, &err) == 0, "parse bind options");
        is_u64(t, m.flags, MS_BIND | MS_REC | MS_NODEV, "rbind + nodev, atime cancels noatime");
        is_u64(t, m.n_propagation, 2, "two propagation changes");
        is_u64(t, m.propagation[0], MS_PRIVATE | MS_REC, "rprivate");
        is_u64(t, m.propagation[1], MS_SLAVE, "slave");
        ok(t, m.tmpcopyup, "tmpcopyup");
        ok(t, m.data == NULL, "no data");
        mountopts_clear(&m);

        char *o3[] = { "rbind", "ridmap", NULL };
        ok(t, mountopts_parse(o3, &m, &err) == 0, "ridmap parsed");
        ok(t, m.idmap && m.idmap_recursive, "ridmap: idmapped, recursively");
        ok(t, m.rec_set == 0 && m.rec_clr == 0 && m.data == NULL, "ridmap is no attribute and no data");
        mountopts_clear(&m);
        char *o3b[] = { "idmap", NULL };
        ok(t, mountopts_parse(o3b, &m, &err) == 0 && m.idmap && !m.idmap_recursive, "idmap: top mount only");
        mountopts_clear(&m);

        /* the recursive attributes: set and clear bits, later words win */
        char *o4[] = { "rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow", "rsuid", NULL };
        ok(t, mountopts_parse(o4, &m, &err) == 0, "recursive attributes parsed");
        is_u64(t, m.rec_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME |
               MOUNT_ATTR_NOSYMFOLLOW, "rro rnodev rnoexec rnodiratime rnosymfollow set");
        is_u64(t, m.rec_clr, MOUNT_ATTR_NOSUID, "rsuid after rnosuid clears it");
        is_u64(t, m.flags, 0, "no mount(2) flag");
        ok(t, m.data == NULL, "not data");
        mountopts_clear(&m);
        char *o5[] = { "rrw", "rdev", "rexec", "rdiratime", "rsymfollow", NULL };
        ok(t, mountopts_parse(o5, &m, &err) == 0, "clearing words parsed");
        is_u64(t, m.rec_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME |
               MOUNT_ATTR_NOSYMFOLLOW, "rrw rdev rexec rdiratime rsymfollow clear");
        is_u64(t, m.rec_set, 0, "nothing set");
        mountopts_clear(&m);

        /* atime is a mode: the word's mode in attr_set, the whole field in attr_clr */
        static const struct { const char *word; uint64_t mode; } atimes[] = {
                { "rnoatime", MOUNT_ATTR_NOATIME }, { "ratime", MOUNT_ATTR_RELATIME },
                { "rrelatime", MOUNT_ATTR_RELATIME }, { "rnorelatime", MOUNT_ATTR_STRICTATIME },
                { "rstrictatime", MOUNT_ATTR_STRICTATIME }, { "rnostrictatime", MOUNT_ATTR_RELATIME },
        };
        for (size_t i = 0; i < ARRAY_SIZE(atimes); i++) {
                char *o6[] = { "rnoatime", (char *)atimes[i].word, NULL };
                char name[96];
                snprintf(name, sizeof(name), "%s: its atime mode (the last word wins)", atimes[i].word);
                ok(t, mountopts_parse(o6, &m, &err) == 0, name);
                is_u64(t, m.rec_set, atimes[i].mode, name);
                snprintf(name, sizeof(name), "%s: the whole atime field cleared", atimes[i].word);
                is_u64(t, m.rec_clr, MOUNT_ATTR__ATIME, name);
                mountopts_clear(&m);
        }
        is_u64(t, mountopts_propagation("rshared"), MS_SHARED | MS_REC, "rshared");
        is_u64(t, mountopts_propagation("bogus"), 0, "not a propagation");
}

static void test_sysctl(struct tap *t)
{
        ok(t, sysctl_namespace("net.ipv4.ip_forward") == NS_NETWORK, "net.* -> netns");
        ok(t, sysctl_namespace("net/ipv4/ip_forward") == NS_NETWORK, "slashes too");
        ok(t, sysctl_namespace("kernel.shmmax") == NS_IPC, "kernel.shmmax -> ipc");
        ok(t, sysctl_namespace("fs.mqueue.msg_max") == NS_IPC, "fs.mqueue -> ipc");
        ok(t, sysctl_namespace("kernel.hostname") == NS_UTS, "hostname -> uts");
        ok(t, sysctl_namespace("kernel.panic") == -1, "kernel.panic is the host's");
        ok(t, sysctl_namespace("vm.swappiness") == -1, "vm.* is the host's");
}

static void test_caps(struct tap *t)
{
        const char *const *names = caps_known_names();
        bool all = true;
        size_t n = 0;
        for (; names[n]; n++) {
                cap_value_t v;
                if (cap_from_name(names[n], &v) < 0 || v != (cap_value_t)n)
                        all = false;
        }
        ok(t, all, "every name maps to its number in libcap");
        is_u64(t, n, 41, "41 capabilities (up to CAP_CHECKPOINT_RESTORE)");
}

static void test_seccomp(struct tap *t)
{
        char *names[] = { "mkdir", "mkdirat", "no_such_syscall_xyz", NULL };
        struct spec_seccomp_arg args[] = { { .index = 1, .value = 0x7, .value_two = 0x1, .op = SECCOMP_OP_MASKED_EQ } };
        struct spec_seccomp_syscall rules[] = {
                { .names = names, .action = SECCOMP_ACT_ERRNO, .has_errno_ret = true, .errno_ret = EPERM },
                { .names = (char *[]){ "personality", NULL }, .action = SECCOMP_ACT_ALLOW, .args = args, .n_args = 1 },
        };
        char *arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", NULL };
        char *flags[] = { "SECCOMP_FILTER_FLAG_LOG", NULL };
        struct spec_seccomp sc = { .present = true, .default_action = SECCOMP_ACT_ALLOW, .architectures = arches,
                                   .flags = flags, .syscalls = rules, .n_syscalls = 2 };
        struct seccomp_program *p = NULL;
        struct error *err = NULL;
        ok(t, seccomp_program_build(&sc, &p, &err) == 0 && p, "filter with unknown syscall, masked_eq, 2 archs builds");
        seccomp_program_free(p);
        error_free(err);
        err = NULL;

        char *bad_flags[] = { "SECCOMP_FILTER_FLAG_BOGUS", NULL };
        sc.flags = bad_flags;
        ok(t, seccomp_program_build(&sc, &p, &err) < 0, "unknown flag refused");
        has_substr(t, err ? err->msg : NULL, "SECCOMP_FILTER_FLAG_BOGUS", "message names the flag");
        error_free(err);
        err = NULL;
        sc.flags = NULL;
        rules[0].action = SECCOMP_ACT_NOTIFY;
        ok(t, seccomp_program_build(&sc, &p, &err) < 0, "SCMP_ACT_NOTIFY without listenerPath refused");
        has_substr(t, err ? err->msg : NULL, "linux.seccomp.listenerPath", "naming the field");
        error_free(err);
        err = NULL;
        sc.listener_path = "/run/agent.sock";
        ok(t, seccomp_program_build(&sc, &p, &err) == 0 && seccomp_program_notifies(p), "with it, the filter notifies");
        seccomp_program_free(p);
        rules[0].action = SECCOMP_ACT_ERRNO;
        ok(t, seccomp_program_build(&sc, &p, &err) == 0 && !seccomp_program_notifies(p), "without notify rules it does not");
        seccomp_program_free(p);
        sc.listener_path = NULL;
        error_free(err);
}

/* A tree with escaping symlinks: the result must stay inside root, whichever resolver runs. */
static void test_inroot(struct tap *t)
{
        char tmpl[] = "/tmp/contain-inroot.XXXXXX";
        if (!mkdtemp(tmpl)) {
                ok(t, false, "mkdtemp");
                return;
        }
        cleanup_free char *root = xasprintf("%s/root", tmpl);
        cleanup_free char *outside = xasprintf("%s/outside", tmpl);
        mkdir(root, 0755);
        mkdir(outside, 0755);
        cleanup_free char *r_etc = xasprintf("%s/etc", root);
        mkdir(r_etc, 0755);
        cleanup_free char *l1 = xasprintf("%s/up", root);
        cleanup_free char *l2 = xasprintf("%s/abs", root);
        cleanup_free char *l3 = xasprintf("%s/etc/loop", root);
        if (symlink("../../outside", l1) < 0 || symlink("/etc", l2) < 0 || symlink("loop", l3) < 0)
                ok(t, false, "symlinks");
        int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

        for (int fallback = 0; fallback < 2; fallback++) {
                const char *tag = fallback ? "fallback" : "openat2";
                struct error *err = NULL;
                int (*fn)(int, const char *, int, mode_t, struct error **) =
                        fallback ? inroot_open_fallback : inroot_open;
                int fd = fn(rfd, "/up/x", O_CREAT | O_WRONLY, 0644, &err);
                char name[128];
                snprintf(name, sizeof(name), "%s: ../../outside lands inside root", tag);
                cleanup_free char *out = xasprintf("%s/x", outside);
                ok(t, fd < 0 || (access(out, F_OK) != 0), name);
                if (fd >= 0)
                        close(fd);
                error_free(err);
                err = NULL;
                fd = fn(rfd, "abs", O_PATH | O_DIRECTORY, 0, &err);
                struct stat a, b;
                snprintf(name, sizeof(name), "%s: /etc symlink resolves to root/etc", tag);
                ok(t, fd >= 0 && fstat(fd, &a) == 0 && stat(r_etc, &b) == 0 && a.st_ino == b.st_ino, name);
                if (fd >= 0)
                        close(fd);
                error_free(err);
                err = NULL;
                fd = fn(rfd, "../../../etc/../..", O_PATH | O_DIRECTORY, 0, &err);
                snprintf(name, sizeof(name), "%s: .. stops at root", tag);
                ok(t, fd >= 0 && fstat(fd, &a) == 0 && stat(root, &b) == 0 && a.st_ino == b.st_ino, name);
                if (fd >= 0)
                        close(fd);
                error_free(err);
                err = NULL;
                fd = fn(rfd, "etc/loop", O_RDONLY, 0, &err);
                snprintf(name, sizeof(name), "%s: symlink loop is ELOOP", tag);
                ok(t, fd < 0 && err && err->errnum == ELOOP, name);
                error_free(err);
        }
        struct error *err = NULL;
        int fd = inroot_mkpath(rfd, "/abs/new/dir", false, 0755, &err);
        cleanup_free char *made = xasprintf("%s/etc/new/dir", root);
        struct stat st;
        ok(t, fd >= 0 && stat(made, &st) == 0 && S_ISDIR(st.st_mode), "mkpath follows /etc inside root");
        if (fd >= 0)
                close(fd);
        fd = inroot_mkpath(rfd, "/up/file", true, 0644, &err);
        cleanup_free char *made2 = xasprintf("%s/outside/file", root);
        ok(t, fd >= 0 && stat(made2, &st) == 0 && S_ISREG(st.st_mode), "mkpath file through ../.. stays inside");
        if (fd >= 0)
                close(fd);
        error_free(err);

        /* literal: the config's own path, no symlink anywhere on the way */
        fd = inroot_open_literal(rfd, "/etc/new/dir");
        ok(t, fd >= 0, "literal path opens");
        if (fd >= 0)
                close(fd);
        fd = inroot_open_literal(rfd, "/abs/new/dir");
        ok(t, fd < 0 && errno == ELOOP, "literal refuses a symlinked directory (ELOOP)");
        fd = inroot_open_literal(rfd, "/up");
        ok(t, fd < 0 && errno == ELOOP, "literal refuses a final symlink (ELOOP)");
        close(rfd);
        int proc = open("/proc/self", O_PATH | O_CLOEXEC), sys = open("/sys/kernel", O_PATH | O_CLOEXEC);
        ok(t, proc >= 0 && kernel_fs_name(proc) && strcmp(kernel_fs_name(proc), "procfs") == 0, "kernel_fs_name: procfs");
        ok(t, sys < 0 || (kernel_fs_name(sys) && strcmp(kernel_fs_name(sys), "sysfs") == 0), "kernel_fs_name: sysfs");
        int plain = open(tmpl, O_PATH | O_CLOEXEC);
        ok(t, plain >= 0 && kernel_fs_name(plain) == NULL, "kernel_fs_name: a plain directory is neither");
        if (plain >= 0)
                close(plain);
        if (proc >= 0)
                close(proc);
        if (sys >= 0)
                close(sys);
        cleanup_free char *cmd = xasprintf("rm -rf %s", tmpl);
        if (system(cmd) != 0)
                ok(t, false, "cleanup");
}

static void test_passwd(struct tap *t)
{
        const char *pw = "# comment:x:0:0::/nope:/bin/sh\n"
                         "root:x:0:0:root:/root:/bin/sh\n"
                         "short:x:7:7\n"
                         "nohome:x:8:8:gecos::/bin/sh\n"
                         "noshell:x:9:9:gecos:/srv/nine\n"
                         "user:x:1000:1000:A User:/home/user:/bin/sh";
        char *h;
        is_str(t, h = passwd_home_for_uid(pw, 0), "/root", "uid 0: /root, not the commented line");
        free(h);
        is_str(t, h = passwd_home_for_uid(pw, 1000), "/home/user", "last line without a newline");
        free(h);
        is_str(t, h = passwd_home_for_uid(pw, 9), "/srv/nine", "an entry without the shell field");
        free(h);
        is_str(t, h = passwd_home_for_uid(pw, 8), "", "an empty home is empty (the caller uses /)");
        free(h);
        ok(t, passwd_home_for_uid(pw, 7) == NULL, "a line with too few fields is no entry");
        ok(t, passwd_home_for_uid(pw, 42) == NULL, "no entry: NULL");
        ok(t, passwd_home_for_uid("", 0) == NULL, "empty file: NULL");
}

static void write_text(const char *dir, const char *name, const char *text)
{
        cleanup_free char *p = xasprintf("%s/%s", dir, name);
        FILE *f = fopen(p, "w");
        if (f) {
                fputs(text, f);
                fclose(f);
        }
}

static char *read_text(const char *dir, const char *name)
{
        cleanup_free char *p = xasprintf("%s/%s", dir, name);
        char *text = NULL;
        size_t len;
        struct error *e = NULL;
        if (read_file_at(AT_FDCWD, p, 4096, &text, &len, &e) < 0)
                error_free(e);
        return text;
}

/* linux.intelRdt against a resctrl tree made in a temporary directory: the checks naming the
 * field, the files a shared closID group gets, and which groups delete removes. */
static void test_resctrl(struct tap *t)
{
        char root[] = "/tmp/contain-resctrl.XXXXXX";
        if (!mkdtemp(root)) {
                ok(t, false, "mkdtemp");
                return;
        }
        struct spec_intel_rdt rdt = { .present = true, .clos_id = "shared", .l3_cache_schema = "L3:0=ff;1=f0" };
        struct error *err = NULL;

        ok(t, resctrl_join(root, &rdt, "c1", 42, &err) < 0, "no resctrl: error");
        has_substr(t, err ? err->msg : NULL, "linux.intelRdt: no resctrl filesystem at", "names the field");
        error_free(err);
        err = NULL;

        cleanup_free char *info = xasprintf("%s/info", root);
        cleanup_free char *mon = xasprintf("%s/info/L3_MON", root);
        cleanup_free char *l3 = xasprintf("%s/info/L3", root);
        mkdir(info, 0755);
        mkdir(l3, 0755);
        mkdir(mon, 0755);
        write_text(mon, "mon_features", "llc_occupancy\n");

        struct spec_intel_rdt mb = rdt;
        mb.mem_bw_schema = "MB:0=70";
        ok(t, resctrl_join(root, &mb, "c1", 42, &err) < 0, "memBwSchema without info/MB: error");
        has_substr(t, err ? err->msg : NULL, "linux.intelRdt.memBwSchema: this host's resctrl has no memory bandwidth",
                   "names memBwSchema");
        error_free(err);
        err = NULL;
        struct spec_intel_rdt mbm = rdt;
        mbm.enable_mbm = true;
        ok(t, resctrl_join(root, &mbm, "c1", 42, &err) < 0, "enableMBM without mbm_*_bytes: error");
        has_substr(t, err ? err->msg : NULL, "linux.intelRdt.enableMBM", "names enableMBM");
        error_free(err);
        err = NULL;

        /* the shared group exists (made by the admin, files made by the kernel) */
        cleanup_free char *group = resctrl_group_path(root, &rdt, "c1");
        is_str(t, group + strlen(root), "/shared", "closID names the group");
        mkdir(group, 0755);
        write_text(group, "schemata", "");
        write_text(group, "tasks", "");
        rdt.enable_cmt = true;
        ok(t, resctrl_join(root, &rdt, "c1", 42, &err) == 0, "join the shared group");
        cleanup_free char *schemata = read_text(group, "schemata");
        cleanup_free char *tasks = read_text(group, "tasks");
        is_str(t, schemata, "L3:0=ff;1=f0\n", "schemata written");
        is_str(t, tasks, "42", "pid in tasks");
        ok(t, resctrl_remove(root, &rdt, "c1", &err) == 0 && access(group, F_OK) == 0, "a closID group stays");

        /* 1.3: schemata lines as is, and a monitoring group of the container's own under closID */
        char *lines[] = { "L3:0=3", "MB:0=50", NULL };
        struct spec_intel_rdt r13 = { .present = true, .clos_id = "shared", .schemata = lines,
                                      .l3_cache_schema = "L3:0=ff", .enable_monitoring = true };
        cleanup_free char *mon_groups = xasprintf("%s/mon_groups", group);
        cleanup_free char *mong = xasprintf("%s/mon_groups/c3", group);
        mkdir(mon_groups, 0755);
        mkdir(mong, 0755);       /* the kernel would make its tasks file */
        write_text(mong, "tasks", "");
        ok(t, resctrl_join(root, &r13, "c3", 43, &err) == 0, "join with schemata and enableMonitoring");
        free(schemata);
        schemata = read_text(group, "schemata");
        is_str(t, schemata, "L3:0=3\nMB:0=50\n", "schemata lines replace l3CacheSchema");
        cleanup_free char *mon_tasks = read_text(mong, "tasks");
        is_str(t, mon_tasks, "43", "pid in the monitoring group's tasks");
        cleanup_free char *mong_tasks = xasprintf("%s/tasks", mong);
        unlink(mong_tasks);
        ok(t, resctrl_remove(root, &r13, "c3", &err) == 0 && access(mong, F_OK) < 0 && access(group, F_OK) == 0,
           "delete removes the monitoring group, keeps the shared group");
        rmdir(mon_groups);

        /* without closID the group is the container's own, and delete removes it */
        struct spec_intel_rdt own = { .present = true };
        cleanup_free char *mine = resctrl_group_path(root, &own, "c2");
        is_str(t, mine + strlen(root), "/c2", "the id names an own group");
        mkdir(mine, 0755);
        ok(t, resctrl_remove(root, &own, "c2", &err) == 0 && access(mine, F_OK) < 0, "own group removed");
        ok(t, resctrl_remove(root, &own, "c2", &err) == 0, "removing it again is fine");

        const char *files[] = { "shared/schemata", "shared/tasks", "info/L3_MON/mon_features" };
        for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
                cleanup_free char *p = xasprintf("%s/%s", root, files[i]);
                unlink(p);
        }
        const char *dirs[] = { "shared", "info/L3_MON", "info/L3", "info", "" };
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
                cleanup_free char *p = xasprintf("%s/%s", root, dirs[i]);
                ok(t, rmdir(p) == 0, "clean up the test tree");
        }
}

int main(void)
{
        struct tap t = { 0 };
        test_passwd(&t);
        test_mountopts(&t);
        test_sysctl(&t);
        test_caps(&t);
        test_seccomp(&t);
        test_inroot(&t);
        test_resctrl(&t);
        return tap_done(&t);
}
