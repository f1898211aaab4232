#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The base kernel against the patched kernel, in one run: the same guest,
# the same perf binary and the same benchmark programs on both.
#
# Every point of PLAN runs under -icount shift=0, where one guest
# instruction is one virtual nanosecond: the figures are instructions per
# operation, and they repeat to a fraction of a percent whatever the
# host's load. Instructions cannot see cache misses, contention latency or
# NUMA distance, so the few contention points of WALL_PLAN also run under
# plain TCG, in wall time, and are reported as noisy.
#
# Usage: bench.sh [PLAN [RUNS]]
#   PLAN       bench/icount.plan by default; lines "ID [xRUNS] COMMAND"
#   RUNS       runs of a point without xRUNS (default 1: icount repeats)
#   WALL_PLAN  bench/wall.plan by default; empty for none
#   WALL_RUNS  runs of each wall-time point (default 3)
# Results: build/results/bench-*/ (bench.csv, report.txt, bench.png)
. "$(dirname "$0")/lib.sh"

plan=$(realpath "${1:-$TOP/bench/icount.plan}")
runs=${2:-1}
wall_plan=${WALL_PLAN-$TOP/bench/wall.plan}
[ -f "$plan" ] || die "no plan $plan"
[ -z "$wall_plan" ] || [ -f "$wall_plan" ] || die "no plan $wall_plan"

bash "$TOP/scripts/bench-prepare.sh" "$plan" ${wall_plan:+"$wall_plan"}

run=$RESULTS/bench-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
ln -sfn "$(basename "$run")" "$RESULTS/bench-latest"
{
	echo "base: $(tgit log -1 --format='%h %s' base)"
	echo "series: $(tgit log --oneline base..HEAD | wc -l) patch(es), head $(tgit log -1 --format='%h %s' HEAD)"
	echo "qemu: $(qemu-system-x86_64 --version | head -n 1)"
	echo "plan: $(basename "$plan"), runs $runs; wall plan: ${wall_plan:+$(basename "$wall_plan"), runs ${WALL_RUNS:-3}}"
} > "$run/about.txt"

# clock PLAN RUNS: boot both kernels on the plan
bench_boot() {
	local clock=$1 p=$2 r=$3 k img
	STRESS_NG=0 BENCH_PLAN=$p BENCH_RUNS=$r bash "$TOP/scripts/initramfs.sh" "$run/$clock.cpio.gz"
	for k in base series; do
		img=$BUILD/obj/x86_64/arch/x86/boot/bzImage
		[ $k = base ] && img=$BUILD/bench/obj/x86_64/arch/x86/boot/bzImage
		log "benchmark ($clock) on the $k kernel"
		ICOUNT=$([ "$clock" = icount ] && echo 1 || echo 0) PROGRESS=bench \
		GUEST_TIMEOUT=${BENCH_TIMEOUT:-1500} bash "$TOP/scripts/boot.sh" \
			"$img" "$run/$clock.cpio.gz" "$run/$clock/$k" bench ||
			die "the $k kernel did not finish the benchmark (see $run/$clock/$k)"
	done
	rm -f "$run/$clock.cpio.gz"
}
bench_boot icount "$plan" "$runs"
[ -z "$wall_plan" ] || bench_boot wall "$wall_plan" "${WALL_RUNS:-3}"

# Debian's python3 has python3-matplotlib for the chart
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" "$TOP/scripts/bench-report.py" "$run" | tee "$run/report.txt"
