# SPDX-License-Identifier: GPL-2.0
# futex2 for Linux 6.12: the patch series in series/, and the harness that
# applies, builds, boots and tests it. See README.md.

SHELL := /bin/bash
S := scripts

.PHONY: all demo check tree export kernel selftests perf harness-selftest matrix bench deps clean distclean help

# The main job: build the patched kernel, boot it, show futex2 at work, and
# compare futex(2) with futex2 in perf bench futex (base and patched).
all: demo

demo:
	@RUNS=$(RUNS) bash $(S)/demo.sh

# The tests. EXTRA_TESTS=dir adds static test programs of your own.
check:
	@bash $(S)/check.sh

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

# futex(2) on the base kernel against the patched kernel (perf bench futex,
# medians of RUNS runs). PLAN=bench/legacy.plan by default.
PLAN ?= bench/legacy.plan
RUNS ?= 5
bench:
	@bash $(S)/bench.sh $(PLAN) $(RUNS)

# Every patch builds on its own: x86_64, x86_64 without NUMA or SMP, i386.
matrix: tree
	@bash $(S)/build-matrix.sh

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
