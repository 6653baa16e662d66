#!/usr/bin/env bats
# Hostile ids never reach the file system; broken configs and failing creates leave nothing
# behind; errors reach stderr and the --log file as the JSON lines clients parse.

load ../helpers

setup() { common_setup; }
teardown() { common_teardown; }

# nothing under the test dir but what common_setup made
no_residue() {
        [ -z "$(ls -A "$ROOT")" ]
        [ ! -e "$TEST_DIR/fresh-root" ]
        [ ! -e "$TEST_DIR/x" ]
}

@test "bad ids are rejected without touching the file system" {
        long=$(head -c 2000 /dev/zero | tr '\0' a)
        for bad in "../x" "a/b" "" "$long" "." ".." "a b"; do
                for cmd in create state start kill delete exec ps; do
                        run "$CONTAIN" --root "$TEST_DIR/fresh-root" $cmd "$bad"
                        [ "$status" -ne 0 ]
                        [[ "$output" == *"invalid container id"* ]] || [[ "$output" == *"expected"* ]]
                done
                run contain create --bundle "$BUNDLE" "$bad"
                [ "$status" -ne 0 ]
                [[ "$output" == *"invalid container id"* ]]
        done
        run contain create --bundle "$BUNDLE" "../x"
        [[ "$output" == *'invalid container id "../x"'* ]]
        no_residue
}

@test "a config the parser refuses leaves nothing" {
        update_config '.process.args = 5'
        run contain create --bundle "$BUNDLE" "$(new_id)"
        [ "$status" -eq 1 ]
        [[ "$output" == *"process.args"* ]]
        no_residue
}

@test "a missing executable fails create and is rolled back" {
        set_args /bin/nope
        id=$(new_id)
        run contain create --bundle "$BUNDLE" "$id"
        [ "$status" -eq 1 ]
        [[ "$output" == *'exec: "/bin/nope": no such file or directory'* ]]
        no_residue
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null)" ]
}

@test "a failing mount fails create and is rolled back" {
        update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent-'$$'", "options": ["rbind"]}]'
        id=$(new_id)
        run contain create --bundle "$BUNDLE" "$id"
        [ "$status" -eq 1 ]
        [[ "$output" == *"container init"* ]]
        no_residue
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null)" ]
}

@test "two creates of one id: exactly one wins" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id" >"$TEST_DIR/o1" 2>&1 & p1=$!
        contain create --bundle "$BUNDLE" "$id" >"$TEST_DIR/o2" 2>&1 & p2=$!
        s1=0 s2=0
        wait $p1 || s1=$?
        wait $p2 || s2=$?
        [ $((s1 == 0 ? 1 : 0)) -ne $((s2 == 0 ? 1 : 0)) ]
        cat "$TEST_DIR/o1" "$TEST_DIR/o2" | grep -q "container \"$id\" already exists"
        [ "$(state_field "$id" status)" = created ]
}

@test "20 concurrent creates of distinct ids all reach created" {
        set_args /bin/sleep 100
        pids=()
        for i in $(seq 20); do
                contain create --bundle "$BUNDLE" "$(new_id c$i)" & pids+=($!)
        done
        for p in "${pids[@]}"; do wait "$p"; done
        for i in $(seq 20); do
                [ "$(state_field "$(new_id c$i)" status)" = created ]
        done
}

@test "errors go to the --log file as JSON lines with an RFC 3339 time" {
        log=$TEST_DIR/log.json
        run "$CONTAIN" --root "$ROOT" --log "$log" --log-format json state "nope-$$"
        [ "$status" -eq 1 ]
        run "$CONTAIN" --root "$ROOT" --log "$log" --log-format=json kill "nope-$$" 9
        [ "$status" -eq 1 ]
        [ "$(wc -l < "$log")" -eq 2 ]
        while read -r line; do
                echo "$line" | jq -e '.level == "error" and (.msg | test("does not exist")) and
                        (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"))'
        done < "$log"
}

@test "a --log file that cannot be opened is an error before anything is done (review35)" {
        run "$CONTAIN" --root "$ROOT" --log "$TEST_DIR/no/such/dir/log" list
        [ "$status" -eq 1 ]
        [ "$output" = "contain: --log $TEST_DIR/no/such/dir/log: No such file or directory" ]
        run "$CONTAIN" --root "$ROOT" --log "$TEST_DIR" --log-format json delete --force "nope-$$"
        [ "$status" -eq 1 ]
        [ "$output" = "contain: --log $TEST_DIR: Is a directory" ]
}

@test "exec in a stopped container fails with runc's message" {
        set_args /bin/true
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        wait_for_status "$id" 5 stopped
        run contain exec "$id" /bin/true
        [ "$status" -eq 255 ]
        [[ "$output" == *"cannot exec in a stopped container"* ]]
}

@test "without a loadable libseccomp: containers without a filter run, one with a filter is a clear error, features says so" {
        # libseccomp is opened (dlopen) only to build a filter; here it cannot be: the file is
        # /dev/null inside a private mount namespace of this test
        lib=$(ldconfig -p | awk '$1 == "libseccomp.so.2" && /x86-64/ { print $NF; exit }')
        [ -n "$lib" ] || skip "no libseccomp.so.2 on this host"
        lib=$(readlink -f "$lib")
        set_args /bin/echo ran
        cp "$BUNDLE/config.json" "$TEST_DIR/plain.json"
        update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
        cp "$BUNDLE/config.json" "$TEST_DIR/filter.json"
        run unshare -m --propagation private sh -c '
                mount --bind /dev/null "$1" || exit 99
                "$2" features | tr -d " \n\t" | sed -n "s/.*\"seccomp\":{\"enabled\":\([a-z]*\).*/enabled=\1/p"
                "$2" features | grep -o "\"io.github.seccomp.libseccomp.version\": \"[^\"]*\""
                cp "$4/plain.json" "$3/config.json" && "$2" --root "$5" run -b "$3" "$6-a"; echo "plain=$?"
                cp "$4/filter.json" "$3/config.json" && "$2" --root "$5" run -b "$3" "$6-b"; echo "filter=$?"
        ' sh "$lib" "$CONTAIN" "$BUNDLE" "$TEST_DIR" "$ROOT" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"enabled=false"* ]]
        [[ "$output" == *'"io.github.seccomp.libseccomp.version": "unavailable: load libseccomp.so.2 (Debian package libseccomp2): '*'"'* ]]
        [[ "$output" == *$'ran\nplain=0'* ]]
        [[ "$output" == *"contain: linux.seccomp: load libseccomp.so.2 (Debian package libseccomp2): "* ]]
        [[ "$output" == *"filter=1"* ]]
        no_residue
}
