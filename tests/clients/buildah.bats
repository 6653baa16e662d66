#!/usr/bin/env bats
# buildah 1.28 with OCI isolation driving the runtime under test (CLIENT_RUNTIME, see lib.bash):
# `buildah from` + `buildah run` and `buildah bud` of a Containerfile with RUN steps, on an image
# pulled from an OCI layout of the busybox-static rootfs (no registry).  The runtime is chosen
# both ways users do it: the suite's containers.conf names it ([engine] runtime and the runtimes
# table), and `--runtime PATH` with a containers.conf whose runtime does not exist.  Storage, the
# CNI network and its IPAM are private to this file; teardown_file removes them and fails if any
# mount, cgroup, netns, veth or CNI rule of the suite is left.

load lib
bats_require_minimum_version 1.5.0

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if ! clients_need buildah buildah || ! clients_need tmux tmux ||
		! clients_need /usr/lib/cni/bridge containernetworking-plugins; then
		export CLIENTS_SKIP="buildah/tmux/CNI plugins cannot be installed"
		return 0
	fi
	clients_init buildah
	clients_residue_snapshot
	clients_netns_dir_snapshot
	clients_rootfs_tar
	NET=$TOKEN
	SUBNET=10.232.$(($$ % 200 + 20))
	mkdir -p "$CL/cni" "$CL/tmp" "$CL/data" "$CL/ctx"
	clients_template containers.conf.in "$CL/containers.conf" \
		RUNTIME="$WRAPPER" RUNTIME_NAME="$RUNTIME_NAME" NET="$NET"
	# the same, but naming a runtime that does not exist: only `--runtime PATH` can make it work
	sed -e 's/^runtime = .*/runtime = "nosuch-runtime"/' -e '/^\[engine.runtimes\]/,/^$/d' \
		"$CL/containers.conf" >"$CL/flag-only.conf"
	clients_template storage.conf.in "$CL/storage.conf"
	clients_template cni.conflist.in "$CL/cni/$NET.conflist" NET="$NET" BRIDGE="${TOKEN}br" SUBNET="$SUBNET"
	export CONTAINERS_CONF=$CL/containers.conf CONTAINERS_STORAGE_CONF=$CL/storage.conf TMPDIR=$CL/tmp
	export BUILDAH_ISOLATION=oci NET SUBNET
	# an OCI layout named bb, pulled by a relative reference: the image becomes localhost/bb
	# (buildah names it after the path, which must be lower case)
	clients_oci_layout "$CL/bb" latest
	(cd "$CL" && buildah pull -q oci:bb:latest) >"$CL/pull.log" 2>&1 || { cat "$CL/pull.log" >&2; return 1; }
	buildah from --pull-never --name w bb >/dev/null
}

teardown_file() {
	[ -n "${CL:-}" ] || return 0
	tty_stop
	buildah rm -a >/dev/null 2>&1
	buildah rmi -a -f >/dev/null 2>&1
	umount "$CL/graph/overlay" 2>/dev/null
	local left mine
	# buildah gives no cgroupsPath: the runtime picks one named after the container, buildah-<tmpdir>
	left=$(find /sys/fs/cgroup -mindepth 2 -type d -name 'buildah-buildah*' 2>/dev/null |
		sed 's/^/cgroup left by the runtime: /')
	mine=$(clients_cni_teardown "${TOKEN}br")
	clients_netns_dir_restore
	clients_finish buildah "$left" "$mine"
}

setup() {
	clients_test_setup
}

teardown() {
	[ -n "${CL:-}" ] || return 0
	clients_test_teardown
	# the working container w stays for the whole file; what a test made goes
	local c
	for c in $(buildah containers -q --format '{{.ContainerName}}' 2>/dev/null); do
		[ "$c" = w ] || buildah rm "$c" >/dev/null 2>&1
	done
	buildah rmi -f built built-flag failed >/dev/null 2>&1
	return 0
}

# The runtime calls since the test began that $1 (a regular expression) matches.
calls() {
	clients_calls_since "$N0" | grep -E -c -- "$1"
}

@test "buildah run: the runtime named in containers.conf runs the step" {
	run buildah run w echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	# create, start, (state), delete: the buildah-<tmpdir> container of this step, by the wrapper
	[ "$(calls ": create --bundle [^ ]+ --pid-file [^ ]+ buildah-buildah[0-9]+$")" = 1 ]
	[ "$(calls ": start buildah-buildah[0-9]+$")" = 1 ]
	[ "$(calls ": delete buildah-buildah[0-9]+$")" = 1 ]
}

@test "buildah run --runtime PATH: the flag alone picks the runtime" {
	# the containers.conf names a runtime that does not exist: without the flag it fails
	run env CONTAINERS_CONF="$CL/flag-only.conf" buildah run w true
	[ "$status" -ne 0 ]
	[[ "$output" == *nosuch-runtime* ]]
	[ "$(calls ' create ')" = 0 ]
	run env CONTAINERS_CONF="$CL/flag-only.conf" buildah run --runtime "$WRAPPER" w echo by-flag
	[ "$status" -eq 0 ]
	[ "$output" = by-flag ]
	[ "$(calls ' create ')" = 1 ]
}

@test "buildah run: the exit code passes through" {
	run buildah run w sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run buildah run w false
	[ "$status" -eq 1 ]
}

@test "buildah run of a missing executable: fails naming it" {
	run buildah run w /bin/nope
	[ "$status" -ne 0 ]
	[[ "$output" == */bin/nope* ]]
	# buildah calls no delete after a failed create: the runtime must have cleaned up itself
	[ "$(calls ": create --bundle ")" = 1 ]
	[ "$(calls ": delete ")" = 0 ]
	run "$RUNTIME" list
	[ "$status" -eq 0 ]
	[[ "$output" != *buildah-buildah* ]]
}

@test "buildah run --user 1:1" {
	run buildah run --user 1:1 w sh -c 'id -u; id -g; touch /root/x 2>/dev/null || echo denied'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1\n1\ndenied')" ]
}

@test "buildah run -v HOSTDIR:/data (rw and ro): both sides see each other's files" {
	echo from-host >"$CL/data/in"
	run buildah run -v "$CL/data:/data" w sh -c 'cat /data/in; echo from-ctr > /data/out'
	[ "$status" -eq 0 ]
	[ "$output" = from-host ]
	[ "$(cat "$CL/data/out")" = from-ctr ]
	run buildah run -v "$CL/data:/data:ro" w sh -c 'cat /data/in; echo x > /data/out2'
	[ "$status" -ne 0 ]
	# (stdout and stderr travel separately: either may come first)
	[[ "$output" == *from-host* ]]
	[[ "$output" == *"Read-only file system"* ]]
	[ ! -e "$CL/data/out2" ]
}

@test "buildah run --network none: only lo" {
	run buildah run --network none w ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "buildah run on the default CNI network: an address of the suite's subnet" {
	run buildah run w ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet $SUBNET."* ]]
}

@test "buildah run -t through a real pty: prompt, commands, exit" {
	tty_start bt "buildah run -t w sh"
	tty_prompt bt
	tty_type bt 'echo $((6*7)); tty'
	clients_wait 100 tty_has bt '^42'
	tty_has bt '^/dev/pts/0'
	tty_type bt 'exit 5'
	clients_wait 600 tty_dead bt
	[ "$(tty_status bt)" = 5 ]
	[ "$(calls " create .*--console-socket ")" = 1 ]
}

# A Containerfile whose RUN steps leave evidence: a file, the uid of a USER step, the network.
containerfile() {
	cat >"$CL/ctx/Containerfile" <<-'EOF'
		FROM localhost/bb
		RUN echo built > /built && mkdir /ev
		RUN ls /sys/class/net > /ev/net
		USER 1
		RUN id -u > /tmp/uid
		CMD ["cat", "/built"]
	EOF
}

@test "buildah bud: RUN steps run by the runtime named in containers.conf" {
	containerfile
	run buildah bud --pull-never --network none -t localhost/built "$CL/ctx"
	[ "$status" -eq 0 ]
	[ "$(calls ": create --bundle ")" = 3 ]
	[ "$(calls ": delete buildah-buildah[0-9]+$")" = 3 ]
	buildah from --pull-never --name b built >/dev/null
	run buildah run --user 0 b sh -c 'cat /built /ev/net /tmp/uid'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'built\nlo\n1')" ]
}

@test "buildah bud --runtime PATH: the flag alone picks the runtime" {
	containerfile
	run env CONTAINERS_CONF="$CL/flag-only.conf" buildah bud --pull-never --runtime "$WRAPPER" \
		--network none -t localhost/built-flag "$CL/ctx"
	[ "$status" -eq 0 ]
	[ "$(calls ": create --bundle ")" = 3 ]
}

@test "buildah bud: a failing RUN step stops the build with its exit code" {
	printf 'FROM localhost/bb\nRUN echo step1\nRUN sh -c "exit 7"\nRUN echo never-reached\n' >"$CL/ctx/Containerfile"
	run buildah bud --pull-never --network none -t localhost/failed "$CL/ctx"
	[ "$status" -ne 0 ]
	[[ "$output" == *step1* ]]
	[[ "$output" == *"exit status 7"* ]]
	[[ "$output" != *never-reached* ]]
	[ "$(calls ": create --bundle ")" = 2 ]
	run buildah inspect --type image localhost/failed
	[ "$status" -ne 0 ]
}
