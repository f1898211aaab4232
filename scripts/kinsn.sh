#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the kinsn TCG plugin (bench/kinsn.c) against qemu-plugin.h from the
# Debian source package of the installed QEMU, the very version: QEMU
# refuses a plugin built for another plugin API. The source comes through
# a private apt list (scripts/private-apt.sh); only the header is kept.
# Prints the plugin's path.
. "$(dirname "$0")/lib.sh"

so=$BUILD/kinsn/kinsn.so
hdr=$BUILD/kinsn/include/qemu-plugin.h
ver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not installed"
mkdir -p "$BUILD/kinsn/include"
if ! [ -f "$hdr" ] || [ "$(cat "$BUILD/kinsn/version" 2>/dev/null)" != "$ver" ]; then
	log "qemu-plugin.h from the Debian source of qemu $ver" >&2
	tmp=$(mktemp -d "$BUILD/kinsn/src.XXXXXX")
	(cd "$tmp" && bash "$TOP/scripts/private-apt.sh" deb-src \
		'deb-src bookworm bookworm-updates bookworm-security' \
		source --download-only "qemu=$ver" >/dev/null) ||
		die "cannot fetch the source of qemu $ver"
	orig=$(ls "$tmp"/qemu_*.orig.tar.* | head -n 1)
	tar -xf "$orig" -C "$tmp" --wildcards '*/include/qemu/qemu-plugin.h' ||
		die "no qemu-plugin.h in $orig"
	mv "$tmp"/*/include/qemu/qemu-plugin.h "$hdr"
	rm -rf "$tmp"
	echo "$ver" > "$BUILD/kinsn/version"
fi
if ! [ "$so" -nt "$TOP/bench/kinsn.c" ] || ! [ "$so" -nt "$hdr" ]; then
	gcc -O2 -Wall -Wextra -Wno-unused-parameter -shared -fPIC \
		-I "$BUILD/kinsn/include" -o "$so" "$TOP/bench/kinsn.c" ||
		die "cannot build the kinsn plugin"
fi
echo "$so"
