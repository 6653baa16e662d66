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
        local id
        for id in $(ls "$TEST_DIR/root2" 2>/dev/null); do
                "$CONTAIN" --root "$TEST_DIR/root2" delete --force "$id" >/dev/null 2>&1
        done
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

# Runs each contain command line ($2...) under the namespace command prefix $1 (split on
# spaces): each must fail as a container made in another pid or time namespace.
refused_from() {
        local prefix=$1 cmd
        shift
        for cmd in "$@"; do
                run $prefix "$CONTAIN" --root "$ROOT" $cmd
                echo "$prefix $cmd: $status $output"
                [ "$status" -ne 0 ] || return 1
                [[ "$output" == *"was created in another pid or time namespace"* ]] || return 1
        done
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
        [[ "$output" =~ ^"contain: /proc is another pid namespace's (its NSpid for us: "[0-9]+" "[0-9]+"; our pid: "[0-9]+"): its pids are not ours; mount a proc for this one (unshare --pid --fork --mount-proc)"$ ]]
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

# review31: the check compared /proc/self with getpid() only, which a runtime whose pid has the
# same number in its namespace and in /proc's passes.  The runtime here is forked as V-1 in both
# (each namespace's ns_last_pid set to V-2), the victim holds host pid V: the init is V in the
# new namespace, and the old runtime recorded the victim as the container.
@test "a runtime whose pid has the same number in /proc's namespace is refused too (NSpid): the host process at its init's pid survives" {
        set_args /bin/sleep 30
        id=$(new_id)
        victim_at_random_pid
        go=$TEST_DIR/go
        unshare --pid --fork --kill-child sh -c '
                while [ ! -e "$1" ]; do :; done
                echo $(($2 - 2)) > /proc/sys/kernel/ns_last_pid
                "$3" --root "$4" run -d -b "$5" "$6" > "$1.out" 2>&1
                echo $? > "$1.rc"
                sleep 30' sh "$go" "$PID_AT" "$CONTAIN" "$ROOT" "$BUNDLE" "$id" &
        ns=$!
        sleep 0.3
        # no fork of ours between these two and the runtime's: builtins only until it is done
        echo $((PID_AT - 2)) > /proc/sys/kernel/ns_last_pid
        : > "$go"
        i=0
        while [[ ! -s $go.rc ]] && ((i++ < 20000000)); do :; done
        cat "$go.out"
        contain delete --force "$id" 2>/dev/null || true
        sleep 0.1
        kill -0 "$VICTIM"
        [ "$(cat "$go.rc")" -ne 0 ]
        grep -q "contain: /proc is another pid namespace's (its NSpid for us: " "$go.out"
        [ ! -e "$ROOT/$id" ]
        kill "$ns"
        wait "$ns" || true
}

# review31: in a time namespace /proc/PID/stat's start time is shifted by its boottime offset:
# every container looked stopped, and a plain delete destroyed a running one's cgroup.  The
# recorded start time is now converted by the offsets (review32 beat a first fix that compared
# the time namespaces' inode numbers, which the kernel gives out again)
@test "from a time namespace with another boot time a running container is running: delete refuses, it runs on" {
        set_args /bin/sleep 30
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id"
        run unshare --time --boottime 1000 "$CONTAIN" --root "$ROOT" delete "$id"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"that is not stopped: running" ]]
        run unshare --time --boottime 1000 "$CONTAIN" --root "$ROOT" state "$id"
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | jq -r .status)" = running ]
        [ "$(state_field "$id" status)" = running ]
        contain delete --force "$id"
}

# review31: a runtime in a pid namespace of its own (with its own /proc) found no process at a
# host container's pid: "stopped", and a plain delete killed the container through its cgroup
@test "from another pid namespace with its own /proc, delete, exec and kill refuse: the container runs on" {
        set_args /bin/sleep 30
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id"
        refused_from "unshare --pid --fork --mount-proc" "delete $id" "exec $id /bin/true" "kill $id KILL" \
                "kill --all $id KILL" "start $id"
        [ "$(state_field "$id" status)" = running ]
        contain delete --force "$id"
}

# review31: without a cgroup, delete --force from the host removed the state of a container a
# runtime in a child pid namespace made, and the container ran on
@test "delete --force refuses a container of a live child pid namespace (here without cgroups), and takes it once that namespace is gone" {
        update_config 'del(.linux.resources)'
        set_args /bin/sleep 30
        id=$(new_id)
        unshare --pid --fork --mount-proc --kill-child sh -c '"$1" --cgroup-manager disabled --root "$2" run -d -b "$3" "$4"; exec sleep 60' \
                sh "$CONTAIN" "$ROOT" "$BUNDLE" "$id" &
        ns=$!
        for i in $(seq 1 100); do [ -s "$ROOT/$id/state.json" ] && [ "$(state_field "$id" status 2>/dev/null)" = unknown ] && break; sleep 0.05; done
        [ "$(state_field "$id" status)" = unknown ]
        run contain delete --force "$id"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"was created in another pid or time namespace"*"manage it from there" ]]
        pgrep -f "^/bin/sleep 30\$" >/dev/null
        kill "$ns"
        wait "$ns" || true
        no_process_left "^/bin/sleep 30\$"
        contain delete --force "$id"
        [ ! -e "$ROOT/$id" ]
}

@test "list where /proc is another pid namespace's fails with the same message as state (it listed nothing)" {
        set_args /bin/sleep 30
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id"
        run unshare --pid --fork --kill-child "$CONTAIN" --root "$ROOT" list
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == "contain: /proc is another pid namespace's"* ]]
        contain delete --force "$id"
}

# review31: a container of a second --root with the same id took the first's empty cgroup (the
# same default cgroupsPath); ps, kill --all and delete of the first, stopped, reached the second
@test "ps, kill --all and delete of a stopped container leave another --root's container that took its cgroup" {
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id"
        wait_for_status "$id" 5 stopped
        set_args /bin/sleep 30
        "$CONTAIN" --root "$TEST_DIR/root2" run -d -b "$BUNDLE" "$id"
        run contain ps "$id"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -le 1 ]
        contain kill --all "$id" KILL
        run contain delete "$id"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"its cgroup holds processes that are not the container's: left in place"* ]]
        [ ! -e "$ROOT/$id" ]
        sleep 0.1
        [ "$("$CONTAIN" --root "$TEST_DIR/root2" state "$id" | jq -r .status)" = running ]
        "$CONTAIN" --root "$TEST_DIR/root2" delete --force "$id"
}

# review32: a container of a pid namespace that is gone counted as "unknown", and delete
# --force killed through its cgroup what another --root's container had put there since
@test "a container whose creator's pid namespace is gone is stopped: delete --force leaves another --root's container in its cgroup" {
        set_args /bin/sleep 30
        id=$(new_id)
        # contain is that namespace's pid 1: with run -d the namespace ends when it exits
        unshare --pid --fork --mount-proc "$CONTAIN" --root "$ROOT" run -d -b "$BUNDLE" "$id"
        [ "$(state_field "$id" status)" = stopped ]
        "$CONTAIN" --root "$TEST_DIR/root2" run -d -b "$BUNDLE" "$id"
        run contain delete --force "$id"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"left in place"* ]]
        [ ! -e "$ROOT/$id" ]
        [ "$("$CONTAIN" --root "$TEST_DIR/root2" state "$id" | jq -r .status)" = running ]
        "$CONTAIN" --root "$TEST_DIR/root2" delete --force "$id"
}

# review32: start times were compared only in the creator's time namespace, identified by an
# inode number the kernel gives out again; from elsewhere a running container looked stopped.
# Start times are now converted by the boottime offsets (recorded and ours).
@test "a container made in a time namespace with a boottime offset is running from the host and from a fresh time namespace" {
        update_config '.linux.namespaces += [{"type": "time"}]'
        set_args /bin/sleep 30
        id=$(new_id)
        unshare --time --boottime 5000 "$CONTAIN" --root "$ROOT" run -d -b "$BUNDLE" "$id"
        [ "$(state_field "$id" status)" = running ]
        run unshare --time "$CONTAIN" --root "$ROOT" state "$id"
        [ "$(echo "$output" | jq -r .status)" = running ]
        run unshare --time "$CONTAIN" --root "$ROOT" delete "$id"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"that is not stopped: running"* ]]
        run contain delete "$id"
        [ "$status" -ne 0 ]
        [ "$(state_field "$id" status)" = running ]
        contain kill "$id" KILL
        wait_for_status "$id" 5 stopped
        contain delete "$id"
        [ ! -e "$ROOT/$id" ]
}

@test "without a cgroup, a container made in a time namespace that has exited is stopped and deleted from the host" {
        update_config 'del(.linux.resources)'
        set_args /bin/true
        id=$(new_id)
        unshare --time --boottime 5000 "$CONTAIN" --cgroup-manager disabled --root "$ROOT" run -d -b "$BUNDLE" "$id"
        wait_for_status "$id" 5 stopped
        contain delete "$id"
        [ ! -e "$ROOT/$id" ]
}

# review32: NSpid was looked for in the first 4096 bytes of /proc/self/status only, after the
# Groups line, which ~700 supplementary groups push past it; the fallback was the check review31
# fooled
@test "with 801 supplementary groups the /proc check still reads NSpid" {
        groups=$(seq 100000 100800 | paste -sd,)
        run unshare --pid --fork setpriv --groups "$groups" "$CONTAIN" --root "$ROOT" list
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == "contain: /proc is another pid namespace's (its NSpid for us: "* ]]
        run setpriv --groups "$groups" "$CONTAIN" --root "$ROOT" list
        [ "$status" -eq 0 ]
}

# review33: the kernel adds a negative boottime offset in unsigned ns, so a process that started
# before the namespace's zero shows a wrapped start time: the container looked stopped, and a
# plain delete removed its state (or killed it, without a pid namespace of its own)
@test "from a time namespace whose negative boottime offset puts the container's start before zero, it is unknown and delete refuses" {
        set_args /bin/sleep 30
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id"
        sleep 2
        up=$(cut -d. -f1 /proc/uptime)
        run unshare --time --boottime -$((up - 1)) "$CONTAIN" --root "$ROOT" state "$id"
        [ "$(echo "$output" | jq -r .status)" = unknown ]
        refused_from "unshare --time --boottime -$((up - 1))" "delete $id" "delete --force $id"
        [ "$(state_field "$id" status)" = running ]
        contain delete --force "$id"
}

# review33: from the host a container of a live child pid namespace is unknown, and delete
# --force killed through its cgroup another --root's container that had taken it
@test "delete --force of a container of a live child pid namespace leaves another --root's container in its cgroup" {
        set_args /bin/true
        id=$(new_id)
        unshare --pid --fork --mount-proc --kill-child sh -c '"$1" --root "$2" run -d -b "$3" "$4"; exec sleep 60' \
                sh "$CONTAIN" "$ROOT" "$BUNDLE" "$id" &
        ns=$!
        for i in $(seq 1 100); do [ "$(state_field "$id" status 2>/dev/null)" = unknown ] && break; sleep 0.05; done
        set_args /bin/sleep 30
        "$CONTAIN" --root "$TEST_DIR/root2" run -d -b "$BUNDLE" "$id"
        run contain delete --force "$id"
        echo "$output"
        [ "$status" -ne 0 ]
        [ "$("$CONTAIN" --root "$TEST_DIR/root2" state "$id" | jq -r .status)" = running ]
        "$CONTAIN" --root "$TEST_DIR/root2" delete --force "$id"
        # (on this machine, killing the namespace while the other container runs takes that
        # one along too, also with the contain before this change: not investigated.  What
        # delete leaves once the namespace is gone is tested above)
        kill "$ns"
        wait "$ns" || true
        contain delete --force "$id"
        [ ! -e "$ROOT/$id" ]
}

@test "a container whose init's main thread left while another runs is running: kill and delete reach it (review34)" {
        local id pid i
        cc -static -pthread -O2 -Wall -Werror -o "$BUNDLE/rootfs/zombie_leader" "$BATS_TEST_DIRNAME/zombie_leader.c"
        set_args /zombie_leader
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id" < /dev/null
        pid=$(state_field "$id" pid)
        for i in $(seq 1 100); do
                [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$pid/stat")" = Z ] && break
                sleep 0.05
        done
        [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$pid/stat")" = Z ]
        [ "$(state_field "$id" status)" = running ]
        [ "$(state_field "$id" pid)" = "$pid" ]
        contain kill "$id" KILL
        for i in $(seq 1 100); do
                [ -e "/proc/$pid" ] || break
                sleep 0.05
        done
        [ ! -e "/proc/$pid" ]
        [ "$(state_field "$id" status)" = stopped ]
        contain delete "$id"
}
