#!/usr/bin/env bats
# contain run by an unprivileged user (issue #17): state under $XDG_RUNTIME_DIR, the rootless
# config, single and multi-range id maps (newuidmap/newgidmap), /sys and /dev without
# privileges, no cgroup without limits, and a container that cannot reach the host's processes.

load ../helpers
load lib

setup_file() { rootless_user_setup; }
teardown_file() { rootless_user_teardown; }
setup() { [ -n "${RL_USER:-}" ] || skip "no test user"; }
teardown() {
        local id
        for id in $(ls "$RL_XDG/contain" 2>/dev/null); do ucontain delete --force "$id" >/dev/null 2>&1 || true; done
        [ -n "${HOST_PID:-}" ] && kill "$HOST_PID" 2>/dev/null
        [ -n "${UB:-}" ] && rm -rf "$UB"
        sanitizer_check
}

@test "spec --rootless maps the caller's ids to root and has no network namespace, as runc's" {
        user_bundle
        run jq -c '[.linux.uidMappings, .linux.gidMappings, [.linux.namespaces[].type]]' "$UB/config.json"
        [ "$output" = "[[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}],[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}],[\"pid\",\"ipc\",\"uts\",\"mount\",\"user\"]]" ]
        if command -v runc >/dev/null; then
                local r; r=$(mktemp -d "$RL_HOME/runc.XXXXXX"); chown "$RL_USER" "$r"
                (cd "$r" && as_user runc spec --rootless)
                # the same document but for the names and versions
                diff <(jq -S 'del(.hostname, .ociVersion)' "$r/config.json") \
                     <(jq -S 'del(.hostname, .ociVersion) | .process.terminal = true | .process.args = ["sh"]' "$UB/config.json")
                rm -rf "$r"
        fi
}

@test "state lives under \$XDG_RUNTIME_DIR/contain; without it an unprivileged user is told to set it" {
        user_bundle
        ub_args sleep 100
        ucontain create --bundle "$UB" xdg1 </dev/null
        [ -d "$RL_XDG/contain/xdg1" ]
        [ "$(stat -c %U "$RL_XDG/contain/xdg1")" = "$RL_USER" ]
        ucontain delete --force xdg1
        run runuser -u "$RL_USER" -- env -i PATH=/usr/bin:/bin "$CONTAIN" list
        [ "$status" -ne 0 ]
        [[ "$output" == *"XDG_RUNTIME_DIR"* ]]
}

@test "create, start, state, list, ps, exec, kill, delete as an unprivileged user" {
        user_bundle
        ub_args sleep 100
        ucontain create --bundle "$UB" life1 </dev/null
        [ "$(ucontain state life1 | jq -r .status)" = created ]
        ucontain start life1
        [ "$(ucontain state life1 | jq -r .status)" = running ]
        ucontain list | grep -q "life1 .*running .*$RL_USER"
        run ucontain exec life1 sh -c 'id -u; id -g; ps -o comm | grep -cx sleep'
        echo "$output"
        echo "$output"; [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0 ] && [ "${lines[1]}" = 0 ] && [ "${lines[2]}" = 1 ]
        # ps without a cgroup: the init and the processes exec started
        ucontain exec --detach life1 sleep 50
        run ucontain ps --format json life1
        [ "$(echo "$output" | jq length)" -eq 2 ]
        # pause needs a cgroup, which this host cannot delegate: said plainly
        run ucontain pause life1
        [ "$status" -ne 0 ]
        [[ "$output" == *"no cgroup to freeze"*"unprivileged"* ]]
        ucontain kill life1 KILL
        for i in $(seq 50); do [ "$(ucontain state life1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
        [ "$(ucontain state life1 | jq -r .status)" = stopped ]
        ucontain delete life1
        assert_nothing_left
}

@test "run: root inside is the user outside; a bind mount shows the user's files as root's" {
        user_bundle
        mkdir "$UB/data"; echo hi > "$UB/data/mine"; echo x > "$UB/data/roots"
        chown -R "$RL_USER:$RL_USER" "$UB/data"; chown root:root "$UB/data/roots"
        ub_config ".mounts += [{destination: \"/data\", type: \"bind\", source: \"$UB/data\", options: [\"rbind\"]}]"
        ub_args sh -c 'id; ls -ln /data; touch /data/new'
        run ucontain run --bundle "$UB" run1 </dev/null
        echo "$output"; [ "$status" -eq 0 ]
        [[ "${lines[0]}" == "uid=0(root) gid=0(root)"* ]]
        echo "$output" | grep -Eq '^-.* 0 +0 .* mine$'
        # unmapped host ids show as the overflow id
        echo "$output" | grep -Eq '^-.* 65534 +65534 .* roots$'
        [ "$(stat -c %u:%g "$UB/data/new")" = "$RL_UID:$RL_GID" ]
        assert_nothing_left
}

@test "multi-range mappings go through newuidmap/newgidmap: uid 1000 inside is a subordinate id outside" {
        command -v newuidmap >/dev/null || skip "newuidmap not installed (Debian's uidmap package)"
        user_bundle
        ub_multi_range
        ub_config '.process.capabilities.bounding += ["CAP_CHOWN"] | .process.capabilities.effective += ["CAP_CHOWN"] | .process.capabilities.permitted += ["CAP_CHOWN"]'
        mkdir "$UB/data"; chown "$RL_USER:$RL_USER" "$UB/data"
        ub_config ".mounts += [{destination: \"/data\", type: \"bind\", source: \"$UB/data\", options: [\"rbind\"]}]"
        ub_args sh -c 'cat /proc/self/uid_map; touch /data/f; chown 1000:1000 /data/f; ls -ln /data/f'
        run ucontain run --bundle "$UB" multi1 </dev/null
        echo "$output"; [ "$status" -eq 0 ]
        [ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "1 $RL_SUB 65536" ]
        echo "$output" | grep -Eq '^-.* 1000 +1000 .*/data/f$'
        [ "$(stat -c %u:%g "$UB/data/f")" = "$((RL_SUB + 999)):$((RL_SUB + 999))" ]
        # the same user lifecycle works with these maps
        ub_args sleep 100
        ucontain create --bundle "$UB" multi2 </dev/null
        ucontain start multi2
        run ucontain exec --user 1000:1000 multi2 id -u
        [ "$output" = 1000 ]
        ucontain delete --force multi2
        assert_nothing_left
}

@test "a range outside /etc/subuid, or no newuidmap, fails naming the range or the tool" {
        user_bundle
        ub_config ".linux.uidMappings = [{containerID: 0, hostID: $RL_UID, size: 1}, {containerID: 1, hostID: 200, size: 10}]"
        run ucontain run --bundle "$UB" bad1 </dev/null
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.uidMappings"*"newuidmap"*"[1-11)"*"[200-210)"* ]] || [[ "$output" == *"linux.uidMappings"*"newuidmap"*"not in PATH"* ]]
        run runuser -u "$RL_USER" -- env -i PATH=/nonexistent XDG_RUNTIME_DIR="$RL_XDG" "$CONTAIN" run --bundle "$UB" bad2 </dev/null
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.uidMappings: an unprivileged user needs newuidmap"*"uidmap package"* ]]
        assert_nothing_left
}

@test "/sys is the host's, read-only; /dev has working nodes bound from the host" {
        user_bundle
        ub_args sh -c 'ls /sys/kernel >/dev/null && echo sys-ok; touch /sys/x 2>&1; echo hi > /dev/null && echo null-ok; head -c 4 /dev/urandom | wc -c; head -c 3 /dev/zero | od -An -tx1; ls -l /dev/null'
        run ucontain run --bundle "$UB" dev1 </dev/null
        echo "$output"; [ "$status" -eq 0 ]
        [[ "$output" == *sys-ok* ]]
        [[ "$output" == *"Read-only file system"* ]]
        [[ "$output" == *null-ok* ]]
        echo "$output" | grep -qx ' *4'
        echo "$output" | grep -q ' 00 00 00'
        echo "$output" | grep -Eq '^crw-rw-rw- .* /dev/null$'
        assert_nothing_left
}

@test "the container cannot see or signal the user's processes on the host" {
        as_user sleep 300 & HOST_PID=$!
        # the sleep as the user (runuser's child)
        local target=""
        for i in $(seq 50); do target=$(pgrep -u "$RL_UID" -x sleep | head -1); [ -n "$target" ] && break; sleep 0.05; done
        [ -n "$target" ]
        user_bundle
        ub_args sh -c "ls /proc | grep -c '^[0-9]'; kill -9 $target && echo killed; kill -0 $target 2>&1 || echo cannot-signal"
        run ucontain run --bundle "$UB" see1 </dev/null
        echo "$output"; [ "$status" -eq 0 ]
        [ "${lines[0]}" -le 3 ]
        [[ "$output" != *killed* ]]
        [[ "$output" == *cannot-signal* ]]
        kill -0 "$target"
        kill "$target"; wait "$HOST_PID" 2>/dev/null || true
        HOST_PID=
        assert_nothing_left
}

@test "quick mode with --rootfs runs as the user; limits without a delegated cgroup fail naming them" {
        run ucontain run --rootfs "$RL_HOME/rootfs" -- sh -c 'echo "uid=$(id -u)"; echo "map=$(cat /proc/self/uid_map)"; echo "links=$(ip -o link | wc -l)"'
        echo "$output"; [ "$status" -eq 0 ]
        echo "$output" | grep -qx uid=0
        echo "$output" | grep -Eqx "map= +0 +$RL_UID +1"
        echo "$output" | grep -qx links=1       # a network namespace of its own: lo only
        run ucontain run --memory 64M --pids 20 --rootfs "$RL_HOME/rootfs" -- true
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.resources: memory.max=67108864"*"pids.max=20"*"delegated"* ]]
        run ucontain run --net veth --rootfs "$RL_HOME/rootfs" -- true
        [ "$status" -ne 0 ]
        [[ "$output" == *"--net veth: an unprivileged user cannot create a veth pair"* ]]
        assert_nothing_left
}
