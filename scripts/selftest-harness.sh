#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Show that the harness can fail: each failure class must give its own
# verdict and exit code. Uses the kernel already built (build/obj/x86_64).
# Prints one TAP line per scenario; exits 1 if any scenario is wrong.
. "$(dirname "$0")/lib.sh"

kernel=$BUILD/obj/x86_64/arch/x86/boot/bzImage
work=$BUILD/harness-selftest
src=$TOP/tests/harness
[ -f "$kernel" ] || die "no kernel at $kernel"
rm -rf "$work"
mkdir -p "$work"/{fail,badness,panic,hang}

gcc -static -O2 -Wall -I"$TREE/tools/testing/selftests" -o "$work/pass" "$src/pass.c"
cp "$work/pass" "$src/fail.sh" "$work/fail/"
cp "$work/pass" "$src/warn.sh" "$work/badness/"
cp "$src/crash.sh" "$work/panic/"
cp "$work/pass" "$work/hang/"

n=0 bad=0
# scenario  expected-exit  expected text in the verdict  [env...]
check() {
	local name=$1 want=$2 text=$3 rc=0
	shift 3
	n=$((n + 1))
	bash "$TOP/scripts/initramfs.sh" "$work/$name.cpio.gz" "$work/$name" 2>/dev/null
	env "$@" PROGRESS=none bash "$TOP/scripts/boot.sh" "$kernel" "$work/$name.cpio.gz" \
		"$work/$name.out" extra > "$work/$name.log" 2>&1 || rc=$?
	if [ "$rc" = "$want" ] && grep -q -- "$text" "$work/$name.log"; then
		echo "ok $n harness self-test: $name gives exit $want"
	else
		echo "not ok $n harness self-test: $name gives exit $want (got $rc)"
		sed 's/^/#   /' "$work/$name.log" | tail -n 30
		bad=1
	fi
}

echo "# harness self-test: four guests that must each fail in their own way"
check fail 1 'FAILED: extra/fail.sh: harness_selftest_failing_case'
check badness 2 'KERNEL BADNESS'
check panic 3 'kernel panic'
check hang 4 'timed out' GUEST_TIMEOUT=40 GUEST_APPEND=futex2.poweroff=0

# The benchmark's counting plugin counts: windows of 1000 and 3000
# getppid calls, three times the kernel instructions (scripts/profile.sh).
n=$((n + 1))
if bash "$TOP/scripts/profile.sh" --selftest > "$work/kinsn.log" 2>&1; then
	echo "ok $n harness self-test: the kinsn plugin counts ($(tail -n 1 "$work/kinsn.log"))"
else
	echo "not ok $n harness self-test: the kinsn plugin counts"
	sed 's/^/#   /' "$work/kinsn.log" | tail -n 30
	bad=1
fi
exit $bad
