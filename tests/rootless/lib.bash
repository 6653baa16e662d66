# Shared by the rootless suites: an unprivileged user made for the test file (with a
# subuid/subgid range and a runtime dir of its own), removed at the end also on failure, and
# `as_user` to run commands as that user.
#   setup_file() { rootless_user_setup; }   teardown_file() { rootless_user_teardown; }

rootless_user_setup() {
        command -v useradd >/dev/null && command -v runuser >/dev/null || skip "no useradd/runuser"
        RL_USER=ctrl$$
        RL_HOME=$(mktemp -d /tmp/contain-rl.XXXXXX)
        chmod 755 "$RL_HOME"
        useradd -M -d "$RL_HOME" -s /bin/sh "$RL_USER"
        RL_UID=$(id -u "$RL_USER")
        RL_GID=$(id -g "$RL_USER")
        # a range of our own, far from the one useradd may have given
        RL_SUB=$((3000000 + (RL_UID % 1000) * 65536))
        sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
        usermod --add-subuids "$RL_SUB-$((RL_SUB + 65535))" --add-subgids "$RL_SUB-$((RL_SUB + 65535))" "$RL_USER"
        RL_XDG=$RL_HOME/xdg
        mkdir -m 0700 "$RL_XDG"
        # the user cannot read root's copy of the busybox rootfs through /work: its own copy
        [ -x "$BUSYBOX_ROOTFS/bin/busybox" ] || "$REPO/bundles/busybox/build-rootfs.sh" >&2
        cp -a "$BUSYBOX_ROOTFS" "$RL_HOME/rootfs"
        chown -R "$RL_USER:$RL_USER" "$RL_HOME"
        export RL_USER RL_HOME RL_UID RL_GID RL_SUB RL_XDG
}

rootless_user_teardown() {
        [ -n "${RL_USER:-}" ] || return 0
        local id
        for id in $(ls "$RL_XDG/contain" 2>/dev/null); do
                as_user "$CONTAIN" delete --force "$id" >/dev/null 2>&1 || true
        done
        grep -o " $RL_HOME[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
        userdel "$RL_USER" 2>/dev/null || true
        sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
        rm -rf "$RL_HOME"
}

# Runs a command as the test user, with its runtime dir and a plain environment.
as_user() {
        runuser -u "$RL_USER" -- env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$RL_HOME" \
                USER="$RL_USER" XDG_RUNTIME_DIR="$RL_XDG" ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
                ${UBSAN_OPTIONS:+UBSAN_OPTIONS=$UBSAN_OPTIONS} "$@"
}

# contain as the test user (default --root: $XDG_RUNTIME_DIR/contain)
ucontain() {
        as_user "$CONTAIN" "$@"
}

# A bundle owned by the test user: config from `contain spec --rootless`, non-interactive,
# the rootfs by symlink to the user's copy.  Prints nothing; sets UB.
user_bundle() {
        UB=$(mktemp -d "$RL_HOME/b.XXXXXX")
        chown "$RL_USER:$RL_USER" "$UB"
        (cd "$UB" && as_user "$CONTAIN" spec --rootless)
        ln -s "$RL_HOME/rootfs" "$UB/rootfs"
        ub_config '.process.terminal = false | .process.args = ["/bin/true"]'
}

# Applies a jq filter to the user bundle's config.json.
ub_config() {
        jq "$1" "$UB/config.json" > "$UB/config.json.new" && mv "$UB/config.json.new" "$UB/config.json"
        chown "$RL_USER:$RL_USER" "$UB/config.json"
}

ub_args() {
        ub_config ".process.args = $(printf '%s\n' "$@" | jq -R . | jq -s -c .)"
}

# Maps root to the user's own id and 1..65536 to its subordinate range.
ub_multi_range() {
        ub_config ".linux.uidMappings = [{containerID: 0, hostID: $RL_UID, size: 1}, {containerID: 1, hostID: $RL_SUB, size: 65536}]
                 | .linux.gidMappings = [{containerID: 0, hostID: $RL_GID, size: 1}, {containerID: 1, hostID: $RL_SUB, size: 65536}]"
}

# Nothing of the user's is left: no state dir entry, no process.
assert_nothing_left() {
        local left
        left=$(ls "$RL_XDG/contain" 2>/dev/null || true)
        [ -z "$left" ] || { echo "state left behind: $left" >&2; return 1; }
        # a killed container's init may wait a moment for the host's init to reap it
        for i in $(seq 50); do
                left=$(ps -o pid=,args= -u "$RL_UID" || true)
                [ -z "$left" ] && break
                sleep 0.1
        done
        [ -z "$left" ] || { echo "processes left behind: $left" >&2; return 1; }
}
