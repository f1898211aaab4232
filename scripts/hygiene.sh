#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Series hygiene, the checks a maintainer and the build bots run. One TAP
# line per check; exit 1 if any failed.
#   checkpatch  scripts/checkpatch.pl --strict on every patch of series/
#   matrix      every patch builds on its own. The base itself is built
#               first, so that a broken configuration is not blamed on a
#               patch. Two sizes (MATRIX):
#                 quick  (make check) every commit of base..HEAD that touches
#                        the kernel is built (the image) in x86_64; at HEAD,
#                        x86_64-nonuma and i386 build the objects the series
#                        touches (the changed .c files and every object that
#                        includes a changed header, after "make prepare");
#                        the futex selftests and perf are built at HEAD
#                 full   (make check-full, make matrix) every such commit is
#                        built in every variant, and the futex selftests or
#                        perf at every commit that touches them
#   lint        sparse (C=2) and W=1 on the futex files, and kernel-doc
#               on every kernel file the series touches: no warning that
#               the base does not have
#   docs        make htmldocs for Documentation/locking: no new warnings
# The builds run in a worktree of their own (build/matrix/linux, objects in
# build/matrix/obj/VARIANT), so that the developer's tree is left alone. Its
# paths relative to its objects are those of build/linux and build/obj, so
# that ccache (CCACHE_BASEDIR=build) serves the one from the other.
# Usage: hygiene.sh            (HYGIENE="checkpatch matrix lint docs")
#   HYGIENE     the checks to run
#   MATRIX      quick (default) | full
#   VARIANTS    kernel variants (quick: x86_64 x86_64-nonuma i386; full: also
#               x86_64-nosmp and arm64)
. "$(dirname "$0")/lib.sh"

checks=${HYGIENE:-checkpatch matrix lint docs}
size=${MATRIX:-quick}
case "$size" in quick|full) ;; *) die "MATRIX=$size: quick or full" ;; esac
# make check (quick) builds the objects at HEAD in the variants closest to
# the futex code, no NUMA and 32 bits; the full matrix adds no SMP and
# arm64, to keep a cold make check within the hour.
if [ "$size" = full ]; then
	read -r -a variants <<< "${VARIANTS:-x86_64 x86_64-nonuma x86_64-nosmp i386 arm64}"
else
	read -r -a variants <<< "${VARIANTS:-x86_64 x86_64-nonuma i386}"
fi
src=$BUILD/matrix/linux
mobj=$BUILD/matrix/obj
logs=$BUILD/matrix/logs
lint=$BUILD/matrix/lint
rm -rf "$logs" "$lint"
mkdir -p "$logs" "$lint"
# Objects of the two trees are the same: let ccache see that (lib.sh sets
# CCACHE_BASEDIR=build, and the layouts match; see above).

has() { [[ " $checks " == *" $1 "* ]]; }

n=0 bad=0
t0=$(date +%s)
result() {	# OK|FAIL DESCRIPTION [LOG]
	local t=$(( $(date +%s) - t0 ))
	n=$((n + 1)) t0=$(date +%s)
	if [ "$1" = OK ]; then
		echo "ok $n $2 ($t s)"
	else
		echo "not ok $n $2 ($t s)"
		[ -z "${3:-}" ] || tail -n 25 "$3" | sed 's/^/# /'
		bad=1
	fi
}

# A check that passed is remembered by everything that decides it, so that
# the next run (a warm one, after an edit to one patch) does not repeat it:
# for checkpatch the patch and checkpatch's own files, for a kernel build
# the commit's tree, the configuration fragments, the build script and the
# compilers. "make clean" forgets them all.
passed=$BUILD/matrix/passed
mkdir -p "$passed"
inputs=$({ cat "$TOP"/config/*.config "$TOP/scripts/build-kernel.sh"
	   gcc --version; aarch64-linux-gnu-gcc --version 2>/dev/null || true; } |
	 sha1sum | cut -c1-16)
cp_inputs=$(cd "$TREE/scripts" && cat checkpatch.pl spelling.txt const_structs.checkpatch \
	    2>/dev/null | sha1sum | cut -c1-16)
before=" (passed before)"

# --- checkpatch -------------------------------------------------------------
if has checkpatch; then
	mapfile -t patches < <(series_patches)
	todo=()
	for p in "${patches[@]}"; do
		k=$passed/checkpatch-$(sha1sum < "$p" | cut -c1-16)-$cp_inputs
		[ -e "$k" ] || todo+=("$p")
	done
	# One checkpatch a core; the verdicts come in series order below.
	# Debian's python3 for spdxcheck.py (python3-git, python3-ply).
	# Two checks are left out. The tree is Debian's tarball with no
	# history, so the commits that Fixes: tags name are unknown to it
	# (UNKNOWN_COMMIT_ID). And FILE_PATH_CHANGES asks for a MAINTAINERS
	# line for each new file, where the FUTEX entry already covers
	# tools/testing/selftests/futex/ and Documentation/locking/*futex*:
	# per-file lines there are redundant (review-v5 S5).
	printf '%s\n' "${todo[@]}" | (cd "$TREE" && PATH=/usr/bin:$PATH \
		xargs -r -P "$(jobs_n)" -I{} sh -c 'l=$1/checkpatch-$(basename "$2" .patch).log
			perl scripts/checkpatch.pl --strict -q --ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$2" > "$l" 2>&1 || echo "exit $?" >> "$l"' \
			sh "$logs" {})
	for p in "${patches[@]}"; do
		l=$logs/checkpatch-$(basename "$p" .patch).log
		k=$passed/checkpatch-$(sha1sum < "$p" | cut -c1-16)-$cp_inputs
		if [ -e "$k" ]; then
			result OK "checkpatch --strict $(basename "$p")$before"
		elif ! [ -s "$l" ]; then
			touch "$k"
			result OK "checkpatch --strict $(basename "$p")"
		else
			result FAIL "checkpatch --strict $(basename "$p")" "$l"
		fi
	done
fi

has matrix || has lint || has docs || { echo "1..$n"; exit $bad; }

# The worktree of earlier harness versions.
[ ! -e "$BUILD/matrix/src" ] || rm -rf "$BUILD/matrix/src" "$BUILD"/obj/matrix-*
if [ ! -e "$src/.git" ]; then
	tgit worktree prune
	tgit worktree add -q --detach "$src" HEAD
fi
mapfile -t commits < <(tgit rev-list --reverse base..HEAD)
# The kernel files the series changes (the lint checks look at these).
mapfile -t kfiles < <(tgit diff --name-only base..HEAD -- '*.[ch]' ':!tools' ':!Documentation' ':!scripts')

# The base build of each variant makes its .config; the patches reuse it.
build() {	# VARIANT LOG [REUSE]
	TREE=$src OBJ_DIR=$mobj/$1 KCONFIG_REUSE=${3:-0} IMAGE=vmlinux HEADERS=0 \
		bash "$TOP/scripts/build-kernel.sh" "$1" > "$2" 2>&1
}

# build, unless this very tree passed before in this variant (see $passed).
# The object folder need not follow: the next real build is incremental
# from whatever state it is in. Sets $note to say which it was.
build_tree() {	# VARIANT LOG [REUSE]
	local k
	k=$passed/$1-$(git -C "$src" rev-parse 'HEAD^{tree}' | cut -c1-16)-$inputs
	note=
	if [ -e "$k" ]; then
		note=$before
		echo "passed before: $k" > "$2"
		return 0
	fi
	build "$@" && touch "$k"
}

# What the series touches, as objects: the .o of every changed .c file and
# of every object whose dependencies (the .cmd files of the x86_64 build at
# HEAD) name a changed file. Objects of other architectures are left out.
touched_objects() {	# VARIANT
	local arch=x86 f o
	[ "$1" != arm64 ] || arch=arm64
	{
		for f in "${kfiles[@]}"; do
			[[ $f != *.c ]] || [ ! -f "$src/$f" ] || echo "${f%.c}.o"
		done
		(cd "$mobj/x86_64" && grep -lsF -f <(printf '/%s\n' "${kfiles[@]}") \
			-r --include='.*.o.cmd' . || true) |
		while read -r f; do
			f=${f#./} o=$(basename "$f" .cmd)
			o=$(dirname "$f")/${o#.}
			o=${o#./}
			[ ! -f "$src/${o%.o}.c" ] || echo "$o"
		done
	} | awk -v a="arch/$arch/" '!/^arch\// || index($0, a) == 1' | LC_ALL=C sort -u
}

# The warnings of gcc W=1 (cc), sparse and kernel-doc on the files of
# $kfiles (and all of kernel/futex/) that exist at the checked-out commit,
# one file per tool, without file names and line numbers: code moves
# between files in this series.
lint_warnings() {	# PREFIX
	local obj=$mobj/x86_64 f objs=() docs=()
	for f in "${kfiles[@]}" $(cd "$src" && ls kernel/futex/*.c); do
		[ -f "$src/$f" ] || continue
		[[ " ${docs[*]} " == *" $f "* ]] && continue
		docs+=("$f")
		[[ $f == *.c ]] && objs+=("${f%.c}.o")
	done
	make -C "$src" O="$obj" -j"$(jobs_n)" CC="ccache gcc" HOSTCC="ccache gcc" C=2 W=1 "${objs[@]}" \
		> "$1.log" 2>&1 || true
	(cd "$src" && PATH=/usr/bin:$PATH perl scripts/kernel-doc -none -Wall "${docs[@]}") \
		> "$1.kdoc.log" 2>&1 || true
	strip() { sed -E -e "s|$src/||g" -e 's|^[^ ]*:[0-9]+(:[0-9]+)?: ||' | LC_ALL=C sort -u; }
	grep -E ': (warning|error):.*\[-W' "$1.log" | strip > "$1-cc.txt" || true
	grep -E ': (warning|error):' "$1.log" | grep -v '\[-W' | strip > "$1-sparse.txt" || true
	grep -E 'warning|error' "$1.kdoc.log" | strip > "$1-kernel-doc.txt" || true
}

# Warnings of make htmldocs for Documentation/locking, without line numbers.
doc_warnings() {	# OUT LOG
	make -C "$src" O="$BUILD/obj/docs" SPHINXDIRS=locking SPHINXOPTS=-E \
		PYTHON3=/usr/bin/python3 SPHINXBUILD=/usr/bin/sphinx-build htmldocs > "$2" 2>&1 || return 1
	{ grep -E 'WARNING|ERROR' "$2" || true; } | { grep -v 'dot(1) not found' || true; } |
		sed -E -e "s|$src/||g" -e 's|:[0-9]+:|:|' | LC_ALL=C sort -u > "$1"
}

new_warnings() {	# WHAT BASE HEAD
	local l
	l=$lint/new-$(tr -c "A-Za-z0-9\n" _ <<< "$1" | head -c 40).txt
	LC_ALL=C comm -13 "$2" "$3" > "$l"
	if [ -s "$l" ]; then
		result FAIL "$1: $(wc -l < "$l") new warning(s)" "$l"
	else
		result OK "$1: no new warnings ($(wc -l < "$3") at HEAD, all in the base too)"
	fi
}

build_selftests() {	# WHAT LOG
	if KBUILD_OBJS=headers_install build x86_64 "$2" 1 &&
	   TREE=$src OBJ_DIR=$mobj/x86_64 KSFT_OUT=$BUILD/matrix/kselftest \
	   bash "$TOP/scripts/build-selftests.sh" >> "$2" 2>&1; then
		result OK "build futex selftests $1"
	else
		result FAIL "build futex selftests $1" "$2"
	fi
}

# Did build-selftests.sh (the setup of make check) build the futex
# selftests from the same sources as TREE's HEAD? Then they build there.
selftests_built_from() {	# TREE
	local id
	id=$(git -C "$1" rev-parse HEAD:tools/testing/selftests HEAD:include/uapi \
		HEAD:arch/x86/include/uapi 2>/dev/null | tr '\n' ' ') || return 1
	[ -n "$id" ] && [ -f "$BUILD/kselftest/source" ] || return 1
	case "$(cat "$BUILD/kselftest/source")" in
	"$id"*) return 0 ;;
	esac
	return 1
}

build_perf() {	# WHAT LOG
	if TREE=$src PERF_OUT=$BUILD/matrix/perf bash "$TOP/scripts/build-perf.sh" > "$2" 2>&1; then
		result OK "build perf $1"
	else
		result FAIL "build perf $1" "$2"
	fi
}

# --- the base ---------------------------------------------------------------
git -C "$src" checkout -q --detach base
if has matrix || has lint; then
	for v in "${variants[@]}"; do
		{ has matrix && [ "$size" = full ]; } || [ "$v" = x86_64 ] || continue
		l=$logs/$v-00-base.log
		if build_tree "$v" "$l"; then
			result OK "build $v base$note"
		else
			result FAIL "build $v base" "$l"
		fi
	done
fi
has lint && lint_warnings "$lint/base"
has docs && { doc_warnings "$lint/docs-base.txt" "$logs/docs-base.log" || true; }

# --- every patch ------------------------------------------------------------
if has matrix; then
	i=0
	for c in "${commits[@]}"; do
		i=$((i + 1))
		subj=$(tgit log -1 --format=%s "$c")
		git -C "$src" checkout -q --detach "$c"
		files=$(tgit diff-tree --no-commit-id --name-only -r "$c")
		if grep -qvE '^(Documentation/|tools/|MAINTAINERS$)' <<< "$files"; then
			for v in "${variants[@]}"; do
				[ "$size" = full ] || [ "$v" = x86_64 ] || continue
				l=$logs/$v-$(printf %02d $i).log
				if build_tree "$v" "$l" 1; then
					result OK "build $v patch $i: $subj$note"
				else
					result FAIL "build $v patch $i: $subj" "$l"
				fi
			done
		fi
		[ "$size" = full ] || continue
		if grep -q '^tools/testing/selftests/futex/' <<< "$files"; then
			build_selftests "patch $i: $subj" "$logs/selftests-$(printf %02d $i).log"
		fi
		if grep -q '^tools/perf/' <<< "$files"; then
			build_perf "patch $i: $subj" "$logs/perf-$(printf %02d $i).log"
		fi
	done
fi

# --- HEAD -------------------------------------------------------------------
git -C "$src" checkout -q --detach "$(tgit rev-parse HEAD)"
if has matrix && [ "$size" = quick ]; then
	# The x86_64 objects at HEAD name the objects the series touches.
	l=$logs/x86_64-head.log
	build x86_64 "$l" 1 || result FAIL "build x86_64 HEAD" "$l"
	for v in "${variants[@]}"; do
		[ "$v" != x86_64 ] || continue
		l=$logs/$v-head.log
		objs=$(touched_objects "$v" | tr '\n' ' ')
		if [ -z "$objs" ]; then
			result OK "build $v HEAD: no kernel object touched # SKIP"
		elif KBUILD_OBJS=$objs build "$v" "$l"; then
			result OK "build $v HEAD: the $(wc -w <<< "$objs") objects the series touches"
		else
			result FAIL "build $v HEAD: the $(wc -w <<< "$objs") objects the series touches" "$l"
		fi
	done
	if git -C "$src" diff --quiet base HEAD -- tools/testing/selftests/futex; then
		:
	elif selftests_built_from "$src"; then
		result OK "build futex selftests HEAD (built from these sources by the setup)"
	else
		build_selftests "HEAD" "$logs/selftests-head.log"
	fi
	if ! git -C "$src" diff --quiet base HEAD -- tools/perf; then
		build_perf "HEAD" "$logs/perf-head.log"
	fi
fi
if has lint; then
	if ! has matrix; then
		l=$logs/x86_64-head.log
		build x86_64 "$l" || result FAIL "build x86_64 HEAD" "$l"
	fi
	lint_warnings "$lint/head"
	new_warnings "sparse (C=2) on the futex files" "$lint/base-sparse.txt" "$lint/head-sparse.txt"
	new_warnings "W=1 on the futex files" "$lint/base-cc.txt" "$lint/head-cc.txt"
	new_warnings "kernel-doc on the changed files" "$lint/base-kernel-doc.txt" "$lint/head-kernel-doc.txt"
fi
if has docs; then
	l=$logs/docs-head.log
	if doc_warnings "$lint/docs-head.txt" "$l"; then
		new_warnings "htmldocs Documentation/locking" "$lint/docs-base.txt" "$lint/docs-head.txt"
	else
		result FAIL "htmldocs Documentation/locking: make failed" "$l"
	fi
fi

echo "1..$n"
exit $bad
