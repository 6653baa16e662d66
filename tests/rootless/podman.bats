#!/usr/bin/env bats
# Rootless podman driving contain (issue #17): as an unprivileged user, podman with the vfs
# storage driver, no network, the cgroupfs manager and file events runs `echo hi`, exec, stop
# and rm, and leaves nothing behind.  The same scenario runs with runc side by side, as the
# clients suite does: ROOTLESS_RUNTIMES (default "contain runc") chooses which ("contain" is
# $CONTAIN, anything else a name on PATH or a path).

load ../helpers
load lib

setup_file() {
        command -v podman >/dev/null || skip "podman not installed"
        command -v newuidmap >/dev/null || skip "newuidmap not installed (rootless podman needs it)"
        rootless_user_setup
        tar -C "$RL_HOME/rootfs" -cf "$RL_HOME/rootfs.tar" .
        mkdir -p "$RL_HOME/cfg"
        cat >"$RL_HOME/cfg/containers.conf" <<CONF
[containers]
# this sandbox's hard nofile limit is 20000: podman's default would fail under any runtime
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$RL_HOME/events.log"
runtime_supports_json = ["crun", "runc", "contain"]
[engine.runtimes]
contain = ["$CONTAIN"]
CONF
        cat >"$RL_HOME/cfg/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$RL_HOME/graph"
runroot = "$RL_XDG/containers"
CONF
        chown -R "$RL_USER:$RL_USER" "$RL_HOME"
        upodman import --change 'CMD ["/bin/sh"]' "$RL_HOME/rootfs.tar" localhost/bb:latest >/dev/null
}

teardown_file() {
        if [ -n "${RL_USER:-}" ]; then
                upodman rm -af >/dev/null 2>&1 || true
                # rootless podman keeps its user namespace alive in a pause process
                local p
                for p in $(find "$RL_XDG" -name pause.pid -exec cat {} \; 2>/dev/null); do kill "$p" 2>/dev/null || true; done
        fi
        rootless_user_teardown
}

upodman() {
        as_user env CONTAINERS_CONF="$RL_HOME/cfg/containers.conf" \
                CONTAINERS_STORAGE_CONF="$RL_HOME/cfg/storage.conf" podman "$@"
}

runtime_path() {
        case $1 in
        contain) echo "$CONTAIN" ;;
        */*) echo "$1" ;;
        *) command -v "$1" ;;
        esac
}

# echo hi, a detached container, exec into it, stop, rm: with runtime $1.
podman_scenario() {
        local rt id
        rt=$(runtime_path "$1")
        [ -x "$rt" ] || skip "no runtime $1"
        run upodman --runtime "$rt" run --rm --network none localhost/bb echo hi
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[-1]}" = hi ]
        id=$(upodman --runtime "$rt" run -d --name "rl-$1" --network none localhost/bb sleep 100 | tail -1)
        run upodman --runtime "$rt" exec "rl-$1" sh -c 'echo in-exec; id -u'
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[-2]}" = in-exec ] && [ "${lines[-1]}" = 0 ]
        # sleep ignores SIGTERM as pid 1: podman falls back to SIGKILL after the timeout
        upodman --runtime "$rt" stop -t 1 "rl-$1"
        [ "$(upodman inspect -f '{{.State.Status}}' "rl-$1" | tail -1)" = exited ]
        upodman --runtime "$rt" rm "rl-$1"
        [ -z "$(upodman ps -aq)" ]
        # the runtime's state dir (under $XDG_RUNTIME_DIR) holds nothing of it any more
        [ -z "$(ls "$RL_XDG/$(basename "$rt")" 2>/dev/null)" ]
        local i left
        for i in $(seq 50); do
                left=$(ps -o pid=,args= -u "$RL_UID" | grep -E 'conmon|sleep 100' || true)
                [ -z "$left" ] && break
                sleep 0.1
        done
        echo "left: $left"
        [ -z "$left" ]
}

@test "rootless podman with contain: echo hi, exec, stop, rm" {
        [[ " ${ROOTLESS_RUNTIMES:-contain runc} " == *" contain "* ]] || skip "contain not in ROOTLESS_RUNTIMES"
        podman_scenario contain
}

@test "rootless podman with runc, side by side: echo hi, exec, stop, rm" {
        [[ " ${ROOTLESS_RUNTIMES:-contain runc} " == *" runc "* ]] || skip "runc not in ROOTLESS_RUNTIMES"
        command -v runc >/dev/null || skip "runc not installed"
        podman_scenario runc
}
