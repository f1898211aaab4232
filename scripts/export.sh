#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Export the kernel tree's commits (base..HEAD) back into the repo's series:
# numbered format-patch files, a cover letter from the branch description
# (git branch --edit-description in the tree), and series/series for the
# order. The output depends only on the commits: an unchanged tree gives
# the same bytes.
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE (make tree)"
[ -z "$(tgit status --porcelain --untracked-files=no)" ] ||
	die "the kernel tree has uncommitted changes; commit them first"
[ "$(tgit symbolic-ref --short HEAD)" = futex2 ] ||
	die "the kernel tree is not on branch futex2"

n=$(tgit rev-list --count base..HEAD)
find "$SERIES" -maxdepth 1 -name '*.patch' -delete
if [ "$n" -gt 0 ]; then
	[ -n "$(tgit config branch.futex2.description || true)" ] ||
		warn "no cover letter text: run 'git branch --edit-description' in $TREE"
	# No user or system git config: nothing but the commits shapes the output.
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null \
	GIT_COMMITTER_NAME=$FIXED_NAME GIT_COMMITTER_EMAIL=$FIXED_EMAIL \
	GIT_COMMITTER_DATE=$FIXED_DATE \
		tgit -c core.abbrev=12 -c diff.renames=true format-patch -q \
		--zero-commit --no-signature --cover-letter \
		--cover-from-description=subject --base=base \
		-o "$SERIES" base..HEAD
fi
{
	echo '# The patches in order (the numbering gives the same order).'
	find "$SERIES" -maxdepth 1 -name '[0-9]*.patch' ! -name '0000-cover-letter.patch' \
		-printf '%f\n' | LC_ALL=C sort
} > "$SERIES/series"
tgit tag -f applied >/dev/null
series_hash > "$TREE/.git/futex2-series"
log "exported $n patch(es) to $SERIES"
log "before this version goes out: make check-full (every patch in every variant), and say in the cover letter that it passed"
git -C "$TOP" status --short -- series
