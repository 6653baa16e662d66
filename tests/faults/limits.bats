#!/usr/bin/env bats
# Input and file systems at their limits: whatever create accepts, state, list and delete read
# back; a full or read-only --root gives a clear error or a correct status, never residue.

load faults

setup() { faults_setup; }
teardown() {
        [ -n "${SMALL:-}" ] && mountpoint -q "$SMALL" && umount -l "$SMALL"
        common_teardown
}

# create, then state/list/delete must work, and nothing stays.
created_and_removable() {
        local id=$1
        contain create --bundle "$BUNDLE" "$id"
        [ "$(state_field "$id" status)" = created ]
        contain list --format json | jq -e --arg id "$id" 'map(.id) | index($id) != null'
        contain delete --force "$id"
        out=$(residue "$id")
        [ -z "$out" ] || { echo "$out"; false; }
}

@test "a 1.1 MB annotation: state, list and delete read what create accepted" {
        head -c 1100000 /dev/zero | tr '\0' a > "$TEST_DIR/big"
        jq --rawfile v "$TEST_DIR/big" '.annotations = {"big": $v}' "$BUNDLE/config.json" > "$TEST_DIR/c.json"
        mv "$TEST_DIR/c.json" "$BUNDLE/config.json"
        id=$(new_id)
        created_and_removable "$id"
}

@test "100,000 annotations: state, list and delete read what create accepted" {
        jq '.annotations = ([range(100000) | {key: "key.\(.)", value: "v"}] | from_entries)' \
                "$BUNDLE/config.json" > "$TEST_DIR/c.json"
        mv "$TEST_DIR/c.json" "$BUNDLE/config.json"
        id=$(new_id)
        created_and_removable "$id"
        [ "$(contain list -q | wc -l)" -eq 0 ]
}

# A --root on a tmpfs of its own: $1 are the mount options.
small_root() {
        SMALL=$TEST_DIR/small
        mkdir -p "$SMALL"
        mount -t tmpfs -o "$1" tmpfs "$SMALL"
        ROOT=$SMALL/root
}

# create on the exhausted $ROOT: a clear error, and delete --force leaves nothing.
create_fails_no_space() {
        local id out
        id=$(new_id)
        run contain create --bundle "$BUNDLE" "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"No space left on device"* ]]
        contain delete --force "$id"
        out=$(residue "$id")
        [ -z "$out" ] || { echo "$out"; false; }
}

@test "create on a full --root fails clearly and leaves nothing" {
        small_root size=256k
        mkdir -p "$ROOT"
        dd if=/dev/zero of="$SMALL/fill" bs=4k count=1000 2>/dev/null || true
        create_fails_no_space
}

@test "create on a --root without free inodes fails clearly and leaves nothing" {
        small_root nr_inodes=8
        mkdir -p "$ROOT"
        i=0
        while touch "$SMALL/f$i" 2>/dev/null; do i=$((i + 1)); done
        create_fails_no_space
}

# create_fails_clean ID MESSAGE STRACE_ARGS...: create under strace's fault injection fails
# saying MESSAGE and leaves nothing
create_fails_clean() {
        local id=$1 msg=$2
        shift 2
        run traced -o /dev/null "$@" "$CONTAIN" --root "$ROOT" create --bundle "$BUNDLE" "$id"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"$msg"* ]]
        out=$(residue "$id")
        [ -z "$out" ] || { echo "$out"; false; }
}

@test "create whose state dir cannot be opened or locked leaves no state dir (review35 F8)" {
        mkdir -p "$ROOT"
        # the second open below --root is the state dir's (the first opens --root itself)
        id=$(new_id)
        create_fails_clean "$id" "open the state dir $ROOT/$id: Too many open files" \
                -P "$ROOT" -e trace=openat -e inject=openat:error=EMFILE:when=2
        id=$(new_id)
        create_fails_clean "$id" "lock the state of container \"$id\": No locks available" \
                -P "$ROOT/$id" -e trace=flock -e inject=flock:error=ENOLCK
        # the id is free again
        contain create --bundle "$BUNDLE" "$id"
        contain delete --force "$id"
}

@test "start with a read-only --root: the status follows the process, a plain delete refuses" {
        small_root size=16m
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        mount -o remount,ro "$SMALL"
        run contain start "$id"
        echo "$output"
        [ "$status" -eq 0 ]
        wait_for_status "$id" 5 running
        run contain delete "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"not stopped"* ]]
        [ "$(state_field "$id" status)" = running ]
        mount -o remount,rw "$SMALL"
        contain delete --force "$id"
        out=$(residue "$id")
        [ -z "$out" ] || { echo "$out"; false; }
}
