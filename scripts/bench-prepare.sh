#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What the benchmarks boot: the patched kernel and its selftests, the
# unpatched base kernel with the same configuration, the static programs
# of bench/*.c, and perf if a plan runs it.
# Usage: bench-prepare.sh [--no-base] [PLAN...]
. "$(dirname "$0")/lib.sh"

base=1
[ "${1:-}" != --no-base ] || { base=0; shift; }
bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/tree.sh"
bash "$TOP/scripts/build-kernel.sh" x86_64
bash "$TOP/scripts/build-selftests.sh" x86_64
if [ $# -gt 0 ] && cat "$@" | grep -q '^[^#]*[[:space:]]perf[[:space:]]'; then
	bash "$TOP/scripts/build-perf.sh"
fi

# The benchmark programs of bench/, static, for the guest's /usr/bin.
# bench_mark() of syscall_floor gets an address of its own, where the
# counting plugin (bench/kinsn.c) can tell it from any other code.
mkdir -p "$BUILD/bench-bin"
for c in "$TOP"/bench/*.c; do
	[ "$(basename "$c")" != kinsn.c ] || continue
	gcc -O2 -Wall -static -pthread -Wl,--section-start=.bench_mark=0x10000000 \
		-o "$BUILD/bench-bin/$(basename "$c" .c)" "$c" || die "cannot build $c"
done

# The base kernel: the same configuration, built from the base commit in a
# worktree of its own. build/bench/{linux,obj/x86_64} lie where
# build/{linux,obj/x86_64} lie relative to each other, so that ccache
# (CCACHE_BASEDIR=build) sees the same relative paths and hits for every
# file the series does not change.
src=$BUILD/bench/linux
[ ! -e "$BUILD/base-src" ] || { rm -rf "$BUILD/base-src" "$BUILD/obj/base"; tgit worktree prune; }
[ $base = 1 ] || exit 0
if [ ! -e "$src/.git" ]; then
	tgit worktree prune
	tgit worktree add -q --detach "$src" base
else
	git -C "$src" checkout -q --detach "$(tgit rev-parse base)"
fi
TREE=$src OBJ_DIR=$BUILD/bench/obj/x86_64 bash "$TOP/scripts/build-kernel.sh" x86_64
