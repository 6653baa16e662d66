#!/usr/bin/env bats
# Mount escapes through the rootfs (issue 11, part 4): a crafted image aims a mount, a sysctl
# write, /dev/console or a masked path at procfs or sysfs, or reaches the host's mount tree
# under --no-pivot.  Each test performs the attack and checks it is refused and the host unchanged.

load ../helpers

setup_file() {
        RECVTTY=$BATS_FILE_TMPDIR/recvtty
        cc -Wall -o "$RECVTTY" "$BATS_TEST_DIRNAME/../lifecycle/recvtty.c"
        export RECVTTY
}

setup() {
        common_setup
        HOST_CORE=$(cat /proc/sys/kernel/core_pattern)
        HOST_FWD=$(cat /proc/sys/net/ipv4/ip_forward)
        HOSTFILE=$TEST_DIR/hostfile
        echo "host content" > "$HOSTFILE"
}

teardown() {
        local core fwd
        core=$(cat /proc/sys/kernel/core_pattern)
        fwd=$(cat /proc/sys/net/ipv4/ip_forward)
        common_teardown
        [ "$core" = "$HOST_CORE" ] || { echo "host core_pattern changed: $core" >&2; return 1; }
        [ "$fwd" = "$HOST_FWD" ] || { echo "host ip_forward changed: $fwd" >&2; return 1; }
}

host_unchanged() {
        [ "$(cat "$HOSTFILE")" = "host content" ]
        [ "$(cat /proc/sys/kernel/core_pattern)" = "$HOST_CORE" ]
        [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$HOST_FWD" ]
}

# Runs the bundle as container $1: it must be refused with a message containing $2, and the
# host must be unchanged.
expect_refused() {
        run contain run -b "$BUNDLE" "$1"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"$2"* ]]
        host_unchanged
}

# The value the sysctl write would put into the host file: the opposite of the host's.
other_fwd() { [ "$HOST_FWD" = 1 ] && echo 0 || echo 1; }

@test "security: a bind through a rootfs symlink into /proc/sys is refused (CVE-2025-52881)" {
        ln -sfn /proc/sys/net/ipv4/ip_forward "$BUNDLE/rootfs/etc/resolv.conf"
        # not vacuous: inside the container the symlink reaches a procfs sysctl file...
        set_args /bin/sh -c 'readlink /etc/resolv.conf; cat /etc/resolv.conf; stat -f -c %T /etc/resolv.conf'
        run contain run -b "$BUNDLE" "$(new_id a)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = /proc/sys/net/ipv4/ip_forward ]
        [ "${lines[2]}" = proc ]
        # ...and the bind source is a writable host file
        [ -w "$HOSTFILE" ]

        update_config '.mounts += [{"destination": "/etc/resolv.conf", "type": "bind", "source": "'"$HOSTFILE"'", "options": ["rbind", "rw"]}]
                       | .linux.sysctl = {"net.ipv4.ip_forward": "'"$(other_fwd)"'"}'
        expect_refused "$(new_id b)" "mounts: /etc/resolv.conf: resolves to /proc/sys/net/ipv4/ip_forward on procfs through a symlink"
        [ -z "$(ls -A "$ROOT")" ]
}

@test "security: a mount through a rootfs directory symlink into procfs or sysfs is refused" {
        ln -sfn /proc/sys/kernel "$BUNDLE/rootfs/kdir"
        ln -sfn /sys/kernel/mm "$BUNDLE/rootfs/sdir"
        update_config '.mounts += [{"destination": "/kdir/core_pattern", "type": "bind", "source": "'"$HOSTFILE"'", "options": ["bind"]}]'
        expect_refused "$(new_id a)" "mounts: /kdir/core_pattern: resolves to /proc/sys/kernel/core_pattern on procfs"

        update_config '.mounts |= map(select(.destination != "/kdir/core_pattern"))
                       | .mounts += [{"destination": "/sdir", "type": "tmpfs", "source": "tmpfs"}]'
        expect_refused "$(new_id b)" "mounts: /sdir: resolves to /sys/kernel/mm on sysfs through a symlink"
}

@test "security: mounts the config names inside /proc and /sys themselves still work (lxcfs, cgroup binds)" {
        update_config '.mounts += [{"destination": "/proc/uptime", "type": "bind", "source": "'"$HOSTFILE"'", "options": ["bind", "ro"]},
                                   {"destination": "/sys/kernel/mm", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]}]'
        set_args /bin/sh -c 'cat /proc/uptime; stat -f -c %T /sys/kernel/mm'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "host content" ]
        [ "${lines[1]}" = tmpfs ]
}

@test "security: a sysctl write refuses a /proc/sys file a racing mount covered" {
        # A createContainer hook stands in for a racing container with shared mounts: it binds a
        # host file over the container's ip_forward after the mounts were checked.
        local rootfs=$BUNDLE/rootfs
        update_config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
                         "mount --bind '"$HOSTFILE"' '"$rootfs"'/proc/sys/net/ipv4/ip_forward"]}]
                       | .linux.sysctl = {"net.ipv4.ip_forward": "'"$(other_fwd)"'"}'
        expect_refused "$(new_id a)" "linux.sysctl: net.ipv4.ip_forward=$(other_fwd): /proc/sys/net/ipv4/ip_forward is covered by a mount"

        # not vacuous: without the hook the same sysctl is written into the container's netns
        update_config 'del(.hooks)'
        set_args /bin/cat /proc/sys/net/ipv4/ip_forward
        run contain run -b "$BUNDLE" "$(new_id b)"
        [ "$status" -eq 0 ]
        [ "$output" = "$(other_fwd)" ]
}

# A config whose /dev is the rootfs's own directory (no tmpfs), with a devpts on /dev/pts.
rootfs_dev() {
        update_config '.mounts |= map(select(.destination != "/dev"))'
}

# Creates and starts container $1 with a --console-socket receiver; its tty output in $TTY_OUT.
run_tty() {
        local sock=$TEST_DIR/console.sock id=$1 i
        TTY_OUT=$TEST_DIR/tty.out
        "$RECVTTY" "$sock" '' >"$TTY_OUT" 2>&1 & RECV=$!
        for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
        contain create --bundle "$BUNDLE" --console-socket "$sock" "$id" || { kill "$RECV" 2>/dev/null; wait "$RECV"; return 1; }
        contain start "$id"
        wait "$RECV"
        wait_for_status "$id" 5 stopped
        tr -d '\r' < "$TTY_OUT"
}

@test "security: /dev/console symlinked to core_pattern is replaced, never followed (CVE-2025-52565)" {
        rootfs_dev
        ln -sfn /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/console"
        update_config '.process.terminal = true'
        set_args /bin/sh -c 'stat -c "console %t:%T %F" /dev/console; echo "core $(cat /proc/sys/kernel/core_pattern)"; grep -c core_pattern /proc/self/mountinfo'
        run run_tty "$(new_id a)"
        echo "$output"
        [[ "$output" == *"console 88:"*"character special file"* ]]     # the pty (major 136)
        [[ "$output" == *"core $HOST_CORE"* ]]                          # not covered by the pty
        printf '%s\n' "$output" | grep -qx 0                            # nothing mounted on it
        # the rootfs's symlink was replaced by the mount point, not followed
        [ ! -L "$BUNDLE/rootfs/dev/console" ]
        host_unchanged
}

@test "security: a /dev or /dev/ptmx the rootfs aims into procfs is refused" {
        rootfs_dev
        update_config '.process.terminal = true | .mounts |= map(select(.destination != "/dev/pts"))'
        # no devpts: the terminal would come from the rootfs's /dev/ptmx
        ln -sfn /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/ptmx"
        run run_tty "$(new_id a)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"terminal: /dev/ptmx is not the pty multiplexer (char 5:2): refusing it"* ]]

        rm -rf "$BUNDLE/rootfs/dev"
        ln -s /proc/sys/kernel "$BUNDLE/rootfs/dev"
        update_config '.process.terminal = false | .mounts |= map(select(.destination | startswith("/dev/") | not))'
        expect_refused "$(new_id b)" "/dev: resolves to /proc/sys/kernel on procfs through a symlink"
}

@test "security: maskedPaths refuse a /dev/null the rootfs points at core_pattern (CVE-2025-31133)" {
        # /dev is a bind of a crafted directory, so contain leaves its nodes alone
        mkdir "$TEST_DIR/dev"
        ln -s /proc/sys/kernel/core_pattern "$TEST_DIR/dev/null"
        update_config '.mounts |= map(if .destination == "/dev" then {"destination": "/dev", "type": "bind", "source": "'"$TEST_DIR/dev"'", "options": ["rbind"]} else . end)
                       | .mounts |= map(select(.destination != "/dev/pts" and .destination != "/dev/shm" and .destination != "/dev/mqueue"))'
        # not vacuous: maskedPaths would bind "/dev/null", which is core_pattern here
        update_config '.linux.maskedPaths = []'
        set_args /bin/sh -c 'stat -L -f -c %T /dev/null; readlink /dev/null'
        run contain run -b "$BUNDLE" "$(new_id a)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = proc ]

        update_config '.linux.maskedPaths = ["/proc/kcore", "/proc/timer_list"]'
        set_args /bin/true
        expect_refused "$(new_id b)" "maskedPaths: /dev/null is not the null device (char 1:3)"
}

# A shell line for the container: new user, pid and mount namespaces, then mount proc.
UNSHARE_ATTACK='unshare -mrpf sh -c "id -u; mount -t tmpfs none /tmp && echo tmpfs-mounted; mount -t proc none /proc && echo proc-mounted"; true'

@test "security: --no-pivot leaves no procfs to mount from inside the container" {
        # as a non-root user the container may map itself to root in a new user namespace
        update_config '.process.user = {"uid": 1000, "gid": 1000}'
        set_args /bin/sh -c "$UNSHARE_ATTACK"
        run contain run --no-pivot -b "$BUNDLE" "$(new_id a)"
        echo "$output"
        [ "$status" -eq 0 ]
        # not vacuous: the namespaces are made and other mounts work in them
        [[ "$output" == *"tmpfs-mounted"* ]]
        [ "${lines[0]}" = 0 ]
        [[ "$output" != *"proc-mounted"* ]]
        [[ "$output" == *"mount: permission denied"* ]]

        # the same holds with pivot_root
        run contain run -b "$BUNDLE" "$(new_id b)"
        [[ "$output" == *"tmpfs-mounted"* && "$output" != *"proc-mounted"* ]]

        # and a plain --no-pivot container still runs
        update_config 'del(.process.user)'
        set_args /bin/sh -c 'echo ok; cat /etc/hostname 2>/dev/null; ls /'
        run contain run --no-pivot -b "$BUNDLE" "$(new_id c)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = ok ]
        host_unchanged
}

@test "security: --no-pivot in a user namespace is refused while the host's /proc stays" {
        chmod 755 "$TEST_DIR"
        chown -R 100000:100000 "$BUNDLE/rootfs"
        update_config '.linux.namespaces += [{"type": "user"}]
                       | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
                       | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
        run contain run --no-pivot -b "$BUNDLE" "$(new_id a)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"--no-pivot: the host's /proc cannot be detached"* ]]
        # with pivot_root the same config runs
        run contain run -b "$BUNDLE" "$(new_id b)"
        echo "$output"
        [ "$status" -eq 0 ]
}
