#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A long run of the fuzzers alone, on the debug kernel by default: the
# multi-process fuzzer with its oracle (tests/mpfuzz), then the futex2
# syscall fuzzer (futex2_fuzz from the futex kselftests).
#   FUZZERS       which (default "mpfuzz futex2_fuzz")
#   FUZZ_SECONDS  how long each (default 600)
#   FUZZ_ITERS    futex2_fuzz: calls per thread (default: as many as fit)
#   FUZZ_THREADS  futex2_fuzz: caller threads (default: the fuzzer's)
#   FUZZ_SEED     replay a run (each fuzzer prints its seed)
#   VARIANT       kernel variant (default x86_64-debug)
# Exit: the guest verdict (scripts/verdict.py).
. "$(dirname "$0")/lib.sh"

variant=${VARIANT:-x86_64-debug}
secs=${FUZZ_SECONDS:-600}
bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/tree.sh"
bash "$TOP/scripts/build-kernel.sh" x86_64
bash "$TOP/scripts/build-selftests.sh" x86_64
bash "$TOP/scripts/build-tests.sh" x86_64
[ "$variant" = x86_64 ] || bash "$TOP/scripts/build-kernel.sh" "$variant"

run=$RESULTS/fuzz-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run/extra"
n=0
for f in ${FUZZERS:-mpfuzz futex2_fuzz}; do
	case "$f" in
	mpfuzz) cp "$BUILD/tests-bin/mpfuzz" "$run/extra/" ;;
	futex2_fuzz) cp "$BUILD/kselftest/install/futex/functional/futex2_fuzz" "$run/extra/" ;;
	*) die "no fuzzer $f (mpfuzz, futex2_fuzz)" ;;
	esac
	n=$((n + 1))
done
STRESS_NG=0 PROJECT_TESTS=0 EXTRA_TIMEOUT=$((secs * 2 + 300)) \
	bash "$TOP/scripts/initramfs.sh" "$run/initramfs.cpio.gz" "$run/extra"
append="futex2.env.FUTEX2_FUZZ_SECONDS=$secs futex2.env.FUTEX2_FUZZ_ITERS=${FUZZ_ITERS:-1000000000}"
append="$append futex2.env.MPFUZZ_SECONDS=$secs"
[ -z "${FUZZ_SEED:-}" ] ||
	append="$append futex2.env.FUTEX2_FUZZ_SEED=$FUZZ_SEED futex2.env.MPFUZZ_SEED=$FUZZ_SEED"
[ -z "${FUZZ_THREADS:-}" ] || append="$append futex2.env.FUTEX2_FUZZ_THREADS=$FUZZ_THREADS"
rc=0
GUEST_TIMEOUT=$((n * (secs * 2 + 300) + 300)) GUEST_APPEND="$append" PROGRESS=all \
	bash "$TOP/scripts/boot.sh" "$BUILD/obj/$variant/arch/x86/boot/bzImage" \
	"$run/initramfs.cpio.gz" "$run" c-extra || rc=$?
python3 "$TOP/scripts/figures.py" fuzz "$run"
exit "$rc"
