# Sourced by tests/vm/run.sh and tests/systemd/run.sh: boots the guest with qemu (TCG), streams
# the TAP it writes on its second serial port, boots once more if the first boot died before
# saying anything, and exits with the status the guest reported (CONTAIN_VM_RC=N).
# The caller sets OUT, CON (files), TIMEOUT, KD, W, KVER, start (=$SECONDS), QPID, defines
# die(), and calls: guest_run LABEL QEMU-ARGS...
guest_boot() {
        : > "$OUT"
        timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 \
                -no-user-config -nodefaults -display none -no-reboot \
                -kernel "$KD/vmlinux" -initrd "$W/initrd.cpio" \
                "$@" -serial "file:$CON" -serial "file:$OUT" </dev/null >&2 &
        QPID=$!
        # stream the guest's TAP as it comes
        tail -n +1 -f --pid=$QPID "$OUT" 2>/dev/null | tr -d '\r' | grep --line-buffered -v '^CONTAIN_VM_RC=' &
        local tpid=$!
        wait $QPID
        qrc=$?
        QPID=
        wait $tpid 2>/dev/null
}

guest_run() {
        local label=$1
        shift
        guest_boot "$@"
        # a guest that died before the tests said anything (an early kernel panic): once more
        if [ ! -s "$OUT" ] && [ $qrc != 124 ]; then
                tail -n 3 "$CON" | sed 's/^/# first boot failed: /'
                guest_boot "$@"
        fi
        local rc
        rc=$(tr -d '\r' < "$OUT" | sed -n 's/^CONTAIN_VM_RC=\([0-9]*\).*/\1/p' | tail -1)
        echo "# $label: guest run took $((SECONDS - start)) s (kernel $KVER, qemu TCG)"
        if [ -z "$rc" ]; then
                if [ "${CONTAIN_VM_CONSOLE:-0}" = 1 ]; then cat "$CON" >&2; else tail -n 30 "$CON" | sed 's/^/# console: /'; fi
                [ $qrc = 124 ] && die "qemu timed out after ${TIMEOUT}s"
                die "the guest did not report an exit status (qemu rc=$qrc)"
        fi
        [ "${CONTAIN_VM_CONSOLE:-0}" = 1 ] && cat "$CON" >&2
        exit "$rc"
}
