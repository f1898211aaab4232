#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The "stress" collection: stress-ng's futex-related stressors, each for
# $STRESS_NG_SECONDS (default 15) with --verify, on 2 workers. One KTAP
# result per stressor; the bogo-op count is in the result's diagnostics.
#   futex    futex(2) FUTEX_WAIT/FUTEX_WAKE with timeouts, lost-wake checks
#   mutex    pthread mutexes (futex based, including PI where glibc uses it)
#   pthread  thread create/exit with condition variables (futex requeue)
#   sem      POSIX semaphores (futex based)
secs=${STRESS_NG_SECONDS:-15}
[ -f /etc/stress-ng.seconds ] && secs=$(cat /etc/stress-ng.seconds)
stressors="futex mutex pthread sem"
n=0 bad=0
echo "TAP version 13"
echo "1..$(echo $stressors | wc -w)"
cd /tmp || exit 1
for s in $stressors; do
	n=$((n + 1))
	out=/tmp/stress-ng.$s.log
	stress-ng --$s 2 --timeout "${secs}s" --verify --metrics-brief \
		--temp-path /tmp > "$out" 2>&1
	rc=$?
	ops=$(awk -v s="$s" '$4 == s && $5 ~ /^[0-9]+$/ { print $5; exit }' "$out")
	sed 's/^/# /' "$out"
	echo "# futex2-stress-ng: $s: ops=${ops:-0} seconds=$secs rc=$rc"
	if [ "$rc" = 0 ] && [ -n "$ops" ] && [ "$ops" -gt 0 ]; then
		echo "ok $n stress-ng $s"
	else
		echo "not ok $n stress-ng $s"
		bad=1
	fi
done
exit $bad
