#!/bin/bash
# The systemd suite: boots a minimal Debian whose init is systemd (pure cgroup v2) under qemu
# (TCG) from the disk image tests/systemd/image.sh builds and caches, with Debian's kernel from
# the vm suite's cache; a test unit runs tests/systemd/guest.sh (contain --systemd-cgroup
# against the real systemd), prints its TAP on a serial port and powers the guest off.
#
# usage: tests/systemd/run.sh [CONTAIN_BINARY]     (default: build/contain)
# env:   CONTAIN_SD_TESTS (the guest's test functions to run, default all),
#        CONTAIN_VM_CACHE (default tests/vm/cache), CONTAIN_VM_TIMEOUT (qemu limit, 600 s),
#        CONTAIN_VM_KEEP=1 keeps the staging directory, CONTAIN_VM_CONSOLE=1 shows the console
# The disk image is used with qemu's snapshot=on: the cached file is never written.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN=$(realpath "${1:-$REPO/build/contain}" 2>/dev/null) || BIN=${1:-}
CACHE=${CONTAIN_VM_CACHE:-$REPO/tests/vm/cache}
TIMEOUT=${CONTAIN_VM_TIMEOUT:-600}

skip() { echo "1..0 # SKIP $*"; exit 0; }
die() { echo "# systemd: $*" >&2; echo "not ok 1 - systemd harness: $*"; exit 1; }

[ -x "$BIN" ] || die "no contain binary at '${1:-$REPO/build/contain}'"
[ "$(id -u)" = 0 ] || skip "needs root (apt-get, debootstrap, qemu staging)"

# ------------------------------------------------------------------ host packages
static_busybox() { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }
if ! command -v qemu-system-x86_64 >/dev/null || ! static_busybox || ! command -v xzcat >/dev/null ||
   ! command -v jq >/dev/null || ! command -v debootstrap >/dev/null || ! command -v mkfs.ext4 >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        pkgs="qemu-system-x86 busybox-static xz-utils jq debootstrap e2fsprogs"
        apt-get install -y -qq --no-install-recommends $pkgs >&2 ||
                { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $pkgs >&2; } ||
                skip "cannot install $pkgs"
fi
static_busybox || skip "/bin/busybox is not the static busybox"

# ------------------------------------------------------------------ kernel and disk (cached)
. "$REPO/tests/vm/kernel.sh"
t0=$SECONDS
IMG=$("$HERE/image.sh" "$CACHE") || skip "cannot build the Debian image with debootstrap (see above)"
echo "# systemd: disk image $(basename "$IMG") ready in $((SECONDS - t0)) s"

# ------------------------------------------------------------------ initramfs
W=$(mktemp -d /tmp/contain-sd.XXXXXX) || die "mktemp failed"
QPID=
cleanup() {
        [ -n "$QPID" ] && kill "$QPID" 2>/dev/null && wait "$QPID" 2>/dev/null
        if [ "${CONTAIN_VM_KEEP:-0}" = 1 ]; then echo "# systemd: kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

R=$W/root P=$W/root/payload
mkdir -p "$R"/{bin,dev,proc,sys,newroot,lib/modules} "$P"/conf || die "staging failed"
cp /bin/busybox "$R/bin/busybox"
MODS="crc16 mbcache jbd2 crc32c_generic ext4 virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
      virtio_pci virtio_blk"
for m in $MODS; do cp "$KD/modules/$m.ko" "$R/lib/modules/" || die "no module $m in $KD"; done
echo $MODS > "$R/lib/modules/order"
# what the init copies onto the disk's snapshot: contain (the image has its libraries), the
# static busybox for the containers' rootfs, the guest script and the test unit
cp "$BIN" "$P/contain"
cp /bin/busybox "$P/busybox"
cp "$HERE/guest.sh" "$P/guest.sh"
# CONTAIN_SD_TESTS="t_boot t_scope" runs only those (while working on the suite)
echo "CONTAIN_SD_TESTS='${CONTAIN_SD_TESTS:-}'" > "$P/env"
base='.process.terminal = false | .process.args = ["sh", "/t/@SCRIPT@"] |
      .root = {"path": "/tmp/rootfs", "readonly": false} | del(.linux.resources.memory,
      .linux.resources.cpu, .linux.resources.pids) | .linux.cgroupsPath = "@CGPATH@"'
jq "$base" "$REPO/bundles/busybox/config.json" > "$P/conf/plain.json" || die "jq failed"
jq "$base | .linux.resources.memory = {\"limit\": 33554432} | .linux.resources.pids = {\"limit\": 16} |
    .linux.resources.cpu = {\"quota\": 50000, \"period\": 100000}" \
        "$REPO/bundles/busybox/config.json" > "$P/conf/limits.json" || die "jq failed"
cat > "$P/contain-test.service" <<'EOF'
[Unit]
Description=contain's systemd suite
Requires=dbus.socket
After=basic.target dbus.socket

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'stty raw -echo < /dev/ttyS1; sh /opt/contain-test/guest.sh > /dev/ttyS1 2>&1 < /dev/null; echo "CONTAIN_VM_RC=$?" > /dev/ttyS1; sync; systemctl poweroff -ff'
EOF
cat > "$P/contain-test.target" <<'EOF'
[Unit]
Description=contain's systemd suite (the default target of the test guest)
Requires=basic.target contain-test.service
After=basic.target contain-test.service
AllowIsolate=yes
EOF

cat > "$R/init" <<'EOF'
#!/bin/busybox sh
# stage 1: load the disk's modules, mount the ext4 root, put the test in, hand over to systemd
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in $(/bin/busybox cat /lib/modules/order); do /bin/busybox insmod /lib/modules/$m.ko; done
i=0; while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do /bin/busybox sleep 0.1; i=$((i + 1)); done
/bin/busybox mount -t ext4 /dev/vda /newroot || { echo "stage 1: cannot mount /dev/vda"; /bin/busybox poweroff -f; }
N=/newroot
/bin/busybox mkdir -p $N/opt/contain-test/conf
/bin/busybox cp /payload/contain $N/usr/local/bin/contain
/bin/busybox cp /payload/busybox /payload/guest.sh /payload/env $N/opt/contain-test/
/bin/busybox cp /payload/conf/* $N/opt/contain-test/conf/
/bin/busybox cp /payload/contain-test.service /payload/contain-test.target $N/etc/systemd/system/
/bin/busybox ln -sf /etc/systemd/system/contain-test.target $N/etc/systemd/system/default.target
/bin/busybox umount /proc /sys /dev
exec /bin/busybox switch_root /newroot /sbin/init
EOF
chmod 755 "$R/init"
(cd "$R" && find . | /bin/busybox cpio -o -H newc -R 0:0 2>/dev/null) > "$W/initrd.cpio" || die "cpio failed"

# ------------------------------------------------------------------ boot
OUT=$W/out.log CON=$W/console.log
CMDLINE="console=ttyS0 panic=-1 quiet no_timer_check cgroup_no_v1=all rdinit=/init"
CMDLINE+=" systemd.unified_cgroup_hierarchy=1 systemd.show_status=0 systemd.log_level=warning"
start=$SECONDS
. "$REPO/tests/vm/qemu.sh"
guest_run "systemd (systemd as init)" \
        -drive "file=$IMG,if=virtio,format=raw,snapshot=on" -append "$CMDLINE"
