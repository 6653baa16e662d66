#!/usr/bin/env bats
# Quick mode: `contain run --rootfs DIR [flags] -- CMD` and `contain spec --rootfs ...` (issue 6).
# Each test runs the busybox rootfs of its own bundle copy; the veth tests run inside a network
# namespace the test creates, so nothing touches the machine's network.

load ../helpers
bats_require_minimum_version 1.5.0

setup() {
        common_setup
        R=$BUNDLE/rootfs
        # the bundle's rootfs may be 0700; a non-root --user must be able to enter /
        chmod 755 "$R"
        # per-run overlay dirs land in the test dir, removed with it
        export TMPDIR=$TEST_DIR
        NETNS=
}

teardown() {
        # a failed test may leave a `contain run` in the background: kill its container and let
        # it clean up after itself (veth, overlay) before the rest goes
        local id
        for id in $(ls "$ROOT" 2>/dev/null); do
                "$CONTAIN" --root "$ROOT" kill "$id" KILL >/dev/null 2>&1
        done
        wait
        if [ -n "$NETNS" ]; then
                ip netns pids "$NETNS" 2>/dev/null | xargs -r kill -9 2>/dev/null
                ip netns del "$NETNS" 2>/dev/null
        fi
        common_teardown
}

# contain run --rootfs with this test's root and rootfs; no terminal
quick() {
        "$CONTAIN" --root "$ROOT" run --rootfs "$R" "$@" </dev/null
}

# `run --overlay ID -- sleep 1000` in the background, once its container runs; $runner is the
# runtime's pid (not through quick(): $! must be the runtime itself, not a subshell)
overlay_run_in_background() {
        "$CONTAIN" --root "$ROOT" run --rootfs "$R" --overlay --quiet --name "$1" -- sleep 1000 </dev/null &
        runner=$!
        for i in $(seq 100); do
                [ "$(state_field "$1" status 2>/dev/null)" = running ] && break
                sleep 0.05
        done
}

# a network namespace for this test, standing in for the host's network
make_netns() {
        NETNS=contain-qt-$$-${BATS_TEST_NUMBER}
        ip netns add "$NETNS"
}

# runs the rest of the line inside it; not `ip netns exec`, which remounts /sys and with it
# hides /sys/fs/cgroup
in_netns() {
        nsenter --net="/run/netns/$NETNS" "$@"
}

# waits (up to 10 s) for a file a container writes when it is ready
wait_file() {
        local i
        for i in $(seq 1 200); do
                [ -e "$1" ] && return 0
                sleep 0.05
        done
        echo "$1 did not appear" >&2
        return 1
}

@test "quick: --hostname testbox -- /bin/hostname prints exactly testbox" {
        run --separate-stderr quick --hostname testbox -- /bin/hostname
        [ "$status" -eq 0 ]
        [ "$output" = "testbox" ]
}

@test "quick: the command is PID 1" {
        run --separate-stderr quick --quiet -- ps -o pid,args
        [ "$status" -eq 0 ]
        echo "$output" | grep -Eq '^ *1 +ps -o pid,args$'
}

@test "quick: /proc/self/cgroup shows the cgroup namespace root" {
        run --separate-stderr quick --quiet -- cat /proc/self/cgroup
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx '0::/'
}

@test "quick: ls / shows the rootfs" {
        touch "$R/quick-marker"
        run --separate-stderr quick --quiet -- ls /
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx 'quick-marker'
        echo "$output" | grep -qx 'bin'
}

@test "quick: the exit status is the command's" {
        run --separate-stderr quick --quiet -- sh -c 'exit 7'
        [ "$status" -eq 7 ]
        run --separate-stderr quick --quiet -- sh -c 'exit 0'
        [ "$status" -eq 0 ]
}

@test "quick: progress lines, one per step, and --quiet silences them" {
        run --separate-stderr quick --hostname sandbox --memory 64M --cpu 50000 --pids 64 -- /bin/true
        [ "$status" -eq 0 ]
        echo "$stderr"
        grep -qx '\[contain\] creating namespaces: pid uts mnt net ipc cgroup' <<<"$stderr"
        grep -qx '\[contain\] setting hostname: sandbox' <<<"$stderr"
        grep -qx "\[contain\] setting up rootfs: $R" <<<"$stderr"
        grep -qx '\[contain\] pivoting root' <<<"$stderr"
        grep -qx '\[contain\] mounting /proc' <<<"$stderr"
        grep -qx '\[contain\] applying cgroup limits: memory=64M cpu=50000/100000 pids=64' <<<"$stderr"
        grep -qx '\[contain\] running: /bin/true' <<<"$stderr"
        grep -qx '\[contain\] container exited: exit status 0' <<<"$stderr"
        grep -Eqx '\[contain\] usage: memory peak [0-9.]+[BKMG], cpu [0-9]+\.[0-9]{3}s user [0-9]+\.[0-9]{3}s sys, pids peak [0-9]+' <<<"$stderr"
        grep -qx '\[contain\] cleaning up cgroups' <<<"$stderr"
        # every line is a progress line, none twice
        [ -z "$(grep -v '^\[contain\] ' <<<"$stderr")" ]
        [ -z "$(sort <<<"$stderr" | uniq -d)" ]

        run --separate-stderr quick --quiet --hostname sandbox -- /bin/true
        [ "$status" -eq 0 ]
        [ -z "$stderr" ]
}

@test "quick: the usage report's numbers come from the cgroup" {
        run --separate-stderr quick --memory 64M -- sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 0 & wait'
        [ "$status" -eq 0 ]
        line=$(grep '^\[contain\] usage: ' <<<"$stderr")
        echo "$line"
        peak=$(sed -E 's/.*memory peak ([0-9.]+)([BKMG]).*/\1 \2/' <<<"$line")
        user=$(sed -E 's/.*cpu ([0-9.]+)s user.*/\1/' <<<"$line")
        sys=$(sed -E 's/.*user ([0-9.]+)s sys.*/\1/' <<<"$line")
        pids=$(sed -E 's/.*pids peak ([0-9]+).*/\1/' <<<"$line")
        # plausible: some memory but under the limit, some cpu time, the shell and its child
        set -- $peak
        case $2 in K|M) ;; *) false ;; esac
        [ "$2" != M ] || awk -v v="$1" 'BEGIN { exit !(v > 0 && v <= 64) }'
        awk -v u="$user" -v s="$sys" 'BEGIN { exit !(u + s > 0 && u + s < 60) }'
        [ "$pids" -ge 2 ] && [ "$pids" -le 10 ]
}

@test "quick: --memory 64M makes a 200M allocation fail" {
        run --separate-stderr quick --quiet --memory 64M -- dd if=/dev/zero of=/dev/null bs=200M count=1
        echo "status $status: $output $stderr"
        # OOM-killed (128+9), or dd told the allocation failed
        [ "$status" -eq 137 ] || { [ "$status" -ne 0 ] && grep -qi 'memory' <<<"$stderr"; }
        # the same allocation passes without the limit
        run --separate-stderr quick --quiet -- dd if=/dev/zero of=/dev/null bs=200M count=1
        [ "$status" -eq 0 ]
}

@test "quick: --pids 64 stops the fork loop at the limit" {
        # the inner shell forks until the limit (ash exits when fork fails); the outer one then
        # counts the processes with builtins only
        run --separate-stderr quick --quiet --pids 64 -- sh -c '
                sh -c "for i in \$(seq 1 100); do sleep 100 & done"
                echo "inner $?"
                n=0; for p in /proc/[0-9]*; do n=$((n + 1)); done
                echo "procs $n"'
        echo "$output / $stderr"
        [ "$status" -eq 0 ]
        grep -q "can't fork" <<<"$stderr"
        n=$(sed -n 's/^procs //p' <<<"$output")
        [ "$n" -le 64 ]
        [ "$n" -ge 50 ]
}

@test "quick: --overlay leaves the base rootfs untouched and is removed on exit" {
        run --separate-stderr quick --overlay -- sh -c 'echo hi > /written && rm /bin/true && cat /written'
        [ "$status" -eq 0 ]
        [ "$output" = "hi" ]
        grep -qx "\[contain\] setting up rootfs: $R (overlay)" <<<"$stderr"
        [ ! -e "$R/written" ]
        [ -e "$R/bin/true" ]
        # no overlay dir (in the state root, or the temp dir where it was once made) and no mount left
        [ -z "$(ls -A "$ROOT")" ]
        [ -z "$(ls -d "$TEST_DIR"/contain-overlay-* 2>/dev/null)" ]
        ! grep -q "$TEST_DIR" /proc/self/mountinfo
}

@test "quick: --overlay layers go also with 1500 directories nested in them" {
        # "dd/" 1500 times: paths of 4500 bytes and more, over PATH_MAX, which a path-based
        # rm -rf (nftw) cannot remove; built from the top down, as no shell can cd that deep
        run --separate-stderr quick --overlay --quiet -- sh -c \
                'cd /tmp && mkdir dd && i=0; while [ $i -lt 1500 ]; do mkdir t && mv dd t/ && mv t dd || exit 1; i=$((i+1)); done'
        [ "$status" -eq 0 ]
        [ -z "$stderr" ]
        [ -z "$(ls -A "$ROOT")" ]
}

@test "quick: --overlay --keep keeps the changes in the upper dir until delete" {
        id=$(new_id)
        run --separate-stderr quick --overlay --keep --name "$id" -- sh -c 'echo kept > /kept'
        [ "$status" -eq 0 ]
        [ ! -e "$R/kept" ]
        upper=$(sed -n 's/^\[contain\] keeping overlay changes: \([^ ]*\) .*/\1/p' <<<"$stderr")
        [ "$(cat "$upper/kept")" = "kept" ]
        [ "$upper" = "$(echo "$ROOT"/.scratch-"$id"/upper)" ]
        # --keep leaves the stopped container for `contain delete`, which takes the changes along
        [ "$(state_field "$id" status)" = "stopped" ]
        contain delete "$id"
        [ ! -e "$upper" ]
        [ -z "$(ls -A "$ROOT")" ]
}

@test "quick: --overlay run killed before its state dir, then a container of that id without --overlay: delete removes the layers" {
        command -v strace >/dev/null || skip "strace is not installed (tests/faults/packages)"
        id=$(new_id)
        # SIGKILL at the overlay's mount: its layers exist, its state dir does not yet (review29 #3)
        run traced -o /dev/null -e trace=mount -e inject=mount:signal=KILL:when=2 \
                "$CONTAIN" --root "$ROOT" run --rootfs "$R" --overlay --quiet --name "$id" -- true
        [ "$status" -ne 0 ]
        ls -d "$ROOT"/.scratch-"$id"/upper
        [ ! -e "$ROOT/$id" ]
        # the same id, made by hand: its delete takes what the killed run left
        contain create --bundle "$BUNDLE" "$id"
        contain delete --force "$id"
        [ -z "$(ls -A "$ROOT")" ]
}

@test "quick: --overlay takes over the layers a killed run of its id left, and refuses those a live run holds" {
        id=$(new_id)
        mkdir -p "$ROOT/.scratch-$id/upper/etc" "$ROOT/.scratch-$id/work"
        echo stale > "$ROOT/.scratch-$id/upper/etc/stale"
        run --separate-stderr quick --overlay --quiet --name "$id" -- sh -c 'cat /etc/stale 2>/dev/null || echo fresh'
        [ "$status" -eq 0 ]
        [ "$output" = fresh ]
        [ -z "$(ls -A "$ROOT")" ]
        # a second run of the id while the first holds them: refused, the first's layers untouched
        overlay_run_in_background "$id"
        [ "$(state_field "$id" status)" = running ]
        run --separate-stderr quick --overlay --quiet --name "$id" -- true
        [ "$status" -ne 0 ]
        [[ "$stderr" == *"contain: --overlay: the scratch directory $ROOT/.scratch-$id is in use by another run of \"$id\""* ]]
        ls -d "$ROOT"/.scratch-"$id"/upper
        [ "$(state_field "$id" status)" = running ]
        contain delete --force "$id"
        wait "$runner" || true
        [ -z "$(ls -A "$ROOT")" ]
}

@test "quick: --overlay run killed with SIGKILL: delete --force removes the container and its overlay" {
        id=$(new_id)
        overlay_run_in_background "$id"
        [ "$(state_field "$id" status)" = running ]
        ls -d "$ROOT"/.scratch-"$id"/upper
        kill -9 "$runner"
        wait "$runner" || true
        # nobody cleans up after a SIGKILL: the overlay's layers stay until the id is deleted
        ls -d "$ROOT"/.scratch-"$id"/upper
        contain delete --force "$id"
        [ -z "$(ls -A "$ROOT")" ]
        [ -z "$(ls -d "$TEST_DIR"/contain-overlay-* 2>/dev/null)" ]
}

@test "quick: delete leaves a running --overlay run's layers to it" {
        id=$(new_id a)
        overlay_run_in_background "$id"
        # an id that is a prefix of this one ("...-a" without "-a"): not its layers
        contain delete --force "${id%-a}"
        ls -d "$ROOT"/.scratch-"$id"/upper
        [ "$(state_field "$id" status)" = running ]
        # its own id while the run still holds them: the container goes, the run removes its layers
        contain delete --force "$id"
        wait "$runner" || true
        [ -z "$(ls -A "$ROOT")" ]
}

@test "quick: --volume shares a host dir and :ro refuses writes" {
        mkdir "$TEST_DIR/vol"
        echo from-host > "$TEST_DIR/vol/in"
        run --separate-stderr quick --quiet --volume "$TEST_DIR/vol:/data" -- sh -c 'cat /data/in && echo from-container > /data/out'
        [ "$status" -eq 0 ]
        [ "$output" = "from-host" ]
        [ "$(cat "$TEST_DIR/vol/out")" = "from-container" ]

        run --separate-stderr quick --quiet --volume "$TEST_DIR/vol:/data:ro" -- sh -c 'cat /data/in && echo x > /data/ro-write'
        [ "$status" -ne 0 ]
        [ "$output" = "from-host" ]
        grep -q 'Read-only file system' <<<"$stderr"
        [ ! -e "$TEST_DIR/vol/ro-write" ]
}

@test "quick: --read-only makes the root read-only" {
        run --separate-stderr quick --quiet --read-only -- sh -c 'echo x > /nope'
        [ "$status" -ne 0 ]
        grep -q 'Read-only file system' <<<"$stderr"
        [ ! -e "$R/nope" ]
}

@test "quick: --env values are visible, --user and --workdir apply" {
        run --separate-stderr quick --quiet --env FOO=bar --env 'SPACED=a b' -e PATH=/bin:/sbin --user 1000 --workdir /tmp -- sh -c 'echo "$FOO|$SPACED|$PATH"; id -u; id -g; pwd'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "bar|a b|/bin:/sbin" ]
        [ "${lines[1]}" = "1000" ]
        # the rootfs's passwd gives user 1000 group 1000
        [ "${lines[2]}" = "1000" ]
        [ "${lines[3]}" = "/tmp" ]

        run --separate-stderr quick --quiet --user 1000:1001 -- id -g
        [ "$status" -eq 0 ]
        [ "$output" = "1001" ]
        # names from the rootfs's /etc/passwd and /etc/group; an unknown uid gets group 0
        run --separate-stderr quick --quiet --user user:tty -- id
        [ "$status" -eq 0 ]
        [ "$output" = "uid=1000(user) gid=5(tty)" ]
        run --separate-stderr quick --quiet --user 4242 -- id
        [ "$status" -eq 0 ]
        [ "$output" = "uid=4242 gid=0(root)" ]
}

@test "quick: --cpu and --cpus set the quota per 100000 period" {
        # what the kernel holds, seen from inside (the container's cgroup is its root there):
        # cpu.max on a cgroup2 host, the v1 cpu hierarchy's pair on this hybrid one
        run --separate-stderr quick --cpus 0.25 -- sh -c 'cd /sys/fs/cgroup
                if [ -e cpu.max ]; then cat cpu.max; else echo "$(cat cpu/cpu.cfs_quota_us) $(cat cpu/cpu.cfs_period_us)"; fi'
        [ "$status" -eq 0 ]
        grep -qx '\[contain\] applying cgroup limits: cpu=25000/100000' <<<"$stderr"
        [ "$output" = "25000 100000" ]
        run --separate-stderr quick --cpu 50000 --cpus 1 -- /bin/true
        [ "$status" -ne 0 ]
        grep -q -- '--cpu and --cpus' <<<"$stderr"
}

@test "quick: bad flags are refused with a message naming them" {
        run --separate-stderr quick --memory 12Q -- /bin/true
        [ "$status" -eq 1 ]
        grep -q -- '--memory' <<<"$stderr"
        run --separate-stderr quick --net bridge -- /bin/true
        [ "$status" -eq 1 ]
        grep -q -- "--net: expected none, host or veth, got 'bridge'" <<<"$stderr"
        run --separate-stderr quick --volume relative -- /bin/true
        [ "$status" -eq 1 ]
        grep -q -- '--volume' <<<"$stderr"
        run --separate-stderr quick --user nosuchuser -- /bin/true
        [ "$status" -eq 1 ]
        grep -q -- "--user 'nosuchuser': no user nosuchuser in $R/etc/passwd" <<<"$stderr"
        run --separate-stderr quick --quiet
        [ "$status" -eq 1 ]
        grep -q 'expected the command' <<<"$stderr"
        run --separate-stderr "$CONTAIN" --root "$ROOT" run --rootfs "$TEST_DIR/missing" -- /bin/true
        [ "$status" -eq 1 ]
        grep -q "$TEST_DIR/missing" <<<"$stderr"
}

@test "quick: --net none has lo only, --net host shares the host's network" {
        make_netns
        run --separate-stderr in_netns "$CONTAIN" --root "$ROOT" run --rootfs "$R" --quiet -- cat /proc/net/dev </dev/null
        [ "$status" -eq 0 ]
        [ "$(tail -n +3 <<<"$output" | awk -F: '{ gsub(/ /, "", $1); print $1 }')" = "lo" ]
        # and lo is up
        run --separate-stderr in_netns "$CONTAIN" --root "$ROOT" run --rootfs "$R" --quiet -- cat /sys/class/net/lo/operstate </dev/null
        [ "$status" -eq 0 ]
        [ "$output" = "unknown" ]

        in_netns ip link add contain-qt-a type veth peer name contain-qt-b
        run --separate-stderr in_netns "$CONTAIN" --root "$ROOT" run --rootfs "$R" --quiet --net host -- cat /proc/net/dev </dev/null
        [ "$status" -eq 0 ]
        grep -q 'contain-qt-a' <<<"$output"
}

@test "quick: --net veth: host and container ping each other, no veth left after exit" {
        make_netns
        id=$(new_id v)
        # the container pings the host end, says it is up, and waits until the host has pinged it
        in_netns "$CONTAIN" --root "$ROOT" run --rootfs "$R" --net veth --name "$id" \
                --volume "$TEST_DIR:/ctl" -- sh -c '
                        ip -4 -o addr show dev eth0 > /ctl/addr
                        ping -c 1 -W 5 10.88.0.1 > /ctl/ping-out 2>&1; echo $? > /ctl/ping-status
                        touch /ctl/ready
                        while [ ! -e /ctl/go ]; do sleep 0.05; done' </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err" &
        pid=$!
        wait_file "$TEST_DIR/ready" || { cat "$TEST_DIR/err"; false; }
        # while it runs: the host end is there, with 10.88.0.1/30
        host_if=$(in_netns ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep '^contain-')
        [ -n "$host_if" ]
        in_netns ip -4 -o addr show dev "$host_if" | grep -q 'inet 10\.88\.0\.1/30'
        grep -q 'inet 10\.88\.0\.2/30' "$TEST_DIR/addr"
        host_ping=0
        in_netns "$BUSYBOX_ROOTFS/bin/busybox" ping -c 1 -W 5 10.88.0.2 || host_ping=$?
        touch "$TEST_DIR/go"
        st=0
        wait "$pid" || st=$?
        cat "$TEST_DIR/err"
        [ "$st" -eq 0 ]
        [ "$host_ping" -eq 0 ]
        [ "$(cat "$TEST_DIR/ping-status")" = 0 ] || { cat "$TEST_DIR/ping-out"; false; }
        grep -q "^\[contain\] setting up network: veth $host_if 10.88.0.1/30, eth0 10.88.0.2/30$" "$TEST_DIR/err"
        grep -q "^\[contain\] removing veth $host_if$" "$TEST_DIR/err"
        # nothing left in the namespace but lo
        [ "$(in_netns ip -o link show | awk -F': ' '{ print $2 }')" = "lo" ]
}

@test "quick: --net veth allocates a different /30 when one is in use" {
        # an address already in 10.88.0.0/30 on the "host" makes the allocator skip that subnet
        make_netns
        in_netns ip link add contain-qt-a type veth peer name contain-qt-b
        in_netns ip addr add 10.88.0.1/30 dev contain-qt-a
        run --separate-stderr in_netns "$CONTAIN" --root "$ROOT" run --rootfs "$R" --net veth -- ip -4 -o addr show dev eth0 </dev/null
        [ "$status" -eq 0 ]
        grep -q 'inet 10\.88\.0\.6/30' <<<"$output"
        grep -q 'setting up network: veth contain-[0-9a-f]* 10.88.0.5/30, eth0 10.88.0.6/30' <<<"$stderr"
}

@test "quick: a long --name gets a hashed host interface that fits IFNAMSIZ" {
        make_netns
        id=$(new_id a-rather-long-container-name)
        run --separate-stderr in_netns "$CONTAIN" --root "$ROOT" run --rootfs "$R" --net veth --name "$id" -- true </dev/null
        [ "$status" -eq 0 ]
        grep -Eq 'setting up network: veth contain-[0-9a-f]{7} ' <<<"$stderr"
}

@test "quick: contain list shows it and contain kill stops it while it runs" {
        id=$(new_id)
        quick --quiet --name "$id" --volume "$TEST_DIR:/ctl" -- sh -c 'touch /ctl/ready; exec sleep 1000' &
        pid=$!
        wait_file "$TEST_DIR/ready"
        run contain list
        echo "$output"
        grep -q "^$id " <<<"$output"
        contain kill "$id" KILL
        st=0
        wait "$pid" || st=$?
        [ "$st" -eq 137 ]
        # run deleted it afterwards
        run contain state "$id"
        [ "$status" -ne 0 ]
}

@test "quick: the default id is short and random" {
        quick --quiet --volume "$TEST_DIR:/ctl" -- sh -c 'touch /ctl/ready; while [ ! -e /ctl/go ]; do sleep 0.05; done' &
        pid=$!
        wait_file "$TEST_DIR/ready"
        run contain list --quiet
        echo "$output"
        touch "$TEST_DIR/go"
        wait "$pid"
        [ "${#lines[@]}" -eq 1 ]
        [[ "${lines[0]}" =~ ^[0-9a-f]{7}$ ]]
}

@test "spec --rootfs writes the translation as config.json" {
        cd "$TEST_DIR"
        mkdir out
        run --separate-stderr "$CONTAIN" spec --bundle out --rootfs "$R" --hostname box --memory 64M --cpu 50000 \
                --pids 64 --env A=1 --volume "$TEST_DIR:/host:ro" --read-only --net host --user 1000:100 \
                --workdir /tmp -- /bin/echo hello </dev/null
        [ "$status" -eq 0 ]
        c=out/config.json
        [ "$(jq -r .root.path $c)" = "$R" ]
        [ "$(jq -r .root.readonly $c)" = "true" ]
        [ "$(jq -r .hostname $c)" = "box" ]
        [ "$(jq -c .process.args $c)" = '["/bin/echo","hello"]' ]
        [ "$(jq -r .process.terminal $c)" = "false" ]
        [ "$(jq -r '.process.env | index("A=1") != null' $c)" = "true" ]
        [ "$(jq -r .process.user.uid $c)" = 1000 ]
        [ "$(jq -r .process.user.gid $c)" = 100 ]
        [ "$(jq -r .process.cwd $c)" = /tmp ]
        [ "$(jq -r .linux.resources.memory.limit $c)" = 67108864 ]
        [ "$(jq -r .linux.resources.cpu.quota $c)" = 50000 ]
        [ "$(jq -r .linux.resources.cpu.period $c)" = 100000 ]
        [ "$(jq -r .linux.resources.pids.limit $c)" = 64 ]
        [ "$(jq -r '[.linux.namespaces[].type] | index("network")' $c)" = null ]
        [ "$(jq -r '[.linux.namespaces[].type] | index("cgroup") != null' $c)" = true ]
        [ "$(jq -c '.mounts[] | select(.destination == "/host") | [.source, .type, (.options | index("ro") != null)]' $c)" = "[\"$TEST_DIR\",\"bind\",true]" ]
        # it refuses to overwrite
        run --separate-stderr "$CONTAIN" spec --bundle out --rootfs "$R" -- true
        [ "$status" -ne 0 ]
}
