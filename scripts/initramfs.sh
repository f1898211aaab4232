#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Pack the guest: busybox-static, guest/, the installed kselftests, the
# extra test programs (a collection "extra" of their own), the project's
# own tests (a collection "project"), stress-ng (a collection "stress"),
# perf, and the
# benchmark plan $BENCH_PLAN ($BENCH_RUNS runs of each point; BENCH_WARMUP=0:
# no unrecorded first run).
# Usage: initramfs.sh OUTPUT.cpio.gz [EXTRA_TESTS_DIR]
#   KSFT_INSTALL   the installed kselftests (default build/kselftest/install)
. "$(dirname "$0")/lib.sh"

out=$1
extra=${2:-}
ksft=${KSFT_INSTALL:-$BUILD/kselftest/install}
root=$(mktemp -d "$BUILD/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

[ -d "$ksft" ] || die "no kselftests in $ksft"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,guest}
cp /bin/busybox "$root/bin/busybox"
file -L "$root/bin/busybox" | grep -q 'statically linked' ||
	die "/bin/busybox is not static (install busybox-static)"
cp "$TOP"/guest/* "$root/guest/"
cp "$TOP/guest/init" "$root/init"
cp -a "$ksft" "$root/kselftest"
# TCG is slow: give the whole futex run.sh time (run_kselftest.sh's
# default is 45 s for the collection).
echo "timeout=${FUTEX_TIMEOUT:-1200}" > "$root/kselftest/futex/settings"

if [ -n "$extra" ]; then
	[ -d "$extra" ] || die "EXTRA_TESTS=$extra is not a folder"
	mkdir -p "$root/kselftest/extra"
	n=0
	for t in "$extra"/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		if file -L "$t" | grep -q 'dynamically linked'; then
			die "extra test $t is dynamically linked; the guest has no libc"
		fi
		cp "$t" "$root/kselftest/extra/"
		echo "extra:$(basename "$t")" >> "$root/kselftest/kselftest-list.txt"
		n=$((n + 1))
	done
	[ $n -gt 0 ] || die "EXTRA_TESTS=$extra holds no executable file"
	echo "timeout=${EXTRA_TIMEOUT:-300}" > "$root/kselftest/extra/settings"
	log "extra tests: $n program(s) from $extra"
fi

# The project's own test programs (scripts/build-tests.sh) as a collection
# "project": the multi-process fuzzer, bounded by MPFUZZ_SECONDS (guest
# environment, futex2.env.MPFUZZ_SECONDS). PROJECT_TESTS=0 leaves them out.
if [ "${PROJECT_TESTS:-1}" = 1 ] && [ -x "$BUILD/tests-bin/mpfuzz" ]; then
	mkdir -p "$root/kselftest/project"
	cp "$BUILD"/tests-bin/* "$root/kselftest/project/"
	echo "project:mpfuzz" >> "$root/kselftest/kselftest-list.txt"
	echo "timeout=${PROJECT_TIMEOUT:-900}" > "$root/kselftest/project/settings"
fi
# stress-ng (Debian's, dynamically linked: it brings its libraries) as a
# collection "stress" of its own. STRESS_NG=0 leaves it out.
if [ "${STRESS_NG:-1}" = 1 ]; then
	sng=$(command -v stress-ng) || die "no stress-ng (install the stress-ng package)"
	mkdir -p "$root/kselftest/stress"
	cp "$sng" "$root/usr/bin/stress-ng"
	ldd "$sng" | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]+ \(/ { print $1 }' |
	while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
	cp "$TOP/guest/stress-ng.sh" "$root/kselftest/stress/"
	echo "${STRESS_NG_SECONDS:-15}" > "$root/etc/stress-ng.seconds"
	echo "stress:stress-ng.sh" >> "$root/kselftest/kselftest-list.txt"
	echo "timeout=$(( ${STRESS_NG_SECONDS:-15} * 8 + 120 ))" > "$root/kselftest/stress/settings"
fi

if [ -n "${BENCH_PLAN:-}" ]; then
	mkdir -p "$root/bench"
	grep -v '^[[:space:]]*\(#\|$\)' "$BENCH_PLAN" > "$root/bench/plan"
	echo "${BENCH_RUNS:-5}" > "$root/bench/runs"
	echo "${BENCH_WARMUP:-1}" > "$root/bench/warmup"
fi

# The benchmark programs of bench/*.c, if built (scripts/bench.sh)
if [ -d "$BUILD/bench-bin" ]; then
	cp "$BUILD"/bench-bin/* "$root/usr/bin/"
fi

if [ -x "$BUILD/perf/perf" ]; then
	cp "$BUILD/perf/perf" "$root/usr/bin/perf"
fi

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out"
