// SPDX-License-Identifier: GPL-2.0
/*
 * kinsn: a QEMU TCG plugin that counts guest instructions between two
 * markers, kernel and user apart, and optionally where the kernel's went.
 *
 * A marker is the execution of a translation block that starts at the
 * address given as mark= (bench/syscall_floor.c's bench_mark(), which
 * scripts/bench.sh links at 0x10000000, an address no other guest program
 * uses). The first marker opens a window, the next one closes it, and so
 * on. Counting is per translation block, from its instruction count,
 * on every vCPU: a block left early by an exception counts whole.
 *
 * Arguments (-plugin kinsn.so,ARG=VALUE,...):
 *   mark=ADDR      the marker address (hex with 0x, or decimal)
 *   profile=on     at exit, the kernel's instructions in the windows by
 *                  block address: "kinsn-profile VADDR INSNS"
 * Output (QEMU's log, -d plugin -D FILE):
 *   kinsn-window N kernel K user U     each window, all vCPUs together
 *   kinsn-total windows W kernel K user U
 *
 * Built against the include/qemu/qemu-plugin.h of the installed QEMU's own
 * Debian source package (scripts/kinsn.sh): its plugin API version must
 * match the binary's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* x86_64: the kernel lives in the upper half of the address space */
#define KERNEL_START	0xffff800000000000ULL

struct block {
	uint64_t vaddr;
	uint64_t execs;		/* executions inside a window */
	unsigned int insns;
	int kernel;
	struct block *next;
};

static uint64_t mark = UINT64_MAX;
static bool profile;
static volatile int window_open;
static unsigned int windows;
static uint64_t count[2], start[2];	/* user, kernel */
static struct block *blocks;		/* every block, for the profile */

static void block_exec(unsigned int vcpu, void *udata)
{
	struct block *b = udata;

	if (!window_open)
		return;
	__atomic_fetch_add(&count[b->kernel], b->insns, __ATOMIC_RELAXED);
	if (profile)
		__atomic_fetch_add(&b->execs, 1, __ATOMIC_RELAXED);
}

static void mark_exec(unsigned int vcpu, void *udata)
{
	char buf[128];
	uint64_t k, u;

	if (!window_open) {
		start[0] = __atomic_load_n(&count[0], __ATOMIC_RELAXED);
		start[1] = __atomic_load_n(&count[1], __ATOMIC_RELAXED);
		window_open = 1;
		return;
	}
	window_open = 0;
	windows++;
	u = __atomic_load_n(&count[0], __ATOMIC_RELAXED) - start[0];
	k = __atomic_load_n(&count[1], __ATOMIC_RELAXED) - start[1];
	snprintf(buf, sizeof(buf), "kinsn-window %u kernel %" PRIu64 " user %" PRIu64 "\n",
		 windows, k, u);
	qemu_plugin_outs(buf);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b = calloc(1, sizeof(*b));

	if (!b)
		abort();
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = qemu_plugin_tb_n_insns(tb);
	b->kernel = b->vaddr >= KERNEL_START;
	/* Translation runs under QEMU's translation lock */
	b->next = blocks;
	blocks = b;
	if (b->vaddr == mark)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, mark_exec,
						     QEMU_PLUGIN_CB_NO_REGS, b);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, block_exec,
					     QEMU_PLUGIN_CB_NO_REGS, b);
}

static int by_vaddr(const void *a, const void *b)
{
	const struct block *x = *(struct block * const *)a;
	const struct block *y = *(struct block * const *)b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* The kernel's instructions by block address; retranslations add up. */
static void dump_profile(void)
{
	struct block **v, *b;
	size_t n = 0, i;
	uint64_t sum;
	char buf[96];

	for (b = blocks; b; b = b->next)
		n += b->kernel && b->execs;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return;
	n = 0;
	for (b = blocks; b; b = b->next)
		if (b->kernel && b->execs)
			v[n++] = b;
	qsort(v, n, sizeof(*v), by_vaddr);
	for (i = 0; i < n; i++) {
		sum = v[i]->execs * v[i]->insns;
		while (i + 1 < n && v[i + 1]->vaddr == v[i]->vaddr) {
			i++;
			sum += v[i]->execs * v[i]->insns;
		}
		snprintf(buf, sizeof(buf), "kinsn-profile %" PRIx64 " %" PRIu64 "\n",
			 v[i]->vaddr, sum);
		qemu_plugin_outs(buf);
	}
	free(v);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	char buf[128];

	if (profile)
		dump_profile();
	snprintf(buf, sizeof(buf),
		 "kinsn-total windows %u kernel %" PRIu64 " user %" PRIu64 "\n",
		 windows, count[1], count[0]);
	qemu_plugin_outs(buf);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			goto bad;
		*eq++ = '\0';
		if (!strcmp(argv[i], "mark")) {
			char *end;

			mark = strtoull(eq, &end, 0);
			if (*end || end == eq)
				goto bad;
		} else if (!strcmp(argv[i], "profile")) {
			if (!qemu_plugin_bool_parse(argv[i], eq, &profile))
				goto bad;
		} else {
			goto bad;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
bad:
	fprintf(stderr, "kinsn: bad argument %s (mark=ADDR, profile=on|off)\n", argv[i]);
	return -1;
}
