#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job: build the patched kernel, the futex kselftests and a static
# perf, boot the guest, and show the tests and a short perf bench futex run.
. "$(dirname "$0")/lib.sh"

bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/tree.sh"
bash "$TOP/scripts/build-kernel.sh" x86_64
bash "$TOP/scripts/build-selftests.sh" x86_64
bash "$TOP/scripts/build-perf.sh"

obj=$BUILD/obj/x86_64
run=$RESULTS/demo-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
ln -sfn "$(basename "$run")" "$RESULTS/latest"
cp "$obj/.config" "$run/config"
bash "$TOP/scripts/initramfs.sh" "$run/initramfs.cpio.gz" "${EXTRA_TESTS:-}"
log "patched kernel: $(tgit log --oneline base..HEAD | wc -l) patch(es) on $(tgit log -1 --format=%s base)"
PROGRESS=all exec bash "$TOP/scripts/boot.sh" "$obj/arch/x86/boot/bzImage" \
	"$run/initramfs.cpio.gz" "$run" demo
