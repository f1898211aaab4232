// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of one futex call that finds nothing to do, against a null
 * system call, in the same guest: how far the futex fast paths are from
 * the syscall floor.
 *
 * Usage: syscall_floor OP [ITERATIONS]
 *   OP: getppid | wake | wake2-u32 | wake2-u8 | wait-eagain | wait2-eagain |
 *       cmp-requeue | requeue2-u32 (no waiter to move)
 * Prints: "Calls: OP X.X ns per call"
 */
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_futex_wake
#define __NR_futex_wake	454
#define __NR_futex_wait	455
#endif
#ifndef __NR_futex_requeue
#define __NR_futex_requeue	456
#endif
#ifndef FUTEX2_SIZE_U8
#define FUTEX2_SIZE_U8	0x00
#define FUTEX2_SIZE_U32	0x02
#endif
#ifndef FUTEX2_PRIVATE
#define FUTEX2_PRIVATE	FUTEX_PRIVATE_FLAG
#endif

static uint32_t word, word2;

/* struct futex_waitv, for headers that lack it */
struct floor_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

static long op_getppid(void)
{
	return syscall(SYS_getppid);
}

static long op_wake(void)
{
	return syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static long op_wake2_u32(void)
{
	return syscall(__NR_futex_wake, &word, 0xffffffffUL, 1,
		       FUTEX2_SIZE_U32 | FUTEX2_PRIVATE);
}

static long op_wake2_u8(void)
{
	return syscall(__NR_futex_wake, &word, 0xffUL, 1,
		       FUTEX2_SIZE_U8 | FUTEX2_PRIVATE);
}

static long op_wait_eagain(void)
{
	return syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
}

static long op_wait2_eagain(void)
{
	return syscall(__NR_futex_wait, &word, 1UL, 0xffffffffUL,
		       FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, NULL, CLOCK_MONOTONIC);
}

static long op_cmp_requeue(void)
{
	return syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 0, 1,
		       &word2, 0);
}

static long op_requeue2_u32(void)
{
	struct floor_waitv w[2] = {
		{ .val = 0, .uaddr = (uintptr_t)&word,
		  .flags = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE },
		{ .uaddr = (uintptr_t)&word2,
		  .flags = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE },
	};

	return syscall(__NR_futex_requeue, w, 0, 0, 1);
}

static const struct {
	const char *name;
	long (*fn)(void);
	int fails;	/* the call is expected to fail (EAGAIN) */
} ops[] = {
	{ "getppid", op_getppid, 0 },
	{ "wake", op_wake, 0 },
	{ "wake2-u32", op_wake2_u32, 0 },
	{ "wake2-u8", op_wake2_u8, 0 },
	{ "wait-eagain", op_wait_eagain, 1 },
	{ "wait2-eagain", op_wait2_eagain, 1 },
	{ "cmp-requeue", op_cmp_requeue, 0 },
	{ "requeue2-u32", op_requeue2_u32, 0 },
};

int main(int argc, char *argv[])
{
	long i, n = argc > 2 ? atol(argv[2]) : 200000;
	struct timespec a, b;
	long (*fn)(void);
	unsigned int k;
	double ns;
	long ret;

	for (k = 0; argc > 1 && k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strcmp(ops[k].name, argv[1]))
			break;
	if (argc < 2 || k == sizeof(ops) / sizeof(ops[0])) {
		fprintf(stderr, "usage: %s OP [ITERATIONS]\n", argv[0]);
		return 2;
	}
	fn = ops[k].fn;
	/* One call first: it must do what we think it does */
	ret = fn();
	if (ops[k].fails ? ret != -1 : ret < 0) {
		perror(argv[1]);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		fn();
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
	printf("Calls: %s %.1f ns per call\n", argv[1], ns);
	return 0;
}
