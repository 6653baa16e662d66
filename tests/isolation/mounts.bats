#!/usr/bin/env bats
# The mount table seen from inside: options as configured, a read-only root, masked and
# read-only paths, /dev's default devices, the cgroup view, and symlinks in the rootfs that
# try to aim a mount at the host.

load ../helpers

setup() {
        common_setup
}

teardown() {
        common_teardown
}

# mountinfo fields of the mount at $1, from the output of `cat /proc/self/mountinfo`
mount_line() {
        echo "$output" | awk -v m="$1" '$5 == m'
}

@test "mount options are visible in mountinfo as configured" {
        mkdir "$TEST_DIR/data"
        update_config '.mounts += [
                {"destination":"/mnt/t","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev","noexec","size=1m","mode=700"]},
                {"destination":"/mnt/b","type":"bind","source":"'"$TEST_DIR"'/data","options":["rbind","ro","nosuid","nodev"]},
                {"destination":"/mnt/s","type":"tmpfs","source":"tmpfs","options":["strictatime","rw"]}]'
        set_args cat /proc/self/mountinfo
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        t=$(mount_line /mnt/t); b=$(mount_line /mnt/b); s=$(mount_line /mnt/s)
        echo "t=$t"; echo "b=$b"; echo "s=$s"
        [[ "$t" == *" rw,nosuid,nodev,noexec"*" - tmpfs "*"size=1024k"*"mode=700"* ]]
        [[ "$b" == *" ro,nosuid,nodev,"* ]]
        [[ "$s" == *" rw "* || "$s" == *" rw,"* ]]
        [[ "$s" != *"relatime"* ]]
        # the busybox config: /sys read-only, devpts with its gid and modes
        [[ "$(mount_line /sys)" == *" ro,nosuid,nodev,noexec"* ]]
        [[ "$(mount_line /dev/pts)" == *"gid=5,mode=620,ptmxmode=666"* ]]
}

@test "a read-only root refuses writes, its tmpfs mounts do not" {
        update_config '.root.readonly = true | .mounts += [{"destination":"/tmp","type":"tmpfs","source":"tmpfs"}]'
        set_args /bin/sh -c 'touch /rootfile; echo "root=$?"; touch /tmp/ok && echo tmp=0'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "$output" == *"Read-only file system"* ]]
        [[ "$output" == *"root=1"* ]]
        [[ "$output" == *"tmp=0"* ]]
        [ ! -e "$BUNDLE/rootfs/rootfile" ]
}

@test "masked paths read empty or are unreadable" {
        echo topsecret > "$BUNDLE/rootfs/etc/secret"
        mkdir -p "$BUNDLE/rootfs/opt/secretdir"
        echo topsecret > "$BUNDLE/rootfs/opt/secretdir/file"
        update_config '.linux.maskedPaths = ["/etc/secret", "/opt/secretdir", "/proc/keys", "/does/not/exist"]'
        set_args /bin/sh -c 'cat /etc/secret; echo "file=$?"; cat /opt/secretdir/file; ls -A /opt/secretdir; wc -c < /proc/keys'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" != *topsecret* ]]
        [[ "$output" == *"file=0"* ]]
        [ "${lines[-1]}" = "0" ]
}

@test "masking refuses a /dev/null that is not the null device" {
        # a config /dev bind with a regular file standing in for /dev/null
        mkdir -p "$TEST_DIR/fakedev"
        touch "$TEST_DIR/fakedev/null"
        update_config '.mounts = [.mounts[] | select(.destination != "/dev" and (.destination | startswith("/dev/") | not))]
                | .mounts += [{"destination":"/dev","type":"bind","source":"'"$TEST_DIR"'/fakedev","options":["rbind"]}]
                | .linux.maskedPaths = ["/proc/keys"]'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"maskedPaths: /dev/null is not the null device"* ]]
}

@test "read-only paths refuse writes" {
        update_config '.linux.readonlyPaths = ["/proc/sys", "/etc", "/does/not/exist"]'
        set_args /bin/sh -c 'echo x > /etc/newfile; echo "etc=$?"; echo 1 > /proc/sys/kernel/ns_last_pid; echo "sys=$?"; touch /tmp/fine && echo tmp=0'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "$output" == *"etc=1"* ]]
        [[ "$output" == *"sys=1"* ]]
        [[ "$output" == *"tmp=0"* ]]
        [ ! -e "$BUNDLE/rootfs/etc/newfile" ]
}

@test "masks under /proc and /dev's nodes hold whatever mount comes after sysfs" {
        # while the init waits for its network namespace (before sysfs), /dev's nodes and the
        # paths under /proc are done early: never when a later mount would cover them.  Here a
        # second proc comes after sysfs on /proc, and /dev's tmpfs after it too.
        update_config '.linux.maskedPaths = ["/proc/keys", "/proc/acpi"] | .linux.readonlyPaths = ["/proc/sys"]
                | .mounts = [(.mounts[] | select(.destination == "/sys")),
                             (.mounts[] | select(.destination == "/proc")),
                             (.mounts[] | select(.destination == "/dev")),
                             (.mounts[] | select(.destination != "/sys" and .destination != "/proc" and .destination != "/dev"))]
                | .mounts += [{"destination": "/proc", "type": "proc", "source": "proc"}]'
        jq -c '[.mounts[].destination]' "$BUNDLE/config.json"
        set_args /bin/sh -c 'wc -c < /proc/keys; ls -A /proc/acpi | wc -l; echo 1 > /proc/sys/kernel/ns_last_pid; echo "sys=$?"; stat -c "%n %F %t:%T" /dev/null; grep -c " /proc " /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "0" ]
        [ "${lines[1]}" = "0" ]
        [[ "$output" == *"sys=1"* ]]
        [[ "$output" == *"/dev/null character special file 1:3"* ]]
        [ "${lines[-1]}" = "2" ]
}

@test "masks under /proc hold when a second proc is mounted on /proc last" {
        # /dev's nodes go early here (nothing later touches /dev), the /proc paths must not
        update_config '.linux.maskedPaths = ["/proc/keys"] | .linux.readonlyPaths = ["/proc/sys"]
                | .mounts += [{"destination": "/proc", "type": "proc", "source": "proc"}]'
        set_args /bin/sh -c 'wc -c < /proc/keys; echo 1 > /proc/sys/kernel/ns_last_pid; echo "sys=$?"; grep -c " /proc " /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "0" ]
        [[ "$output" == *"sys=1"* ]]
        [ "${lines[-1]}" = "2" ]
}

@test "a later mount that reaches /dev through a symlink of the rootfs still comes before /dev's nodes" {
        # the image's /run leads to /dev: the config's tmpfs on /run, after sysfs, lands on /dev,
        # and /dev's nodes must still be made in it, as in the config's order (a mount that
        # reaches /proc so is refused: "only a proc mount may go there")
        rm -rf "$BUNDLE/rootfs/run"
        ln -s /dev "$BUNDLE/rootfs/run"
        update_config '.mounts += [{"destination": "/run", "type": "tmpfs", "source": "tmpfs"}]'
        set_args /bin/sh -c 'stat -c "%n %F %t:%T" /dev/null; grep -c " /dev " /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/dev/null character special file 1:3" ]
        [ "${lines[1]}" = "2" ]

        # the same symlink brought by a later bind, which no look at the rootfs beforehand sees
        rm "$BUNDLE/rootfs/run"
        mkdir -p "$BUNDLE/rootfs/run" "$TEST_DIR/vol"
        ln -s /dev "$TEST_DIR/vol/y"
        update_config '.mounts = [.mounts[] | select(.destination != "/run")]
                | .mounts += [{"destination": "/x", "type": "bind", "source": "'"$TEST_DIR"'/vol", "options": ["rbind"]},
                              {"destination": "/x/y", "type": "tmpfs", "source": "tmpfs"}]'
        run contain run -b "$BUNDLE" "$(new_id b)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/dev/null character special file 1:3" ]
        [ "${lines[1]}" = "2" ]
}

@test "early /dev steps never run where a later overlay, a device outside /dev or an image's /dev symlink would change them (review27)" {
        # an overlay after sysfs brings a symlink y -> /dev, a tmpfs goes on /x/y: /dev's nodes
        # must be made in that tmpfs, as in the config's order
        mkdir -p "$TEST_DIR/l1" "$TEST_DIR/l2"
        ln -s /dev "$TEST_DIR/l1/y"
        update_config '.mounts += [{"destination": "/x", "type": "overlay", "source": "overlay",
                                    "options": ["lowerdir='"$TEST_DIR"'/l1:'"$TEST_DIR"'/l2"]},
                                   {"destination": "/x/y", "type": "tmpfs", "source": "tmpfs"}]'
        set_args /bin/sh -c 'stat -c "%n %F %t:%T" /dev/null'
        run contain run -b "$BUNDLE" "$(new_id a)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "/dev/null character special file 1:3" ]

        # a linux.devices node in /sys, which sysfs (read-only) then covers: an error, as in the
        # config's order, not a node made early and hidden
        update_config '.mounts = [.mounts[] | select(.destination != "/x" and .destination != "/x/y")]
                | .linux.devices = [{"path": "/sys/mynull", "type": "c", "major": 1, "minor": 3}]'
        run contain run -b "$BUNDLE" "$(new_id b)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.devices: mknod /sys/mynull: Read-only file system"* ]]

        # the image's /dev is a symlink to /sys, which sysfs then covers: refused for what it is
        update_config 'del(.linux.devices)'
        rm -rf "$BUNDLE/rootfs/dev"
        ln -s /sys "$BUNDLE/rootfs/dev"
        run contain run -b "$BUNDLE" "$(new_id c)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"resolves to /sys on sysfs through a symlink in the rootfs"* ]]
}

@test "a read-only path that reaches a masked /proc path through .. keeps the config's order (review27)" {
        update_config '.linux.readonlyPaths += ["/proc/../proc/keys"] | .linux.maskedPaths = ["/proc/keys", "/sys/firmware"]'
        set_args /bin/sh -c 'stat -c "%n %F %t:%T" /proc/keys'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "/proc/keys character special file 1:3" ]
}

@test "proc is never mounted on a symlink, also when the destination ends in a slash (review27)" {
        mkdir -p "$BUNDLE/rootfs/x"
        ln -s /proc "$BUNDLE/rootfs/x/p"
        update_config '.mounts += [{"destination": "/x/p/", "type": "proc", "source": "proc"}]'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"mounts: /x/p/: refusing to mount proc on a symlink"* ]]
}

@test "a file bind on a destination with a trailing slash works the first time and the next" {
        echo content > "$TEST_DIR/srcfile"
        update_config '.mounts += [{"destination": "/newf/", "type": "bind", "source": "'"$TEST_DIR"'/srcfile", "options": ["bind"]}]'
        set_args /bin/cat /newf
        run contain run -b "$BUNDLE" "$(new_id a)"
        [ "$status" -eq 0 ]
        [ "$output" = content ]
        [ -f "$BUNDLE/rootfs/newf" ]
        run contain run -b "$BUNDLE" "$(new_id b)"
        [ "$status" -eq 0 ]
        [ "$output" = content ]
}

@test "an error about a very long destination keeps its reason" {
        long=$(printf '/%0250d' $(seq 17) | tr 0 c)
        update_config '.mounts += [{"destination": "'"$long"'", "type": "tmpfs", "source": "tmpfs"}]'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == "contain: "*"mounts: /ccc"* ]]
        [[ "$output" == *"File name too long" ]]
}

@test "symlinks in the rootfs never land a mount on the host" {
        tag=pwned-$$-$BATS_TEST_NUMBER
        mkdir -p "$BUNDLE/rootfs/mnt" "$TEST_DIR/src"
        ln -s / "$BUNDLE/rootfs/mnt/evil"
        ln -s ../../../tmp "$BUNDLE/rootfs/mnt/evil2"
        ln -s ../../../../../../../../etc "$BUNDLE/rootfs/mnt/evil3"
        touch "$TEST_DIR/srcfile"
        update_config '.mounts += [
                {"destination":"/mnt/evil/'"$tag"'","type":"tmpfs","source":"tmpfs"},
                {"destination":"/mnt/evil2/'"$tag"'","type":"bind","source":"'"$TEST_DIR"'/src","options":["bind"]},
                {"destination":"/mnt/evil3/'"$tag"'","type":"bind","source":"'"$TEST_DIR"'/srcfile","options":["bind"]}]'
        before=$(grep -c "$tag" /proc/self/mountinfo || true)
        set_args /bin/sh -c "grep -c $tag /proc/self/mountinfo"
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "$output" = "3" ]
        # nothing on the host: no files, no mounts
        [ ! -e "/$tag" ] && [ ! -e "/tmp/$tag" ] && [ ! -e "/etc/$tag" ]
        [ "$(grep -c "$tag" /proc/self/mountinfo || true)" = "$before" ]
        # everything landed inside the rootfs instead
        [ -d "$BUNDLE/rootfs/$tag" ] && [ -d "$BUNDLE/rootfs/tmp/$tag" ] && [ -f "$BUNDLE/rootfs/etc/$tag" ]
}

@test "proc is never mounted on a symlink of the rootfs" {
        rmdir "$BUNDLE/rootfs/proc"
        ln -s /etc "$BUNDLE/rootfs/proc"
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"mounts: /proc: refusing to mount proc on a symlink"* ]]
        [ -z "$(ls "$BUNDLE/rootfs/etc" | grep -x cpuinfo)" ]
}

@test "/dev has the default devices and links" {
        set_args /bin/sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done; for l in ptmx fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done; [ -d /dev/pts ] && [ -d /dev/shm ] && echo dirs-ok; echo hi > /dev/null && head -c 4 /dev/zero | wc -c'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/dev/null character special file 1:3 666" ]
        [ "${lines[1]}" = "/dev/zero character special file 1:5 666" ]
        [ "${lines[2]}" = "/dev/full character special file 1:7 666" ]
        [ "${lines[3]}" = "/dev/random character special file 1:8 666" ]
        [ "${lines[4]}" = "/dev/urandom character special file 1:9 666" ]
        [ "${lines[5]}" = "/dev/tty character special file 5:0 666" ]
        [ "${lines[6]}" = "ptmx -> pts/ptmx" ]
        [ "${lines[7]}" = "fd -> /proc/self/fd" ]
        [ "${lines[8]}" = "stdin -> /proc/self/fd/0" ]
        [ "${lines[9]}" = "stdout -> /proc/self/fd/1" ]
        [ "${lines[10]}" = "stderr -> /proc/self/fd/2" ]
        [ "${lines[11]}" = "dirs-ok" ]
        [ "${lines[12]}" = "4" ]
}

@test "linux.devices are created with their type, numbers, mode and owner" {
        update_config '.linux.devices = [{"path":"/dev/mynull","type":"c","major":1,"minor":3,"fileMode":384,"uid":7,"gid":8},
                                         {"path":"/dev/sub/fifo","type":"p","major":0,"minor":0}]'
        set_args /bin/sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/mynull; stat -c %F /dev/sub/fifo'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "character special file 1:3 600 7:8" ]
        [ "${lines[1]}" = "fifo" ]
}

@test "device nodes get their exact mode and owner whatever the caller's umask, replacing what stood there" {
        mkdir -p "$BUNDLE/rootfs/tmp"
        ln -sfn /etc/hostname "$BUNDLE/rootfs/tmp/node"
        update_config '.linux.devices = [{"path":"/dev/n640","type":"c","major":1,"minor":3,"fileMode":416},
                                         {"path":"/dev/nsgid","type":"c","major":1,"minor":3,"fileMode":1464,"uid":0,"gid":5},
                                         {"path":"/tmp/node","type":"c","major":1,"minor":5,"fileMode":420}]'
        set_args /bin/sh -c 'stat -c "%n %a %u:%g" /dev/null /dev/zero /dev/n640 /dev/nsgid; stat -c "%F %t:%T %a" /tmp/node'
        run sh -c 'umask 077; exec "$@"' sh "$CONTAIN" --root "$ROOT" run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/dev/null 666 0:0" ]
        [ "${lines[1]}" = "/dev/zero 666 0:0" ]
        [ "${lines[2]}" = "/dev/n640 640 0:0" ]
        [ "${lines[3]}" = "/dev/nsgid 2670 0:5" ]
        [ "${lines[4]}" = "character special file 1:5 644" ]
        # the symlink went (not followed): the node is in its place, its target untouched
        [ -c "$BUNDLE/rootfs/tmp/node" ]
        [ -f "$BUNDLE/rootfs/etc/hostname" ]
}

@test "device nodes get their exact mode where /dev is a plain directory with a default ACL" {
        # mknod's mode passes through a default ACL instead of the umask: chmod after it
        update_config 'del(.mounts[] | select(.destination == "/dev" or (.destination | startswith("/dev/"))))'
        python3 -c 'import os, struct, sys
os.setxattr(sys.argv[1], "system.posix_acl_default", struct.pack("<I", 2) + b"".join(
    struct.pack("<HHI", tag, perm, 0xffffffff) for tag, perm in ((1, 7), (4, 5), (0x20, 0))))' "$BUNDLE/rootfs/dev" ||
                skip "no ACLs on the file system of the test dir"
        set_args /bin/sh -c 'stat -c "%n %a" /dev/null /dev/zero'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/dev/null 666" ]
        [ "${lines[1]}" = "/dev/zero 666" ]
}

@test "/sys/fs/cgroup shows the container's own cgroups, read-only" {
        update_config '.linux.resources.memory = {"limit": 67108864}'
        set_args /bin/sh -c 'if [ -d /sys/fs/cgroup/memory ]; then cat /sys/fs/cgroup/memory/memory.limit_in_bytes; else cat /sys/fs/cgroup/memory.max; fi; mkdir /sys/fs/cgroup/x 2>&1; echo "mkdir=$?"'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "67108864" ]
        [[ "$output" == *"Read-only file system"* ]]
        [[ "$output" == *"mkdir=1"* ]]
}

# Each hierarchy is mounted inside a cgroup namespace of the init's own, entered for the mounts
# only (cgroupfs.c): the container must come out of it, in the namespace it was given.
@test "without a cgroup namespace the container keeps the host's, and each cgroup mount is rooted at its own cgroup" {
        id=$(new_id)
        set_args /bin/sh -c 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup; echo --; cat /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$id"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "$(readlink /proc/self/ns/cgroup)" ]
        paths=$(echo "$output" | sed -n '2,/^--$/p' | grep -v '^--$' | cut -d: -f3-)
        # the root (field 4) of every cgroup/cgroup2 mount
        roots=$(echo "$output" | sed -n '/^--$/,$p' |
                awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) ~ /^cgroup/) print $4; break } }')
        # the cgroup the runtime made for the container, as the host names it
        echo "$paths" | grep -q "/$id\$"
        [ -n "$roots" ]
        [ "$(echo "$roots" | sort -u)" = "$(echo "$paths" | sort -u)" ]
}

# It said "open parent: Not a directory", as if the parent were the problem.
@test "a cgroup mount onto a file fails naming its destination, and leaves the file as it was" {
        update_config '.mounts += [{"destination":"/etc/passwd","type":"cgroup","source":"cgroup","options":["ro"]}]'
        before=$(cat "$BUNDLE/rootfs/etc/passwd")
        id=$(new_id)
        run contain run -b "$BUNDLE" "$id"
        echo "$output"
        [ "$status" -ne 0 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == "contain: "*"mounts: /etc/passwd (cgroup): Not a directory" ]]
        [ "$(cat "$BUNDLE/rootfs/etc/passwd")" = "$before" ]
        run contain state "$id"
        [ "$status" -ne 0 ]
}

# review28: the copy walked into what was mounted below the directory (a /proc, a host volume)
@test "tmpcopyup copies the directory, not what is mounted below it: a mount point comes out empty" {
        mkdir -p "$TEST_DIR/vol" "$BUNDLE/rootfs/opt/sub"
        echo host > "$TEST_DIR/vol/from-the-host"
        echo image > "$BUNDLE/rootfs/opt/sub/from-the-image"
        update_config '.mounts += [{"destination":"/opt/vol","type":"bind","source":"'"$TEST_DIR"'/vol","options":["rbind"]},
                                   {"destination":"/opt","type":"tmpfs","source":"tmpfs","options":["tmpcopyup"]}]'
        set_args /bin/sh -c 'cat /opt/sub/from-the-image; ls -A /opt/vol | wc -l; test -d /opt/vol && echo dir'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "image" ]
        [ "${lines[1]}" = "0" ]
        [ "${lines[2]}" = "dir" ]
        [ "$(cat "$TEST_DIR/vol/from-the-host")" = "host" ]
}

@test "tmpcopyup keeps the directory's contents in the new tmpfs" {
        echo keep > "$BUNDLE/rootfs/etc/kept"
        update_config '.mounts += [{"destination":"/etc","type":"tmpfs","source":"tmpfs","options":["tmpcopyup"]}]'
        set_args /bin/sh -c 'cat /etc/kept; echo new > /etc/kept; grep -c root /etc/passwd; awk "\$5 == \"/etc\" {print \$9}" /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "keep" ]
        [ "${lines[1]}" -ge 1 ]
        [ "${lines[2]}" = "tmpfs" ]
        [ "$(cat "$BUNDLE/rootfs/etc/kept")" = "keep" ]
}
