#!/bin/bash
# The whole test suite in one command (README, .ci/run): installs what is missing, builds with gcc
# (build/), with ASan+UBSan (build-asan/) and checks a clang build compiles warning-free
# (build-clang/), then runs meson's unit tests, every bats suite under tests/*/ with both binaries,
# and the qemu suites (tests/vm/run.sh: pure cgroup v2; tests/systemd/run.sh: systemd as init).
# It counts every test, reports residue a suite left on the machine as a failing test, and ends
# with exactly one line "N passed, N failed, N skipped"; the exit status is non-zero when anything (a test, a build) failed.  See docs/testing.md.
#
# usage: tests/run-all.sh [--quick] [--suite NAME]... [--builddir DIR] [--jobs N]
#   --quick         gcc build only: no sanitizer run, no qemu suites (vm, systemd)
#   --suite NAME    run only this suite (a directory of tests/ with *.bats, "unit", "vm", "systemd"); repeatable
#   --builddir DIR  build directories DIR, DIR-asan, DIR-clang (default: build)
#   --jobs N        bats --jobs N inside each suite (default 1: serial; needs GNU parallel)
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 1

quick=0 builddir=build jobs=1
only=()
usage() { sed -n '9,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--suite) [ $# -ge 2 ] || usage; only+=("$2"); shift ;;
	--suite=*) only+=("${1#*=}") ;;
	--builddir) [ $# -ge 2 ] || usage; builddir=$2; shift ;;
	--builddir=*) builddir=${1#*=} ;;
	--jobs) [ $# -ge 2 ] || usage; jobs=$2; shift ;;
	--jobs=*) jobs=${1#*=} ;;
	-h|--help) usage ;;
	*) echo "run-all: unknown option $1" >&2; usage ;;
	esac
	shift
done
builddir=${builddir%/}

# Per-suite time limits (seconds): a hung test must not eat CI's 90 minutes.
BATS_TIMEOUT=${BATS_TIMEOUT:-1200}
MESON_TIMEOUT=${MESON_TIMEOUT:-600}
VM_TIMEOUT=${VM_TIMEOUT:-1800}

LOGDIR=$REPO/$builddir-logs
SANDIR=$LOGDIR/sanitizer
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR" "$SANDIR"

PASSED=0 FAILED=0 SKIPPED=0
SUMMARY=()      # one line per suite run
FAILURES=()     # "suite: test" for the closing list
SKIPS=()        # "suite: test # reason"
START=$SECONDS

say() { printf '%s\n' "$*"; }
header() { printf '\n== %s\n' "$*"; }

# add SUITE PASS FAIL SKIP SECONDS [NOTE]
add() {
	PASSED=$((PASSED + $2)) FAILED=$((FAILED + $3)) SKIPPED=$((SKIPPED + $4))
	SUMMARY+=("$(printf '%-28s %5d passed %5d failed %5d skipped %6ss%s' "$1" "$2" "$3" "$4" "$5" "${6:+  ($6)}")")
}
fail_item() { FAILURES+=("$1: $2"); }

# ---------------------------------------------------------------------------- what to run
# Directories of tests/ holding *.bats files; unit (meson), vm, systemd and fuzz have their own
# runners.
discover_bats() {
	local preferred=(spec lifecycle isolation cgroup quick clients) d name seen=" "
	for name in "${preferred[@]}"; do
		compgen -G "tests/$name/*.bats" >/dev/null && { say "$name"; seen+="$name "; }
	done
	for d in tests/*/; do
		name=$(basename "$d")
		case " unit vm systemd fuzz " in *" $name "*) continue ;; esac
		case $seen in *" $name "*) continue ;; esac
		compgen -G "tests/$name/*.bats" >/dev/null && say "$name"
	done
}
mapfile -t BATS_SUITES < <(discover_bats)
have_vm=0 have_sd=0
[ -x tests/vm/run.sh ] && have_vm=1
[ -x tests/systemd/run.sh ] && have_sd=1

selected() {
	[ ${#only[@]} -eq 0 ] && return 0
	local s
	for s in "${only[@]}"; do [ "$s" = "$1" ] && return 0; done
	return 1
}
for s in "${only[@]}"; do
	case " unit vm systemd ${BATS_SUITES[*]} " in
	*" $s "*) ;;
	*) echo "run-all: no suite named $s (have: unit vm systemd ${BATS_SUITES[*]})" >&2; exit 2 ;;
	esac
done
run_asan=1 run_vm=$have_vm run_sd=$have_sd run_clang=1
[ $quick -eq 1 ] && run_asan=0 run_vm=0 run_sd=0
[ ${#only[@]} -gt 0 ] && run_clang=0
selected vm || run_vm=0
selected systemd || run_sd=0

# ---------------------------------------------------------------------------- dependencies
BUILD_PKGS=(meson ninja-build gcc libc6-dev pkg-config libyajl-dev libseccomp-dev libcap-dev libbpf-dev libsystemd-dev
	busybox-static jq)
TEST_PKGS=(bats python3-jsonschema clang libclang-rt-14-dev iproute2)
VM_PKGS=(qemu-system-x86 xz-utils)
SD_PKGS=(qemu-system-x86 xz-utils debootstrap e2fsprogs)
CLIENT_PKGS=(podman conmon containerd catatonit crun runc umoci skopeo)

# Packages a suite needs beyond the common ones: built-in knowledge plus tests/<suite>/packages.
suite_pkgs() {
	case $1 in clients) printf '%s\n' "${CLIENT_PKGS[@]}" ;; esac
	[ -f "tests/$1/packages" ] && grep -v '^[[:space:]]*\(#\|$\)' "tests/$1/packages"
	return 0
}

header "dependencies"
want=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}")
[ $run_vm -eq 1 ] && want+=("${VM_PKGS[@]}")
[ $run_sd -eq 1 ] && want+=("${SD_PKGS[@]}")
for s in "${BATS_SUITES[@]}"; do selected "$s" && mapfile -t -O ${#want[@]} want < <(suite_pkgs "$s"); done
mapfile -t UNINSTALLABLE < <("$REPO/tests/install-deps.sh" --try "${want[@]}")
if [ ${#UNINSTALLABLE[@]} -eq 0 ]; then
	say "all ${#want[@]} packages present"
else
	say "could not install: ${UNINSTALLABLE[*]}"
fi
uninstallable() {
	local p
	for p in "${UNINSTALLABLE[@]}"; do [ "$p" = "$1" ] && return 0; done
	return 1
}
for p in "${BUILD_PKGS[@]}" bats; do
	if uninstallable "$p"; then
		echo "run-all: cannot run without $p" >&2
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
done
uninstallable clang && run_clang=0
# clang: gcc's -O2 warnings under -fsanitize are noisier (-Werror); ASAN_CC overrides.
if uninstallable clang || uninstallable libclang-rt-14-dev; then asan_cc=gcc; else asan_cc=clang; fi
asan_cc=${ASAN_CC:-$asan_cc}
for p in "${VM_PKGS[@]}"; do uninstallable "$p" && run_vm=0 vm_skip="package $p cannot be installed"; done
for p in "${SD_PKGS[@]}"; do uninstallable "$p" && run_sd=0 sd_skip="package $p cannot be installed"; done

# ---------------------------------------------------------------------------- residue
# What tests may leave behind: the same things .ci and the before-stop hook look for.
residue_snapshot() {
	{
		awk '$5 ~ /^\/run\/contain(\/|$)|^\/tmp\/[^ ]*(contain|bundle|rootfs)/ { print "mount " $5 }' /proc/self/mountinfo
		find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -iname '*contain*' -prune -print 2>/dev/null |
			not_in_sibling_cgroups | sed 's/^/cgroup /'
		find /run/contain -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sed 's/^/state-dir /'
		ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -i '^contain' | sed 's/^/link /'
		ip netns list 2>/dev/null | awk '{ print $1 }' | grep -i contain | sed 's/^/netns /'
	} | sort -u
}
# Drops cgroup directories inside the cgroups of our siblings: where this runner sits in a
# hierarchy below the root (/process_api/X here: one per session), containers made by other
# sessions on a shared machine live under /process_api/Y and are not ours to report.
not_in_sibling_cgroups() {
	awk -v own="$(cut -d: -f3- /proc/self/cgroup | grep -v '^/$' | sort -u | tr '\n' ' ')" '
		BEGIN { n = split(own, o, " ") }
		{
			for (i = 1; i <= n; i++) {
				parent = o[i]; sub(/\/[^\/]*$/, "", parent)
				if (parent != "" && index($0, parent "/") && !index($0 "/", o[i] "/"))
					next
			}
			print
		}'
}
# check_residue LABEL BEFORE-FILE: anything new since BEFORE is one failing test.
check_residue() {
	local label=$1 before=$2 new
	new=$(residue_snapshot | comm -13 "$before" -)
	if [ -n "$new" ]; then
		# what vanishes within seconds was someone else's container still being deleted
		sleep 3
		new=$(residue_snapshot | comm -13 "$before" - | comm -12 - <(printf '%s\n' "$new"))
	fi
	if [ -n "$new" ]; then
		say "not ok - $label left residue on the machine:"
		printf '%s\n' "$new" | sed 's/^/#   /'
		add "$label residue" 0 1 0 0
		fail_item "$label" "residue: $(printf '%s' "$new" | tr '\n' ';')"
	fi
}
# Reports a sanitizer wrote and no test claimed (helpers.bash claims them per test).
check_sanitizer_reports() {
	local label=$1 f n=0
	for f in "$SANDIR"/*.[0-9]*; do
		[ -f "$f" ] || continue
		say "# sanitizer report $f:"; sed 's/^/#   /' "$f"
		mkdir -p "$SANDIR/reported" && mv "$f" "$SANDIR/reported/"
		n=$((n + 1))
	done
	if [ $n -gt 0 ]; then
		add "$label sanitizer" 0 1 0 0 "$n report(s)"
		fail_item "$label" "$n sanitizer report(s) outside a test's teardown"
	fi
}

# ---------------------------------------------------------------------------- builds
declare -A BUILD_OK
# build LABEL DIR CC [meson -D options...]: configures DIR once, then (re)builds it; one test.
build() {
	local label=$1 dir=$2 cc=$3 t0=$SECONDS log=$LOGDIR/build-$1.log rc
	shift 3
	header "build: $label ($dir, $cc${*:+ $*})"
	# a directory configured with another compiler cannot be reconfigured: start it afresh
	local was
	was=$(sed -n 's/^C compiler for the host machine: \([^ ]*\) .*/\1/p' "$dir/meson-logs/meson-log.txt" 2>/dev/null | tail -n 1)
	if [ -n "$was" ] && [ "$was" != "$cc" ]; then
		say "$dir was configured with $was, not $cc: removing it"
		rm -rf "$dir"
	fi
	{
		if [ -f "$dir/meson-private/coredata.dat" ]; then
			{ [ $# -eq 0 ] || meson configure "$dir" "$@"; } && ninja -C "$dir"
		else
			CC=$cc meson setup "$dir" "$@" && ninja -C "$dir"
		fi
	} >"$log" 2>&1 </dev/null
	rc=$?
	if [ $rc -eq 0 ]; then
		say "ok - build $label"
		BUILD_OK[$label]=1
		add "build $label" 0 0 0 $((SECONDS - t0)) "ok; a build is not counted as a test"
	else
		say "not ok - build $label (exit $rc); the last lines of $log:"
		tail -n 40 "$log" | sed 's/^/#   /'
		BUILD_OK[$label]=0
		add "build $label" 0 1 0 $((SECONDS - t0))
		fail_item "build" "$label"
	fi
}

build gcc "$builddir" gcc
if [ $run_asan -eq 1 ]; then
	build asan "$builddir-asan" "$asan_cc" -Db_sanitize=address,undefined -Db_lundef=false
fi
if [ $run_clang -eq 1 ]; then
	fuzz_opt=()
	[ -f tests/fuzz/meson.build ] && fuzz_opt=(-Dfuzz=true)
	build clang "$builddir-clang" clang "${fuzz_opt[@]}"
fi

header "busybox bundle rootfs"
t0=$SECONDS
if bundles/busybox/build-rootfs.sh >"$LOGDIR/rootfs.log" 2>&1 </dev/null; then
	say "ok - bundles/busybox/rootfs"
	add "busybox rootfs" 0 0 0 $((SECONDS - t0)) "ok; not counted as a test"
else
	say "not ok - bundles/busybox/build-rootfs.sh failed:"; sed 's/^/#   /' "$LOGDIR/rootfs.log"
	add "busybox rootfs" 0 1 0 $((SECONDS - t0))
	fail_item "build" "busybox rootfs"
fi

# ---------------------------------------------------------------------------- sanitizer env
# Every report is written to $SANDIR and fails the test it happened in (helpers.bash) or the
# suite (check_sanitizer_reports); abort_on_error makes the reporting process die with SIGABRT.
asan_env() {
	ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$SANDIR/asan" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$SANDIR/ubsan" \
	CONTAIN_SANITIZER_DIR=$SANDIR "$@"
}

# ---------------------------------------------------------------------------- TAP parsing
# tap_count LABEL LOG RC: counts ok / not ok / skip lines of a TAP log into the totals; a
# runner that died (fewer results than its plan, or a non-zero exit without a failing test)
# is a failure too.
tap_count() {
	local label=$1 log=$2 rc=$3 secs=$4 p=0 f=0 s=0 plan=-1 line name note=""
	while IFS= read -r line; do
		case $line in
		"1..0"*[Ss][Kk][Ii][Pp]*)
			plan=0; s=$((s + 1)); SKIPS+=("$label: whole suite #${line#*#}") ;;
		1..[0-9]*)
			plan=${line#1..}; plan=${plan%%[!0-9]*} ;;
		"ok "*)
			name=${line#ok }; name=${name#[0-9]*[ ]}; name=${name#- }
			shopt -s nocasematch
			if [[ $line =~ \ \#\ *skip\ *(.*)$ ]]; then
				s=$((s + 1)); SKIPS+=("$label: ${name% \#*}${BASH_REMATCH[1]:+ (${BASH_REMATCH[1]})}")
			else
				p=$((p + 1))
			fi
			shopt -u nocasematch ;;
		"not ok "*)
			name=${line#not ok }; name=${name#[0-9]*[ ]}; name=${name#- }
			f=$((f + 1)); FAILURES+=("$label: $name") ;;
		esac
	done <"$log"
	if [ $plan -gt $((p + f + s)) ]; then
		local missing=$((plan - p - f - s))
		f=$((f + missing)); note="$missing planned test(s) never reported"
		FAILURES+=("$label: $note (exit $rc)")
	elif [ "$rc" -ne 0 ] && [ $f -eq 0 ]; then
		f=$((f + 1)); note="exited $rc without a failing test"
		FAILURES+=("$label: runner $note")
	fi
	[ "$rc" -eq 124 ] && note="timed out${note:+; $note}"
	add "$label" $p $f $s "$secs" "$note"
}

# ---------------------------------------------------------------------------- meson test
# meson_tests LABEL DIR [env wrapper]: meson's own summary gives the counts.
meson_tests() {
	local label=$1 dir=$2 log=$LOGDIR/meson-$1.log t0=$SECONDS rc before=$LOGDIR/residue-before
	shift 2
	header "unit tests: meson test -C $dir"
	residue_snapshot >"$before"
	"$@" timeout -k 30 "$MESON_TIMEOUT" meson test -C "$dir" --print-errorlogs </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	local ok xfail fail xpass skip tout
	field() { sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p" "$log" | tail -n 1; }
	ok=$(field Ok) xfail=$(field 'Expected Fail') fail=$(field Fail)
	xpass=$(field 'Unexpected Pass') skip=$(field Skipped) tout=$(field Timeout)
	# a TAP test program counts as the checks it ran ("62 subtests passed"), not as one test
	local sub_ok sub_n
	sub_ok=$(sed '/^Summary of Failures/,$d' "$log" | grep -E '^ *[0-9]+/[0-9]+ .* OK ' | grep -c 'subtests passed')
	sub_n=$(sed '/^Summary of Failures/,$d' "$log" | grep -E '^ *[0-9]+/[0-9]+ .* OK ' | sed -n 's/.* \([0-9][0-9]*\) subtests passed.*/\1/p' | awk '{s += $1} END {print s + 0}')
	ok=$(( ${ok:-0} - sub_ok + sub_n ))
	local p=$(( ${ok:-0} + ${xfail:-0} )) f=$(( ${fail:-0} + ${xpass:-0} + ${tout:-0} )) s=${skip:-0} note=""
	# (meson lists each failure twice: as it happens and under "Summary of Failures")
	sed '/^Summary of Failures/,$d' "$log" | grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|UNEXPECTEDPASS|ERROR) ' |
		sed -E 's/^ *[0-9]+\/[0-9]+ +//; s/ +(FAIL|TIMEOUT|UNEXPECTEDPASS|ERROR) .*/ (\1)/' >"$log.failed"
	mapfile -t -O ${#FAILURES[@]} FAILURES < <(sed "s/^/$label: /" "$log.failed")
	grep -E '^ *[0-9]+/[0-9]+ .* SKIP ' "$log" | sed -E 's/^ *[0-9]+\/[0-9]+ +//; s/ +SKIP .*//' >"$log.skipped"
	mapfile -t -O ${#SKIPS[@]} SKIPS < <(sed "s/^/$label: /" "$log.skipped")
	grep -q '^No tests defined' "$log" && note="no tests defined"
	if [ "$rc" -ne 0 ] && [ $f -eq 0 ]; then
		f=1 note="meson test exited $rc without a failing test"
		FAILURES+=("$label: $note")
	fi
	add "$label" $p $f $s $((SECONDS - t0)) "$note"
	check_residue "$label" "$before"
	check_sanitizer_reports "$label"
}

# ---------------------------------------------------------------------------- bats
tests_in() { cat "tests/$1"/*.bats | grep -c '^[[:space:]]*@test'; }

# bats_suite SUITE VARIANT BINARY [env wrapper]
bats_suite() {
	local suite=$1 variant=$2 bin=$3 label="$1 ($2)" log=$LOGDIR/bats-$1-$2.tap t0=$SECONDS rc
	local before=$LOGDIR/residue-before jobopt=() missing=() p
	shift 3
	header "bats tests/$suite with CONTAIN=$bin"
	while IFS= read -r p; do uninstallable "$p" && missing+=("$p"); done < <(suite_pkgs "$suite")
	if [ ${#missing[@]} -gt 0 ]; then
		local n; n=$(tests_in "$suite")
		say "skipped: package(s) ${missing[*]} cannot be installed ($n tests)"
		SKIPS+=("$label: all $n tests # package(s) ${missing[*]} cannot be installed")
		add "$label" 0 0 "$n" 0 "skipped: ${missing[*]} not installable"
		return
	fi
	[ "$jobs" -gt 1 ] && jobopt=(--jobs "$jobs")
	residue_snapshot >"$before"
	CONTAIN=$bin "$@" timeout -k 30 "$BATS_TIMEOUT" bats --tap "${jobopt[@]}" "tests/$suite" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	tap_count "$label" "$log" "$rc" $((SECONDS - t0))
	check_residue "$label" "$before"
	check_sanitizer_reports "$label"
}

# not_built VARIANT: the suites that would have used a binary that did not build fail.
not_built() {
	local variant=$1 suite n
	for suite in "${BATS_SUITES[@]}"; do
		selected "$suite" || continue
		n=$(tests_in "$suite")
		say "not ok - tests/$suite ($variant): $n tests not run, the $variant build failed"
		add "$suite ($variant)" 0 "$n" 0 0 "not run: build failed"
		FAILURES+=("$suite ($variant): $n tests not run (build failed)")
	done
}

# unit_tests VARIANT DIR [env wrapper]: meson test, unless that build failed (meson would only
# retry it).
unit_tests() {
	local variant=$1 dir=$2
	shift 2
	if [ "${BUILD_OK[$variant]}" = 1 ]; then
		meson_tests "unit ($variant)" "$dir" "$@"
	else
		say "not ok - unit ($variant): not run, the $variant build failed"
		add "unit ($variant)" 0 1 0 0 "not run: build failed"
		FAILURES+=("unit ($variant): not run (build failed)")
	fi
}
if selected unit; then
	unit_tests gcc "$builddir"
	[ $run_asan -eq 1 ] && unit_tests asan "$builddir-asan" asan_env
fi

run_bats_all() {
	local variant=$1 dir=$2 suite
	shift 2
	if [ "${BUILD_OK[$variant]}" != 1 ]; then not_built "$variant"; return; fi
	for suite in "${BATS_SUITES[@]}"; do
		selected "$suite" && bats_suite "$suite" "$variant" "$REPO/$dir/contain" "$@"
	done
}
run_bats_all gcc "$builddir"
[ $run_asan -eq 1 ] && run_bats_all asan "$builddir-asan" asan_env

# ---------------------------------------------------------------------------- qemu guests
# guest_suite NAME RUN SELECTED SKIP_REASON DESCRIPTION: a suite that boots a guest (its TAP).
guest_suite() {
	local name=$1 script=$2 run=$3 reason=$4 desc=$5 t0 rc
	if [ "$run" -eq 1 ]; then
		header "$name: $script $builddir/contain ($desc)"
		if [ "${BUILD_OK[gcc]}" = 1 ]; then
			t0=$SECONDS
			residue_snapshot >"$LOGDIR/residue-before"
			timeout -k 30 "$VM_TIMEOUT" "$script" "$REPO/$builddir/contain" </dev/null 2>&1 | tee "$LOGDIR/$name.tap"
			rc=${PIPESTATUS[0]}
			tap_count "$name" "$LOGDIR/$name.tap" "$rc" $((SECONDS - t0))
			check_residue "$name" "$LOGDIR/residue-before"
		else
			say "not ok - $name: not run, the gcc build failed"
			add "$name" 0 1 0 0 "not run: build failed"
			FAILURES+=("$name: not run (build failed)")
		fi
	elif selected "$name" && [ $quick -eq 0 ]; then
		reason=${reason:-$script does not exist yet}
		SKIPS+=("$name: whole suite # $reason")
		add "$name" 0 0 1 0 "skipped: $reason"
	fi
}
guest_suite vm tests/vm/run.sh $run_vm "${vm_skip:-}" "qemu guest, pure cgroup v2"
guest_suite systemd tests/systemd/run.sh $run_sd "${sd_skip:-}" "qemu guest, systemd as init, pure cgroup v2"

# ---------------------------------------------------------------------------- summary
header "summary ($((SECONDS - START))s; logs in $LOGDIR)"
printf '%s\n' "${SUMMARY[@]}"
if [ ${#SKIPS[@]} -gt 0 ]; then
	say ""; say "skipped (${#SKIPS[@]}):"
	printf '  %s\n' "${SKIPS[@]}"
fi
if [ ${#FAILURES[@]} -gt 0 ]; then
	say ""; say "failed (${#FAILURES[@]}):"
	printf '  %s\n' "${FAILURES[@]}"
fi
say ""
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ $FAILED -eq 0 ]
