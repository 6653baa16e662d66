#!/usr/bin/env bats
# check-config on broken bundles: each config in tests/spec/broken/ fails with exit 1 and exactly
# one line on stderr, "contain: config.json: <path>: <why>", containing its .expected text; huge
# valid configs pass, absurdly nested ones are refused; spec output round-trips.  Run it with
# CONTAIN pointing at an ASan build too: any sanitizer report breaks the one-line rule.

load ../helpers

BROKEN=$REPO/tests/spec/broken

setup() {
        [ -x "$CONTAIN" ] || { echo "no contain binary at $CONTAIN" >&2; return 1; }
        TEST_DIR=$(mktemp -d /tmp/contain-broken.XXXXXX)
}

teardown() {
        rm -rf "$TEST_DIR"
}

# check_config BUNDLE: runs check-config, leaving $rc, $out (stdout) and $err (stderr).
check_config() {
        rc=0
        "$CONTAIN" check-config --bundle "$1" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || rc=$?
        out=$(cat "$TEST_DIR/out")
        err=$(cat "$TEST_DIR/err")
}

# expect_rejected BUNDLE EXPECTED: exit 1, nothing on stdout, one stderr line with EXPECTED.
expect_rejected() {
        check_config "$1"
        local lines
        lines=$(wc -l <"$TEST_DIR/err")
        if [ "$rc" -ne 1 ] || [ -n "$out" ] || [ "$lines" -ne 1 ] ||
           [[ "$err" != "contain: config.json: "* ]] || [[ "$err" != *"$2"* ]]; then
                echo "bundle $1: exit $rc, want 1; stdout: '$out'"
                echo "stderr ($lines lines): $err"
                echo "want a line containing: $2"
                return 1
        fi
}

@test "the broken corpus has at least 30 configs, each with an expected message" {
        n=0
        for f in "$BROKEN"/*.json; do
                [ -s "${f%.json}.expected" ] || { echo "no ${f%.json}.expected"; return 1; }
                n=$((n + 1))
        done
        [ "$n" -ge 30 ]
}

@test "every broken config fails with one line naming the JSON path and the reason" {
        failed=0
        for f in "$BROKEN"/*.json; do
                b=$TEST_DIR/$(basename "$f" .json)
                mkdir "$b"
                cp "$f" "$b/config.json"
                expect_rejected "$b" "$(cat "${f%.json}.expected")" || failed=$((failed + 1))
        done
        [ "$failed" -eq 0 ]
}

@test "a NUL byte in config.json is rejected" {
        printf '{"ociVersion":"1.0.0\0","root":{"path":"r"}}' >"$TEST_DIR/config.json"
        expect_rejected "$TEST_DIR" "invalid JSON: contains a NUL byte"
}

@test "a 10 MB config (100000 annotations, 50000 env entries) is valid" {
        "$CONTAIN" spec --bundle "$TEST_DIR"
        jq '.annotations = ([range(100000)] | map({key: "org.example.key-\(.)", value: "value-\(.)-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}) | from_entries)
            | .process.env += [range(50000) | "VARIABLE_\(.)=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]' \
                "$TEST_DIR/config.json" >"$TEST_DIR/big.json"
        mv "$TEST_DIR/big.json" "$TEST_DIR/config.json"
        size=$(stat -c %s "$TEST_DIR/config.json")
        echo "size: $size"
        [ "$size" -ge 10000000 ]
        check_config "$TEST_DIR"
        echo "$err"
        [ "$rc" -eq 0 ]
        [ -z "$err" ]
}

@test "a config nested 100000 levels deep is refused, not recursed into" {
        /usr/bin/python3 -c 'import sys; n = 100000; sys.stdout.write("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"annotations\":{\"x\":" + "[" * n + "]" * n + "}}")' \
                >"$TEST_DIR/config.json"
        expect_rejected "$TEST_DIR" "invalid JSON: nesting deeper than"
}

@test "a config nested deeper than the limit inside strings is fine" {
        # brackets inside strings are not nesting
        /usr/bin/python3 -c 'import sys; sys.stdout.write("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"annotations\":{\"a\":\"" + "[{" * 5000 + "\"}}")' \
                >"$TEST_DIR/config.json"
        check_config "$TEST_DIR"
        echo "$err"
        [ "$rc" -eq 0 ]
}

@test "check-config refuses what create would refuse on any host (hostname length, cgroupsPath '..')" {
        jq '.hostname = "'"$(printf 'h%.0s' $(seq 65))"'"' "$REPO/bundles/busybox/config.json" > "$TEST_DIR/config.json"
        expect_rejected "$TEST_DIR" "hostname: 65 bytes is longer than the kernel's limit of 64"
        jq '.linux.cgroupsPath = "/a/../../escape"' "$REPO/bundles/busybox/config.json" > "$TEST_DIR/config.json"
        expect_rejected "$TEST_DIR" "linux.cgroupsPath: '..' components are not allowed"
        jq '.hostname = "h" | del(.linux.namespaces[] | select(.type == "uts"))' "$REPO/bundles/busybox/config.json" > "$TEST_DIR/config.json"
        expect_rejected "$TEST_DIR" "hostname: setting it needs a uts namespace"
}

@test "a missing config.json names the bundle and the errno" {
        check_config "$TEST_DIR"
        [ "$rc" -eq 1 ]
        [ "$err" = "contain: bundle $TEST_DIR: open config.json: No such file or directory" ]
}

@test "contain spec then check-config round-trips" {
        "$CONTAIN" spec --bundle "$TEST_DIR"
        check_config "$TEST_DIR"
        [ "$rc" -eq 0 ]
        [ -z "$out" ] && [ -z "$err" ]
}

@test "contain spec --rootless then check-config round-trips" {
        "$CONTAIN" spec --rootless --bundle "$TEST_DIR"
        check_config "$TEST_DIR"
        [ "$rc" -eq 0 ]
        [ -z "$out" ] && [ -z "$err" ]
}

@test "contain spec refuses to overwrite an existing config.json" {
        echo '{"mine": true}' >"$TEST_DIR/config.json"
        run "$CONTAIN" spec --bundle "$TEST_DIR"
        [ "$status" -eq 1 ]
        [[ "$output" == "contain: $TEST_DIR/config.json already exists"* ]]
        [ "$(cat "$TEST_DIR/config.json")" = '{"mine": true}' ]
}

@test "contain spec rejects unknown options and arguments" {
        run "$CONTAIN" spec --bundle "$TEST_DIR" --frobnicate
        [ "$status" -eq 1 ]
        [[ "$output" == *"unknown option '--frobnicate'"* ]]
        run "$CONTAIN" spec --bundle "$TEST_DIR" extra
        [ "$status" -eq 1 ]
        [[ "$output" == *"unexpected argument 'extra'"* ]]
        [ ! -e "$TEST_DIR/config.json" ]
}

@test "client configs (podman, containerd) pass check-config" {
        for f in "$REPO"/tests/spec/good/*config*.json; do
                mkdir -p "$TEST_DIR/b"
                cp "$f" "$TEST_DIR/b/config.json"
                check_config "$TEST_DIR/b"
                echo "$f: $err"
                [ "$rc" -eq 0 ]
        done
}

@test "exec process files pass check-config --process; a bad one names its path" {
        for f in "$REPO"/tests/spec/good/*process*.json; do
                run "$CONTAIN" check-config --process "$f"
                echo "$f: $output"
                [ "$status" -eq 0 ]
        done
        echo '{"args":["ls"],"cwd":"/","user":{"uid":"root","gid":0}}' >"$TEST_DIR/p.json"
        run "$CONTAIN" check-config --process "$TEST_DIR/p.json"
        [ "$status" -eq 1 ]
        [ "$output" = "contain: $TEST_DIR/p.json: user.uid: expected a non-negative integer, got \"root\"" ]
}

@test "unknown fields are ignored" {
        "$CONTAIN" spec --bundle "$TEST_DIR"
        update_config '.futureField = {"a": [1, 2]} | .linux.resources.futureController = {"x": 1} | .process.futureFlag = true' "$TEST_DIR"
        check_config "$TEST_DIR"
        [ "$rc" -eq 0 ]
}

@test "every ociVersion from 1.0.0 to 1.3.x is accepted, 1.4.0 is not" {
        "$CONTAIN" spec --bundle "$TEST_DIR"
        for v in 1.0.0 1.0.2-dev 1.1.0 1.2.0 1.2.1 1.3.0; do
                update_config ".ociVersion = \"$v\"" "$TEST_DIR"
                check_config "$TEST_DIR"
                echo "$v: $err"
                [ "$rc" -eq 0 ]
        done
        update_config '.ociVersion = "1.4.0"' "$TEST_DIR"
        expect_rejected "$TEST_DIR" 'ociVersion: unsupported version "1.4.0"'
}

@test "--help works for spec, features and check-config" {
        for cmd in spec features check-config; do
                run "$CONTAIN" "$cmd" --help
                [ "$status" -eq 0 ]
                [[ "$output" == "usage: contain $cmd"* ]]
        done
}
