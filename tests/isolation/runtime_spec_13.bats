#!/usr/bin/env bats
# runtime-spec 1.2/1.3 process and placement fields seen from inside, for the init and for exec:
# linux.memoryPolicy, linux.netDevices, process.scheduler, process.ioPriority,
# process.execCPUAffinity, linux.personality, linux.timeOffsets, and linux.intelRdt's error on a
# host without resctrl.  (The NUMA tests with two nodes run in the qemu guest: tests/vm.)

load ../helpers

setup() {
        common_setup
        # veth ends for the netDevices tests: "contain-t-" names, so a leftover shows as residue
        VETH=contain-t-$(printf '%04d' $(($$ % 10000)))
}

teardown() {
        ip link del "${VETH}a" 2>/dev/null || true
        ip link del "${VETH}b" 2>/dev/null || true
        [ -z "${NETNS:-}" ] || ip netns del "$NETNS" 2>/dev/null || true
        common_teardown
}

# Starts a container running sleep; its id in $ID.
start_sleeper() {
        set_args /bin/sleep 100
        ID=$(new_id)
        contain create --bundle "$BUNDLE" "$ID"
        contain start "$ID"
}

# The policy numa_maps shows for the first mapping of the process (the task's policy when the
# mapping has none of its own): "bind:0", "interleave:0", "default", ...
NUMA_POLICY='head -1 /proc/self/numa_maps | cut -d" " -f2'

@test "memoryPolicy MPOL_BIND is the policy of the init and of exec" {
        [ -e /proc/self/numa_maps ] || skip "kernel without NUMA"
        update_config '.linux.memoryPolicy = {"mode":"MPOL_BIND","nodes":"0"}'
        set_args /bin/sh -c "$NUMA_POLICY"
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = "bind:0" ]
        start_sleeper
        run contain exec "$ID" /bin/sh -c "$NUMA_POLICY"
        [ "$status" -eq 0 ]
        [ "$output" = "bind:0" ]
}

@test "memoryPolicy flags reach the kernel: MPOL_F_STATIC_NODES, MPOL_F_NUMA_BALANCING, MPOL_LOCAL" {
        [ -e /proc/self/numa_maps ] || skip "kernel without NUMA"
        set_args /bin/sh -c "$NUMA_POLICY"
        update_config '.linux.memoryPolicy = {"mode":"MPOL_INTERLEAVE","nodes":"0","flags":["MPOL_F_STATIC_NODES"]}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$output" = "interleave=static:0" ]
        update_config '.linux.memoryPolicy = {"mode":"MPOL_BIND","nodes":"0","flags":["MPOL_F_NUMA_BALANCING"]}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$output" = "bind=balancing:0" ]
        update_config '.linux.memoryPolicy = {"mode":"MPOL_LOCAL"}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$output" = "local" ]
}

@test "memoryPolicy naming a node the host does not have is an error naming the field" {
        [ -e /proc/self/numa_maps ] || skip "kernel without NUMA"
        [ ! -e /sys/devices/system/node/node7 ] || skip "this host has a node 7"
        update_config '.linux.memoryPolicy = {"mode":"MPOL_BIND","nodes":"0,7"}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.memoryPolicy.nodes: node 7 does not exist on this host"* ]]
}

@test "memoryPolicy: a bad mode, node list or flag is refused at parse time, naming the field" {
        try() {
                update_config ".linux.memoryPolicy = $1"
                run contain run -b "$BUNDLE" "$(new_id)"
                [ "$status" -ne 0 ]
                [[ "$output" == *"config.json: linux.memoryPolicy.$2"* ]] || { echo "$output"; return 1; }
        }
        try '{"mode":"BAD_MODE"}' 'mode: unknown memory policy mode "BAD_MODE"'
        try '{"mode":"MPOL_BIND","nodes":"0-x"}' 'nodes: "0-x" is not a node list'
        try '{"mode":"MPOL_BIND","nodes":"3-1"}' 'nodes: "3-1" is not a node list'
        try '{"mode":"MPOL_BIND"}' 'nodes: MPOL_BIND needs a node list'
        try '{"mode":"MPOL_LOCAL","nodes":"0"}' 'nodes: MPOL_LOCAL takes no nodes'
        try '{"mode":"MPOL_INTERLEAVE","nodes":"0","flags":["MPOL_F_NUMA_BALANCING"]}' \
                'flags[0]: MPOL_INTERLEAVE does not take MPOL_F_NUMA_BALANCING'
        try '{"mode":"MPOL_BIND","nodes":"0","flags":["MPOL_F_NOPE"]}' 'flags[0]: unknown memory policy flag "MPOL_F_NOPE"'
        try '{"mode":"MPOL_BIND","nodes":"0","flags":["MPOL_F_STATIC_NODES","MPOL_F_RELATIVE_NODES"]}' \
                'flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other'
}

@test "netDevices: a host veth end moves in renamed, with its IPv4 and IPv6 addresses, up" {
        ip link add "${VETH}a" type veth peer name "${VETH}b"
        ip addr add 10.213.7.2/24 dev "${VETH}a"
        ip -6 addr add fd00:213:7::2/64 dev "${VETH}a"
        update_config '.linux.netDevices = {"'"${VETH}a"'": {"name": "eth7"}}'
        set_args /bin/sh -c 'ip -o addr show dev eth7; ip -o link show dev eth7'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"eth7    inet 10.213.7.2/24 "* ]]
        [[ "$output" == *"eth7    inet6 fd00:213:7::2/64 "* ]]
        [[ "$output" == *"eth7@"*",UP"* ]]
        # the host no longer has it; with the container's namespace gone the kernel destroyed
        # the veth (a physical device would return to the initial namespace), as with runc;
        # the kernel tears a namespace down asynchronously, so give it a moment
        run ip link show "${VETH}a"
        [ "$status" -ne 0 ]
        for i in $(seq 100); do ip link show "${VETH}b" >/dev/null 2>&1 || break; sleep 0.1; done
        run ip link show "${VETH}b"
        [ "$status" -ne 0 ]
}

@test "netDevices keeps the host name when none is given" {
        ip link add "${VETH}a" type veth peer name "${VETH}b"
        update_config '.linux.netDevices = {"'"${VETH}a"'": {}}'
        set_args /bin/sh -c "ip -o link show dev ${VETH}a | cut -d: -f2"
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "$output" == " ${VETH}a@"* ]]
}

@test "netDevices: a missing interface, a bad name, or no network namespace is an error" {
        update_config '.linux.netDevices = {"nosuch0": {"name": "eth9"}}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *'linux.netDevices["nosuch0"]: no interface "nosuch0" in the runtime'* ]]
        [ -z "$(ls "$ROOT")" ]
        update_config '.linux.netDevices = {"nosuch0": {"name": "eth/9"}}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [[ "$output" == *'config.json: linux.netDevices["nosuch0"].name: "eth/9" is not an interface name'* ]]
        update_config '.linux.netDevices = {"nosuch0": {}} | .linux.namespaces |= map(select(.type != "network"))'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"config.json: linux.netDevices: moving devices needs a network namespace"* ]]
}

@test "netDevices into a network namespace given by path: the device stays there after delete" {
        NETNS=contain-t-ns$$
        ip netns add "$NETNS"
        ip link add "${VETH}a" type veth peer name "${VETH}b"
        update_config '.linux.netDevices = {"'"${VETH}a"'": {"name": "eth5"}}
                | .linux.namespaces |= map(if .type == "network" then .path = "/run/netns/'"$NETNS"'" else . end)'
        set_args /bin/sh -c 'ip -o link show dev eth5 >/dev/null && echo moved'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = moved ]
        ip netns exec "$NETNS" ip link show eth5
}

@test "execCPUAffinity: initial is what the process starts with, final what it execs with, init and exec" {
        [ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
        set_args /bin/sh -c 'grep Cpus_allowed_list /proc/self/status | cut -f2'
        update_config '.process.execCPUAffinity = {"initial":"1"}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = 1 ]
        update_config '.process.execCPUAffinity = {"initial":"0-1","final":"0"}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$output" = 0 ]
        start_sleeper
        run contain exec "$ID" /bin/sh -c 'grep Cpus_allowed_list /proc/self/status | cut -f2'
        [ "$status" -eq 0 ]
        [ "$output" = 0 ]
        run contain exec "$ID" /bin/sh -c 'grep Cpus_allowed_list /proc/1/status | cut -f2'
        [ "$output" = 0 ]
        update_config '.process.execCPUAffinity = {"final":"0-x"}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [[ "$output" == *'config.json: process.execCPUAffinity.final: "0-x" is not a CPU list'* ]]
}

@test "personality, scheduler and ioPriority reach exec'd processes too" {
        update_config '.linux.personality = {"domain":"LINUX32"}
                | .process.scheduler = {"policy":"SCHED_BATCH","nice":7}
                | .process.ioPriority = {"class":"IOPRIO_CLASS_IDLE","priority":0}'
        start_sleeper
        run contain exec "$ID" /bin/sh -c 'uname -m; cut -d" " -f19,41 /proc/self/stat; ionice'
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = i686 ]
        # nice 7, policy 3 (SCHED_BATCH)
        [ "${lines[1]}" = "7 3" ]
        [ "${lines[2]}" = "idle" ]
        # an exec --process file brings its own scheduler and I/O priority
        jq '.process | .args = ["/bin/sh","-c","cut -d\" \" -f19,41 /proc/self/stat; ionice"]
            | .scheduler = {"policy":"SCHED_OTHER","nice":3} | .ioPriority = {"class":"IOPRIO_CLASS_BE","priority":2}' \
                "$BUNDLE/config.json" > "$TEST_DIR/process.json"
        run contain exec --process "$TEST_DIR/process.json" "$ID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "3 0" ]
        [ "${lines[1]}" = "best-effort: prio 2" ]
}

@test "personality flags are an error naming the field (the spec defines none)" {
        update_config '.linux.personality = {"domain":"LINUX","flags":["ADDR_NO_RANDOMIZE"]}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *'linux.personality.flags'* ]]
}

@test "SCHED_DEADLINE runtime/deadline/period reach sched_setattr" {
        update_config '.process.scheduler = {"policy":"SCHED_DEADLINE","runtime":10000000,"deadline":30000000,"period":30000000}'
        # a deadline task cannot fork: the process reads its own sched file
        set_args /bin/cat /proc/self/sched
        run contain run -b "$BUNDLE" "$(new_id)"
        if [[ "$output" == *"sched_setattr policy SCHED_DEADLINE: "* ]]; then
                skip "SCHED_DEADLINE refused here: $output"
        fi
        [ "$status" -eq 0 ]
        [[ "$(echo "$output" | grep '^policy' | tr -s ' ')" == "policy : 6" ]]
        # what is left of this period's runtime: at most the configured 10 ms
        local left
        left=$(echo "$output" | grep '^dl.runtime' | tr -s ' ' | cut -d' ' -f3)
        [ "$left" -gt 0 ] && [ "$left" -le 10000000 ]
}

@test "timeOffsets are what the container's clocks show, init and exec" {
        update_config '.linux.namespaces += [{"type":"time"}]
                | .linux.timeOffsets = {"boottime":{"secs":31536000,"nanosecs":0},"monotonic":{"secs":86400,"nanosecs":0}}'
        start_sleeper
        run contain exec "$ID" /bin/sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
        [ "$status" -eq 0 ]
        [ "$(echo "${lines[0]}" | tr -s ' ')" = "monotonic 86400 0" ]
        [ "$(echo "${lines[1]}" | tr -s ' ')" = "boottime 31536000 0" ]
        [ "${lines[2]}" -ge 31536000 ]
}

@test "intelRdt on a host without resctrl is an error naming the field" {
        [ ! -d /sys/fs/resctrl/info ] || skip "this host has resctrl"
        update_config '.linux.intelRdt = {"closID":"c1","l3CacheSchema":"L3:0=f"}'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.intelRdt: no resctrl filesystem at /sys/fs/resctrl"* ]]
        [ -z "$(ls "$ROOT")" ]
}
