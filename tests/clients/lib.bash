# Shared by the client suites (podman, buildah, containerd, Docker, umoci): which runtime the
# clients drive, the argv-logging wrapper in front of it, the busybox image, and the before/after
# residue check of mounts, cgroups, netns and veths.
#
# The runtime is a variable: CLIENT_RUNTIME=contain (the default) drives CONTAIN=/path/to/contain
# (the default: the project's build/contain); CLIENT_RUNTIME=runc (or any other name on PATH, or a
# path) runs the very same scenarios against that runtime, for the contain/runc comparison.
# (CONTAIN=$(command -v runc) still works too.)
# CLIENT_RUNTIME_FLAGS (optional) are global flags put before every call, e.g. "--debug".

CLIENTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CLIENTS_DIR/../.." && pwd)
case ${CLIENT_RUNTIME:-contain} in
contain) RUNTIME=${CONTAIN:-$REPO/build/contain} ;;
*) RUNTIME=$CLIENT_RUNTIME ;;
esac
# absolute: the clients run the runtime from other directories (containerd: the bundle)
case $RUNTIME in
*/*) RUNTIME=$(cd "$(dirname "$RUNTIME")" 2>/dev/null && pwd)/$(basename "$RUNTIME") ;;
*) RUNTIME=$(command -v "$RUNTIME" || echo "$RUNTIME") ;;
esac
RUNTIME_NAME=$(basename "$RUNTIME")

# Installs $1 (apt package names...) when a needed command is missing; returns 1 (for `skip`)
# only when the package truly cannot be installed.
clients_need() {
	local cmd=$1
	shift
	command -v "$cmd" >/dev/null 2>&1 && return 0
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; }
	command -v "$cmd" >/dev/null 2>&1
}

# Makes the suite's private directory ($CL, short: unix socket paths are limited to 108 bytes),
# the wrapper $CL/bin/<runtime basename> that logs every call to $CALL_LOG, and the fresh rootfs
# tarball $CL/rootfs.tar.  $1 names the suite.
clients_init() {
	[ -x "$RUNTIME" ] || { echo "no runtime binary at $RUNTIME (set CONTAIN=)" >&2; return 1; }
	CL=$(mktemp -d "/tmp/cl-$1.XXXXXX")
	CALL_LOG=$CL/calls.log
	: >"$CALL_LOG"
	mkdir -p "$CL/bin"
	WRAPPER=$CL/bin/$RUNTIME_NAME
	sed -e "s|@LOG@|$CALL_LOG|g" -e "s|@RUNTIME@|$RUNTIME|g" -e "s|@EXTRA@|${CLIENT_RUNTIME_FLAGS:-}|g" \
		"$CLIENTS_DIR/runtime-wrapper.sh.in" >"$WRAPPER"
	chmod 755 "$WRAPPER"
	# a token unique to this run, for cgroups, networks, bridges and namespaces
	TOKEN=ct$$x
	export CL CALL_LOG WRAPPER TOKEN
}

# Builds a busybox-static rootfs into $CL/rootfs and tars it to $CL/rootfs.tar.
clients_rootfs_tar() {
	"$REPO/bundles/busybox/build-rootfs.sh" "$CL/rootfs" >&2 || return 1
	tar -C "$CL/rootfs" -cf "$CL/rootfs.tar" .
}

# Substitutes @DIR@ and the KEY=VALUE pairs given into template $1, writing $2.
clients_template() {
	local in=$1 out=$2 expr=(-e "s|@DIR@|$CL|g") kv
	shift 2
	for kv in "$@"; do expr+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
	sed "${expr[@]}" "$CLIENTS_DIR/$in" >"$out"
}

# Prints the runtime calls logged since line $1 of $CALL_LOG (for failure output and the docs).
clients_calls_since() {
	tail -n +"$((${1:-0} + 1))" "$CALL_LOG" | sed "s|$CL|\$CL|g"
}

# --- residue: what the suite may leave behind, listed before and compared after ----------------

# Prints one line per host object the client suites could leave behind: mount points, cgroup
# directories (v1 and v2), network namespaces, veth and bridge interfaces.  Objects of other
# engineers' concurrent tests appear too; the check only fails on new ones that carry this
# suite's names ($CL, $TOKEN); what clients make under generated names the suite checks itself.
clients_host_objects() {
	awk '{ print "mount " $5 }' /proc/self/mountinfo
	find /sys/fs/cgroup -mindepth 2 -type d \( -name "*$TOKEN*" -o -name 'libpod*' -o -name conmon \) \
		-printf 'cgroup %p\n' 2>/dev/null
	ls /run/netns 2>/dev/null | sed 's/^/netns /'
	ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print "link " $2 }'
	ls /run/containerd/runc 2>/dev/null | sed 's/^/runc-root /'
	clients_host_objects_net
}

clients_residue_snapshot() {
	clients_host_objects | sort -u >"$CL/objects.before"
}

# Fails (printing them) when objects of this suite appeared since the snapshot: objects carrying
# the suite's directory or token (cgroups under its parent, its bridge, CNI rules naming its
# network), plus the lines given as $2 (what the suite knows it made under generated names, e.g.
# podman's netns).  Other engineers' objects, made concurrently, are not blamed on the suite.
clients_residue_check() {
	local new
	new=$(clients_host_objects | sort -u | comm -13 "$CL/objects.before" - | grep -E "$CL|$TOKEN" || true)
	[ -z "${2:-}" ] || new=$(printf '%s\n%s' "$new" "$2" | sed '/^$/d')
	if [ -n "$new" ]; then
		echo "residue left on the host by the $1 suite:" >&2
		echo "$new" >&2
		return 1
	fi
}

# Adds the iptables rules of CNI and the /run/netns mount to the objects compared (appended so
# the generic listing above stays readable).
clients_host_objects_net() {
	{ iptables -S; iptables -t nat -S; } 2>/dev/null | grep -F CNI | sed 's/^/iptables /'
}

# Prints the cgroup directories named $2 (a find -name pattern) below /sys/fs/cgroup/*/$1 (the
# clients' parent, theirs to leave) that are still there: the containers' own cgroups, which the
# runtime's delete must remove.  (podman leaves a pod's cgroup in name=systemd and unified itself.)
clients_runtime_cgroups_left() {
	[ -n "$1" ] || return 0
	find /sys/fs/cgroup/*/"$1" -mindepth 1 -type d -name "${2:-*}" ! -name conmon 2>/dev/null |
		sed 's/^/cgroup left by the runtime: /'
}

# The cgroup path of process $1 in v1 hierarchy $2 (from /proc/PID/cgroup), as a host directory.
host_cgroup_dir() {
	local p
	p=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
	echo "/sys/fs/cgroup/$2$p"
}

# Stops the suite's daemon $1 (SIGTERM, SIGKILL after 30 s; nothing when $1 is empty), then
# SIGKILLs, by pid, every process still running whose command line contains $2 (the shims and
# helpers it started: left only when a test failed mid-way), and lazily unmounts everything under
# $CL, deepest first.
clients_stop_daemon() {
	local pid=$1 p m
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		clients_wait 300 eval "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null
	fi
	for p in /proc/[0-9]*; do
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "$2" && kill -9 "${p#/proc/}" 2>/dev/null
	done
	grep -o " $CL/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	return 0
}

# Removes cgroup directory trees named $1 (relative to each hierarchy's root), deepest first,
# from every v1 hierarchy and the unified one.  Only empty cgroups can go: a leftover process
# makes rmdir fail, which the residue check then reports.
clients_remove_cgroups() {
	local d
	[ -n "$1" ] || return 0
	for d in /sys/fs/cgroup/*/"$1"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# /run/netns is made a shared bind mount of itself by the first netns a client creates; undo that
# only when it did not exist before the suite and is empty now (other users' netns live there).
clients_netns_dir_snapshot() {
	if [ -d /run/netns ]; then NETNS_DIR_EXISTED=1; else NETNS_DIR_EXISTED=0; fi
	export NETNS_DIR_EXISTED
}
clients_netns_dir_restore() {
	[ "${NETNS_DIR_EXISTED:-1}" = 0 ] && [ -d /run/netns ] || return 0
	[ -z "$(ls -A /run/netns)" ] || return 0
	mountpoint -q /run/netns && umount /run/netns
	rmdir /run/netns 2>/dev/null
	return 0
}

# Polls (up to $1 tenths of a second) until the command in $2... succeeds.  For waiting on a
# state another process reaches, never for measuring time.
clients_wait() {
	local tries=$1 i
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	echo "gave up waiting for: $*" >&2
	return 1
}

# --- the common frame of a client test and of a suite's end --------------------------------------

# setup(): skipped when the suite's packages are missing, else marks where its calls begin.
clients_test_setup() {
	[ -z "${CLIENTS_SKIP:-}" ] || skip "$CLIENTS_SKIP"
	clients_mark
}

# teardown(): records the test's runtime calls (bats shows them when it failed), ends its ttys.
clients_test_teardown() {
	clients_record
	echo "runtime calls of this test:" >&2
	clients_calls_since "$N0" >&2
	tty_stop
}

# Deletes the suite's CNI bridge $1, printing first, as residue lines, the veths still on it and
# the network namespaces the wrapper saw handed to the runtime that still exist.
clients_cni_teardown() {
	local n
	ip -o link show master "$1" 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print "link " $2 }'
	ip link del "$1" 2>/dev/null
	for n in $(sort -u "$CALL_LOG.netns" 2>/dev/null | grep '^/run/netns/'); do
		[ -e "$n" ] && echo "netns $n"
	done
	return 0
}

# The end of teardown_file for suite $1: saves its record, fails (printing them) when $2 (what the
# runtime left) is not empty or residue appeared (with $3: the suite's own lines, see
# clients_residue_check), and removes $CL.
clients_finish() {
	local ok=0
	clients_save_record "$1"
	[ -z "$2" ] || { echo "$2" >&2; ok=1; }
	clients_residue_check "$1" "${3:-}" || ok=1
	rm -rf "$CL"
	return $ok
}

# --- a real pseudo-terminal: tmux on a private socket, panes kept after exit for their status ---
tty_start() {
	[ -f "$CL/tmux.conf" ] || echo 'set -g remain-on-exit on' >"$CL/tmux.conf"
	# the exit status is printed on the screen: more dependable than tmux's pane_dead_status
	tmux -S "$CL/tmux.sock" -f "$CL/tmux.conf" new-session -d -s "$1" -x 120 -y 40 \
		"$2; echo \"[tty-exit=\$?]\""
}
tty_screen() { tmux -S "$CL/tmux.sock" capture-pane -p -t "$1"; }
tty_has() { tty_screen "$1" | grep -q -- "$2"; }
tty_type() { tmux -S "$CL/tmux.sock" send-keys -t "$1" "$2" Enter; }
tty_dead() { [ "$(tmux -S "$CL/tmux.sock" display -p -t "$1" '#{pane_dead}')" = 1 ]; }
tty_status() { tty_screen "$1" | sed -n 's/^\[tty-exit=\([0-9]*\)\]$/\1/p'; }
# Waits for a shell prompt on pane $1, giving up early when the pane's command ended; on failure
# shows the screen (the client's error message is there).
tty_prompt() {
	clients_wait 600 eval "tty_has '$1' '/ #' || tty_dead '$1'"
	tty_has "$1" '/ #' || { echo "no prompt on the tty; the screen:" >&2; tty_screen "$1" >&2; return 1; }
}
tty_stop() { [ -S "$CL/tmux.sock" ] && tmux -S "$CL/tmux.sock" kill-server 2>/dev/null; return 0; }

# --- records: each test's runtime calls, collected for docs/clients.md ---
clients_mark() { N0=$(wc -l <"$CALL_LOG"); }
clients_record() {
	{
		echo "### $BATS_TEST_DESCRIPTION"
		clients_calls_since "$N0"
		echo
	} >>"$CL/record.md"
}
# Copies the record to $CLIENTS_RECORD (if set) as file $1 there.
clients_save_record() {
	[ -n "${CLIENTS_RECORD:-}" ] && [ -f "$CL/record.md" ] && mkdir -p "$CLIENTS_RECORD" &&
		cp "$CL/record.md" "$CLIENTS_RECORD/$1.md"
	return 0
}

# --- an OCI image layout of the busybox rootfs, made without a registry or podman ---------------

# Writes the blob on stdin to layout $1, printing "sha256:<hex> <size>".
clients_oci_blob() {
	local tmp=$1/blobs/sha256/.tmp hex
	cat >"$tmp"
	hex=$(sha256sum "$tmp" | cut -d' ' -f1)
	mv "$tmp" "$1/blobs/sha256/$hex"
	echo "sha256:$hex $(stat -c %s "$1/blobs/sha256/$hex")"
}

# Makes OCI image layout directory $1 holding $CL/rootfs.tar as one uncompressed layer, CMD
# /bin/sh, tagged $2 (the org.opencontainers.image.ref.name that umoci and ctr import read).
clients_oci_layout() {
	local dir=$1 tag=$2 layer lsize config csize manifest msize
	mkdir -p "$dir/blobs/sha256"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	read -r layer lsize < <(clients_oci_blob "$dir" <"$CL/rootfs.tar")
	read -r config csize < <(jq -n -c --arg l "$layer" '{architecture: "amd64", os: "linux",
		config: {Cmd: ["/bin/sh"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
		rootfs: {type: "layers", diff_ids: [$l]}}' | clients_oci_blob "$dir")
	read -r manifest msize < <(jq -n -c --arg c "$config" --argjson cs "$csize" --arg l "$layer" --argjson ls "$lsize" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' |
		clients_oci_blob "$dir")
	jq -n -c --arg m "$manifest" --argjson ms "$msize" --arg t "$tag" \
		'{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
		digest: $m, size: $ms, platform: {architecture: "amd64", os: "linux"},
		annotations: {"org.opencontainers.image.ref.name": $t}}]}' >"$dir/index.json"
}
