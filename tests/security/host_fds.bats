#!/usr/bin/env bats
# Host directory fds must not reach the container (the CVE-2024-21626 class): the caller of
# contain holds fd 5 open on the host's "/" and the container tries to get through it, via
# process.cwd, exec --cwd, exec --process, args[0], and /proc/1/fd of the init while the
# container is "created".  A host file holds a secret that must never come out; each test also
# shows that the fd really is a way to the host (the caller reads the secret through it, and a
# container it is deliberately passed to with --preserve-fds reads it too), so none can pass
# because the attack was never possible.

load ../helpers

setup() {
        common_setup
        SECRET=$TEST_DIR/host-secret
        SECRET_TEXT="host-secret-$RANDOM$RANDOM"
        echo "$SECRET_TEXT" > "$SECRET"
        # the path of the secret from the host's "/" through fd 5, and from a cwd at "/"
        UP=../../../../../../../../..
}
teardown() { common_teardown; }

# caller 'REDIRECTIONS' CMD...: runs CMD with these fds open (bats keeps its own fd 3, so the
# redirections happen in a child shell)
caller() {
        local redir=$1
        shift
        bash -c "exec $redir; exec \"\$@\"" bash "$@"
}

# contain, from a caller holding these fds
contain_with_fds() {
        local redir=$1
        shift
        caller "$redir" "$CONTAIN" --root "$ROOT" "$@"
}

# the attack is real: through fd 5 on "/" the caller reads the host's secret
assert_fd5_reaches_host() {
        [ -f "$SECRET" ]
        run caller '5</' sh -c "cat /proc/self/fd/5$SECRET"
        [ "$status" -eq 0 ]
        [ "$output" = "$SECRET_TEXT" ]
}

start_sleeper() {
        set_args /bin/sleep 100
        ID=$(new_id)
        contain create --bundle "$BUNDLE" "$ID"
        contain start "$ID"
}

@test "CVE-2024-21626: process.cwd /proc/self/fd/5 on a caller's host / does not reach the host" {
        assert_fd5_reaches_host
        update_config '.process.cwd = "/proc/self/fd/5"'
        set_args /bin/cat "$UP$SECRET"
        run contain_with_fds '5</' run --bundle "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *process.cwd* ]]
        [[ "$output" != *"$SECRET_TEXT"* ]]
        # create fails the same way and leaves nothing behind
        run contain_with_fds '5</' create --bundle "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *process.cwd* ]]
        [ -z "$(ls "$ROOT")" ]
}

@test "a process.cwd outside the container's root is refused even when its fd is passed on" {
        # --preserve-fds hands fd 5 over on purpose: the process may use it, but its cwd must
        # still lie inside the root (getcwd would say "(unreachable)")
        update_config '.process.cwd = "/proc/self/fd/5"'
        set_args /bin/cat "$UP$SECRET"
        run contain_with_fds '3</dev/null 4</dev/null 5</' run --preserve-fds 3 --bundle "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"process.cwd: /proc/self/fd/5 is outside the container's root"* ]]
        [[ "$output" != *"$SECRET_TEXT"* ]]
        # the control: the fd that reaches the container does lead to the host
        update_config '.process.cwd = "/"'
        set_args /bin/cat "/proc/self/fd/5$SECRET"
        run contain_with_fds '3</dev/null 4</dev/null 5</' run --preserve-fds 3 --bundle "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = "$SECRET_TEXT" ]
}

@test "args[0] through a caller's host directory fd does not run a host binary" {
        assert_fd5_reaches_host
        [ -x /bin/busybox ] || [ -x /usr/bin/busybox ]
        bb=$( [ -x /bin/busybox ] && echo /bin/busybox || echo /usr/bin/busybox)
        set_args "/proc/self/fd/5$bb" echo host-binary-ran
        run contain_with_fds '5</' run --bundle "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"no such file or directory"* ]]
        [[ "$output" != *host-binary-ran* ]]
}

@test "CVE-2024-21626: exec --cwd /proc/self/fd/5 on a caller's host / does not reach the host" {
        assert_fd5_reaches_host
        start_sleeper
        # the control: exec works, and a host fd passed on purpose does lead to the host
        run contain exec --cwd /etc "$ID" cat hostname
        [ "$status" -eq 0 ]
        run contain_with_fds '3</dev/null 4</dev/null 5</' exec --preserve-fds 3 "$ID" cat "/proc/self/fd/5$SECRET"
        [ "$status" -eq 0 ]
        [ "$output" = "$SECRET_TEXT" ]

        run contain_with_fds '5</' exec --cwd /proc/self/fd/5 "$ID" cat "$UP$SECRET"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *process.cwd* ]]
        [[ "$output" != *"$SECRET_TEXT"* ]]
        run contain_with_fds '3</dev/null 4</dev/null 5</' exec --preserve-fds 3 --cwd /proc/self/fd/5 "$ID" cat "$UP$SECRET"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"process.cwd: /proc/self/fd/5 is outside the container's root"* ]]
        [[ "$output" != *"$SECRET_TEXT"* ]]
}

@test "CVE-2024-21626: exec --process with cwd /proc/self/fd/5 does not reach the host" {
        assert_fd5_reaches_host
        start_sleeper
        jq -n --arg f "$UP$SECRET" '{args: ["/bin/cat", $f], cwd: "/proc/self/fd/5", env: ["PATH=/bin"], user: {uid: 0, gid: 0}}' \
                > "$TEST_DIR/process.json"
        run contain_with_fds '5</' exec --process "$TEST_DIR/process.json" "$ID"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *process.cwd* ]]
        [[ "$output" != *"$SECRET_TEXT"* ]]
        run contain_with_fds '3</dev/null 4</dev/null 5</' exec --preserve-fds 3 --process "$TEST_DIR/process.json" "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"outside the container's root"* ]]
        [[ "$output" != *"$SECRET_TEXT"* ]]
}

@test "CVE-2024-21626: while created, /proc/1/fd of the init holds no host directory" {
        assert_fd5_reaches_host
        set_args /bin/sleep 100
        ID=$(new_id)
        contain_with_fds '4</tmp 5</ 7<'"$SECRET"' 9>/dev/null' create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
        [ "$(state_field "$ID" status)" = created ]
        # the issue's attack, as a container process with the default capabilities
        run contain exec "$ID" cat "/proc/1/fd/5$SECRET"
        [ "$status" -ne 0 ]
        [[ "$output" != *"$SECRET_TEXT"* ]]
        # with CAP_SYS_PTRACE /proc/1/fd is readable whatever the init's dumpable flag: every
        # fd there, tried as a directory, leads nowhere; beyond 0-2 there are the exec fifo and
        # the sealed trampoline memfd (opened before the rlimits apply, review36; it cannot be
        # written: exe_overwrite.bats)
        run contain exec --cap CAP_SYS_PTRACE "$ID" sh -c '
                cd /proc/1/fd || exit 9
                for f in *; do
                        cat "$f'"$SECRET"'" "$f/'"$UP$SECRET"'" 2>/dev/null
                        [ -d "$f" ] && echo "directory $f"
                        if [ "$f" -gt 2 ]; then
                                if [ -p "$f" ]; then echo fifo
                                elif [ "$(readlink "$f")" = "/memfd:contain-exec (deleted)" ]; then echo trampoline
                                else echo "not a fifo $f"; fi
                        fi
                done
                echo fds $(ls /proc/1/fd)'
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" != *"$SECRET_TEXT"* ]]
        [[ "$output" != *directory* ]]
        [[ "$output" != *"not a fifo"* ]]
        [[ "$output" =~ fds\ 0\ 1\ 2\ [0-9]+\ [0-9]+$ ]]
        [ "$(echo "$output" | grep -c '^fifo$')" -eq 1 ]
        [ "$(echo "$output" | grep -c '^trampoline$')" -eq 1 ]
}

@test "while created, a host fd passed with --preserve-fds is what /proc/1/fd shows (control)" {
        # proves the previous test's path reads host files when an fd is there
        set_args /bin/sleep 100
        ID=$(new_id)
        contain_with_fds '3</dev/null 4</dev/null 5</' create --preserve-fds 3 --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
        run contain exec --cap CAP_SYS_PTRACE "$ID" cat "/proc/1/fd/5$SECRET"
        [ "$status" -eq 0 ]
        [ "$output" = "$SECRET_TEXT" ]
}

@test "only 0-2 and the preserved fd reach the container, from a caller holding file and directory fds" {
        echo preserved-ok > "$TEST_DIR/preserved"
        fds="3<$TEST_DIR/preserved 4</ 5</tmp 6<$SECRET 8</proc 9>/dev/null"
        set_args /bin/sleep 100
        ID=$(new_id)
        contain_with_fds "$fds" create --preserve-fds 1 --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
        contain start "$ID"
        # the container's process (pid 1), seen from inside
        [ "$(echo $(contain exec "$ID" ls /proc/1/fd))" = "0 1 2 3" ]
        [ "$(contain exec "$ID" cat /proc/1/fd/3)" = preserved-ok ]

        # an exec'd process, seen from another one
        contain_with_fds "$fds" exec --preserve-fds 1 --detach --pid-file "$TEST_DIR/exec.pid" "$ID" sleep 77 \
                </dev/null >/dev/null 2>&1
        pid=$(awk '/^NSpid:/ { print $NF }' /proc/$(cat "$TEST_DIR/exec.pid")/status)
        [ "$(echo $(contain exec "$ID" ls /proc/$pid/fd))" = "0 1 2 3" ]
        [ "$(contain exec "$ID" cat /proc/$pid/fd/3)" = preserved-ok ]

        # an exec'd ls listing itself: the last fd is its own listing of /proc/self/fd
        run contain_with_fds "$fds" exec "$ID" ls /proc/self/fd
        [ "$status" -eq 0 ]
        [ "$(echo $output)" = "0 1 2 3" ]
        run contain_with_fds "$fds" exec --preserve-fds 1 "$ID" ls /proc/self/fd
        [ "$status" -eq 0 ]
        [ "$(echo $output)" = "0 1 2 3 4" ]

        # run: the container's process lists itself
        set_args /bin/ls /proc/self/fd
        run contain_with_fds "$fds" run --preserve-fds 1 --bundle "$BUNDLE" "$(new_id run)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(echo $output)" = "0 1 2 3 4" ]
}
