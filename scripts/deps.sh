#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs (as root), only if missing.
# Usage: deps.sh [base|perf|all]
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils rsync
      ccache python3 file qemu-system-x86 busybox-static gcc-12-multilib
      libc6-dev-i386 python3-matplotlib
      stress-ng sparse gcc-aarch64-linux-gnu python3-sphinx python3-git
      python3-ply pkg-config)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}); run as root or install them"
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The base kernel source, from another suite, never installed
bash "$TOP/scripts/base.sh"
