#!/usr/bin/env bats
# Docker 20.10 (Debian's docker.io: dockerd, its own containerd, shim io.containerd.runc.v2)
# driving the runtime under test ($CONTAIN; see lib.bash) through `docker run --runtime`.
# The daemon is this file's own: data root, exec root (its containerd's state and the shim's
# runtime root), socket, pid file and trust key under $CL, containers under the cgroup parent
# /$TOKEN.  It is started in setup_file and stopped by its pid in teardown_file, which then kills
# what of it is left (its containerd, shims: found by $CL in their command line), unmounts
# everything under $CL and fails if any mount, cgroup, netns or link of the suite is left.
#
# The runtime switch is the one of every client suite (CLIENT_RUNTIME=runc, see lib.bash); the
# daemon's setup is the same for every runtime, which is registered with --add-runtime under the
# name $DRT ("runc" itself is reserved by dockerd) and picked by `docker run --runtime $DRT`.
#
# Networking: --bridge=none, --iptables=false, --ip-masq=false, --ip-forward=false.  dockerd's
# default bridge would be docker0 (a host-wide name, shared with any other Docker on the host)
# plus permanent iptables chains and forwarding sysctls; with none of that a container's default
# network is a namespace of its own holding only lo, which every scenario here (--network none,
# --network container:X, --sysctl net.*) needs and nothing more.

load lib
bats_require_minimum_version 1.5.0

DOCKER=/usr/bin/docker # the packaged client, matching the daemon (/usr/local/bin may be newer)

setup_file() {
	# the tests of a file share one client setup and clean all of it between tests
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if ! clients_need dockerd docker.io || ! [ -x "$DOCKER" ] || ! clients_need tmux tmux; then
		export CLIENTS_SKIP="docker.io/tmux cannot be installed"
		return 0
	fi
	clients_init docker
	clients_residue_snapshot
	if [ -d /run/docker ]; then RUN_DOCKER_EXISTED=1; else RUN_DOCKER_EXISTED=0; fi
	clients_rootfs_tar
	case $RUNTIME_NAME in runc) DRT=runc-logged ;; *) DRT=$RUNTIME_NAME ;; esac
	export DOCKER_CONFIG=$CL/cfg DRT RUN_DOCKER_EXISTED
	mkdir -p "$DOCKER_CONFIG" "$CL/data" "$CL/ro"
	# not the host's /etc/docker/daemon.json; the trust key not in /etc/docker either
	jq -n --arg k "$CL/key.json" '{"deprecated-key-path": $k}' >"$CL/daemon.json"
	# detached from bats' fds, so bats does not wait for the daemon
	dockerd --data-root "$CL/d" --exec-root "$CL/x" -H "unix://$CL/d.sock" --pidfile "$CL/d.pid" \
		--config-file "$CL/daemon.json" \
		--exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$TOKEN" \
		--iptables=false --ip-masq=false --ip-forward=false --bridge=none \
		--storage-driver overlay2 --default-ulimit nofile=20000:20000 \
		--add-runtime "$DRT=$WRAPPER" </dev/null >"$CL/dockerd.log" 2>&1 3>&- &
	DOCKERD_PID=$!
	export DOCKERD_PID
	if ! clients_wait 600 dk version >/dev/null 2>&1; then
		# only a daemon that cannot run on this machine skips; the runtime is not involved yet
		export CLIENTS_SKIP="dockerd cannot start here: $(tail -n 1 "$CL/dockerd.log")"
		return 0
	fi
	dk import --change 'CMD ["/bin/sh"]' "$CL/rootfs.tar" bb:latest >"$CL/import.log" 2>&1 ||
		{ cat "$CL/import.log" >&2; return 1; }
}

teardown_file() {
	[ -n "${CL:-}" ] || return 0
	tty_stop
	remove_all_containers
	# then its containerd and the shims (all of them name a path under $CL)
	clients_stop_daemon "${DOCKERD_PID:-}" " $CL/"
	local left
	left=$(clients_runtime_cgroups_left "$TOKEN")
	clients_remove_cgroups "$TOKEN"
	# dockerd makes /run/docker/plugins whatever its exec root
	[ "${RUN_DOCKER_EXISTED:-1}" = 1 ] || rmdir /run/docker/plugins /run/docker 2>/dev/null
	clients_finish docker "$left"
}

setup() {
	clients_test_setup
}

teardown() {
	[ -n "${CL:-}" ] || return 0
	clients_test_teardown
	remove_all_containers
}

# the packaged client on this file's daemon
dk() {
	"$DOCKER" -H "unix://$CL/d.sock" "$@"
}

# docker run with the runtime under test (through the argv-logging wrapper)
drun() {
	dk run --runtime "$DRT" "$@"
}

# the same client as a command line for a tmux pane (which does not inherit the test's functions)
dk_cmdline() {
	echo "DOCKER_CONFIG='$CL/cfg' $DOCKER -H 'unix://$CL/d.sock'"
}

remove_all_containers() {
	local ids
	ids=$(dk ps -aq 2>/dev/null)
	[ -z "$ids" ] || dk rm -f -v $ids >/dev/null 2>&1
	return 0
}

field() { dk inspect -f "{{$2}}" "$1"; }
ctr_pid() { field "$1" .State.Pid; }
status_of() { field "$1" .State.Status; }
is_status() { [ "$(status_of "$1")" = "$2" ]; }

@test "docker run: output and exit codes" {
	run drun --rm bb echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	grep -q " create --bundle " "$CALL_LOG"
	run drun --rm bb sh -c 'echo to-stderr >&2; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = to-stderr ]
	run -127 drun --rm bb /bin/nope
	[[ "$output" == */bin/nope* ]]
}

@test "docker run -d, exec: output, exit code, piped stdin, a missing executable" {
	drun -d --name ex bb sleep 1000
	[ "$(status_of ex)" = running ]
	run dk exec ex echo from-exec
	[ "$status" -eq 0 ]
	[ "$output" = from-exec ]
	run dk exec ex sh -c 'exit 4'
	[ "$status" -eq 4 ]
	run sh -c "printf 'line1\nline2\n' | $(dk_cmdline) exec -i ex cat"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line1\nline2')" ]
	run -126 dk exec ex /bin/nope-exec
	[[ "$output" == */bin/nope-exec* ]]
	[ "$(status_of ex)" = running ]
	clients_calls_since "$N0" | grep -q " exec --process .* --detach --pid-file "
}

@test "docker run -it through a real pty: prompt, commands, exit" {
	tty_start it "$(dk_cmdline) run -it --rm --runtime '$DRT' bb sh"
	tty_prompt it
	tty_type it 'echo $((6*7)); tty; stty size'
	clients_wait 100 tty_has it '^42'
	tty_has it '^/dev/pts/0'
	tty_has it '^40 120'
	tty_type it 'exit 5'
	clients_wait 600 tty_dead it
	[ "$(tty_status it)" = 5 ]
	clients_calls_since "$N0" | grep -q -- " --console-socket "
}

@test "docker exec -it through a real pty" {
	drun -d --name ei bb sleep 1000
	tty_start ei "$(dk_cmdline) exec -it ei sh"
	tty_prompt ei
	tty_type ei 'echo $((7*6))-exec; tty'
	clients_wait 100 tty_has ei '^42-exec'
	tty_has ei '^/dev/pts/'
	tty_type ei 'exit 6'
	clients_wait 600 tty_dead ei
	[ "$(tty_status ei)" = 6 ]
	[ "$(status_of ei)" = running ]
}

@test "docker stop, start, restart, kill, rm" {
	drun -d --name sk bb sleep 1000
	local pid1 pid2
	pid1=$(ctr_pid sk)
	# sleep as pid 1 ignores SIGTERM: stop goes on to SIGKILL
	dk stop -t 1 sk >/dev/null
	[ "$(status_of sk)" = exited ]
	[ "$(field sk .State.ExitCode)" = 137 ]
	! kill -0 "$pid1" 2>/dev/null
	clients_calls_since "$N0" | grep -E -q " kill [0-9a-f]{64} 15$"
	clients_calls_since "$N0" | grep -E -q " kill [0-9a-f]{64} 9$"
	dk start sk >/dev/null
	[ "$(status_of sk)" = running ]
	pid1=$(ctr_pid sk)
	dk restart -t 1 sk >/dev/null
	[ "$(status_of sk)" = running ]
	pid2=$(ctr_pid sk)
	[ "$pid1" != "$pid2" ]
	! kill -0 "$pid1" 2>/dev/null
	dk kill sk >/dev/null
	clients_wait 100 is_status sk exited
	[ "$(field sk .State.ExitCode)" = 137 ]
	dk rm sk >/dev/null
	run dk inspect sk
	[ "$status" -ne 0 ]
	# rm -f of a running container
	drun -d --name sk2 bb sleep 1000
	pid1=$(ctr_pid sk2)
	dk rm -f sk2 >/dev/null
	! kill -0 "$pid1" 2>/dev/null
	clients_calls_since "$N0" | grep -E -q " delete [0-9a-f]{64}$"
}

@test "docker pause and unpause freeze and thaw the container" {
	drun -d --name pz bb sleep 1000
	local freezer
	freezer=$(host_cgroup_dir "$(ctr_pid pz)" freezer)
	dk pause pz >/dev/null
	[ "$(status_of pz)" = paused ]
	[ "$(cat "$freezer/freezer.state")" = FROZEN ]
	dk unpause pz >/dev/null
	[ "$(status_of pz)" = running ]
	[ "$(cat "$freezer/freezer.state")" = THAWED ]
	run dk exec pz echo alive
	[ "$output" = alive ]
	clients_calls_since "$N0" | grep -E -q " pause [0-9a-f]{64}$"
	clients_calls_since "$N0" | grep -E -q " resume [0-9a-f]{64}$"
}

@test "docker top lists the container's processes" {
	drun -d --name tp bb sleep 1000
	dk exec -d tp sleep 999
	clients_wait 50 sh -c "$(dk_cmdline) top tp | grep -q 'sleep 999'"
	run dk top tp
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]
	[[ "$output" == *"$(ctr_pid tp)"* ]]
	clients_calls_since "$N0" | grep -E -q " ps --format json [0-9a-f]{64}$"
}

@test "docker stats --no-stream reads the container's cgroups" {
	drun -d --name st bb sleep 1000
	run dk stats --no-stream --format '{{.Name}} {{.PIDs}} {{.MemUsage}}' st
	[ "$status" -eq 0 ]
	[[ "$output" == "st 1 "* ]]
	[[ "$output" != "st 1 0B "* ]]
}

@test "docker run --memory --cpus --pids-limit: the v1 cgroup files" {
	drun -d --name lim --memory 64m --memory-swap 128m --cpus 0.5 --pids-limit 32 bb sleep 1000
	local pid
	pid=$(ctr_pid lim)
	[ "$(cat "$(host_cgroup_dir "$pid" memory)/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "$(host_cgroup_dir "$pid" memory)/memory.memsw.limit_in_bytes")" = 134217728 ]
	[ "$(cat "$(host_cgroup_dir "$pid" pids)/pids.max")" = 32 ]
	[ "$(cat "$(host_cgroup_dir "$pid" cpu)/cpu.cfs_quota_us")" = 50000 ]
	[ "$(cat "$(host_cgroup_dir "$pid" cpu)/cpu.cfs_period_us")" = 100000 ]
	# the container is in the cgroup Docker asked for
	host_cgroup_dir "$pid" memory | grep -q "/$TOKEN/$(field lim .Id)$"
}

@test "docker update --memory --cpus --pids-limit changes a running container's cgroups" {
	drun -d --name up --memory 64m --memory-swap 128m bb sleep 1000
	local pid
	pid=$(ctr_pid up)
	dk update --memory 96m --memory-swap 192m --cpus 1.5 --pids-limit 40 up >/dev/null
	[ "$(cat "$(host_cgroup_dir "$pid" memory)/memory.limit_in_bytes")" = 100663296 ]
	[ "$(cat "$(host_cgroup_dir "$pid" memory)/memory.memsw.limit_in_bytes")" = 201326592 ]
	[ "$(cat "$(host_cgroup_dir "$pid" cpu)/cpu.cfs_quota_us")" = 150000 ]
	[ "$(cat "$(host_cgroup_dir "$pid" pids)/pids.max")" = 40 ]
	[ "$(field up .HostConfig.Memory)" = 100663296 ]
	clients_calls_since "$N0" | grep -E -q " update --resources - [0-9a-f]{64}$"
}

@test "docker run --read-only: / is read-only" {
	run drun --rm --read-only bb sh -c 'touch /x 2>&1; touch /dev/shm/y && echo shm-ok'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *shm-ok* ]]
}

@test "docker run --tmpfs with size and mode" {
	run drun --rm --tmpfs /scratch:rw,size=1m,mode=1770 bb sh -c \
		'stat -c %a /scratch; grep " /scratch " /proc/mounts; dd if=/dev/zero of=/scratch/f bs=1k count=2048 2>&1 | grep -o "No space left"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1770 ]
	[[ "${lines[1]}" == "tmpfs /scratch tmpfs "*size=1024k* ]]
	[ "${lines[2]}" = "No space left" ]
}

@test "docker run --cap-drop ALL: no capabilities" {
	run drun --rm --cap-drop ALL bb grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '0000000000000000$')" = 5 ]
	# and it is enforced: chown needs CAP_CHOWN even for root
	run drun --rm --cap-drop ALL bb sh -c 'touch /tmp/f; chown 1 /tmp/f'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "docker run --user 1000:1000" {
	run drun --rm --user 1000:1000 bb sh -c 'id -u; id -g; touch /root/x 2>/dev/null || echo denied'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1000\n1000\ndenied')" ]
}

@test "docker run -v: a rw bind both ways, a ro bind refusing writes" {
	echo from-host >"$CL/data/in"
	echo ro-host >"$CL/ro/in"
	run drun --rm -v "$CL/data:/data" -v "$CL/ro:/ro:ro" bb sh -c \
		'cat /data/in /ro/in; echo from-ctr > /data/out; touch /ro/new 2>&1'
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = from-host ]
	[ "${lines[1]}" = ro-host ]
	[[ "${lines[2]}" == *"Read-only file system"* ]]
	[ "$(cat "$CL/data/out")" = from-ctr ]
	[ ! -e "$CL/ro/new" ]
}

@test "docker run --init: docker-init is pid 1, the command its child" {
	run drun --rm --init bb sh -c 'cat /proc/1/comm; echo $$'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = docker-init ]
	[ "${lines[1]}" != 1 ]
	# the exit code passes through the init
	run drun --rm --init bb sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

@test "docker run --restart on-failure:2 restarts a failing container twice" {
	drun -d --name rf --restart on-failure:2 bb sh -c 'exit 1'
	clients_wait 300 eval '[ "$(field rf .RestartCount)" = 2 ] && is_status rf exited'
	[ "$(field rf .State.ExitCode)" = 1 ]
	[ "$(clients_calls_since "$N0" | grep -c " start [0-9a-f]\{64\}$")" = 3 ]
}

@test "docker healthcheck turns healthy" {
	drun -d --name hh --health-cmd 'test -e /etc/passwd' --health-interval 1s --health-retries 1 bb sleep 1000
	clients_wait 300 eval '[ "$(field hh .State.Health.Status)" = healthy ]'
	[ "$(dk inspect -f '{{(index .State.Health.Log 0).ExitCode}}' hh)" = 0 ]
}

@test "docker healthcheck turns unhealthy" {
	drun -d --name hu --health-cmd 'echo sick; exit 1' --health-interval 1s --health-retries 2 bb sleep 1000
	clients_wait 300 eval '[ "$(field hu .State.Health.Status)" = unhealthy ]'
	[ "$(dk inspect -f '{{(index .State.Health.Log 0).ExitCode}}' hu)" = 1 ]
	[[ "$(dk inspect -f '{{(index .State.Health.Log 0).Output}}' hu)" == sick* ]]
	[ "$(status_of hu)" = running ]
}

@test "docker cp into and out of a running container" {
	drun -d --name cp bb sleep 1000
	echo into-ctr >"$CL/cp-in"
	dk cp "$CL/cp-in" cp:/tmp/in
	run dk exec cp cat /tmp/in
	[ "$output" = into-ctr ]
	dk exec cp sh -c 'echo out-of-ctr > /tmp/out'
	dk cp cp:/tmp/out "$CL/cp-out"
	[ "$(cat "$CL/cp-out")" = out-of-ctr ]
}

@test "docker commit: a new image with the container's changes" {
	drun --name cm bb sh -c 'echo committed > /marker'
	dk commit cm bb:committed >/dev/null
	run drun --rm bb:committed cat /marker
	[ "$status" -eq 0 ]
	[ "$output" = committed ]
	dk rmi bb:committed >/dev/null
}

@test "docker run --memory: an OOM-killed container is reported as OOMKilled" {
	# the shim watches memory.oom_control only once the runtime's `start` has returned: an OOM
	# before that is never reported, with any runtime (the ASan build's `start` exits later)
	run drun --name oom --memory 16m --memory-swap 16m bb sh -c 'sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1'
	[ "$status" -eq 137 ]
	# the shim's OOM event may reach dockerd after the exit event that ended `docker run`
	clients_wait 100 eval '[ "$(field oom .State.OOMKilled)" = true ]'
}

@test "docker run --network none: only lo" {
	run drun --rm --network none bb ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "docker run --device: the node, its cgroup rule and its permissions" {
	# /dev/kmsg (1,11) is not among Docker's default device rules: its access is only the :w given
	run drun --rm --device /dev/null:/dev/xnull --device /dev/kmsg:/dev/xkmsg:w bb sh -c \
		'{ stat -c "%F %t,%T" /dev/xnull; echo x > /dev/xnull && echo wrote; stat -c "%t,%T" /dev/xkmsg
		head -c 1 /dev/xkmsg; mknod /tmp/mem c 1 1 && head -c 1 /tmp/mem; } 2>&1'
	[ "${lines[0]}" = "character special file 1,3" ]
	[ "${lines[1]}" = wrote ]
	[ "${lines[2]}" = 1,b ]
	[[ "${lines[3]}" == *"/dev/xkmsg"*"Operation not permitted"* ]]
	[[ "${lines[4]}" == *"/tmp/mem"*"Operation not permitted"* ]]
}

@test "docker run --ulimit nofile and nproc" {
	run drun --rm --ulimit nofile=1024:2048 --ulimit nproc=512:1024 bb sh -c \
		'ulimit -Sn; ulimit -Hn; ulimit -Su; ulimit -Hu'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1024\n2048\n512\n1024')" ]
	# the daemon's --default-ulimit applies without the flag
	run drun --rm bb sh -c 'ulimit -Hn'
	[ "$output" = 20000 ]
}

@test "docker run --shm-size" {
	run drun --rm --shm-size 32m bb sh -c "df -k /dev/shm | awk 'NR == 2 { print \$2 }'"
	[ "$status" -eq 0 ]
	[ "$output" = 32768 ]
}

@test "docker run --ipc container:X --network container:X joins X's namespaces" {
	drun -d --name nx --ipc shareable bb sleep 1000
	drun -d --name ny --ipc container:nx --network container:nx bb sleep 1000
	local x y ns
	x=$(ctr_pid nx)
	y=$(ctr_pid ny)
	for ns in ipc net; do
		[ "$(readlink "/proc/$x/ns/$ns")" = "$(readlink "/proc/$y/ns/$ns")" ]
		[ "$(readlink "/proc/$x/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ]
	done
	[ "$(readlink "/proc/$x/ns/pid")" != "$(readlink "/proc/$y/ns/pid")" ]
	# shared ipc: X's /dev/shm and message queues are Y's
	dk exec nx sh -c 'echo via-shm > /dev/shm/f; touch /dev/mqueue/q-from-x'
	[ "$(dk exec ny cat /dev/shm/f)" = via-shm ]
	[ "$(dk exec ny ls /dev/mqueue)" = q-from-x ]
}

@test "docker run --sysctl sets namespaced sysctls inside only" {
	local host_msgmax
	host_msgmax=$(cat /proc/sys/kernel/msgmax)
	run drun --rm --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=12345 bb sh -c \
		'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1\n12345')" ]
	[ "$(cat /proc/sys/kernel/msgmax)" = "$host_msgmax" ]
}
