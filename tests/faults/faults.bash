# Fault injection for tests/faults/*.bats: kill the runtime (SIGKILL) at a system call of a
# command with strace, then check that `delete --force` still answers 0 and leaves nothing.
#
# A kill point is "the Nth call of syscall S by the runtime process" (strace without -f: the
# runtime only; its init is a clone that runs untraced and must die or be found by delete).
# FAULTS_FULL=1 tries every kill point of every command; otherwise about FAULTS_POINTS (8)
# per command, spread evenly over the trace, which keeps the CI run of a binary short.

load ../helpers

FAULTS_POINTS=${FAULTS_POINTS:-8}

faults_setup() {
        common_setup
        command -v strace >/dev/null || skip "strace is not installed (tests/faults/packages)"
        FAILS=$TEST_DIR/fails
        : > "$FAILS"
        # the user process: its comm ("sleep") tells an exec'd init from one still waiting
        set_args /bin/sleep 3600
}

# The leaf cgroup directory of container $1 in every hierarchy (default cgroupsPath:
# contain/<id> below the runtime's own cgroup, which is ours).
cg_leaf_dirs() {
        local _n ctrl path name
        while IFS=: read -r _n ctrl path; do
                name=${ctrl#name=}
                [ -n "$ctrl" ] || name=unified
                echo "/sys/fs/cgroup/$name${path%/}/contain/$1"
        done < /proc/self/cgroup
}

# Pid namespace inode of the init of $1 (empty when it has none alive): processes left in it
# after delete are residue even when they are no longer in the cgroup.
init_pidns() {
        local pid
        pid=$(jq -r '.pid // 0' "$ROOT/$1/state.json" 2>/dev/null) || return 0
        [ "${pid:-0}" -gt 0 ] 2>/dev/null || return 0
        stat -L -c %i "/proc/$pid/ns/pid" 2>/dev/null || true
}

# Processes that belong to this test: clones of the runtime (their argv holds our --root) and
# anything in the container's pid namespace $1 (may be empty).
our_processes() {
        local ns=$1 f st
        for f in $(grep -lF -- "$TEST_DIR" /proc/[0-9]*/cmdline 2>/dev/null); do
                f=${f%/cmdline}
                [ "${f#/proc/}" = "$$" ] || [ "${f#/proc/}" = "$BASHPID" ] ||
                        echo "${f#/proc/} $(tr '\0' ' ' 2>/dev/null < "$f/cmdline")"
        done
        [ -n "$ns" ] || return 0
        # a zombie is no residue: its parent (the killed runtime) is gone and reaping it is
        # the host's pid 1's job, which here may take seconds
        for f in $(stat -L -c '%i %n' /proc/[0-9]*/ns/pid 2>/dev/null | awk -v ns="$ns" '$1 == ns { print $2 }'); do
                f=${f%/ns/pid}
                st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "$f/status" 2>/dev/null)
                [ -z "$st" ] || [ "$st" = Z ] || echo "${f#/proc/} $(cat "$f/comm" 2>/dev/null) (container pid ns)"
        done
}

# Prints what container $1 left behind (nothing: clean).  $2: the init's pid ns inode.
residue() {
        local id=$1 ns=${2:-} d procs i
        [ -e "$ROOT/$id" ] && echo "state dir $ROOT/$id: $(ls "$ROOT/$id" | tr '\n' ' ')"
        for d in $(cg_leaf_dirs "$id"); do
                [ -e "$d" ] && echo "cgroup $d"
        done
        # an init killed by PDEATHSIG may take a moment to be reaped
        for i in $(seq 40); do
                procs=$(our_processes "$ns")
                [ -z "$procs" ] && break
                sleep 0.05
        done
        [ -n "$procs" ] && echo "process $procs"
        # ($SMALL: a test's own --root file system)
        grep -F " $TEST_DIR" /proc/self/mountinfo | grep -vF " ${SMALL:-/-} " | sed 's/^/mount /'
        ip -o link show 2>/dev/null | grep -F "contain-$id@" | sed 's/^/link /'
        # quick mode's --overlay layers: a scratch dir of the id in the root (or, before, $TMPDIR)
        ls -d "$ROOT"/.scratch-"$id" "$ROOT"/.scratch-"$id"-* "$TEST_DIR"/tmp/contain-overlay-"$id"-* 2>/dev/null | sed 's/^/overlay dir /'
        return 0
}

# `state` and `list` of a half-made container: each answers either an error or JSON.
check_readable() {
        local id=$1 out
        if out=$("$CONTAIN" --root "$ROOT" state "$id" 2>/dev/null); then
                jq -e .status <<<"$out" >/dev/null || { echo "state printed unparsable: $out"; return 1; }
        fi
        if out=$("$CONTAIN" --root "$ROOT" list --format json 2>/dev/null); then
                jq -e 'type == "array"' <<<"$out" >/dev/null || { echo "list printed unparsable: $out"; return 1; }
        fi
        return 0
}

# The kill points of a command: one "syscall N" line per system call the runtime made.
# $@: the command (run once, normally, under strace).
kill_points() {
        local trace=$TEST_DIR/trace
        ( traced -o "$trace" "$@" >/dev/null 2>&1 || true ) 2>/dev/null
        awk -F'(' '/^[a-z_0-9]+\(/ { n[$1]++; print $1, n[$1] }' "$trace"
}

# Picks the points to try: all with FAULTS_FULL=1, else FAULTS_POINTS spread evenly.
pick_points() {
        if [ "${FAULTS_FULL:-0}" = 1 ]; then
                cat
        else
                awk -v want="$FAULTS_POINTS" '{ l[NR] = $0 } END {
                        step = NR / want; if (step < 1) step = 1
                        for (x = step / 2; x <= NR; x += step) print l[int(x) < 1 ? 1 : int(x)] }' | uniq
        fi
}

# One kill point: prepare (a function given the id), kill the runtime at "syscall N" of the
# command (words, "@ID" replaced by the id), check, delete --force, and residue.  Failures
# are appended to $FAILS.  $1 label, $2 syscall, $3 N, $4 prepare function, $5 check
# function (given id; may be :), rest: the command.
try_point() {
        local label=$1 sc=$2 n=$3 prep=$4 check=$5
        shift 5
        local id="k${POINT:-0}-$$" args=() a ns out r
        # quick mode's veth is contain-<id> only for ids of up to 7 characters
        [ "$label" != quick ] || id="q${POINT:-0}"
        POINT=$((${POINT:-0} + 1))
        for a in "$@"; do args+=("${a//@ID/$id}"); done
        "$prep" "$id" || { echo "$label $sc:$n: prepare failed" >> "$FAILS"; return 0; }
        # strace dies of the same SIGKILL (status 137) and bash reports it: both expected
        ( TMPDIR=$TEST_DIR/tmp traced -o /dev/null -e "inject=$sc:signal=SIGKILL:when=$n" \
                "$CONTAIN" --root "$ROOT" "${args[@]}" >/dev/null 2>&1 </dev/null || true ) 2>/dev/null
        if ! out=$(check_readable "$id"); then
                echo "$label $sc:$n: $out" >> "$FAILS"
        fi
        if ! out=$("$check" "$id" 2>&1); then
                echo "$label $sc:$n: $out" >> "$FAILS"
        fi
        ns=$(init_pidns "$id")
        # (under bats' errexit a failing command substitution would end the test here, without
        # the message: it is recorded like every other failure)
        r=0
        out=$("$CONTAIN" --root "$ROOT" delete --force "$id" 2>&1) || r=$?
        [ $r -eq 0 ] || echo "$label $sc:$n: delete --force exited $r: $out" >> "$FAILS"
        out=$(residue "$id" "$ns")
        [ -z "$out" ] || echo "$label $sc:$n: residue: $out" | tr '\n' ';' >> "$FAILS"
        [ -z "$out" ] || echo >> "$FAILS"
        [ -z "${FAULTS_LOG:-}" ] || echo "$label $sc:$n" >> "$FAULTS_LOG"
        return 0
}

# sweep LABEL PREPARE CHECK COMMAND...: enumerates the command's kill points (with a
# container made by PREPARE for the id "@ID"), then tries each chosen one.
sweep() {
        local label=$1 prep=$2 check=$3
        shift 3
        local id="enum-$$" args=() a points sc n
        for a in "$@"; do args+=("${a//@ID/$id}"); done
        "$prep" "$id" || { echo "$label: prepare failed" >> "$FAILS"; return 1; }
        points=$(TMPDIR=$TEST_DIR/tmp kill_points "$CONTAIN" --root "$ROOT" "${args[@]}" </dev/null)
        "$CONTAIN" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
        local total chosen
        total=$(wc -l <<<"$points")
        chosen=$(pick_points <<<"$points")
        echo "# $label: $total kill points, trying $(wc -l <<<"$chosen")" >&3
        while read -r sc n; do
                [ -n "$sc" ] || continue
                try_point "$label" "$sc" "$n" "$prep" "$check" "$@"
        done <<<"$chosen"
        if [ -s "$FAILS" ]; then
                cat "$FAILS"
                return 1
        fi
}

# Preparations.
prep_none() { mkdir -p "$TEST_DIR/tmp"; }
prep_created() { prep_none && "$CONTAIN" --root "$ROOT" create --bundle "$BUNDLE" "$1" >/dev/null 2>&1; }
prep_running() { prep_created "$1" && "$CONTAIN" --root "$ROOT" start "$1" >/dev/null 2>&1; }

no_check() { :; }

# After a start killed anywhere: "created" only while the init has not exec'd the user
# process, and a plain delete never kills a running workload.
check_start() {
        local id=$1 status pid comm
        # comm first: an init released by the killed start may exec any moment
        pid=$(jq -r .pid "$ROOT/$id/state.json" 2>/dev/null)
        comm=$(cat "/proc/$pid/comm" 2>/dev/null)
        status=$("$CONTAIN" --root "$ROOT" state "$id" 2>/dev/null | jq -r .status) || return 0
        if [ "$status" = created ] && [ "$comm" = sleep ]; then
                echo "state says created while the user process runs"
                return 1
        fi
        if [ "$comm" = sleep ] && "$CONTAIN" --root "$ROOT" delete "$id" >/dev/null 2>&1; then
                echo "a plain delete removed a running container"
                return 1
        fi
        return 0
}
