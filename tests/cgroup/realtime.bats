#!/usr/bin/env bats
# process.scheduler SCHED_FIFO/SCHED_RR on a kernel that groups realtime tasks by cgroup (v1
# cpu.rt_runtime_us, CONFIG_RT_GROUP_SCHED; issue 14): a new cgroup has no realtime budget, so
# without one sched_setattr fails with EPERM.  contain gives the container's cgroup a tenth of
# its period and the ancestors what that needs.

load ../helpers
load v1

setup() {
        common_setup
        [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "no RT group scheduling in this kernel (no cpu.rt_runtime_us)"
        ID=$(new_id rt)
        TOP=
}
teardown() {
        common_teardown
        # what a test made by hand below its own parent, deepest first
        if [ -n "$TOP" ] && [ -d "/sys/fs/cgroup/cpu/$TOP" ]; then
                find "/sys/fs/cgroup/cpu/$TOP" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
                rmdir "/sys/fs/cgroup/cpu/$TOP"
        fi
}

# fifo [PROCESS-ARGS...]: SCHED_FIFO priority 1, no linux.resources.cpu
fifo() {
        set_args "$@"
        update_config '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 1}'
}

@test "process.scheduler SCHED_FIFO without cpu.realtimeRuntime: the container's cgroup gets a budget and the init runs SCHED_FIFO" {
        fifo sh -c 'grep "^policy" /proc/1/sched; grep "^prio " /proc/1/sched; exec sleep 100'
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null >"$TEST_DIR/out" 2>&1
        pid=$(state_field "$ID" pid)
        dir=$(v1dir cpu "$pid")
        # the default: a tenth of the cgroup's period
        [ "$(cat "$dir/cpu.rt_runtime_us")" = $(( $(cat "$dir/cpu.rt_period_us") / 10 )) ]
        run chrt -p "$pid"
        echo "$output"
        [[ "${lines[0]}" == *"scheduling policy: SCHED_FIFO" ]]
        [[ "${lines[1]}" == *"scheduling priority: 1" ]]
        # inside: the kernel's own view of pid 1 (policy 1 = SCHED_FIFO; prio 98 = 99 - priority 1)
        wait_for_output "$TEST_DIR/out" '^prio '
        grep -Eq '^policy +: +1$' "$TEST_DIR/out"
        grep -Eq '^prio +: +98$' "$TEST_DIR/out"
        contain delete --force "$ID"
        [ ! -e "$dir" ]
}

@test "process.scheduler SCHED_RR below a new parent: the parent gets the budget once, not again for each container" {
        command -v chrt >/dev/null || skip "no chrt on the host"
        TOP=contain-bats-rt-$$
        # a plain container keeps the parent alive between the realtime ones
        update_config ".linux.cgroupsPath = \"/$TOP/keep\" | .process.args = [\"sleep\", \"100\"]"
        contain run -d --bundle "$BUNDLE" keep-$ID </dev/null
        [ "$(cat /sys/fs/cgroup/cpu/$TOP/cpu.rt_runtime_us)" = 0 ]
        set_args sh -c 'grep "^policy" /proc/self/sched'
        update_config ".linux.cgroupsPath = \"/$TOP/$ID\" |
                       .process.scheduler = {\"policy\": \"SCHED_RR\", \"priority\": 2}"
        for round in 1 2 3; do
                run contain run --bundle "$BUNDLE" "$ID"
                echo "round $round: $output"
                [ "$status" -eq 0 ]
                [[ "$output" =~ policy\ +:\ +2 ]]
                # the child's 100000 of 1000000, once (a grant on top of what it had would add up)
                [ "$(cat /sys/fs/cgroup/cpu/$TOP/cpu.rt_runtime_us)" = $(( $(cat /sys/fs/cgroup/cpu/$TOP/cpu.rt_period_us) / 10 )) ]
                [ ! -e /sys/fs/cgroup/cpu/$TOP/$ID ]
        done
        contain delete --force keep-$ID
        [ ! -e /sys/fs/cgroup/cpu/$TOP ]
}

@test "exec with process.scheduler SCHED_FIFO gives the container's cgroup its budget then" {
        set_args sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        dir=$(v1dir cpu "$(state_field "$ID" pid)")
        [ "$(cat "$dir/cpu.rt_runtime_us")" = 0 ]
        jq '.process | .args = ["sh", "-c", "grep ^policy /proc/self/sched"] |
            .scheduler = {"policy": "SCHED_FIFO", "priority": 1}' "$BUNDLE/config.json" > "$TEST_DIR/p.json"
        run contain exec --process "$TEST_DIR/p.json" "$ID"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" =~ policy\ +:\ +1 ]]
        [ "$(cat "$dir/cpu.rt_runtime_us")" != 0 ]
}

@test "process.scheduler SCHED_FIFO whose budget the ancestors cannot give: an error naming it, nothing left" {
        TOP=contain-bats-rt-$$
        local top=/sys/fs/cgroup/cpu/$TOP
        # a parent whose other child holds 860000 of 1000000: with a tenth more it would need
        # more than the 950000 the kernel allows any group (sched_rt_runtime_us)
        mkdir "$top" "$top/hog"
        echo 860000 > "$top/cpu.rt_runtime_us" ||
                skip "the system's realtime budget is held by other cgroups: $(grep -v '^0$' /sys/fs/cgroup/cpu/*/cpu.rt_runtime_us)"
        echo 860000 > "$top/hog/cpu.rt_runtime_us"
        fifo /bin/true
        update_config ".linux.cgroupsPath = \"/$TOP/$ID\""
        run contain run --bundle "$BUNDLE" "$ID"
        echo "$output"
        echo 0 > "$top/hog/cpu.rt_runtime_us"
        echo 0 > "$top/cpu.rt_runtime_us"
        [ "$status" -ne 0 ]
        [[ "$output" == *"process.scheduler SCHED_FIFO needs a realtime budget in cgroup $top/$ID"* ]]
        [[ "$output" == *"linux.resources.cpu.realtimeRuntime"* ]]
        [ ! -e "$top/$ID" ]
        [ ! -e "/sys/fs/cgroup/memory/$TOP" ]
        [ -z "$(ls "$ROOT")" ]
}

@test "process.scheduler SCHED_FIFO with cpu.realtimeRuntime: the config's budget, not the default" {
        fifo sleep 100
        update_config '.linux.resources.cpu = {"realtimeRuntime": 20000}'
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        [ "$(cat "$(v1dir cpu "$pid")/cpu.rt_runtime_us")" = 20000 ]
        run chrt -p "$pid"
        [[ "${lines[0]}" == *"SCHED_FIFO" ]]
}
