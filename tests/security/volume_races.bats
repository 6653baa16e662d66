#!/usr/bin/env bats
# A volume shared with another container is a directory someone else writes while contain
# sets a container up: what contain does after a mount or a mknod in it must land on what it
# made, never on what a swapped name leads to by then (review34).  Each test runs the attacker
# (volume_swap.c) in one container and the victim many times beside it; the victim may fail,
# but the host must stay as it was.

load ../helpers

setup_file() {
        export SWAP=$BATS_FILE_TMPDIR/volume_swap
        cc -static -O2 -Wall -Werror -o "$SWAP" "$BATS_TEST_DIRNAME/volume_swap.c"
}

setup() {
        common_setup
        cp "$SWAP" "$BUNDLE/rootfs/volume_swap"
        SHARED=$TEST_DIR/shared
        mkdir "$SHARED"
        VICTIM=$TEST_DIR/victim
        mkdir "$VICTIM"
        ln -s "$BUNDLE/rootfs" "$VICTIM/rootfs"
}

teardown() {
        touch "$SHARED/stop" 2>/dev/null || true
        common_teardown
}

# Starts the attacker: volume_swap "$@" in a container with the volume at /shared.
start_attacker() {
        update_config 'del(.linux.resources) | .mounts += [{"destination": "/shared", "type": "bind",
                "source": "'"$SHARED"'", "options": ["rbind", "rw"]}]'
        set_args /volume_swap "$@"
        contain run -d -b "$BUNDLE" "$(new_id attacker)" < /dev/null
}

stop_attacker() {
        touch "$SHARED/stop"
        contain delete --force "$(new_id attacker)"
}

@test "an ro bind under a volume stays ro while another container swaps the destination for a symlink" {
        local i
        mkdir "$SHARED/x" "$TEST_DIR/secret"
        ln -s . "$SHARED/y"
        jq '.process.args = ["/bin/sh", "-c", "touch /shared/x/pwn /shared/y/pwn 2>/dev/null; true"]
                | del(.linux.resources)
                | .mounts += [{"destination": "/shared", "type": "bind", "source": "'"$SHARED"'", "options": ["rbind", "rw"]},
                              {"destination": "/shared/x", "type": "bind", "source": "'"$TEST_DIR/secret"'", "options": ["bind", "ro"]}]' \
                "$BUNDLE/config.json" > "$VICTIM/config.json"
        # control, before the attacker: the victim runs, writes the volume, and the bind is ro
        jq '.process.args = ["/bin/sh", "-c", "touch /shared/ok && ! touch /shared/x/pwn 2>/dev/null"]' \
                "$VICTIM/config.json" > "$TEST_DIR/control.json"
        cp "$VICTIM/config.json" "$TEST_DIR/victim.json"
        cp "$TEST_DIR/control.json" "$VICTIM/config.json"
        contain run -b "$VICTIM" "$(new_id control)" < /dev/null
        [ -e "$SHARED/ok" ] && [ ! -e "$TEST_DIR/secret/pwn" ]
        cp "$TEST_DIR/victim.json" "$VICTIM/config.json"
        start_attacker exchange /shared
        for i in $(seq 1 150); do
                contain run -b "$VICTIM" "$(new_id "v$i")" < /dev/null > /dev/null 2>&1 || true
                [ ! -e "$TEST_DIR/secret/pwn" ] || { echo "the ro bind was writable at run $i"; break; }
        done
        stop_attacker
        [ ! -e "$TEST_DIR/secret/pwn" ]
}

@test "linux.devices under a volume: a node swapped for a symlink to a host file never changes the file's mode" {
        local i
        echo secret > "$TEST_DIR/hostfile"
        chmod 600 "$TEST_DIR/hostfile"
        jq '.process.args = ["/bin/true"] | del(.linux.resources)
                | .mounts += [{"destination": "/shared", "type": "bind", "source": "'"$SHARED"'", "options": ["rbind", "rw"]}]
                | .linux.devices = [{"path": "/shared/mydev", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]' \
                "$BUNDLE/config.json" > "$VICTIM/config.json"
        # control, before the attacker: the node is made with its mode
        contain run -b "$VICTIM" "$(new_id control)" < /dev/null
        [ "$(stat -c %F:%a "$SHARED/mydev")" = "character special file:666" ]
        start_attacker symlink /shared "$TEST_DIR/hostfile"
        for i in $(seq 1 150); do
                contain run -b "$VICTIM" "$(new_id "v$i")" < /dev/null > /dev/null 2>&1 || true
                [ "$(stat -c %a "$TEST_DIR/hostfile")" = 600 ] || { echo "the host file's mode changed at run $i"; break; }
        done
        stop_attacker
        [ "$(stat -c %a "$TEST_DIR/hostfile")" = 600 ]
        [ "$(cat "$TEST_DIR/hostfile")" = secret ]
}
