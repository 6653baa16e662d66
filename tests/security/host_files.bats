#!/usr/bin/env bats
# The files the runtime writes and removes on the host must be its own: a --pid-file in a
# directory other users can write to is never written through a symlink they plant, and a
# --root that holds directories which are not containers' (bundles, say) keeps them.

load ../helpers

setup() {
        common_setup
        chmod 755 "$TEST_DIR"
        # a directory anybody may write to, not sticky (so fs.protected_symlinks does not
        # stop the runtime from following a planted link), and a root-only file to protect
        SHARED=$TEST_DIR/shared
        mkdir -m 0777 "$SHARED"
        VICTIM=$TEST_DIR/victim
        echo "root-only contents" > "$VICTIM"
        chmod 600 "$VICTIM"
}
teardown() { common_teardown; }

# as the user nobody: symlinks to the victim at every temporary name the old runtime would
# have used for PIDFILE (PIDFILE.tmp.<pid>, for the next 300 pids), and at PIDFILE itself
plant_links() {
        # one process (an ln per link would use up the very pids it aims at)
        setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c '
import os, sys
n = int(open("/proc/sys/kernel/ns_last_pid").read())
for i in range(n + 1, n + 301):
    os.symlink(sys.argv[2], "%s.tmp.%d" % (sys.argv[1], i))' "$1" "$VICTIM"
}

@test "--pid-file in a directory others can write: links planted at its temporary names are not followed" {
        set_args /bin/sleep 100
        id=$(new_id)
        plant_links "$SHARED/c.pid"
        contain create --bundle "$BUNDLE" --pid-file "$SHARED/c.pid" "$id"
        [ "$(cat "$VICTIM")" = "root-only contents" ]
        [ -f "$SHARED/c.pid" ] && [ ! -L "$SHARED/c.pid" ]
        [ "$(cat "$SHARED/c.pid")" = "$(state_field "$id" pid)" ]
        contain delete --force "$id"
}

@test "--pid-file that is a link another user planted is replaced, its target untouched" {
        set_args /bin/sleep 100
        id=$(new_id)
        setpriv --reuid=65534 --regid=65534 --clear-groups ln -s "$VICTIM" "$SHARED/c.pid"
        contain create --bundle "$BUNDLE" --pid-file "$SHARED/c.pid" "$id"
        [ "$(cat "$VICTIM")" = "root-only contents" ]
        [ ! -L "$SHARED/c.pid" ]
        [ "$(cat "$SHARED/c.pid")" = "$(state_field "$id" pid)" ]
        contain delete --force "$id"
}

@test "a --root holding directories that are not containers': list, state and delete leave them" {
        mkdir -p "$ROOT/mybundle/rootfs"
        echo '{}' > "$ROOT/mybundle/config.json"
        echo notes > "$ROOT/mybundle/notes.txt"
        run contain list -q
        [ "$status" -eq 0 ]
        ! grep -qx mybundle <<<"$output"
        run contain state mybundle
        [ "$status" -ne 0 ]
        [[ "$output" == *"$ROOT/mybundle: not a container's state directory"* ]]
        for f in "" --force; do
                run contain delete $f mybundle
                [ "$status" -ne 0 ]
                [[ "$output" == *"not a container's state directory"* ]]
        done
        [ "$(cat "$ROOT/mybundle/notes.txt")" = notes ] && [ -f "$ROOT/mybundle/config.json" ] && [ -d "$ROOT/mybundle/rootfs" ]
        rm -r "$ROOT/mybundle"
}

@test "a --root directory holding only a config.json, or a directory named like a state file's temporary, is no container's" {
        # a bundle whose rootfs lives elsewhere: config.json alone (create writes state.json first)
        mkdir "$ROOT/onlyconfig" "$ROOT/tmpdir"
        echo '{"ociVersion": "1.0.2", "root": {"path": "/srv/rootfs"}}' > "$ROOT/onlyconfig/config.json"
        mkdir "$ROOT/tmpdir/state.json.tmp.x"
        echo keep > "$ROOT/tmpdir/state.json.tmp.x/file"
        run contain list -q
        ! grep -qx -e onlyconfig -e tmpdir <<<"$output"
        for id in onlyconfig tmpdir; do
                for f in "" --force; do
                        run contain delete $f "$id"
                        [ "$status" -ne 0 ]
                        [[ "$output" == *"not a container's state directory"* ]]
                done
        done
        [ -f "$ROOT/onlyconfig/config.json" ] && [ "$(cat "$ROOT/tmpdir/state.json.tmp.x/file")" = keep ]
        rm -r "$ROOT/onlyconfig" "$ROOT/tmpdir"
}

@test "a state dir a create killed before its first state write left (empty, or its temporary file) still goes with delete" {
        mkdir "$ROOT/half1" "$ROOT/half2"
        echo '{"id":' > "$ROOT/half2/state.json.tmp.123"
        [ "$(contain state half1 | jq -r .status)" = creating ]
        contain delete half1
        contain delete --force half2
        [ ! -e "$ROOT/half1" ] && [ ! -e "$ROOT/half2" ]
}
