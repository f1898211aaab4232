#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel of the tree: tinyconfig + config/base.config (+ the
# fragments named in $FRAGMENTS), checked option by option after
# olddefconfig, then bzImage and the uapi headers for the selftests.
# Usage: build-kernel.sh [VARIANT]    (the build goes to build/obj/VARIANT)
. "$(dirname "$0")/lib.sh"

variant=${1:-x86_64}
obj=$BUILD/obj/$variant
frags=("$TOP/config/base.config")
for f in ${FRAGMENTS:-}; do frags+=("$TOP/config/$f.config"); done

mkdir -p "$obj"
kmake=(make -C "$TREE" O="$obj" -j"$(jobs_n)" ARCH=x86_64
       KBUILD_BUILD_TIMESTAMP="$FIXED_DATE" KBUILD_BUILD_USER=futex2
       KBUILD_BUILD_HOST=harness)
command -v ccache >/dev/null && kmake+=(CC="ccache gcc")

log "config ($variant): tinyconfig + ${frags[*]##*/}"
"${kmake[@]}" -s tinyconfig >/dev/null
"$TREE/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${frags[@]}" >/dev/null
"${kmake[@]}" -s olddefconfig

# Every option a fragment asks for must have survived olddefconfig.
bad=0
while read -r line; do
	case "$line" in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	opt=${want#\# }; opt=${opt%%[= ]*}
	if ! grep -qxF "$want" "$obj/.config"; then
		got=$(grep -E "^$opt=|^# $opt is not set" "$obj/.config" || echo "$opt absent")
		printf 'config: asked for "%s", got "%s"\n' "$want" "$got" >&2
		bad=1
	fi
done < <(cat "${frags[@]}")
[ $bad = 0 ] || die "the final .config lacks options the fragments ask for (see above)"

log "building bzImage ($variant)"
"${kmake[@]}" -s bzImage
"${kmake[@]}" -s headers_install INSTALL_HDR_PATH="$obj/usr" >/dev/null
log "kernel: $obj/arch/x86/boot/bzImage"
