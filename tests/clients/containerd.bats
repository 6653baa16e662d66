#!/usr/bin/env bats
# containerd 1.6 (ctr + shim io.containerd.runc.v2) driving the runtime under test ($CONTAIN; see
# lib.bash) through `ctr run --runc-binary`.  The daemon is this file's own: root, state, socket
# and config under $CL, CRI disabled, started in setup_file and stopped by its pid in
# teardown_file, which then fails if any mount, cgroup, netns or veth is left.

load lib
bats_require_minimum_version 1.5.0

setup_file() {
	# the tests of a file share one client setup and clean all of it between tests
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if ! clients_need containerd containerd || ! clients_need ctr containerd || ! clients_need tmux tmux; then
		export CLIENTS_SKIP="containerd/ctr/tmux cannot be installed"
		return 0
	fi
	clients_init containerd
	clients_residue_snapshot
	clients_rootfs_tar
	clients_oci_layout "$CL/layout" latest
	tar -C "$CL/layout" -cf "$CL/oci.tar" .
	clients_template containerd.toml.in "$CL/containerd.toml"
	# detached from bats' fds, so bats does not wait for the daemon
	containerd --config "$CL/containerd.toml" </dev/null >"$CL/containerd.log" 2>&1 3>&- &
	CONTAINERD_PID=$!
	NS=$TOKEN
	export CONTAINERD_PID NS
	clients_wait 200 cctr version >/dev/null 2>&1 || { cat "$CL/containerd.log" >&2; return 1; }
	cctr image import --base-name localhost/bb "$CL/oci.tar" >/dev/null
}

teardown_file() {
	[ -n "${CL:-}" ] || return 0
	tty_stop
	remove_all_containers
	# then the shims our daemon started
	clients_stop_daemon "${CONTAINERD_PID:-}" "-address $CL/c.sock "
	local left
	left=$(clients_runtime_cgroups_left "$NS")
	clients_remove_cgroups "$NS"
	clients_finish containerd "$left"
}

setup() {
	clients_test_setup
}

teardown() {
	[ -n "${CL:-}" ] || return 0
	clients_test_teardown
	remove_all_containers
}

# ctr on this file's daemon and namespace
cctr() {
	ctr -a "$CL/c.sock" -n "$NS" "$@"
}

# ctr run with the runtime under test (through the argv-logging wrapper) and a private runc root
crun_() {
	local opts=()
	while [[ "${1:-}" == -* ]]; do opts+=("$1"); shift; done
	cctr run "${opts[@]}" --runc-binary "$WRAPPER" --runc-root "$CL/rr" localhost/bb:latest "$@"
}

remove_all_containers() {
	local c
	for c in $(cctr containers ls -q 2>/dev/null); do
		cctr task kill -a -s KILL "$c" >/dev/null 2>&1
		clients_wait 50 task_gone_or_stopped "$c" 2>/dev/null
		cctr task delete -f "$c" >/dev/null 2>&1
		cctr containers rm "$c" >/dev/null 2>&1
	done
	return 0
}

# STATUS column of `ctr task ls` for task $1 (empty when there is no task)
task_status() {
	cctr task ls 2>/dev/null | awk -v t="$1" '$1 == t { print $3 }'
}
task_is() { [ "$(task_status "$1")" = "$2" ]; }
task_gone_or_stopped() { local s; s=$(task_status "$1"); [ -z "$s" ] || [ "$s" = STOPPED ]; }

task_pid() {
	cctr task ls 2>/dev/null | awk -v t="$1" '$1 == t { print $2 }'
}

@test "ctr run --rm echo hi" {
	run crun_ --rm t1 echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	clients_calls_since "$N0" | grep -q " create --bundle .* t1$"
}

@test "ctr run -d, task exec (output and exit code)" {
	crun_ -d t2 sleep 1000
	clients_wait 50 task_is t2 RUNNING
	run cctr task exec --exec-id e1 t2 echo from-exec
	[ "$status" -eq 0 ]
	[ "$output" = from-exec ]
	run cctr task exec --exec-id e2 t2 sh -c 'exit 3'
	[ "$status" -eq 3 ]
	clients_calls_since "$N0" | grep -q " exec --process .* --detach --pid-file .* t2$"
}

@test "ctr task ps lists the init and exec processes" {
	crun_ -d t3 sleep 1000
	clients_wait 50 task_is t3 RUNNING
	cctr task exec -d --exec-id side t3 sleep 999
	local pid
	pid=$(task_pid t3)
	clients_wait 50 sh -c "ctr -a '$CL/c.sock' -n '$NS' task ps t3 | grep -q side"
	run cctr task ps t3
	[ "$status" -eq 0 ]
	[[ "$output" == *"$pid"* ]]
	[ "$(echo "$output" | grep -c '^[0-9]')" = 2 ]
	clients_calls_since "$N0" | grep -q " ps --format json t3$"
}

@test "ctr task pause and resume" {
	crun_ -d t4 sleep 1000
	clients_wait 50 task_is t4 RUNNING
	local freezer=/sys/fs/cgroup/freezer/$NS/t4
	cctr task pause t4
	[ "$(task_status t4)" = PAUSED ]
	[ "$(cat "$freezer/freezer.state")" = FROZEN ]
	cctr task resume t4
	[ "$(task_status t4)" = RUNNING ]
	[ "$(cat "$freezer/freezer.state")" = THAWED ]
	run cctr task exec --exec-id e t4 echo alive
	[ "$output" = alive ]
}

@test "ctr task kill (SIGTERM) stops a container that handles it" {
	crun_ -d t5 sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	clients_wait 50 task_is t5 RUNNING
	cctr task kill t5
	clients_wait 100 task_is t5 STOPPED
	clients_calls_since "$N0" | grep -q " kill t5 15$"
}

@test "ctr task kill -a -s KILL kills every process of the container" {
	crun_ -d t6 sleep 1000
	clients_wait 50 task_is t6 RUNNING
	cctr task exec -d --exec-id side t6 sleep 999
	clients_wait 50 sh -c "ctr -a '$CL/c.sock' -n '$NS' task ps t6 | grep -q side"
	local procs=/sys/fs/cgroup/pids/$NS/t6/cgroup.procs
	[ "$(wc -l <"$procs")" -ge 2 ]
	cctr task kill -a -s KILL t6
	clients_wait 100 task_is t6 STOPPED
	clients_wait 100 sh -c "[ ! -s '$procs' ]"
	clients_calls_since "$N0" | grep -q " kill --all t6 9$"
}

@test "ctr run -t: a tty, prompt, commands, exit" {
	tty_start tt "ctr -a '$CL/c.sock' -n '$NS' run -t --rm --runc-binary '$WRAPPER' --runc-root '$CL/rr' localhost/bb:latest t7 sh"
	tty_prompt tt
	tty_type tt 'echo $((6*7)); tty'
	clients_wait 100 tty_has tt '^42'
	tty_has tt '^/dev/pts/0'
	tty_type tt 'exit 5'
	clients_wait 600 tty_dead tt
	[ "$(tty_status tt)" = 5 ]
	clients_calls_since "$N0" | grep -q -- " create --bundle .* --console-socket .* t7$"
}

@test "ctr run --seccomp: the default profile is in force" {
	run crun_ --rm --seccomp t8 grep Seccomp: /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:"*2 ]]
	run crun_ --rm t8 grep Seccomp: /proc/self/status
	[[ "$output" == *"Seccomp:"*0 ]]
}

@test "the shim's delete --force of an already-deleted id exits 0" {
	crun_ --rm t9 true
	# the shim deletes, then deletes --force again: the second must succeed
	clients_calls_since "$N0" | grep -A1 -E "^\[[0-9]+\] .* delete --force t9$" | grep -q "=> exit 0"
	# and directly
	mkdir -p "$CL/direct-root"
	run "$RUNTIME" --root "$CL/direct-root" delete --force "nonexistent-$TOKEN"
	[ "$status" -eq 0 ]
}

@test "the shim's leaked fd 3 never reaches the container" {
	run crun_ --rm t10 sh -c 'ls /proc/$$/fd; :'
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2" ]
}

@test "a failing create shows the runtime's own error through ctr" {
	run crun_ --rm t11 /bin/nope
	[ "$status" -ne 0 ]
	[[ "$output" == *'/bin/nope'*'no such file or directory'* ]]
	[[ "$output" != *"unable to retrieve OCI runtime error"* ]]
	# a later failure must not repeat this one's text: containerd reads the last error line
	run crun_ --rm t12 /bin/nope2
	[[ "$output" == *'/bin/nope2'* ]]
}

@test "a failing exec shows its own error, not an earlier one from the same log.json" {
	crun_ -d t13 sleep 1000
	clients_wait 50 task_is t13 RUNNING
	run cctr task exec --exec-id e1 t13 /bin/nope-one
	[ "$status" -ne 0 ]
	[[ "$output" == *'/bin/nope-one'* ]]
	run cctr task exec --exec-id e2 t13 /bin/nope-two
	[ "$status" -ne 0 ]
	[[ "$output" == *'/bin/nope-two'* ]]
	[[ "$output" != *'/bin/nope-one'* ]]
	[ "$(task_status t13)" = RUNNING ]
}
