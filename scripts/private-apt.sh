#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# apt-get against a private package list under build/, for packages of
# other suites or source packages, without touching /etc/apt and without
# installing anything: "download" and "source --download-only" only.
# The mirror is the one the machine's own apt sources name.
# Usage: private-apt.sh NAME 'TYPE SUITE...' APT-GET-ARGS...
#   e.g. private-apt.sh trixie 'deb trixie-backports' download linux-source-7.3
#   NAME     the list's folder, build/apt/NAME; the update is kept a day
#   Runs apt-get in the current folder (where downloads land).
. "$(dirname "$0")/lib.sh"

name=$1 spec=$2
shift 2
dir=$BUILD/apt/$name
mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"

# The machine's mirror, from deb822 .sources or one-line .list files
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	 awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }')
[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	 awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }')
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
mirror=${mirror%/}

read -r -a words <<< "$spec"
type=${words[0]}
: > "$dir/sources.list.new"
for suite in "${words[@]:1}"; do
	case "$suite" in
	*-security) echo "$type ${mirror%/debian}/debian-security $suite main" ;;
	*) echo "$type $mirror $suite main" ;;
	esac >> "$dir/sources.list.new"
done
fresh=0
if cmp -s "$dir/sources.list.new" "$dir/sources.list" &&
   [ -n "$(find "$dir/updated" -mmin -1440 2>/dev/null)" ]; then
	fresh=1
fi
mv "$dir/sources.list.new" "$dir/sources.list"

o=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
   -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
   -o APT::Sandbox::User=root)
if [ $fresh = 0 ]; then
	apt-get "${o[@]}" update -qq >/dev/null || die "apt-get update of $dir/sources.list failed"
	touch "$dir/updated"
fi
apt-get "${o[@]}" -qq "$@"
