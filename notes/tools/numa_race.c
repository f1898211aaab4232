// Does 7.3's FUTEX2_NUMA first-writer race lose waiters? 64 waiters on a
// NO_NODE pair; wake until all woken or 5 s; then try each node explicitly.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#define N 64
static struct { uint32_t val, node; } __attribute__((aligned(8))) pair = { 0, ~0u };
static pthread_barrier_t bar;
static int woken;
#define FL (0x02 | 0x80 | 0x04)
static void *waiter(void *a)
{
	struct timespec to;

	pthread_barrier_wait(&bar);
	/* futex_wait's timeout is absolute: a lost wakeup ends in 20 s */
	clock_gettime(CLOCK_MONOTONIC, &to);
	to.tv_sec += 20;
	long r = syscall(455, &pair, 0UL, 0xffffffffUL, FL, &to, CLOCK_MONOTONIC);
	if (r == 0) __atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
	return NULL;
}
static int once(void)
{
	pthread_t t[N];
	int left = N, i, spins = 0;
	pthread_barrier_init(&bar, NULL, N + 1);
	pair.val = 0; pair.node = ~0u; woken = 0;
	for (i = 0; i < N; i++) pthread_create(&t[i], NULL, waiter, NULL);
	pthread_barrier_wait(&bar);
	while (left > 0 && spins < 20000) {
		long r = syscall(454, &pair, 0xffffffffUL, left, FL);
		if (r > 0) left -= r; else { usleep(250); spins++; }
	}
	if (left) {
		printf("node word %d, woken by the loop %d of %d\n", (int)pair.node, N - left, N);
		for (int n = 0; n < 2; n++) {
			pair.node = n;
			long r = syscall(454, &pair, 0xffffffffUL, N, FL);
			printf("wake with node word %d: %ld\n", n, r);
		}
	}
	for (i = 0; i < N; i++) pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	return left;
}
int main(void)
{
	int lost = 0, i;
	for (i = 0; i < 30; i++)
		lost += once() != 0;
	printf("rounds with lost waiters: %d of 30\n", lost);
	return 0;
}
