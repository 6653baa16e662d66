#!/usr/bin/env bats
# cgroup limits on this hybrid host (v1 memory/cpu/pids/cpuset/freezer hierarchies beside a
# cgroup2 "unified" mount): values in the v1 files, OOM and fork limits that hold, pause,
# update, events, ps, kill --all, and no cgroup left behind.  The pure v2 checks run in
# tests/vm/.

load ../helpers
load v1

setup() {
        common_setup
        [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ] || skip "not a hybrid/v1 host"
        ID=$(new_id cg)
}
teardown() { common_teardown; }

# limits PROCESS-ARGS...: 64M memory (no swap), 16 pids, cpu 50000/100000, shares 512
limits() {
        set_args "$@"
        update_config '.linux.resources.memory = {"limit": 67108864, "swap": 67108864} |
                       .linux.resources.pids = {"limit": 16} |
                       .linux.resources.cpu = {"quota": 50000, "period": 100000, "shares": 512}'
}

# every directory the container has: v1 hierarchies and the unified one
all_dirs() {
        local c
        for c in memory pids cpu cpuacct cpuset freezer devices blkio; do v1dir $c "$1"; done
        echo "/sys/fs/cgroup/unified$(sed -n 's/^0:://p' /proc/"$1"/cgroup)"
}
# no directory of the container's default path in any hierarchy
no_dirs_named() {
        local left
        left=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -type d -name "$1" 2>/dev/null)
        [ -z "$left" ] || { echo "left behind: $left" >&2; return 1; }
}

@test "v1 files hold the configured limits (memory, pids, cpu quota/period/shares, cpuset)" {
        limits sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        [ "$(cat "$(v1dir memory "$pid")/memory.limit_in_bytes")" = 67108864 ]
        [ "$(cat "$(v1dir memory "$pid")/memory.memsw.limit_in_bytes")" = 67108864 ]
        [ "$(cat "$(v1dir pids "$pid")/pids.max")" = 16 ]
        [ "$(cat "$(v1dir cpu "$pid")/cpu.cfs_quota_us")" = 50000 ]
        [ "$(cat "$(v1dir cpu "$pid")/cpu.cfs_period_us")" = 100000 ]
        [ "$(cat "$(v1dir cpu "$pid")/cpu.shares")" = 512 ]
        # v1 cpuset children start empty: the parent's cpus/mems are copied
        [ "$(cat "$(v1dir cpuset "$pid")/cpuset.cpus")" = "$(cat /sys/fs/cgroup/cpuset/cpuset.cpus)" ]
        # the default path is contain/<id> below the runtime's own cgroup in each hierarchy
        [[ "$(v1dir memory "$pid")" == */contain/"$ID" ]]
        [[ "$(sed -n 's/^0:://p' /proc/"$pid"/cgroup)" == */contain/"$ID" ]]
}

@test "memory.swappiness and disableOOMKiller alone reach the v1 memory hierarchy" {
        set_args sleep 100
        update_config '.linux.resources.memory = {"swappiness": 17, "disableOOMKiller": true}'
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        [ "$(cat "$(v1dir memory "$pid")/memory.swappiness")" = 17 ]
        grep -qx 'oom_kill_disable 1' "$(v1dir memory "$pid")/memory.oom_control"
}

@test "a 200M allocation under a 64M limit is OOM-killed, and events --stats counts it" {
        limits sh -c 'dd if=/dev/zero of=/dev/null bs=200M count=1; echo "dd_rc=$?"; exec sleep 100'
        contain run -d --bundle "$BUNDLE" "$ID" >"$TEST_DIR/out" 2>&1 </dev/null
        wait_for_output "$TEST_DIR/out" dd_rc
        grep -q '^dd_rc=137$' "$TEST_DIR/out"
        pid=$(state_field "$ID" pid)
        grep -q '^oom_kill [1-9]' "$(v1dir memory "$pid")/memory.oom_control"
        run contain events --stats "$ID"
        [ "$status" -eq 0 ]
        [ "$(jq -r .type <<<"$output")" = stats ]
        [ "$(jq -r .data.memory.oomKill <<<"$output")" -ge 1 ]
        [ "$(jq -r .data.memory.usage.limit <<<"$output")" = 67108864 ]
        [ "$(jq -r .data.pids.limit <<<"$output")" = 16 ]
}

@test "a fork loop stops at pids.max 16 and the container survives" {
        limits sh -c 'sh -c "i=0; while [ \$i -lt 40 ]; do sleep 100 & i=\$((i + 1)); done"; echo "inner_rc=$?"; exec sleep 100'
        contain run -d --bundle "$BUNDLE" "$ID" >"$TEST_DIR/out" 2>&1 </dev/null
        wait_for_output "$TEST_DIR/out" inner_rc
        pid=$(state_field "$ID" pid)
        grep -q "can't fork" "$TEST_DIR/out"
        [ "$(cat "$(v1dir pids "$pid")/pids.current")" -le 16 ]
        grep -q '^max [1-9]' "$(v1dir pids "$pid")/pids.events"
        [ "$(state_field "$ID" status)" = running ]
}

@test "pause freezes (state paused, freezer FROZEN), resume thaws (running)" {
        set_args sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        contain pause "$ID"
        [ "$(state_field "$ID" status)" = paused ]
        [ "$(cat "$(v1dir freezer "$pid")/freezer.state")" = FROZEN ]
        run contain pause "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"not running"* ]]
        contain resume "$ID"
        [ "$(state_field "$ID" status)" = running ]
        [ "$(cat "$(v1dir freezer "$pid")/freezer.state")" = THAWED ]
        run contain resume "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"not paused"* ]]
}

@test "update changes the limits of a running container (runc flags and -r)" {
        limits sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        contain update --memory 128M --memory-swap 128M --pids-limit 32 --cpu-quota 20000 --cpu-share 256 "$ID"
        [ "$(cat "$(v1dir memory "$pid")/memory.limit_in_bytes")" = 134217728 ]
        [ "$(cat "$(v1dir memory "$pid")/memory.memsw.limit_in_bytes")" = 134217728 ]
        [ "$(cat "$(v1dir pids "$pid")/pids.max")" = 32 ]
        [ "$(cat "$(v1dir cpu "$pid")/cpu.cfs_quota_us")" = 20000 ]
        [ "$(cat "$(v1dir cpu "$pid")/cpu.shares")" = 256 ]
        echo '{"memory": {"limit": 100663296, "swap": 100663296}, "pids": {"limit": 0}}' > "$TEST_DIR/res.json"
        contain update -r "$TEST_DIR/res.json" "$ID"
        [ "$(cat "$(v1dir memory "$pid")/memory.limit_in_bytes")" = 100663296 ]
        [ "$(cat "$(v1dir pids "$pid")/pids.max")" = max ]
        run contain update --memory lots "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"--memory"* ]]
}

@test "update refused halfway changes nothing: the values written before the refusal are put back (review35)" {
        limits sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        # shares go first and are taken; a quota of 100 us is below the kernel's 1 ms
        run contain update -r - "$ID" <<< '{"cpu": {"shares": 500, "quota": 100}, "pids": {"limit": 99}}'
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"cpu.cfs_quota_us"* ]]
        [ "$(cat "$(v1dir cpu "$pid")/cpu.shares")" = 512 ]
        [ "$(cat "$(v1dir cpu "$pid")/cpu.cfs_quota_us")" = 50000 ]
        [ "$(cat "$(v1dir pids "$pid")/pids.max")" = 16 ]
        # memory against memory+swap, refused in the middle: both as they were
        run contain update -r - "$ID" <<< '{"memory": {"limit": 33554432, "swap": 33554432}, "cpu": {"quota": 100}}'
        [ "$status" -ne 0 ]
        [ "$(cat "$(v1dir memory "$pid")/memory.limit_in_bytes")" = 67108864 ]
        [ "$(cat "$(v1dir memory "$pid")/memory.memsw.limit_in_bytes")" = 67108864 ]
        # and an update the kernel takes still applies
        contain update --cpu-share 256 "$ID"
        [ "$(cat "$(v1dir cpu "$pid")/cpu.shares")" = 256 ]
}

@test "update --memory-swap alone is taken against the current memory limit, as runc takes it (review35)" {
        limits sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        contain update --memory-swap 200M "$ID"
        [ "$(cat "$(v1dir memory "$pid")/memory.limit_in_bytes")" = 67108864 ]
        [ "$(cat "$(v1dir memory "$pid")/memory.memsw.limit_in_bytes")" = 209715200 ]
        run contain update --memory-swap 32M "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.resources.memory.swap: 33554432 is below memory.limit 67108864"* ]]
        [ "$(cat "$(v1dir memory "$pid")/memory.memsw.limit_in_bytes")" = 209715200 ]
}

@test "update -r: a JSON error points into the file itself; empty input says so (review35)" {
        printf '{\n"memory": {\n "limit": 1x\n}\n}\n' > "$TEST_DIR/res.json"
        run contain update -r "$TEST_DIR/res.json" "$ID"
        [ "$status" -ne 0 ]
        [ "$output" = "contain: --resources $TEST_DIR/res.json: invalid JSON: line 3, column 12: lexical error: invalid char in json text." ]
        run contain update -r - "$ID" < /dev/null
        [ "$status" -ne 0 ]
        [ "$output" = "contain: --resources -: empty, expected a linux.resources JSON object" ]
        run contain update -r - "$ID" <<< '{"memory":'
        [ "$status" -ne 0 ]
        [[ "$output" == "contain: --resources -: invalid JSON: line "*"premature EOF" ]]
}

@test "blockIO.weight lands in blkio.bfq.weight where BFQ replaced CFQ, on create and update" {
        set_args sleep 100
        update_config '.linux.resources.blockIO = {"weight": 500}'
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        dir=$(v1dir blkio "$(state_field "$ID" pid)")
        [ -e "$dir/blkio.weight" ] && skip "this host's scheduler has blkio.weight"
        [ "$(cat "$dir/blkio.bfq.weight")" = 500 ]
        contain update --blkio-weight 300 "$ID"
        [ "$(cat "$dir/blkio.bfq.weight")" = 300 ]
}

@test "update --memory -1 under a swap limit lifts both, in the order the kernel takes" {
        set_args sleep 100
        update_config '.linux.resources.memory = {"limit": 67108864, "swap": 134217728}'
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        dir=$(v1dir memory "$(state_field "$ID" pid)")
        [ -e "$dir/memory.memsw.limit_in_bytes" ] || skip "no swap accounting on this host"
        [ "$(cat "$dir/memory.memsw.limit_in_bytes")" = 134217728 ]
        contain update --memory -1 "$ID"
        [ "$(cat "$dir/memory.limit_in_bytes")" = "$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" ]
        [ "$(cat "$dir/memory.memsw.limit_in_bytes")" = "$(cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes)" ]
}

@test "cfs quota and period under a parent with a quota are written in the order that fits" {
        top=contain-bats-cfs-$$
        mkdir /sys/fs/cgroup/cpu/$top
        echo 100000 > /sys/fs/cgroup/cpu/$top/cpu.cfs_period_us
        echo 50000 > /sys/fs/cgroup/cpu/$top/cpu.cfs_quota_us
        update_config ".linux.cgroupsPath = \"/$top/$ID\" | .process.args = [\"sleep\", \"100\"] |
                       .linux.resources.cpu = {\"quota\": 40000, \"period\": 100000}"
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        # period first would ask for 40000/50000 of a parent that has 1/2: EINVAL
        run contain update --cpu-quota 20000 --cpu-period 50000 "$ID"
        got="$(cat /sys/fs/cgroup/cpu/$top/$ID/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/$top/$ID/cpu.cfs_period_us)"
        contain delete --force "$ID"
        rmdir /sys/fs/cgroup/cpu/$top 2>/dev/null || true
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$got" = "20000 50000" ]
}

@test "cpu.realtimeRuntime works below a parent without a realtime budget" {
        [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "no RT group scheduling in this kernel"
        top=contain-bats-rt-$$
        set_args /bin/cat /sys/fs/cgroup/cpu/cpu.rt_runtime_us /sys/fs/cgroup/cpu/cpu.rt_period_us
        # a new parent has no budget (0): the kernel refuses any child's runtime until it has one
        update_config ".linux.cgroupsPath = \"/$top/$ID\" |
                       .linux.resources.cpu = {\"realtimeRuntime\": 10000, \"realtimePeriod\": 1000000}"
        run contain run --bundle "$BUNDLE" "$ID"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 10000 ]
        [ "${lines[1]}" = 1000000 ]
        [ ! -e /sys/fs/cgroup/cpu/$top ]
}

@test "update takes runc's cpu flags (burst, idle, rt period/runtime), also after the id" {
        set_args sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        dir=$(v1dir cpu "$(state_field "$ID" pid)")
        contain update "$ID" --cpu-quota 50000 --cpu-burst 10000 --cpu-idle 1
        [ "$(cat "$dir/cpu.cfs_quota_us")" = 50000 ]
        [ "$(cat "$dir/cpu.cfs_burst_us")" = 10000 ]
        [ "$(cat "$dir/cpu.idle")" = 1 ]
        if [ -e "$dir/cpu.rt_runtime_us" ]; then
                contain update --cpu-rt-period 500000 --cpu-rt-runtime 5000 "$ID"
                [ "$(cat "$dir/cpu.rt_period_us")" = 500000 ]
                [ "$(cat "$dir/cpu.rt_runtime_us")" = 5000 ]
        fi
        run contain update "$ID" --cpu-idle 2
        [ "$status" -ne 0 ]
        [[ "$output" == *"--cpu-idle: expected 0 or 1"* ]]
}

@test "memory.kernelTCP reaches the v1 kmem file; memory.kernel is a warning naming it" {
        set_args sleep 100
        update_config '.linux.resources.memory = {"kernelTCP": 1048576, "kernel": 33554432}'
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$TEST_DIR/err"
        cat "$TEST_DIR/err"
        grep -q "warning.*linux.resources.memory.kernel: kernel memory limits are not supported" "$TEST_DIR/err"
        dir=$(v1dir memory "$(state_field "$ID" pid)")
        [ -e "$dir/memory.kmem.tcp.limit_in_bytes" ] || skip "no kernel memory accounting in this kernel"
        [ "$(cat "$dir/memory.kmem.tcp.limit_in_bytes")" = 1048576 ]
}

@test "exec --cgroup runs the process in an existing sub-cgroup, as runc" {
        set_args sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        mkdir "$(v1dir pids "$pid")/sub"
        run contain exec --cgroup pids:sub "$ID" cat /proc/self/cgroup
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$(grep ':pids:' <<<"$output")" == */sub ]]
        [[ "$(grep ':memory:' <<<"$output")" != */sub ]]
        run contain exec --cgroup nosuch "$ID" /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"--cgroup 'nosuch'"* ]]
        run contain exec --cgroup ../up "$ID" /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"'..' components are not allowed"* ]]
        # a controller the container has not: refused, not run in the container's own cgroup (review35)
        for arg in bogus:sub pids,bogus:sub :sub ,:sub pids,,memory:sub pids,:sub; do
                run contain exec --cgroup "$arg" "$ID" cat /proc/self/cgroup
                echo "$arg: $output"
                [ "$status" -ne 0 ]
                [[ "$output" == *"--cgroup '$arg': "* ]]
                [[ "$output" != *":pids:"* ]]
        done
}

@test "ps lists the container's pids and kill --all empties its cgroup" {
        set_args sh -c 'sleep 100 & sleep 100 & echo ready; wait'
        contain run -d --bundle "$BUNDLE" "$ID" >"$TEST_DIR/out" 2>&1 </dev/null
        wait_for_output "$TEST_DIR/out" ready
        pid=$(state_field "$ID" pid)
        run contain ps --format json "$ID"
        [ "$status" -eq 0 ]
        [ "$(jq length <<<"$output")" -eq 3 ]
        jq -e "index($pid) != null" <<<"$output"
        diff <(jq -r '.[]' <<<"$output" | sort) <(sort "$(v1dir pids "$pid")/cgroup.procs")
        procs=$(v1dir pids "$pid")/cgroup.procs
        contain kill --all "$ID" KILL
        for i in $(seq 1 50); do [ -z "$(cat "$procs" 2>/dev/null)" ] && break; sleep 0.1; done
        [ -z "$(cat "$procs" 2>/dev/null)" ]
}

@test "after delete no cgroup directory is left in any hierarchy" {
        limits sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        dirs=$(all_dirs "$pid")
        for d in $dirs; do [ -d "$d" ]; done
        contain delete --force "$ID"
        for d in $dirs; do [ ! -e "$d" ] || { echo "left: $d" >&2; false; }; done
        no_dirs_named "$ID"
}

@test "cgroups the container nested deeper than PATH_MAX reaches go with delete" {
        # what a container with a writable cgroupfs can make to outlive its delete: 22 levels of
        # 200-character names, paths of 4,400 bytes and more
        limits sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        d=$(v1dir pids "$pid")
        name=$(printf 'd%.0s' $(seq 200))
        (cd "$d" && for i in $(seq 22); do mkdir "$name" && cd "$name" || exit 1; done)
        [ "$(find "$d" -type d | wc -l)" -eq 23 ]
        contain delete --force "$ID"
        [ ! -e "$d" ]
        no_dirs_named "$ID"
}

@test "a process in a cgroup nested below the container's is listed by ps and killed by delete --force" {
        # as a container with a writable cgroupfs can arrange (runc's ps and kill see it too);
        # here a process of the host is moved into the nested v1 cgroups, out of reach of the
        # unified hierarchy's cgroup.kill
        limits sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        pid=$(state_field "$ID" pid)
        sleep 1000 &
        local stray=$!
        for c in pids freezer memory; do
                d=$(v1dir $c "$pid")
                mkdir -p "$d/sub/deeper"
                echo "$stray" > "$d/sub/deeper/cgroup.procs"
        done
        run contain ps --format json "$ID"
        [ "$status" -eq 0 ]
        jq -e --argjson s "$stray" --argjson p "$pid" 'index($s) != null and index($p) != null' <<<"$output"
        contain delete --force "$ID"
        ! kill -0 "$stray" 2>/dev/null
        wait "$stray" || true
        no_dirs_named "$ID"
}

@test "a failed create leaves no cgroup behind (bad cpuset, bad rootfs)" {
        update_config '.linux.resources.cpu = {"cpus": "63"}'
        run contain create --bundle "$BUNDLE" "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"cpuset.cpus"* ]]
        no_dirs_named "$ID"
        update_config 'del(.linux.resources.cpu) | .root.path = "/nonexistent-rootfs"'
        run contain create --bundle "$BUNDLE" "$ID"
        [ "$status" -ne 0 ]
        no_dirs_named "$ID"
}

@test "a unified key for a controller cgroup2 lacks here is an error naming the controller" {
        update_config '.linux.resources.unified = {"memory.high": "1073741824"}'
        run contain create --bundle "$BUNDLE" "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"memory controller"* ]]
        no_dirs_named "$ID"
        update_config '.linux.resources.unified = {"../memory.high": "1"}'
        run contain create --bundle "$BUNDLE" "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.resources.unified"* ]]
}

@test "cgroupsPath: absolute paths hang off each hierarchy's root; '..' is refused" {
        top=contain-bats-$$
        update_config ".linux.cgroupsPath = \"/$top/$ID\" | .process.args = [\"sleep\", \"100\"] |
                       .linux.resources.pids = {\"limit\": 20}"
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        [ "$(cat /sys/fs/cgroup/pids/$top/$ID/pids.max)" = 20 ]
        [ -d /sys/fs/cgroup/memory/$top/$ID ]
        contain delete --force "$ID"
        [ ! -e /sys/fs/cgroup/pids/$top ]
        [ ! -e /sys/fs/cgroup/memory/$top ]
        update_config '.linux.cgroupsPath = "/a/../../escape"'
        run contain create --bundle "$BUNDLE" "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.cgroupsPath"* ]]
}

@test "a cgroupsPath below a frozen cgroup fails at once, and the frozen one stays as it was" {
        top=contain-bats-frozen-$$
        mkdir /sys/fs/cgroup/freezer/$top
        echo FROZEN > /sys/fs/cgroup/freezer/$top/freezer.state
        update_config ".linux.cgroupsPath = \"/$top/$ID\" | .process.args = [\"true\"]"
        run timeout 20 "$CONTAIN" --root "$ROOT" run -d --bundle "$BUNDLE" "$ID" </dev/null
        echo "$output"
        state=$(cat /sys/fs/cgroup/freezer/$top/freezer.state)
        echo THAWED > /sys/fs/cgroup/freezer/$top/freezer.state
        rmdir /sys/fs/cgroup/freezer/$top/$ID 2>/dev/null || true
        rmdir /sys/fs/cgroup/freezer/$top
        [ "$status" -ne 0 ] && [ "$status" -ne 124 ]
        [[ "$output" == *"linux.cgroupsPath: the cgroup is frozen"* ]]
        [ "$state" = FROZEN ]
        [ -z "$(ls -A "$ROOT")" ]
        [ -z "$(find /sys/fs/cgroup -maxdepth 2 -name "$top")" ]
}

@test "an existing cgroup with processes in it or in a cgroup below it is refused; they live on" {
        # delete kills what is in the container's cgroup tree: a cgroup someone else uses is
        # never taken, also when its processes are only in its children
        top=contain-bats-busy-$$
        update_config ".linux.cgroupsPath = \"/$top\" | .process.args = [\"true\"]"
        for where in "" /sub /sub/deeper; do
                mkdir -p /sys/fs/cgroup/pids/$top$where
                sleep 100 &
                pid=$!
                echo "$pid" > /sys/fs/cgroup/pids/$top$where/cgroup.procs
                run contain run --bundle "$BUNDLE" "$ID"
                alive=no
                kill -0 "$pid" 2>/dev/null && alive=yes
                kill "$pid" 2>/dev/null || true
                wait "$pid" || true
                [ ! -d /sys/fs/cgroup/pids/$top ] || find /sys/fs/cgroup/pids/$top -depth -type d -exec rmdir {} \;
                echo "in '$where': $status $output; alive $alive"
                [ "$status" -ne 0 ]
                [[ "$output" == *"/$top already exists and has processes"* ]]
                [ "$alive" = yes ]
                [ -z "$(ls -A "$ROOT")" ]
                [ -z "$(find /sys/fs/cgroup -maxdepth 2 -name "$top")" ]
        done
        # an empty one, also with empty children, is a leftover: taken, and gone with delete
        mkdir -p /sys/fs/cgroup/pids/$top/sub
        contain run --bundle "$BUNDLE" "$ID"
        [ -z "$(find /sys/fs/cgroup -maxdepth 2 -name "$top")" ]
}

@test "an existing cgroup too deep to search is not taken, and the message says why" {
        top=contain-bats-deep-$$
        deep=/sys/fs/cgroup/pids/$top$(printf '/a%.0s' $(seq 258))
        mkdir -p "$deep"
        update_config ".linux.cgroupsPath = \"/$top\" | .process.args = [\"true\"]"
        run contain run --bundle "$BUNDLE" "$ID"
        left=no
        [ -d "$deep" ] && left=yes
        find /sys/fs/cgroup/pids/$top -depth -type d -exec rmdir {} \;
        echo "$output; left $left"
        [ "$status" -ne 0 ]
        [[ "$output" == *"/$top already exists and cannot be searched for processes"*"deeper than 256 levels"* ]]
        [ "$left" = yes ]
        [ -z "$(ls -A "$ROOT")" ]
        [ -z "$(find /sys/fs/cgroup -maxdepth 2 -name "$top")" ]
}

@test "--systemd-cgroup maps slice:prefix:name to slice/prefix-name.scope (no systemd here)" {
        update_config ".linux.cgroupsPath = \"contain-bats-$$.slice:cb:$ID\" | .process.args = [\"sleep\", \"100\"]"
        # output to a file: the detached container inherits it, and bats' run would wait for it
        "$CONTAIN" --root "$ROOT" --systemd-cgroup --debug run -d --bundle "$BUNDLE" "$ID" </dev/null >"$TEST_DIR/out" 2>&1
        # said once, with the reason
        [ "$(grep -c -- "--systemd-cgroup: systemd is not the init here; the cgroup is made through cgroupfs" "$TEST_DIR/out")" = 1 ]
        [ -d "/sys/fs/cgroup/pids/contain-bats-$$.slice/cb-$ID.scope" ]
        "$CONTAIN" --root "$ROOT" delete --force "$ID"
        [ ! -e "/sys/fs/cgroup/pids/contain-bats-$$.slice" ]
}

@test "--cgroup-manager=disabled runs without any cgroup" {
        set_args sh -c 'echo ran'
        run "$CONTAIN" --root "$ROOT" --cgroup-manager=disabled run --bundle "$BUNDLE" "$ID"
        [ "$status" -eq 0 ]
        [[ "$output" == *ran* ]]
        no_dirs_named "$ID"
}

@test "events streams an OOM event and ends when the container stops" {
        limits sh -c 'sleep 1; dd if=/dev/zero of=/dev/null bs=200M count=1; echo "dd_rc=$?"; exec sleep 100'
        contain create --bundle "$BUNDLE" "$ID" >"$TEST_DIR/out" 2>&1 </dev/null
        contain events --interval 100s "$ID" >"$TEST_DIR/events" &
        evpid=$!
        contain start "$ID"
        wait_for_output "$TEST_DIR/out" dd_rc
        wait_for_output "$TEST_DIR/events" '"type":"oom"'
        contain kill "$ID" KILL
        for i in $(seq 1 50); do kill -0 $evpid 2>/dev/null || break; sleep 0.1; done
        ! kill -0 $evpid 2>/dev/null || { kill $evpid; false; }
        [ "$(grep -c '"type":"oom"' "$TEST_DIR/events")" -eq 1 ]
        jq -e 'select(.type == "oom") | .id == "'"$ID"'"' "$TEST_DIR/events"
}

@test "kill --all KILL stops a paused container; other signals keep it paused" {
        set_args sleep 100
        contain run -d --bundle "$BUNDLE" "$ID" </dev/null
        contain pause "$ID"
        contain kill --all "$ID" TERM
        [ "$(state_field "$ID" status)" = paused ]
        contain kill --all "$ID" KILL
        wait_for_status "$ID" 5 stopped
        contain delete "$ID"
        no_dirs_named "$ID"
}

@test "a memory limit below what the container's setup needs is named, and nothing is left (review35)" {
        update_config '.linux.resources = {"memory": {"limit": 4096}}'
        set_args /bin/true
        run contain create --bundle "$BUNDLE" "$ID"
        [ "$status" -ne 0 ]
        [ "$output" = "contain: container init killed by the out-of-memory killer of its cgroup: linux.resources.memory.limit (4096 bytes) is below what setting up the container needs" ]
        [ -z "$(ls -A "$ROOT")" ]
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$ID" 2>/dev/null)" ]
}
