#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel again and again with some futex selftest programs alone,
# or with the whole normal suite, to show that they pass every time (a
# flaky test fails now and then), also on a busy host.
#   TESTS     programs of the futex kselftests (default: robust_list and
#             robust_list_compat32)
#   SUITE=1   boot the whole normal suite instead (every kselftest, the
#             project's tests, stress-ng: what "make check" boots)
#   BOOTS     how many boots per variant (default 10)
#   VARIANTS  kernel variants (default: "x86_64 x86_64-debug")
#   LOAD=N    keep N CPU hogs (stress-ng --cpu N, normal priority) running
#             on the host for the whole run (default 0)
#   OBJ_ROOT, KSFT_INSTALL
#             boot the kernels of OBJ_ROOT/VARIANT with the kselftests
#             installed in KSFT_INSTALL (say, an earlier version of the
#             series, for figures from before a change) instead of
#             building the tree's
# Each boot counts as the harness counts any: a failed case, a kernel
# report (WARN, BUG, lockdep, KASAN, UBSAN), a hang or a panic fails it.
# Exit: 0 if every boot passed.
. "$(dirname "$0")/lib.sh"

tests=${TESTS:-robust_list robust_list_compat32}
boots=${BOOTS:-10}
variants=${VARIANTS:-x86_64 x86_64-debug}
suite=${SUITE:-0}
load=${LOAD:-0}

bash "$TOP/scripts/deps.sh"
if [ -n "${OBJ_ROOT:-}" ] || [ -n "${KSFT_INSTALL:-}" ]; then
	obj_root=${OBJ_ROOT:?OBJ_ROOT and KSFT_INSTALL go together}
	export KSFT_INSTALL=${KSFT_INSTALL:?OBJ_ROOT and KSFT_INSTALL go together}
	PROJECT_TESTS=${PROJECT_TESTS:-0}
else
	obj_root=$BUILD/obj
	bash "$TOP/scripts/tree.sh"
	bash "$TOP/scripts/build-kernel.sh" x86_64
	bash "$TOP/scripts/build-selftests.sh" x86_64
	bash "$TOP/scripts/build-tests.sh" x86_64
fi
ksft=${KSFT_INSTALL:-$BUILD/kselftest/install}
export PROJECT_TESTS

run=$RESULTS/repeat-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run/extra"
if [ "$suite" = 1 ]; then
	mode=check what="the normal suite"
	bash "$TOP/scripts/initramfs.sh" "$run/initramfs.cpio.gz"
else
	mode=extra what=$tests
	for t in $tests; do
		f=$ksft/futex/functional/$t
		if [ -x "$f" ]; then
			cp "$f" "$run/extra/"
		else
			log "$t: not built, left out"
		fi
	done
	STRESS_NG=0 PROJECT_TESTS=0 bash "$TOP/scripts/initramfs.sh" "$run/initramfs.cpio.gz" "$run/extra"
fi

hogs=
if [ "$load" -gt 0 ]; then
	command -v stress-ng >/dev/null || die "LOAD needs stress-ng on the host"
	stress-ng --cpu "$load" --timeout 0 --quiet &
	hogs=$!
	trap 'kill "$hogs" 2>/dev/null || true' EXIT
	log "host load: stress-ng --cpu $load (pid $hogs)"
fi

fail=0
for variant in $variants; do
	[ -n "${OBJ_ROOT:-}" ] || [ "$variant" = x86_64 ] || bash "$TOP/scripts/build-kernel.sh" "$variant"
	passed=0
	for i in $(seq 1 "$boots"); do
		out=$run/$variant-$i
		rc=0
		t0=$(date +%s)
		GUEST_TIMEOUT=${GUEST_TIMEOUT:-3600} PROGRESS=none bash "$TOP/scripts/boot.sh" \
			"$obj_root/$variant/arch/x86/boot/bzImage" \
			"$run/initramfs.cpio.gz" "$out" "$mode" > "$out.log" 2>&1 || rc=$?
		if [ "$rc" = 0 ]; then
			passed=$((passed + 1))
		else
			fail=1
		fi
		log "$variant boot $i ($(( $(date +%s) - t0 )) s): $(tail -n 1 "$out/verdict.txt" 2>/dev/null || echo "no verdict (exit $rc)")"
		grep -h '^not ok' "$out/results.tap" 2>/dev/null | sed 's/^/    /' >&2 || true
	done
	echo "$variant: $passed of $boots boots passed ($what; host load: ${load} CPU hogs)" | tee -a "$run/summary.txt"
done
exit "$fail"
