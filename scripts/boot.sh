#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel and initramfs in QEMU (2 vCPUs, 2 NUMA nodes), stream the
# results channel while the guest runs, then give the verdict.
# Usage: boot.sh KERNEL INITRD OUTDIR MODE
#   MODE            check | extra | demo (guest/run-tests)
#   GUEST_TIMEOUT   seconds before the guest counts as hung (default 1500)
#   GUEST_APPEND    more kernel command line
#   QEMU_ACCEL      auto (default: KVM only if a probe boot works) | tcg | kvm
#   PROGRESS        results (default: result lines) | all | bench | none
#   ICOUNT          1: deterministic TCG, one guest instruction per virtual
#                   nanosecond (-icount shift=0): guest clocks count
#                   instructions, whatever the host's load
#   PLUGIN          a TCG plugin and its arguments (-plugin), implies TCG;
#                   its output goes to OUTDIR/plugin.log
# Exit: the verdict (scripts/verdict.py), or 10 for a harness error.
. "$(dirname "$0")/lib.sh"

kernel=$1 initrd=$2 out=$3 mode=$4
timeout_s=${GUEST_TIMEOUT:-1500}
mkdir -p "$out"
rm -f "$out"/{console.log,results.tap,qemu.rc,verdict.txt,counts.json,plugin.log}

qemu_cmd() {	# ACCEL KERNEL INITRD OUTDIR APPEND
	local cpu=max
	[ "$1" = kvm ] && cpu=qemu64
	# GUEST_CPUS=1: one vCPU, and node 1 has memory only
	local smp="-smp 2,sockets=2,cores=1,threads=1" cpus1=",cpus=1"
	[ "${GUEST_CPUS:-2}" = 1 ] && smp="-smp 1" cpus1=
	echo qemu-system-x86_64 -accel "$1" -machine pc -cpu "$cpu" $smp -m 1G \
		-object memory-backend-ram,id=m0,size=512M \
		-object memory-backend-ram,id=m1,size=512M \
		-numa node,nodeid=0,cpus=0,memdev=m0 \
		-numa node,nodeid=1$cpus1,memdev=m1 \
		-nodefaults -display none -vga none -monitor none -no-reboot \
		-serial "file:$4/console.log" -serial "file:$4/results.tap" \
		-kernel "$2" -initrd "$3"
	# With sleep=off an idle guest jumps to its next timer at once, so
	# that idle time is as deterministic as the instructions.
	[ "${ICOUNT:-0}" = 1 ] && echo -icount shift=0,sleep=off
	[ -z "${PLUGIN:-}" ] || echo -plugin "$PLUGIN" -d plugin -D "$4/plugin.log"
}

# KVM exists on these machines but guests hang: use it only when a short
# probe boot of this very kernel reaches userspace. The answer is kept.
pick_accel() {
	local want=${QEMU_ACCEL:-auto} cache=$BUILD/kvm-probe dir
	# Instruction counting is TCG's
	if [ "${ICOUNT:-0}" = 1 ] || [ -n "${PLUGIN:-}" ]; then echo tcg; return; fi
	[ "$want" = auto ] || { echo "$want"; return; }
	if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then echo tcg; return; fi
	# PVM (shadow paging, no VT-x/AMD-V) runs guest kernel code hundreds
	# of times slower than TCG: no probe needed to say no.
	if [ -d /sys/module/kvm_pvm ] || ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
		echo tcg; return
	fi
	if [ -f "$cache" ]; then cat "$cache"; return; fi
	dir=$(mktemp -d "$BUILD/kvm-probe.XXXXXX")
	mkdir -p "$dir/root/bin"
	cp /bin/busybox "$dir/root/bin/"
	printf '#!/bin/busybox sh\n/bin/busybox echo KVM-PROBE-OK > /dev/ttyS1\n/bin/busybox poweroff -f\n' \
		> "$dir/root/init"
	chmod +x "$dir/root/init"
	(cd "$dir/root" && find . | cpio -o -H newc --quiet) > "$dir/initrd"
	# shellcheck disable=SC2046
	timeout -k 2 10 $(qemu_cmd kvm "$kernel" "$dir/initrd" "$dir") \
		-append "console=ttyS0 panic=-1" >/dev/null 2>&1 || true
	if grep -q KVM-PROBE-OK "$dir/results.tap" 2>/dev/null; then
		echo kvm > "$cache"
	else
		echo tcg > "$cache"
	fi
	rm -rf "$dir"
	cat "$cache"
}

accel=$(pick_accel)
append="console=ttyS0 panic=-1 futex2.mode=$mode ${GUEST_APPEND:-}"
how=${accel^^}
[ "${ICOUNT:-0}" = 1 ] && how="$how -icount shift=0"
[ -z "${PLUGIN:-}" ] || how="$how with plugin $(basename "${PLUGIN%%,*}")"
log "booting $(basename "$kernel") under $how (mode $mode, timeout ${timeout_s}s); logs in $out"
echo "$(qemu_cmd "$accel" "$kernel" "$initrd" "$out") -append \"$append\"" > "$out/qemu.cmd"

: > "$out/results.tap"
# shellcheck disable=SC2046
timeout -k 5 "$timeout_s" $(qemu_cmd "$accel" "$kernel" "$initrd" "$out") \
	-append "$append" </dev/null >"$out/qemu.stderr" 2>&1 &
qpid=$!

case ${PROGRESS:-results} in
all)	tail -n +1 -s 0.5 -f --pid=$qpid "$out/results.tap" ;;
none)	;;
bench)	tail -n +1 -s 0.5 -f --pid=$qpid "$out/results.tap" |
		grep --line-buffered -E '^# (BENCH|bench:)' || true ;;
*)	tail -n +1 -s 0.5 -f --pid=$qpid "$out/results.tap" |
		grep --line-buffered -E '^(# )?(not )?ok [0-9]+|^# selftests:' || true ;;
esac
rc=0
wait $qpid || rc=$?
echo "$rc" > "$out/qemu.rc"
if [ "$rc" != 0 ] && [ "$rc" != 124 ] && ! [ -s "$out/console.log" ]; then
	cat "$out/qemu.stderr" >&2
	die "QEMU failed to start (exit $rc)"
fi
set +e
python3 "$TOP/scripts/verdict.py" "$out"
