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
# futex_numa_mpol runs its MPOL part only with libnuma 2.0.18 or later: a
# static one built from trixie's source (scripts/libnuma.sh). Without it
# that part skips, as on any machine with an older libnuma.
numa_cflags= numa_ldflags=
if numa=$(bash "$TOP/scripts/libnuma.sh"); then
	export PKG_CONFIG_PATH=$numa/lib/pkgconfig
	numa_cflags="-I$numa/include"
	numa_ldflags="-L$numa/lib"
else
	warn "no libnuma 2.0.18+: futex_numa_mpol's MPOL part will skip"
fi
# What they are built from, for hygiene.sh to see that it need not build
# them again: the selftests and uapi trees of a clean HEAD.
source_id() {	# TREE
	git -C "$1" diff --quiet HEAD -- tools/testing/selftests include/uapi \
		arch/x86/include/uapi 2>/dev/null &&
	git -C "$1" rev-parse HEAD:tools/testing/selftests HEAD:include/uapi \
		HEAD:arch/x86/include/uapi 2>/dev/null | tr '\n' ' '
}
rm -f "$out/source"
log "building the futex kselftests (static)"
# CFLAGS from the environment: the futex Makefile appends to it.
CFLAGS="$numa_cflags" make -s -C "$TREE/tools/testing/selftests" TARGETS=futex \
	O="$out/build" KHDR_INCLUDES="-isystem $obj/usr/include" \
	LDFLAGS="-static $numa_ldflags" KSFT_INSTALL_PATH="$out/install" install >/dev/null
# Statically linked or nothing: the guest has no libc.
bad=$(find "$out/install" -type f -perm -u+x -exec file {} + |
      grep 'dynamically linked' | cut -d: -f1 || true)
[ -z "$bad" ] || die "not static: $bad"
id=$(source_id "$TREE" || true)
[ -z "$id" ] || echo "$id$numa_cflags" > "$out/source"
log "kselftests: $(wc -l < "$out/install/kselftest-list.txt") program(s) listed in $out/install"
