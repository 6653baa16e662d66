#!/usr/bin/env bats
# Hooks run at the points the runtime-spec names, in order, with the state on stdin; a failing
# prestart aborts create; a runtime killed during a hook leaves nothing after delete --force.

load ../helpers
bats_require_minimum_version 1.5.0

setup() {
        common_setup
        HOOKS=$TEST_DIR/hooks
        mkdir -p "$HOOKS"
}
teardown() { common_teardown; }

# hook NAME SCRIPT: a /bin/sh hook running SCRIPT
hook_json() {
        jq -n --arg s "$2" '{path: "/bin/sh", args: ["sh", "-c", $s], env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}'
}

add_hook() {
        update_config ".hooks.$1 += [$(hook_json "$1" "$2")]"
}

@test "hooks run in order with the state on stdin" {
        set_args /bin/sh -c 'echo process >> /hooks/order'
        update_config '.mounts += [{"destination": "/hooks", "type": "bind", "source": "'"$HOOKS"'", "options": ["rbind", "rw"]}]'
        for h in prestart createRuntime createContainer poststart poststop; do
                add_hook "$h" "cat > $HOOKS/$h.json; echo $h >> $HOOKS/order"
        done
        # startContainer runs inside the container, after pivot_root
        add_hook startContainer 'cat > /hooks/startContainer.json; echo startContainer >> /hooks/order'
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        [ "$(cat "$HOOKS/order" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
        pid=$(state_field "$id" pid)
        contain start "$id"
        wait_for_status "$id" 5 stopped
        contain delete "$id"
        cat "$HOOKS/order"
        [ "$(cat "$HOOKS/order" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer process poststart poststop " ] ||
        [ "$(cat "$HOOKS/order" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart process poststop " ]
        for h in prestart createRuntime createContainer startContainer poststart poststop; do
                jq -e --arg id "$id" --arg b "$BUNDLE" --argjson pid "$pid" \
                        '.id == $id and .bundle == $b and .pid == $pid and .ociVersion != null' "$HOOKS/$h.json"
        done
        [ "$(jq -r .status "$HOOKS/prestart.json")" = creating ]
        [ "$(jq -r .status "$HOOKS/poststart.json")" = running ]
        [ "$(jq -r .status "$HOOKS/poststop.json")" = stopped ]
}

@test "a failing prestart hook aborts create and leaves nothing" {
        set_args /bin/sleep 100
        add_hook prestart 'echo hook-says-no >&2; exit 1'
        id=$(new_id)
        run contain create --bundle "$BUNDLE" "$id"
        [ "$status" -eq 1 ]
        [[ "$output" == *prestart*hook-says-no* ]]
        [ -z "$(ls -A "$ROOT")" ]
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null)" ]
}

@test "an init killed during a prestart hook: create says so, not that a message could not be sent" {
        set_args /bin/sleep 100
        add_hook prestart 'kill -9 "$(jq -r .pid)"; sleep 0.2'
        for mgr in disabled cgroupfs; do
                id=$(new_id)
                run "$CONTAIN" --root "$ROOT" --cgroup-manager=$mgr create --bundle "$BUNDLE" "$id"
                echo "$mgr: $output"
                [ "$status" -eq 1 ]
                [[ "$output" == *"container init killed by signal 9"* ]]
                [[ "$output" != *"send message"* ]]
                [ -z "$(ls -A "$ROOT")" ]
        done
}

@test "a hook that overruns its timeout is killed and fails create" {
        set_args /bin/sleep 100
        update_config ".hooks.createRuntime = [$(hook_json x 'exec sleep 30') + {timeout: 1}]"
        id=$(new_id)
        run contain create --bundle "$BUNDLE" "$id"
        [ "$status" -eq 1 ]
        [[ "$output" == *"timed out"* ]]
        [ -z "$(ls -A "$ROOT")" ]
}

@test "a hook past its timeout is killed with what it started; its failure is one line (review35)" {
        local marker="sleep $((5000 + $$ % 1000))" kind
        set_args /bin/sleep 100
        for kind in prestart createRuntime; do
                # a child, and one in a session of its own (review36)
                update_config "del(.hooks) | .hooks.$kind = [$(hook_json x "$marker 3>&- & setsid $marker 3>&- & echo started-a-child; echo second-line >&2; wait") + {timeout: 1}]"
                id=$(new_id "$kind")
                run --separate-stderr contain create --bundle "$BUNDLE" "$id"
                echo "$kind: $stderr"
                [ "$status" -eq 1 ]
                no_process_left "^$marker\$"
                [ "${#stderr_lines[@]}" -eq 1 ]
                [[ "$stderr" == "contain: $kind hook #0 (/bin/sh) timed out after 1 s: started-a-child; second-line" ]]
                [ -z "$(ls -A "$ROOT")" ]
        done
        # a failing hook's output of several lines is one line of error too
        update_config "del(.hooks) | .hooks.prestart = [$(hook_json x 'echo out-line; printf "err-line\\n\\033[31mred\\n" >&2; exit 3')]"
        run --separate-stderr contain create --bundle "$BUNDLE" "$(new_id lines)"
        echo "$stderr"
        [ "$status" -eq 1 ]
        [ "${#stderr_lines[@]}" -eq 1 ]
        [ "$stderr" = "contain: prestart hook #0 (/bin/sh) exited with status 3: out-line; err-line; ?[31mred" ]
}

@test "hooks start with no signal blocked, and one that reads the terminal is not stopped (review36)" {
        set_args /bin/true
        update_config "del(.hooks) | .hooks.createRuntime = [$(hook_json x "grep SigBlk /proc/self/status > $HOOKS/mask")]"
        # a caller that blocks SIGTERM and SIGINT: the runtime inherits its mask, its hooks must not
        perl -e 'use POSIX; sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGTERM, SIGINT)) or die; exec @ARGV' \
                "$CONTAIN" --root "$ROOT" run --bundle "$BUNDLE" "$(new_id mask)" < /dev/null
        [ "$(cat "$HOOKS/mask")" = "SigBlk:	0000000000000000" ]
        command -v script > /dev/null || skip "script (bsdutils) is not installed"
        update_config "del(.hooks) | .hooks.prestart = [$(hook_json x "read answer < /dev/tty; echo \"\$answer\" > $HOOKS/answer") + {timeout: 20}]"
        run timeout 30 script -qec "$CONTAIN --root $ROOT run --bundle $BUNDLE $(new_id tty)" /dev/null <<< yes
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(cat "$HOOKS/answer")" = yes ]
}

@test "a failing poststart hook is only a warning" {
        set_args /bin/sleep 100
        add_hook poststart 'exit 1'
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        run contain start "$id"
        [ "$status" -eq 0 ]
        [[ "$output" == *warning*poststart* ]]
        [ "$(state_field "$id" status)" = running ]
}

@test "a failing poststart hook of a 1.3.0 config stops and removes the container" {
        set_args /bin/sleep 100
        update_config '.ociVersion = "1.3.0"'
        add_hook poststart 'echo poststart-says-no >&2; exit 1'
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        pid=$(state_field "$id" pid)
        run contain start "$id"
        [ "$status" -eq 1 ]
        [[ "$output" == *"poststart hook #0"*poststart-says-no* ]]
        [[ "$output" == *"was stopped and removed"* ]]
        ! kill -0 "$pid" 2>/dev/null
        run contain state "$id"
        [ "$status" -eq 1 ]
        [[ "$output" == *"does not exist"* ]]
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null)" ]
}

@test "runtime-namespace hooks run in the bundle directory with the runtime's environment" {
        for h in prestart createRuntime poststart poststop; do
                update_config ".hooks.$h = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo \\\"\$(pwd) \$HOOK_PROBE\\\" > $HOOKS/$h\"]}]"
        done
        id=$(new_id)
        cd /
        HOOK_PROBE=from-the-runtime contain run --bundle "$BUNDLE" "$id"
        for h in prestart createRuntime poststart poststop; do
                [ "$(cat "$HOOKS/$h")" = "$BUNDLE from-the-runtime" ]
        done
}

@test "container-namespace hooks without env get process.env" {
        update_config '.mounts += [{"destination": "/hooks", "type": "bind", "source": "'"$HOOKS"'", "options": ["rbind", "rw"]}]'
        update_config '.process.env += ["PROCESS_PROBE=from-the-config"]'
        update_config '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "echo \"startContainer $PROCESS_PROBE $HOOK_PROBE\" > /hooks/start"]}]'
        update_config '.hooks.createContainer = [{path: "/bin/sh", args: ["sh", "-c", "echo \"createContainer $PROCESS_PROBE $HOOK_PROBE\" > '"$HOOKS"'/create"]}]'
        id=$(new_id)
        HOOK_PROBE=leaked contain run --bundle "$BUNDLE" "$id"
        [ "$(cat "$HOOKS/start")" = "startContainer from-the-config " ]
        [ "$(cat "$HOOKS/create")" = "createContainer from-the-config " ]
}

@test "the runtime killed during a createRuntime hook: delete --force leaves nothing" {
        set_args /bin/sleep 100
        add_hook createRuntime "echo \$\$ > $HOOKS/hook.pid; exec sleep 100"
        id=$(new_id)
        "$CONTAIN" --root "$ROOT" create --bundle "$BUNDLE" "$id" & cpid=$!
        for i in $(seq 100); do [ -s "$HOOKS/hook.pid" ] && break; sleep 0.1; done
        [ -s "$HOOKS/hook.pid" ]
        init=$(jq -r .pid "$ROOT/$id/state.json")
        [ "$init" -gt 0 ]
        kill -9 "$cpid"
        wait "$cpid" || true
        contain delete --force "$id"
        [ ! -e "$ROOT/$id" ]
        for i in $(seq 50); do kill -0 "$(cat "$HOOKS/hook.pid")" 2>/dev/null || break; sleep 0.1; done
        ! kill -0 "$(cat "$HOOKS/hook.pid")" 2>/dev/null
        ! kill -0 "$init" 2>/dev/null
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null)" ]
        ! grep -q " $BUNDLE/rootfs" /proc/self/mountinfo
}

@test "the runtime killed during a createContainer hook: delete --force leaves nothing" {
        set_args /bin/sleep 100
        # createContainer runs in the container init, in its mount namespace before pivot_root
        add_hook createContainer "echo \$\$ > $HOOKS/hook.pid; exec sleep 100"
        id=$(new_id)
        "$CONTAIN" --root "$ROOT" create --bundle "$BUNDLE" "$id" & cpid=$!
        for i in $(seq 100); do [ -s "$HOOKS/hook.pid" ] && break; sleep 0.1; done
        [ -s "$HOOKS/hook.pid" ]
        init=$(jq -r .pid "$ROOT/$id/state.json")
        kill -9 "$cpid"
        wait "$cpid" || true
        contain delete --force "$id"
        [ ! -e "$ROOT/$id" ]
        ! kill -0 "$init" 2>/dev/null
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null)" ]
}

@test "a startContainer hook that fails: run and run -d exit non-zero naming it and leave nothing" {
        set_args /bin/true
        update_config '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "exit 7"]}]'
        run contain run --bundle "$BUNDLE" "$(new_id fg)"
        [ "$status" -ne 0 ]
        [[ "$output" == *startContainer* ]]
        [ "$(grep -c startContainer <<<"$output")" -eq 1 ]      # said once
        run contain run -d --bundle "$BUNDLE" "$(new_id bg)"
        [ "$status" -ne 0 ]
        [[ "$output" == *startContainer* ]]
        [ -z "$(ls "$ROOT")" ]
}
