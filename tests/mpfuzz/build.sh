#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build mpfuzz statically: build.sh OUTDIR, against the uapi headers in
# $HDRS (default: those of the test kernel, build/obj/x86_64/usr/include).
set -e
OUT=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
HDRS=${HDRS:-$here/../../build/obj/x86_64/usr/include}
mkdir -p "$OUT"
gcc -O2 -g -static -Wall -Wextra -pthread -isystem "$HDRS" -o "$OUT/mpfuzz" "$here/mpfuzz.c"
