# SPDX-License-Identifier: GPL-2.0
# futex2 for Linux 7.3: the patch series in series/, and the harness that
# applies, builds, boots and tests it. See README.md.

SHELL := /bin/bash
S := scripts

.PHONY: all demo check check-full check-quick tree export kernel debug-kernel selftests perf harness-selftest \
	hygiene matrix fuzz repeat bench deps clean distclean help

# The main job: build the patched kernel, boot it, show futex2 at work, and
# compare futex(2) with futex2 in perf bench futex (base and patched).
all: demo

demo:
	@RUNS=$(RUNS) bash $(S)/demo.sh

# The tests: the futex kselftests with the bounded fuzz and stress on the
# test kernel and on the debug kernel (KASAN, lockdep, ...), the harness
# self-test, and the series hygiene (checkpatch, every patch built in
# x86_64, the head in every variant, sparse, W=1, kernel-doc, htmldocs).
# Within an hour on a cold machine. SUITES= picks some of
# "normal debug harness hygiene"; EXTRA_TESTS=dir adds static test programs.
check:
	@bash $(S)/check.sh

# make check with the whole build matrix: every patch in every variant, the
# selftests and perf at every patch that touches them. Run it before
# exporting a new version of the series.
check-full:
	@MATRIX=full bash $(S)/check.sh

# The developer's loop: the normal suite only.
check-quick:
	@SUITES=normal bash $(S)/check.sh

# Developer round trip: build/linux = base + series; edit and commit there;
# export writes the commits back into series/.
tree:
	@bash $(S)/tree.sh

export:
	@bash $(S)/export.sh

kernel: tree
	@bash $(S)/build-kernel.sh x86_64

selftests: kernel
	@bash $(S)/build-selftests.sh x86_64

perf: tree
	@bash $(S)/build-perf.sh

harness-selftest: kernel
	@bash $(S)/selftest-harness.sh

# The base kernel against the patched kernel in instructions per operation
# (-icount shift=0): PLAN=bench/icount.plan by default, RUNS runs of a
# point that names none; the contention points of bench/wall.plan in wall
# time (WALL_PLAN= for none).
PLAN ?= bench/icount.plan
RUNS ?= 1
bench:
	@bash $(S)/bench.sh $(PLAN) $(RUNS)

debug-kernel: tree
	@bash $(S)/build-kernel.sh x86_64-debug

# checkpatch, the build matrix, sparse, W=1, kernel-doc and htmldocs.
hygiene: tree
	@bash $(S)/hygiene.sh

# Every patch builds on its own: x86_64, x86_64 without NUMA or SMP, i386,
# arm64 (the full matrix). VARIANTS= picks some.
matrix: tree
	@HYGIENE=matrix MATRIX=full bash $(S)/hygiene.sh

# A long fuzz run on the debug kernel: FUZZ_SECONDS (default 600),
# FUZZ_ITERS, FUZZ_SEED (to replay a failure).
fuzz:
	@bash $(S)/fuzz.sh

# Some futex selftests alone, boot after boot: BOOTS (default 10) per
# kernel of VARIANTS (default: the test and the debug kernel), TESTS
# (default: robust_list and robust_list_compat32).
repeat:
	@bash $(S)/repeat.sh

deps:
	@bash $(S)/deps.sh

# Keeps the kernel tree (and its unexported commits).
clean:
	rm -rf build/obj build/kselftest build/perf build/harness-selftest build/kvm-probe build/matrix build/base-src
	git -C build/linux worktree prune 2>/dev/null || true

distclean:
	rm -rf build

help:
	@sed -n 's/^# //p' Makefile | head -20
