#!/bin/bash
# The README's demo: installs what is missing, builds build/contain, prepares the busybox bundle,
# runs it as an OCI bundle (memory 64M, cpu 50000/100000, pids 64 from its config.json), then
# the same limits through quick mode.  Every line the container prints is the container's own;
# when the runtime fails, the demo stops with the runtime's message and a non-zero status.
# usage: ./demo.sh   (as root, on Debian 12)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")" || exit 1

if [ -t 1 ]; then bold=$'\e[1m' off=$'\e[0m'; else bold= off=; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run me as root: containers need namespaces, mounts and cgroups (and apt-get needs root)"

step "dependencies (apt-get only what is missing)"
tests/install-deps.sh meson ninja-build gcc libc6-dev pkg-config libyajl-dev libseccomp-dev libcap-dev libbpf-dev libsystemd-dev \
	busybox-static jq || die "could not install the build dependencies"
echo "ready"

build=${DEMO_BUILDDIR:-build}   # another directory only for testing this script
step "build: meson setup $build && ninja -C $build"
if [ ! -f "$build/meson-private/coredata.dat" ]; then
	out=$(meson setup "$build" 2>&1) || { printf '%s\n' "$out"; die "meson setup $build failed"; }
fi
out=$(ninja -C "$build" 2>&1) || { printf '%s\n' "$out"; die "the build failed"; }
echo "built $build/contain"
contain=$build/contain
"$contain" --version

step "bundle: bundles/busybox/rootfs from Debian's busybox-static"
bundles/busybox/build-rootfs.sh || die "bundles/busybox/build-rootfs.sh failed"
echo "$(find bundles/busybox/rootfs -type l | wc -l) applet links, $(du -sh bundles/busybox/rootfs | cut -f1)"

step "bundles/busybox/config.json: what it asks for"
jq '{hostname, args: .process.args,
     memory: .linux.resources.memory.limit, cpu: .linux.resources.cpu, pids: .linux.resources.pids.limit,
     namespaces: [.linux.namespaces[].type]}' bundles/busybox/config.json
"$contain" check-config --bundle bundles/busybox || die "contain rejected bundles/busybox/config.json (message above)"
echo "contain check-config: the config parses and validates"

# run_container TITLE ID ARGS...: runs contain, and on failure shows its message, removes what
# a half-made container may have left, and stops the demo.
run_container() {
	local title=$1 id=$2 rc
	shift 2
	step "$title"
	echo "--- what the container sees:"
	"$contain" "$@"
	rc=$?
	echo "--- exit status $rc"
	if [ $rc -ne 0 ]; then
		[ -n "$id" ] && "$contain" delete --force "$id" >/dev/null 2>&1
		die "contain failed (exit $rc); the line starting with \"contain:\" above is the runtime's own message"
	fi
}

id=demo-$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
# the bundle's own process.args print its hostname, its id and its memory limit in bytes
run_container "OCI bundle: $contain run --bundle bundles/busybox $id" "$id" \
	run --bundle bundles/busybox "$id"

# one line, so the quick mode's "[contain] running: ..." line stays readable
script='echo "hostname: $(hostname)"; echo "id: $(id)"; cd /sys/fs/cgroup; if [ -f memory.max ]; then echo "memory.max: $(cat memory.max), cpu.max: $(cat cpu.max), pids.max: $(cat pids.max)"; else echo "memory limit: $(cat memory/memory.limit_in_bytes), cpu quota/period: $(cat cpu/cpu.cfs_quota_us)/$(cat cpu/cpu.cfs_period_us), pids.max: $(cat pids/pids.max)"; fi'
run_container "quick mode, no bundle: $contain run --rootfs bundles/busybox/rootfs --memory 64M --cpu 50000 --pids 64 --hostname box -- /bin/sh -c '...'" "" \
	run --rootfs bundles/busybox/rootfs --memory 64M --cpu 50000 --pids 64 --hostname box -- /bin/sh -c "$script"

step "done"
echo "Both containers ran and were deleted. Try: $contain --help"
