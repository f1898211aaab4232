#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test command: install what is missing, make the tree (base + series),
# build the kernel and the futex kselftests, boot the guest and run them
# (plus EXTRA_TESTS), then the harness self-test. Ends with the line
# "N passed, N failed[, N skipped]".
#   EXTRA_TESTS=dir       more static test programs to run in the guest
#   HARNESS_SELFTEST=0    leave out the harness self-test
# Exit: 0 when all passed; else the guest verdict (1 failed, 2 badness,
# 3 panic, 4 hang), 5 if only the harness self-test failed, 10 on error.
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/tree.sh"
bash "$TOP/scripts/build-kernel.sh" x86_64
bash "$TOP/scripts/build-selftests.sh" x86_64

obj=$BUILD/obj/x86_64
run=$RESULTS/check-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
ln -sfn "$(basename "$run")" "$RESULTS/latest"
cp "$obj/.config" "$run/config"
bash "$TOP/scripts/initramfs.sh" "$run/initramfs.cpio.gz" "${EXTRA_TESTS:-}"

verdict=0
bash "$TOP/scripts/boot.sh" "$obj/arch/x86/boot/bzImage" "$run/initramfs.cpio.gz" \
	"$run" check || verdict=$?
[ "$verdict" -lt 10 ] || exit "$verdict"
read -r p f s < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))
print(c["passed"], c["failed"], c["skipped"])' "$run/counts.json")
# A verdict other than "failed tests" (badness, panic, hang) counts as a
# failed case of its own, even when every test said ok.
[ "$verdict" = 0 ] || [ "$verdict" = 1 ] || f=$((f + 1))

rc=$verdict
if [ "${HARNESS_SELFTEST:-1}" = 1 ]; then
	bash "$TOP/scripts/selftest-harness.sh" | tee "$run/harness-selftest.tap" || true
	hp=$(grep -c '^ok ' "$run/harness-selftest.tap" || true)
	hf=$(grep -c '^not ok ' "$run/harness-selftest.tap" || true)
	p=$((p + hp)) f=$((f + hf))
	[ "$hf" = 0 ] || [ "$rc" != 0 ] || rc=5
fi

log "results in $run ($(( $(date +%s) - start )) s)"
line="$p passed, $f failed"
[ "$s" = 0 ] || line="$line, $s skipped"
echo "$line"
exit "$rc"
