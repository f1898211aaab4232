#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs (as root), only if missing.
# Usage: deps.sh [base|perf|all]
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils rsync
      ccache python3 file qemu-system-x86 busybox-static gcc-12-multilib
      libc6-dev-i386 python3-matplotlib
      stress-ng sparse gcc-aarch64-linux-gnu python3-sphinx python3-git
      python3-ply)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
dpkg-query -W -f='${Status}' "$BASE_PKG" 2>/dev/null | grep -q 'install ok installed' ||
	missing+=("$BASE_PKG")

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}); run as root or install them"
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	want=()
	for p in "${missing[@]}"; do
		if [ "$p" = "$BASE_PKG" ]; then
			# Not "madison | grep -q": under pipefail, grep's early exit
			# makes apt-cache die of SIGPIPE and the test fail.
			if apt-cache madison "$BASE_PKG" 2>/dev/null |
			   awk -v v="$BASE_VERSION_PREFERRED" '$3 == v { f = 1 } END { exit !f }'; then
				want+=("$BASE_PKG=$BASE_VERSION_PREFERRED")
			else
				warn "$BASE_PKG $BASE_VERSION_PREFERRED is gone from the archive; taking the newest"
				want+=("$BASE_PKG")
			fi
		else
			want+=("$p")
		fi
	done
	apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
fi

v=$(dpkg-query -W -f='${Version}' "$BASE_PKG")
[ "$v" = "$BASE_VERSION_PREFERRED" ] ||
	warn "base is $BASE_PKG $v, not the preferred $BASE_VERSION_PREFERRED"
log "base: $BASE_PKG $v"
