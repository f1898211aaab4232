#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build every patch of the series on its own (each commit of base..HEAD of
# the tree), for each kernel variant, in a worktree of its own so that the
# developer's tree is left alone. Prints a TAP line per build.
# Usage: build-matrix.sh [VARIANT...]  (default: x86_64 x86_64-nonuma
#                                       x86_64-nosmp i386)
. "$(dirname "$0")/lib.sh"

variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(x86_64 x86_64-nonuma x86_64-nosmp i386)
src=$BUILD/matrix/src
logs=$BUILD/matrix/logs
mkdir -p "$logs"
if [ ! -e "$src/.git" ]; then
	tgit worktree prune
	tgit worktree add -q --detach "$src" HEAD
fi
# Objects of the two trees are the same: let ccache see that.
export CCACHE_BASEDIR=$BUILD

mapfile -t commits < <(tgit rev-list --reverse base..HEAD)
[ ${#commits[@]} -gt 0 ] || { echo "1..0 # SKIP empty series"; exit 0; }
echo "1..$(( ${#commits[@]} * ${#variants[@]} ))"
n=0 bad=0
for v in "${variants[@]}"; do
	i=0
	for c in "${commits[@]}"; do
		i=$((i + 1)) n=$((n + 1))
		subj=$(tgit log -1 --format=%s "$c")
		git -C "$src" checkout -q --detach "$c"
		log=$logs/$v-$(printf %02d $i).log
		if TREE=$src OBJ_DIR=$BUILD/obj/matrix-$v \
		   bash "$TOP/scripts/build-kernel.sh" "$v" > "$log" 2>&1; then
			echo "ok $n build $v patch $i: $subj"
		else
			echo "not ok $n build $v patch $i: $subj"
			tail -n 20 "$log" | sed 's/^/# /'
			bad=1
		fi
	done
done
exit $bad
