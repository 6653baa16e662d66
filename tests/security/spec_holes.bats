#!/usr/bin/env bats
# Holes a config can open (issue 11, part 4), each tried as an attacker would:
# linux.resources.unified writing the cgroup's core files (a host pid into cgroup.procs),
# capabilities widening on their own (the CVE-2022-29162 class), and NUL bytes that cut a
# string short ("co\u0000evil" read as "co").  Where Debian's runc is installed, the
# capability sets are compared with what runc gives in the same bundle.

load ../helpers

setup() {
        common_setup
        HOST_PID=
}

teardown() {
        if [ -n "${RUNC_ROOT:-}" ]; then
                local id
                for id in $(runc --root "$RUNC_ROOT" list -q 2>/dev/null); do
                        runc --root "$RUNC_ROOT" delete -f "$id" >/dev/null 2>&1
                done
        fi
        [ -n "$HOST_PID" ] && kill "$HOST_PID" 2>/dev/null
        common_teardown
}

# A host process that a hostile config would like to capture: $HOST_PID, its cgroups in
# $HOST_CGROUPS.
start_host_process() {
        sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
        HOST_PID=$!
        HOST_CGROUPS=$(cat /proc/$HOST_PID/cgroup)
}

# The host process is alive and in exactly the cgroups it started in.
host_process_untouched() {
        kill -0 "$HOST_PID" || { echo "host process $HOST_PID was killed"; return 1; }
        local now
        now=$(cat /proc/$HOST_PID/cgroup)
        [ "$now" = "$HOST_CGROUPS" ] || { echo "host process moved: $HOST_CGROUPS -> $now"; return 1; }
}

# The /proc/self/status capability lines the process of the bundle prints, by contain or runc.
caps_of() {
        grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' <<<"$1"
}

# create ID with its output in a file: a create that wrongly succeeds leaves an init holding
# its stdout, which would hang bats' `run`.
try_create() {
        local rc=0
        contain create -b "$BUNDLE" "$1" >"$TEST_DIR/create.out" 2>&1 </dev/null || rc=$?
        cat "$TEST_DIR/create.out"
        return $rc
}

# update_refused ID DOC WANT: `update -r` with the resources document DOC fails with WANT.
update_refused() {
        printf '%s\n' "$2" > "$TEST_DIR/res.json"
        run contain update -r "$TEST_DIR/res.json" "$1"
        [ "$status" -ne 0 ] && [[ "$output" == *"$3"* ]] || { echo "update $2: $status $output"; return 1; }
}

have_runc() {
        command -v runc >/dev/null && RUNC_ROOT=$TEST_DIR/runc
}

# Runs the bundle with contain: its capability lines in $mine.
contain_caps() {
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ] || { echo "$output"; return 1; }
        mine=$(caps_of "$output")
        echo "contain: $mine"
}

# When have_runc found runc: runc gives the same sets in the same bundle.
same_as_runc() {
        [ -n "${RUNC_ROOT:-}" ] || return 0
        run runc --root "$RUNC_ROOT" run -b "$BUNDLE" "$(new_id runc)" </dev/null
        [ "$status" -eq 0 ] || { echo "$output"; return 1; }
        echo "runc: $(caps_of "$output")"
        [ "$mine" = "$(caps_of "$output")" ]
}

@test "unified cgroup.procs with a host pid: create refused naming the key; the host process stays put and survives delete --force" {
        start_host_process
        update_config ".process.args = [\"sleep\", \"100\"] | .linux.resources.unified = {\"cgroup.procs\": \"$HOST_PID\"}"
        id=$(new_id)
        run try_create "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *'linux.resources.unified["cgroup.procs"]: a core interface file of the cgroup'* ]]
        host_process_untouched
        contain delete --force "$id" >/dev/null 2>&1 || true
        sleep 0.2
        host_process_untouched
        run contain state "$id"
        [ "$status" -ne 0 ]
}

@test "unified: every cgroup core file and path-like key is refused by check-config, create and update -r" {
        for key in cgroup.procs cgroup.threads cgroup.subtree_control cgroup.kill cgroup.freeze cgroup.type \
                   ../cgroup.procs memory/../../cgroup.procs .. memory; do
                update_config ".linux.resources.unified = {\"$key\": \"1\"}"
                run "$CONTAIN" check-config --bundle "$BUNDLE"
                [ "$status" -eq 1 ]
                [[ "$output" == *"linux.resources.unified[\"$key\"]: "* ]] || { echo "$key: $output"; return 1; }
        done

        # a running container: update --resources may not move a host process in either
        start_host_process
        update_config '.process.args = ["sleep", "100"] | del(.linux.resources.unified)'
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id" </dev/null
        update_refused "$id" "{\"unified\": {\"cgroup.procs\": \"$HOST_PID\"}}" \
                'unified["cgroup.procs"]: a core interface file of the cgroup'
        update_refused "$id" '{"unified": {"../../cgroup.procs": "1"}}' \
                'unified["../../cgroup.procs"]: not a file of the container'
        host_process_untouched
        contain delete --force "$id"
        sleep 0.2
        host_process_untouched
}

@test "unified: the cgroup.max.* limits and controller files are still written" {
        update_config '.process.args = ["sleep", "100"] | .linux.resources.unified = {"cgroup.max.depth": "3", "cgroup.max.descendants": "7"}'
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id" </dev/null
        pid=$(state_field "$id" pid)
        rel=$(awk -F: '$1 == "0" {print $3}' /proc/$pid/cgroup)
        dir=/sys/fs/cgroup$rel
        [ -d /sys/fs/cgroup/unified ] && dir=/sys/fs/cgroup/unified$rel
        [ "$(cat "$dir/cgroup.max.depth")" = 3 ]
        [ "$(cat "$dir/cgroup.max.descendants")" = 7 ]
}

@test "capabilities: runc spec's default config gives CapInh = CapAmb = 0, as runc does (CVE-2022-29162 class)" {
        if have_runc; then
                rm "$BUNDLE/config.json"
                runc spec --bundle "$BUNDLE"
        else
                rm "$BUNDLE/config.json"
                contain spec --bundle "$BUNDLE"
        fi
        update_config '.process.terminal = false | .process.args = ["cat", "/proc/self/status"]'
        contain_caps
        [[ "$mine" == *"CapInh:	0000000000000000"* ]]
        [[ "$mine" == *"CapPrm:	0000000020000420"* ]]
        [[ "$mine" == *"CapEff:	0000000020000420"* ]]
        [[ "$mine" == *"CapBnd:	0000000020000420"* ]]
        [[ "$mine" == *"CapAmb:	0000000000000000"* ]]
        same_as_runc
}

@test "capabilities: explicit ambient caps are raised only where also inheritable, for root and non-root, as runc" {
        chmod 755 "$BUNDLE/rootfs"
        update_config '.process.args = ["cat", "/proc/self/status"] | .process.capabilities = {
                "bounding": ["CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"], "effective": ["CAP_KILL", "CAP_CHOWN"],
                "permitted": ["CAP_KILL", "CAP_CHOWN"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL", "CAP_CHOWN"]}'
        have_runc || true
        for user in '{"uid":0,"gid":0}' '{"uid":1000,"gid":1000}'; do
                update_config ".process.user = $user"
                echo "user $user"
                contain_caps
                [[ "$mine" == *"CapInh:	0000000000000020"* ]]
                [[ "$mine" == *"CapBnd:	0000000000002021"* ]]
                [[ "$mine" == *"CapAmb:	0000000000000020"* ]]
                if [ "$user" = '{"uid":0,"gid":0}' ]; then
                        [[ "$mine" == *"CapPrm:	0000000000000021"* ]]
                        [[ "$mine" == *"CapEff:	0000000000000021"* ]]
                else
                        # across execve a non-root process keeps its ambient caps only
                        [[ "$mine" == *"CapPrm:	0000000000000020"* ]]
                        [[ "$mine" == *"CapEff:	0000000000000020"* ]]
                fi
                same_as_runc
        done
}

@test "capabilities: a non-root process gains nothing from a file's inheritable caps (CVE-2022-29162)" {
        # the attack: a binary in the image with file-inheritable caps, run by a non-root user
        # without no_new_privs, gets (process inheritable & file inheritable) as permitted
        mkdir "$BUNDLE/rootfs/capdir"
        cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/capdir/busybox"
        python3 -c '
import os, struct, sys
# VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE; permitted 0; inheritable KILL, NET_BIND_SERVICE
os.setxattr(sys.argv[1], "security.capability", struct.pack("<IIIII", 0x02000001, 0, (1 << 5) | (1 << 10), 0, 0))
' "$BUNDLE/rootfs/capdir/busybox" || skip "cannot set file capabilities here"
        chmod 755 "$BUNDLE/rootfs"
        contain spec --bundle "$TEST_DIR" && caps=$(jq -c .process.capabilities "$TEST_DIR/config.json")
        update_config ".process.capabilities = $caps | .process.noNewPrivileges = false | .process.user = {\"uid\":1000,\"gid\":1000}
                | .process.args = [\"/capdir/busybox\", \"grep\", \"^Cap\", \"/proc/self/status\"]"
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"CapInh:	0000000000000000"* ]]
        [[ "$output" == *"CapPrm:	0000000000000000"* ]]
        [[ "$output" == *"CapEff:	0000000000000000"* ]]
        [[ "$output" == *"CapAmb:	0000000000000000"* ]]
}

@test "capabilities: exec --cap CAP_NET_RAW adds it to bounding, effective and permitted only" {
        update_config '.process.args = ["sleep", "100"]'
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id" </dev/null
        run contain exec --cap CAP_NET_RAW "$id" cat /proc/self/status
        [ "$status" -eq 0 ]
        mine=$(caps_of "$output")
        echo "$mine"
        # config: AUDIT_WRITE, KILL, NET_BIND_SERVICE; NET_RAW is bit 13
        [[ "$mine" == *"CapInh:	0000000000000000"* ]]
        [[ "$mine" == *"CapPrm:	0000000020002420"* ]]
        [[ "$mine" == *"CapEff:	0000000020002420"* ]]
        [[ "$mine" == *"CapBnd:	0000000020002420"* ]]
        [[ "$mine" == *"CapAmb:	0000000000000000"* ]]
        # the container's own process is unchanged
        run contain exec "$id" cat /proc/self/status
        [[ "$(caps_of "$output")" == *"CapBnd:	0000000020000420"* ]]
}

@test "NUL bytes: hostname, env, cwd, mount destination and annotation holding \\u0000 are refused by create, naming the field" {
        declare -A cases=(
                ['.hostname = "co\u0000evil"']='hostname: must not contain a NUL byte'
                ['.process.env += ["X=a\u0000LD_PRELOAD=/evil"]']='process.env[2]: must not contain a NUL byte'
                ['.process.cwd = "/tmp\u0000/../etc"']='process.cwd: must not contain a NUL byte'
                ['.mounts[0].destination = "/proc\u0000/../etc"']='mounts[0].destination: must not contain a NUL byte'
                ['.annotations = {"org.example": "ok\u0000evil"}']='annotations["org.example"]: must not contain a NUL byte'
                ['.linux.sysctl = {"net.ipv4.ip_forward": "0\u00001"}']='linux.sysctl["net.ipv4.ip_forward"]: must not contain a NUL byte'
        )
        cp "$BUNDLE/config.json" "$TEST_DIR/orig.json"
        for filter in "${!cases[@]}"; do
                jq "$filter" "$TEST_DIR/orig.json" > "$BUNDLE/config.json"
                grep -q 'u0000' "$BUNDLE/config.json"
                id=$(new_id)
                run try_create "$id"
                [ "$status" -ne 0 ] || { echo "$filter: accepted"; return 1; }
                [[ "$output" == *"config.json: ${cases[$filter]}"* ]] || { echo "$filter: $output"; return 1; }
                run contain state "$id"
                [ "$status" -ne 0 ]
        done
}

@test "NUL bytes: exec --process and update --resources refuse \\u0000, naming the field" {
        update_config '.process.args = ["sleep", "100"]'
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id" </dev/null
        echo '{"args": ["cat", "/etc/host\u0000name"], "cwd": "/"}' > "$TEST_DIR/proc.json"
        run contain exec --process "$TEST_DIR/proc.json" "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"args[1]: must not contain a NUL byte"* ]]
        update_refused "$id" '{"unified": {"pids.max": "10\u000099"}}' \
                'unified["pids.max"]: must not contain a NUL byte'
}
