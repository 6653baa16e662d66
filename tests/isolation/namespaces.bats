#!/usr/bin/env bats
# Namespaces seen from inside the container: hostname, pid 1, /proc/self/ns/* against the
# host's, joining a netns by path, a fresh netns with only lo, and a user namespace mapping.

load ../helpers

setup() {
        common_setup
        NETNS=
}

teardown() {
        [ -n "$NETNS" ] && ip netns delete "$NETNS" 2>/dev/null
        common_teardown
}

@test "hostname and domainname are the configured ones" {
        update_config '.hostname = "iso-host" | .domainname = "iso.example"'
        set_args /bin/sh -c 'hostname; cat /proc/sys/kernel/domainname'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "iso-host" ]
        [ "${lines[1]}" = "iso.example" ]
}

@test "pid 1 is the user command and no host process is visible" {
        set_args /bin/sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; ls /proc | grep -c "^[0-9]"'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == "/bin/sh -c "* ]]
        # sh, and the ls/grep it runs: nothing of the host's hundreds of processes
        [ "${lines[1]}" -le 3 ]
}

@test "every configured namespace differs from the host's" {
        update_config '.linux.namespaces = [{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"}]'
        set_args /bin/sh -c 'for n in pid net ipc uts mnt cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -eq 6 ]
        for line in "${lines[@]}"; do
                set -- $line
                [ -n "$2" ]
                [ "$2" != "$(readlink /proc/self/ns/$1)" ] || { echo "$1 is the host's: $2"; return 1; }
        done
}

@test "a namespace given by path is joined: the container sees that netns and its interfaces" {
        NETNS=contain-iso-$$-$BATS_TEST_NUMBER
        ip netns add "$NETNS"
        ip -n "$NETNS" link set lo up
        update_config '(.linux.namespaces[] | select(.type == "network")) |= {"type":"network","path":"/run/netns/'"$NETNS"'"}'
        set_args /bin/sh -c 'readlink /proc/self/ns/net; cat /sys/class/net/lo/flags'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "$(ip netns exec "$NETNS" readlink /proc/self/ns/net)" ]
        # lo is up there (IFF_UP|IFF_LOOPBACK), as we set it; a fresh netns has it down (0x8)
        [ "${lines[1]}" = "0x9" ]
}

@test "a new network namespace has only lo" {
        set_args /bin/sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = "lo" ]
}

@test "a new network namespace has lo up and reachable" {
        set_args /bin/sh -c 'cat /sys/class/net/lo/flags; wget -q -O- http://127.0.0.1:1/ 2>&1'
        run contain run -b "$BUNDLE" "$(new_id)"
        # IFF_UP|IFF_LOOPBACK; a fresh netns has it down (0x8), as runc and crun never leave it
        [ "${lines[0]}" = "0x9" ]
        # with lo down the connect fails with "Network is unreachable"
        [[ "${lines[1]}" == *"Connection refused"* ]]
}

# The runtime makes a new network namespace itself while the init sets up (src/engine/netns.c);
# the init joins it before sysfs and before the hooks.  Everyone must see that one namespace.
@test "the new netns is the same for a createRuntime hook, the process, sysfs and exec" {
        out=$TEST_DIR/hook-net
        update_config '.hooks.createRuntime = [{"path": "/bin/sh", "env": ["PATH=/usr/bin:/bin"],
                "args": ["sh", "-c", "readlink /proc/$(jq -r .pid)/ns/net > '"$out"'"]}]'
        set_args /bin/sh -c 'readlink /proc/self/ns/net; ls /sys/class/net; cat /sys/class/net/lo/flags; sleep 100'
        id=$(new_id)
        contain run -d -b "$BUNDLE" "$id" > "$TEST_DIR/out"
        run contain exec "$id" readlink /proc/self/ns/net
        [ "$status" -eq 0 ]
        exec_ns=$output
        contain kill "$id" KILL
        wait_for_status "$id" 5 stopped
        contain delete "$id"
        mapfile -t inside < "$TEST_DIR/out"
        [[ "${inside[0]}" == net:* ]]
        [ "${inside[0]}" != "$(readlink /proc/self/ns/net)" ]
        [ "$(cat "$out")" = "${inside[0]}" ]
        [ "$exec_ns" = "${inside[0]}" ]
        # sysfs was mounted inside it: only its lo, and up
        [ "${inside[1]}" = "lo" ]
        [ "${inside[2]}" = "0x9" ]
}

# The init joins before any mount that may capture the mounter's netns: a bind of its own
# /proc/self/ns/net made before sysfs must be the container's netns, never the host's.
@test "a bind of /proc/self/ns/net before sysfs names the container's netns, not the host's" {
        update_config '.mounts |= [.[0], {"destination": "/netns", "type": "bind", "source": "/proc/self/ns/net", "options": ["bind"]}] + .[1:]'
        set_args /bin/sh -c 'stat -L -c %i /netns; stat -L -c %i /proc/self/ns/net'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "${lines[1]}" ]
        [ "${lines[0]}" != "$(stat -L -c %i /proc/self/ns/net)" ]
}

# The runtime makes the netns itself only if it can come back into its own: root of a user
# namespace that maps every id cannot, though it looks like the host's root.
@test "a runtime that is root of an identity-mapped user namespace still gives a new netns" {
        command -v python3 >/dev/null || skip "python3 is not installed"
        # mknod needs the host's root: bind /dev instead
        update_config '.mounts |= [.[0], {"destination": "/dev", "type": "bind", "source": "/dev", "options": ["rbind", "nosuid"]}]
                                  + [.[1:][] | select(.destination | startswith("/dev") | not)]
                       | del(.linux.devices) | del(.linux.resources.devices)'
        set_args /bin/sh -c 'readlink /proc/self/ns/net; cat /sys/class/net/lo/flags'
        run python3 "$BATS_TEST_DIRNAME/userns_identity.py" unshare -m --propagation private \
                "$CONTAIN" --root "$ROOT" --cgroup-manager disabled run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == net:* ]]
        [ "${lines[0]}" != "$(readlink /proc/self/ns/net)" ]
        [ "${lines[1]}" = "0x9" ]
}

@test "a new netns without a sysfs mount is still joined, with lo up" {
        update_config 'del(.mounts[] | select(.type == "sysfs" or .type == "cgroup" or .type == "cgroup2"))'
        set_args /bin/sh -c 'readlink /proc/self/ns/net; ip link show lo'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == net:* ]]
        [ "${lines[0]}" != "$(readlink /proc/self/ns/net)" ]
        [[ "${lines[1]}" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
}

@test "lo of a new netns is up when the prestart and createContainer hooks run" {
        # the runtime brings it up after it hands the namespace over, while the init mounts
        # on: before it answers anything the init sends next
        ip=$(command -v ip)
        update_config '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", "nsenter -t \"$(jq -r .pid)\" -n '"$ip"' -o link show lo > '"$TEST_DIR"'/prestart"]}]
                | .hooks.createContainer = [{path: "/bin/sh", args: ["sh", "-c", "'"$ip"' -o link show lo > '"$TEST_DIR"'/create"]}]'
        set_args /bin/true
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        cat "$TEST_DIR/prestart" "$TEST_DIR/create"
        [[ "$(cat "$TEST_DIR/prestart")" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
        [[ "$(cat "$TEST_DIR/create")" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
}

@test "two containers started together get network namespaces of their own" {
        set_args /bin/sh -c 'readlink /proc/self/ns/net'
        id=$(new_id); a=$id-a; b=$id-b
        contain run -b "$BUNDLE" "$a" > "$TEST_DIR/a" &
        contain run -b "$BUNDLE" "$b" > "$TEST_DIR/b"
        wait $!
        [[ "$(cat "$TEST_DIR/a")" == net:* ]]
        [ "$(cat "$TEST_DIR/a")" != "$(cat "$TEST_DIR/b")" ]
        [ "$(cat "$TEST_DIR/a")" != "$(readlink /proc/self/ns/net)" ]
}

@test "user namespace 0->100000: root inside, files appear as 100000 outside" {
        update_config '.linux.namespaces += [{"type":"user"}]
                | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
                | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
                | .mounts += [{"destination":"/share","type":"bind","source":"'"$TEST_DIR"'/share","options":["rbind"]}]'
        mkdir "$TEST_DIR/share"
        chmod 777 "$TEST_DIR/share"
        # the mapped root must be able to reach and use its rootfs
        chmod 755 "$TEST_DIR" "$BUNDLE"
        chown -R 100000:100000 "$BUNDLE/rootfs"
        set_args /bin/sh -c 'id -u; id -g; touch /share/made-inside; cat /proc/self/uid_map; stat -c "%t:%T" /dev/null; echo x > /dev/null && echo null-ok'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        # no mknod in a user namespace: the host's nodes are bound in
        [ "${lines[3]}" = "1:3" ]
        [ "${lines[4]}" = "null-ok" ]
        [ "${lines[0]}" = "0" ]
        [ "${lines[1]}" = "0" ]
        [ "$(echo ${lines[2]})" = "0 100000 65536" ]
        [ "$(stat -c %u:%g "$TEST_DIR/share/made-inside")" = "100000:100000" ]
}

@test "joining another container's user and network namespaces by path, with new uts/ipc/mount namespaces of its own" {
        # container A: a user namespace 0->100000 and its own network namespace
        update_config '.linux.namespaces += [{"type":"user"}]
                | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
                | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
        chmod 755 "$TEST_DIR" "$BUNDLE"
        chown -R 100000:100000 "$BUNDLE/rootfs"
        set_args /bin/sleep 100
        a=$(new_id)
        contain run -d -b "$BUNDLE" "$a" </dev/null
        apid=$(state_field "$a" pid)
        # container B joins A's user, network and pid namespaces; uts, ipc and mount are new
        cp -a "$BUNDLE" "$TEST_DIR/b"
        update_config 'del(.linux.uidMappings, .linux.gidMappings)
                | .hostname = "b-host"
                | .linux.namespaces = [{"type":"user","path":"/proc/'"$apid"'/ns/user"},
                                       {"type":"network","path":"/proc/'"$apid"'/ns/net"},
                                       {"type":"pid","path":"/proc/'"$apid"'/ns/pid"},
                                       {"type":"uts"},{"type":"ipc"},{"type":"mount"}]
                | .process.args = ["/bin/sh", "-c", "hostname; readlink /proc/self/ns/user; readlink /proc/self/ns/net; id -u"]' "$TEST_DIR/b"
        run contain run -b "$TEST_DIR/b" "${a}-b"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = b-host ]
        [ "${lines[1]}" = "$(readlink /proc/$apid/ns/user)" ]
        [ "${lines[2]}" = "$(readlink /proc/$apid/ns/net)" ]
        [ "${lines[3]}" = 0 ]
}

@test "time namespace offsets: boottime moved by a year" {
        update_config '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"boottime":{"secs":31536000,"nanosecs":0},"monotonic":{"secs":86400,"nanosecs":0}}'
        set_args /bin/sh -c 'readlink /proc/self/ns/time; cut -d. -f1 /proc/uptime'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" != "$(readlink /proc/self/ns/time)" ]
        [ "${lines[1]}" -ge 31536000 ]
}

@test "--no-pivot: move + chroot gives the same root" {
        set_args /bin/sh -c 'ls /; cat /proc/1/cmdline >/dev/null && echo proc-ok'
        run contain run --no-pivot -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "$output" == *linuxrc* ]]
        [[ "$output" == *proc-ok* ]]
}

@test "rootfsPropagation and mount propagation options are applied" {
        update_config '.linux.rootfsPropagation = "rprivate" | .mounts += [{"destination":"/mnt/sh","type":"tmpfs","source":"tmpfs","options":["rshared"]}]'
        set_args /bin/sh -c 'awk "\$5 == \"/\" || \$5 == \"/mnt/sh\" {print \$5, \$7}" /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"/mnt/sh shared:"* ]]
}

# The mount holding the rootfs is made private in the container's namespace before pivot_root;
# mountinfo writes a space as \040, and the lookup missed such a mount: pivot_root failed and,
# with rshared, the container's proc, sysfs and /dev mounts propagated to the host and stayed.
@test "a bundle on a shared mount whose path has a space runs with rshared, and no mount reaches the host" {
        local where="$TEST_DIR/sp ace"
        mkdir -p "$where"
        mount -t tmpfs tmpfs "$where"
        mount --make-shared "$where"
        cp -a "$BUNDLE" "$where/b"
        update_config() { jq "$1" "$where/b/config.json" > "$where/b/c.json" && mv "$where/b/c.json" "$where/b/config.json"; }
        update_config '.linux.rootfsPropagation = "rshared" | .process.args = ["/bin/true"]'
        run contain run -b "$where/b" "$(new_id)"
        echo "$output"
        local status_was=$status leaked
        leaked=$(awk '$5 ~ /sp\\040ace\/b\/rootfs\// {print $5}' /proc/self/mountinfo | wc -l)
        umount -R "$where"
        [ "$status_was" -eq 0 ]
        [ "$leaked" -eq 0 ]
}

@test "rootfsPropagation shared and unbindable reach the container's /" {
        for p in rshared:shared runbindable:unbindable rslave:-; do
                update_config '.linux.rootfsPropagation = "'"${p%%:*}"'"'
                set_args /bin/sh -c 'awk "\$5 == \"/\" {print \$7}" /proc/self/mountinfo'
                run contain run -b "$BUNDLE" "$(new_id)"
                echo "${p%%:*}: $output"
                [ "$status" -eq 0 ]
                [[ "$output" == "${p##*:}"* ]]
        done
}
