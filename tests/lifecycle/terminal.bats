#!/usr/bin/env bats
# Terminals: a pty from the container's devpts reaches a --console-socket receiver, and what is
# typed into it reaches the shell in the container.

load ../helpers

setup_file() {
        RECVTTY=$BATS_FILE_TMPDIR/recvtty
        cc -Wall -o "$RECVTTY" "$BATS_TEST_DIRNAME/recvtty.c"
        export RECVTTY
}
setup() { common_setup; }
teardown() { common_teardown; }

start_receiver() {
        SOCK=$TEST_DIR/console.sock
        "$RECVTTY" "$SOCK" "$1" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/tty.err" & RECV=$!
        for i in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.05; done
        [ -S "$SOCK" ]
}

@test "the console socket gets a pty master and typed input reaches the shell" {
        update_config '.process.terminal = true | .process.args = ["/bin/sh"]'
        start_receiver 'echo hi-$((40+2)); tty; exit\n'
        id=$(new_id)
        contain create --bundle "$BUNDLE" --console-socket "$SOCK" "$id"
        contain start "$id"
        wait "$RECV"
        cat "$TEST_DIR/tty.out"
        grep -q "hi-42" "$TEST_DIR/tty.out"
        grep -q "/dev/pts/" "$TEST_DIR/tty.out"
        wait_for_status "$id" 5 stopped
}

@test "the pty belongs to the process user, group tty" {
        chmod 755 "$BUNDLE/rootfs"
        update_config '.process.terminal = true | .process.args = ["/bin/sh"] | .process.user = {"uid": 1000, "gid": 1000}'
        start_receiver 'stat -c owner=%u:%g $(tty); exit\n'
        id=$(new_id)
        contain create --bundle "$BUNDLE" --console-socket "$SOCK" "$id"
        contain start "$id"
        wait "$RECV"
        cat "$TEST_DIR/tty.out"
        grep -q "owner=1000:5" "$TEST_DIR/tty.out"
        wait_for_status "$id" 5 stopped
}

@test "terminal without a console socket fails create clearly" {
        update_config '.process.terminal = true'
        run contain create --bundle "$BUNDLE" "$(new_id)"
        [ "$status" -eq 1 ]
        [[ "$output" == *"console-socket"* ]]
        [ -z "$(ls -A "$ROOT")" ]
}

@test "the console size from the config is set on the pty" {
        update_config '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111} | .process.args = ["/bin/stty", "size"]'
        start_receiver ''
        id=$(new_id)
        contain create --bundle "$BUNDLE" --console-socket "$SOCK" "$id"
        contain start "$id"
        wait "$RECV"
        grep -q "33 111" "$TEST_DIR/tty.out"
}

@test "run without a console socket relays our terminal" {
        command -v script >/dev/null || skip "script(1) is not installed"
        update_config '.process.terminal = true | .process.args = ["/bin/sh"]'
        id=$(new_id)
        # the shell's output comes back through our terminal; its exit code is run's
        (for i in $(seq 100); do [ -d "$ROOT/$id" ] && break; sleep 0.05; done
         echo 'echo hi-$((6*7)); tty; exit 4') |
                script -qec "stty rows 20 cols 70; $CONTAIN --root $ROOT run --bundle $BUNDLE $id; echo rc=\$?" /dev/null >"$TEST_DIR/out"
        cat -A "$TEST_DIR/out"
        grep -q "^hi-42" "$TEST_DIR/out"
        grep -q "^/dev/pts/0" "$TEST_DIR/out"
        grep -q "^rc=4" "$TEST_DIR/out"
}

@test "the relay passes the process's newlines on untouched (no added \\r), run and exec" {
        update_config '.process.terminal = true'
        set_args /bin/echo hi
        contain run --bundle "$BUNDLE" "$(new_id)" </dev/null >"$TEST_DIR/run.out"
        od -c "$TEST_DIR/run.out"
        [ "$(od -An -c "$TEST_DIR/run.out" | tr -d ' ')" = 'hi\n' ]
        update_config '.process.terminal = false'
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        contain exec --tty "$id" /bin/echo hi </dev/null >"$TEST_DIR/exec.out"
        od -c "$TEST_DIR/exec.out"
        [ "$(od -An -c "$TEST_DIR/exec.out" | tr -d ' ')" = 'hi\n' ]
}

@test "exec --tty hands a pty of the container to the console socket" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        start_receiver 'echo exec-$((1+2)); tty; exit\n'
        contain exec --tty --console-socket "$SOCK" --detach "$id" /bin/sh
        wait "$RECV"
        grep -q "exec-3" "$TEST_DIR/tty.out"
        grep -q "/dev/pts/" "$TEST_DIR/tty.out"
}

@test "exec --tty without a console socket relays our terminal" {
        command -v script >/dev/null || skip "script(1) is not installed"
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        echo 'echo exec-$((6*7)); tty; exit 5' |
                script -qec "$CONTAIN --root $ROOT exec --tty $id /bin/sh; echo rc=\$?" /dev/null >"$TEST_DIR/out"
        cat -A "$TEST_DIR/out"
        grep -q "^exec-42" "$TEST_DIR/out"
        grep -q "^/dev/pts/" "$TEST_DIR/out"
        grep -q "^rc=5" "$TEST_DIR/out"
}
