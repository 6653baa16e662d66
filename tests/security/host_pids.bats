#!/usr/bin/env bats
# Pids in state.json are the creating runtime's pid namespace's, and every command checks them
# against /proc/PID/stat.  A runtime whose /proc is another pid namespace's (`unshare --pid
# --fork` without --mount-proc) would record or signal a pid that names some other process:
# contain refuses to work there at all.  Each test puts a victim at the pid that matters.

load ../helpers

setup() {
        common_setup
        # LeakSanitizer reads /proc/PID/task of its own pid: not there with another namespace's /proc
        export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}
teardown() {
        [ -n "${VICTIM:-}" ] && kill -KILL "$VICTIM" 2>/dev/null
        common_teardown
}

# Starts `sleep 60` as VICTIM at a pid chosen here, high enough to be free in a new pid
# namespace and on the host alike; runs the rest of the command line ("$@") in the namespace
# that owns /proc/sys/kernel/ns_last_pid for the fork ($1: "host", or a command prefix).
# Sets PID_AT to the pid.  Skips when five tries found the pid taken by a racing fork.
victim_at_random_pid() {
        local max want try
        max=$(cat /proc/sys/kernel/pid_max)
        for try in 1 2 3 4 5; do
                want=$((20000 + (RANDOM * 32768 + RANDOM) % (max - 21000)))
                [ -e "/proc/$want" ] && continue
                echo $((want - 1)) > /proc/sys/kernel/ns_last_pid
                sleep 60 &
                VICTIM=$!
                if [ "$VICTIM" = "$want" ]; then
                        PID_AT=$want
                        return 0
                fi
                kill -KILL "$VICTIM"
                VICTIM=
        done
        skip "could not place a process at a chosen pid (the host forks too fast)"
}

@test "a runtime whose /proc is another pid namespace's refuses to create: the host process at its init's pid survives" {
        set_args /bin/sleep 30
        id=$(new_id)
        # the victim takes host pid P; in a new pid namespace the runtime is forked as P-1 and
        # clones the init as P, which the old runtime looked up in the host's /proc: the
        # victim's start time went into state.json, and delete --force killed the victim
        victim_at_random_pid
        run unshare --pid --fork --kill-child sh -c 'echo $(($1 - 2)) > /proc/sys/kernel/ns_last_pid && "$2" --root "$3" run -d -b "$4" "$5"' \
                sh "$PID_AT" "$CONTAIN" "$ROOT" "$BUNDLE" "$id"
        echo "$output"
        created=$status
        contain delete --force "$id" 2>/dev/null || true
        contain kill "$id" KILL 2>/dev/null || true
        sleep 0.1
        kill -0 "$VICTIM"
        [ "$created" -ne 0 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == "contain: /proc is another pid namespace's (/proc/self is "*", our pid "*"): its pids are not ours; mount a proc for this one (unshare --pid --fork --mount-proc)" ]]
        [ ! -e "$ROOT/$id" ]
        [ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "$id" 2>/dev/null)" ]
}

@test "kill and delete from a pid namespace whose /proc is the host's refuse: the process at the container's pid there survives" {
        set_args /bin/sleep 30
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id"
        pid=$(state_field "$id" pid)
        # in a new pid namespace with the host's /proc, a process holds the container's pid
        # number: the old runtime matched the number against the host's /proc (the container's
        # init, alive) and then signalled the number in its own namespace: that process
        run unshare --pid --fork --kill-child sh -c '
                echo $(($1 - 1)) > /proc/sys/kernel/ns_last_pid
                sleep 30 &
                [ "$!" = "$1" ] || { echo "victim at $! instead of $1"; exit 3; }
                "$2" --root "$3" kill "$4" KILL; echo "kill=$?"
                "$2" --root "$3" delete --force "$4"; echo "delete=$?"
                sleep 0.1
                kill -0 "$!" && echo "victim alive"' sh "$pid" "$CONTAIN" "$ROOT" "$id"
        echo "$output"
        [ "$status" -ne 3 ]
        [[ "$output" == *"kill=1"* ]]
        [[ "$output" == *"delete=1"* ]]
        [[ "$output" == *"victim alive"* ]]
        [[ "$output" == *"contain: /proc is another pid namespace's"* ]]
        # the container itself was not touched, and is deleted as usual from here
        [ "$(state_field "$id" status)" = running ]
        contain delete --force "$id"
}

@test "in a new pid namespace with a proc of its own (unshare --mount-proc) the runtime works as usual" {
        set_args /bin/sh -c 'echo inside'
        id=$(new_id)
        run unshare --pid --fork --mount-proc --kill-child "$CONTAIN" --root "$ROOT" run -b "$BUNDLE" "$id"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = inside ]
        [ ! -e "$ROOT/$id" ]
}
