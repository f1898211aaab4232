#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A static perf from the tree (build/perf/perf) for the guest: the perf
# binary alone, without the libraries a static link cannot take, and
# without 7.3's Rust test workloads (a rustc in PATH must not matter).
#   PERF_OUT   build here instead of build/perf
. "$(dirname "$0")/lib.sh"

pout=${PERF_OUT:-$BUILD/perf}
mkdir -p "$pout"
log "building a static perf"
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
make -s -C "$TREE/tools/perf" O="$pout" -j"$(jobs_n)" CC="$cc" \
	LDFLAGS=-static NO_LIBELF=1 NO_LIBTRACEEVENT=1 NO_JEVENTS=1 \
	NO_LIBPYTHON=1 NO_LIBPERL=1 NO_SLANG=1 NO_GTK2=1 NO_LIBUNWIND=1 \
	NO_LIBDW_DWARF_UNWIND=1 NO_LIBNUMA=1 NO_LIBBPF=1 NO_LIBCRYPTO=1 \
	NO_LIBCAP=1 NO_LIBBABELTRACE=1 NO_LIBZSTD=1 NO_LZMA=1 NO_ZLIB=1 \
	NO_AUXTRACE=1 NO_LIBPFM4=1 NO_SDT=1 NO_LIBLLVM=1 NO_DEMANGLE=1 \
	NO_BPF_SKEL=1 NO_RUST=1 perf > "$pout/build.log" 2>&1 ||
	{ tail -n 30 "$pout/build.log"; die "perf build failed"; }
file "$pout/perf" | grep -q 'statically linked' || die "perf is not static"
log "perf: $pout/perf"
