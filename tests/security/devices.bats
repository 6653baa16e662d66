#!/usr/bin/env bats
# Device access (issue 11, parts 3 and 4): a container reaches only the devices
# linux.resources.devices and the default nodes allow, whatever nodes it makes or its image
# ships; linux.devices creates nodes but allows nothing by itself (as runc).  On this hybrid
# host the v1 devices controller enforces it; tests/vm/guest.sh runs the same attacks against
# the cgroup v2 eBPF program.  The container gets CAP_MKNOD, so only the cgroup can refuse.

load ../helpers

setup() {
        common_setup
        ID=$(new_id)
        update_config '.process.capabilities.bounding += ["CAP_MKNOD"] |
                       .process.capabilities.effective += ["CAP_MKNOD"] |
                       .process.capabilities.permitted += ["CAP_MKNOD"]'
        # nodes an image might ship: the loop device and /dev/kmsg, made on the host
        mkdir -p "$BUNDLE/rootfs/shipped"
        mknod "$BUNDLE/rootfs/shipped/loop0" b 7 0
        mknod "$BUNDLE/rootfs/shipped/kmsg" c 1 11
        MARK="contain-devices-test-$$-$RANDOM"
}

teardown() { common_teardown; }

kernel_log_has() { dmesg 2>/dev/null | grep -q "$1"; }

@test "devices: mknod and open of denied block and char devices fail with EPERM (default config)" {
        [ -b /dev/loop0 ] || skip "the host has no /dev/loop0"
        set_args sh -c "mknod /tmp/l0 b 7 0; mknod /tmp/k c 1 11; head -c 1 /shipped/loop0 > /dev/null; echo $MARK > /shipped/kmsg; echo end"
        run contain run --bundle "$BUNDLE" "$ID"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"mknod: /tmp/l0: Operation not permitted"* ]]
        [[ "$output" == *"mknod: /tmp/k: Operation not permitted"* ]]
        [[ "$output" == *"/shipped/loop0: Operation not permitted"* ]]
        [[ "$output" == *"/shipped/kmsg: Operation not permitted"* ]]
        [[ "$output" == *end* ]]
        # the host is unchanged: nothing reached the kernel log
        ! kernel_log_has "$MARK"
}

@test "devices: an explicit allow rule opens exactly what it names" {
        [ -b /dev/loop0 ] || skip "the host has no /dev/loop0"
        update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"},
                {"allow": true, "type": "b", "major": 7, "minor": 0, "access": "r"},
                {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
        set_args sh -c "head -c 1 /shipped/loop0 > /dev/null && echo read-loop0; echo $MARK > /shipped/kmsg && echo wrote-kmsg; echo x > /shipped/loop0; head -c 1 /shipped/kmsg; mknod /tmp/l1 b 7 1; echo end"
        run contain run --bundle "$BUNDLE" "$ID"
        echo "$output"
        [[ "$output" == *read-loop0* ]]
        [[ "$output" == *wrote-kmsg* ]]
        kernel_log_has "$MARK"
        # what the rules do not name stays denied: write, read, mknod
        [ "$(grep -c 'Operation not permitted' <<<"$output")" = 3 ]
        [[ "$output" == *end* ]]
}

@test "devices: linux.devices /dev/kmsg under a deny-all rule is created but not usable (runc: EPERM)" {
        update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"}] |
                       .linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
        set_args sh -c "ls -l /dev/kmsg; echo $MARK > /dev/kmsg; head -c 1 /dev/kmsg; echo end"
        run contain run --bundle "$BUNDLE" "$ID"
        echo "$output"
        [[ "$output" == *"1,  11"*"/dev/kmsg"* ]]
        [ "$(grep -c '/dev/kmsg: Operation not permitted' <<<"$output")" = 2 ]
        [[ "$output" == *end* ]]
        ! kernel_log_has "$MARK"
}

@test "devices: on cgroup v1 a deny inside a wider allow is refused, never dropped (kmsg stays closed)" {
        [ -d /sys/fs/cgroup/devices ] || skip "no v1 devices hierarchy (the eBPF program takes any list)"
        update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"},
                {"allow": true, "type": "c", "access": "rwm"},
                {"allow": false, "type": "c", "major": 1, "minor": 11, "access": "rwm"}] |
                       .linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
        set_args sh -c "echo $MARK > /dev/kmsg; echo wrote"
        run contain run --bundle "$BUNDLE" "$ID"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.resources.devices[2]: cgroup v1 cannot deny part of what an earlier rule allows"* ]]
        [[ "$output" != *wrote* ]]
        ! kernel_log_has "$MARK"
        [ -z "$(ls -A "$ROOT")" ]
}

@test "devices: podman's shape (one deny-all rule, no linux.devices) keeps the default nodes usable" {
        update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"}] | del(.linux.devices)'
        # (set_args takes one line per argument)
        set_args sh -c 'for d in null zero full random urandom; do head -c 1 /dev/$d > /dev/null && echo "read $d"; done; echo x > /dev/null && echo "wrote null"; exec 3<>/dev/ptmx && echo "opened ptmx"; ls /dev/pts; (: < /dev/pts/0); (: < /dev/tty); echo end'
        run contain run --bundle "$BUNDLE" "$ID"
        echo "$output"
        for d in null zero full random urandom; do [[ "$output" == *"read $d"* ]]; done
        [[ "$output" == *"wrote null"* ]]
        [[ "$output" == *"opened ptmx"* ]]
        # pts/0 (locked) and tty (no controlling terminal) fail in their drivers, past the cgroup
        [[ "$output" != *"Operation not permitted"* ]]
        [[ "$output" == *end* ]]
}

@test "devices: update with new device rules takes effect in a running container" {
        [ -b /dev/loop0 ] || skip "the host has no /dev/loop0"
        set_args sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        run contain exec "$ID" head -c 1 /shipped/loop0
        [[ "$output" == *"Operation not permitted"* ]]

        echo '{"devices": [{"allow": false, "access": "rwm"},
                           {"allow": true, "type": "b", "major": 7, "minor": 0, "access": "r"}]}' > "$TEST_DIR/res.json"
        contain update -r "$TEST_DIR/res.json" "$ID"
        run contain exec "$ID" sh -c 'head -c 1 /shipped/loop0 > /dev/null && echo read-loop0'
        echo "$output"
        [[ "$output" == *read-loop0* ]]
        run contain exec "$ID" sh -c 'head -c 1 /dev/zero > /dev/null && echo read-zero'
        [[ "$output" == *read-zero* ]]

        echo '{"devices": [{"allow": false, "access": "rwm"}]}' > "$TEST_DIR/res.json"
        contain update -r "$TEST_DIR/res.json" "$ID"
        run contain exec "$ID" head -c 1 /shipped/loop0
        [[ "$output" == *"Operation not permitted"* ]]
        # an update without device rules leaves them as they are
        contain update --pids-limit 50 "$ID"
        run contain exec "$ID" head -c 1 /shipped/loop0
        [[ "$output" == *"Operation not permitted"* ]]
}
