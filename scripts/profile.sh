#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Where the kernel's instructions go in one syscall_floor call, base kernel
# against the series: both boot under -icount shift=0 with the kinsn plugin
# (bench/kinsn.c), which counts the kernel instructions of the timed loop
# only and where they went; System.map turns block addresses into symbols.
# Usage: profile.sh OP [N]         (OP: syscall_floor -l; N calls, 200000)
#        profile.sh --selftest     (the plugin counts: see below)
# Results: build/results/profile-OP-*/
. "$(dirname "$0")/lib.sh"

py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
mark=0x10000000		# bench_mark(), see bench-prepare.sh

# boot KERNEL_OBJ PLAN OUT [profile [warm-up]]
boot() {
	local img=$1/arch/x86/boot/bzImage
	STRESS_NG=0 BENCH_WARMUP=${5:-1} BENCH_PLAN=$2 BENCH_RUNS=1 bash "$TOP/scripts/initramfs.sh" "$3.cpio.gz"
	PLUGIN="$so,mark=$mark,profile=${4:-off}" ICOUNT=1 PROGRESS=bench GUEST_TIMEOUT=900 \
		bash "$TOP/scripts/boot.sh" "$img" "$3.cpio.gz" "$3" bench > "$3.log" 2>&1 ||
		{ cat "$3.log" >&2; die "the guest of $3 failed"; }
	rm -f "$3.cpio.gz"
}

if [ "${1:-}" = --selftest ]; then
	# The plugin must count what the guest does: getppid 1000 times and
	# 3000 times opens and closes windows, the second with three times
	# the kernel instructions of the first, and with user instructions.
	# A timer tick or a kworker that lands in a window adds tens of
	# thousands of instructions, and where it lands follows the host's
	# clock until the guest's first window: each size runs five times
	# and the fewest count (to 2%: the rest is the loop's edges).
	bash "$TOP/scripts/bench-prepare.sh" --no-base >&2
	so=$(bash "$TOP/scripts/kinsn.sh")
	out=$BUILD/kinsn/selftest
	rm -rf "$out"
	mkdir -p "$out"
	printf 'a x5 syscall_floor getppid 1000\nb x5 syscall_floor getppid 3000\n' > "$out/plan"
	boot "$BUILD/obj/x86_64" "$out/plan" "$out/guest" off 0
	awk '/^kinsn-window/ {
		n++; w = n <= 5 ? 1 : 2
		if (!(w in k) || $4 < k[w]) { k[w] = $4; u[w] = $6 }
	     }
	     END {
		if (n != 10) { print "windows: " n ", not 10"; exit 1 }
		r = k[2] / k[1]
		printf "fewest of 5, getppid x1000: kernel %d user %d; x3000: kernel %d user %d; ratio %.4f\n",
		       k[1], u[1], k[2], u[2], r
		if (r < 2.94 || r > 3.06 || u[1] <= 0 || k[1] < 1000 * 50) exit 1
	     }' "$out/guest/plugin.log"
	exit
fi

op=${1:?usage: profile.sh OP [N]}
n=${2:-200000}
bash "$TOP/scripts/bench-prepare.sh"
so=$(bash "$TOP/scripts/kinsn.sh")
"$BUILD/bench-bin/syscall_floor" -l | grep -qx -- "$op" || die "no op $op (syscall_floor -l)"
out=$RESULTS/profile-$op-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
echo "p syscall_floor $op $n" > "$out/plan"
boot "$BUILD/bench/obj/x86_64" "$out/plan" "$out/base" on
boot "$BUILD/obj/x86_64" "$out/plan" "$out/series" on
"$py" - "$out" "$n" "$BUILD/bench/obj/x86_64/System.map" "$BUILD/obj/x86_64/System.map" <<'PY' | tee "$out/report.txt"
import bisect, collections, sys
out, n = sys.argv[1], int(sys.argv[2])
def syms(path):
    s = []
    for line in open(path):
        a, t, name = line.split()[:3]
        if t in 'tTwW':
            s.append((int(a, 16), name))
    s.sort()
    return [a for a, _ in s], [b for _, b in s]
per = {}
for k, sm in (('base', sys.argv[3]), ('series', sys.argv[4])):
    addrs, names = syms(sm)
    c = collections.Counter()
    total, windows = None, 1
    for line in open(f'{out}/{k}/plugin.log'):
        f = line.split()
        if f[0] == 'kinsn-profile':
            a = int(f[1], 16)
            i = bisect.bisect_right(addrs, a) - 1
            c[names[i] if i >= 0 else '?'] += int(f[2])
        elif f[0] == 'kinsn-window':
            total = int(f[3]) / n, int(f[5]) / n
        elif f[0] == 'kinsn-total':
            windows = int(f[2])
    # guest/bench runs the point once more, unrecorded, first: the profile
    # holds every window; the totals are the last one's
    per[k] = (collections.Counter({s: v / windows for s, v in c.items()}), total)
print(f'kernel instructions per call of {sys.argv[0] and out.split("/")[-1]}, {n} calls')
for k in per:
    t = per[k][1]
    print(f'{k:>7}: kernel {t[0]:.1f}, user {t[1]:.1f}' if t else f'{k}: no window')
print(f'\n{"function":<36} {"base":>9} {"series":>9} {"diff":>9}')
names = set(per['base'][0]) | set(per['series'][0])
rows = [(per['series'][0][s] / n - per['base'][0][s] / n, s) for s in names]
rows.sort(key=lambda r: (-abs(r[0]), r[1]))
for d, s in rows:
    b, v = per['base'][0][s] / n, per['series'][0][s] / n
    if max(b, v) < 0.5:
        continue
    print(f'{s:<36} {b:>9.1f} {v:>9.1f} {d:>+9.1f}')
PY
