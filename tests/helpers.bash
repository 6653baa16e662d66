# Shared by every bats file: where the binary is, a private --root and bundle per test, and a
# teardown that removes every container the test made (a test that leaves residue fails).
# Usage in a .bats file:   load ../helpers   then setup() { common_setup; }  teardown() { common_teardown; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONTAIN=${CONTAIN:-$REPO/build/contain}
BUSYBOX_ROOTFS=${BUSYBOX_ROOTFS:-$REPO/bundles/busybox/rootfs}

common_setup() {
        [ -x "$CONTAIN" ] || { echo "no contain binary at $CONTAIN" >&2; return 1; }
        [ -x "$BUSYBOX_ROOTFS/bin/busybox" ] || "$REPO/bundles/busybox/build-rootfs.sh" >&2
        # short paths: unix socket paths are limited to 108 bytes
        TEST_DIR=$(mktemp -d /tmp/contain-test.XXXXXX)
        ROOT=$TEST_DIR/root
        BUNDLE=$TEST_DIR/bundle
        mkdir -p "$ROOT" "$BUNDLE"
        cp -a "$BUSYBOX_ROOTFS" "$BUNDLE/rootfs"
        cp "$REPO/bundles/busybox/config.json" "$BUNDLE/config.json"
        # tests start from a plain config: no limits unless they ask for them
        update_config '.process.args = ["/bin/true"] | del(.linux.resources.memory, .linux.resources.cpu, .linux.resources.pids)'
}

common_teardown() {
        if [ -d "${ROOT:-}" ]; then
                local id
                for id in $(ls "$ROOT" 2>/dev/null); do
                        [ -d "$ROOT/$id" ] && "$CONTAIN" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
                done
        fi
        if [ -n "${TEST_DIR:-}" ]; then
                # nothing may stay mounted under the test dir
                grep -o " $TEST_DIR[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
                rm -rf "$TEST_DIR"
        fi
        sanitizer_check
}

# Under tests/run-all.sh's sanitizer run (CONTAIN_SANITIZER_DIR set, ASan/UBSan log_path inside
# it), a report written during this test fails the test: shown here, then moved aside.
sanitizer_check() {
        local dir=${CONTAIN_SANITIZER_DIR:-} f found=0
        [ -n "$dir" ] && [ -d "$dir" ] || return 0
        for f in "$dir"/*.[0-9]*; do
                [ -f "$f" ] || continue
                echo "sanitizer report $f:" >&2
                cat "$f" >&2
                mkdir -p "$dir/reported" && mv "$f" "$dir/reported/"
                found=1
        done
        return $found
}

# contain with this test's --root
contain() {
        "$CONTAIN" --root "$ROOT" "$@"
}

# Runs "$@" under strace (strace's own options first; without -f it traces the runtime only);
# LeakSanitizer cannot work under ptrace, so it is off there (a killed process reports nothing
# anyway); ASan and UBSan still check everything else.
traced() {
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -qq "$@"
}

# Kills the runtime that strace runs with the command line "$*" (strace's child), not the
# container init it forked, whose command line is the same until its exec; then strace, which
# would hold the dying runtime in a delayed syscall (inject=...:delay_enter) until it expires.
kill_traced_runtime() {
        local p tracer
        for p in $(pgrep -xf -- "$*"); do
                tracer=$(ps -o ppid= -p "$p" | tr -d ' ')
                [ "$(ps -o comm= -p "$tracer")" = strace ] || continue
                kill -KILL "$p" "$tracer"
        done
        return 0
}

# Succeeds when no process's command line matches the regex $1 within 2 s; otherwise names
# and kills what is left, and fails.
no_process_left() {
        local left i
        for i in $(seq 1 40); do
                left=$(pgrep -f -- "$1" || true)
                [ -z "$left" ] && return 0
                sleep 0.05
        done
        echo "left behind: $left"
        kill -9 $left
        return 1
}

# Applies a jq filter to the bundle's config.json.
update_config() {
        local bundle=${2:-$BUNDLE}
        jq "$1" "$bundle/config.json" > "$bundle/config.json.new" && mv "$bundle/config.json.new" "$bundle/config.json"
}

# Sets process.args from the arguments.
set_args() {
        update_config ".process.args = $(printf '%s\n' "$@" | jq -R . | jq -s -c .)"
}

# Prints a field of `contain state ID`.
state_field() {
        contain state "$1" | jq -r ".$2"
}

# Waits (up to $2 seconds, default 5) until `contain state ID` reports status $3.
wait_for_status() {
        local id=$1 secs=${2:-5} want=$3 i
        for i in $(seq 1 $((secs * 20))); do
                [ "$(state_field "$id" status 2>/dev/null)" = "$want" ] && return 0
                sleep 0.05
        done
        echo "container $id did not reach $want (is: $(state_field "$id" status 2>&1))" >&2
        return 1
}

# A container id unique to this test.
new_id() {
        echo "t${BATS_SUITE_TEST_NUMBER:-0}-$$-${1:-c}"
}
