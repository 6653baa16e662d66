# Sourced by tests/vm/run.sh and tests/systemd/run.sh: the guest kernel, Debian's, downloaded
# with apt-get into $CACHE once and kept there: $KD/vmlinux (the uncompressed ELF, booted
# directly) and $KD/modules/NAME.ko for GUEST_MODULES and GUEST_OPTIONAL_MODULES.  Sets KVER
# and KD; calls the caller's skip/die when it cannot.
mkdir -p "$CACHE" || die "cannot create $CACHE"
KVER=${KVER:-$(apt-cache depends linux-image-amd64 2>/dev/null |
               sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -1)}
[ -n "$KVER" ] || { apt-get update -qq >&2; KVER=$(apt-cache depends linux-image-amd64 2>/dev/null |
               sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -1); }
[ -n "$KVER" ] || skip "cannot tell which linux-image package to download (apt-cache)"
KD=$CACHE/$KVER

# every module a guest of ours loads: loop (the vm suite's device checks); virtio-blk and ext4
# (the systemd suite's root disk), in load order.  Optional ones (bfq: the vm suite's BFQ
# weight check) may be missing from the package: then $KD/modules/NAME.absent says so, and
# the test that needs it skips.
GUEST_MODULES="loop crc16 mbcache jbd2 crc32c_generic ext4 virtio_ring virtio virtio_pci_modern_dev
               virtio_pci_legacy_dev virtio_pci virtio_blk"
GUEST_OPTIONAL_MODULES="bfq"
have_modules() {
        local m
        for m in $GUEST_MODULES; do [ -f "$KD/modules/$m.ko" ] || return 1; done
        for m in $GUEST_OPTIONAL_MODULES; do [ -f "$KD/modules/$m.ko" ] || [ -f "$KD/modules/$m.absent" ] || return 1; done
}
is_elf() { [ "$(head -c4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }
fetch_kernel() {
        local tmp=$KD.tmp.$$
        rm -rf "$tmp" && mkdir -p "$tmp" && cd "$tmp" || return 1
        apt-get download "linux-image-$KVER" >&2 ||
                { apt-get update -qq >&2 && apt-get download "linux-image-$KVER" >&2; } || return 1
        dpkg -x linux-image-"$KVER"_*.deb x && rm -f ./*.deb || return 1
        # boot the uncompressed ELF directly (PVH entry): no real-mode setup, no in-guest xz,
        # which saves seconds under TCG.  Find the xz stream inside the bzImage.
        local img=x/boot/vmlinuz-$KVER pos
        for pos in $(tr '\3757zXZ\000\nabcde' '\nabcde=' < "$img" | grep -abo '^abcde' | cut -d: -f1); do
                tail -c +"$pos" "$img" | xzcat > vmlinux 2>/dev/null
                is_elf vmlinux && break
        done
        is_elf vmlinux || return 1
        mkdir -p modules && for m in $GUEST_MODULES $GUEST_OPTIONAL_MODULES; do
                f=$(find x/lib/modules -name "$m.ko*" | head -1)
                if [ -z "$f" ]; then
                        case " $GUEST_OPTIONAL_MODULES " in *" $m "*) ;; *) return 1 ;; esac
                        echo "linux-image-$KVER has no $m.ko" > "modules/$m.absent"
                        continue
                fi
                case $f in *.xz) xzcat "$f" > "modules/$m.ko" ;; *) cp "$f" "modules/$m.ko" ;; esac || return 1
        done
        rm -rf x && cd "$CACHE" && rm -rf "$KD" && mv "$tmp" "$KD"
}
(
        flock 9
        is_elf "$KD/vmlinux" && have_modules && exit 0
        fetch_kernel || { rm -rf "$KD.tmp.$$"; exit 1; }
) 9>"$CACHE/.lock" || skip "cannot download linux-image-$KVER with apt-get"
