// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: a passing kselftest_harness.h program, static. */
#include <unistd.h>
#include "kselftest_harness.h"

TEST(getpid_works)
{
	ASSERT_GT(getpid(), 0);
}

TEST(skip_is_counted)
{
	SKIP(return, "a skipped case is reported as skipped");
}

TEST_HARNESS_MAIN
