#!/bin/bash
# Builds (once) the disk image the systemd suite boots: a minimal Debian made with debootstrap
# from the host's apt mirror, with systemd as /sbin/init, dbus and the libraries contain links
# against, as an ext4 image made with mkfs.ext4 -d (no loop mount).  Prints the image's path.
#
# usage: tests/systemd/image.sh [CACHE_DIR]      (default tests/vm/cache)
# env:   CONTAIN_DEBIAN_MIRROR (default: the host's first deb.debian.org/debian source),
#        CONTAIN_DEBIAN_SUITE (default: the host's VERSION_CODENAME)
# The image is named after a hash of this script, so changing the package list rebuilds it.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:-$HERE/../vm/cache}
PKGS=systemd,systemd-sysv,dbus,libyajl2,libseccomp2,libcap2,libbpf1,libsystemd0
SUITE=${CONTAIN_DEBIAN_SUITE:-$(. /etc/os-release && echo "$VERSION_CODENAME")}
MIRROR=${CONTAIN_DEBIAN_MIRROR:-$(apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' 2>/dev/null |
        grep -m1 '/debian/$' || echo http://deb.debian.org/debian/)}
TAG=$(cat "$0" | sha256sum | cut -c1-12)
IMG=$CACHE/systemd-$SUITE-$TAG.ext4

say() { echo "# systemd image: $*" >&2; }

mkdir -p "$CACHE"
exec 9>"$CACHE/.systemd-image.lock"
flock 9
if [ -s "$IMG" ]; then echo "$IMG"; exit 0; fi

for tool in debootstrap:debootstrap mkfs.ext4:e2fsprogs; do
        command -v "${tool%%:*}" >/dev/null && continue
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tool#*:}" >&2 ||
                { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive \
                  apt-get install -y -qq --no-install-recommends "${tool#*:}" >&2; }
done

T=$(mktemp -d "$CACHE/.systemd-image.XXXXXX")
trap 'rm -rf "$T"' EXIT
start=$SECONDS
say "debootstrap $SUITE from $MIRROR (minbase + $PKGS)"
debootstrap --variant=minbase --include="$PKGS" "$SUITE" "$T/root" "$MIRROR" > "$T/debootstrap.log" 2>&1 || {
        tail -n 20 "$T/debootstrap.log" >&2; say "debootstrap failed"; exit 1; }
R=$T/root
# what the guest does not need: apt's lists and archives, docs, translations
rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/* "$R"/usr/share/doc/* \
       "$R"/usr/share/man/* "$R"/usr/share/locale/* "$R"/usr/share/info/*
echo contain-sd > "$R/etc/hostname"
# nothing but the test: no gettys, no timers, no network or udev settling on the boot path
ln -sf /dev/null "$R/etc/systemd/system/getty.target"
ln -sf /dev/null "$R/etc/systemd/system/systemd-timesyncd.service"
ln -sf /dev/null "$R/etc/systemd/system/apt-daily.timer"
ln -sf /dev/null "$R/etc/systemd/system/apt-daily-upgrade.timer"
ln -sf /dev/null "$R/etc/systemd/system/e2scrub_all.timer"
ln -sf /dev/null "$R/etc/systemd/system/fstrim.timer"
# the root is mounted read-write by the test's initramfs: nothing for systemd to wait for
# (there is no udev to announce /dev/vda)
: > "$R/etc/fstab"
size=$(( $(du -sm "$R" | cut -f1) + 384 ))
mkfs.ext4 -q -F -L contain-sd -d "$R" "$T/img" "${size}M" >&2
mv "$T/img" "$IMG"
# older images of this suite go
for old in "$CACHE"/systemd-*.ext4; do [ "$old" = "$IMG" ] || rm -f "$old"; done
say "built $IMG (${size} MiB) in $((SECONDS - start)) s"
echo "$IMG"
