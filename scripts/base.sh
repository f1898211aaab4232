#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The base tarball: $BASE_PKG from $BASE_SUITE through a private apt list
# (scripts/private-apt.sh), unpacked with dpkg-deb into build/base. Nothing
# in /etc/apt changes and nothing is installed. The preferred version, or,
# if the archive no longer has it, the newest there is, and the scripts
# say so. Prints nothing; build/base/version names what was taken.
. "$(dirname "$0")/lib.sh"

dir=$BUILD/base
[ -f "$BASE_TARBALL" ] && [ -s "$dir/version" ] && exit 0
mkdir -p "$dir"
cd "$dir"
rm -f ./*.deb
papt() { bash "$TOP/scripts/private-apt.sh" "$BASE_SUITE" "deb $BASE_SUITE" "$@"; }
log "fetching $BASE_PKG from $BASE_SUITE (private apt list under build/apt)"
if ! papt download "$BASE_PKG=$BASE_VERSION_PREFERRED" 2>/dev/null; then
	warn "$BASE_PKG $BASE_VERSION_PREFERRED is gone from $BASE_SUITE; taking the newest"
	papt download "$BASE_PKG" || die "cannot download $BASE_PKG from $BASE_SUITE"
fi
deb=$(ls ./*.deb)
v=$(dpkg-deb -f "$deb" Version)
# The package holds the tarball and a few docs: take the tarball alone.
dpkg-deb --fsys-tarfile "$deb" |
	tar -xO "./usr/src/$(basename "$BASE_TARBALL")" > "$BASE_TARBALL.tmp" ||
	die "no $(basename "$BASE_TARBALL") in $deb"
mv "$BASE_TARBALL.tmp" "$BASE_TARBALL"
rm -f "$deb"
echo "$v" > version
[ "$v" = "$BASE_VERSION_PREFERRED" ] ||
	warn "base is $BASE_PKG $v, not the preferred $BASE_VERSION_PREFERRED"
log "base: $BASE_PKG $v"
