#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the project's own test programs (tests/*/build.sh), statically,
# against the uapi headers of the test kernel, into build/tests-bin. The
# guest runs them as a kselftest collection "project" of their own
# (scripts/initramfs.sh).
# Usage: build-tests.sh [VARIANT]
. "$(dirname "$0")/lib.sh"

variant=${1:-x86_64}
hdrs=$BUILD/obj/$variant/usr/include
[ -d "$hdrs" ] || die "no uapi headers in $hdrs (build the kernel first)"
out=$BUILD/tests-bin
rm -rf "$out"
mkdir -p "$out"
for b in "$TOP"/tests/*/build.sh; do
	[ -f "$b" ] || continue
	HDRS=$hdrs sh "$b" "$out" || die "cannot build $(dirname "$b")"
done
bad=$(find "$out" -type f -perm -u+x -exec file {} + |
      grep 'dynamically linked' | cut -d: -f1 || true)
[ -z "$bad" ] || die "not static: $bad"
log "project tests: $(ls "$out" | tr '\n' ' ')"
