#!/usr/bin/env bats
# podman 4.3 + conmon driving the runtime under test ($CONTAIN; see lib.bash), end to end, on an
# image imported from a busybox-static rootfs.  Everything podman keeps (storage, locks, events,
# CNI config and IPAM, cgroups under /$TOKEN) is private to this file and removed in
# teardown_file, which then fails if any mount, cgroup, netns, veth or CNI rule is left.

load lib
bats_require_minimum_version 1.5.0

setup_file() {
	# the tests of a file share one client setup and clean all of it between tests
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if ! clients_need podman podman conmon catatonit containernetworking-plugins ||
		! clients_need conmon conmon || ! clients_need tmux tmux; then
		export CLIENTS_SKIP="podman/conmon/tmux cannot be installed"
		return 0
	fi
	clients_init podman
	clients_residue_snapshot
	clients_netns_dir_snapshot
	# play kube has no --cgroup-parent: its pods go under podman's default /libpod_parent
	if [ -d /sys/fs/cgroup/memory/libpod_parent ]; then LIBPOD_PARENT_EXISTED=1; else LIBPOD_PARENT_EXISTED=0; fi
	export LIBPOD_PARENT_EXISTED
	clients_rootfs_tar
	NET=$TOKEN
	SUBNET=10.231.$(($$ % 200 + 20))
	mkdir -p "$CL/cni" "$CL/tmp" "$CL/data"
	clients_template containers.conf.in "$CL/containers.conf" \
		RUNTIME="$WRAPPER" RUNTIME_NAME="$RUNTIME_NAME" NET="$NET"
	clients_template storage.conf.in "$CL/storage.conf"
	clients_template cni.conflist.in "$CL/cni/$NET.conflist" NET="$NET" BRIDGE="${TOKEN}br" SUBNET="$SUBNET"
	export CONTAINERS_CONF=$CL/containers.conf CONTAINERS_STORAGE_CONF=$CL/storage.conf TMPDIR=$CL/tmp
	export NET SUBNET
	podman import --change 'CMD ["/bin/sh"]' "$CL/rootfs.tar" localhost/bb:latest >"$CL/import.log" 2>&1 ||
		{ cat "$CL/import.log" >&2; return 1; }
}

teardown_file() {
	[ -n "${CL:-}" ] || return 0
	tty_stop
	podman pod rm -a -f -t 0 >/dev/null 2>&1
	podman rm -a -f -t 0 >/dev/null 2>&1
	podman rmi -a -f >/dev/null 2>&1
	umount "$CL/graph/overlay" 2>/dev/null
	local left mine
	left=$(clients_runtime_cgroups_left "$TOKEN" "libpod-*")
	clients_remove_cgroups "$TOKEN"
	[ "$LIBPOD_PARENT_EXISTED" = 1 ] || rmdir /sys/fs/cgroup/*/libpod_parent 2>/dev/null
	# the host ends of the containers' veths hang on the suite's bridge until their netns goes;
	# the network namespaces podman made for the suite's containers (the wrapper noted them)
	mine=$(clients_cni_teardown "${TOKEN}br")
	clients_netns_dir_restore
	clients_finish podman "$left" "$mine"
}

setup() {
	clients_test_setup
}

teardown() {
	[ -n "${CL:-}" ] || return 0
	clients_test_teardown
	# a play kube pod's cgroup under /libpod_parent (podman leaves it in name=systemd and
	# unified), also when the test failed midway
	local kube
	kube=$(podman pod inspect -f '{{.Id}}' kp 2>/dev/null) || kube=${KUBE_POD:-}
	podman pod rm -a -f -t 0 >/dev/null 2>&1
	podman rm -a -f -t 0 >/dev/null 2>&1
	[ -z "$kube" ] || clients_remove_cgroups "libpod_parent/$kube"
}

# podman pointed at the runtime by path, as users do (containers.conf names it too)
podman() {
	command podman --runtime "$WRAPPER" "$@"
}

# Every container goes under a cgroup parent of this run, so teardown_file can remove them all
# (podman's default, /libpod_parent, would stay on the host).
prun() {
	podman run --cgroup-parent="/$TOKEN" "$@"
}

# The pid of container $1's init as the host sees it.
ctr_pid() {
	podman inspect -f '{{.State.Pid}}' "$1"
}

status_of() {
	podman inspect -f '{{.State.Status}}' "$1"
}

@test "podman info shows the runtime's --version" {
	run podman info --format '{{.Host.OCIRuntime.Path}} {{.Host.OCIRuntime.Version}}'
	[ "$status" -eq 0 ]
	[[ "$output" == "$WRAPPER "* ]]
	[[ "$output" == *"$("$RUNTIME" --version | head -n 1)"* ]]
}

@test "podman run --rm echo hi" {
	run prun --rm bb echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	grep -q " create --bundle " "$CALL_LOG"
}

@test "podman run: the exit code passes through" {
	run prun --rm bb sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "podman run -d, exec, exec -i with piped stdin, stop, rm" {
	prun -d --name ex bb sleep 1000
	[ "$(status_of ex)" = running ]
	run podman exec ex echo from-exec
	[ "$status" -eq 0 ]
	[ "$output" = from-exec ]
	run sh -c 'printf "line1\nline2\n" | podman exec -i ex cat'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line1\nline2')" ]
	run podman exec ex sh -c 'exit 4'
	[ "$status" -eq 4 ]
	# sleep as pid 1 ignores SIGTERM: stop must go on to SIGKILL and delete --force
	podman stop -t 1 ex
	[ "$(status_of ex)" = exited ]
	clients_calls_since "$N0" | grep -E -q " kill [0-9a-f]{64} 15$"
	clients_calls_since "$N0" | grep -E -q " kill [0-9a-f]{64} 9$"
	clients_calls_since "$N0" | grep -E -q " delete --force [0-9a-f]{64}$"
	podman rm ex
	run podman inspect ex
	[ "$status" -ne 0 ]
}

@test "podman kill -s USR1 reaches the container's process" {
	prun -d --name sig bb sh -c 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done'
	clients_wait 100 sh -c 'podman logs sig | grep -q ready || [ "$(podman inspect -f "{{.State.Status}}" sig)" != running ]'
	podman logs sig | grep -q ready
	podman kill -s USR1 sig
	clients_wait 100 sh -c 'podman logs sig | grep -q got-usr1'
	[ "$(status_of sig)" = running ]
	clients_calls_since "$N0" | grep -E -q " kill [0-9a-f]{64} 10$"
}

@test "podman pause and unpause freeze and thaw the container" {
	prun -d --name pz bb sleep 1000
	local freezer
	freezer=$(host_cgroup_dir "$(ctr_pid pz)" freezer)
	podman pause pz
	[ "$(status_of pz)" = paused ]
	[ "$(cat "$freezer/freezer.state")" = FROZEN ]
	podman unpause pz
	[ "$(status_of pz)" = running ]
	[ "$(cat "$freezer/freezer.state")" = THAWED ]
	run podman exec pz echo alive
	[ "$output" = alive ]
}

@test "podman run -it through a real pty: prompt, commands, exit" {
	tty_start it "podman --runtime '$WRAPPER' run -it --rm --cgroup-parent=/$TOKEN bb sh"
	tty_prompt it
	tty_type it 'echo $((6*7)); tty; stty size'
	clients_wait 100 tty_has it '^42'
	tty_has it '^/dev/pts/0'
	tty_has it '^40 120'
	tty_type it 'exit 5'
	clients_wait 600 tty_dead it
	[ "$(tty_status it)" = 5 ]
	clients_calls_since "$N0" | grep -q -- "--console-socket"
}

@test "podman exec -it through a real pty" {
	prun -d --name ei bb sleep 1000
	tty_start ei "podman --runtime '$WRAPPER' exec -it ei sh"
	tty_prompt ei
	tty_type ei 'echo $((7*6))-exec; tty'
	clients_wait 100 tty_has ei '^42-exec'
	tty_has ei '^/dev/pts/'
	tty_type ei 'exit 6'
	clients_wait 600 tty_dead ei
	[ "$(tty_status ei)" = 6 ]
	[ "$(status_of ei)" = running ]
}

@test "podman run --memory 64m --pids-limit 32 --cpus 0.5 sets the v1 cgroup limits" {
	prun -d --name lim --memory 64m --pids-limit 32 --cpus 0.5 bb sleep 1000
	local pid
	pid=$(ctr_pid lim)
	[ "$(cat "$(host_cgroup_dir "$pid" memory)/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "$(host_cgroup_dir "$pid" pids)/pids.max")" = 32 ]
	[ "$(cat "$(host_cgroup_dir "$pid" cpu)/cpu.cfs_quota_us")" = 50000 ]
	[ "$(cat "$(host_cgroup_dir "$pid" cpu)/cpu.cfs_period_us")" = 100000 ]
	# the container is in the cgroup podman asked for
	host_cgroup_dir "$pid" memory | grep -q "/$TOKEN/libpod-"
}

@test "podman run --network none: only lo" {
	run prun --rm --network none bb sh -c 'ls /sys/class/net'
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "podman run on the default CNI bridge: an address in a netns podman made, joined by path" {
	prun -d --name net bb sleep 1000
	run podman exec net ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet $SUBNET."* ]]
	local sandbox pid
	sandbox=$(podman inspect -f '{{.NetworkSettings.SandboxKey}}' net)
	[[ "$sandbox" == /run/netns/* ]]
	pid=$(ctr_pid net)
	[ "$(stat -L -c %i "$sandbox")" = "$(stat -L -c %i "/proc/$pid/ns/net")" ]
}

@test "podman pod: two containers share net, ipc and uts by path, not pid" {
	podman pod create --cgroup-parent="/$TOKEN" --name pod1 >/dev/null
	podman run -d --pod pod1 --name pa bb sleep 1000
	podman run -d --pod pod1 --name pb bb sleep 1000
	local a b ns
	a=$(ctr_pid pa)
	b=$(ctr_pid pb)
	for ns in net ipc uts; do
		[ "$(readlink "/proc/$a/ns/$ns")" = "$(readlink "/proc/$b/ns/$ns")" ]
		[ "$(readlink "/proc/$a/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ]
	done
	[ "$(readlink "/proc/$a/ns/pid")" != "$(readlink "/proc/$b/ns/pid")" ]
	[ "$(podman exec pa hostname)" = "$(podman exec pb hostname)" ]
	# shared ipc: a POSIX message queue made in one is seen in the other
	podman exec pa touch /dev/mqueue/q-from-pa
	[ "$(podman exec pb ls /dev/mqueue)" = q-from-pa ]
	podman pod rm -f -t 0 pod1 >/dev/null
}

@test "podman run --read-only: / is read-only, /tmp writable" {
	run prun --rm --read-only bb sh -c 'touch /x 2>&1; touch /tmp/y && echo tmp-ok'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *tmp-ok* ]]
}

@test "podman run --cap-drop all: no capabilities" {
	run prun --rm --cap-drop all bb grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '0000000000000000$')" = 5 ]
}

@test "podman run --security-opt no-new-privileges" {
	run prun --rm --security-opt no-new-privileges bb grep NoNewPrivs: /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *"NoNewPrivs:"*1 ]]
}

@test "podman run --user 1:1" {
	run prun --rm --user 1:1 bb sh -c 'id -u; id -g; touch /root/x 2>/dev/null || echo denied'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1\n1\ndenied')" ]
}

@test "podman's default seccomp profile is in force" {
	run prun --rm bb grep Seccomp: /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:"*2 ]]
	# and it is the profile: unconfined has no filter
	run prun --rm --security-opt seccomp=unconfined bb grep Seccomp: /proc/self/status
	[[ "$output" == *"Seccomp:"*0 ]]
}

@test "podman run -v HOSTDIR:/data: both sides see each other's files" {
	echo from-host >"$CL/data/in"
	run prun --rm -v "$CL/data:/data" bb sh -c 'cat /data/in; echo from-ctr > /data/out'
	[ "$status" -eq 0 ]
	[ "$output" = from-host ]
	[ "$(cat "$CL/data/out")" = from-ctr ]
}

@test "podman run of a missing executable: 127 and a message naming it" {
	run -127 prun --rm bb /bin/nope
	[ "$status" -eq 127 ]
	[[ "$output" == */bin/nope* ]]
	[[ "$output" != *"unable to retrieve OCI runtime error"* ]]
}

@test "podman exec of a missing executable: 127 and a message naming it, the container runs on" {
	prun -d --name mx bb sleep 1000
	run -127 podman exec mx /bin/nope-exec
	[ "$status" -eq 127 ]
	[[ "$output" == */bin/nope-exec* ]]
	[[ "$output" != *"unable to retrieve OCI runtime error"* ]]
	[ "$(status_of mx)" = running ]
}

@test "podman run with a bad mount source: 126 and a clear message" {
	: >"$CL/afile"
	run prun --rm --mount "type=bind,src=$CL/afile,dst=/bin" bb true
	[ "$status" -eq 126 ]
	[[ "$output" == *"$CL/afile"* ]]
	[[ "$output" != *"unable to retrieve OCI runtime error"* ]]
}

# --- round 2 (issue 12): devices, privileged, tmpfs mode, init, top, cp, commit, health, kube ---

@test "podman run --device /dev/null:/dev/xnull: the node is there and usable" {
	run prun --rm --device /dev/null:/dev/xnull bb sh -c 'stat -c "%F %t:%T %a" /dev/xnull; echo x > /dev/xnull && echo wrote'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'character special file 1:3 666\nwrote')" ]
}

@test "podman run --privileged: every capability podman holds, host devices, no seccomp, mount works" {
	# podman grants the capabilities of its own bounding set; this sandbox has no
	# CAP_SYS_RESOURCE, so the container gets all others, not "all"
	local bnd
	bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	run prun --rm --privileged bb sh -c 'grep -E "^Cap(Eff|Bnd):|^Seccomp:" /proc/self/status
		ls /dev/loop-control >/dev/null && echo has-host-dev
		mkdir /m && mount -t tmpfs none /m && echo mounted'
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapEff:"?"$bnd"* ]]
	[[ "$output" == *"CapBnd:"?"$bnd"* ]]
	[[ "$output" == *"Seccomp:"?0* ]]
	[[ "$output" == *has-host-dev* ]]
	[[ "$output" == *mounted* ]]
}

@test "podman run --tmpfs /t:mode=1770,size=1m: the tmpfs has that mode and size" {
	run prun --rm --tmpfs /t:mode=1770,size=1m bb sh -c 'stat -c %a /t; df -k /t | tail -n 1'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1770 ]
	[[ "${lines[1]}" == tmpfs*" 1024 "* ]]
}

@test "podman run --init: catatonit is pid 1 and forwards SIGTERM, so stop needs no SIGKILL" {
	prun -d --name in --init bb sleep 1000
	run podman exec in sh -c 'tr "\0" " " < /proc/1/cmdline'
	[ "$status" -eq 0 ]
	[[ "$output" == "/run/podman-init -- sleep 1000"* ]]
	podman stop -t 30 in
	[ "$(status_of in)" = exited ]
	clients_calls_since "$N0" | grep -E -q " kill [0-9a-f]{64} 15$"
	! clients_calls_since "$N0" | grep -E -q " kill [0-9a-f]{64} 9$"
}

@test "podman top: the container's processes, with host pids" {
	prun -d --name tp bb sleep 1000
	run podman top tp pid args
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" =~ ^1\ +sleep\ 1000 ]]
	run podman top tp hpid
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "$(ctr_pid tp)" ]
}

@test "podman cp: host to container and back" {
	prun -d --name cp bb sleep 1000
	echo to-ctr >"$CL/data/f"
	podman cp "$CL/data/f" cp:/f-in
	[ "$(podman exec cp cat /f-in)" = to-ctr ]
	podman exec cp sh -c 'echo to-host > /f-out'
	podman cp cp:/f-out "$CL/data/f-out"
	[ "$(cat "$CL/data/f-out")" = to-host ]
}

@test "podman commit: a running container's change is in the new image" {
	prun -d --name cm bb sleep 1000
	podman exec cm sh -c 'echo committed > /c'
	podman commit -q --pause cm localhost/committed >/dev/null
	# --pause: the container is frozen while its layer is copied
	clients_calls_since "$N0" | grep -E -q " pause [0-9a-f]{64}$"
	clients_calls_since "$N0" | grep -E -q " resume [0-9a-f]{64}$"
	[ "$(status_of cm)" = running ]
	run prun --rm localhost/committed cat /c
	[ "$status" -eq 0 ]
	[ "$output" = committed ]
	podman rmi -f localhost/committed >/dev/null
}

@test "podman healthcheck run: unhealthy, then healthy (no systemd timer)" {
	# --health-interval disable: no systemd-run timer (there is no systemd here); runs by hand
	prun -d --name hc --health-cmd 'test -f /ok' --health-interval disable bb sleep 1000
	run podman healthcheck run hc
	[ "$status" -eq 1 ]
	[ "$output" = unhealthy ]
	podman exec hc touch /ok
	run podman healthcheck run hc
	[ "$status" -eq 0 ]
	[ "$(podman inspect -f '{{.State.Health.Status}}' hc)" = healthy ]
	# each check is an exec of the runtime
	[ "$(clients_calls_since "$N0" | grep -c ' exec --pid-file ')" -ge 3 ]
}

@test "podman play kube: a two-container pod with a locally built infra image" {
	cat >"$CL/kube.yaml" <<-'EOF'
		apiVersion: v1
		kind: Pod
		metadata:
		  name: kp
		spec:
		  containers:
		  - name: web
		    image: localhost/bb:latest
		    imagePullPolicy: Never
		    command: ["/bin/sh", "-c", "touch /dev/mqueue/from-web; sleep 1000"]
		  - name: side
		    image: localhost/bb:latest
		    imagePullPolicy: Never
		    command: ["/bin/sleep", "1000"]
		    env:
		    - name: GREETING
		      value: hello-kube
	EOF
	# (absolute paths: the imported image has no PATH and play kube adds none; runc then finds
	# no "sh", contain searches execvp's default path)
	# no registry: podman builds its pause image (catatonit) locally as localhost/podman-pause
	run podman play kube --network none "$CL/kube.yaml"
	[ "$status" -eq 0 ]
	KUBE_POD=$(podman pod inspect -f '{{.Id}}' kp)
	[ "$(podman pod inspect -f '{{.State}}' kp)" = Running ]
	[ "$(status_of kp-web)" = running ]
	[ "$(status_of kp-side)" = running ]
	[ "$(podman exec kp-side /bin/sh -c 'echo $GREETING')" = hello-kube ]
	[ "$(podman exec kp-side /bin/hostname)" = kp ]
	# the members share ipc (and net, uts) with the infra container
	clients_wait 100 sh -c "podman --runtime '$WRAPPER' exec kp-side /bin/ls /dev/mqueue | grep -q from-web"
	local infra a b ns
	infra=$(podman pod inspect -f '{{.InfraContainerID}}' kp)
	a=$(ctr_pid kp-web)
	b=$(ctr_pid kp-side)
	for ns in net ipc uts; do
		[ "$(readlink "/proc/$a/ns/$ns")" = "$(readlink "/proc/$(ctr_pid "$infra")/ns/$ns")" ]
		[ "$(readlink "/proc/$b/ns/$ns")" = "$(readlink "/proc/$(ctr_pid "$infra")/ns/$ns")" ]
	done
	run podman play kube --down "$CL/kube.yaml"
	[ "$status" -eq 0 ]
	run podman pod inspect kp
	[ "$status" -ne 0 ]
	# the runtime deleted the members' cgroups under podman's pod cgroup
	[ -z "$(clients_runtime_cgroups_left "libpod_parent/$KUBE_POD" "libpod-*")" ]
}
