#!/usr/bin/env bats
# runtime-spec 1.3.0, every field of the config schema (Linux): one config carrying every field
# this host can apply, each effect checked from inside the container or in its cgroup files;
# every field the host cannot apply (or the spec gives no meaning on Linux) is an error that
# names it; and a table of the schema's fields proves nothing was left out.

load ../helpers

setup() {
        common_setup
        VETH=contain-t-$(printf '%04d' $(($$ % 10000)))
        HOOKS=$TEST_DIR/hooks
        mkdir -p "$HOOKS"
}

teardown() {
        ip link del "${VETH}a" 2>/dev/null || true
        common_teardown
}

# A block device for the blockIO throttles: the first disk with a driver behind it.
block_device() {
        local b
        for b in /sys/block/*; do
                [ -e "$b/device" ] && { cat "$b/dev"; return 0; }
        done
        return 1
}

# Every field of the schema this host can apply (see the error table below for the rest).
FULL_CONFIG='
.ociVersion = "1.3.0"
| .root = {"path": "rootfs", "readonly": true}
| .hostname = "h13" | .domainname = "d13"
| .mounts += [{"destination": "/m13", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m", "mode=1777"]},
              {"destination": "/inside.sh", "type": "bind", "source": $script, "options": ["bind", "ro"]}]
| .process.terminal = false
| .process.args = ["/bin/sh", "/inside.sh"]
| .process.cwd = "/m13"
| .process.env = ["PATH=/bin:/sbin", "A13=yes"]
| .process.user = {"uid": 0, "gid": 0, "umask": 23, "additionalGids": [10]}
| .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1000, "hard": 1000}]
| .process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SETPCAP"],
    "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_ADMIN"], "inheritable": ["CAP_KILL"],
    "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_ADMIN"], "ambient": ["CAP_KILL"]}
| .process.noNewPrivileges = true
| .process.oomScoreAdj = 500
| .process.scheduler = {"policy": "SCHED_BATCH", "nice": 3, "priority": 0, "flags": ["SCHED_FLAG_RESET_ON_FORK"],
    "runtime": 0, "deadline": 0, "period": 0}
| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 5}
| .process.execCPUAffinity = {"initial": "0-1", "final": "0"}
| .linux.namespaces = [{"type": "pid"}, {"type": "network"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"},
    {"type": "cgroup"}, {"type": "time"}]
| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 7}, "boottime": {"secs": 172800, "nanosecs": 0}}
| .linux.devices = [{"path": "/dev/n13", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 0, "gid": 10}]
| .linux.cgroupsPath = $cg
| .linux.resources = {
    "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}],
    "memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728, "swappiness": 10, "disableOOMKiller": false,
               "kernelTCP": 16777216, "useHierarchy": true, "checkBeforeUpdate": true},
    "cpu": {"shares": 512, "quota": 50000, "period": 100000, "burst": 1000, "realtimeRuntime": 1000,
            "realtimePeriod": 1000000, "cpus": "0-1", "mems": "0", "idle": 0},
    "pids": {"limit": 64},
    "blockIO": {"weight": 500,
                "throttleReadBpsDevice": [{"major": $maj, "minor": $min, "rate": 1048576}],
                "throttleWriteBpsDevice": [{"major": $maj, "minor": $min, "rate": 2097152}],
                "throttleReadIOPSDevice": [{"major": $maj, "minor": $min, "rate": 100}],
                "throttleWriteIOPSDevice": [{"major": $maj, "minor": $min, "rate": 200}]},
    "hugepageLimits": [{"pageSize": "2MB", "limit": 0}],
    "unified": {"hugetlb.1GB.max": "0"}}
| .linux.sysctl = {"net.ipv4.ip_forward": "1"}
| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95,
                  "args": [{"index": 1, "value": 0, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
                 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95}]}
| .linux.rootfsPropagation = "rslave"
| .linux.maskedPaths = ["/proc/timer_list"]
| .linux.readonlyPaths = ["/proc/sys"]
| .linux.personality = {"domain": "LINUX32", "flags": []}
| .linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": []}
| .linux.netDevices = {($veth): {"name": "eth13"}}
| .annotations = {"org.contain.every": "1"}
| .hooks = {
    "prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \($hooks)/prestart"], "env": ["P=1"], "timeout": 5}],
    "createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo $H > \($hooks)/createRuntime"], "env": ["H=env-ok"]}],
    "createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \($hooks)/createContainer"]}],
    "startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "echo started > /m13/startContainer"]}],
    "poststart": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \($hooks)/poststart"]}],
    "poststop": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \($hooks)/poststop"]}]}
'

# What the container prints about itself, one line per field group; then it waits.
INSIDE='
echo "hostname=$(hostname) domain=$(cat /proc/sys/kernel/domainname)"
echo "cwd=$(pwd) A13=$A13 umask=$(umask) groups=$(id -G)"
echo "nofile=$(ulimit -n) oom=$(cat /proc/self/oom_score_adj)"
grep -E "^(Cap|NoNewPrivs|Cpus_allowed_list)" /proc/self/status | tr "\t" " "
echo "sched=$(cut -d" " -f19,41 /proc/self/stat) io=$(ionice)"
echo "uname=$(uname -m) numa=$(head -1 /proc/self/numa_maps | cut -d" " -f2)"
echo "timens=$(tr -s " " < /proc/self/timens_offsets | tr "\n" ";")"
echo "dev=$(stat -c "%a %g %t:%T" /dev/n13)"
echo "ipfwd=$(cat /proc/sys/net/ipv4/ip_forward) masked=$(wc -c < /proc/timer_list)"
echo 0 > /proc/sys/net/ipv4/ip_forward 2>/dev/null && echo proc-sys=rw || echo proc-sys=ro
touch /x13 2>/dev/null && echo root=rw || echo root=ro
echo "kill0=$(kill -0 1 2>&1 | sed "s/.*: //")"; kill -CONT 1 && echo kill-CONT-ok
echo "mkdir=$(mkdir /m13/d 2>&1 | sed "s/.*: //")"
echo "startContainer=$(cat /m13/startContainer)"
echo "net=$(ip -o addr show dev eth13 | tr -s " " | cut -d" " -f2-4)"
echo "propagation=$(grep -c "master:" /proc/self/mountinfo)"
echo done
exec sleep 100
'

# The cgroup directory of the container's init in one v1 hierarchy (or "unified").
cg_dir() {
        local pid=$1 ctrl=$2 path
        if [ "$ctrl" = unified ]; then
                path=$(grep '^0::' "/proc/$pid/cgroup" | cut -d: -f3)
        else
                path=$(grep -E "^[0-9]+:([^:]*,)?$ctrl(,[^:]*)?:" "/proc/$pid/cgroup" | cut -d: -f3)
        fi
        echo "/sys/fs/cgroup/$ctrl$path"
}

@test "every field this host can apply, in one config: each effect is seen" {
        [ -d /sys/fs/cgroup/memory ] || skip "the cgroup checks read v1 files (this suite's host is hybrid)"
        [ -e /proc/self/numa_maps ] || skip "kernel without NUMA"
        [ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
        local dev
        dev=$(block_device) || skip "no block device for the throttles"
        ip link add "${VETH}a" type veth peer name "${VETH}b"
        ip addr add 10.213.13.2/24 dev "${VETH}a"
        echo "$INSIDE" > "$TEST_DIR/inside.sh"
        jq --arg script "$TEST_DIR/inside.sh" --arg cg "contain-t-every-$$" --arg veth "${VETH}a" \
                --arg hooks "$HOOKS" --argjson maj "${dev%:*}" --argjson min "${dev#*:}" \
                "$FULL_CONFIG" "$BUNDLE/config.json" > "$TEST_DIR/config.json"
        mv "$TEST_DIR/config.json" "$BUNDLE/config.json"

        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id" > "$TEST_DIR/out" 2>&1 || { cat "$TEST_DIR/out"; return 1; }
        [ "$(contain state "$id" | jq -r '.annotations["org.contain.every"]')" = 1 ]
        contain start "$id"
        for i in $(seq 100); do grep -q '^done$' "$TEST_DIR/out" && break; sleep 0.1; done
        cat "$TEST_DIR/out"
        out=$(cat "$TEST_DIR/out")
        has() { grep -qxF -- "$1" <<<"$out" || { echo "missing: $1"; return 1; }; }
        has "hostname=h13 domain=d13"
        has "cwd=/m13 A13=yes umask=0027 groups=0 10"
        has "nofile=1000 oom=500"
        # CHOWN KILL NET_ADMIN; bounding adds SETPCAP and SYS_ADMIN; KILL inheritable and ambient
        has "CapInh: 0000000000000020"
        has "CapPrm: 0000000000001021"
        has "CapEff: 0000000000001021"
        has "CapBnd: 0000000000201121"
        has "CapAmb: 0000000000000020"
        has "NoNewPrivs: 1"
        has "Cpus_allowed_list: 0"
        has "sched=3 3 io=best-effort: prio 5"
        has "uname=i686 numa=bind:0"
        has "timens=monotonic 86400 7;boottime 172800 0;"
        has "dev=640 10 1:3"
        has "ipfwd=1 masked=0"
        has "proc-sys=ro"
        has "root=ro"
        has "kill0=Operation not supported"
        has "mkdir=Operation not supported"
        has "kill-CONT-ok"
        has "startContainer=started"
        has "net=eth13 inet 10.213.13.2/24"
        has "done"
        # rslave: the root is a slave of the host's mount (the host's / is shared)
        if grep -q ' / / .*shared:' /proc/self/mountinfo; then
                [[ "$out" != *"propagation=0"* ]]
        fi

        pid=$(state_field "$id" pid)
        m=$(cg_dir "$pid" memory) c=$(cg_dir "$pid" cpu) b=$(cg_dir "$pid" blkio) u=$(cg_dir "$pid" unified)
        [ "$(cat "$m/memory.limit_in_bytes")" = 67108864 ]
        [ "$(cat "$m/memory.soft_limit_in_bytes")" = 33554432 ]
        [ "$(cat "$m/memory.memsw.limit_in_bytes")" = 134217728 ]
        [ "$(cat "$m/memory.swappiness")" = 10 ]
        [ "$(cat "$m/memory.kmem.tcp.limit_in_bytes")" = 16777216 ]
        [ "$(cat "$m/memory.use_hierarchy")" = 1 ]
        [ "$(cat "$c/cpu.shares")" = 512 ]
        [ "$(cat "$c/cpu.cfs_quota_us")" = 50000 ]
        [ "$(cat "$c/cpu.cfs_period_us")" = 100000 ]
        [ "$(cat "$c/cpu.cfs_burst_us")" = 1000 ]
        [ "$(cat "$c/cpu.rt_runtime_us")" = 1000 ]
        [ "$(cat "$c/cpu.rt_period_us")" = 1000000 ]
        [ "$(cat "$c/cpu.idle")" = 0 ]
        [ "$(cat "$(cg_dir "$pid" cpuset)/cpuset.cpus")" = 0-1 ]
        [ "$(cat "$(cg_dir "$pid" cpuset)/cpuset.mems")" = 0 ]
        [ "$(cat "$(cg_dir "$pid" pids)/pids.max")" = 64 ]
        grep -qx "c 1:3 rwm" "$(cg_dir "$pid" devices)/devices.list"
        ! grep -qx "a \*:\* rwm" "$(cg_dir "$pid" devices)/devices.list"
        grep -qx "500" "$b/blkio.bfq.weight" || grep -qx "500" "$b/blkio.weight"
        [ "$(cat "$b/blkio.throttle.read_bps_device")" = "$dev 1048576" ]
        [ "$(cat "$b/blkio.throttle.write_bps_device")" = "$dev 2097152" ]
        [ "$(cat "$b/blkio.throttle.read_iops_device")" = "$dev 100" ]
        [ "$(cat "$b/blkio.throttle.write_iops_device")" = "$dev 200" ]
        [ "$(cat "$u/hugetlb.2MB.max")" = 0 ]
        [ "$(cat "$u/hugetlb.1GB.max")" = 0 ]
        # the prestart/createRuntime/createContainer/poststart hooks got the state on stdin
        for h in prestart createContainer poststart; do
                [ "$(jq -r .id "$HOOKS/$h")" = "$id" ]
        done
        [ "$(cat "$HOOKS/createRuntime")" = env-ok ]

        # checkBeforeUpdate: a limit below what the container uses is refused
        run contain update --memory 4096 "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.resources.memory.checkBeforeUpdate: the container uses"* ]]

        contain kill "$id" KILL
        wait_for_status "$id" 5 stopped
        contain delete "$id"
        [ "$(jq -r .status "$HOOKS/poststop")" = stopped ]
        # the moved veth went with the container's network namespace
        run ip link show "${VETH}b"
        [ "$status" -ne 0 ]
}

# field <TAB> jq filter on the plain config <TAB> when the error is due (a shell test) <TAB>
# what the message says.  Fields the spec gives no meaning on Linux are always errors.
ERRORS='process.commandLine	.process.commandLine = "sh -c true"	true	process.commandLine: is for Windows
process.user.username	.process.user.username = "root"	true	process.user.username: is for Windows
process.apparmorProfile	.process.apparmorProfile = "p13"	! grep -qs Y /sys/module/apparmor/parameters/enabled	process.apparmorProfile: AppArmor is not enabled
process.selinuxLabel	.process.selinuxLabel = "system_u:system_r:container_t:s0"	[ ! -d /sys/fs/selinux ]	process.selinuxLabel: SELinux is not enabled
linux.mountLabel	.linux.mountLabel = "system_u:object_r:container_file_t:s0"	true	linux.mountLabel: SELinux
linux.personality.flags	.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}	true	linux.personality.flags
linux.intelRdt.closID	.linux.intelRdt = {"closID": "c13"}	[ ! -d /sys/fs/resctrl/info ]	linux.intelRdt: no resctrl filesystem
linux.intelRdt.schemata	.linux.intelRdt = {"schemata": ["L3:0=f"]}	[ ! -d /sys/fs/resctrl/info ]	linux.intelRdt: no resctrl filesystem
linux.intelRdt.l3CacheSchema	.linux.intelRdt = {"l3CacheSchema": "L3:0=f"}	[ ! -d /sys/fs/resctrl/info ]	linux.intelRdt: no resctrl filesystem
linux.intelRdt.memBwSchema	.linux.intelRdt = {"memBwSchema": "MB:0=50"}	[ ! -d /sys/fs/resctrl/info ]	linux.intelRdt: no resctrl filesystem
linux.intelRdt.enableMonitoring	.linux.intelRdt = {"enableMonitoring": true}	[ ! -d /sys/fs/resctrl/info ]	linux.intelRdt: no resctrl filesystem
linux.intelRdt.enableCMT	.linux.intelRdt = {"enableCMT": true}	[ ! -d /sys/fs/resctrl/info ]	linux.intelRdt: no resctrl filesystem
linux.intelRdt.enableMBM	.linux.intelRdt = {"enableMBM": true}	[ ! -d /sys/fs/resctrl/info ]	linux.intelRdt: no resctrl filesystem
linux.resources.network.classID	.linux.resources.network = {"classID": 13}	[ ! -d /sys/fs/cgroup/net_cls ] && [ ! -d /sys/fs/cgroup/net_cls,net_prio ]	net_cls.classid: the net_cls controller is not available
linux.resources.network.priorities	.linux.resources.network = {"priorities": [{"name": "lo", "priority": 1}]}	[ ! -d /sys/fs/cgroup/net_prio ] && [ ! -d /sys/fs/cgroup/net_cls,net_prio ]	net_prio.ifpriomap: the net_prio controller is not available
linux.resources.rdma	.linux.resources.rdma = {"mlx5_0": {"hcaHandles": 1, "hcaObjects": 2}}	[ ! -d /sys/fs/cgroup/rdma ] && ! grep -qw rdma /sys/fs/cgroup/unified/cgroup.controllers	the rdma controller is not available
linux.resources.blockIO.leafWeight	.linux.resources.blockIO = {"leafWeight": 300}	[ ! -e /sys/fs/cgroup/blkio/blkio.leaf_weight ]	blkio.leaf_weight
linux.resources.blockIO.weightDevice	.linux.resources.blockIO = {"weightDevice": [{"major": 1, "minor": 3, "weight": 300, "leafWeight": 300}]}	[ ! -e /sys/fs/cgroup/blkio/blkio.weight_device ]	weight_device'

@test "every field this host cannot apply is an error naming it" {
        local field filter when want n=0
        while IFS=$'\t' read -r field filter when want; do
                if ! eval "$when"; then
                        echo "# $field: this host can apply it" >&3
                        continue
                fi
                cp "$BUNDLE/config.json" "$TEST_DIR/plain.json"
                update_config "$filter"
                run contain run -b "$BUNDLE" "$(new_id)"
                cp "$TEST_DIR/plain.json" "$BUNDLE/config.json"
                if [ "$status" -eq 0 ] || [[ "$output" != *"$want"* ]]; then
                        echo "$field: expected an error with '$want', got status $status: $output"
                        return 1
                fi
                [ -z "$(ls "$ROOT")" ]
                n=$((n + 1))
        done <<<"$ERRORS"
        [ "$n" -gt 0 ]
}

# Every field of the runtime-spec 1.3.0 config schema that a Linux config may carry (the
# windows, solaris, vm, zos and freebsd objects are other platforms': a Linux runtime reads
# none of them), as "a.b[].c".
SCHEMA_FIELDS='ociVersion root.path root.readonly hostname domainname annotations
mounts[].destination mounts[].source mounts[].type mounts[].options mounts[].uidMappings mounts[].gidMappings
process.terminal process.consoleSize.height process.consoleSize.width process.cwd process.env process.args
process.commandLine process.rlimits[].type process.rlimits[].soft process.rlimits[].hard process.apparmorProfile
process.capabilities.bounding process.capabilities.effective process.capabilities.inheritable
process.capabilities.permitted process.capabilities.ambient process.noNewPrivileges process.oomScoreAdj
process.scheduler.policy process.scheduler.nice process.scheduler.priority process.scheduler.flags
process.scheduler.runtime process.scheduler.deadline process.scheduler.period process.selinuxLabel
process.ioPriority.class process.ioPriority.priority process.execCPUAffinity.initial process.execCPUAffinity.final
process.user.uid process.user.gid process.user.umask process.user.additionalGids process.user.username
hooks.prestart[].path hooks.prestart[].args hooks.prestart[].env hooks.prestart[].timeout hooks.createRuntime
hooks.createContainer hooks.startContainer hooks.poststart hooks.poststop
linux.devices[].type linux.devices[].path linux.devices[].major linux.devices[].minor linux.devices[].fileMode
linux.devices[].uid linux.devices[].gid linux.uidMappings linux.gidMappings linux.namespaces[].type
linux.namespaces[].path linux.timeOffsets.monotonic.secs linux.timeOffsets.monotonic.nanosecs
linux.timeOffsets.boottime.secs linux.timeOffsets.boottime.nanosecs
linux.resources.devices[].allow linux.resources.devices[].type linux.resources.devices[].major
linux.resources.devices[].minor linux.resources.devices[].access
linux.resources.memory.limit linux.resources.memory.reservation linux.resources.memory.swap
linux.resources.memory.kernel linux.resources.memory.kernelTCP linux.resources.memory.swappiness
linux.resources.memory.disableOOMKiller linux.resources.memory.useHierarchy linux.resources.memory.checkBeforeUpdate
linux.resources.cpu.shares linux.resources.cpu.quota linux.resources.cpu.burst linux.resources.cpu.period
linux.resources.cpu.realtimeRuntime linux.resources.cpu.realtimePeriod linux.resources.cpu.cpus
linux.resources.cpu.mems linux.resources.cpu.idle linux.resources.pids.limit
linux.resources.blockIO.weight linux.resources.blockIO.leafWeight linux.resources.blockIO.weightDevice
linux.resources.blockIO.throttleReadBpsDevice linux.resources.blockIO.throttleWriteBpsDevice
linux.resources.blockIO.throttleReadIOPSDevice linux.resources.blockIO.throttleWriteIOPSDevice
linux.resources.hugepageLimits[].pageSize linux.resources.hugepageLimits[].limit
linux.resources.network.classID linux.resources.network.priorities linux.resources.rdma linux.resources.unified
linux.cgroupsPath linux.rootfsPropagation linux.sysctl linux.maskedPaths linux.readonlyPaths linux.mountLabel
linux.seccomp.defaultAction linux.seccomp.defaultErrnoRet linux.seccomp.architectures linux.seccomp.flags
linux.seccomp.listenerPath linux.seccomp.listenerMetadata linux.seccomp.syscalls[].names
linux.seccomp.syscalls[].action linux.seccomp.syscalls[].errnoRet linux.seccomp.syscalls[].args[].index
linux.seccomp.syscalls[].args[].value linux.seccomp.syscalls[].args[].valueTwo linux.seccomp.syscalls[].args[].op
linux.intelRdt.closID linux.intelRdt.schemata linux.intelRdt.l3CacheSchema linux.intelRdt.memBwSchema
linux.intelRdt.enableMonitoring linux.intelRdt.enableCMT linux.intelRdt.enableMBM
linux.personality.domain linux.personality.flags linux.memoryPolicy.mode linux.memoryPolicy.nodes
linux.memoryPolicy.flags linux.netDevices'

# Fields the one config above cannot carry together with the rest (a user namespace, a
# terminal, defaultErrnoRet with an allow-all default, SCHED_DEADLINE), or whose answer is a
# warning (memory.kernel, issue 14): the bats file that checks each.
ELSEWHERE='process.consoleSize.height tests/lifecycle/terminal.bats
process.consoleSize.width tests/lifecycle/terminal.bats
linux.uidMappings tests/isolation/namespaces.bats
linux.gidMappings tests/isolation/namespaces.bats
linux.namespaces[].path tests/isolation/namespaces.bats
linux.resources.memory.disableOOMKiller tests/cgroup/cgroup.bats
linux.resources.memory.kernel tests/cgroup/cgroup.bats
linux.seccomp.defaultErrnoRet tests/isolation/process.bats
linux.seccomp.listenerPath tests/isolation/seccomp_notify.bats
linux.seccomp.listenerMetadata tests/isolation/seccomp_notify.bats
mounts[].uidMappings tests/isolation/mount_options.bats
mounts[].gidMappings tests/isolation/mount_options.bats
process.scheduler.runtime tests/isolation/runtime_spec_13.bats
process.scheduler.deadline tests/isolation/runtime_spec_13.bats
process.scheduler.period tests/isolation/runtime_spec_13.bats'

@test "the two tests above cover every field of the runtime-spec 1.3.0 config schema" {
        local covered f missing=
        echo "$INSIDE" > "$TEST_DIR/inside.sh"
        covered=$(jq -r --arg script x --arg cg x --arg veth v --arg hooks /h --argjson maj 1 --argjson min 3 \
                "$FULL_CONFIG"' | paths | map(if type == "number" then "[]" else . end) | join(".") | gsub("\\.\\[\\]"; "[]")' \
                "$BUNDLE/config.json")
        covered+=$'\n'$(cut -f1 <<<"$ERRORS")
        for f in $SCHEMA_FIELDS; do
                grep -qxF -- "$f" <<<"$covered" && continue
                local file
                file=$(awk -v f="$f" '$1 == f { print $2 }' <<<"$ELSEWHERE")
                if [ -n "$file" ] && [ -f "$REPO/$file" ] && grep -q -- "${f##*[.\]]}" "$REPO/$file"; then
                        continue
                fi
                missing+=" $f"
        done
        [ -z "$missing" ] || { echo "not covered:$missing"; return 1; }
}
