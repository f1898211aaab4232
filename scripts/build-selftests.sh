#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the futex kselftests of the tree, statically, and install them the
# way run_kselftest.sh expects (build/kselftest/install).
# Usage: build-selftests.sh [VARIANT]   (uapi headers of build/obj/VARIANT)
#   OBJ_DIR    take the uapi headers from this kernel build instead
#   KSFT_OUT   build and install here instead of build/kselftest
. "$(dirname "$0")/lib.sh"

variant=${1:-x86_64}
obj=${OBJ_DIR:-$BUILD/obj/$variant}
out=${KSFT_OUT:-$BUILD/kselftest}
[ -d "$obj/usr/include" ] || die "no uapi headers in $obj (build the kernel first)"

rm -rf "$out/install"
mkdir -p "$out/build"
log "building the futex kselftests (static)"
make -s -C "$TREE/tools/testing/selftests" TARGETS=futex \
	O="$out/build" KHDR_INCLUDES="-isystem $obj/usr/include" \
	LDFLAGS=-static KSFT_INSTALL_PATH="$out/install" install >/dev/null
# Statically linked or nothing: the guest has no libc.
bad=$(find "$out/install" -type f -perm -u+x -exec file {} + |
      grep 'dynamically linked' | cut -d: -f1 || true)
[ -z "$bad" ] || die "not static: $bad"
log "kselftests: $(wc -l < "$out/install/kselftest-list.txt") program(s) listed in $out/install"
