#!/usr/bin/env bats
# The OCI lifecycle as tools drive it: create -> start -> kill -> delete, with the status
# `state` computes from the real process at each step, run's exit codes, pid files, list.

load ../helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "create, start, kill and delete walk through created, running, stopped" {
        set_args /bin/sh -c 'touch /ran; exec sleep 100'
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        [ "$(state_field "$id" status)" = created ]
        pid=$(state_field "$id" pid)
        [ "$pid" -gt 0 ]
        [ -d "/proc/$pid" ]
        # the init waits: the user command has not run
        [ ! -e "$BUNDLE/rootfs/ran" ]

        contain start "$id"
        [ "$(state_field "$id" status)" = running ]
        for i in $(seq 50); do [ -e "$BUNDLE/rootfs/ran" ] && break; sleep 0.1; done
        [ -e "$BUNDLE/rootfs/ran" ]

        contain kill "$id" KILL
        wait_for_status "$id" 5 stopped
        [ "$(state_field "$id" pid)" = 0 ]
        contain delete "$id"
        run contain state "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"container \"$id\" does not exist"* ]]
        [ ! -e "$ROOT/$id" ]
}

@test "state prints the OCI state document" {
        set_args /bin/sleep 100
        update_config '.annotations = {"org.example.key": "value"}'
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        run contain state "$id"
        [ "$status" -eq 0 ]
        echo "$output" | jq -e --arg id "$id" --arg b "$BUNDLE" '
                .ociVersion != null and .id == $id and .status == "created" and .pid > 0 and
                .bundle == $b and .annotations["org.example.key"] == "value" and
                .owner == "root" and (.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$"))'
}

@test "run returns the exit code of the process" {
        set_args /bin/true
        run contain run --bundle "$BUNDLE" "$(new_id a)"
        [ "$status" -eq 0 ]
        set_args /bin/sh -c 'exit 3'
        run contain run --bundle "$BUNDLE" "$(new_id b)"
        [ "$status" -eq 3 ]
        # (the init of a pid namespace cannot SIGKILL itself: no pid namespace here)
        set_args /bin/sh -c 'kill -9 $$'
        update_config 'del(.linux.namespaces[] | select(.type == "pid"))'
        run contain run --bundle "$BUNDLE" "$(new_id c)"
        [ "$status" -eq 137 ]
        # run deletes what it created
        [ -z "$(ls "$ROOT")" ]
}

@test "signals the caller ignores are not ignored in the container, run and create+start" {
        set_args /bin/grep -E '^Sig(Ign|Blk):' /proc/self/status
        # SIGHUP and SIGPIPE ignored by the caller (nohup, a shell with trap ''), SIGUSR1 too
        run bash -c 'trap "" HUP PIPE USR1; exec "$@"' _ "$CONTAIN" --root "$ROOT" run --bundle "$BUNDLE" "$(new_id r)"
        [ "$status" -eq 0 ]
        [[ "$output" == *"SigIgn:	0000000000000000"* ]]
        [[ "$output" == *"SigBlk:	0000000000000000"* ]]
        id=$(new_id c)
        bash -c 'trap "" HUP PIPE USR1; exec "$@"' _ "$CONTAIN" --root "$ROOT" create --bundle "$BUNDLE" "$id" > "$BATS_TEST_TMPDIR/out" 2>&1
        contain start "$id"
        wait_for_status "$id" 5 stopped
        contain delete "$id"
        grep -q "SigIgn:	0000000000000000" "$BATS_TEST_TMPDIR/out"
}

@test "a caller that ignores SIGCHLD: run, exec and hooks still wait for their processes" {
        # the kernel reaps the children of a process that ignores SIGCHLD: run said "wait for
        # process N: No child processes" (review37); runc works
        sigchld_ignored() {
                python3 -c 'import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])' "$@"
        }
        set_args /bin/sh -c 'exit 3'
        update_config '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 0"]}]'
        run sigchld_ignored "$CONTAIN" --root "$ROOT" run --bundle "$BUNDLE" "$(new_id r)"
        echo "$output"
        [ "$status" -eq 3 ]
        [ -z "$(ls "$ROOT")" ]
        set_args /bin/sleep 100
        id=$(new_id e)
        contain run -d --bundle "$BUNDLE" "$id" </dev/null
        run sigchld_ignored "$CONTAIN" --root "$ROOT" exec "$id" /bin/sh -c 'exit 4'
        echo "$output"
        [ "$status" -eq 4 ]
        contain delete --force "$id"
}

@test "a created container that is paused shows paused, resumes to created and starts" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        # pause accepts a created container (as runc does): its status must say so, and
        # resume must take it back, else it stays frozen with a status of "created"
        contain pause "$id"
        [ "$(state_field "$id" status)" = paused ]
        contain resume "$id"
        [ "$(state_field "$id" status)" = created ]
        contain start "$id"
        [ "$(state_field "$id" status)" = running ]
        contain delete --force "$id"
}

@test "run passes stdout and stderr through" {
        set_args /bin/sh -c 'echo to-stdout; echo to-stderr >&2'
        contain run --bundle "$BUNDLE" "$(new_id)" >"$TEST_DIR/out" 2>"$TEST_DIR/err"
        [ "$(cat "$TEST_DIR/out")" = to-stdout ]
        [ "$(cat "$TEST_DIR/err")" = to-stderr ]
}

@test "the pid file holds the init pid without a trailing newline" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" --pid-file "$TEST_DIR/pid" "$id"
        [ "$(cat "$TEST_DIR/pid")" = "$(state_field "$id" pid)" ]
        [ "$(wc -l < "$TEST_DIR/pid")" -eq 0 ]
}

@test "a run that fails after its create removes the pid file it wrote; one that succeeds keeps it" {
        # the startContainer hook runs in the init after start: create (and its pid file) is done
        update_config '.hooks = {"startContainer": [{"path": "/bin/false"}]}'
        id=$(new_id a)
        run contain run --bundle "$BUNDLE" --pid-file "$TEST_DIR/a.pid" "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"startContainer hook #0"* ]]
        [ ! -e "$TEST_DIR/a.pid" ]
        [ ! -e "$ROOT/$id" ]
        # a pid file that cannot be written fails the run, which touches nothing on its path
        echo 1 > "$TEST_DIR/other.pid"
        id=$(new_id b)
        run contain run --bundle "$BUNDLE" --pid-file "$TEST_DIR/other.pid/x" "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"--pid-file $TEST_DIR/other.pid/x"* ]]
        [ "$(cat "$TEST_DIR/other.pid")" = 1 ]
        [ ! -e "$ROOT/$id" ]

        update_config 'del(.hooks)'
        set_args /bin/sleep 100
        id=$(new_id c)
        contain run -d --bundle "$BUNDLE" --pid-file "$TEST_DIR/c.pid" "$id"
        [ "$(cat "$TEST_DIR/c.pid")" = "$(state_field "$id" pid)" ]
}

@test "run: the startContainer hooks and the process come after the --pid-file, however late it is written" {
        command -v strace >/dev/null || skip "strace is not installed (tests/faults/packages)"
        mkdir "$TEST_DIR/pf"
        update_config '.mounts += [{"destination": "/pf", "type": "bind", "source": "'"$TEST_DIR"'/pf", "options": ["rbind"]}]
                | .hooks = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "test -s /pf/p"]}]}'
        set_args /bin/sh -c 'test -s /pf/p'
        id=$(new_id)
        # every rename of the runtime (the pid file's among them) held back 0.3 s: nothing of
        # the container may get ahead of the pid file meanwhile
        run traced -o /dev/null \
                -e trace=renameat,renameat2 -e inject=renameat,renameat2:delay_enter=300000 \
                "$CONTAIN" --root "$ROOT" run --bundle "$BUNDLE" --pid-file "$TEST_DIR/pf/p" "$id"
        [ "$status" -eq 0 ]
        [ ! -e "$ROOT/$id" ]
        # the same without the hook: only the process looks
        update_config 'del(.hooks)'
        set_args /bin/sh -c 'test -s /pf/p2'
        id=$(new_id b)
        run traced -o /dev/null \
                -e trace=renameat,renameat2 -e inject=renameat,renameat2:delay_enter=300000 \
                "$CONTAIN" --root "$ROOT" run --bundle "$BUNDLE" --pid-file "$TEST_DIR/pf/p2" "$id"
        [ "$status" -eq 0 ]
        [ ! -e "$ROOT/$id" ]
}

# run sends its init SYNC_START before the init asks for it, but only once the runtime's own
# part is done: the state with the pid, the saved config, the network namespace's lo.  Each
# test slows or breaks that part under strace (without -f: the runtime only) and looks for
# the process having got ahead of it.

@test "run: the process sees lo up, however late the runtime brings it up" {
        command -v strace >/dev/null || skip "strace is not installed (tests/faults/packages)"
        update_config 'del(.linux.resources)'
        set_args /bin/cat /sys/class/net/lo/operstate
        run traced -o /dev/null -e trace=ioctl -e inject=ioctl:delay_enter=300000 \
                "$CONTAIN" --root "$ROOT" --cgroup-manager=disabled run --bundle "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = unknown ]         # lo's operstate when up (down: "down")
}

@test "run: when the runtime's state write fails, the process never runs" {
        command -v strace >/dev/null || skip "strace is not installed (tests/faults/packages)"
        mkdir "$TEST_DIR/mark"
        update_config 'del(.linux.resources) | .mounts += [{"destination": "/mark", "type": "bind", "source": "'"$TEST_DIR"'/mark", "options": ["rbind"]}]'
        set_args /bin/sh -c 'echo ran > /mark/ran'
        id=$(new_id)
        run traced -o /dev/null -e trace=renameat,renameat2 -e inject=renameat,renameat2:delay_enter=300000:error=ENOSPC:when=1 \
                "$CONTAIN" --root "$ROOT" --cgroup-manager=disabled run --bundle "$BUNDLE" "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"save container state"* ]]
        [ ! -e "$TEST_DIR/mark/ran" ]
        [ ! -e "$ROOT/$id" ]
}

@test "run killed while it writes the state: delete --force leaves no process" {
        command -v strace >/dev/null || skip "strace is not installed (tests/faults/packages)"
        update_config 'del(.linux.resources)'
        marker="sleep $((7000 + $$ % 1000))"
        set_args /bin/sh -c "exec $marker"
        id=$(new_id)
        local cmd=("$CONTAIN" --root "$ROOT" --cgroup-manager=disabled run --bundle "$BUNDLE" "$id")
        traced -o /dev/null -e trace=renameat,renameat2 -e inject=renameat,renameat2:delay_enter=1000000:when=1 \
                "${cmd[@]}" &
        local tracer=$!
        sleep 0.5
        # the runtime (and an init not yet past its exec: its command line is the same),
        # whatever it is doing by now
        pkill -KILL -xf -- "${cmd[*]}" || true
        wait "$tracer" || true
        contain delete --force "$id"
        no_process_left "^$marker\$"
        [ ! -e "$ROOT/$id" ]
}

# The init gets its network namespace before the runtime writes the state with its pid, and a
# created init waits on the exec fifo, where the runtime's death is not seen: a create killed
# in between left an init that delete --force could not find (faults: create-nocg ioctl:2).
@test "create killed before it recorded the init's pid: the init does not outlive it" {
        command -v strace >/dev/null || skip "strace is not installed (tests/faults/packages)"
        update_config 'del(.linux.resources)'
        marker="sleep $((9000 + $$ % 1000))"
        set_args /bin/sh -c "exec $marker"
        id=$(new_id)
        local cmd=("$CONTAIN" --root "$ROOT" --cgroup-manager=disabled create --bundle "$BUNDLE" "$id")
        # lo goes up (the second ioctl) after the init has its netns and before the state:
        # held back 10 s, while the init finishes its setup and says "ready"
        traced -o /dev/null -e trace=ioctl -e inject=ioctl:delay_enter=10000000:when=2 "${cmd[@]}" &
        local tracer=$!
        sleep 1
        kill_traced_runtime "${cmd[@]}"
        wait "$tracer" || true
        contain delete --force "$id"
        no_process_left "--bundle $BUNDLE $id\$"
        [ ! -e "$ROOT/$id" ]
}

# review29: after the early SYNC_START the process may run before the runtime has written
# "running"; a runtime killed then left the container "creating" until delete --force
@test "run killed after the process started: state says running, and kill + delete clean it up" {
        command -v strace >/dev/null || skip "strace is not installed (tests/faults/packages)"
        mkdir "$TEST_DIR/mark"
        update_config 'del(.linux.resources) | .mounts += [{"destination": "/mark", "type": "bind", "source": "'"$TEST_DIR"'/mark", "options": ["rbind"]}]
                | .hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "cat > '"$TEST_DIR"'/poststop.json"]}]'
        marker="sleep $((8000 + $$ % 1000))"
        set_args /bin/sh -c "echo ran > /mark/ran; exec $marker"
        id=$(new_id)
        local cmd=("$CONTAIN" --root "$ROOT" --cgroup-manager=disabled run --bundle "$BUNDLE" "$id")
        # renameat2 is called once per state write: the pid, the config, then "running" (held
        # back 10 s: the runtime is killed in it)
        traced -o /dev/null -e trace=renameat2 -e inject=renameat2:delay_enter=10000000:when=3 "${cmd[@]}" &
        local tracer=$!
        local i
        for i in $(seq 1 100); do
                [ -e "$TEST_DIR/mark/ran" ] && break
                sleep 0.05
        done
        [ -e "$TEST_DIR/mark/ran" ]
        kill_traced_runtime "${cmd[@]}"
        wait "$tracer" || true
        [ "$(jq -r .status "$ROOT/$id/state.json")" = creating ]
        [ "$(state_field "$id" status)" = running ]
        run contain delete "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"not stopped: running"* ]]
        contain kill "$id" KILL
        wait_for_status "$id" 5 stopped
        contain delete "$id"
        [ ! -e "$ROOT/$id" ]
        no_process_left "^$marker\$"
        # the process ran: its poststop hooks are due as after any create (review30)
        [ "$(jq -r .status "$TEST_DIR/poststop.json")" = stopped ]
}

@test "a failed run removes its pid file where it wrote it, even when the path leads elsewhere by then" {
        mkdir -p "$TEST_DIR/sw/A" "$TEST_DIR/sw/B"
        ln -s A "$TEST_DIR/sw/link"
        # after create wrote link/p (in A), the hook copies it to B, points link at B and fails
        update_config '.mounts += [{"destination": "/sw", "type": "bind", "source": "'"$TEST_DIR"'/sw", "options": ["rbind"]}]
                | .hooks = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c",
                    "cp /sw/A/p /sw/B/p && ln -sfn B /sw/link.n && mv -T /sw/link.n /sw/link; exit 1"]}]}'
        id=$(new_id)
        run contain run --bundle "$BUNDLE" --pid-file "$TEST_DIR/sw/link/p" "$id"
        [ "$status" -ne 0 ]
        [ "$(readlink "$TEST_DIR/sw/link")" = B ]
        [ ! -e "$TEST_DIR/sw/A/p" ]
        [ -s "$TEST_DIR/sw/B/p" ]
        [ ! -e "$ROOT/$id" ]
}

@test "list shows every container with its status" {
        set_args /bin/sleep 100
        a=$(new_id a) b=$(new_id b) c=$(new_id c)
        contain create --bundle "$BUNDLE" "$a"
        contain create --bundle "$BUNDLE" "$b"
        contain start "$b"
        set_args /bin/true
        contain create --bundle "$BUNDLE" "$c"
        contain start "$c"
        wait_for_status "$c" 5 stopped
        run contain list --format json
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | jq -r --arg i "$a" '.[] | select(.id == $i) | .status')" = created ]
        [ "$(echo "$output" | jq -r --arg i "$b" '.[] | select(.id == $i) | .status')" = running ]
        [ "$(echo "$output" | jq -r --arg i "$c" '.[] | select(.id == $i) | .status')" = stopped ]
        run contain list
        [ "$status" -eq 0 ]
        [[ "$output" == *ID*STATUS* ]]
        echo "$output" | grep -E "^$b +[0-9]+ +running"
        run contain list -q
        [ "$(echo "$output" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$a" "$b" "$c" | sort | tr '\n' ' ')" ]
}

@test "list names each container's owner, also when owners alternate" {
        set_args /bin/true
        a=$(new_id a) b=$(new_id b) c=$(new_id c)
        for id in "$a" "$b" "$c"; do contain create --bundle "$BUNDLE" "$id"; done
        # as if a user with uid 1 (daemon) had made b: list looks the names up once per owner run
        jq -c '.ownerUid = 1' "$ROOT/$b/state.json" > "$ROOT/$b/state.new" && mv "$ROOT/$b/state.new" "$ROOT/$b/state.json"
        run contain list --format json
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | jq -r --arg a "$a" --arg b "$b" --arg c "$c" \
                '[.[] | select(.id == $a or .id == $b or .id == $c) | .owner] | join(" ")')" = "root $(getent passwd 1 | cut -d: -f1) root" ]
        run contain state "$b"
        [ "$(echo "$output" | jq -r .owner)" = "$(getent passwd 1 | cut -d: -f1)" ]
}

@test "--root keeps containers apart" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        other=$TEST_DIR/other-root
        run "$CONTAIN" --root "$other" list -q
        [ "$status" -eq 0 ]
        [ -z "$output" ]
        run "$CONTAIN" --root "$other" state "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"does not exist"* ]]
        [ "$(state_field "$id" status)" = created ]
}

@test "start refuses a container that is not created" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        run contain start "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"already running"* ]]
        run contain start nope-$$
        [ "$status" -ne 0 ]
        [[ "$output" == *"container \"nope-$$\" does not exist"* ]]
}

@test "kill takes a number, a name or SIGNAME; kill of a stopped container fails, --all does not" {
        set_args /bin/sh -c 'trap "exit 7" USR1; while :; do sleep 0.1; done'
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        # a number with blanks is no signal: " 9" was SIGKILL (review35); RTMIN+N wrapped (review37)
        for sig in " 9" "9 " "	9" "RTMIN+4294967297"; do
                run contain kill "$id" "$sig"
                [ "$status" -ne 0 ]
                [[ "$output" == *"invalid signal \"$sig\""* ]]
        done
        [ "$(state_field "$id" status)" = running ]
        contain kill "$id" SIGUSR1
        wait_for_status "$id" 5 stopped
        run contain kill "$id" 9
        [ "$status" -eq 1 ]
        [[ "$output" == *"container not running"* ]]
        run contain kill --all "$id" KILL
        [ "$status" -eq 0 ]
        run contain kill "$id" NOTASIGNAL
        [ "$status" -ne 0 ]
        [[ "$output" == *"invalid signal"* ]]
}

@test "kill sends SIGTERM by default" {
        set_args /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        sleep 0.3
        contain kill "$id"
        wait_for_status "$id" 5 stopped
}

@test "delete refuses a running container and changes nothing; --force removes it" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        pid=$(state_field "$id" pid)
        run contain delete "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"not stopped"* ]]
        [ "$(state_field "$id" status)" = running ]
        contain delete --force "$id"
        [ ! -e "$ROOT/$id" ]
        ! kill -0 "$pid" 2>/dev/null
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null)" ]
}

@test "delete --force of an unknown id succeeds, delete without it fails" {
        run contain delete --force "unknown-$$"
        [ "$status" -eq 0 ]
        run contain delete "unknown-$$"
        [ "$status" -eq 1 ]
        [[ "$output" == *"container \"unknown-$$\" does not exist"* ]]
}

@test "a created container can be deleted, with or without --force (like runc)" {
        set_args /bin/sleep 100
        for force in --force ""; do
                id=$(new_id "c$force")
                contain create --bundle "$BUNDLE" "$id"
                pid=$(state_field "$id" pid)
                contain delete $force "$id"
                ! kill -0 "$pid" 2>/dev/null
                [ ! -e "$ROOT/$id" ]
        done
}

@test "ps lists the host pids of the container" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        pid=$(state_field "$id" pid)
        run contain ps --format json "$id"
        [ "$status" -eq 0 ]
        echo "$output" | jq -e --argjson p "$pid" 'index($p) != null'
}

@test "ps ID [ps options] runs ps(1) over the container's processes only, as runc" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        pid=$(state_field "$id" pid)
        run contain ps "$id"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == UID*PID*PPID*CMD ]]
        [ "${#lines[@]}" -eq 2 ]
        [ "$(echo "${lines[1]}" | awk '{print $2}')" = "$pid" ]
        [[ "${lines[1]}" == *"sleep 100" ]]
        run contain ps "$id" -o pid,comm
        [ "$status" -eq 0 ]
        [ "$(echo "${lines[0]}" | awk '{print $1, $2}')" = "PID COMMAND" ]
        [ "$(echo "${lines[1]}" | awk '{print $1, $2}')" = "$pid sleep" ]
        run contain ps --format json "$id" -ef
        [ "$status" -ne 0 ]
        [[ "$output" == *"cannot be used with --format json"* ]]
        run contain ps "$id" -o comm
        [ "$status" -ne 0 ]
        [[ "$output" == *"no PID column"* ]]
}

@test "list on a --root that does not exist prints an empty list" {
        run "$CONTAIN" --root "$TEST_DIR/nowhere" list
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ "${lines[0]}" == ID*STATUS* ]]
        run "$CONTAIN" --root "$TEST_DIR/nowhere" list --format json
        [ "$output" = "[]" ]
        [ ! -e "$TEST_DIR/nowhere" ]
}

@test "the commands that return at once leave nobody holding their stdout" {
        set_args /bin/sleep 100
        id=$(new_id)
        # $(...) reads to EOF: it would hang if a process kept our pipe (create's stdio is
        # the container's, by design)
        contain create --bundle "$BUNDLE" "$id" >/dev/null 2>&1
        out=$(contain start "$id" 2>&1)
        out=$(contain state "$id" 2>&1)
        out=$(contain kill "$id" KILL 2>&1)
        wait_for_status "$id" 5 stopped
        out=$(contain delete "$id" 2>&1)
}

@test "run forwards signals to the container process" {
        set_args /bin/sh -c 'trap "echo got-term; exit 0" TERM; touch /ready; while :; do sleep 0.1; done'
        id=$(new_id)
        "$CONTAIN" --root "$ROOT" run --bundle "$BUNDLE" "$id" >"$TEST_DIR/out" 2>&1 & rpid=$!
        for i in $(seq 100); do [ -e "$BUNDLE/rootfs/ready" ] && break; sleep 0.05; done
        [ -e "$BUNDLE/rootfs/ready" ]
        kill -TERM "$rpid"
        s=0
        wait "$rpid" || s=$?
        [ "$s" -eq 0 ]
        grep -q got-term "$TEST_DIR/out"
        [ ! -e "$ROOT/$id" ]
}

@test "run --detach returns once the process runs, --keep keeps a stopped container" {
        set_args /bin/sleep 100
        id=$(new_id)
        contain run --detach --bundle "$BUNDLE" "$id" >/dev/null 2>&1
        [ "$(state_field "$id" status)" = running ]
        set_args /bin/true
        k=$(new_id k)
        contain run --keep --bundle "$BUNDLE" "$k"
        [ "$(state_field "$k" status)" = stopped ]
}

@test "without a pid namespace, delete kills what the init left behind" {
        update_config 'del(.linux.namespaces[] | select(.type == "pid"))'
        set_args /bin/sh -c 'sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > /bgpid'
        id=$(new_id)
        contain run --keep --bundle "$BUNDLE" "$id"
        bg=$(cat "$BUNDLE/rootfs/bgpid")
        kill -0 "$bg"
        [ "$(state_field "$id" status)" = stopped ]
        contain delete "$id"
        for i in $(seq 50); do kill -0 "$bg" 2>/dev/null || break; sleep 0.1; done
        ! kill -0 "$bg" 2>/dev/null
}

@test "without a pid namespace, kill signals every process of the container" {
        update_config 'del(.linux.namespaces[] | select(.type == "pid"))'
        set_args /bin/sh -c 'sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > /bgpid; exec sleep 1001'
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id"
        contain start "$id"
        for i in $(seq 50); do [ -s "$BUNDLE/rootfs/bgpid" ] && break; sleep 0.1; done
        bg=$(cat "$BUNDLE/rootfs/bgpid")
        kill -0 "$bg"
        contain kill "$id" TERM
        for i in $(seq 50); do kill -0 "$bg" 2>/dev/null || break; sleep 0.1; done
        ! kill -0 "$bg" 2>/dev/null
        wait_for_status "$id" 5 stopped
}

@test "state never says stopped while create is still running" {
        set_args /bin/sleep 100
        update_config '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "sleep 1"]}]'
        id=$(new_id)
        contain create --bundle "$BUNDLE" "$id" & creator=$!
        seen=" "
        while kill -0 "$creator" 2>/dev/null; do
                s=$(contain state "$id" 2>/dev/null | jq -r .status)
                seen+="${s:-none} "
        done
        wait "$creator"
        echo "statuses seen: $seen"
        [[ "$seen" == *" creating "* ]]
        [[ "$seen" != *" stopped "* ]]
        [ "$(state_field "$id" status)" = created ]
}

@test "a missing --root is made (0700 each), an existing one is used as it is, a file is refused" {
        ROOT=$TEST_DIR/new/a/b
        id=$(new_id)
        set_args /bin/sleep 100
        contain create --bundle "$BUNDLE" "$id"
        [ "$(stat -c %a "$TEST_DIR/new")" = 700 ]
        [ "$(stat -c %a "$TEST_DIR/new/a/b")" = 700 ]
        [ "$(state_field "$id" status)" = created ]
        # the second container finds the root there
        id2=$(new_id b)
        contain create --bundle "$BUNDLE" "$id2"
        [ "$(contain list -q | sort | tr '\n' ' ')" = "$(printf '%s\n' "$id" "$id2" | sort | tr '\n' ' ')" ]
        contain delete --force "$id"
        contain delete --force "$id2"

        : > "$TEST_DIR/file"
        ROOT=$TEST_DIR/file
        run contain create --bundle "$BUNDLE" "$(new_id c)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"$TEST_DIR/file"* ]]
        ROOT=$TEST_DIR/new/a/b
}
