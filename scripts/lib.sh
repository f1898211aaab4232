# SPDX-License-Identifier: GPL-2.0
# Common settings for the futex2 harness scripts. Sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=${TREE:-$BUILD/linux}
SERIES=$TOP/series
RESULTS=${RESULTS:-$BUILD/results}
# Object paths relative to build/, so that a fresh clone hits the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$BUILD}
# On a miss, take the headers from the compiler's own dependency file
# (kbuild's -Wp,-MMD) instead of running the preprocessor a second time:
# a cold build costs 10-15% less CPU time this way.
export CCACHE_DEPEND=${CCACHE_DEPEND:-1}

# The base: mainline Linux 7.3 as Debian's trixie-backports ships it
# (linux-source-7.3), fetched through a private apt list (scripts/base.sh):
# nothing is installed system-wide. The preferred version is the one the
# series was written against; the newest 7.3 is used (and named) if the
# archive no longer has it.
BASE_PKG=linux-source-7.3
BASE_VERSION_PREFERRED=${BASE_VERSION_PREFERRED:-7.3.4-1~bpo13+1}
BASE_SUITE=trixie-backports
BASE_TARBALL=$BUILD/base/linux-source-7.3.tar.xz

# Fixed identity and dates: the base commit and the cover letter are the
# same bytes on every machine.
FIXED_NAME="futex2 developers"
FIXED_EMAIL="futex2-dev@example.org"
FIXED_DATE="2026-11-01T00:00:00+0000"	# any fixed date will do

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 10; }

# One job more than cores: make's serial steps leave a core idle otherwise.
jobs_n() { echo $(( $(nproc 2>/dev/null || echo 2) + 1 )); }

# git in the kernel tree, with settings that keep hashes machine-independent.
tgit() {
	git -C "$TREE" -c core.autocrlf=false -c core.fileMode=true \
		-c user.name="$FIXED_NAME" -c user.email="$FIXED_EMAIL" "$@"
}

# Hash of the series as committed in the repo (order file plus patches).
series_hash() {
	(cd "$SERIES" && cat series 2>/dev/null || true
	 find . -maxdepth 1 -name '*.patch' | LC_ALL=C sort | xargs -r cat) |
		sha1sum | cut -d' ' -f1
}

# The patches in order, one path a line (the cover letter is not a patch).
series_patches() {
	[ -f "$SERIES/series" ] || return 0
	sed -n -e '/^[[:space:]]*\(#\|$\)/d' -e "s|^|$SERIES/|p" "$SERIES/series"
}

# ccache's hits and misses so far, "HITS MISSES" (0 0 without ccache).
ccache_counts() {
	command -v ccache >/dev/null || { echo 0 0; return; }
	ccache --print-stats 2>/dev/null | awk '
		/^(direct|preprocessed)_cache_hit\t/ { h += $2 }
		/^cache_miss\t/ { m += $2 }
		END { print h + 0, m + 0 }'
}
