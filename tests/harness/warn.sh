#!/bin/sh
# Harness self-test: a kernel-badness line in the console while every
# test passes. Written through /dev/kmsg, as a WARN() would print it.
echo "WARNING: CPU: 0 PID: 1 at harness-selftest.c:1 harness_selftest+0x0/0x0" > /dev/kmsg
echo "TAP version 13"
echo "1..1"
echo "ok 1 harness_selftest_warn_written"
