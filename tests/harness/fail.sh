#!/bin/sh
# Harness self-test: a program with one failing case among passing ones.
echo "TAP version 13"
echo "1..2"
echo "ok 1 harness_selftest_passing_case"
echo "# expected 42, got 41"
echo "not ok 2 harness_selftest_failing_case"
exit 1
