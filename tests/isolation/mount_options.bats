#!/usr/bin/env bats
# The recursive mount attributes (runtime-spec 1.1: rro, rnosuid, ...) reach submounts, and
# idmapped bind mounts (1.2: idmap, ridmap with uidMappings/gidMappings) show the mapped
# owners inside, with and without a container user namespace.

load ../helpers

setup() {
        common_setup
        # a host directory with a tmpfs mounted inside it: the submount an rbind carries along
        SRC=$TEST_DIR/src
        mkdir -p "$SRC/sub"
        mount -t tmpfs -o size=1m tmpfs "$SRC/sub"
        echo top > "$SRC/top"
        echo sub > "$SRC/sub/file"
}

teardown() {
        umount -l "$SRC/sub" 2>/dev/null || true
        common_teardown
}

# mountinfo fields of the mount at $1, from the output of `cat /proc/self/mountinfo`
mount_line() {
        echo "$output" | awk -v m="$1" '$5 == m'
}

# the per-mount options (field 6) of the mount at $1
mount_opts() {
        mount_line "$1" | awk '{print $6}'
}

userns_config() {
        update_config '.linux.namespaces += [{"type":"user"}]
                | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
                | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
        chmod 755 "$TEST_DIR" "$BUNDLE"
        chown -R 100000:100000 "$BUNDLE/rootfs"
}

# Appends an idmapped bind of $1 on $2 with options $3 (JSON) mapping 1000 on disk to host id
# $4 (0 without a user namespace, 100000: the container's root with userns_config).
idmap_mount() {
        update_config '.mounts += [{"destination":"'"$2"'","type":"bind","source":"'"$1"'","options":'"$3"',
                "uidMappings":[{"containerID":1000,"hostID":'"$4"',"size":1}],
                "gidMappings":[{"containerID":1000,"hostID":'"$4"',"size":1}]}]'
}

# Runs the bundle (id suffix $1), which must succeed.
run_ok() {
        run contain run -b "$BUNDLE" "$(new_id "${1:-c}")"
        echo "$output"
        [ "$status" -eq 0 ]
}

# Runs the bundle, which must fail; $n is the index of the last mount (the one under test).
run_fails() {
        n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -ne 0 ]
}

# idmap of a host dir owned by 1000: it and its file are root's inside, a file made inside is
# 1000's on the host.  $1: the host id 1000 maps to.
idmap_case() {
        mkdir "$TEST_DIR/owned"
        echo hi > "$TEST_DIR/owned/old"
        chown -R 1000:1000 "$TEST_DIR/owned"
        idmap_mount "$TEST_DIR/owned" /owned '["bind","idmap"]' "$1"
        set_args sh -c 'stat -c "%u:%g" /owned /owned/old; echo new > /owned/new && stat -c "%u:%g" /owned/new'
        run_ok
        [ "${lines[0]}" = "0:0" ]
        [ "${lines[1]}" = "0:0" ]
        [ "${lines[2]}" = "0:0" ]
        [ "$(stat -c %u:%g "$TEST_DIR/owned/new")" = "1000:1000" ]
        [ "$(stat -c %u:%g "$TEST_DIR/owned/old")" = "1000:1000" ]
}

# ridmap over $SRC (owned by 1000, with its tmpfs submount): every level is root's inside, and
# a file made in the submount is 1000's on the host.  $1: the host id 1000 maps to.
ridmap_case() {
        chown 1000:1000 "$SRC" "$SRC/sub" "$SRC/sub/file"
        idmap_mount "$SRC" /data '["rbind","ridmap"]' "$1"
        set_args sh -c 'stat -c "%u:%g" /data /data/sub /data/sub/file; echo x > /data/sub/new'
        run_ok
        [ "${lines[0]}" = "0:0" ]
        [ "${lines[1]}" = "0:0" ]
        [ "${lines[2]}" = "0:0" ]
        [ "$(stat -c %u:%g "$SRC/sub/new")" = "1000:1000" ]
}

@test "rro: a submount nested under an rbind is read-only too" {
        update_config '.mounts += [{"destination":"/data","type":"bind","source":"'"$SRC"'","options":["rbind","rro"]}]'
        set_args sh -c 'cat /proc/self/mountinfo; echo x > /data/sub/new && echo SUBWRITE; echo x > /data/new && echo TOPWRITE; true'
        run contain run -b "$BUNDLE" "$(new_id)"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$(mount_opts /data)" == ro,* ]]
        [[ "$(mount_opts /data/sub)" == ro,* ]]
        [[ "$output" != *SUBWRITE* ]]
        [[ "$output" != *TOPWRITE* ]]
        [[ "$output" == *"Read-only file system"* ]]
        # the host's own mounts are untouched
        echo ok > "$SRC/sub/host-write"
}

@test "plain ro on an rbind leaves the submount writable (what rro is for)" {
        update_config '.mounts += [{"destination":"/data","type":"bind","source":"'"$SRC"'","options":["rbind","ro"]}]'
        set_args sh -c 'cat /proc/self/mountinfo; echo x > /data/sub/new && echo SUBWRITE'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "$(mount_opts /data)" == ro,* ]]
        [[ "$output" == *SUBWRITE* ]]
}

@test "each recursive attribute is set on the submount, seen in its mountinfo" {
        update_config '.mounts += [{"destination":"/data","type":"bind","source":"'"$SRC"'",
                "options":["rbind","rnosuid","rnodev","rnoexec","rnodiratime","rnoatime","rnosymfollow"]}]'
        set_args cat /proc/self/mountinfo
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        for m in /data /data/sub; do
                o=$(mount_opts $m)
                echo "$m: $o"
                for want in nosuid nodev noexec nodiratime noatime nosymfollow; do
                        [[ ",$o," == *",$want,"* ]]
                done
        done
}

@test "rstrictatime, then the clearing words undo the recursive attributes on the submount" {
        mount -o remount,nosuid,nodev,noexec,nosymfollow "$SRC/sub"
        update_config '.mounts += [{"destination":"/data","type":"bind","source":"'"$SRC"'",
                "options":["rbind","rro","rrw","rsuid","rdev","rexec","rsymfollow","rdiratime","rstrictatime"]}]'
        set_args cat /proc/self/mountinfo
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        o=$(mount_opts /data/sub)
        echo "$o"
        [[ "$o" == rw || "$o" == rw,* ]]
        for gone in nosuid nodev noexec nosymfollow nodiratime relatime noatime; do
                [[ ",$o," != *",$gone,"* ]]
        done
        # rrelatime brings relatime back; rnorelatime means strictatime
        update_config '.mounts[-1].options = ["rbind","rnoatime","rrelatime"]'
        run contain run -b "$BUNDLE" "$(new_id b)"
        [ "$status" -eq 0 ]
        [[ ",$(mount_opts /data/sub)," == *",relatime,"* ]]
        update_config '.mounts[-1].options = ["rbind","rnorelatime"]'
        run contain run -b "$BUNDLE" "$(new_id c)"
        [ "$status" -eq 0 ]
        o=$(mount_opts /data/sub)
        [[ ",$o," != *",relatime,"* && ",$o," != *",noatime,"* ]]
}

@test "rro works inside a user namespace too" {
        userns_config
        update_config '.mounts += [{"destination":"/data","type":"bind","source":"'"$SRC"'","options":["rbind","rro"]}]'
        set_args sh -c 'cat /proc/self/mountinfo'
        run contain run -b "$BUNDLE" "$(new_id)"
        [ "$status" -eq 0 ]
        [[ "$(mount_opts /data/sub)" == ro,* ]]
}

@test "idmap without a user namespace: a host dir owned by 1000 is root's inside; new files are 1000's on the host" {
        idmap_case 0
}

@test "idmap in a user namespace: the host dir owned by 1000 is the container's root" {
        userns_config
        idmap_case 100000
}

@test "idmap without mappings uses the container's user namespace maps" {
        userns_config
        mkdir "$TEST_DIR/owned"
        update_config '.mounts += [{"destination":"/owned","type":"bind","source":"'"$TEST_DIR"'/owned","options":["bind","idmap"]}]'
        set_args sh -c 'stat -c "%u:%g" /owned; echo new > /owned/new'
        run_ok
        # owned by the host's root, seen as the container's root (0 -> 100000 -> 0)
        [ "${lines[0]}" = "0:0" ]
        [ "$(stat -c %u:%g "$TEST_DIR/owned/new")" = "0:0" ]
}

@test "ridmap maps the submount too; idmap on an rbind leaves it unmapped" {
        ridmap_case 0
        update_config '.mounts[-1].options = ["rbind","idmap"]'
        set_args sh -c 'stat -c "%u:%g" /data /data/sub'
        run_ok b
        [ "${lines[0]}" = "0:0" ]
        # the submount came along (rbind) without the mapping: still 1000's
        [ "${lines[1]}" = "1000:1000" ]
}

@test "ridmap with a submount in a user namespace" {
        userns_config
        ridmap_case 100000
}

@test "mappings without idmap or ridmap are an error naming mounts[i].uidMappings" {
        idmap_mount /tmp /owned '["bind"]' 0
        run_fails
        [[ "$output" == *"mounts[$n].uidMappings"* ]]
        [[ "$output" == *idmap* ]]
}

@test "idmap without any mappings and without a user namespace is an error naming the mount" {
        mkdir "$TEST_DIR/owned"
        update_config '.mounts += [{"destination":"/owned","type":"bind","source":"'"$TEST_DIR"'/owned","options":["bind","idmap"]}]'
        run_fails
        [[ "$output" == *"mounts[$n]"*"uidMappings"* ]]
}

@test "idmap on a tmpfs (not a bind) is an error naming mounts[i].options" {
        update_config '.mounts += [{"destination":"/t","type":"tmpfs","source":"tmpfs","options":["idmap"],
                "uidMappings":[{"containerID":0,"hostID":1000,"size":1}],
                "gidMappings":[{"containerID":0,"hostID":1000,"size":1}]}]'
        run_fails
        [[ "$output" == *"mounts[$n].options"* ]]
}

@test "security: an idmapped bind through a rootfs symlink into /proc/sys is refused, the host file unchanged" {
        fwd=$(cat /proc/sys/net/ipv4/ip_forward)
        [ "$fwd" = 1 ] && other=0 || other=1
        echo "$other" > "$TEST_DIR/value"
        ln -sfn /proc/sys/net/ipv4/ip_forward "$BUNDLE/rootfs/etc/resolv.conf"
        idmap_mount "$TEST_DIR/value" /etc/resolv.conf '["bind","idmap"]' 0
        update_config '.linux.sysctl = {"net.ipv4.ip_forward": "'"$other"'"}'
        run_fails
        [[ "$output" == *"mounts: /etc/resolv.conf: resolves to /proc/sys/net/ipv4/ip_forward on procfs through a symlink"* ]]
        [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$fwd" ]
        [ -z "$(ls -A "$ROOT")" ]
}

@test "security: in a user namespace, a submount of an idmapped rbind stays locked: what it covers on the host stays hidden" {
        userns_config
        update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
                | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
                | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
        # a file under the host's tmpfs, which the tmpfs hides
        umount "$SRC/sub"
        echo hidden > "$SRC/sub/under"
        mount -t tmpfs -o size=1m tmpfs "$SRC/sub"
        for opts in '["rbind","ridmap"]' '["rbind","idmap"]'; do
                update_config '.mounts = [.mounts[] | select(.destination != "/data")]'
                idmap_mount "$SRC" /data "$opts" 100000
                set_args sh -c 'umount /data/sub; cat /data/sub/under; true'
                run_ok "$RANDOM"
                [[ "$output" != *hidden* ]]
                [[ "$output" == *"can't unmount /data/sub"* ]]
        done
}
