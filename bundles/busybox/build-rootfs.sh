#!/bin/sh
# Builds bundles/busybox/rootfs/ from Debian's busybox-static: busybox, its applet links, and
# the few files a shell and `id` expect.  Idempotent; the rootfs is never committed.
# usage: build-rootfs.sh [DEST]   (default: rootfs/ beside this script)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-$here/rootfs}

bb=/bin/busybox
if ! [ -x "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
        if ! dpkg -s busybox-static >/dev/null 2>&1; then
                export DEBIAN_FRONTEND=noninteractive
                apt-get install -y --no-install-recommends busybox-static >/dev/null ||
                        { apt-get update -qq && apt-get install -y --no-install-recommends busybox-static >/dev/null; }
        fi
fi
[ -x "$bb" ] && ! ldd "$bb" >/dev/null 2>&1 || { echo "build-rootfs: $bb is not a static busybox" >&2; exit 1; }

if [ -x "$dest/bin/busybox" ] && cmp -s "$bb" "$dest/bin/busybox"; then
        exit 0
fi
tmp=$(mktemp -d "${dest%/*}/.rootfs.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/sbin" "$tmp/usr/bin" "$tmp/usr/sbin" "$tmp/etc" "$tmp/root" \
         "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/tmp" "$tmp/run" "$tmp/var/tmp" "$tmp/home"
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 700 "$tmp/root"
cp "$bb" "$tmp/bin/busybox"
for applet in $("$bb" --list-full); do
        case $applet in bin/busybox) continue ;; esac
        [ -e "$tmp/$applet" ] || ln -s /bin/busybox "$tmp/$applet"
done
cat > "$tmp/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
user:x:1000:1000:user:/home:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > "$tmp/etc/group" <<'G'
root:x:0:
daemon:x:1:
tty:x:5:
user:x:1000:
nogroup:x:65534:
G
echo busybox > "$tmp/etc/hostname"
: > "$tmp/etc/hosts"
: > "$tmp/etc/resolv.conf"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
