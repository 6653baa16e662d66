#!/usr/bin/env bats
# Configs shaped like Docker's and podman's, end to end on this hybrid host: the zeros and -1s
# they write for "not set" start the container and leave the cgroup files at the parent's
# values, a device's fileMode given as a whole st_mode (8630 = S_IFCHR|0666) makes a 0666
# node, and Docker's update document changes nothing it does not set.

load ../helpers
load v1

setup() {
        common_setup
        [ -d /sys/fs/cgroup/cpu ] && [ -d /sys/fs/cgroup/pids ] || skip "not a hybrid/v1 host"
        ID=$(new_id cv)
}
teardown() { common_teardown; }

# docker_shaped: linux.resources and a device as Docker 20.10 / podman write them with no
# limit asked for (moby's oci_linux.go fills every field with Go's zero value).
docker_shaped() {
        update_config '.ociVersion = "1.0.2-dev" |
                .linux.resources.memory = {"disableOOMKiller": false, "swappiness": "UINT64_MAX"} |
                .linux.resources.cpu = {"shares": 0, "quota": 0, "period": 0, "realtimeRuntime": 0, "realtimePeriod": 0, "cpus": "", "mems": ""} |
                .linux.resources.blockIO = {"weight": 0} |
                .linux.resources.pids = {"limit": -1} |
                .linux.resources.network = {"classID": 0} |
                .linux.devices += [{"path": "/dev/xnull", "type": "c", "major": 1, "minor": 3, "fileMode": 8630, "uid": 0, "gid": 0}] |
                .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
        # jq would round 2^64-1 to a float: Docker's -1 swappiness goes in as text
        sed -i 's/"UINT64_MAX"/18446744073709551615/' "$BUNDLE/config.json"
}

@test "a Docker-shaped config (zeros for not set, fileMode 8630) runs and writes no limit" {
        set_args sh -c 'stat -c "%F %a %t,%T" /dev/xnull; echo x >/dev/xnull && echo written; echo ready; sleep 100'
        docker_shaped   # last: jq would round the swappiness it writes
        contain run -d --bundle "$BUNDLE" "$ID" >"$TEST_DIR/out" 2>&1 </dev/null || { cat "$TEST_DIR/out"; return 1; }
        wait_for_output "$TEST_DIR/out" ready
        grep -qx "character special file 666 1,3" "$TEST_DIR/out"
        grep -qx written "$TEST_DIR/out"
        pid=$(state_field "$ID" pid)
        cpu=$(v1dir cpu "$pid")
        # every file holds what a fresh cgroup holds: nothing was written
        [ "$(cat "$cpu/cpu.shares")" = 1024 ]
        [ "$(cat "$cpu/cpu.cfs_quota_us")" = -1 ]
        [ "$(cat "$cpu/cpu.cfs_period_us")" = "$(cat "$cpu/../cpu.cfs_period_us")" ]
        [ "$(cat "$(v1dir pids "$pid")/pids.max")" = max ]
        cpuset=$(v1dir cpuset "$pid")
        [ -n "$(cat "$cpuset/cpuset.cpus")" ]
        [ "$(cat "$cpuset/cpuset.cpus")" = "$(cat "$cpuset/../cpuset.cpus")" ]
        memory=$(v1dir memory "$pid")
        [ "$(cat "$memory/memory.swappiness")" = "$(cat "$memory/../memory.swappiness")" ]
        blkio=$(v1dir blkio "$pid")
        if [ -f "$blkio/blkio.weight" ]; then
                [ "$(cat "$blkio/blkio.weight")" = "$(cat "$blkio/../blkio.weight")" ]
        fi
}

@test "Docker's update document (zeros, pids -1) changes only what it sets" {
        set_args sleep 100
        update_config '.linux.resources.cpu = {"quota": 50000, "period": 100000, "shares": 512} |
                       .linux.resources.pids = {"limit": 16}'
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        cpu=$(v1dir cpu "$pid")
        # moby's toContainerdResources: cpu period/quota always, 0 when not given
        echo '{"blockIO": {"weight": 0}, "cpu": {"shares": 0, "period": 0, "quota": 0}, "memory": {}, "pids": {"limit": -1}}' >"$TEST_DIR/res.json"
        contain update -r "$TEST_DIR/res.json" "$ID"
        [ "$(cat "$cpu/cpu.shares")" = 512 ]
        [ "$(cat "$cpu/cpu.cfs_quota_us")" = 50000 ]
        [ "$(cat "$cpu/cpu.cfs_period_us")" = 100000 ]
        [ "$(cat "$(v1dir pids "$pid")/pids.max")" = max ]
        # runc's flags: 0 leaves the value, as in the document
        contain update --cpu-share 0 --cpu-period 0 --blkio-weight 0 --pids-limit 8 "$ID"
        [ "$(cat "$cpu/cpu.shares")" = 512 ]
        [ "$(cat "$cpu/cpu.cfs_period_us")" = 100000 ]
        [ "$(cat "$(v1dir pids "$pid")/pids.max")" = 8 ]
        run contain update --blkio-weight 5 "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"--blkio-weight: expected 10..1000"* ]]
}

@test "pids.limit 0 follows ociVersion: unlimited in 1.2.0, a limit of 0 tasks in 1.3.0" {
        set_args sleep 100
        update_config '.ociVersion = "1.2.0" | .linux.resources.pids = {"limit": 0}'
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        [ "$(cat "$(v1dir pids "$(state_field "$ID" pid)")/pids.max")" = max ]
        contain delete --force "$ID"
        update_config '.ociVersion = "1.3.0"'
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        [ "$(cat "$(v1dir pids "$(state_field "$ID" pid)")/pids.max")" = 0 ]
}

@test "a device whose fileMode names another type is refused before anything starts" {
        update_config '.linux.devices += [{"path": "/dev/xnull", "type": "c", "major": 1, "minor": 3, "fileMode": 25014}]'
        run contain run --bundle "$BUNDLE" "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *'linux.devices[0].fileMode: 25014 (060666)'* ]]
        [ -z "$(ls "$ROOT")" ]
}
