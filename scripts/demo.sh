#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job: build the patched kernel, the futex kselftests and a static
# perf, boot the guest and show the tests, then the perf bench futex
# comparison: futex(2) against futex2 at every size and with NUMA, private
# and shared, on the patched kernel, and futex(2) on the base kernel
# against the patched one (bench/futex2.plan, RUNS runs of each point).
. "$(dirname "$0")/lib.sh"

bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/tree.sh"
bash "$TOP/scripts/build-kernel.sh" x86_64
bash "$TOP/scripts/build-selftests.sh" x86_64

obj=$BUILD/obj/x86_64
run=$RESULTS/demo-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
ln -sfn "$(basename "$run")" "$RESULTS/latest"
cp "$obj/.config" "$run/config"
bash "$TOP/scripts/initramfs.sh" "$run/initramfs.cpio.gz" "${EXTRA_TESTS:-}"
log "patched kernel: $(tgit log --oneline base..HEAD | wc -l) patch(es) on $(tgit log -1 --format=%s base)"
log "1/2: the futex kselftests on the patched kernel"
verdict=0
bash "$TOP/scripts/boot.sh" "$obj/arch/x86/boot/bzImage" "$run/initramfs.cpio.gz" \
	"$run" check || verdict=$?

log "2/2: perf bench futex, futex(2) against futex2, base against patched"
bash "$TOP/scripts/bench.sh" "$TOP/bench/futex2.plan" "${RUNS:-5}"
exit "$verdict"
