#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel again and again with some futex selftest programs alone,
# to show that they pass every time (a flaky test fails now and then).
#   TESTS     programs of the futex kselftests (default: robust_list and
#             robust_list_compat32)
#   BOOTS     how many boots per variant (default 10)
#   VARIANTS  kernel variants (default: "x86_64 x86_64-debug")
# Each boot counts as the harness counts any: a failed case, a kernel
# report (WARN, BUG, lockdep, KASAN, UBSAN), a hang or a panic fails it.
# Exit: 0 if every boot passed.
. "$(dirname "$0")/lib.sh"

tests=${TESTS:-robust_list robust_list_compat32}
boots=${BOOTS:-10}
variants=${VARIANTS:-x86_64 x86_64-debug}

bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/tree.sh"
bash "$TOP/scripts/build-kernel.sh" x86_64
bash "$TOP/scripts/build-selftests.sh" x86_64

run=$RESULTS/repeat-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run/extra"
for t in $tests; do
	f=$BUILD/kselftest/install/futex/functional/$t
	if [ -x "$f" ]; then
		cp "$f" "$run/extra/"
	else
		log "$t: not built, left out"
	fi
done
STRESS_NG=0 bash "$TOP/scripts/initramfs.sh" "$run/initramfs.cpio.gz" "$run/extra"

fail=0
for variant in $variants; do
	[ "$variant" = x86_64 ] || bash "$TOP/scripts/build-kernel.sh" "$variant"
	passed=0
	for i in $(seq 1 "$boots"); do
		out=$run/$variant-$i
		rc=0
		PROGRESS=none bash "$TOP/scripts/boot.sh" \
			"$BUILD/obj/$variant/arch/x86/boot/bzImage" \
			"$run/initramfs.cpio.gz" "$out" extra > "$out.log" 2>&1 || rc=$?
		if [ "$rc" = 0 ]; then
			passed=$((passed + 1))
		else
			fail=1
		fi
		log "$variant boot $i: $(tail -n 1 "$out/verdict.txt" 2>/dev/null || echo "no verdict (exit $rc)")"
	done
	echo "$variant: $passed of $boots boots passed ($tests)" | tee -a "$run/summary.txt"
done
exit "$fail"
