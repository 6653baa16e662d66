#!/usr/bin/env bats
# Many runtimes at once on one --root and one parent cgroup ("contain" below ours): no create
# fails because of another container's delete, and concurrent deletes and kills of one id
# end with it gone and nothing left.

load faults

setup() { faults_setup; }
teardown() {
        common_teardown
        local d
        if [ -n "${PARENT:-}" ]; then
                for d in $(cg_leaf_dirs "x"); do
                        d=${d%/contain/x}/$PARENT
                        [ -d "$d" ] && rmdir "$d"
                done
        fi
        return 0
}

# Runs "$@" in the background for each id in IDS, then checks every one exited 0.
all_succeed() {
        local pids=() id i=0 bad=0
        for id in "${IDS[@]}"; do
                "$@" "$id" > "$TEST_DIR/out.$id" 2>&1 &
                pids+=($!)
        done
        for id in "${IDS[@]}"; do
                if ! wait "${pids[$i]}"; then
                        echo "$* $id: $(cat "$TEST_DIR/out.$id")"
                        bad=1
                fi
                i=$((i + 1))
        done
        return $bad
}

# The --root is empty and none of IDS left anything.
no_residue() {
        local id out
        [ -z "$(ls "$ROOT")" ]
        for id in "${IDS[@]}"; do
                out=$(residue "$id")
                [ -z "$out" ] || { echo "$out"; false; }
        done
}

create_one() { "$CONTAIN" --root "$ROOT" create --bundle "$BUNDLE" "$1"; }
delete_one() { "$CONTAIN" --root "$ROOT" delete --force "$1"; }
create_then_delete() { create_one "$1" && delete_one "$1"; }

@test "100 concurrent creates, then 100 concurrent deletes" {
        IDS=()
        for i in $(seq 100); do IDS+=("c$i-$$"); done
        all_succeed create_one
        [ "$(contain list -q | wc -l)" -eq 100 ]
        for id in "${IDS[@]}"; do [ "$(state_field "$id" status)" = created ]; done
        all_succeed delete_one
        no_residue
}

# A bundle per id sharing the rootfs, with linux.cgroupsPath $1/<id> (relative: below ours).
bundle_in_parent() {
        local id=$2
        mkdir -p "$TEST_DIR/b-$id"
        jq --arg root "$BUNDLE/rootfs" --arg cg "$1/$id" '.root.path = $root | .linux.cgroupsPath = $cg' \
                "$BUNDLE/config.json" > "$TEST_DIR/b-$id/config.json"
}
create_in_parent() { "$CONTAIN" --root "$ROOT" create --bundle "$TEST_DIR/b-$1" "$1" && delete_one "$1"; }
# One racer: creates and deletes its containers one after the other ($1: racer id).
racer() {
        local i
        for i in $(seq 25); do
                create_in_parent "$1-$i" || return 1
        done
}

@test "creates racing deletes of other containers on the shared parent cgroup all succeed" {
        # racers create and delete containers below one parent, so it is emptied and removed
        # (by the delete of whoever made it) again and again while others create below it; the
        # default parent "contain" is shared with every container of the machine and seldom
        # empty, so the test uses a parent of its own
        PARENT=faults-$$
        IDS=()
        for r in $(seq 3); do
                IDS+=("r$r-$$")
                for i in $(seq 25); do bundle_in_parent "$PARENT" "r$r-$$-$i"; done
        done
        all_succeed racer
        # and the default parent, with other containers' deletes
        IDS=()
        for i in $(seq 30); do IDS+=("d$i-$$"); done
        all_succeed create_then_delete
        no_residue
}

@test "20 concurrent delete --force and kill of one running container" {
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        ns=$(init_pidns "$id")
        pids=()
        for i in $(seq 20); do
                "$CONTAIN" --root "$ROOT" delete --force "$id" > "$TEST_DIR/del.$i" 2>&1 & pids+=($!)
                "$CONTAIN" --root "$ROOT" kill "$id" KILL > "$TEST_DIR/kill.$i" 2>&1 &
        done
        for p in "${pids[@]}"; do
                wait "$p" || { cat "$TEST_DIR"/del.*; false; }
        done
        wait
        # a kill either signalled it or says clearly why not
        for i in $(seq 20); do
                [ ! -s "$TEST_DIR/kill.$i" ] || grep -Eq 'does not exist|not running' "$TEST_DIR/kill.$i" ||
                        { cat "$TEST_DIR/kill.$i"; false; }
        done
        out=$(residue "$id" "$ns")
        [ -z "$out" ] || { echo "$out"; false; }
}
