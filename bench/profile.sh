#!/bin/bash
# Where a runtime's `run` of /bin/true spends its time: strace summary, a timestamped syscall
# trace, and perf stat, for docs/performance.md.  Run by hand as root.
#
# usage: bench/profile.sh RUNTIME [summary|trace|perf|ltrace] [nocgroup|native]
#   RUNTIME   path or name of contain, crun or runc
#   summary   strace -c -f: syscall counts and time per syscall (default)
#   trace     strace -f -tt -T: every syscall with its duration, to read the phases in order
#   perf      perf stat -r 20: task-clock, context switches, page faults
#   ltrace    ltrace -S -c (if installed): library calls and syscalls
#   nocgroup  (default) in a private mount and cgroup namespace with cgroup2 on /sys/fs/cgroup and
#             --cgroup-manager=disabled (contain, crun); native: the host's cgroups
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
rt=${1:?usage: profile.sh RUNTIME [summary|trace|perf|ltrace] [nocgroup|native]}
what=${2:-summary}
mode=${3:-nocgroup}
rt=$(command -v "$rt" || echo "$rt")
[ -x "$rt" ] || { echo "profile: no runtime at $rt" >&2; exit 1; }
case $(basename "$rt") in
runc)   flags=() ;;    # no way to disable cgroups: only native makes sense
*)      flags=(); [ "$mode" = nocgroup ] && flags=(--cgroup-manager=disabled) ;;
esac
[ "$(basename "$rt")" = runc ] && [ "$mode" = nocgroup ] &&
        { echo "profile: runc cannot disable cgroups; use native" >&2; exit 1; }

W=$(mktemp -d /tmp/bench-profile.XXXXXX)
trap 'rm -rf "$W"' EXIT
[ -x "$REPO/bundles/busybox/rootfs/bin/busybox" ] || "$REPO/bundles/busybox/build-rootfs.sh"
mkdir -p "$W/bundle" "$W/root"
cp -a "$REPO/bundles/busybox/rootfs" "$W/bundle/rootfs"
drop='.'
[ "$mode" = nocgroup ] && drop='del(.linux.resources)'
jq ".ociVersion = \"1.0.2\" | .process.args = [\"/bin/true\"] | $drop" \
        "$REPO/bundles/busybox/config.json" > "$W/bundle/config.json"

run=("$rt" "${flags[@]}" --root "$W/root" run --bundle "$W/bundle")
case $what in
summary) cmd=(strace -f -c -S time -o "$W/out" "${run[@]}" prof-$$) ;;
trace)   cmd=(strace -f -tt -T -o "$W/out" "${run[@]}" prof-$$) ;;
ltrace)  cmd=(ltrace -f -S -c -o "$W/out" "${run[@]}" prof-$$) ;;
perf)    cmd=(sh -c 'i=0; for i in $(seq 20); do "$@" prof-$$-$i || exit 1; done' sh "${run[@]}")
         cmd=(perf stat -o "$W/out" -e task-clock,context-switches,cpu-migrations,page-faults "${cmd[@]}") ;;
*)       echo "profile: unknown '$what'" >&2; exit 1 ;;
esac

if [ "$mode" = nocgroup ]; then
        # only inside these private namespaces: the host's cgroup mounts stay untouched, and
        # so do their options (a cgroup2 mount in the initial cgroup namespace resets them)
        unshare -m -C --propagation private sh -c \
                'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh "${cmd[@]}"
else
        "${cmd[@]}"
fi
cat "$W/out"
