#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run a benchmark plan (bench/*.plan) on the unpatched base kernel and on
# the patched kernel, with the same perf binary and the same guest, and
# print the medians side by side with their ratio.
# Usage: bench.sh PLAN [RUNS]     (RUNS defaults to 5)
# Results: build/results/bench-*/ (bench.csv: kernel,id,run,value,unit)
. "$(dirname "$0")/lib.sh"

plan=$(realpath "$1")
runs=${2:-5}
[ -f "$plan" ] || die "no plan $1"

bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/tree.sh"
bash "$TOP/scripts/build-kernel.sh" x86_64
bash "$TOP/scripts/build-selftests.sh" x86_64
if grep -q '^[^#]*[[:space:]]perf[[:space:]]' "$plan"; then
	bash "$TOP/scripts/build-perf.sh"
fi

# The benchmark programs of bench/, static, for the guest's /usr/bin
mkdir -p "$BUILD/bench-bin"
for c in "$TOP"/bench/*.c; do
	gcc -O2 -Wall -static -pthread -o "$BUILD/bench-bin/$(basename "$c" .c)" "$c" ||
		die "cannot build $c"
done

# The base kernel: the same configuration, built from the base commit in a
# worktree of its own.
src=$BUILD/base-src
if [ ! -e "$src/.git" ]; then
	tgit worktree prune
	tgit worktree add -q --detach "$src" base
fi
CCACHE_BASEDIR=$BUILD TREE=$src OBJ_DIR=$BUILD/obj/base \
	bash "$TOP/scripts/build-kernel.sh" x86_64

run=$RESULTS/bench-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
BENCH_PLAN=$plan BENCH_RUNS=$runs bash "$TOP/scripts/initramfs.sh" "$run/initramfs.cpio.gz"
for k in base patched; do
	obj=$BUILD/obj/x86_64
	[ $k = base ] && obj=$BUILD/obj/base
	log "benchmark on the $k kernel"
	PROGRESS=bench GUEST_TIMEOUT=${BENCH_TIMEOUT:-1500} bash "$TOP/scripts/boot.sh" \
		"$obj/arch/x86/boot/bzImage" "$run/initramfs.cpio.gz" "$run/$k" bench ||
		die "the $k kernel did not finish the benchmark (see $run/$k)"
done
# Debian's python3 has python3-matplotlib for the chart
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" "$TOP/scripts/bench-report.py" "$run" base patched | tee "$run/report.txt"
