#!/usr/bin/env bats
# Bundles made by another generator: umoci unpacks an OCI image layout of the busybox rootfs
# (built by lib.bash's clients_oci_layout, the same layout `podman save --format oci-dir` or
# `skopeo copy` give) and the runtime under test ($CONTAIN) runs them unmodified.  umoci's
# config asks for a terminal, so the runs happen in a real pty (tmux).

load lib
bats_require_minimum_version 1.5.0

setup_file() {
	# the tests of a file share one client setup and clean all of it between tests
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if ! clients_need umoci umoci || ! clients_need tmux tmux; then
		export CLIENTS_SKIP="umoci/tmux cannot be installed"
		return 0
	fi
	clients_init umoci
	clients_residue_snapshot
	clients_rootfs_tar
	clients_oci_layout "$CL/layout" latest
	mkdir -p "$CL/root"
}

teardown_file() {
	[ -n "${CL:-}" ] || return 0
	tty_stop
	grep -o " $CL/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	clients_finish umoci ""
}

setup() {
	clients_test_setup
	ID=u$BATS_TEST_NUMBER-$TOKEN
}

teardown() {
	[ -n "${CL:-}" ] || return 0
	clients_test_teardown
	"$RUNTIME" --root "$CL/root" delete --force "$ID" >/dev/null 2>&1
}

@test "umoci unpack bundle runs unmodified with RUNTIME run --bundle" {
	umoci unpack --image "$CL/layout:latest" "$CL/b$BATS_TEST_NUMBER" >/dev/null
	[ "$(jq -r .process.terminal "$CL/b$BATS_TEST_NUMBER/config.json")" = true ]
	tty_start u "'$WRAPPER' --root '$CL/root' run --bundle '$CL/b$BATS_TEST_NUMBER' $ID"
	tty_prompt u
	tty_type u 'hostname; id -u; echo $((6*7))'
	clients_wait 100 tty_has u '^42'
	tty_has u '^umoci-default'
	tty_type u 'exit 4'
	clients_wait 600 tty_dead u
	[ "$(tty_status u)" = 4 ]
	# run deletes the container when its process exits
	run "$RUNTIME" --root "$CL/root" state "$ID"
	[ "$status" -ne 0 ]
}

@test "umoci unpack --rootless bundle: runs in a user namespace or fails clearly" {
	umoci unpack --rootless --image "$CL/layout:latest" "$CL/b$BATS_TEST_NUMBER" >/dev/null
	jq -e '.linux.namespaces | map(.type) | index("user")' "$CL/b$BATS_TEST_NUMBER/config.json" >/dev/null
	tty_start r "'$WRAPPER' --root '$CL/root' run --bundle '$CL/b$BATS_TEST_NUMBER' $ID"
	clients_wait 600 eval 'tty_has r "/ #" || tty_dead r'
	if tty_has r '/ #'; then
		tty_type r 'cat /proc/self/uid_map; exit 4'
		clients_wait 600 tty_dead r
		[ "$(tty_status r)" = 4 ]
		# the mapping umoci wrote: container root is host uid 0, one id
		tty_screen r | grep -E -q '^ +0 +0 +1$'
	else
		local rc
		rc=$(tty_status r)
		tty_screen r >&2
		# a clean failure: an exit status (no crash by signal) and a message naming the runtime
		[ -n "$rc" ] && [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ]
		tty_screen r | grep -q "$RUNTIME_NAME"
	fi
}
