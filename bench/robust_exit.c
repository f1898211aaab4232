// SPDX-License-Identifier: GPL-2.0
/*
 * robust_exit - time the kernel's robust list walk at thread exit
 *
 * A thread registers a robust list of N locks it holds (with -w each lock
 * also has FUTEX_WAITERS set, and one real shared waiter sleeps on lock 0)
 * and exits.  Printed: the time from just before its SYS_exit until its exit
 * has completed (pthread_join() returns: CLONE_CHILD_CLEARTID), and how many
 * locks the kernel marked FUTEX_OWNER_DIED.
 *
 * Build: gcc -O2 -static -pthread
 * Usage: robust_exit -n N [-w]
 */
#include <linux/futex.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct lock {
	struct robust_list list;
	unsigned int futex;
};

static struct robust_list_head head;
static struct lock *locks;
static long nr_locks;
static int contended, ready, go;
static pid_t waiter_tid;
static long waiter_ret = -1;
static struct timespec t_exit;

static long futex(void *uaddr, int op, unsigned int val, struct timespec *to)
{
	return syscall(SYS_futex, uaddr, op, val, to, NULL, 0);
}

static void *owner(void *arg)
{
	unsigned int val = syscall(SYS_gettid) | (contended ? FUTEX_WAITERS : 0);
	long i;

	for (i = 0; i < nr_locks; i++) {
		locks[i].list.next = i + 1 < nr_locks ? &locks[i + 1].list : &head.list;
		locks[i].futex = val;
	}
	head.list.next = &locks[0].list;
	head.futex_offset = offsetof(struct lock, futex) - offsetof(struct lock, list);
	if (syscall(SYS_set_robust_list, &head, sizeof(head)))
		exit(1);
	__atomic_store_n(&ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&go, __ATOMIC_SEQ_CST))
		futex(&go, FUTEX_WAIT_PRIVATE, 0, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t_exit);
	syscall(SYS_exit, 0);
	return NULL;
}

/* Shared (no FUTEX_PRIVATE_FLAG) waiter on lock 0, 30 s timeout */
static void *waiter(void *arg)
{
	struct timespec to = { .tv_sec = 30 };

	__atomic_store_n(&waiter_tid, syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	waiter_ret = futex(&locks[0].futex, FUTEX_WAIT, locks[0].futex, &to);
	return NULL;
}

/* Is task @tid of this process sleeping? */
static int asleep(pid_t tid)
{
	char path[64], buf[256], *p = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return 1;
	if (fgets(buf, sizeof(buf), f))
		p = strrchr(buf, ')');
	fclose(f);
	return p && p[1] == ' ' && p[2] == 'S';
}

int main(int argc, char **argv)
{
	pthread_t thread, wthread;
	struct timespec t_done;
	long i, marked = 0;
	double ms;
	int opt;

	while ((opt = getopt(argc, argv, "n:w")) != -1) {
		if (opt == 'n')
			nr_locks = atol(optarg);
		else if (opt == 'w')
			contended = 1;
		else
			nr_locks = 0;
	}
	if (nr_locks <= 0) {
		fprintf(stderr, "usage: %s -n N [-w]\n", argv[0]);
		return 2;
	}
	locks = mmap(NULL, nr_locks * sizeof(*locks), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (locks == MAP_FAILED || pthread_create(&thread, NULL, owner, NULL)) {
		perror("robust_exit");
		return 1;
	}
	while (!__atomic_load_n(&ready, __ATOMIC_SEQ_CST))
		usleep(1000);
	if (contended) {
		if (pthread_create(&wthread, NULL, waiter, NULL))
			return 1;
		while (!__atomic_load_n(&waiter_tid, __ATOMIC_SEQ_CST) || !asleep(waiter_tid))
			usleep(1000);
	}

	__atomic_store_n(&go, 1, __ATOMIC_SEQ_CST);
	futex(&go, FUTEX_WAKE_PRIVATE, 1, NULL);
	pthread_join(thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t_done);

	ms = (t_done.tv_sec - t_exit.tv_sec) * 1e3 + (t_done.tv_nsec - t_exit.tv_nsec) / 1e6;
	printf("Robust exit: %ld locks in %.3f ms (%.2f ns per lock)\n",
	       nr_locks, ms, ms * 1e6 / nr_locks);
	for (i = 0; i < nr_locks; i++)
		marked += !!(locks[i].futex & FUTEX_OWNER_DIED);
	printf("# marked %ld of %ld\n", marked, nr_locks);
	fflush(stdout);
	if (contended) {
		pthread_join(wthread, NULL);
		if (waiter_ret)
			fprintf(stderr, "robust_exit: the waiter on lock 0 was not woken\n");
	}
	return 0;
}
