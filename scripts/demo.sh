#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job: build the patched kernel, the futex kselftests and a static
# perf, boot the guest and show the tests, then the benchmark
# (scripts/bench.sh): the base kernel and the patched kernel in one run,
# in instructions per operation under -icount shift=0 (bench/icount.plan:
# the syscall floor, perf bench futex with futex(2) and futex2 at every
# size and with NUMA, private and shared, robust exit), the targets, a CSV
# and a PNG chart, and a small wall-clock table of contention points.
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

log "2/2: the benchmark, base against patched, in instructions per operation"
bash "$TOP/scripts/bench.sh" "$TOP/bench/icount.plan" "${RUNS:-1}"
exit "$verdict"
