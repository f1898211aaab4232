#!/bin/sh
# Harness self-test: crash the kernel in the middle of a test.
echo "TAP version 13"
echo "1..1"
echo c > /proc/sysrq-trigger
echo "ok 1 harness_selftest_survived_crash"
