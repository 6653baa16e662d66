#!/usr/bin/env bats
# exec joins a running container: its namespaces, cgroup and settings; exit codes pass through.

load ../helpers

setup() { common_setup; }
teardown() { common_teardown; }

start_container() {
        set_args /bin/sleep 100
        update_config '.hostname = "exec-host"'
        ID=$(new_id)
        contain create --bundle "$BUNDLE" "$ID"
        contain start "$ID"
}

@test "exec runs in the container's namespaces and returns the exit code" {
        start_container
        run contain exec "$ID" /bin/hostname
        [ "$status" -eq 0 ]
        [ "$output" = exec-host ]
        run contain exec "$ID" /bin/sh -c 'exit 5'
        [ "$status" -eq 5 ]
        # pid 1 of the container is its sleep
        run contain exec "$ID" /bin/cat /proc/1/comm
        [ "$output" = sleep ]
        pid=$(state_field "$ID" pid)
        [ "$(readlink /proc/$pid/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]
}

@test "exec takes --env, --cwd and --user" {
        chmod 755 "$BUNDLE/rootfs"     # uid 1000 must be able to walk /
        start_container
        run contain exec --env FOO=bar --cwd /tmp --user 1000:1000 "$ID" /bin/sh -c 'echo $FOO $(pwd) $(id -u):$(id -g)'
        [ "$status" -eq 0 ]
        [ "$output" = "bar /tmp 1000:1000" ]
}

@test "exec --cwd of a missing directory fails naming it and creates nothing" {
        start_container
        run contain exec --cwd /no/such/dir "$ID" /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"chdir /no/such/dir"*"No such file or directory"* ]]
        [ ! -e "$BUNDLE/rootfs/no" ]
        run contain exec "$ID" /bin/ls /no
        [ "$status" -ne 0 ]
}

@test "exec takes runc's -g/--additional-gids, --no-new-privs and -c, on top of --process too" {
        start_container
        run contain exec -g 10,11 --additional-gids 12 --no-new-privs "$ID" /bin/sh -c 'id -G; grep NoNewPrivs /proc/self/status'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "0 10 11 12" ]
        [[ "${lines[1]}" == *"1" ]]
        jq -n '{args: ["/bin/sh", "-c", "echo $FROM; pwd; id -G"], cwd: "/", env: ["PATH=/bin", "FROM=file"], user: {uid: 0, gid: 0}}' > "$TEST_DIR/p.json"
        run contain exec --process "$TEST_DIR/p.json" --cwd /tmp -e FROM=flag -g 7 "$ID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = flag ]
        [ "${lines[1]}" = /tmp ]
        [ "${lines[2]}" = "0 7" ]
        run contain exec -g x "$ID" /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"--additional-gids"* ]]
}

@test "exec into a paused container needs --ignore-paused" {
        start_container
        contain pause "$ID"
        run contain exec "$ID" /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"paused"*"--ignore-paused"* ]]
        # the new process joins the frozen cgroup: like runc's, the exec completes on resume
        contain exec --ignore-paused "$ID" /bin/sh -c 'echo ran > /ran' & execer=$!
        sleep 0.5
        [ "$(state_field "$ID" status)" = paused ]
        [ ! -e "$BUNDLE/rootfs/ran" ]
        contain resume "$ID"
        wait "$execer"
        [ "$(cat "$BUNDLE/rootfs/ran")" = ran ]
}

@test "exec --pidfd-socket hands the caller a pidfd of the new process" {
        cc -Wall -o "$TEST_DIR/recvtty" "$BATS_TEST_DIRNAME/recvtty.c"
        start_container
        "$TEST_DIR/recvtty" --pidfd "$TEST_DIR/pidfd.sock" > "$TEST_DIR/pidfd.out" & recv=$!
        for i in $(seq 50); do [ -S "$TEST_DIR/pidfd.sock" ] && break; sleep 0.05; done
        contain exec --pidfd-socket "$TEST_DIR/pidfd.sock" --detach --pid-file "$TEST_DIR/e.pid" "$ID" /bin/sleep 10
        wait "$recv"
        cat "$TEST_DIR/pidfd.out"
        [ "$(awk '{print $2}' "$TEST_DIR/pidfd.out")" = "$(cat "$TEST_DIR/e.pid")" ]
        run contain exec --pidfd-socket "$TEST_DIR/nobody.sock" "$ID" /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"--pidfd-socket"* ]]
}

@test "exec --process FILE --detach writes the pid file and returns" {
        start_container
        jq -n '{args: ["/bin/sleep", "50"], cwd: "/", env: ["PATH=/bin"], user: {uid: 0, gid: 0}}' > "$TEST_DIR/process.json"
        contain exec --process "$TEST_DIR/process.json" --detach --pid-file "$TEST_DIR/exec.pid" "$ID"
        p=$(cat "$TEST_DIR/exec.pid")
        [ "$(wc -l < "$TEST_DIR/exec.pid")" -eq 0 ]
        kill -0 "$p"
        [ "$(cat /proc/$p/comm)" = sleep ]
        run contain ps --format json "$ID"
        echo "$output" | jq -e --argjson p "$p" 'index($p) != null'
}

@test "exec of a missing executable exits 255" {
        start_container
        run contain exec "$ID" /bin/nope
        [ "$status" -eq 255 ]
        [[ "$output" == *'exec: "/bin/nope": no such file or directory'* ]]
}

@test "an exec'd process killed before its exec is reported, not taken for the program's death" {
        start_container
        # SIGKILL at its execveat (the trampoline's exec), as a filter's SIGSYS would
        run traced -f -o /dev/null -e trace=execveat -e inject=execveat:signal=SIGKILL \
                "$CONTAIN" --root "$ROOT" exec "$ID" /bin/true
        echo "$output"
        [ "$status" -ne 0 ] && [ "$status" -ne 137 ]
        [[ "$output" == *"exec in container \"$ID\": the process was killed by signal 9 before it ran its program"* ]]
        [ "$(state_field "$ID" status)" = running ]
}

@test "signals the caller ignores are not ignored in an exec'd process (as in run)" {
        start_container
        # a caller under nohup or `trap ''` (or a background job: SIGINT, SIGQUIT) must not
        # hand its ignored dispositions to the process it starts in the container
        run bash -c 'trap "" HUP INT USR1; exec "$@"' _ "$CONTAIN" --root "$ROOT" exec "$ID" \
                /bin/grep -E '^Sig(Ign|Blk):' /proc/self/status
        [ "$status" -eq 0 ]
        [[ "$output" == *"SigIgn:	0000000000000000"* ]]
        [[ "$output" == *"SigBlk:	0000000000000000"* ]]
}
