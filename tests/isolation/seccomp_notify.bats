#!/usr/bin/env bats
# Seccomp user notification (runtime-spec config-linux.md, listenerPath): SCMP_ACT_NOTIFY rules
# send the notify fd with the container process state to the agent at listenerPath, for the
# init and for exec; the agent (seccomp_agent.c) answers mkdir with ENOMEDIUM and lets chmod
# continue, so what the container sees is the agent's answer.

load ../helpers

ENOMEDIUM=123

setup_file() {
        cc -O1 -Wall -Werror -o "$BATS_FILE_TMPDIR/seccomp_agent" "$BATS_TEST_DIRNAME/seccomp_agent.c"
}

setup() {
        common_setup
        AGENT_SOCK=$TEST_DIR/agent.sock
        STATES=$TEST_DIR/states
        AGENT_PID=
}

teardown() {
        common_teardown_agent
        common_teardown
}

common_teardown_agent() {
        if [ -n "$AGENT_PID" ]; then
                kill "$AGENT_PID" 2>/dev/null
                wait "$AGENT_PID" 2>/dev/null || true
        fi
}

start_agent() {
        "$BATS_FILE_TMPDIR/seccomp_agent" "$AGENT_SOCK" "$STATES" "$ENOMEDIUM" 3>&- &
        AGENT_PID=$!
        for _ in $(seq 1 100); do
                [ -S "$AGENT_SOCK" ] && return 0
                sleep 0.05
        done
        echo "the agent did not start" >&2
        return 1
}

# notify_config NNP: mkdir/mkdirat and chmod/fchmodat/fchmodat2 go to the agent
notify_config() {
        update_config '.process.noNewPrivileges = '"$1"' | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
                "listenerPath": "'"$AGENT_SOCK"'", "listenerMetadata": "meta-42",
                "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                "syscalls": [{"names": ["mkdir", "mkdirat", "chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_NOTIFY"}]}'
}

# The agent's nth state line (1-based).
state_line() {
        grep '^{' "$STATES" | sed -n "${1}p"
}

check_init_effects() {
        [[ "$output" == *"mkdir: can't create directory '/tmp/x': No medium found"* ]]
        [[ "$output" == *"mode=600"* ]]
        grep -q '^continue \(chmod\|fchmodat\|fchmodat2\)$' "$STATES"
}

@test "seccomp notify: the agent answers the init's mkdir with its errno and lets chmod continue" {
        start_agent
        notify_config true
        set_args /bin/sh -c 'mkdir /tmp/x; touch /tmp/f && chmod 600 /tmp/f && echo "mode=$(stat -c %a /tmp/f)"'
        id=$(new_id)
        run contain run -b "$BUNDLE" "$id"
        echo "$output"
        [ "$status" -eq 0 ]
        check_init_effects
        s=$(state_line 1)
        echo "$s"
        [ "$(jq -r .ociVersion <<<"$s")" != null ]
        [ "$(jq -c .fds <<<"$s")" = '["seccompFd"]' ]
        [ "$(jq -r .metadata <<<"$s")" = meta-42 ]
        [ "$(jq -r .state.id <<<"$s")" = "$id" ]
        [ "$(jq -r .state.status <<<"$s")" = creating ]
        [ "$(jq -r .state.bundle <<<"$s")" = "$BUNDLE" ]
        [ "$(jq -r '.pid == .state.pid and .pid > 1' <<<"$s")" = true ]
}

@test "seccomp notify without noNewPrivileges (filter installed with CAP_SYS_ADMIN)" {
        start_agent
        notify_config false
        set_args /bin/sh -c 'mkdir /tmp/x; touch /tmp/f && chmod 600 /tmp/f && echo "mode=$(stat -c %a /tmp/f)"'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        check_init_effects
}

@test "seccomp notify: create hands the fd over (pid of the init), exec gets its own with status running" {
        start_agent
        notify_config true
        set_args sleep 60
        id=$(new_id)
        contain create -b "$BUNDLE" "$id"
        init_pid=$(state_field "$id" pid)
        s=$(state_line 1)
        [ "$(jq -r .pid <<<"$s")" = "$init_pid" ]
        [ "$(jq -r .state.status <<<"$s")" = creating ]
        contain start "$id"
        run contain exec "$id" /bin/sh -c 'mkdir /tmp/y; echo "exit=$?"'
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"No medium found"* ]]
        [[ "$output" == *"exit=1"* ]]
        s=$(state_line 2)
        echo "$s"
        [ "$(jq -r .state.status <<<"$s")" = running ]
        [ "$(jq -r .state.pid <<<"$s")" = "$init_pid" ]
        [ "$(jq -r .pid <<<"$s")" != "$init_pid" ]
        [ "$(jq -r .metadata <<<"$s")" = meta-42 ]
        contain delete --force "$id"
}

@test "seccomp notify with a filter that forbids prctl: the container outlives create, and run -d" {
        # the parent-death signal is dropped before the notifying filter goes on; once it was
        # left armed, and the container died with the runtime that created it
        start_agent
        notify_config true
        update_config '.linux.seccomp.syscalls += [{"names": ["prctl"], "action": "SCMP_ACT_ERRNO"}]'
        set_args sleep 60
        id=$(new_id)
        contain create -b "$BUNDLE" "$id"
        sleep 0.2
        [ "$(state_field "$id" status)" = created ]
        contain start "$id"
        [ "$(state_field "$id" status)" = running ]
        contain delete --force "$id"
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id" </dev/null
        sleep 0.2
        [ "$(state_field "$id" status)" = running ]
        contain delete --force "$id"
}

@test "seccomp notify: no agent at listenerPath is an error naming it, and nothing is left" {
        notify_config true
        id=$(new_id)
        run contain run -b "$BUNDLE" "$id"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.seccomp.listenerPath"*"$AGENT_SOCK"* ]]
        [ -z "$(ls "$ROOT")" ]
}

@test "seccomp: without SCMP_ACT_NOTIFY rules listenerPath is ignored" {
        update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/nonexistent/agent.sock",
                "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
        set_args /bin/sh -c 'mkdir /tmp/x; echo "exit=$?"'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp notify: errors name the field (no listenerPath, sendmsg, default action)" {
        notify_config true
        update_config 'del(.linux.seccomp.listenerPath, .linux.seccomp.listenerMetadata)'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.seccomp.listenerPath: required by the SCMP_ACT_NOTIFY rules"* ]]

        notify_config true
        update_config '.linux.seccomp.syscalls[0].names = ["sendmsg"]'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for sendmsg"* ]]

        notify_config true
        update_config '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY" | .linux.seccomp.syscalls[0].action = "SCMP_ACT_ALLOW"'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"* ]]
        [ -z "$(ls "$ROOT")" ]
}

@test "seccomp notify: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV with notify rules, an error without" {
        start_agent
        notify_config true
        update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"]'
        set_args /bin/sh -c 'mkdir /tmp/x'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"No medium found"* ]]

        update_config '.linux.seccomp.syscalls[0].action = "SCMP_ACT_ERRNO"'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs SCMP_ACT_NOTIFY rules"* ]]
}

@test "seccomp notify: an agent that goes away leaves the notified syscalls failing, not hanging" {
        start_agent
        notify_config true
        set_args /bin/sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done 2>/dev/null; mkdir /tmp/x; echo "exit=$?"'
        id=$(new_id)
        contain create -b "$BUNDLE" "$id"
        contain start "$id"
        common_teardown_agent
        AGENT_PID=
        touch "$BUNDLE/rootfs/tmp/go"
        for _ in $(seq 1 100); do
                [ "$(state_field "$id" status)" = stopped ] && break
                sleep 0.05
        done
        [ "$(state_field "$id" status)" = stopped ]
        contain delete "$id"
}

@test "features lists SCMP_ACT_NOTIFY and SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV as supported" {
        run contain features
        [ "$status" -eq 0 ]
        [ "$(jq -r '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") != null' <<<"$output")" = true ]
        [ "$(jq -r '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") != null' <<<"$output")" = true ]
}
