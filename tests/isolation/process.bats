#!/usr/bin/env bats
# The container process's settings seen from inside: capabilities, no_new_privs, seccomp,
# rlimits, OOM score, user/groups/umask/cwd/env, sysctls, and the errors for what cannot be.

load ../helpers

setup() {
        common_setup
}

teardown() {
        common_teardown
}

CAP_NAMES=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
        NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT
        SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
        AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
        PERFMON BPF CHECKPOINT_RESTORE)

# The /proc/self/status hex mask of a JSON list of capability names.
cap_mask() {
        local mask=0 name i
        for name in $(echo "$1" | jq -r '.[]'); do
                for i in "${!CAP_NAMES[@]}"; do
                        [ "CAP_${CAP_NAMES[$i]}" = "$name" ] && mask=$((mask | (1 << i)))
                done
        done
        printf '%016x\n' "$mask"
}

status_field() {
        echo "$output" | awk -v f="$1:" '$1 == f {print $2}'
}

@test "capabilities of the default spec: each set as configured, ambient only where also inheritable" {
        set_args cat /proc/self/status
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        caps=$(jq -c .process.capabilities "$BUNDLE/config.json")
        [ "$(status_field CapEff)" = "$(cap_mask "$(echo "$caps" | jq -c .effective)")" ]
        [ "$(status_field CapPrm)" = "$(cap_mask "$(echo "$caps" | jq -c .permitted)")" ]
        [ "$(status_field CapBnd)" = "$(cap_mask "$(echo "$caps" | jq -c .bounding)")" ]
        [ "$(status_field CapInh)" = "$(cap_mask "$(echo "$caps" | jq -c '.inheritable // []')")" ]
        # the kernel keeps an ambient cap only if it is also inheritable (and permitted)
        [ "$(status_field CapAmb)" = "$(cap_mask "$(echo "$caps" | jq -c '[(.ambient // [])[] as $c | select((.inheritable // []) | index($c)) | $c]')")" ]
        [ "$(status_field CapEff)" = "0000000020000420" ]
}

@test "capabilities: a reduced set, and podman's set" {
        update_config '.process.capabilities = {"bounding":["CAP_KILL","CAP_CHOWN"],"effective":["CAP_KILL","CAP_CHOWN"],"permitted":["CAP_KILL","CAP_CHOWN"],"inheritable":["CAP_KILL"],"ambient":["CAP_KILL"]}'
        set_args cat /proc/self/status
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$(status_field CapEff)" = "0000000000000021" ]
        [ "$(status_field CapPrm)" = "0000000000000021" ]
        [ "$(status_field CapBnd)" = "0000000000000021" ]
        [ "$(status_field CapInh)" = "0000000000000020" ]
        [ "$(status_field CapAmb)" = "0000000000000020" ]

        # a non-root user keeps exactly its ambient caps across exec
        chmod 755 "$BUNDLE/rootfs"
        update_config '.process.user = {"uid":1000,"gid":1000}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$(status_field CapEff)" = "0000000000000020" ]
        [ "$(status_field CapPrm)" = "0000000000000020" ]
        [ "$(status_field CapBnd)" = "0000000000000021" ]
        [ "$(status_field CapAmb)" = "0000000000000020" ]
        update_config '.process.user = {"uid":0,"gid":0}'

        # podman 4.3.1's config for a container (../shared/fixtures/clients, kept here so the suite
        # needs nothing outside the repository)
        podman_caps=$(jq -c .process.capabilities "$BATS_TEST_DIRNAME/../fixtures/podman-config.json")
        update_config ".process.capabilities = $podman_caps"
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$(status_field CapEff)" = "$(cap_mask "$(echo "$podman_caps" | jq -c .effective)")" ]
        [ "$(status_field CapBnd)" = "$(cap_mask "$(echo "$podman_caps" | jq -c .bounding)")" ]
        [ "$(status_field CapAmb)" = "0000000000000000" ]
}

@test "an unknown capability name is a warning naming it, and the rest applies (runtime-spec)" {
        update_config '.process.capabilities.bounding += ["CAP_BOGUS"] | .process.capabilities.effective += ["CAP_BOGUS"]'
        set_args /bin/sh -c 'grep CapBnd /proc/self/status'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *'warning'*'process.capabilities.bounding['*']: unknown capability "CAP_BOGUS": ignored'* ]]
        want=$(cap_mask "$(jq -c '.process.capabilities.bounding - ["CAP_BOGUS"]' "$BUNDLE/config.json")")
        [[ "$output" == *"CapBnd:"*"$want"* ]]
}

@test "an env entry without '=' is refused naming its index" {
        update_config '.process.env += ["NOEQUALS"]'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"process.env["*"]: expected KEY=VALUE, got \"NOEQUALS\""* ]]
        [ -z "$(ls -A "$ROOT")" ]
}

@test "seccomp errnoRet on an action without an errno is refused naming the field" {
        update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}'
        run contain check-config --bundle "$BUNDLE"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL returns no errno"* ]]
        update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.seccomp.defaultErrnoRet: SCMP_ACT_ALLOW returns no errno"* ]]
}

@test "noNewPrivileges sets NoNewPrivs, and only when asked" {
        set_args /bin/sh -c 'grep NoNewPrivs /proc/self/status'
        update_config '.process.noNewPrivileges = true'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$(echo $output)" = "NoNewPrivs: 1" ]
        update_config '.process.noNewPrivileges = false'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$(echo $output)" = "NoNewPrivs: 0" ]
}

@test "seccomp denying mkdir with EPERM: mkdir fails, the rest works" {
        update_config '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
                "syscalls":[{"names":["mkdir","mkdirat","no_such_syscall_in_any_kernel"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
        set_args /bin/sh -c 'mkdir /tmp/x; echo "mkdir=$?"; touch /tmp/y && ls /tmp/y && grep Seccomp: /proc/self/status'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "$output" == *"mkdir: can't create directory '/tmp/x': Operation not permitted"* ]]
        [[ "$output" == *"mkdir=1"* ]]
        [[ "$output" == *"/tmp/y"* ]]
        [[ "$output" == *"Seccomp:"*"2"* ]]
}

@test "a seccomp filter that refuses the exec is named, not a silent SIGSYS (run, start)" {
        # review35 F12: exit 159 without a word, as crun does (runc hangs)
        update_config '.linux.seccomp = {"defaultAction":"SCMP_ACT_KILL","architectures":["SCMP_ARCH_X86_64"],"syscalls":[]}'
        set_args /bin/true
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -ne 0 ] && [ "$status" -ne 159 ]
        [[ "$output" == *"its init was killed by SIGSYS before it ran its program: linux.seccomp refuses a system call of its exec"* ]]
        [ -z "$(ls "$ROOT")" ]
        # start: the init's reaper (a shim; here a subreaper that waits) has not reaped it yet
        id=$(new_id)
        run python3 -c '
import ctypes, subprocess, sys, os
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)    # PR_SET_CHILD_SUBREAPER
rt, root, bundle, cid = sys.argv[1:]
subprocess.run([rt, "--root", root, "create", "--bundle", bundle, cid], check=True)
r = subprocess.run([rt, "--root", root, "start", cid], capture_output=True, text=True)
print("start:", r.returncode, r.stderr.strip())
os.waitpid(-1, 0)
' "$CONTAIN" "$ROOT" "$BUNDLE" "$id"
        echo "$output"
        [[ "$output" == "start: 1 contain: container \"$id\": its init was killed by SIGSYS before it ran its program: linux.seccomp"* ]]
        contain delete "$id"
}

@test "seccomp argument filters: masked_eq on an argument" {
        # deny chmod to modes with all of rwxrwxrwx set (the mode argument masked with 0777)
        update_config '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW",
                "syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","errnoRet":13,
                             "args":[{"index":1,"value":511,"valueTwo":511,"op":"SCMP_CMP_MASKED_EQ"}]},
                            {"names":["fchmodat","fchmodat2"],"action":"SCMP_ACT_ERRNO","errnoRet":13,
                             "args":[{"index":2,"value":511,"valueTwo":511,"op":"SCMP_CMP_MASKED_EQ"}]}]}'
        set_args /bin/sh -c 'touch /tmp/f; chmod 777 /tmp/f; echo "a=$?"; chmod 755 /tmp/f; echo "b=$?"'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "$output" == *"Permission denied"* ]]
        [[ "$output" == *"a=1"* ]]
        [[ "$output" == *"b=0"* ]]
}

@test "podman's default seccomp profile runs a shell" {
        profile=$(jq -c .linux.seccomp "$BATS_TEST_DIRNAME/../fixtures/podman-config.json")
        update_config ".linux.seccomp = $profile"
        set_args /bin/sh -c 'echo hello; ls / | grep -c bin; id -u; mkdir /tmp/d && echo made'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "hello" ]
        [ "${lines[2]}" = "0" ]
        [ "${lines[3]}" = "made" ]
}

@test "podman's caps and seccomp profile without noNewPrivileges (filter installed before caps drop)" {
        fixture=$BATS_TEST_DIRNAME/../fixtures/podman-config.json
        update_config ".linux.seccomp = $(jq -c .linux.seccomp "$fixture") | .process.capabilities = $(jq -c .process.capabilities "$fixture") | .process.noNewPrivileges = false"
        set_args /bin/sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(echo $output)" = "NoNewPrivs: 0 Seccomp: 2" ]
}

@test "rlimits are visible in /proc/self/limits; raising a hard limit fails clearly" {
        update_config '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":100,"hard":1024}]'
        set_args /bin/sh -c 'grep "Max open files" /proc/self/limits'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$(echo $output)" = "Max open files 100 1024 files" ]

        update_config '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":100,"hard":99999999}]'
        hard=$(ulimit -Hn)
        [ "$hard" != unlimited ] && [ "$hard" -lt 99999999 ] || skip "this host allows raising the limit"
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"process.rlimits: RLIMIT_NOFILE: setrlimit soft=100 hard=99999999: Operation not permitted"* ]]
}

@test "oomScoreAdj is visible" {
        update_config '.process.oomScoreAdj = 500'
        set_args cat /proc/self/oom_score_adj
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = "500" ]
}

@test "user, groups, umask, cwd (created) and env are as configured" {
        update_config '.process.user = {"uid":1000,"gid":1001,"additionalGids":[5,6],"umask":63}
                | .process.cwd = "/work/here" | .process.env = ["PATH=/bin:/usr/bin","ONLY=this"]
                | .process.capabilities = {}'
        # the process runs as 1000: it must be able to reach its rootfs
        chmod 755 "$BUNDLE/rootfs"
        set_args /bin/sh -c 'id -u; id -g; id -G; umask; pwd; env | grep -v -e ^PWD= -e ^SHLVL= | sort'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "1000" ]
        [ "${lines[1]}" = "1001" ]
        [ "${lines[2]}" = "1001 5 6" ]
        [ "${lines[3]}" = "0077" ]
        [ "${lines[4]}" = "/work/here" ]
        # HOME comes from the image's /etc/passwd when the config has none (runc does the same)
        [ "${lines[5]}" = "HOME=/home" ]
        [ "${lines[6]}" = "ONLY=this" ]
        [ "${lines[7]}" = "PATH=/bin:/usr/bin" ]
        [ "${#lines[@]}" -eq 8 ]
}

@test "HOME is set from the container's /etc/passwd when env has none or an empty one" {
        update_config '.process.env = ["PATH=/bin"]'
        set_args /bin/sh -c 'echo "$HOME"'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = /root ]
        # an empty HOME counts as none; a uid without an entry gets /
        update_config '.process.env = ["PATH=/bin", "HOME="] | .process.user = {"uid": 4242, "gid": 4242}'
        chmod 755 "$BUNDLE/rootfs"
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = / ]
        # a HOME given in the config wins
        update_config '.process.env = ["PATH=/bin", "HOME=/mine"]'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$output" = /mine ]
}

@test "HOME of an exec'd process comes from /etc/passwd too" {
        chmod 755 "$BUNDLE/rootfs"
        update_config '.process.env = ["PATH=/bin"]'
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        run contain exec "$id" /bin/sh -c 'echo "$HOME"'
        [ "$output" = /root ]
        run contain exec --user 1000:1000 "$id" /bin/sh -c 'echo "$HOME"'
        [ "$output" = /home ]
}

@test "a process without a terminal leads a session of its own, init and exec alike" {
        set_args /bin/cat /proc/self/stat
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        # pid (1) pgrp session: the init is pid 1 of its namespace and leads its session
        [ "$(echo "$output" | awk '{print $1, $5, $6}')" = "1 1 1" ]
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        run contain exec "$id" /bin/cat /proc/self/stat
        [ "$status" -eq 0 ]
        set -- $output
        [ "$1" != 1 ]
        [ "$5" = "$1" ]
        [ "$6" = "$1" ]
}

@test "stdio pipes are handed to a non-root process user, so it can reopen /dev/stdout" {
        chmod 755 "$BUNDLE/rootfs"
        update_config '.process.user = {"uid": 1000, "gid": 1000}'
        set_args /bin/sh -c 'echo via-dev-stdout > /dev/stdout && stat -c %u:%g /proc/self/fd/1'
        run sh -c "'$CONTAIN' --root '$ROOT' run -b '$BUNDLE' '$(new_id)' | cat"
        echo "$output"
        [ "${lines[0]}" = via-dev-stdout ]
        [ "${lines[1]}" = 1000:1000 ]
}

@test "cwd only root may enter (0700 /root) works for uid 42, as with runc" {
        chmod 755 "$BUNDLE/rootfs"
        chmod 700 "$BUNDLE/rootfs/root"
        update_config '.process.user = {"uid": 42, "gid": 42} | .process.cwd = "/root"'
        set_args /bin/sh -c 'pwd; id -u'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = /root ]
        [ "${lines[1]}" = 42 ]
}

@test "a missing cwd is created before the root turns read-only" {
        update_config '.root.readonly = true | .process.cwd = "/made/for/me"'
        set_args /bin/sh -c 'pwd; touch /x 2>&1 || true'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = /made/for/me ]
        [[ "${lines[1]}" == *"Read-only file system"* ]]
        [ -d "$BUNDLE/rootfs/made/for/me" ]
}

@test "a missing or non-executable command fails at create with Go's wording" {
        set_args /bin/nope
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *'exec: "/bin/nope": no such file or directory'* ]]
        set_args /etc/passwd
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *'exec: "/etc/passwd": permission denied'* ]]
        set_args nope-not-in-path
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *'exec: "nope-not-in-path": executable file not found in $PATH'* ]]
}

@test "sysctl: a namespaced key is set, others are refused" {
        update_config '.linux.sysctl = {"net.ipv4.ip_forward":"1","kernel.shmmax":"123456789"}'
        set_args /bin/sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "1" ]
        [ "${lines[1]}" = "123456789" ]

        update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")]'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *'linux.sysctl: "net.ipv4.ip_forward" needs a network namespace'* ]]

        update_config '.linux.sysctl = {"kernel.panic":"5"}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *'linux.sysctl: "kernel.panic" is not namespaced'* ]]
}

@test "apparmorProfile and selinuxLabel on a host without the LSM are errors naming it" {
        [ ! -e /sys/module/apparmor ] || skip "AppArmor is present on this host"
        update_config '.process.apparmorProfile = "contain-default"'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"process.apparmorProfile: AppArmor is not enabled on this host"* ]]
        update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"process.selinuxLabel: SELinux is not enabled on this host"* ]]
}

@test "personality, scheduler and ioPriority are applied" {
        update_config '.linux.personality = {"domain":"LINUX32"}
                | .process.scheduler = {"policy":"SCHED_BATCH","nice":5}
                | .process.ioPriority = {"class":"IOPRIO_CLASS_BE","priority":6}'
        set_args /bin/sh -c 'uname -m; cut -d" " -f19,41 /proc/self/stat; ionice'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "i686" ]
        # nice 5, policy 3 (SCHED_BATCH)
        [ "${lines[1]}" = "5 3" ]
        [ "${lines[2]}" = "best-effort: prio 6" ]
}

@test "the container process has no runtime fd beyond 0, 1 and 2" {
        # ls is the process itself (no shell): 3 is its own directory fd for the listing
        set_args ls /proc/self/fd
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$(echo $output)" = "0 1 2 3" ]
}
