#!/bin/bash
# The pure cgroup v2 suite: boots Debian's kernel under qemu (TCG) with an initramfs holding
# the contain binary, its libraries, busybox and tests/vm/guest.sh, mounts cgroup2 alone at
# /sys/fs/cgroup, runs the guest tests and prints their TAP; exits non-zero when one failed.
#
# usage: tests/vm/run.sh [-i DIR] [-b FILE]... [-c COMMAND] [CONTAIN_BINARY]   (default: build/contain)
#   -i DIR      copy DIR onto the guest's / (DIR/x/y becomes /x/y)
#   -b FILE     copy FILE (an executable or a shared object) to the same path in the guest, with
#               the shared libraries ldd lists for it (repeatable)
#   -c COMMAND  run `sh -c COMMAND` in the guest instead of the test suite (tests/vm/guest.sh):
#               its output is streamed, its exit status is the run's (bench/bench.py --mode vm)
# env:   KVER (guest kernel ABI, default: what linux-image-amd64 depends on),
#        CONTAIN_VM_CACHE (default tests/vm/cache), CONTAIN_VM_TIMEOUT (qemu limit, 600 s),
#        CONTAIN_VM_KEEP=1 keeps the staging directory, CONTAIN_VM_CONSOLE=1 shows the kernel log,
#        CONTAIN_VM_TESTS="t_numa ..." runs only those guest tests
# The guest kernel (with the loop module, loaded at boot, and bfq, loaded by its test) comes
# from `apt-get download` into the cache (tests/vm/kernel.sh, shared with tests/systemd/run.sh);
# qemu-system-x86, busybox-static and xz-utils are installed with apt-get when missing.  No
# KVM needed.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
INJECT= CMD= EXTRA=()
while getopts "i:b:c:" o; do
        case $o in
        i) INJECT=$OPTARG ;;
        b) EXTRA+=("$OPTARG") ;;
        c) CMD=$OPTARG ;;
        *) echo "usage: tests/vm/run.sh [-i DIR] [-b FILE]... [-c COMMAND] [CONTAIN_BINARY]" >&2; exit 2 ;;
        esac
done
shift $((OPTIND - 1))
BIN=$(realpath "${1:-$REPO/build/contain}" 2>/dev/null) || BIN=${1:-}
CACHE=${CONTAIN_VM_CACHE:-$HERE/cache}
TIMEOUT=${CONTAIN_VM_TIMEOUT:-600}

skip() { echo "1..0 # SKIP $*"; exit 0; }
die() { echo "# vm: $*" >&2; echo "not ok 1 - vm harness: $*"; exit 1; }

[ -x "$BIN" ] || die "no contain binary at '${1:-$REPO/build/contain}'"
[ "$(id -u)" = 0 ] || skip "needs root (apt-get, qemu staging)"

# ------------------------------------------------------------------ host packages
static_busybox() { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }
if ! command -v qemu-system-x86_64 >/dev/null || ! static_busybox || ! command -v xzcat >/dev/null ||
   ! command -v jq >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        pkgs="qemu-system-x86 busybox-static xz-utils jq"
        apt-get install -y -qq --no-install-recommends $pkgs >&2 ||
                { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $pkgs >&2; } ||
                skip "cannot install $pkgs"
fi
static_busybox || skip "/bin/busybox is not the static busybox"

# ------------------------------------------------------------------ guest kernel (cached)
. "$HERE/kernel.sh"

# ------------------------------------------------------------------ initramfs
W=$(mktemp -d /tmp/contain-vm.XXXXXX) || die "mktemp failed"
QPID=
cleanup() {
        [ -n "$QPID" ] && kill "$QPID" 2>/dev/null && wait "$QPID" 2>/dev/null
        if [ "${CONTAIN_VM_KEEP:-0}" = 1 ]; then echo "# vm: kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

R=$W/root
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,proc,sys,dev,tmp,run,root,newroot,tests/conf} ||
        die "staging failed"
cp /bin/busybox "$R/bin/busybox"
# the binary and the shared libraries it loads (the guest has none of its own)
for f in "$BIN" $(ldd "$BIN" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}'); do
        cp -L --parents "$f" "$R/" || die "cannot copy $f"
done
# and those it dlopens here (contain/dynlib.h): libbpf for the v2 device program, libseccomp
# for filters and `features` (not libsystemd: --systemd-cgroup has no systemd to talk to in
# this guest)
for lib in libbpf.so.1 libseccomp.so.2; do
        so=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ { print $NF; exit }')
        [ -n "$so" ] || die "no $lib on the host (Debian packages libbpf1, libseccomp2)"
        for f in "$so" $(ldd "$so" 2>/dev/null | awk '/=> \//{print $3}'); do
                cp -L --remove-destination --parents "$f" "$R/" || die "cannot copy $f"
        done
done
mv "$R$BIN" "$R/usr/local/bin/contain"
for b in "${EXTRA[@]}"; do
        for f in "$b" $(ldd "$b" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}'); do
                cp -L --remove-destination --parents "$f" "$R/" || die "cannot copy $f"
        done
done
[ -z "$INJECT" ] || cp -a --remove-destination "$INJECT/." "$R/" || die "cannot copy $INJECT"
# the guest runs /tests/guest.sh: the suite, or the command given with -c
if [ -n "$CMD" ]; then printf '%s\n' "$CMD" > "$R/tests/guest.sh"; else cp "$HERE/guest.sh" "$R/tests/guest.sh"; fi
# CONTAIN_VM_TESTS="t_numa t_pids": run only those guest tests (all when unset)
echo "${CONTAIN_VM_TESTS:-}" > "$R/tests/only"
mkdir -p "$R/lib/modules" && cp "$KD"/modules/loop.ko "$R/lib/modules/"
# bfq is loaded by its test, not at boot (or the note that the kernel package has none)
mkdir -p "$R/lib/modules/test" && cp "$KD"/modules/bfq.* "$R/lib/modules/test/"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\n' > "$R/etc/group"

# Configs for the guest (which has no jq): the repository's busybox bundle, process.args
# "sh /t/@SCRIPT@" (each test writes its script into the shared rootfs), without and with
# the limits under test.
base='.process.terminal = false | .process.args = ["sh", "/t/@SCRIPT@"] |
      .root = {"path": "/tmp/rootfs", "readonly": false} | del(.linux.resources.memory,
      .linux.resources.cpu, .linux.resources.pids)'
jq "$base" "$REPO/bundles/busybox/config.json" > "$R/tests/conf/plain.json" || die "jq failed"
jq "$base | .linux.resources.memory = {\"limit\": 33554432} | .linux.resources.pids = {\"limit\": 16} |
    .linux.resources.cpu = {\"quota\": 50000, \"period\": 100000}" \
        "$REPO/bundles/busybox/config.json" > "$R/tests/conf/limits.json" || die "jq failed"
# t_seccomp: a filter that refuses mkdir with EPERM (libseccomp is loaded only for it)
jq "$base | .linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
        \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}" \
        "$REPO/bundles/busybox/config.json" > "$R/tests/conf/seccomp.json" || die "jq failed"
# t_busy: a cgroupsPath that exists, with a process in a child cgroup of it
jq "$base | .linux.cgroupsPath = \"/busy\"" "$REPO/bundles/busybox/config.json" > "$R/tests/conf/busy.json" ||
        die "jq failed"
# rootless (issue #17): what `contain spec --rootless` gives user 1000 (its ids mapped to root,
# no network namespace, /sys bound), with the limits, in the cgroup the guest delegates to it
jq "$base | .linux.resources.memory = {\"limit\": 33554432} | .linux.resources.pids = {\"limit\": 16} |
    .linux.cgroupsPath = \"/deleg/rl\" |
    .linux.namespaces = [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"user\"}] |
    .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}] |
    .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}] |
    .mounts = [.mounts[] | select(.destination != \"/sys/fs/cgroup\") |
               if .destination == \"/sys\" then {\"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\",
                   \"options\": [\"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\"]}
               else .options = ((.options // []) | map(select(startswith(\"gid=\") | not))) end]" \
        "$REPO/bundles/busybox/config.json" > "$R/tests/conf/rootless.json" || die "jq failed"
# issue 14 on cgroup v2: a block I/O weight (and one for the device "@BMAJ@":"@BMIN@") where
# the BFQ scheduler runs; memory.kernelTCP, which v2 has no file for
jq "$base | .linux.resources.blockIO = {\"weight\": 500,
        \"weightDevice\": [{\"major\": \"@BMAJ@\", \"minor\": \"@BMIN@\", \"weight\": 200}]}" \
        "$REPO/bundles/busybox/config.json" > "$R/tests/conf/bfq.json" || die "jq failed"
jq "$base | .linux.resources.memory = {\"limit\": 33554432, \"kernelTCP\": 1048576}" \
        "$REPO/bundles/busybox/config.json" > "$R/tests/conf/ktcp.json" || die "jq failed"
# device access: CAP_MKNOD, so that only the device rules can refuse; the guest puts the numbers
# of a block device it has in place of "@BMAJ@"/"@BMIN@"
mknod='.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] |
       .process.capabilities.permitted += ["CAP_MKNOD"]'
deny='{"allow": false, "access": "rwm"}'
jq "$base | $mknod" "$REPO/bundles/busybox/config.json" > "$R/tests/conf/dev.json" || die "jq failed"
jq "$base | $mknod | .linux.resources.devices = [$deny,
        {\"allow\": true, \"type\": \"b\", \"major\": \"@BMAJ@\", \"minor\": \"@BMIN@\", \"access\": \"r\"},
        {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"w\"}]" \
        "$REPO/bundles/busybox/config.json" > "$R/tests/conf/devallow.json" || die "jq failed"
jq "$base | $mknod | .linux.resources.devices = [$deny] |
    .linux.devices = [{\"path\": \"/dev/kmsg\", \"type\": \"c\", \"major\": 1, \"minor\": 11}]" \
        "$REPO/bundles/busybox/config.json" > "$R/tests/conf/devkmsg.json" || die "jq failed"
# linux.memoryPolicy on the guest's two NUMA nodes
for mp in 'numabind {"mode": "MPOL_BIND", "nodes": "1"}' 'numainter {"mode": "MPOL_INTERLEAVE", "nodes": "0-1"}' \
          'numanone {"mode": "MPOL_BIND", "nodes": "5"}'; do
        jq "$base | .linux.memoryPolicy = ${mp#* }" "$REPO/bundles/busybox/config.json" \
                > "$R/tests/conf/${mp%% *}.json" || die "jq failed"
done

cat > "$R/init" <<'EOF'
#!/bin/busybox sh
# stage 1: pivot_root(2) cannot leave the initramfs root, so continue from a tmpfs copy
/bin/busybox mount -t tmpfs -o mode=0755 rootfs /newroot
/bin/busybox cp -a $(/bin/busybox ls -A / | /bin/busybox grep -v -x -e newroot -e init) /newroot/
exec /bin/busybox switch_root /newroot /bin/busybox sh /etc/init2
EOF
cat > "$R/etc/init2" <<'EOF'
# stage 2: a minimal system with cgroup2 alone at /sys/fs/cgroup, then the tests
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t mqueue mqueue /dev/mqueue
ln -s /proc/self/fd /dev/fd
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for m in /lib/modules/*.ko; do insmod "$m" || echo "# insmod $m failed" >&2; done
hostname contain-vm
exec 3>/dev/ttyS1
stty raw -echo <&3
cd /
sh /tests/guest.sh >&3 2>&1 </dev/null
echo "CONTAIN_VM_RC=$?" >&3
exec 3>&-
sync
reboot -f
EOF
chmod 755 "$R/init"
# uncompressed newc: unpacking beats gunzip under TCG
(cd "$R" && find . | /bin/busybox cpio -o -H newc -R 0:0 2>/dev/null) > "$W/initrd.cpio" || die "cpio failed"

# ------------------------------------------------------------------ boot
OUT=$W/out.log CON=$W/console.log
start=$SECONDS
. "$HERE/qemu.sh"
# no_timer_check: under a loaded host TCG can miss the kernel's IO-APIC timer check, which then
# panics ("IO-APIC + timer doesn't work"); two NUMA nodes of 512 MiB, one CPU each, so
# linux.memoryPolicy has real nodes to bind
guest_run vm \
        -object memory-backend-ram,id=mem0,size=512M -object memory-backend-ram,id=mem1,size=512M \
        -numa node,nodeid=0,cpus=0,memdev=mem0 -numa node,nodeid=1,cpus=1,memdev=mem1 \
        -append "console=ttyS0 panic=-1 quiet no_timer_check cgroup_no_v1=all rdinit=/init"
