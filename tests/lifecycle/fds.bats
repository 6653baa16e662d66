#!/usr/bin/env bats
# Only 0, 1, 2 and the preserved fds reach the container process: not the runtime's own fds,
# nor one the caller leaked (containerd's shim leaves fd 3 open).  Checked from the host in
# /proc/PID/fd of the container's process once it has exec'd.

load ../helpers

setup() { common_setup; }
teardown() { common_teardown; }

# with_fds 'REDIRECTIONS' ARGS...: runs contain with these fds open (bats keeps its own fd 3,
# so the redirections happen in a child shell)
with_fds() {
        local redir=$1
        shift
        bash -c "exec $redir; exec \"\$0\" \"\$@\"" "$CONTAIN" --root "$ROOT" "$@"
}

# fds of the container's init, once it runs sleep
init_fds() {
        local id=$1 pid
        contain start "$id"
        pid=$(state_field "$id" pid)
        for i in $(seq 50); do [ "$(cat /proc/$pid/comm)" = sleep ] && break; sleep 0.05; done
        ls /proc/$pid/fd | sort -n | tr '\n' ' '
}

@test "no fd beyond 0-2 reaches the container, even ones leaked by the caller" {
        set_args /bin/sleep 100
        id=$(new_id)
        with_fds '3>/dev/null 5>/dev/null' create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
        [ "$(init_fds "$id")" = "0 1 2 " ]
}

@test "--preserve-fds passes fds 3..3+N-1" {
        set_args /bin/sleep 100
        touch "$TEST_DIR/f3"
        id=$(new_id)
        with_fds "3<$TEST_DIR/f3 4>/dev/null" create --preserve-fds 1 --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
        [ "$(init_fds "$id")" = "0 1 2 3 " ]
        [ "$(readlink /proc/$(state_field "$id" pid)/fd/3)" = "$TEST_DIR/f3" ]
}

@test "LISTEN_FDS passes the socket-activation fds and sets LISTEN_PID=1" {
        set_args /bin/sleep 100
        id=$(new_id)
        # sd_listen_fds: LISTEN_PID names the process the fds are for (contain, exec'd by bash)
        LISTEN_FDS=2 bash -c 'exec 3</dev/null 4</dev/null 5</dev/null; LISTEN_PID=$$ exec "$0" "$@"' \
                "$CONTAIN" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
        [ "$(init_fds "$id")" = "0 1 2 3 4 " ]
        tr '\0' '\n' < /proc/$(state_field "$id" pid)/environ | grep -qx LISTEN_FDS=2
        tr '\0' '\n' < /proc/$(state_field "$id" pid)/environ | grep -qx LISTEN_PID=1
}

@test "LISTEN_FDS for another pid passes nothing on: a caller's host directory fd stays out" {
        set_args /bin/sleep 100
        id=$(new_id)
        LISTEN_FDS=1 LISTEN_PID=999999 with_fds "3</" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
        [ "$(init_fds "$id")" = "0 1 2 " ]
        ! tr '\0' '\n' < /proc/$(state_field "$id" pid)/environ | grep -q LISTEN_FDS
}

@test "run: the process sees only 0, 1 and 2" {
        # busybox sh execs its last command: ls lists its own fds plus the one it reads with
        set_args /bin/sh -c 'ls /proc/self/fd | wc -l'
        run with_fds '3>/dev/null 7>/dev/null' run --bundle "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" -eq 4 ]
}
