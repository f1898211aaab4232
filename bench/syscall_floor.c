// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of one futex call that finds nothing to do, against a null
 * system call, in the same guest: how far the futex fast paths are from
 * the syscall floor. Under QEMU's -icount shift=0 one guest instruction is
 * one virtual nanosecond, so the figure is instructions per call (user
 * loop and kernel together).
 *
 * Usage: syscall_floor OP [ITERATIONS]      (see ops[] for OP; -l lists)
 * Prints: "Calls: OP X.X ns per call"
 *
 * bench_mark() runs just before and just after the timed loop. It lives at
 * a fixed address of its own (section .bench_mark, see scripts/bench.sh),
 * where a TCG plugin (bench/kinsn.c) can see it and count only the loop.
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_futex_wake
#define __NR_futex_wake		454
#define __NR_futex_wait		455
#define __NR_futex_requeue	456
#endif
#ifndef __NR_futex_waitv
#define __NR_futex_waitv	449
#endif
#ifndef FUTEX2_SIZE_U8
#define FUTEX2_SIZE_U8		0x00
#define FUTEX2_SIZE_U16		0x01
#define FUTEX2_SIZE_U32		0x02
#define FUTEX2_SIZE_U64		0x03
#define FUTEX2_NUMA		0x04
#endif
#ifndef FUTEX2_PRIVATE
#define FUTEX2_PRIVATE		FUTEX_PRIVATE_FLAG
#endif

/* struct futex_waitv, for headers that lack it */
struct floor_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

/*
 * The futex words, all 0: a futex, a second one for requeue, a NUMA pair
 * { value, node 0 } and the futex_waitv words.
 */
static uint64_t word __attribute__((aligned(16)));
static uint64_t word2 __attribute__((aligned(16)));
static uint64_t pair[2] __attribute__((aligned(16)));
static uint32_t vwords[8];
static struct floor_waitv waitv[8];

__attribute__((noinline, used, section(".bench_mark")))
void bench_mark(void)
{
	__asm__ volatile("" ::: "memory");
}

static long op_getppid(long a)
{
	return syscall(SYS_getppid);
}

static long op_wake(long shared)
{
	return syscall(SYS_futex, &word, shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE,
		       1, NULL, NULL, 0);
}

static long op_wait(long shared)
{
	return syscall(SYS_futex, &word, shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE,
		       1, NULL, NULL, 0);
}

static long op_cmp_requeue(long a)
{
	return syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 0, 1,
		       &word2, 0);
}

/* a: FUTEX2_* flags */
static unsigned long size_mask(long flags)
{
	return ~0UL >> (64 - (8 << (flags & 3)));
}

static long op_wake2(long flags)
{
	void *p = flags & FUTEX2_NUMA ? (void *)pair : (void *)&word;

	return syscall(__NR_futex_wake, p, size_mask(flags), 1, flags);
}

static long op_wait2(long flags)
{
	void *p = flags & FUTEX2_NUMA ? (void *)pair : (void *)&word;

	return syscall(__NR_futex_wait, p, 1UL, size_mask(flags), flags,
		       NULL, CLOCK_MONOTONIC);
}

static long op_requeue2(long flags)
{
	struct floor_waitv w[2] = {
		{ .val = 0, .uaddr = (uintptr_t)&word, .flags = flags },
		{ .uaddr = (uintptr_t)&word2, .flags = flags },
	};

	return syscall(__NR_futex_requeue, w, 0, 0, 1);
}

/* a entries; the last one differs, so that all of them are set up */
static long op_waitv(long a)
{
	return syscall(__NR_futex_waitv, waitv, a, 0, NULL, CLOCK_MONOTONIC);
}

#define PRIV_U(n)	(FUTEX2_SIZE_U##n | FUTEX2_PRIVATE)
#define SHARED		1

static const struct {
	const char *name;
	long (*fn)(long a);
	long a;
	int eagain;	/* the call is expected to fail with EAGAIN */
} ops[] = {
	{ "getppid", op_getppid, 0, 0 },
	{ "wake", op_wake, 0, 0 },
	{ "wake-shared", op_wake, SHARED, 0 },
	{ "wake2-u8", op_wake2, PRIV_U(8), 0 },
	{ "wake2-u16", op_wake2, PRIV_U(16), 0 },
	{ "wake2-u32", op_wake2, PRIV_U(32), 0 },
	{ "wake2-u64", op_wake2, PRIV_U(64), 0 },
	{ "wake2-u32-shared", op_wake2, FUTEX2_SIZE_U32, 0 },
	{ "wake2-numa", op_wake2, PRIV_U(32) | FUTEX2_NUMA, 0 },
	{ "wait-eagain", op_wait, 0, 1 },
	{ "wait-eagain-shared", op_wait, SHARED, 1 },
	{ "wait2-u8-eagain", op_wait2, PRIV_U(8), 1 },
	{ "wait2-u16-eagain", op_wait2, PRIV_U(16), 1 },
	{ "wait2-u32-eagain", op_wait2, PRIV_U(32), 1 },
	{ "wait2-u64-eagain", op_wait2, PRIV_U(64), 1 },
	{ "wait2-numa-eagain", op_wait2, PRIV_U(32) | FUTEX2_NUMA, 1 },
	{ "cmp-requeue", op_cmp_requeue, 0, 0 },
	{ "requeue2-u32", op_requeue2, PRIV_U(32), 0 },
	{ "requeue2-u8", op_requeue2, PRIV_U(8), 0 },
	{ "waitv1-eagain", op_waitv, 1, 1 },
	{ "waitv8-eagain", op_waitv, 8, 1 },
};

#define NR_OPS	(sizeof(ops) / sizeof(ops[0]))

int main(int argc, char *argv[])
{
	long i, n = argc > 2 ? atol(argv[2]) : 100000;
	struct timespec a, b;
	unsigned int k;
	double ns;
	long ret;

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		for (k = 0; k < NR_OPS; k++)
			printf("%s\n", ops[k].name);
		return 0;
	}
	for (k = 0; argc > 1 && k < NR_OPS; k++)
		if (!strcmp(ops[k].name, argv[1]))
			break;
	if (argc < 2 || k == NR_OPS || n <= 0) {
		fprintf(stderr, "usage: %s OP [ITERATIONS] (%s -l lists OP)\n",
			argv[0], argv[0]);
		return 2;
	}
	for (i = 0; i < 8; i++) {
		waitv[i].uaddr = (uintptr_t)&vwords[i];
		waitv[i].flags = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE;
		waitv[i].val = 0;
	}
	/* The last entry of a waitv of a entries differs: EAGAIN */
	if (ops[k].fn == op_waitv)
		waitv[ops[k].a - 1].val = 1;

	/* One call first: it must do what we think it does */
	errno = 0;
	ret = ops[k].fn(ops[k].a);
	if (ops[k].eagain ? ret != -1 || errno != EAGAIN : ret < 0) {
		fprintf(stderr, "%s: returned %ld (%s)\n", argv[1], ret,
			errno ? strerror(errno) : "no error");
		return 1;
	}
	bench_mark();
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		ops[k].fn(ops[k].a);
	clock_gettime(CLOCK_MONOTONIC, &b);
	bench_mark();
	ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
	printf("Calls: %s %.1f ns per call\n", argv[1], ns);
	return 0;
}
