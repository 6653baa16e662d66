#!/usr/bin/env bats
# The JSON Schemas in schema/ describe what contain writes: `spec` and `features` output
# validates, client configs validate, and the state schema accepts what runtimes print.

load ../helpers

SCHEMA=$REPO/schema
VALIDATE=$REPO/tests/spec/validate.py

setup() {
        [ -x "$CONTAIN" ] || { echo "no contain binary at $CONTAIN" >&2; return 1; }
        /usr/bin/python3 -c 'import jsonschema' || skip "python3-jsonschema is not installed"
        TEST_DIR=$(mktemp -d /tmp/contain-schema.XXXXXX)
}

teardown() {
        rm -rf "$TEST_DIR"
}

@test "schema files are valid draft-07 schemas" {
        for s in config state features; do
                /usr/bin/python3 -c "import json, jsonschema, sys; jsonschema.Draft7Validator.check_schema(json.load(open(sys.argv[1])))" \
                        "$SCHEMA/$s-schema.json"
        done
}

@test "contain spec output validates against config-schema.json" {
        "$CONTAIN" spec --bundle "$TEST_DIR"
        run "$VALIDATE" "$SCHEMA/config-schema.json" "$TEST_DIR/config.json"
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "contain spec --rootless output validates against config-schema.json" {
        "$CONTAIN" spec --rootless --bundle "$TEST_DIR"
        run "$VALIDATE" "$SCHEMA/config-schema.json" "$TEST_DIR/config.json"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(jq -r '.linux.namespaces[] | select(.type == "user") | .type' "$TEST_DIR/config.json")" = user ]
        [ "$(jq -r '.linux.uidMappings[0].hostID' "$TEST_DIR/config.json")" = "$(id -u)" ]
}

@test "client configs validate against config-schema.json" {
        for f in "$REPO"/tests/spec/good/*config*.json; do
                run "$VALIDATE" "$SCHEMA/config-schema.json" "$f"
                echo "$f: $output"
                [ "$status" -eq 0 ]
        done
}

@test "the config schema rejects what the parser rejects" {
        "$CONTAIN" spec --bundle "$TEST_DIR"
        jq '.linux.resources.memory = {limit: "64M"}' "$TEST_DIR/config.json" > "$TEST_DIR/bad.json"
        run "$VALIDATE" "$SCHEMA/config-schema.json" "$TEST_DIR/bad.json"
        [ "$status" -eq 1 ]
        [[ "$output" == *"linux.resources.memory.limit"* ]]
}

@test "contain features output validates against features-schema.json" {
        "$CONTAIN" features > "$TEST_DIR/features.json"
        run "$VALIDATE" "$SCHEMA/features-schema.json" "$TEST_DIR/features.json"
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "contain features is truthful about this build" {
        run "$CONTAIN" features
        [ "$status" -eq 0 ]
        f=$output
        # libseccomp's version is the one linked
        want=$(pkg-config --modversion libseccomp)
        [ "$(jq -r '.annotations["io.github.seccomp.libseccomp.version"]' <<<"$f")" = "$want" ]
        # every capability listed is one libcap names, and the common ones are there
        [ "$(jq -r '.linux.capabilities | index("CAP_SYS_ADMIN") != null' <<<"$f")" = true ]
        for cap in $(jq -r '.linux.capabilities[]' <<<"$f"); do
                capsh --supports="$cap"
        done
        # the versions the parser accepts
        [ "$(jq -r .ociVersionMin <<<"$f")" = 1.0.0 ]
        [ "$(jq -r '.linux.namespaces | length' <<<"$f")" = 8 ]
        [ "$(jq -r '.hooks | length' <<<"$f")" = 6 ]
        # the native architecture is among the seccomp archs
        [ "$(jq -r '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") != null' <<<"$f")" = true ]
        # ociVersionMax is the spec version the build reports
        [ "$(jq -r .ociVersionMax <<<"$f")" = "$("$CONTAIN" --version | awk '$1 == "spec:" {print $2}')" ]
        # seccomp user notification is applied; big-endian archs cannot join an x86_64 filter
        [ "$(jq -r '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") != null' <<<"$f")" = true ]
        [ "$(jq -r '.linux.seccomp.archs | index("SCMP_ARCH_S390X") == null' <<<"$f")" = true ]
        # the mount options (tests/unit/test_features.c walks each through the mount code)
        [ "$(jq -r '.mountOptions | index("rbind") != null and index("tmpcopyup") != null' <<<"$f")" = true ]
}

@test "features-schema.json rejects a document without ociVersionMax or with an unknown action" {
        "$CONTAIN" features > "$TEST_DIR/features.json"
        jq 'del(.ociVersionMax)' "$TEST_DIR/features.json" > "$TEST_DIR/bad1.json"
        run "$VALIDATE" "$SCHEMA/features-schema.json" "$TEST_DIR/bad1.json"
        [ "$status" -eq 1 ]
        jq '.linux.seccomp.actions += ["SCMP_ACT_BOGUS"]' "$TEST_DIR/features.json" > "$TEST_DIR/bad2.json"
        run "$VALIDATE" "$SCHEMA/features-schema.json" "$TEST_DIR/bad2.json"
        [ "$status" -eq 1 ]
        jq '.linux.memoryPolicy = {modes: ["MPOL_BIND"], flags: ["MPOL_F_STATIC_NODES"]} | .linux.netDevices = {enabled: true}
            | .linux.intelRdt = {enabled: true, schemata: true}' "$TEST_DIR/features.json" > "$TEST_DIR/good13.json"
        run "$VALIDATE" "$SCHEMA/features-schema.json" "$TEST_DIR/good13.json"
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "state-schema.json accepts a running and a stopped state, rejects a bad status" {
        cat > "$TEST_DIR/running.json" <<'JSON'
{"ociVersion":"1.2.0","id":"c1","status":"running","pid":4242,"bundle":"/tmp/b","rootfs":"/tmp/b/rootfs",
 "created":"2026-11-23T21:28:48.123456789Z","owner":"","annotations":{"a":"b"}}
JSON
        "$VALIDATE" "$SCHEMA/state-schema.json" "$TEST_DIR/running.json"
        echo '{"ociVersion":"1.2.0","id":"c1","status":"stopped","pid":0,"bundle":"/tmp/b"}' > "$TEST_DIR/stopped.json"
        "$VALIDATE" "$SCHEMA/state-schema.json" "$TEST_DIR/stopped.json"
        echo '{"ociVersion":"1.2.0","id":"c1","status":"dead","pid":1,"bundle":"/tmp/b"}' > "$TEST_DIR/bad.json"
        run "$VALIDATE" "$SCHEMA/state-schema.json" "$TEST_DIR/bad.json"
        [ "$status" -eq 1 ]
        echo '{"ociVersion":"1.2.0","id":"c1","status":"running","bundle":"/tmp/b"}' > "$TEST_DIR/nopid.json"
        run "$VALIDATE" "$SCHEMA/state-schema.json" "$TEST_DIR/nopid.json"
        [ "$status" -eq 1 ]
}
