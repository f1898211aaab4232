#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make the kernel tree: the base (scripts/base.sh) as a reproducible commit
# (tag "base"), then "git am" of the whole series (tag "applied").
#
# An existing tree is kept while it matches the repo's series, with or
# without commits of a developer on top. If the repo's series changed and
# the tree has no commits of its own, it is re-applied. FORCE=1 re-makes it.
. "$(dirname "$0")/lib.sh"

stamp=$TREE/.git/futex2-series

cover_description() {
	# Subject and body of the cover letter, as a branch description for
	# "git format-patch --cover-from-description=subject". The body ends
	# where format-patch's shortlog ("Name (N):") begins.
	local cl=$SERIES/0000-cover-letter.patch
	[ -f "$cl" ] || return 0
	python3 - "$cl" <<'PY'
import email, re, sys
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'))
subj = re.sub(r'\s+', ' ', str(msg['Subject']))
subj = re.sub(r'^\[[^]]*\]\s*', '', subj)
body = msg.get_payload(decode=True).decode()
lines = body.split('\n')
for i in range(len(lines) - 1):
    if re.match(r'^\S.* \(\d+\):$', lines[i]) and lines[i + 1].startswith('  '):
        lines = lines[:i]
        break
print(subj + '\n\n' + '\n'.join(lines).strip('\n'))
PY
}

apply_series() {
	local p n=0
	tgit reset -q --hard base
	tgit config branch.futex2.description "$(cover_description)"
	while read -r p; do
		[ -n "$p" ] || continue
		tgit am -q --keep-cr "$p" || {
			tgit am --abort || true
			die "git am failed on $(basename "$p")"
		}
		n=$((n + 1))
	done < <(series_patches)
	tgit tag -f applied >/dev/null
	series_hash > "$stamp"
	log "tree: base + $n patches at $TREE"
}

make_base() {
	local v up tmp
	bash "$TOP/scripts/base.sh"
	v=$(cat "$BUILD/base/version")
	tmp=$TREE.tmp
	rm -rf "$tmp" "$TREE"
	mkdir -p "$tmp"
	log "unpacking $BASE_TARBALL"
	tar -C "$tmp" --strip-components=1 --no-same-owner -xf "$BASE_TARBALL"
	up=$(make -s -C "$tmp" kernelversion)
	git -C "$tmp" init -q -b futex2
	log "base commit (Linux $up, $BASE_PKG $v)"
	# Debian's top-level .gitignore ignores the whole tree: add with -f.
	TREE=$tmp tgit add -f -A
	TREE=$tmp GIT_AUTHOR_DATE=$FIXED_DATE GIT_COMMITTER_DATE=$FIXED_DATE \
		GIT_COMMITTER_NAME=$FIXED_NAME GIT_COMMITTER_EMAIL=$FIXED_EMAIL \
		tgit commit -q --no-verify --no-gpg-sign \
		-m "Linux $up" -m "Unpacked from Debian's $BASE_PKG $v ($(basename "$BASE_TARBALL"))."
	TREE=$tmp tgit tag base
	# For the developer: let git see new files, without changing the
	# committed .gitignore.
	TREE=$tmp tgit update-index --skip-worktree .gitignore
	sed -i -e '/^\/\*$/d' -e '/^!\/debian\/$/d' "$tmp/.gitignore"
	mv "$tmp" "$TREE"
	log "base: $(tgit rev-parse base)"
}

if [ "${FORCE:-0}" = 1 ] || [ ! -d "$TREE/.git" ] ||
   ! tgit rev-parse -q --verify base >/dev/null; then
	make_base
	apply_series
	exit 0
fi

want=$(series_hash)
have=$(cat "$stamp" 2>/dev/null || true)
ahead=$(tgit rev-list --count applied..HEAD 2>/dev/null || echo 0)
dirty=$(tgit status --porcelain --untracked-files=no)
if [ "$want" = "$have" ]; then
	[ "$ahead" = 0 ] || log "tree: $ahead commit(s) not yet exported (make export)"
	[ -z "$dirty" ] || log "tree: uncommitted changes (they are built, not exported)"
	exit 0
fi
if [ "$ahead" = 0 ] && [ -z "$dirty" ]; then
	log "tree: the repo's series changed; re-applying it"
	apply_series
	exit 0
fi
die "the repo's series changed, and $TREE has its own commits or changes.
Export them first (make export) or throw them away (make tree FORCE=1)."
