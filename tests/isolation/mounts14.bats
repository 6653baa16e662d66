#!/usr/bin/env bats
# Root, mounts, /dev and user namespaces as runc and crun do them (issue 14): a read-only root
# without /proc, a mount on "/", masked directories, a read-only /dev, tmpfs modes, device
# paths, a container without a mount namespace, and bind sources a user namespace cannot reach.

load ../helpers

setup() {
        common_setup
}

teardown() {
        common_teardown
}

@test "root.readonly works in a container without a /proc mount" {
        update_config '.root.readonly = true | .mounts = [.mounts[] | select(.destination != "/proc")]
                | .linux.readonlyPaths = [] | .linux.maskedPaths = []'
        set_args /bin/sh -c 'ls /proc | wc -l; touch /rootfile; echo "root=$?"'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "0" ]
        [[ "$output" == *"Read-only file system"* ]]
        [[ "$output" == *"root=1"* ]]
        [ ! -e "$BUNDLE/rootfs/rootfile" ]
}

@test "a masked directory is empty, readable and read-only; a path listed twice is masked once" {
        mkdir -p "$BUNDLE/rootfs/opt/secretdir"
        echo topsecret > "$BUNDLE/rootfs/opt/secretdir/file"
        update_config '.linux.maskedPaths = ["/opt/secretdir", "/opt//secretdir/", "/proc/keys", "/proc/keys"]'
        set_args /bin/sh -c 'ls -A /opt/secretdir; echo "ls=$?"; touch /opt/secretdir/x; echo "touch=$?"; grep -c " /opt/secretdir " /proc/self/mountinfo; grep -c " /proc/keys " /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" != *topsecret* ]]
        [[ "$output" == *"ls=0"* ]]
        [[ "$output" == *"Read-only file system"* ]]
        [[ "$output" == *"touch=1"* ]]
        [ "${lines[-2]}" = "1" ]
        [ "${lines[-1]}" = "1" ]
}

# masked.c remembers the filesystem at a list's first component (/proc) between entries; a mount
# on that component itself must make it look again
@test "masked and read-only paths on a first component and below it: each applied or skipped" {
        mkdir -p "$BUNDLE/rootfs/opt/a/b"
        echo inner > "$BUNDLE/rootfs/opt/a/b/file"
        update_config '.linux.readonlyPaths = ["/proc/sys", "/opt", "/opt/a/b", "/proc/sysrq-trigger"]
                       | .linux.maskedPaths = ["/proc/kcore", "/opt", "/opt/a/b/file", "/proc/keys"]'
        set_args /bin/sh -c 'ls -A /opt; echo "opt=$?"; echo x > /proc/sys/kernel/hostname; echo "sys=$?"; cat /proc/keys | head -1; grep -c " /proc/keys " /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        # /opt: read-only bind, then masked by an empty tmpfs: nothing below is seen
        [[ "$output" != *inner* ]]
        [ "${lines[0]}" = "opt=0" ]
        [[ "$output" == *"sys=1"* ]]
        [ "${lines[-1]}" = "1" ]
}

# a trailing "/" or "/." on a file names the file (as listed_before compares paths): it is
# masked, never skipped as missing (runc refuses such an entry; skipping it would fail open)
@test "masked and read-only files written with a trailing slash or /. are still covered" {
        update_config '.linux.maskedPaths = ["/proc/timer_list/", "/proc/keys/."]
                       | .linux.readonlyPaths = ["/proc/sysrq-trigger/"]'
        set_args /bin/sh -c 'head -c 20 /proc/timer_list; echo "timer=$?"; grep -c . /proc/keys; grep -cE " /proc/(timer_list|keys) " /proc/self/mountinfo; grep -c " /proc/sysrq-trigger ro," /proc/self/mountinfo; true'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" != *"Timer List"* ]]
        [ "${lines[-2]}" = "2" ]
        # /proc/sysrq-trigger is not there on every kernel (this machine's has none)
        if [ -e /proc/sysrq-trigger ]; then [ "${lines[-1]}" = "1" ]; fi
}

@test "two masked directories: both empty and read-only, each its own mount" {
        mkdir -p "$BUNDLE/rootfs/opt/one" "$BUNDLE/rootfs/srv/two"
        echo first > "$BUNDLE/rootfs/opt/one/file"
        echo second > "$BUNDLE/rootfs/srv/two/file"
        update_config '.linux.maskedPaths = ["/opt/one", "/srv/two"]'
        set_args /bin/sh -c 'ls -A /opt/one /srv/two; touch /opt/one/x 2>&1; touch /srv/two/x 2>&1; grep -cE " /(opt/one|srv/two) " /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" != *first* ]]
        [[ "$output" != *second* ]]
        [ "$(grep -c "Read-only file system" <<<"$output")" -eq 2 ]
        [ "${lines[-1]}" = "2" ]
}

@test "a tmpfs over an existing directory takes its mode and owner; mode= wins on a new mount point" {
        mkdir -p "$BUNDLE/rootfs/tt"
        chmod 0712 "$BUNDLE/rootfs/tt"
        chown 1234:5678 "$BUNDLE/rootfs/tt"
        update_config '.mounts += [
                {"destination":"/tt","type":"tmpfs","source":"tmpfs","options":["tmpcopyup"]},
                {"destination":"/new","type":"tmpfs","source":"tmpfs","options":["mode=1777","tmpcopyup"]},
                {"destination":"/tt2","type":"tmpfs","source":"tmpfs","options":["mode=1770"]}]'
        mkdir -p "$BUNDLE/rootfs/tt2"
        set_args /bin/sh -c 'stat -c "%a %u %g" /tt /new /tt2'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "712 1234 5678" ]
        [ "${lines[1]}" = "1777 0 0" ]
        [ "${lines[2]}" = "1770 0 0" ]
}

# review26: "/.." and "/newd/.." reached the root but were not taken for it, so /proc, /dev
# and the later mounts went under the covering mount ("maskedPaths: open /dev/null" followed)
@test "a mount on /, or on a path that leads there (/.., /newd/.., ..), is covered by the mounts after it" {
        # a copy of the rootfs bound over "/": /proc, /dev and /mnt/t must land on top of it
        cp -a "$BUNDLE/rootfs" "$TEST_DIR/other"
        echo other > "$TEST_DIR/other/which"
        cp "$BUNDLE/config.json" "$TEST_DIR/config.orig"
        for dest in "/" "/.." "/newd/.." ".."; do
                cp "$TEST_DIR/config.orig" "$BUNDLE/config.json"
                update_config '.mounts = [{"destination":"'"$dest"'","type":"bind","source":"'"$TEST_DIR"'/other","options":["rbind"]}]
                        + .mounts | .mounts += [{"destination":"/mnt/t","type":"tmpfs","source":"tmpfs"}]'
                set_args /bin/sh -c 'cat /which; test -e /proc/self/status && echo proc; test -c /dev/null && echo dev; grep -c " /mnt/t " /proc/self/mountinfo'
                run contain run -b "$BUNDLE" "$(new_id)"
                echo "$dest: $output"
                [ "$status" -eq 0 ]
                [ "${lines[0]}" = "other" ]
                [ "${lines[1]}" = "proc" ]
                [ "${lines[2]}" = "dev" ]
                [ "${lines[3]}" = "1" ]
        done
        [ ! -e "$TEST_DIR/other/mnt/t" ] || [ -z "$(ls -A "$TEST_DIR/other/mnt/t")" ]
}

# review28: with the root taken for what a destination resolves to, an image's "data -> /" made
# the config's volume on /data cover the root, and /dev's nodes (and linux.devices) were made in
# the volume's host directory
@test "a volume whose destination the image points at / through a symlink is refused; its host directory stays empty" {
        mkdir "$TEST_DIR/vol"
        ln -s / "$BUNDLE/rootfs/data"
        ln -s ../.. "$BUNDLE/rootfs/up"
        cp "$BUNDLE/config.json" "$TEST_DIR/config.orig"
        for dest in /data /data/ /up /data/..; do
                cp "$TEST_DIR/config.orig" "$BUNDLE/config.json"
                update_config '.mounts += [{"destination":"'"$dest"'","type":"bind","source":"'"$TEST_DIR"'/vol","options":["rbind"]}]
                        | .linux.devices = [{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438}]'
                run contain run -b "$BUNDLE" "$(new_id)"
                echo "$dest: $output"
                [ "$status" -ne 0 ]
                [[ "$output" == *"mounts: $dest: leads to the container's root through a symlink in the rootfs: refusing"* ]]
                [ -z "$(ls -A "$TEST_DIR/vol")" ]
        done
}

@test "a tmpfs on /.. takes the root's mode and owner and leaves the rootfs's, as one on / does" {
        chmod 0755 "$BUNDLE/rootfs"
        chown 1234:5678 "$BUNDLE/rootfs"
        cp -a "$BUNDLE/rootfs/bin" "$TEST_DIR/bin"
        cp "$BUNDLE/config.json" "$TEST_DIR/config.orig"
        for dest in "/" "/.."; do
                cp "$TEST_DIR/config.orig" "$BUNDLE/config.json"
                update_config '.mounts = [{"destination":"'"$dest"'","type":"tmpfs","source":"tmpfs"},
                                          {"destination":"/bin","type":"bind","source":"'"$TEST_DIR"'/bin","options":["rbind"]}]
                                + .mounts | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
                set_args /bin/sh -c 'stat -c "%a %u %g" /; ls /'
                run contain run -b "$BUNDLE" "$(new_id)"
                echo "$dest: $output"
                [ "$status" -eq 0 ]
                [ "${lines[0]}" = "755 1234 5678" ]
                [ "${lines[1]}" = "bin" ]
                [ "$(stat -c '%a %u %g' "$BUNDLE/rootfs")" = "755 1234 5678" ]
        done
}

@test "a read-only /dev gets its devices, /dev/pts and /dev/shm first, then refuses writes" {
        update_config '.mounts = [.mounts[] | if .destination == "/dev" then .options += ["ro"] else . end]'
        set_args /bin/sh -c 'test -c /dev/null && echo null; grep " /dev " /proc/self/mountinfo | cut -d" " -f6; grep -c " /dev/pts " /proc/self/mountinfo; touch /dev/x; echo "touch=$?"'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "null" ]
        [[ "${lines[1]}" == ro,* ]]
        [ "${lines[2]}" = "1" ]
        [[ "$output" == *"touch=1"* ]]
}

# a user namespace mapping 0 -> host 1 over a rootfs it owns
userns_1() {
        update_config '.linux.namespaces += [{"type":"user"}]
                | .linux.uidMappings = [{"containerID":0,"hostID":1,"size":65536}]
                | .linux.gidMappings = [{"containerID":0,"hostID":1,"size":65536}]'
        chmod 755 "$TEST_DIR" "$BUNDLE"
        chown -R 1:1 "$BUNDLE/rootfs"
}

@test "a bind source below a root-only host directory mounts in a user namespace (opened by the runtime)" {
        userns_1
        mkdir -p "$TEST_DIR/private/data"
        echo reached > "$TEST_DIR/private/data/file"
        chmod 700 "$TEST_DIR/private"
        update_config '.mounts += [{"destination":"/data","type":"bind","source":"'"$TEST_DIR"'/private/data","options":["rbind","ro"]},
                {"destination":"/one","type":"bind","source":"'"$TEST_DIR"'/private/data/file","options":["bind"]}]'
        set_args /bin/sh -c 'cat /data/file /one; id -u; touch /data/x; echo "touch=$?"'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "reached" ]
        [ "${lines[1]}" = "reached" ]
        [ "${lines[2]}" = "0" ]
        [[ "$output" == *"touch=1"* ]]
}

@test "a linux.devices path with a trailing slash names the node" {
        update_config '.linux.devices = [{"path":"/dev/mynull/","type":"c","major":1,"minor":3,"fileMode":438}]'
        set_args /bin/sh -c 'stat -c "%F %t:%T" /dev/mynull'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "character special file 1:3" ]
}

@test "a device the host lacks, in a user namespace: the error names linux.devices[i].path and why" {
        userns_1
        update_config '.linux.devices = [{"path":"/dev/null","type":"c","major":1,"minor":3},
                {"path":"/dev/contain-no-such-node","type":"c","major":1,"minor":7}]'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"linux.devices[1].path: /dev/contain-no-such-node: device nodes cannot be created in a user namespace and the host has no such node to bind"* ]]
        [ ! -e /dev/contain-no-such-node ]
}

# the config for a container without a mount namespace: nothing that needs a mount
no_mntns() {
        update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "mount")]
                | .mounts = [] | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
        echo inside > "$BUNDLE/rootfs/which"
}

@test "without a mount namespace the container is chrooted in root.path and leaves no mount on the host" {
        no_mntns
        set_args /bin/sh -c 'cat /which; ls /proc | wc -l; sleep 30'
        id=$(new_id)
        # the init keeps its stdio: not bats's pipe
        contain create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>"$TEST_DIR/create.err" || { cat "$TEST_DIR/create.err"; false; }
        ! grep -q " $TEST_DIR" /proc/self/mountinfo
        run contain exec "$id" cat /which
        [ "$status" -eq 0 ]
        [ "$output" = "inside" ]
        [ "$(readlink /proc/$(state_field "$id" pid)/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ]
        contain delete --force "$id"
        ! grep -q " $TEST_DIR" /proc/self/mountinfo
        set_args /bin/sh -c 'cat /which; ls /proc | wc -l'
        run contain run -b "$BUNDLE" "$(new_id r)"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "inside" ]
        [ "${lines[1]}" = "0" ]
        ! grep -q " $TEST_DIR" /proc/self/mountinfo
}

@test "without a mount namespace a config that needs a mount is refused naming the field" {
        no_mntns
        for f in '.mounts = [{"destination":"/proc","type":"proc","source":"proc"}]@@mounts: ' \
                 '.linux.maskedPaths = ["/proc/kcore"]@@linux.maskedPaths: ' \
                 '.linux.readonlyPaths = ["/proc/sys"]@@linux.readonlyPaths: ' \
                 '.root.readonly = true@@root.readonly: ' \
                 '.linux.rootfsPropagation = "private"@@linux.rootfsPropagation: ' \
                 '.linux.devices = [{"path":"/dev/fuse","type":"c","major":10,"minor":229}]@@linux.devices: '; do
                cp "$BUNDLE/config.json" "$TEST_DIR/saved.json"
                update_config "${f%%@@*}"
                run contain run -b "$BUNDLE" "$(new_id)"
                echo "$output"
                [ "$status" -ne 0 ]
                [[ "$output" == *"${f#*@@}the container shares the runtime's mount namespace"* ]]
                cp "$TEST_DIR/saved.json" "$BUNDLE/config.json"
        done
        ! grep -q " $TEST_DIR" /proc/self/mountinfo
}

@test "security: in a user namespace, a submount of an rbind source opened by the runtime stays locked" {
        userns_1
        update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
                | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
                | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
        mkdir -p "$TEST_DIR/src/sub"
        echo hidden > "$TEST_DIR/src/sub/under"
        mount -t tmpfs -o size=1m tmpfs "$TEST_DIR/src/sub"
        update_config '.mounts += [{"destination":"/data","type":"bind","source":"'"$TEST_DIR"'/src","options":["rbind"]}]'
        set_args /bin/sh -c 'umount /data/sub; cat /data/sub/under; true'
        run contain run -b "$BUNDLE" "$(new_id)"
        umount "$TEST_DIR/src/sub"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" != *hidden* ]]
        [[ "$output" == *"can't unmount /data/sub"* ]]
}
