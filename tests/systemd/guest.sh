#!/bin/sh
# Runs inside the systemd guest of tests/systemd/run.sh, from a service unit, with systemd as
# PID 1 on pure cgroup v2: contain --systemd-cgroup against the real systemd.  Prints TAP.
CG=/sys/fs/cgroup
ROOT=/run/contain-sd
T=/opt/contain-test
N=0 FAILED=0

. $T/env
c() { timeout -k 5 60 contain --root "$ROOT" --systemd-cgroup "$@"; }
pass() { N=$((N + 1)); echo "ok $N - $1"; }
fail() {
        N=$((N + 1)) FAILED=$((FAILED + 1))
        echo "not ok $N - $1"; shift
        for l in "$@"; do echo "#   $l"; done
}
expect() { if [ "$2" = "$3" ]; then pass "$1 = '$2'"; else fail "$1" "got:  '$2'" "want: '$3'"; fi; }
expect_ge() {
        if [ -n "$2" ] && [ "$2" -ge "$3" ] 2>/dev/null; then pass "$1 = $2 (>= $3)"
        else fail "$1" "got: '$2'" "want: >= $3"; fi
}
# bundle NAME CONF CGPATH < script: /tmp/b/NAME runs "sh /t/NAME.sh"
bundle() {
        mkdir -p /tmp/b/$1
        cat > /tmp/rootfs/t/$1.sh
        sed -e "s|@SCRIPT@|$1.sh|" -e "s|@CGPATH@|$3|" $T/conf/$2.json > /tmp/b/$1/config.json
}
wait_for() {
        i=0
        while [ $i -lt "${3:-300}" ]; do
                grep -q "$2" "$1" 2>/dev/null && return 0
                sleep 0.1; i=$((i + 1))
        done
        return 1
}
field() { contain --root "$ROOT" state "$1" 2>/dev/null | sed -n "s/.*\"$2\": *\"\{0,1\}\([^\",]*\).*/\1/p"; }
start_detached() {
        c run -d --bundle /tmp/b/$1 "$1" > /tmp/o.$1 2>&1 < /dev/null && return 0
        sed "s/^/# run -d $1: /" /tmp/o.$1
        return 1
}
prop() { systemctl show -P "$2" "$1" 2>/dev/null; }
gone() { [ ! -e "$1" ] && echo gone || echo "still there"; }

setup() {
        mkdir -p /tmp/rootfs/bin /tmp/rootfs/t /tmp/rootfs/tmp /tmp/rootfs/proc /tmp/rootfs/sys \
                 /tmp/rootfs/dev /tmp/rootfs/etc /tmp/b "$ROOT"
        cp $T/busybox /tmp/rootfs/bin/busybox
        for a in $(/tmp/rootfs/bin/busybox --list); do
                [ "$a" = busybox ] || ln -sf busybox /tmp/rootfs/bin/$a
        done
        cp /etc/passwd /etc/group /tmp/rootfs/etc/
        echo "# guest: $(uname -r); $(systemctl --version | head -1); up $(cut -d' ' -f1 /proc/uptime) s"
        echo "# $(contain --version | head -1)"
}

t_boot() {
        expect "PID 1 is systemd" "$(cat /proc/1/comm)" systemd
        expect "/sys/fs/cgroup is cgroup2 alone" "$(stat -f -c %T $CG)" cgroup2fs
}

t_scope() {
        bundle lim limits system.slice:contain:lim <<'EOF'
echo ready
exec sleep 1000
EOF
        start_detached lim
        if ! wait_for /tmp/o.lim ready; then fail "container lim started" "$(cat /tmp/o.lim)"; return; fi
        u=contain-lim.scope d=$CG/system.slice/contain-lim.scope
        expect "systemctl is-active $u" "$(systemctl is-active $u)" active
        echo "# systemctl show $u:"
        systemctl show -p MemoryMax -p TasksMax -p CPUQuotaPerSecUSec -p CPUQuotaPeriodUSec -p Delegate \
                -p Slice -p ControlGroup $u | sed 's/^/#   /'
        expect "MemoryMax" "$(prop $u MemoryMax)" 33554432
        expect "TasksMax" "$(prop $u TasksMax)" 16
        expect "CPUQuotaPerSecUSec (50000/100000)" "$(prop $u CPUQuotaPerSecUSec)" 500ms
        expect "Delegate" "$(prop $u Delegate)" yes
        expect "Slice" "$(prop $u Slice)" system.slice
        expect "ControlGroup" "$(prop $u ControlGroup)" /system.slice/contain-lim.scope
        pid=$(field lim pid)
        expect "the init's cgroup (host side)" "$(cat /proc/$pid/cgroup)" "0::/system.slice/contain-lim.scope"
        expect "systemd's unit for the init" "$(systemctl status $pid 2>/dev/null | head -1 | sed 's/^. //; s/ - .*//')" $u
        expect "memory.max" "$(cat $d/memory.max)" 33554432
        expect "pids.max" "$(cat $d/pids.max)" 16
        expect "cpu.max" "$(cat $d/cpu.max)" "50000 100000"
}

t_exists() {
        bundle dup plain system.slice:contain:lim <<'EOF'
echo should not run
EOF
        out=$(c run --bundle /tmp/b/dup dup 2>&1)
        rc=$?
        if [ $rc -ne 0 ] && echo "$out" | grep -q "contain-lim.scope already exists"; then
                pass "a second container for contain-lim.scope fails naming the unit"
        else
                fail "a second container for contain-lim.scope fails naming the unit" "rc=$rc" "$out"
        fi
        echo "# $out"
        expect "the first one is still active" "$(systemctl is-active contain-lim.scope)" active
        expect "the failed create left no state" "$(contain --root "$ROOT" state dup > /dev/null 2>&1 && echo left || echo none)" none
}

t_limits_hold() {
        d=$CG/system.slice/contain-lim.scope
        c exec lim sh -c 'dd if=/dev/zero of=/dev/null bs=64M count=1; echo "dd_rc=$?"' > /tmp/o.dd 2>&1
        expect "64M dd under MemoryMax 32M is OOM-killed" "$(sed -n 's/^dd_rc=//p' /tmp/o.dd)" 137
        expect_ge "memory.events oom_kill" "$(sed -n 's/^oom_kill //p' $d/memory.events)" 1
        c exec lim sh -c 'sh -c '\''i=0; while [ $i -lt 40 ]; do sleep 1000 & i=$((i + 1)); done'\''; echo "fork_rc=$?"' \
                > /tmp/o.fork 2>&1
        expect "fork loop: pids.peak stops at TasksMax" "$(cat $d/pids.peak)" 16
        grep -q "can't fork" /tmp/o.fork && pass "the shell saw \"can't fork\"" ||
                fail "the shell saw \"can't fork\"" "$(cat /tmp/o.fork)"
        expect "after the OOM kill and the fork stop the scope is active" \
                "$(systemctl is-active contain-lim.scope)" active
        expect "and the container running" "$(field lim status)" running
}

t_reload() {
        d=$CG/system.slice/contain-lim.scope
        ctrl_before=$(cat $d/cgroup.controllers)
        systemctl daemon-reload
        expect "after daemon-reload: memory.max" "$(cat $d/memory.max)" 33554432
        expect "after daemon-reload: pids.max" "$(cat $d/pids.max)" 16
        expect "after daemon-reload: cpu.max" "$(cat $d/cpu.max)" "50000 100000"
        expect "after daemon-reload: the scope's controllers" "$(cat $d/cgroup.controllers)" "$ctrl_before"
        echo "# controllers: $ctrl_before"
        expect "after daemon-reload: active" "$(systemctl is-active contain-lim.scope)" active
}

t_update() {
        u=contain-lim.scope d=$CG/system.slice/contain-lim.scope
        contain --root "$ROOT" update --memory 64M --pids-limit 32 --cpu-quota 20000 lim
        echo "# after update: $(systemctl show -p MemoryMax -p TasksMax -p CPUQuotaPerSecUSec $u | tr '\n' ' ')"
        expect "update: MemoryMax" "$(prop $u MemoryMax)" 67108864
        expect "update: TasksMax" "$(prop $u TasksMax)" 32
        expect "update: CPUQuotaPerSecUSec" "$(prop $u CPUQuotaPerSecUSec)" 200ms
        expect "update: memory.max" "$(cat $d/memory.max)" 67108864
        expect "update: cpu.max" "$(cat $d/cpu.max)" "20000 100000"
        systemctl daemon-reload
        expect "update, then daemon-reload: memory.max" "$(cat $d/memory.max)" 67108864
        expect "update, then daemon-reload: pids.max" "$(cat $d/pids.max)" 32
}

t_delete() {
        u=contain-lim.scope d=$CG/system.slice/contain-lim.scope
        c delete -f lim
        expect "after delete: no unit" "$(prop $u LoadState)" not-found
        expect "after delete: the scope's cgroup" "$(gone $d)" gone
}

t_nested() {
        bundle nest plain machine-contain.slice:ctr:nest <<'EOF'
cat /proc/1/cgroup > /dev/null
echo ok
EOF
        out=$(c --debug run --bundle /tmp/b/nest nest 2>&1)
        echo "$out" | grep -q "^ok" && pass "run in the nested slice machine-contain.slice" ||
                fail "run in the nested slice machine-contain.slice" "$out"
        echo "$out" | grep 'scope' | sed 's/^/# /'
        expect "the scope was made under machine.slice/machine-contain.slice" \
                "$(echo "$out" | grep -c 'started in machine-contain.slice')" 1
        expect "after run: no unit" "$(prop ctr-nest.scope LoadState)" not-found
        expect "after run: no scope cgroup" "$(gone $CG/machine.slice/machine-contain.slice/ctr-nest.scope)" gone
}

t_default_path() {
        bundle dflt plain "" <<'EOF'
echo ready
exec sleep 1000
EOF
        start_detached dflt
        wait_for /tmp/o.dflt ready
        expect "no cgroupsPath: system.slice/contain-ID.scope" "$(systemctl is-active contain-dflt.scope)" active
        c pause dflt
        expect "pause freezes the scope" "$(sed -n 's/^frozen //p' $CG/system.slice/contain-dflt.scope/cgroup.events)" 1
        c resume dflt
        c delete -f dflt
        expect "after delete: no unit" "$(prop contain-dflt.scope LoadState)" not-found
}

setup
t0=$(cut -d. -f1 /proc/uptime)
for t in ${CONTAIN_SD_TESTS:-t_boot t_scope t_exists t_limits_hold t_reload t_update t_delete t_nested t_default_path}; do
        echo "# $(cut -d' ' -f1 /proc/uptime) s: $t"
        $t
done
dmesg | grep -i -e segfault -e "general protection" | sed 's/^/# dmesg: /'
journalctl -b -p warning --no-pager -q _PID=1 2>/dev/null | tail -n 10 | sed 's/^/# systemd said: /'
echo "# guest tests took $(( $(cut -d. -f1 /proc/uptime) - t0 )) s"
echo "1..$N"
[ $FAILED -eq 0 ]
