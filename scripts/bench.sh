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
#   PLAN       bench/icount.plan by default; lines
#              "ID [xRUNS[+WARM]] [cpus=1] COMMAND" (WARM: runs not recorded)
#              (cpus=1: the point runs in a guest with one vCPU, booted
#              after the others; see bench/icount.plan)
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

# clock PLAN RUNS [CPUS]: boot both kernels on the plan (results in
# $run/clock/, or $run/clock-1cpu/ for a one-vCPU guest)
bench_boot() {
	local clock=$1 p=$2 r=$3 cpus=${4:-2} k img dir=$1
	[ "$cpus" = 1 ] && dir=$clock-1cpu
	STRESS_NG=0 BENCH_PLAN=$p BENCH_RUNS=$r bash "$TOP/scripts/initramfs.sh" "$run/$dir.cpio.gz"
	for k in base series; do
		img=$BUILD/obj/x86_64/arch/x86/boot/bzImage
		[ $k = base ] && img=$BUILD/bench/obj/x86_64/arch/x86/boot/bzImage
		log "benchmark ($dir) on the $k kernel"
		ICOUNT=$([ "$clock" = icount ] && echo 1 || echo 0) PROGRESS=bench \
		GUEST_CPUS=$cpus GUEST_TIMEOUT=${BENCH_TIMEOUT:-1500} bash "$TOP/scripts/boot.sh" \
			"$img" "$run/$dir.cpio.gz" "$run/$dir/$k" bench ||
			die "the $k kernel did not finish the benchmark (see $run/$dir/$k)"
	done
	rm -f "$run/$dir.cpio.gz"
}
# The points marked cpus=1 go to a guest of their own, with one vCPU
: > "$run/icount.plan"
: > "$run/icount-1cpu.plan"
awk '$1 !~ /^#/ && ($2 == "cpus=1" || ($2 ~ /^x[0-9]+(\+[0-9]+)?$/ && $3 == "cpus=1")) {
	for (i = 2; i <= NF; i++) if ($i == "cpus=1") { $i = ""; break }
	gsub(/  +/, " "); print > one; next } { print > two }' \
	one="$run/icount-1cpu.plan" two="$run/icount.plan" "$plan"
points() { grep -q '^[[:space:]]*[^#[:space:]]' "$1"; }
! points "$run/icount.plan" || bench_boot icount "$run/icount.plan" "$runs"
! points "$run/icount-1cpu.plan" || bench_boot icount "$run/icount-1cpu.plan" "$runs" 1
[ -z "$wall_plan" ] || bench_boot wall "$wall_plan" "${WALL_RUNS:-3}"

# Debian's python3 has python3-matplotlib for the chart
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" "$TOP/scripts/bench-report.py" "$run" | tee "$run/report.txt"
