#!/usr/bin/env bats
# The CVE-2019-5736 class: a container process must not reach the runtime's binary (nor the
# root, cwd, fds, memory, environment) of a runtime-side process it can see: the init while
# "created", an `exec` child before it execs, a `run` init joining a shared pid namespace.
# Each test runs a disposable copy of the binary, attacks it from inside with exe_attack.c
# (opens /proc/PID/exe and, holding it, reopens it for writing once the runtime is gone), and
# checks that the attacker saw the runtime's process, was refused, and the copy is unchanged.

load ../helpers
bats_require_minimum_version 1.5.0

setup_file() {
        export ATTACK=$BATS_FILE_TMPDIR/exe_attack SHEBANG=$BATS_FILE_TMPDIR/exe_shebang
        cc -static -O2 -Wall -Werror -o "$ATTACK" "$BATS_TEST_DIRNAME/exe_attack.c"
        cc -static -O2 -Wall -Werror -o "$SHEBANG" "$BATS_TEST_DIRNAME/exe_shebang.c"
}

# Gives the rootfs what the (dynamically linked) runtime binary needs to run inside it, as any
# Debian or Ubuntu image has: then "#!/proc/self/exe" naming the host's binary would really
# run it there, and the attacks below are real.
add_runtime_libraries() {
        local lib
        for lib in $(ldd "$CONTAIN" | grep -o '/[^ ]*'); do
                mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
                cp -L "$lib" "$BUNDLE/rootfs$lib"
        done
        cp "$CONTAIN" "$BUNDLE/rootfs/contain-copy"
}

# The last command ran the trampoline as an interpreter on its own (exit 127, its message), and
# never the host's binary, whose --version says "contain version".
refused_by_trampoline() {
        echo "$1: $output"
        [ "$status" -eq 127 ]
        [[ "$output" == *"exec trampoline"* ]]
        [[ "$output" != *"contain version"* ]]
}

setup() {
        REAL_CONTAIN=$CONTAIN
        common_setup
        # the copy is named contain: its clones show comm "contain", which the attacker looks for
        mkdir "$TEST_DIR/bin"
        cp "$REAL_CONTAIN" "$TEST_DIR/bin/contain"
        CONTAIN=$TEST_DIR/bin/contain
        SHA_BEFORE=$(sha256sum < "$CONTAIN")
        cp "$ATTACK" "$BUNDLE/rootfs/exe_attack"
}

teardown() {
        # the copy may be the attacker's payload now: clean up with the real binary
        CONTAIN=$REAL_CONTAIN
        common_teardown
}

# The copy's sha256 is what it was before the attack.
binary_unchanged() {
        [ "$(sha256sum < "$CONTAIN")" = "$SHA_BEFORE" ] || {
                echo "the runtime binary was overwritten from inside the container" >&2
                return 1
        }
}

# field NAME of the attacker's last summary line in file $1
summary_field() {
        grep '^summary ' "$1" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# The attacker in file $1 saw a runtime-side process, was refused (EACCES), got nothing.
attack_refused() {
        local log=$1
        cat "$log"
        grep -q '^summary ' "$log"
        [ "$(summary_field "$log" seen)" -ge 1 ]
        [ "$(summary_field "$log" denied)" -ge 1 ]
        [ "$(summary_field "$log" got)" -eq 0 ]
        [ "$(summary_field "$log" wrote)" -eq 0 ]
        grep -q ' exe O_PATH: EACCES$' "$log"
}

# Starts a container whose process scans /proc for the runtime's processes until the file
# /stop exists in its rootfs; its output goes to $TEST_DIR/scan.log.  Prints the id.
start_scanner() {
        local id=$1
        set_args /exe_attack scan /stop "$(stat -c %i "$CONTAIN")"
        contain create -b "$BUNDLE" "$id" > "$TEST_DIR/scan.log" 2>&1 < /dev/null
        contain start "$id"
}

# Tells the scanner to stop, waits for its summary (its write attempts last up to 10 s),
# checks the binary (before the copy runs again), waits for the container to stop.
stop_scanner() {
        local id=$1 i
        touch "$BUNDLE/rootfs/stop"
        for i in $(seq 1 300); do
                grep -q '^summary ' "$TEST_DIR/scan.log" && break
                sleep 0.1
        done
        binary_unchanged
        wait_for_status "$id" 5 stopped
}

@test "CVE-2019-5736 via the init: a created container's /proc/1/exe is refused (20 containers)" {
        set_args /bin/sleep 100
        local i id log
        for i in $(seq 1 20); do
                id=$(new_id "init$i")
                log=$TEST_DIR/init$i.log
                contain create -b "$BUNDLE" "$id" > /dev/null 2>&1 < /dev/null
                [ "$(state_field "$id" status)" = created ]
                # 3 rounds of every target against pid 1, the "created" init
                contain exec "$id" /exe_attack init 3 "$(stat -c %i "$CONTAIN")" > "$log" 2>&1 < /dev/null
                contain start "$id"
                binary_unchanged
                # a writer that got an fd reopens it once the init has exec'd: give it time
                if grep -q 'writer waits' "$log"; then
                        for _ in $(seq 1 100); do
                                [ "$(grep -c '^summary ' "$log")" -ge 2 ] && break
                                sleep 0.1
                        done
                fi
                binary_unchanged
                attack_refused "$log"
                [ "$(summary_field "$log" seen)" -eq 3 ]
                contain delete --force "$id"
        done
}

@test "CVE-2019-5736 via exec: children of 25 exec calls are refused to a scanning container" {
        local id i
        id=$(new_id scan)
        start_scanner "$id"
        for i in $(seq 1 25); do
                contain exec "$id" /bin/true
        done
        stop_scanner "$id"
        attack_refused "$TEST_DIR/scan.log"
}

@test "CVE-2019-5736 via run: 20 run inits joining a scanning container's pid namespace are refused" {
        local id pid i b=$TEST_DIR/bundle-b
        id=$(new_id scan)
        start_scanner "$id"
        pid=$(state_field "$id" pid)
        mkdir "$b"
        cp -a "$BUSYBOX_ROOTFS" "$b/rootfs"
        cp "$BUNDLE/config.json" "$b/config.json"
        update_config '.process.args = ["/bin/true"]
                | .linux.namespaces = [.linux.namespaces[] | if .type == "pid" then .path = "/proc/'"$pid"'/ns/pid" else . end]' "$b"
        for i in $(seq 1 20); do
                contain run -b "$b" "$(new_id "run$i")" < /dev/null
        done
        stop_scanner "$id"
        attack_refused "$TEST_DIR/scan.log"
}

@test "CVE-2019-5736 via #!/proc/self/exe: exec'ing such a script runs the sealed trampoline, never the host binary (20 execs)" {
        local id i
        add_runtime_libraries
        cp "$SHEBANG" "$BUNDLE/rootfs/exe_shebang"
        printf '#!/proc/self/exe\n' > "$BUNDLE/rootfs/victim"
        chmod 755 "$BUNDLE/rootfs/victim"
        id=$(new_id scan)
        set_args /exe_shebang /stop "$(stat -c %i "$CONTAIN")"
        contain create -b "$BUNDLE" "$id" > "$TEST_DIR/scan.log" 2>&1 < /dev/null
        contain start "$id"
        # not vacuous: the image can run the runtime's binary (its loader and libraries are there)
        run contain exec "$id" /contain-copy --version
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *contain* ]]
        for i in $(seq 1 20); do
                run -127 contain exec "$id" /victim
                [ "$status" -eq 127 ]
                [[ "$output" == *"exec trampoline"* ]]
        done
        stop_scanner "$id"
        cat "$TEST_DIR/scan.log"
        [ "$(summary_field "$TEST_DIR/scan.log" wrote)" -eq 0 ]
        [ "$(summary_field "$TEST_DIR/scan.log" got)" -eq 0 ]
}

@test "CVE-2019-5736 via run: process.args /proc/self/exe runs the trampoline, not the host binary" {
        add_runtime_libraries
        set_args /proc/self/exe --version
        run -127 contain run -b "$BUNDLE" "$(new_id)"
        refused_by_trampoline run
        binary_unchanged
}

# The trampoline used to be skipped when the process had an exec label (it applies to the next
# exec, which was the trampoline's), even an empty one that sets nothing, and when execveat
# failed under seccomp: the program was then exec'd from the runtime's own image (review34).
@test "CVE-2019-5736 with an empty apparmorProfile or selinuxLabel: run and exec still go through the trampoline" {
        local field id
        add_runtime_libraries
        for field in apparmorProfile selinuxLabel; do
                set_args /proc/self/exe --version
                update_config "del(.process.apparmorProfile, .process.selinuxLabel) | .process.$field = \"\""
                run -127 contain run -b "$BUNDLE" "$(new_id "$field")"
                refused_by_trampoline "$field"
        done
        id=$(new_id exec)
        set_args /bin/sleep 100
        contain run -d -b "$BUNDLE" "$id" < /dev/null
        jq '.process | .args = ["/proc/self/exe", "--version"] | .apparmorProfile = ""' "$BUNDLE/config.json" > "$TEST_DIR/p.json"
        run -127 contain exec --process "$TEST_DIR/p.json" "$id"
        refused_by_trampoline exec
        contain delete --force "$id"
        binary_unchanged
}

@test "CVE-2019-5736 with a seccomp profile refusing execveat: the process fails, the host binary never runs" {
        add_runtime_libraries
        set_args /proc/self/exe --version
        update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["execveat"], "action": "SCMP_ACT_ERRNO"}]}'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"exec \"/proc/self/exe\" through contain's exec trampoline: execveat (a seccomp profile must allow it)"* ]]
        [[ "$output" != *"contain version"* ]]
        binary_unchanged
}

@test "a small RLIMIT_FSIZE does not keep the trampoline from being written, for run and exec (review36)" {
        local id
        update_config '.process.rlimits = [{"type": "RLIMIT_FSIZE", "soft": 100, "hard": 100}]'
        set_args /bin/sh -c 'ulimit -f'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = 0 ]
        id=$(new_id exec)
        set_args /bin/sleep 100
        contain run -d -b "$BUNDLE" "$id" < /dev/null
        run contain exec "$id" /bin/true
        echo "$output"
        [ "$status" -eq 0 ]
        contain delete --force "$id"
}

@test "exec --apparmor on a host without AppArmor is refused before anything runs, as create refuses it" {
        local id
        id=$(new_id)
        grep -qs Y /sys/module/apparmor/parameters/enabled && skip "this host runs AppArmor"
        set_args /bin/sleep 100
        contain run -d -b "$BUNDLE" "$id" < /dev/null
        run contain exec --apparmor contain-test "$id" /bin/true
        echo "$output"
        [ "$status" -ne 0 ]
        [ "$output" = "contain: process.apparmorProfile: AppArmor is not enabled on this host" ]
        contain delete --force "$id"
}

@test "non-dumpable runtime: oomScoreAdj still reaches run and exec processes in a user namespace" {
        update_config '.linux.namespaces += [{"type":"user"}]
                | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
                | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
                | .process.oomScoreAdj = 500'
        chmod 755 "$TEST_DIR" "$BUNDLE"
        chown -R 100000:100000 "$BUNDLE/rootfs"
        set_args cat /proc/self/oom_score_adj
        run contain run -b "$BUNDLE" "$(new_id run)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "500" ]

        local id
        id=$(new_id exec)
        set_args /bin/sleep 100
        contain create -b "$BUNDLE" "$id" > /dev/null 2>&1 < /dev/null
        run contain exec "$id" cat /proc/self/oom_score_adj
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "500" ]
        # the created init has it too (written by the runtime, not through its own /proc)
        [ "$(cat /proc/"$(state_field "$id" pid)"/oom_score_adj)" = "500" ]
        contain delete --force "$id"
}
