#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test command: install what is missing, make the tree (base + series),
# build the kernels and the futex kselftests, then run the suites:
#   normal   the futex kselftests (with the bounded syscall fuzzer and the
#            lost-wakeup stress tests), the multi-process fuzzer of tests/
#            and stress-ng's futex stressors, on the test kernel
#   debug    the same guest on the debug kernel (KASAN, lockdep, UBSAN,
#            KFENCE, DEBUG_OBJECTS, hung-task and soft-lockup detectors)
#   harness  the harness self-test: each failure class is caught
#   hygiene  checkpatch, every patch built in x86_64 and the head in every
#            variant (MATRIX=full: every patch in every variant), sparse,
#            W=1, kernel-doc and htmldocs (scripts/hygiene.sh)
# Every suite adds to the count; a kernel report (WARN, BUG, lockdep,
# KASAN, UBSAN, hung task, ...) in a guest's console, a panic or a hang
# counts as a failed case of its own. Ends with the line
# "N passed, N failed[, N skipped]".
#   SUITES="normal debug harness hygiene"   the suites to run
#   EXTRA_TESTS=dir       more static test programs to run in the guests
#   FUZZ_ITERS, FUZZ_SECONDS, FUZZ_SEED, STRESS_SECONDS, STRESS_NG_SECONDS
#                         the fuzzer's and the stress tests' bounds
#   MPFUZZ_SECONDS, MPFUZZ_DEBUG_SECONDS, MPFUZZ_SEED
#                         the multi-process fuzzer's (tests/mpfuzz): 30 s on
#                         the test kernel, 90 s on the debug kernel
# Exit: 0 when all passed; else the first guest verdict that is not a pass
# (1 failed, 2 badness, 3 panic, 4 hang), 5 if only the harness self-test
# failed, 6 if only hygiene failed, 10 on a harness error.
. "$(dirname "$0")/lib.sh"

suites=${SUITES:-normal debug harness hygiene}
has() { [[ " $suites " == *" $1 "* ]]; }

start=$(date +%s)
read -r ch0 cm0 < <(ccache_counts)
bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/tree.sh"
bash "$TOP/scripts/build-kernel.sh" x86_64
bash "$TOP/scripts/build-selftests.sh" x86_64
bash "$TOP/scripts/build-tests.sh" x86_64

run=$RESULTS/check-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
ln -sfn "$(basename "$run")" "$RESULTS/latest"
bash "$TOP/scripts/initramfs.sh" "$run/initramfs.cpio.gz" "${EXTRA_TESTS:-}"

P=0 F=0 S=0 rc=0 summary=()
# What each step cost in ccache: "H hits, M misses" since the last call.
ch=$ch0 cm=$cm0 cache_text=
cache_delta() {
	local h m
	read -r h m < <(ccache_counts)
	cache_text="ccache $((h - ch)) hits, $((m - cm)) misses"
	ch=$h cm=$m
}
cache_delta
summary+=("$(printf '%-8s %-37s (%d s; %s)' setup "packages, tree, kernel, selftests" \
	$(( $(date +%s) - start )) "$cache_text")")
add() {		# SUITE PASSED FAILED SKIPPED SECONDS
	P=$((P + $2)) F=$((F + $3)) S=$((S + $4))
	cache_delta
	summary+=("$(printf '%-8s %4d passed, %d failed, %d skipped (%d s; %s)' \
		"$1" "$2" "$3" "$4" "$5" "$cache_text")")
}

# The fuzzer's and the stress tests' bounds reach them through the kernel
# command line (guest/init exports futex2.env.NAME=VALUE as NAME=VALUE).
genv=""
for kv in FUTEX2_FUZZ_ITERS="${FUZZ_ITERS:-}" FUTEX2_FUZZ_SECONDS="${FUZZ_SECONDS:-}" \
	  FUTEX2_FUZZ_SEED="${FUZZ_SEED:-}" FUTEX2_STRESS_SECONDS="${STRESS_SECONDS:-}" \
	  MPFUZZ_SEED="${MPFUZZ_SEED:-}"; do
	[ -z "${kv#*=}" ] || genv="$genv futex2.env.$kv"
done
# The multi-process fuzzer (tests/mpfuzz) runs for a bound of its own in
# each guest: longer on the debug kernel, where KASAN and lockdep watch it.
mpfuzz_secs() {	# SUITE
	case "$1" in
	debug) echo "${MPFUZZ_SECONDS:-${MPFUZZ_DEBUG_SECONDS:-90}}" ;;
	*) echo "${MPFUZZ_SECONDS:-30}" ;;
	esac
}

guest_suite() {		# NAME VARIANT TIMEOUT
	local name=$1 variant=$2 t0 verdict=0 p f s obj=$BUILD/obj/$2 out=$run/$1
	t0=$(date +%s)
	[ "$variant" = x86_64 ] || bash "$TOP/scripts/build-kernel.sh" "$variant"
	mkdir -p "$out"
	cp "$obj/.config" "$out/config"
	log "suite $name: the futex kselftests, fuzz and stress on the $variant kernel"
	GUEST_TIMEOUT=$3 GUEST_APPEND="${GUEST_APPEND:-}$genv futex2.env.MPFUZZ_SECONDS=$(mpfuzz_secs "$name")" \
		bash "$TOP/scripts/boot.sh" "$obj/arch/x86/boot/bzImage" \
		"$run/initramfs.cpio.gz" "$out" check || verdict=$?
	[ "$verdict" -lt 10 ] || exit "$verdict"
	read -r p f s < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))
print(c["passed"], c["failed"], c["skipped"])' "$out/counts.json")
	# A verdict other than "failed tests" (badness, panic, hang) counts as
	# a failed case of its own, even when every test said ok.
	[ "$verdict" = 0 ] || [ "$verdict" = 1 ] || f=$((f + 1))
	[ "$rc" != 0 ] || rc=$verdict
	add "$name" "$p" "$f" "$s" $(( $(date +%s) - t0 ))
	python3 "$TOP/scripts/figures.py" "$name" "$out" >> "$run/figures.txt"
}

tap_suite() {		# NAME TAPFILE SECONDS FAIL-RC
	local p f s
	p=$(grep -c '^ok ' "$2" || true)
	f=$(grep -c '^not ok ' "$2" || true)
	s=$(grep -c '^ok .*# SKIP' "$2" || true)
	add "$1" $((p - s)) "$f" "$s" "$3"
	[ "$f" = 0 ] || [ "$rc" != 0 ] || rc=$4
}

: > "$run/figures.txt"
has normal && guest_suite normal x86_64 "${GUEST_TIMEOUT:-1800}"
has debug && guest_suite debug x86_64-debug "${GUEST_TIMEOUT:-3600}"

if has harness; then
	t0=$(date +%s)
	bash "$TOP/scripts/selftest-harness.sh" | tee "$run/harness-selftest.tap" || true
	tap_suite harness "$run/harness-selftest.tap" $(( $(date +%s) - t0 )) 5
fi

if has hygiene; then
	t0=$(date +%s)
	log "suite hygiene: checkpatch, the build matrix, sparse, W=1, kernel-doc, htmldocs"
	bash "$TOP/scripts/hygiene.sh" | tee "$run/hygiene.tap" || true
	tap_suite hygiene "$run/hygiene.tap" $(( $(date +%s) - t0 )) 6
	python3 "$TOP/scripts/figures.py" hygiene "$run/hygiene.tap" >> "$run/figures.txt"
fi

read -r h m < <(ccache_counts)
h=$((h - ch0)) m=$((m - cm0))
log "results in $run ($(( $(date +%s) - start )) s; ccache: $h hits, $m misses, $(( (h + m) ? 100 * h / (h + m) : 0 ))% hits)"
cat "$run/figures.txt"
printf '%s\n' "${summary[@]}"
line="$P passed, $F failed"
[ "$S" = 0 ] || line="$line, $S skipped"
echo "$line"
exit "$rc"
