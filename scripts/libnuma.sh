#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A static libnuma of 2.0.18 or later, which futex_numa_mpol needs for its
# MPOL part (Debian 12 has 2.0.16, so without this that part skips).
# Built from trixie's numactl source with the machine's own gcc and glibc:
# trixie's libnuma.a itself needs glibc 2.38's __isoc23_* functions.
# Prints the install prefix (with lib/pkgconfig/numa.pc) on success.
# Usage: libnuma.sh
. "$(dirname "$0")/lib.sh"

prefix=$BUILD/libnuma
if [ -e "$prefix/lib/pkgconfig/numa.pc" ]; then
	echo "$prefix"
	exit 0
fi
src=$BUILD/libnuma-src
rm -rf "$src" "$prefix"
mkdir -p "$src"
cd "$src"
# The orig tarball's address and SHA256 from a private deb-src list; only
# the upstream tarball is needed (the mirror may lack the .dsc).
line=$(bash "$TOP/scripts/private-apt.sh" trixie-src 'deb-src trixie' \
	--print-uris source numactl | grep '\.orig\.tar' || true)
[ -n "$line" ] || die "no numactl source in trixie"
read -r url file _ sum <<< "$line"
url=${url//\'/}
/usr/lib/apt/apt-helper -qq -o APT::Sandbox::User=root \
	download-file "$url" "$file" "$sum" >&2
v=${file#numactl_}
v=${v%.orig.tar.*}
tar xf "$file"
cd "numactl-$v"
# The tarball has no Makefile.in and this machine no autotools: compile
# the library's six sources with the two results configure would give.
printf '#define TLS __thread\n#define HAVE_ATTRIBUTE_SYMVER 1\n' > config.h
for f in libnuma syscall distance affinity sysfs rtnetlink; do
	gcc -O2 -g -Wall -I. -c "$f.c" -o "$f.o" >&2
done
ar rcs libnuma.a libnuma.o syscall.o distance.o affinity.o sysfs.o rtnetlink.o
install -D -m644 libnuma.a "$prefix/lib/libnuma.a"
install -D -m644 -t "$prefix/include" numa.h numacompat1.h numaif.h
mkdir -p "$prefix/lib/pkgconfig"
sed -e "s|@prefix@|$prefix|; s|@exec_prefix@|\${prefix}|; s|@libdir@|\${exec_prefix}/lib|" \
    -e "s|@includedir@|\${prefix}/include|; s|@VERSION@|$(cat VERSION)|; s|@LIBS@||" \
    numa.pc.in > "$prefix/lib/pkgconfig/numa.pc"
log "libnuma $(cat VERSION) (trixie's numactl $v, static) in $prefix" >&2
echo "$prefix"
