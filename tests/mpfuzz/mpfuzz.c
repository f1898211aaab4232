// SPDX-License-Identifier: GPL-2.0
/*
 * mpfuzz: a multi-process futex fuzzer with an exact oracle
 *
 * A parent forks NPROC workers that share an arena (a memfd mapped
 * MAP_SHARED, so that it survives exec) holding shared futex words and the
 * oracle's ledger; each worker also has private words (MAP_PRIVATE anon
 * pages at the same address in every process, different futexes). Each
 * worker runs a control thread (signals, munmap/mmap of a private page,
 * PR_FUTEX_HASH resizes), three op threads (futex_wait, futex_waitv,
 * futex_wake, futex_requeue, futex(2) FUTEX_WAIT, FUTEX_WAIT_BITSET,
 * FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_CMP_REQUEUE, and invalid calls) and an
 * io_uring thread (IORING_OP_FUTEX_WAIT, _WAKE, _WAITV on a raw ring). The
 * parent kills, ends, re-execs and replaces workers while the others wait.
 *
 * Every wait is a record of the ledger (keys, registration sequence,
 * deadline, outcome); every wake and requeue checks its result against the
 * model (allowed errors, at most as many woken as waiters could be on the
 * key) and keeps per-key sequence stamps so that a waiter woken by no wake
 * is caught. At the end: conservation of wakes and woken waits, per process
 * namespace, lost waiters.
 *
 * Environment: MPFUZZ_SEED, MPFUZZ_SECONDS (60), MPFUZZ_RUNS (1: runs seeds
 * SEED, SEED+1, ...), MPFUZZ_FAILFAST (1: end a run at its first mismatch),
 * MPFUZZ_GRACE_MS (1000: how late a waiter may return after its deadline),
 * MPFUZZ_U32ONLY (1: U32 futexes only and requeue with equal flags, as
 * mainline has them, to run the oracle on an unpatched kernel),
 * MPFUZZ_TRUST_REQUEUE (1: take whatever a shared->private requeue returns,
 * so that only the ledger's namespace and conservation checks can catch it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef __NR_futex_waitv
#define __NR_futex_waitv	449
#endif
#ifndef __NR_futex_wake
#define __NR_futex_wake		454
#endif
#ifndef __NR_futex_wait
#define __NR_futex_wait		455
#endif
#ifndef __NR_futex_requeue
#define __NR_futex_requeue	456
#endif
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter	426
#endif
#ifndef FUTEX2_SIZE_U8
#define FUTEX2_SIZE_U8		0x00
#define FUTEX2_SIZE_U16		0x01
#define FUTEX2_SIZE_U32		0x02
#define FUTEX2_SIZE_U64		0x03
#endif
#ifndef FUTEX2_NUMA
#define FUTEX2_NUMA		0x04
#endif
#ifndef FUTEX2_MPOL
#define FUTEX2_MPOL		0x08
#endif
#ifndef FUTEX2_PRIVATE
#define FUTEX2_PRIVATE		128
#endif
#ifndef PR_FUTEX_HASH
#define PR_FUTEX_HASH		78
#define PR_FUTEX_HASH_SET_SLOTS	1
#define PR_FUTEX_HASH_GET_SLOTS	2
#endif
#ifndef IORING_OP_FUTEX_WAIT
#define IORING_OP_FUTEX_WAIT	51
#define IORING_OP_FUTEX_WAKE	52
#define IORING_OP_FUTEX_WAITV	53
#endif
#ifndef IORING_OP_ASYNC_CANCEL
#define IORING_OP_ASYNC_CANCEL	14
#endif
#ifndef IORING_ENTER_GETEVENTS
#define IORING_ENTER_GETEVENTS	1
#endif
#ifndef IORING_FEAT_SINGLE_MMAP
#define IORING_FEAT_SINGLE_MMAP	1
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

/* The SQE of a futex operation, as the uapi lays it out */
struct mpf_sqe {
	uint8_t opcode, flags;
	uint16_t ioprio;
	int32_t fd;		/* futex2 flags */
	uint64_t addr2;		/* value (wait) or count (wake) */
	uint64_t addr;		/* uaddr, or the waitv array */
	uint32_t len;		/* waitv entries */
	uint32_t op_flags;	/* futex_flags (must be 0), cancel_flags */
	uint64_t user_data;
	uint16_t buf_index, personality;
	int32_t file_index;
	uint64_t addr3;		/* mask */
	uint64_t pad;
};
_Static_assert(sizeof(struct mpf_sqe) == 64, "sqe layout");

struct mpf_waitv {
	uint64_t val, uaddr;
	uint32_t flags, reserved;
};

#define NPROC		5	/* worker slots */
#define NTHR		5	/* 0 control, 1-3 ops, 4 io_uring */
#define URING_TID	4
#define RING		32	/* ledger records per thread */
#define NSW		8	/* arena words: 0-5 plain, 6-7 NUMA pairs */
#define NPW		4	/* private words: 0-1 stable page, 2-3 remapped */
#define KPER		16	/* keys per namespace */
#define NNS		(1 + NPROC)
#define NKEYS		(NNS * KPER)
#define MAXE		4
#define MAXPRINT	12
#define KMASKW		((NKEYS + 63) / 64)

#define ARENA_ADDR	((void *)0x100000000000UL)
#define PRIV_ADDR	((void *)0x110000000000UL)
#define PG		4096

enum { R_FREE, R_INFLIGHT, R_DONE, R_KILLED };
enum { O_NONE, O_WOKEN, O_TIMEOUT, O_EINTR, O_EAGAIN, O_EFAULT, O_EINVAL,
       O_CANCEL };

struct rec {
	uint32_t gen;		/* odd while the owner rewrites it */
	uint32_t state;
	uint32_t n;
	uint32_t inc;
	uint16_t key[MAXE];
	int32_t outcome;
	uint32_t hung;
	uint64_t reg, endseq, deadline;
};

struct keyst {
	int64_t wake_active;
	uint64_t wake_end;
	int32_t nwait;
};

struct pslot {
	int32_t pid, state, cmd, gen;
	uint32_t inc;
};
enum { P_DEAD, P_ALIVE, P_EXECING, P_DYING };
enum { C_RUN, C_EXIT, C_EXEC };

struct wslot {			/* wakes in flight, for killed wakers */
	int32_t n;
	int64_t slack;
};

struct arena {
	uint8_t w[NSW][16] __attribute__((aligned(64)));
	uint8_t badnuma[16] __attribute__((aligned(16)));
	uint64_t seed, t0, seconds;
	int32_t phase, failfast, grace_ms, nodes, u32only, trust;
	uint64_t gseq;
	uint32_t incs;
	int64_t inflight;
	uint64_t first_mm;
	/* statistics */
	int64_t waits, woken, timeouts, eintr, eagain, efault, einval, cancel;
	int64_t wakes, requeues, uring, execs, kills, mismatches, prctls;
	/* conservation */
	int64_t wake_counted, woken_low, woken_high, killed_entries, wake_slack;
	int64_t priv_wake[NPROC], priv_woken[NPROC], priv_killed[NPROC];
	struct pslot ps[NPROC];
	struct wslot ws[NPROC][NTHR];
	uint64_t lost[NPROC][NTHR];
	struct keyst ks[NKEYS];
	uint64_t emask[NKEYS][KMASKW];
	int32_t eact[NKEYS][NKEYS];
	uint64_t eend[NKEYS][NKEYS];
	struct rec rec[NPROC][NTHR][RING];
};

static struct arena *A;
static int memfd = -1;
static int myslot = -1;		/* -1 in the parent */
static uint32_t myinc;

#define LD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define ST(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define ADD(x, v)	__atomic_add_fetch(&(x), (v), __ATOMIC_SEQ_CST)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t seq(void)
{
	return ADD(A->gseq, 1);
}

static void amax(uint64_t *p, uint64_t v)
{
	uint64_t o = LD(*p);

	while (o < v && !__atomic_compare_exchange_n(p, &o, v, 0,
			__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, n) < 0)
		return;
}

static double tsec(void)
{
	return (now_ns() - A->t0) / 1e9;
}

static void mismatch(const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	int64_t m;
	uint64_t z = 0, t = now_ns();

	m = ADD(A->mismatches, 1);
	__atomic_compare_exchange_n(&A->first_mm, &z, t, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	if (m > MAXPRINT)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say("mpfuzz: MISMATCH seed=%llu t=%.3fs slot=%d: %s",
	    (unsigned long long)A->seed, tsec(), myslot, buf);
}

/* PRNG: splitmix64 */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rn(struct rng *r, unsigned int n)
{
	return rnd(r) % n;
}

static void rng_init(struct rng *r, uint64_t a, uint64_t b, uint64_t c)
{
	r->s = a * 0x100000001b3ULL ^ (b << 40) ^ (c << 20) ^ 0x5bd1e995;
	rnd(r);
}

/* Syscalls, returning -errno */
static long ret_of(long r)
{
	return r < 0 ? -errno : r;
}

static long f2_wait(void *a, uint64_t val, uint64_t mask, unsigned int fl,
		    struct timespec *ts, int clk)
{
	return ret_of(syscall(__NR_futex_wait, a, val, mask, fl, ts, clk));
}

static long f2_wake(void *a, uint64_t mask, int nr, unsigned int fl)
{
	return ret_of(syscall(__NR_futex_wake, a, mask, nr, fl));
}

static long f2_waitv(struct mpf_waitv *w, unsigned int n, unsigned int fl,
		     struct timespec *ts, int clk)
{
	return ret_of(syscall(__NR_futex_waitv, w, n, fl, ts, clk));
}

static long f2_requeue(struct mpf_waitv *w, unsigned int fl, int nw, int nr)
{
	return ret_of(syscall(__NR_futex_requeue, w, fl, nw, nr));
}

static long fx(void *a, int op, uint32_t val, const void *ts, void *a2,
	       uint32_t val3)
{
	return ret_of(syscall(SYS_futex, a, op, val, ts, a2, val3));
}

/* Keys: namespace 0 is global (arena words, shared flag), namespace 1+s
 * is worker slot s's mm: 0-7 arena words with FUTEX2_PRIVATE, 8-11 private
 * words with FUTEX2_PRIVATE, 12-15 private words without it.
 */
struct fut {
	uint8_t *addr;
	int key, shared, numa, size, remap;
};

static uint8_t *priv_word(int j)
{
	return (uint8_t *)PRIV_ADDR + (j / 2) * PG + (j % 2) * 16;
}

static int key_ns(int k)
{
	return k / KPER;
}

/* A private key: FUTEX2_PRIVATE in the mm of one slot */
static int key_priv(int k)
{
	return k / KPER && k % KPER < 12;
}

/*
 * A requeue from a global key to a slot's private word without
 * FUTEX2_PRIVATE: legal, but the key names an mm without holding it, so
 * waiters left there by a dead process match whoever gets that mm_struct
 * next (an old ABA the ledger cannot follow): not generated.
 */
static int key_aba(int k1, int k2)
{
	return !key_ns(k1) && key_ns(k2) && !key_priv(k2);
}

/* The futex of key @k; a NUMA key has its own size, others take @size */
static void key_fut(int k, int size, struct fut *f)
{
	int ns = k / KPER, w = k % KPER;

	memset(f, 0, sizeof(*f));
	f->key = k;
	f->size = size;
	if (w < NSW) {
		f->addr = A->w[w];
		f->shared = ns == 0;
		if (w >= 6) {
			f->numa = 1;
			f->size = A->u32only ? 2 : w == 6 ? 0 : 3;
		}
	} else {
		f->addr = priv_word((w - 8) % NPW);
		f->shared = w >= 12;
		f->remap = ((w - 8) % NPW) >= 2;
	}
}

static unsigned int f2flags(const struct fut *f)
{
	return f->size | (f->shared ? 0 : FUTEX2_PRIVATE) |
	       (f->numa ? FUTEX2_NUMA : 0);
}

static uint64_t size_max(int size)
{
	return size == 3 ? ~0ULL : (1ULL << (8 << size)) - 1;
}

/* A random key this process can use; @legacy: no NUMA words */
static int pick_key(struct rng *r, int legacy)
{
	int k, tries;

	for (tries = 0; tries < 40; tries++) {
		int ns = rn(r, 3) ? 0 : 1 + myslot;

		if (rn(r, 2))
			ns = rn(r, 2) ? 0 : 1 + myslot;
		k = ns * KPER + rn(r, ns ? KPER : NSW);
		if (legacy && k % KPER >= 6 && k % KPER < 8)
			continue;
		if (tries < 30 && rn(r, 10) < 7 && LD(A->ks[k].nwait) <= 0)
			continue;	/* prefer keys with waiters */
		return k;
	}
	return legacy ? 0 : rn(r, NSW);
}

/* Keys reachable by requeue from @k for a waiter registered at @reg */
static void closure(int k, uint64_t reg, uint64_t *m)
{
	int stack[NKEYS], sp = 0, a, b;

	memset(m, 0, KMASKW * 8);
	m[k / 64] |= 1ULL << (k % 64);
	stack[sp++] = k;
	while (sp) {
		a = stack[--sp];
		for (b = 0; b < NKEYS; b++) {
			if (!(LD(A->emask[a][b / 64]) & (1ULL << (b % 64))))
				continue;
			if (m[b / 64] & (1ULL << (b % 64)))
				continue;
			if (LD(A->eact[a][b]) > 0 || LD(A->eend[a][b]) > reg) {
				m[b / 64] |= 1ULL << (b % 64);
				stack[sp++] = b;
			}
		}
	}
}

static int inmask(const uint64_t *m, int k)
{
	return !!(m[k / 64] & (1ULL << (k % 64)));
}

/* Could a wake have reached the waiter of @r? */
static int reachable(struct rec *r)
{
	uint64_t m[KMASKW];
	unsigned int i;
	int k;

	for (i = 0; i < r->n; i++) {
		closure(r->key[i], r->reg, m);
		for (k = 0; k < NKEYS; k++)
			if (inmask(m, k) && (LD(A->ks[k].wake_active) > 0 ||
					     LD(A->ks[k].wake_end) > r->reg))
				return 1;
	}
	return 0;
}

/*
 * How many queued futex_q (waits, waitv entries) could a wake on @k that
 * ran from @begin to @end have counted? -1 when unknown.
 */
static long possible(int k, uint64_t begin, uint64_t end)
{
	uint64_t m[KMASKW];
	long n = 0;
	int s, t, i;
	unsigned int e;

	for (s = 0; s < NPROC; s++) {
		for (t = 0; t < NTHR; t++) {
			for (i = 0; i < RING; i++) {
				struct rec *r = &A->rec[s][t][i], c;
				uint32_t g1 = LD(r->gen), st;

				if (g1 & 1) {
					n += MAXE;
					continue;
				}
				st = LD(r->state);
				if (st == R_FREE)
					continue;
				c = *r;
				__atomic_thread_fence(__ATOMIC_SEQ_CST);
				if (LD(r->gen) != g1) {
					n += MAXE;
					continue;
				}
				if (!c.reg || c.reg >= end)
					continue;
				if (st != R_INFLIGHT && c.endseq && c.endseq < begin)
					continue;
				for (e = 0; e < c.n && e < MAXE; e++) {
					closure(c.key[e], c.reg, m);
					n += inmask(m, k);
				}
			}
		}
	}
	/* a record rewritten under the scan may have been one */
	for (s = 0; s < NPROC; s++)
		for (t = 0; t < NTHR; t++)
			if (LD(A->lost[s][t]) > begin)
				return -1;
	return n;
}

/* The ledger: one record per wait */
struct thr {
	int tid;
	struct rng r;
	int ri;
	pid_t ktid;
};

static struct rec *rec_new(struct thr *t, struct fut *f, int n,
			   uint64_t deadline)
{
	struct rec *r = NULL;
	int i, j;

	for (i = 0; i < RING; i++) {
		j = (t->ri + i) % RING;
		if (LD(A->rec[myslot][t->tid][j].state) != R_INFLIGHT) {
			r = &A->rec[myslot][t->tid][j];
			t->ri = j + 1;
			break;
		}
	}
	if (!r)
		return NULL;
	if (LD(r->state) != R_FREE && r->endseq)
		amax(&A->lost[myslot][t->tid], r->endseq);
	ADD(r->gen, 1);
	ST(r->state, R_FREE);
	r->n = n;
	r->inc = myinc;
	for (i = 0; i < n; i++)
		r->key[i] = f[i].key;
	r->outcome = O_NONE;
	r->hung = 0;
	r->endseq = 0;
	r->deadline = deadline;
	r->reg = 0;
	ADD(r->gen, 1);
	for (i = 0; i < n; i++)
		ADD(A->ks[f[i].key].nwait, 1);
	ADD(A->inflight, 1);
	ST(r->reg, seq());
	ST(r->state, R_INFLIGHT);
	return r;
}

static int priv_entries(struct rec *r)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < r->n; i++)
		n += key_priv(r->key[i]);
	return n;
}

/* The owner ends its record with outcome @o; returns 0 if it was killed */
static void rec_end(struct rec *r, int o)
{
	uint32_t st = R_INFLIGHT;
	unsigned int i;

	r->outcome = o;
	ST(r->endseq, seq());
	if (!__atomic_compare_exchange_n(&r->state, &st, R_DONE, 0,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	for (i = 0; i < r->n; i++)
		ADD(A->ks[r->key[i]].nwait, -1);
	ADD(A->inflight, -1);
	if (o == O_WOKEN) {
		ADD(A->woken, 1);
		ADD(A->woken_low, 1);
		ADD(A->woken_high, r->n);
		ADD(A->priv_woken[myslot], priv_entries(r));
	}
}

/* Mark the waits of a dead process (or of the image before an exec) */
static void mark_dead(int s)
{
	int t, i;
	unsigned int e;

	for (t = 0; t < NTHR; t++) {
		struct wslot *w = &A->ws[s][t];

		if (LD(w->n) > 0) {
			ADD(A->wake_slack, LD(w->slack));
			ST(w->n, 0);
			ST(w->slack, 0);
		}
		for (i = 0; i < RING; i++) {
			struct rec *r = &A->rec[s][t][i];
			uint32_t st = R_INFLIGHT;

			if (LD(r->state) != R_INFLIGHT)
				continue;
			ST(r->endseq, seq());
			if (!__atomic_compare_exchange_n(&r->state, &st,
					R_KILLED, 0, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
				continue;
			for (e = 0; e < r->n; e++)
				ADD(A->ks[r->key[e]].nwait, -1);
			ADD(A->inflight, -1);
			ADD(A->killed_entries, r->n);
			ADD(A->priv_killed[s], priv_entries(r));
		}
	}
}

/* Outcome of a wait's return; @n waitv entries, index below @maxidx */
static const char *oname(int o)
{
	static const char *const names[] = { "none", "woken", "ETIMEDOUT",
		"EINTR", "EAGAIN", "EFAULT", "EINVAL", "ECANCELED" };

	return names[o];
}

#define A_WOKEN		(1 << O_WOKEN)
#define A_TIMEOUT	(1 << O_TIMEOUT)
#define A_EINTR		(1 << O_EINTR)
#define A_EAGAIN	(1 << O_EAGAIN)
#define A_EFAULT	(1 << O_EFAULT)
#define A_EINVAL	(1 << O_EINVAL)
#define A_CANCEL	(1 << O_CANCEL)

static int classify(long ret, int waitv_n)
{
	if (waitv_n ? (ret >= 0 && ret < waitv_n) : ret == 0)
		return O_WOKEN;
	switch (ret) {
	case -ETIMEDOUT:
		return O_TIMEOUT;
	case -EINTR:
		return O_EINTR;
	case -EAGAIN:
		return O_EAGAIN;
	case -EFAULT:
		return O_EFAULT;
	case -EINVAL:
		return O_EINVAL;
	case -ECANCELED:
		return O_CANCEL;
	}
	return O_NONE;
}

/* Account and check the return of a wait */
static void wait_done(const char *op, struct rec *r, long ret, int waitv_n,
		      int allow, int maxidx, uint64_t deadline)
{
	int o = classify(ret, waitv_n);
	uint64_t t = now_ns();

	ADD(A->waits, 1);
	if (o == O_WOKEN && waitv_n && ret >= maxidx)
		o = O_NONE;
	if (!(allow & (1 << o)))
		mismatch("%s n=%d: model allows 0x%x (waitv idx<%d), got %ld (%s)",
			 op, r ? (int)r->n : waitv_n, allow, maxidx, ret,
			 oname(o));
	switch (o) {
	case O_TIMEOUT:
		ADD(A->timeouts, 1);
		if (t < deadline)
			mismatch("%s: ETIMEDOUT %.3f ms before its deadline",
				 op, (deadline - t) / 1e6);
		break;
	case O_EINTR:
		ADD(A->eintr, 1);
		break;
	case O_EAGAIN:
		ADD(A->eagain, 1);
		break;
	case O_EFAULT:
		ADD(A->efault, 1);
		break;
	case O_EINVAL:
		ADD(A->einval, 1);
		break;
	case O_CANCEL:
		ADD(A->cancel, 1);
		break;
	}
	if (!r)
		return;
	if (o == O_WOKEN && !reachable(r))
		mismatch("%s keys=%d,%d: woken, but no wake could reach it since it registered",
			 op, r->key[0], r->n > 1 ? r->key[1] : -1);
	rec_end(r, o == O_NONE ? O_EINVAL : o);
}

/* Wakes */
struct wk {
	int k1, k2;		/* k2 >= 0: requeue */
	uint64_t begin;
	long slack;
};

static void wake_begin(struct thr *t, struct wk *w, int k1, int k2, long nr)
{
	w->k1 = k1;
	w->k2 = k2;
	w->slack = nr < 0 ? 1 : nr > 256 ? 256 : nr;
	ADD(A->ws[myslot][t->tid].slack, w->slack);
	ADD(A->ws[myslot][t->tid].n, 1);
	ADD(A->ks[k1].wake_active, 1);
	if (k2 >= 0) {
		__atomic_or_fetch(&A->emask[k1][k2 / 64], 1ULL << (k2 % 64),
				  __ATOMIC_SEQ_CST);
		ADD(A->eact[k1][k2], 1);
	}
	w->begin = seq();
}

/*
 * End a wake or requeue on @w->k1 that returned @ret (-errno or a count)
 * of which @woken were woken, with @nr_max the most it may return.
 */
static void wake_end(struct thr *t, struct wk *w, const char *op, long ret,
		     long woken, long nr_max)
{
	uint64_t end = seq();
	long p;

	if (ret > 0)
		amax(&A->ks[w->k1].wake_end, end);
	if (w->k2 >= 0 && ret > woken)
		amax(&A->eend[w->k1][w->k2], end);
	ADD(A->ks[w->k1].wake_active, -1);
	if (w->k2 >= 0)
		ADD(A->eact[w->k1][w->k2], -1);
	if (ret > 0) {
		ADD(A->wake_counted, woken);
		if (key_priv(w->k1))
			ADD(A->priv_wake[myslot], woken);
	}
	ADD(A->ws[myslot][t->tid].n, -1);
	ADD(A->ws[myslot][t->tid].slack, -w->slack);
	if (ret <= 0)
		return;
	if (ret > nr_max)
		mismatch("%s key=%d: returned %ld, more than the %ld it may",
			 op, w->k1, ret, nr_max);
	p = possible(w->k1, w->begin, end);
	if (p >= 0 && ret > p)
		mismatch("%s key=%d->%d: returned %ld, but at most %ld waiters could be on key %d",
			 op, w->k1, w->k2, ret, p, w->k1);
}

static void check_ret(const char *op, long ret, int ok_count, int allow,
		      const char *args)
{
	int o = ret >= 0 ? -1 : classify(ret, 0);

	if (ret >= 0 ? !ok_count : !(allow & (1 << o)))
		mismatch("%s %s: model {%s%s%s%s }, got %ld", op, args,
			 ok_count ? " count" : "",
			 allow & A_EINVAL ? " EINVAL" : "",
			 allow & A_EAGAIN ? " EAGAIN" : "",
			 allow & A_EFAULT ? " EFAULT" : "", ret);
	if (ret == -EINVAL)
		ADD(A->einval, 1);
	else if (ret == -EFAULT)
		ADD(A->efault, 1);
}

static int phase(void)
{
	return LD(A->phase);
}

static void deadline_ts(struct rng *r, uint64_t *dl, struct timespec *ts)
{
	uint64_t d = 20000000ULL + rn(r, 280) * 1000000ULL;

	if (!rn(r, 8))
		d = 20000000ULL + rn(r, 1980) * 1000000ULL;
	*dl = now_ns() + d;
	ts->tv_sec = *dl / 1000000000ULL;
	ts->tv_nsec = *dl % 1000000000ULL;
}

static int rand_size(struct rng *r)
{
	if (A->u32only)
		return 2 + 0 * rn(r, 4);
	return rn(r, 4);
}

/* Sync waits: futex_wait, FUTEX_WAIT, FUTEX_WAIT_BITSET, futex_waitv */
static void op_wait(struct thr *t, int kind)
{
	struct fut f[MAXE];
	struct mpf_waitv wv[MAXE];
	struct timespec ts, rel;
	uint64_t dl, val = 0, mask;
	int n = 1, i, bad = -1, allow, remap = 0, maxidx = 1;
	struct rec *r = NULL;
	const char *op;
	long ret;

	if (kind == 3)
		n = 1 + rn(&t->r, MAXE);
	for (i = 0; i < n; i++) {
		key_fut(pick_key(&t->r, kind == 1 || kind == 2), kind == 1 ||
			kind == 2 ? 2 : rand_size(&t->r), &f[i]);
		remap |= f[i].remap;
	}
	if (!rn(&t->r, 10))
		bad = rn(&t->r, n);	/* this entry's value mismatches */
	deadline_ts(&t->r, &dl, &ts);
	allow = A_WOKEN | A_TIMEOUT | A_EINTR | (remap ? A_EFAULT : 0);
	if (bad >= 0) {
		allow = A_EAGAIN | (remap ? A_EFAULT : 0);
		if (bad > 0) {
			allow |= A_WOKEN;	/* an earlier entry woken */
			maxidx = bad;
		}
	} else {
		maxidx = n;
	}
	if (bad != 0)
		r = rec_new(t, f, n, dl);
	if (bad != 0 && !r)
		return;
	switch (kind) {
	case 0:
		op = "futex_wait";
		mask = rn(&t->r, 4) ? size_max(f[0].size) :
			(rnd(&t->r) & size_max(f[0].size)) | 1;
		val = bad == 0 ? 1 : 0;
		ret = f2_wait(f[0].addr, val, mask, f2flags(&f[0]), &ts,
			      CLOCK_MONOTONIC);
		break;
	case 1:
		op = "FUTEX_WAIT";
		dl = now_ns();
		rel.tv_sec = 0;
		rel.tv_nsec = 20000000 + rn(&t->r, 280) * 1000000;
		dl += rel.tv_nsec;
		if (r)
			r->deadline = dl;
		ret = fx(f[0].addr, FUTEX_WAIT | (f[0].shared ? 0 :
			 FUTEX_PRIVATE_FLAG), bad == 0, &rel, NULL, 0);
		break;
	case 2:
		op = "FUTEX_WAIT_BITSET";
		ret = fx(f[0].addr, FUTEX_WAIT_BITSET | (f[0].shared ? 0 :
			 FUTEX_PRIVATE_FLAG), bad == 0, &ts, NULL,
			 rn(&t->r, 2) ? FUTEX_BITSET_MATCH_ANY : 0x5);
		break;
	default:
		op = "futex_waitv";
		for (i = 0; i < n; i++) {
			wv[i].val = i == bad;
			wv[i].uaddr = (uintptr_t)f[i].addr;
			wv[i].flags = f2flags(&f[i]);
			wv[i].reserved = 0;
		}
		ret = f2_waitv(wv, n, 0, &ts, CLOCK_MONOTONIC);
		break;
	}
	wait_done(op, r, ret, kind == 3 ? n : 0, allow, maxidx, dl);
}

/* Wakes: futex_wake, FUTEX_WAKE(_BITSET), futex_requeue, FUTEX_CMP_REQUEUE */
static const int nrs[] = { 1, 1, 2, INT_MAX, INT_MAX, 0, -1, 3 };

static long eff_nr(long nr)
{
	return nr < 0 ? 1 : nr;
}

static void op_wake(struct thr *t, int kind)
{
	struct fut a, b;
	struct mpf_waitv w[2];
	struct wk wk;
	char args[160];
	int nr = nrs[rn(&t->r, 8)], nrq, allow, einval = 0;
	uint64_t mask;
	long ret, woken;

	switch (kind) {
	case 0:		/* futex_wake */
		key_fut(pick_key(&t->r, 0), rand_size(&t->r), &a);
		mask = rn(&t->r, 4) ? size_max(a.size) :
			(rnd(&t->r) & size_max(a.size)) | 1;
		snprintf(args, sizeof(args), "key=%d size=%d flags=0x%x nr=%d",
			 a.key, a.size, f2flags(&a), nr);
		wake_begin(t, &wk, a.key, -1, nr);
		ret = f2_wake(a.addr, mask, nr, f2flags(&a));
		check_ret("futex_wake", ret, 1, a.remap && a.shared ? A_EFAULT : 0,
			  args);
		wake_end(t, &wk, "futex_wake", ret, ret, nr ? eff_nr(nr) : 0);
		ADD(A->wakes, 1);
		break;
	case 1:		/* FUTEX_WAKE, FUTEX_WAKE_BITSET */
		key_fut(pick_key(&t->r, 1), 2, &a);
		snprintf(args, sizeof(args), "key=%d nr=%d", a.key, nr);
		wake_begin(t, &wk, a.key, -1, nr);
		if (rn(&t->r, 2))
			ret = fx(a.addr, FUTEX_WAKE | (a.shared ? 0 :
				 FUTEX_PRIVATE_FLAG), nr, NULL, NULL, 0);
		else
			ret = fx(a.addr, FUTEX_WAKE_BITSET | (a.shared ? 0 :
				 FUTEX_PRIVATE_FLAG), nr, NULL, NULL,
				 FUTEX_BITSET_MATCH_ANY);
		check_ret("FUTEX_WAKE", ret, 1, a.remap && a.shared ? A_EFAULT : 0,
			  args);
		/* futex(2) wakes one at nr 0 or below */
		wake_end(t, &wk, "FUTEX_WAKE", ret, ret, nr > 0 ? nr : 1);
		ADD(A->wakes, 1);
		break;
	case 2:		/* futex_requeue */
		key_fut(pick_key(&t->r, 0), rand_size(&t->r), &a);
		key_fut(pick_key(&t->r, 0), rand_size(&t->r), &b);
		if (key_aba(a.key, b.key))
			break;
		nr = rn(&t->r, 3);
		nrq = rn(&t->r, 3) ? (int)rn(&t->r, 3) : INT_MAX;
		w[0].val = rn(&t->r, 8) ? 0 : 1;
		w[1].val = 0;
		w[0].uaddr = (uintptr_t)a.addr;
		w[1].uaddr = (uintptr_t)b.addr;
		w[0].flags = f2flags(&a);
		w[1].flags = f2flags(&b);
		w[0].reserved = w[1].reserved = 0;
		if (!rn(&t->r, 20)) {
			nr = -1;
			einval = 1;
		}
		if (a.shared && !b.shared && !A->trust)
			einval = 1;	/* shared -> private */
		if (A->u32only && w[0].flags != w[1].flags)
			einval = 1;	/* 7.3 */
		allow = einval ? A_EINVAL : (w[0].val ? A_EAGAIN : 0) |
			(a.remap || b.remap ? A_EFAULT : 0);
		if (a.shared && !b.shared)	/* MPFUZZ_TRUST_REQUEUE=1 */
			allow |= A_EINVAL;
		snprintf(args, sizeof(args),
			 "key %d->%d flags 0x%x->0x%x val=%llu nr_wake=%d nr_requeue=%d",
			 a.key, b.key, w[0].flags, w[1].flags,
			 (unsigned long long)w[0].val, nr, nrq);
		if (einval) {
			ret = f2_requeue(w, 0, nr, nrq);
			check_ret("futex_requeue", ret, 0, A_EINVAL, args);
			break;
		}
		/*
		 * The ledger never lets a shared waiter reach a private key:
		 * with MPFUZZ_TRUST_REQUEUE, a kernel that moves them anyway
		 * is caught by the bound of later wakes on that key.
		 */
		wake_begin(t, &wk, a.key, a.shared && !b.shared ? -1 : b.key,
			   (long)nr + nrq);
		ret = f2_requeue(w, 0, nr, nrq);
		check_ret("futex_requeue", ret, !w[0].val, allow, args);
		woken = ret < nr ? ret : nr;
		wake_end(t, &wk, "futex_requeue", ret, woken, (long)nr + nrq);
		ADD(A->requeues, 1);
		break;
	default:	/* FUTEX_CMP_REQUEUE */
		do {
			key_fut(pick_key(&t->r, 1), 2, &a);
			key_fut(pick_key(&t->r, 1), 2, &b);
		} while (a.shared != b.shared && rn(&t->r, 50));
		if (a.shared != b.shared || key_aba(a.key, b.key))
			break;
		nr = rn(&t->r, 3);
		nrq = rn(&t->r, 3) ? (int)rn(&t->r, 3) : INT_MAX;
		mask = rn(&t->r, 8) ? 0 : 1;	/* the cmpval */
		snprintf(args, sizeof(args), "key %d->%d cmpval=%llu nr_wake=%d nr_requeue=%d",
			 a.key, b.key, (unsigned long long)mask, nr, nrq);
		allow = (mask ? A_EAGAIN : 0) | (a.remap || b.remap ?
			A_EFAULT : 0);
		wake_begin(t, &wk, a.key, b.key, (long)nr + nrq);
		ret = fx(a.addr, FUTEX_CMP_REQUEUE | (a.shared ? 0 :
			 FUTEX_PRIVATE_FLAG), nr, (void *)(uintptr_t)nrq,
			 b.addr, mask);
		check_ret("FUTEX_CMP_REQUEUE", ret, !mask, allow, args);
		woken = ret < nr ? ret : nr;
		wake_end(t, &wk, "FUTEX_CMP_REQUEUE", ret, woken,
			 (long)nr + nrq);
		ADD(A->requeues, 1);
		break;
	}
}

/* Calls the model refuses: EINVAL (value too big, misaligned, flags, ...) */
static void op_invalid(struct thr *t)
{
	struct fut a;
	struct mpf_waitv w[2];
	struct timespec ts;
	uint64_t dl;
	int size = 1 + rn(&t->r, 3), c = rn(&t->r, 10);
	long ret;
	char args[96];

	key_fut(rn(&t->r, 6), size, &a);
	deadline_ts(&t->r, &dl, &ts);
	snprintf(args, sizeof(args), "case=%d size=%d", c, size);
	switch (c) {
	case 0:		/* misaligned */
		ret = f2_wait(a.addr + 1, 0, size_max(size), size, &ts,
			      CLOCK_MONOTONIC);
		break;
	case 1:		/* value too big for the size */
		a.size = rn(&t->r, 3);
		snprintf(args, sizeof(args), "case=1 size=%d", a.size);
		ret = f2_wait(a.addr, size_max(a.size) + 1, size_max(a.size),
			      a.size, &ts, CLOCK_MONOTONIC);
		break;
	case 2:		/* mask too big, or 0 */
		a.size = rn(&t->r, 3);
		ret = f2_wake(a.addr, rn(&t->r, 2) ? 0 : size_max(a.size) + 1,
			      1, a.size);
		break;
	case 3:		/* unknown flag bits */
		ret = f2_wake(a.addr, ~0ULL, 1, size | (rn(&t->r, 2) ? 0x10 : 0x200));
		break;
	case 4:		/* NUMA pair aligned to its size only */
		ret = f2_wait(A->w[7] + 8, 0, ~0ULL, 3 | FUTEX2_NUMA, &ts,
			      CLOCK_MONOTONIC);
		break;
	case 5:		/* a node that is not possible */
		if (A->nodes <= 0 || A->nodes > 90)
			return;
		ret = f2_wake(A->badnuma, 0xff, 1, FUTEX2_SIZE_U8 | FUTEX2_NUMA);
		break;
	case 6:		/* futex_waitv: flags, reserved */
		w[0].val = 0;
		w[0].uaddr = (uintptr_t)a.addr;
		w[0].flags = size;
		w[0].reserved = rn(&t->r, 2);
		ret = f2_waitv(w, 1, !w[0].reserved, &ts, CLOCK_MONOTONIC);
		break;
	case 7:		/* futex_waitv of 0 entries */
		ret = f2_waitv(w, 0, 0, &ts, CLOCK_MONOTONIC);
		break;
	case 8:		/* futex_requeue: nr_requeue < 0 */
		w[0].val = w[1].val = 0;
		w[0].uaddr = w[1].uaddr = (uintptr_t)a.addr;
		w[0].flags = w[1].flags = size;
		w[0].reserved = w[1].reserved = 0;
		ret = f2_requeue(w, 0, 1, -1);
		break;
	default:	/* bad clock */
		ret = f2_wait(a.addr, 0, size_max(size), size, &ts,
			      CLOCK_BOOTTIME);
		break;
	}
	check_ret("invalid", ret, 0, A_EINVAL, args);
}

/* io_uring */
struct ring {
	int fd;
	uint8_t *sq, *cq;
	unsigned int *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct mpf_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int ring_setup(struct ring *r)
{
	struct io_uring_params p;
	size_t sql, cql;

	memset(&p, 0, sizeof(p));
	r->fd = syscall(__NR_io_uring_setup, 32, &p);
	if (r->fd < 0)
		return -errno;
	sql = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cql = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		sql = cql = sql > cql ? sql : cql;
	r->sq = mmap(NULL, sql, PROT_READ | PROT_WRITE, MAP_SHARED |
		     MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (r->sq == MAP_FAILED)
		return -errno;
	r->cq = r->sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		r->cq = mmap(NULL, cql, PROT_READ | PROT_WRITE, MAP_SHARED |
			     MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
		if (r->cq == MAP_FAILED)
			return -errno;
	}
	r->sqes = mmap(NULL, p.sq_entries * 64, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return -errno;
	r->sq_tail = (unsigned int *)(r->sq + p.sq_off.tail);
	r->sq_mask = (unsigned int *)(r->sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)(r->sq + p.sq_off.array);
	r->cq_head = (unsigned int *)(r->cq + p.cq_off.head);
	r->cq_tail = (unsigned int *)(r->cq + p.cq_off.tail);
	r->cq_mask = (unsigned int *)(r->cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(r->cq + p.cq_off.cqes);
	return 0;
}

static long ring_submit(struct ring *r, const struct mpf_sqe *sqe)
{
	unsigned int tail = *r->sq_tail, idx = tail & *r->sq_mask;
	long ret;

	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	do {
		ret = ret_of(syscall(__NR_io_uring_enter, r->fd, 1, 0, 0,
				     NULL, 0));
	} while (ret == -EINTR);
	return ret;
}

static int ring_reap(struct ring *r, struct io_uring_cqe *c)
{
	unsigned int head = *r->cq_head;

	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
		syscall(__NR_io_uring_enter, r->fd, 0, 0,
			IORING_ENTER_GETEVENTS, NULL, 0);
		if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
			return 0;
	}
	*c = r->cqes[head & *r->cq_mask];
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return 1;
}

#define UMAX	8
#define UD_WAIT		(1ULL << 56)
#define UD_WAKE		(2ULL << 56)
#define UD_CANCEL	(3ULL << 56)

struct uwait {
	struct rec *r;
	uint64_t ud, dl;
	int n, allow, maxidx, cancelled, used;
};

struct uwake {
	struct wk wk;
	long nr_max;
	int allow, used, ok_count;
	char args[96];
};

static void uring_cqe(struct thr *t, struct io_uring_cqe *c,
		      struct uwait *uw, struct uwake *uk, int *nout)
{
	uint64_t ud = c->user_data, type = ud & (0xffULL << 56);
	int i = ud & 0xff;

	if (type == UD_WAIT && i < UMAX && uw[i].used && uw[i].ud == ud) {
		struct uwait *x = &uw[i];
		long res = c->res;
		int o = classify(res, x->n);

		if (o == O_WOKEN && x->n && res >= x->maxidx)
			o = O_NONE;
		if (o == O_CANCEL)
			ADD(A->cancel, 1);
		if (!(x->allow & (1 << o)))
			mismatch("io_uring FUTEX_WAIT%s n=%d: model allows 0x%x, got %ld",
				 (ud & (1ULL << 55)) ? "V" : "", x->n,
				 x->allow, res);
		if (o == O_WOKEN && !reachable(x->r))
			mismatch("io_uring wait keys=%d: woken, but no wake could reach it",
				 x->r->key[0]);
		ADD(A->waits, 1);
		if (o == O_EAGAIN)
			ADD(A->eagain, 1);
		rec_end(x->r, o == O_NONE ? O_EINVAL : o);
		x->used = 0;
		(*nout)--;
	} else if (type == UD_WAKE && i < UMAX && uk[i].used) {
		struct uwake *y = &uk[i];
		long res = c->res;

		check_ret("io_uring FUTEX_WAKE", res, y->ok_count, y->allow,
			  y->args);
		if (y->ok_count)
			wake_end(t, &y->wk, "io_uring FUTEX_WAKE", res, res,
				 y->nr_max);
		y->used = 0;
		ADD(A->wakes, 1);
	} else if (type == UD_CANCEL) {
		if (c->res < 0 && c->res != -ENOENT && c->res != -EALREADY)
			mismatch("io_uring ASYNC_CANCEL: got %d", c->res);
	} else {
		mismatch("io_uring: unexpected CQE user_data=0x%llx res=%d",
			 (unsigned long long)ud, c->res);
	}
}

static const uint64_t ucounts[] = { 1, 2, 300, INT_MAX, INT_MAX, 70000,
				    0x80000005ULL, 0 };

static void *uring_thread(void *arg)
{
	struct thr *t = arg;
	struct ring ring = { .fd = -1 };
	struct uwait uw[UMAX];
	struct uwake uk[UMAX];
	struct io_uring_cqe c;
	struct mpf_waitv wv[MAXE];
	struct mpf_sqe s;
	uint64_t uniq = 0, stop_t = 0;
	int nout = 0, i, j, ret;

	memset(uw, 0, sizeof(uw));
	memset(uk, 0, sizeof(uk));
	ret = ring_setup(&ring);
	if (ret) {
		say("mpfuzz: io_uring unavailable (%d), slot %d goes without",
		    ret, myslot);
		return NULL;
	}
	for (;;) {
		uint64_t now = now_ns();

		while (ring_reap(&ring, &c))
			uring_cqe(t, &c, uw, uk, &nout);
		for (i = 0; i < UMAX; i++) {
			if (!uw[i].used || uw[i].cancelled ||
			    (now < uw[i].dl && !stop_t))
				continue;
			memset(&s, 0, sizeof(s));
			s.opcode = IORING_OP_ASYNC_CANCEL;
			s.addr = uw[i].ud;
			s.user_data = UD_CANCEL;
			if (ring_submit(&ring, &s) == 1)
				uw[i].cancelled = 1;
		}
		if (phase() && !stop_t)
			stop_t = now;
		if (stop_t) {
			if (!nout || now - stop_t > 4000000000ULL)
				break;
			usleep(2000);
			continue;
		}
		if (nout < 6 && rn(&t->r, 3) == 0) {
			struct fut f[MAXE];
			int n = 1, v = rn(&t->r, 3) == 0, bad = -1, remap = 0;
			struct timespec ts;
			uint64_t dl;

			for (i = 0; i < UMAX && uw[i].used; i++)
				;
			if (v)
				n = 1 + rn(&t->r, MAXE);
			for (j = 0; j < n; j++) {
				key_fut(pick_key(&t->r, 0), rand_size(&t->r), &f[j]);
				remap |= f[j].remap;
			}
			if (!rn(&t->r, 10))
				bad = rn(&t->r, n);
			deadline_ts(&t->r, &dl, &ts);
			uw[i].r = rec_new(t, f, n, dl);
			if (!uw[i].r)
				goto wake;
			uw[i].used = 1;
			uw[i].cancelled = 0;
			uw[i].dl = dl;
			uw[i].n = v ? n : 0;
			uw[i].maxidx = bad > 0 ? bad : n;
			uw[i].allow = A_CANCEL | (remap ? A_EFAULT : 0) |
				(bad >= 0 ? A_EAGAIN : A_WOKEN) |
				(bad > 0 ? A_WOKEN : 0);
			uw[i].ud = UD_WAIT | (v ? 1ULL << 55 : 0) |
				   (++uniq << 8) | i;
			memset(&s, 0, sizeof(s));
			s.user_data = uw[i].ud;
			if (v) {
				for (j = 0; j < n; j++) {
					wv[j].val = j == bad;
					wv[j].uaddr = (uintptr_t)f[j].addr;
					wv[j].flags = f2flags(&f[j]);
					wv[j].reserved = 0;
				}
				s.opcode = IORING_OP_FUTEX_WAITV;
				s.addr = (uintptr_t)wv;
				s.len = n;
			} else {
				s.opcode = IORING_OP_FUTEX_WAIT;
				s.fd = f2flags(&f[0]);
				s.addr = (uintptr_t)f[0].addr;
				s.addr2 = bad == 0;
				s.addr3 = size_max(f[0].size);
			}
			nout++;
			ADD(A->uring, 1);
			if (ring_submit(&ring, &s) != 1) {
				mismatch("io_uring submit of a wait failed");
				rec_end(uw[i].r, O_EINVAL);
				uw[i].used = 0;
				nout--;
			}
		} else {
			struct fut f;
			uint64_t cnt;
			long nrm;
wake:
			for (i = 0; i < UMAX && uk[i].used; i++)
				;
			if (i == UMAX)
				goto idle;
			key_fut(pick_key(&t->r, 0), rand_size(&t->r), &f);
			cnt = ucounts[rn(&t->r, 8)];
			if (!rn(&t->r, 40))
				cnt = 0x100000001ULL;	/* above U32_MAX: EINVAL */
			nrm = (int)cnt < 0 ? 1 : (int)cnt;
			memset(&s, 0, sizeof(s));
			s.opcode = IORING_OP_FUTEX_WAKE;
			s.fd = f2flags(&f);
			s.addr = (uintptr_t)f.addr;
			s.addr2 = cnt;
			s.addr3 = size_max(f.size);
			s.user_data = UD_WAKE | (++uniq << 8) | i;
			uk[i].used = 1;
			uk[i].nr_max = nrm;
			uk[i].ok_count = cnt <= 0xffffffffULL;
			uk[i].allow = uk[i].ok_count ? (f.remap && f.shared ?
					A_EFAULT : 0) : A_EINVAL;
			snprintf(uk[i].args, sizeof(uk[i].args),
				 "key=%d size=U%d flags=0x%x count=%llu",
				 f.key, 8 << f.size, f2flags(&f),
				 (unsigned long long)cnt);
			if (uk[i].ok_count)
				wake_begin(t, &uk[i].wk, f.key, -1, nrm);
			ADD(A->uring, 1);
			if (ring_submit(&ring, &s) != 1) {
				mismatch("io_uring submit of a wake failed");
				if (uk[i].ok_count)
					wake_end(t, &uk[i].wk, "uring", 0, 0, 0);
				uk[i].used = 0;
			}
		}
idle:
		usleep(500 + rn(&t->r, 3000));
	}
	/* what is left is dropped with the ring */
	for (i = 0; i < UMAX; i++)
		if (uw[i].used)
			uw[i].r->hung = 2;
	close(ring.fd);
	return NULL;
}

/* Op threads */
static void drain(struct thr *t)
{
	uint64_t t0 = now_ns();
	int k, i;

	while (now_ns() - t0 < 4000000000ULL) {
		for (i = 0; i < NSW + KPER; i++) {
			struct fut f;
			struct wk wk;
			long ret;

			k = i < NSW ? i : (1 + myslot) * KPER + i - NSW;
			key_fut(k, 2, &f);
			wake_begin(t, &wk, k, -1, INT_MAX);
			ret = f2_wake(f.addr, size_max(f.size), INT_MAX,
				      f2flags(&f));
			check_ret("drain futex_wake", ret, 1,
				  f.remap && f.shared ? A_EFAULT : 0, "");
			wake_end(t, &wk, "drain futex_wake", ret, ret, INT_MAX);
		}
		if (LD(A->inflight) <= 0)
			break;
		usleep(10000);
	}
}

static void *op_thread(void *arg)
{
	struct thr *t = arg;
	int c;

	t->ktid = gettid();
	while (!phase()) {
		c = rn(&t->r, 100);
		if (c < 12)
			op_wait(t, 0);
		else if (c < 18)
			op_wait(t, 1 + rn(&t->r, 2));
		else if (c < 28)
			op_wait(t, 3);
		else if (c < 52)
			op_wake(t, 0);
		else if (c < 64)
			op_wake(t, 1);
		else if (c < 80)
			op_wake(t, 2);
		else if (c < 88)
			op_wake(t, 3);
		else if (c < 94)
			op_invalid(t);
		else
			usleep(rn(&t->r, 3000));
		if (c >= 28)
			usleep(rn(&t->r, 1500));
	}
	drain(t);
	return NULL;
}

/* Control thread: signals, munmap/mmap, PR_FUTEX_HASH */
static void on_usr1(int sig)
{
	(void)sig;
}

static void remap_page(struct rng *r)
{
	void *p = priv_word(2);

	if (munmap(p, PG))
		mismatch("munmap: %d", errno);
	usleep(rn(r, 3000));
	if (mmap(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_FIXED | MAP_POPULATE, -1, 0) != p)
		mismatch("mmap of the private page: %d", errno);
}

static void resize_hash(struct rng *r, int *global)
{
	static const int slots[] = { 0, 2, 16, 128, 1024, 16, 3, 1 };
	int n = slots[rn(r, 8)];
	long before, ret, after;

	before = prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_GET_SLOTS, 0, 0, 0);
	ret = prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_SET_SLOTS, n, 0, 0);
	ret = ret < 0 ? -errno : ret;
	after = prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_GET_SLOTS, 0, 0, 0);
	ADD(A->prctls, 1);
	if (n == 1 || n == 3) {
		if (ret != -EINVAL)
			mismatch("PR_FUTEX_HASH_SET_SLOTS %d: model EINVAL, got %ld",
				 n, ret);
		return;
	}
	if (ret == -EBUSY ? !(*global || before == 0) :
	    ret != 0 && ret != -ENOMEM)
		mismatch("PR_FUTEX_HASH_SET_SLOTS %d: got %ld (slots before %ld)",
			 n, ret, before);
	if (ret == 0 && n == 0)
		*global = 1;
	if (ret == 0 && after != n && after != before)
		mismatch("PR_FUTEX_HASH_GET_SLOTS after SET_SLOTS %d: %ld (before %ld)",
			 n, after, before);
}

static struct thr thrs[NTHR];
static pthread_t pth[NTHR];

static void worker_exec(void)
{
	char a1[16], a2[16], *argv[] = { "mpfuzz", "--worker", a1, a2, NULL };

	snprintf(a1, sizeof(a1), "%d", myslot);
	snprintf(a2, sizeof(a2), "%d", memfd);
	ST(A->ps[myslot].state, P_EXECING);
	ADD(A->execs, 1);
	execv("/proc/self/exe", argv);
	mismatch("exec: %d", errno);
	_exit(1);
}

static int worker_main(void)
{
	struct sigaction sa;
	struct rng r;
	int i, resizer, global = 0;
	uint64_t t_next;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: EINTR */

	myinc = ADD(A->incs, 1);
	ST(A->ps[myslot].inc, myinc);
	/* this slot's private keys start afresh */
	for (i = (1 + myslot) * KPER; i < (2 + myslot) * KPER; i++) {
		ST(A->ks[i].wake_active, 0);
		ST(A->ks[i].wake_end, 0);
		memset(A->emask[i], 0, sizeof(A->emask[i]));
		memset(A->eact[i], 0, sizeof(A->eact[i]));
	}
	rng_init(&r, A->seed, myslot + 1, A->ps[myslot].gen);
	ST(A->ps[myslot].state, P_ALIVE);
	resizer = rn(&r, 3);	/* 0: none, 1: at start, 2: during the run */
	if (resizer == 1)
		resize_hash(&r, &global);

	for (i = 1; i < NTHR; i++) {
		thrs[i].tid = i;
		thrs[i].ri = 0;
		rng_init(&thrs[i].r, A->seed, (myslot + 1) * 16 + i,
			 A->ps[myslot].gen);
		if (pthread_create(&pth[i], NULL, i == URING_TID ?
				   uring_thread : op_thread, &thrs[i])) {
			mismatch("pthread_create");
			_exit(1);
		}
	}
	t_next = now_ns();
	while (!phase()) {
		int cmd = LD(A->ps[myslot].cmd);

		if (cmd == C_EXIT)
			_exit(0);	/* with its threads waiting */
		if (cmd == C_EXEC)
			worker_exec();
		if (now_ns() >= t_next) {
			int c = rn(&r, 10);

			if (c < 4) {
				int t = 1 + rn(&r, 3);

				if (thrs[t].ktid)
					syscall(SYS_tgkill, getpid(),
						thrs[t].ktid, SIGUSR1);
			} else if (c < 7) {
				remap_page(&r);
			} else if (resizer == 2) {
				resize_hash(&r, &global);
			}
			t_next = now_ns() + (20 + rn(&r, 200)) * 1000000ULL;
		}
		usleep(5000);
	}
	for (i = 1; i < NTHR; i++)
		pthread_join(pth[i], NULL);
	_exit(0);
}

/* Set up the private words at PRIV_ADDR (2 pages) */
static void map_private(void)
{
	void *p = mmap(PRIV_ADDR, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		       MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0);

	if (p != PRIV_ADDR) {
		perror("mpfuzz: mmap private");
		exit(2);
	}
}

static void map_arena(int fd)
{
	void *p = mmap(ARENA_ADDR, sizeof(struct arena), PROT_READ |
		       PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);

	if (p != ARENA_ADDR) {
		perror("mpfuzz: mmap arena");
		exit(2);
	}
	A = p;
}

/* The image after an exec resumes as the worker of its slot */
static int resume_worker(int slot, int fd)
{
	memfd = fd;
	map_arena(fd);
	map_private();
	myslot = slot;
	mark_dead(slot);	/* the waits of the image before */
	ST(A->ps[slot].cmd, C_RUN);
	ADD(A->ps[slot].gen, 1);
	return worker_main();
}

/* The parent */
static void spawn(int s)
{
	pid_t pid;

	ST(A->ps[s].cmd, C_RUN);
	ADD(A->ps[s].gen, 1);
	ST(A->ps[s].state, P_ALIVE);
	pid = fork();
	if (pid < 0) {
		perror("mpfuzz: fork");
		ST(A->ps[s].state, P_DEAD);
		return;
	}
	if (!pid) {
		myslot = s;
		worker_main();
	}
	ST(A->ps[s].pid, pid);
}

static void reap(int block)
{
	int s, status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, block ? 0 : WNOHANG)) > 0) {
		for (s = 0; s < NPROC; s++) {
			if (LD(A->ps[s].pid) != pid)
				continue;
			ST(A->ps[s].state, P_DEAD);
			ST(A->ps[s].pid, 0);
			mark_dead(s);
			if (WIFEXITED(status) && WEXITSTATUS(status))
				mismatch("worker %d exited with %d", s,
					 WEXITSTATUS(status));
			if (!phase())
				spawn(s);
		}
		if (block)
			break;
	}
}

/*
 * The parent's clock of the time it got to run: a pass of its 20 ms loop
 * counts at most 50 ms, so that a stall of the whole guest (a busy host
 * under TCG) is not taken for a lost waiter. Samples of the last ~20 s.
 */
#define NSAMP	1024
static uint64_t samp_real[NSAMP], samp_adj[NSAMP], adj_now, last_real;
static unsigned int nsamp;

static void adj_tick(void)
{
	uint64_t now = now_ns(), d = last_real ? now - last_real : 0;

	adj_now += d > 50000000ULL ? 50000000ULL : d;
	last_real = now;
	samp_real[nsamp % NSAMP] = now;
	samp_adj[nsamp % NSAMP] = adj_now;
	nsamp++;
}

/* The adjusted clock at real time @t (the latest sample before it) */
static uint64_t adj_at(uint64_t t)
{
	unsigned int i, n = nsamp < NSAMP ? nsamp : NSAMP;

	for (i = 1; i <= n; i++)
		if (samp_real[(nsamp - i) % NSAMP] <= t)
			return samp_adj[(nsamp - i) % NSAMP];
	return n ? samp_adj[(nsamp - n) % NSAMP] : 0;
}

static void hang_check(uint64_t grace)
{
	uint64_t now = now_ns();
	int s, t, i;

	adj_tick();
	for (s = 0; s < NPROC; s++) {
		if (LD(A->ps[s].state) != P_ALIVE)
			continue;
		for (t = 0; t < NTHR; t++) {
			for (i = 0; i < RING; i++) {
				struct rec *r = &A->rec[s][t][i];

				if (LD(r->state) != R_INFLIGHT || r->hung ||
				    !r->deadline || now < r->deadline + grace)
					continue;
				if (LD(r->state) != R_INFLIGHT ||
				    LD(A->ps[s].state) != P_ALIVE ||
				    adj_now < adj_at(r->deadline) + grace)
					continue;
				r->hung = 1;
				mismatch("lost waiter: slot %d thread %d key %d n=%u still waits %.3f s after its deadline",
					 s, t, r->key[0], r->n,
					 (now - r->deadline) / 1e9);
			}
		}
	}
}

static int nodes_possible(void)
{
	char buf[64];
	int fd = open("/sys/devices/system/node/possible", O_RDONLY), n, a, b;

	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = 0;
	if (sscanf(buf, "%d-%d", &a, &b) == 2)
		return b + 1;
	return 1;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static int run(uint64_t seed, uint64_t seconds, int failfast, int grace_ms,
	       int idx)
{
	struct rng r;
	uint64_t t_end, t_hard, t_act;
	int s, i, alive;
	int64_t m;

	memset(A, 0, sizeof(*A));
	nsamp = 0;
	adj_now = last_real = 0;
	A->seed = seed;
	A->seconds = seconds;
	A->failfast = failfast;
	A->grace_ms = grace_ms;
	A->nodes = nodes_possible();
	A->u32only = env_u64("MPFUZZ_U32ONLY", 0);
	A->trust = env_u64("MPFUZZ_TRUST_REQUEUE", 0);
	A->t0 = now_ns();
	/* NUMA pairs: U8 at 6, U64 at 7, node words FUTEX_NO_NODE */
	if (A->u32only) {
		memset(&A->w[6][4], 0xff, 4);
		memset(&A->w[7][4], 0xff, 4);
	} else {
		A->w[6][1] = 0xff;
		memset(&A->w[7][8], 0xff, 8);
	}
	A->badnuma[1] = 100;
	say("mpfuzz: seed=%llu", (unsigned long long)seed);
	rng_init(&r, seed, 0, 0);
	for (s = 0; s < NPROC; s++)
		spawn(s);
	t_end = A->t0 + seconds * 1000000000ULL;
	t_hard = t_end + 60000000000ULL;
	t_act = now_ns() + 1000000000ULL;
	while (now_ns() < t_end) {
		usleep(20000);
		reap(0);
		hang_check(grace_ms * 1000000ULL);
		if (failfast && LD(A->mismatches))
			break;
		if (now_ns() < t_act)
			continue;
		t_act = now_ns() + (1500 + rn(&r, 3000)) * 1000000ULL;
		s = rn(&r, NPROC);
		if (LD(A->ps[s].state) != P_ALIVE || !LD(A->ps[s].pid))
			continue;
		switch (rn(&r, 3)) {
		case 0:
			ST(A->ps[s].state, P_DYING);
			kill(LD(A->ps[s].pid), SIGKILL);
			ADD(A->kills, 1);
			break;
		case 1:
			ST(A->ps[s].state, P_DYING);
			ST(A->ps[s].cmd, C_EXIT);
			break;
		default:
			ST(A->ps[s].cmd, C_EXEC);
			break;
		}
	}
	ST(A->phase, 1);
	/* workers drain and exit */
	for (;;) {
		alive = 0;
		reap(0);
		for (s = 0; s < NPROC; s++)
			alive += LD(A->ps[s].state) != P_DEAD;
		if (!alive)
			break;
		hang_check(grace_ms * 1000000ULL);
		if (now_ns() > t_hard ||
		    (now_ns() > t_end + 20000000000ULL && !failfast)) {
			mismatch("hang: %d workers still running %.1f s after the end",
				 alive, (now_ns() - t_end) / 1e9);
			for (s = 0; s < NPROC; s++)
				if (LD(A->ps[s].pid))
					kill(LD(A->ps[s].pid), SIGKILL);
			while (alive--)
				reap(1);
			break;
		}
		if (failfast && LD(A->mismatches) &&
		    now_ns() > t_end + 8000000000ULL) {
			for (s = 0; s < NPROC; s++)
				if (LD(A->ps[s].pid))
					kill(LD(A->ps[s].pid), SIGKILL);
		}
		usleep(20000);
	}
	for (s = 0; s < NPROC; s++)
		mark_dead(s);

	/* conservation */
	if (A->woken_low > A->wake_counted + A->wake_slack)
		mismatch("conservation: %lld waits woken, but wakes counted only %lld (+%lld from killed wakers)",
			 (long long)A->woken_low, (long long)A->wake_counted,
			 (long long)A->wake_slack);
	if (A->wake_counted > A->woken_high + A->killed_entries)
		mismatch("conservation: wakes counted %lld, more than the %lld queued entries woken + %lld killed in flight",
			 (long long)A->wake_counted, (long long)A->woken_high,
			 (long long)A->killed_entries);
	for (i = 0; i < NPROC; i++)
		if (A->priv_wake[i] > A->priv_woken[i] + A->priv_killed[i])
			mismatch("namespace: wakes on slot %d's private keys counted %lld, its own private waits woken %lld + %lld killed",
				 i, (long long)A->priv_wake[i],
				 (long long)A->priv_woken[i],
				 (long long)A->priv_killed[i]);
	m = A->mismatches;
	say("mpfuzz: seed=%llu seconds=%llu procs=%d waits=%lld woken=%lld timeouts=%lld eintr=%lld wakes=%lld requeues=%lld uring=%lld execs=%lld kills=%lld mismatches=%lld",
	    (unsigned long long)seed, (unsigned long long)seconds, NPROC,
	    (long long)A->waits, (long long)A->woken, (long long)A->timeouts,
	    (long long)A->eintr, (long long)A->wakes, (long long)A->requeues,
	    (long long)A->uring, (long long)A->execs, (long long)A->kills,
	    (long long)m);
	say("mpfuzz: detail eagain=%lld efault=%lld einval=%lld cancelled=%lld prctl=%lld counted=%lld low=%lld high=%lld killed=%lld slack=%lld elapsed=%.1fs",
	    (long long)A->eagain, (long long)A->efault, (long long)A->einval,
	    (long long)A->cancel, (long long)A->prctls,
	    (long long)A->wake_counted, (long long)A->woken_low,
	    (long long)A->woken_high, (long long)A->killed_entries,
	    (long long)A->wake_slack, tsec());
	if (m)
		say("mpfuzz: seed=%llu first mismatch after %.3f s",
		    (unsigned long long)seed, (A->first_mm - A->t0) / 1e9);
	say("%sok %d mpfuzz seed=%llu", m ? "not " : "", idx,
	    (unsigned long long)seed);
	return m != 0;
}

int main(int argc, char **argv)
{
	uint64_t seed, seconds;
	int runs, i, fail = 0, failfast, grace;

	if (argc == 4 && !strcmp(argv[1], "--worker"))
		return resume_worker(atoi(argv[2]), atoi(argv[3]));

	setvbuf(stdout, NULL, _IOLBF, 0);
	seed = env_u64("MPFUZZ_SEED", 0);
	if (!getenv("MPFUZZ_SEED")) {
		seed = now_ns() ^ ((uint64_t)getpid() << 32);
		seed %= 1000000000ULL;
	}
	seconds = env_u64("MPFUZZ_SECONDS", 60);
	runs = env_u64("MPFUZZ_RUNS", 1);
	failfast = env_u64("MPFUZZ_FAILFAST", 0);
	grace = env_u64("MPFUZZ_GRACE_MS", 1000);
	if (runs < 1)
		runs = 1;

	memfd = memfd_create("mpfuzz", 0);
	if (memfd < 0 || ftruncate(memfd, sizeof(struct arena))) {
		perror("mpfuzz: memfd");
		return 2;
	}
	map_arena(memfd);
	map_private();
	say("1..%d", runs);
	for (i = 0; i < runs; i++)
		fail |= run(seed + i, seconds, failfast, grace, i + 1);
	return fail;
}
