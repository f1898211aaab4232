#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel of the tree: tinyconfig + the variant's fragments,
# checked option by option after olddefconfig, then bzImage and the uapi
# headers for the selftests.
# Usage: build-kernel.sh [VARIANT]    (the build goes to build/obj/VARIANT)
#   x86_64          config/base.config: the test kernel
#   x86_64-nonuma   base + nonuma       (build matrix)
#   x86_64-nosmp    base + nosmp        (build matrix)
#   x86_64-debug    base + debug        (KASAN, lockdep, UBSAN, KFENCE, ...)
#   i386            i386 alone, ARCH=i386 (build matrix)
#   arm64           arm64 alone, cross-built (build matrix; Image only)
# $FRAGMENTS names more fragments of config/ to add, last wins.
# KCONFIG_REUSE=1 keeps an existing .config (kbuild's own syncconfig follows
# any Kconfig change), for the build matrix, where every build of an object
# folder has the same config. IMAGE=vmlinux builds that instead of the
# bootable image, HEADERS=0 skips the uapi headers (the build matrix).
# KBUILD_OBJS="kernel/futex/ io_uring/futex.o ..." builds those objects (and
# "make prepare", which they need) instead of the image: the quick check of a
# configuration, as a developer does it.
. "$(dirname "$0")/lib.sh"

variant=${1:-x86_64}
obj=$(realpath -m "${OBJ_DIR:-$BUILD/obj/$variant}")
TREE=$(realpath "$TREE")
arch=x86_64 image=bzImage cross=
case "$variant" in
x86_64)		frags=(base) ;;
x86_64-nonuma)	frags=(base nonuma) ;;
x86_64-nosmp)	frags=(base nosmp) ;;
x86_64-debug)	frags=(base debug) ;;
i386)		frags=(i386); arch=i386 ;;
arm64)		frags=(arm64); arch=arm64 image=Image cross=aarch64-linux-gnu- ;;
*)		die "unknown kernel variant $variant" ;;
esac
frags+=(${FRAGMENTS:-})
frags=("${frags[@]/#/$TOP/config/}")
frags=("${frags[@]/%/.config}")

mkdir -p "$obj"
kmake=(make -C "$TREE" O="$obj" -j"$(jobs_n)" ARCH="$arch"
       KBUILD_BUILD_TIMESTAMP="$FIXED_DATE" KBUILD_BUILD_USER=futex2
       KBUILD_BUILD_HOST=harness)
[ -z "$cross" ] || kmake+=(CROSS_COMPILE="$cross")
command -v ccache >/dev/null && kmake+=(CC="ccache ${cross}gcc" HOSTCC="ccache gcc")

# What the .config is made of: the fragments and every Kconfig file of the
# tree. While these are the same, the .config made from them is kept (the
# three kconfig runs and "make prepare"'s reaction to a new .config cost
# most of a warm build of a few objects).
cfg_key=$( { echo "$variant $arch"; cat "${frags[@]}"
	     git -C "$TREE" ls-files -z -- '*Kconfig*' 2>/dev/null |
		(cd "$TREE" && xargs -0 -r cat); } | sha1sum | cut -d' ' -f1)
if [ "${KCONFIG_REUSE:-0}" = 1 ] && [ -f "$obj/.config" ]; then
	log "config ($variant): the existing .config"
	reuse=1
	# kbuild may change it for this tree's Kconfig: then it is no longer
	# the one the recorded inputs make.
	[ "$(cat "$obj/.config-inputs" 2>/dev/null)" = "$cfg_key" ] || rm -f "$obj/.config-inputs"
elif [ -f "$obj/.config" ] && [ "$(cat "$obj/.config-inputs" 2>/dev/null)" = "$cfg_key" ]; then
	log "config ($variant): tinyconfig + ${frags[*]##*/}, as made before"
	reuse=1
else
	log "config ($variant): tinyconfig + ${frags[*]##*/}"
	rm -f "$obj/.config-inputs"
	"${kmake[@]}" -s tinyconfig >/dev/null
	# merge_config.sh leaves its temporary files in the current folder.
	(cd "$obj" && "$TREE/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${frags[@]}") >/dev/null
fi
[ "${reuse:-0}" = 1 ] || "${kmake[@]}" -s olddefconfig

# Every option the fragments ask for (the last fragment to name an option
# wins) must have survived olddefconfig.
bad=$(awk -v cfg="$obj/.config" '
	/^CONFIG_[A-Za-z0-9_]+=/ { o = $0; sub(/=.*/, "", o); want[o] = $0; next }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { want[$2] = $0 }
	END {
		while ((getline l < cfg) > 0) {
			if (l ~ /^CONFIG_/) { o = l; sub(/=.*/, "", o); have[o] = l }
			else if (l ~ /^# CONFIG_.* is not set/) { split(l, f, " "); have[f[2]] = l }
		}
		for (o in want) {
			h = (o in have) ? have[o] : o " absent"
			if (h == want[o]) continue
			if (want[o] ~ /is not set/ && h == o " absent") continue
			printf "config: asked for \"%s\", got \"%s\"\n", want[o], h
		}
	}' "${frags[@]}")
[ -z "$bad" ] || { echo "$bad" >&2; die "the final .config lacks options the fragments ask for"; }
[ "${KCONFIG_REUSE:-0}" = 1 ] || echo "$cfg_key" > "$obj/.config-inputs"

if [ -n "${KBUILD_OBJS:-}" ]; then
	log "building $(wc -w <<< "$KBUILD_OBJS") object(s) ($variant): $KBUILD_OBJS"
	# shellcheck disable=SC2086
	"${kmake[@]}" -s ${KBUILD_EXTRA:-} $KBUILD_OBJS
	exit 0
fi
image=${IMAGE:-$image}
log "building $image ($variant)"
"${kmake[@]}" -s ${KBUILD_EXTRA:-} "$image"
[ "$variant" != x86_64 ] || [ "${HEADERS:-1}" = 0 ] ||
	"${kmake[@]}" -s headers_install INSTALL_HDR_PATH="$obj/usr" >/dev/null
archdir=x86
[ "$arch" != arm64 ] || archdir=arm64
[ "$image" = vmlinux ] || log "kernel: $obj/arch/$archdir/boot/$image"
