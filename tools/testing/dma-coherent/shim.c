// SPDX-License-Identifier: GPL-2.0
/*
 * The fake kernel environment coherent.c runs in: allocations, memremap()
 * over a "physical" arena, printk, WARN, remap_pfn_range(), work items,
 * RCU and the bits of lib/ the tools tree lacks.  Everything is counted so
 * that tests can see leaks, warnings and messages; any fallible call can
 * be made to fail.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>

#include <linux/bitmap.h>
#include <linux/io.h>
#include <linux/mutex.h>
#include <linux/of_fdt.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "shim.h"
#include "trace/events/dma_coherent.h"

struct shim_counters shim;
unsigned long shim_traces[SHIM_TRACE_NR];
__thread struct shim_degraded shim_degraded;
struct shim_remap shim_remap;
bool shim_verbose;
__thread int shim_atomic;
void (*shim_hook)(enum shim_hook_point where, const void *arg);

static unsigned long fail_at;
static const char *failed;
static pthread_mutex_t msg_lock = PTHREAD_MUTEX_INITIALIZER;
static char last_msg[512];

#define count(field, n)	__atomic_add_fetch(&(field), n, __ATOMIC_RELAXED)

void shim_reset(void)
{
	long allocs = shim.allocs, maps = shim.maps;

	memset(&shim, 0, sizeof(shim));
	shim.allocs = allocs;
	shim.maps = maps;
	memset(&shim_remap, 0, sizeof(shim_remap));
	memset(shim_traces, 0, sizeof(shim_traces));
	fail_at = 0;
	failed = NULL;
	last_msg[0] = '\0';
}

void shim_fail_call(unsigned long nth)
{
	fail_at = nth ? shim.calls + nth : 0;
	failed = NULL;
}

bool shim_best_effort(const char *call)
{
	return !strncmp(call, "debugfs_", 8) || !strcmp(call, "kcalloc");
}

const char *shim_failed_call(void)
{
	return failed;
}

/* A call that may fail or sleep: count it and decide. */
static bool call_fails(const char *what, bool may_sleep)
{
	if (shim_atomic && may_sleep)
		count(shim.bad, 1);
	if (count(shim.calls, 1) != fail_at)
		return false;
	failed = what;
	return true;
}

bool shim_call_fails(const char *what, bool may_sleep)
{
	return call_fails(what, may_sleep);
}

void *shim_alloc(size_t n, size_t size, gfp_t gfp, bool zero, const char *what)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	if (call_fails(what, gfp == GFP_KERNEL))
		return NULL;
	if (!n || !size) {
		n = 1;
		size = 1;
	}
	p = zero ? calloc(n, size) : malloc(n * size);
	if (p)
		count(shim.allocs, 1);
	return p;
}

void shim_free(const void *p)
{
	if (!p)
		return;
	if (shim_hook)
		shim_hook(SHIM_HOOK_KFREE, p);
	count(shim.allocs, -1);
	free((void *)p);
}

/*
 * kstrdup_const() copies too (the strings here are not in .rodata); its
 * failures are named apart, since coherent.c may take them as best effort.
 */
const char *kstrdup_const(const char *s, gfp_t gfp)
{
	char *d;

	if (!s)
		return NULL;
	d = shim_alloc(1, strlen(s) + 1, gfp, false, "kstrdup_const");
	if (d)
		memcpy(d, s, strlen(s) + 1);
	return d;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	char *d;

	if (!s)
		return NULL;
	d = shim_alloc(1, strlen(s) + 1, gfp, false, "kstrdup");
	if (d)
		memcpy(d, s, strlen(s) + 1);
	return d;
}

/* "%*pbl": the set bits of a bitmap as ranges, "0-3,7". */
static void bitmap_list(char *out, size_t len, int nbits, const unsigned long *map)
{
	unsigned long s, e;
	size_t at = 0;

	*out = '\0';
	for (s = find_next_bit(map, nbits, 0); s < (unsigned long)nbits && at < len;
	     s = find_next_bit(map, nbits, e)) {
		e = find_next_zero_bit(map, nbits, s);
		if (e - s > 1)
			at += snprintf(out + at, len - at, "%s%lu-%lu", at ? "," : "", s, e - 1);
		else
			at += snprintf(out + at, len - at, "%s%lu", at ? "," : "", s);
	}
}

/*
 * vsnprintf() plus the kernel's %pa (phys_addr_t *), %pad (dma_addr_t *)
 * and %*pbl (bitmap as a list).
 */
void shim_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	char spec[32], *out = buf, *end = buf + len;
	const char *f = fmt;
	size_t k;

	*out = '\0';
	while (*f && out < end - 1) {
		if (*f != '%') {
			*out++ = *f++;
			*out = '\0';
			continue;
		}
		if (!strncmp(f, "%*pbl", 5)) {
			int nbits = va_arg(ap, int);

			bitmap_list(out, end - out, nbits, va_arg(ap, const unsigned long *));
			f += 5;
			out += strlen(out);
			continue;
		}
		k = strspn(f + 1, "#0-+ .0123456789hlzj") + 2;
		if (k >= sizeof(spec) || !f[k - 1])
			break;
		memcpy(spec, f, k);
		spec[k] = '\0';
		if (!strcmp(spec, "%p") && f[2] == 'a') {
			bool dma = f[3] == 'd';
			unsigned long long v = dma ? *va_arg(ap, dma_addr_t *) :
						     *va_arg(ap, phys_addr_t *);

			snprintf(out, end - out, "0x%0*llx",
				 (int)(dma ? sizeof(dma_addr_t) : sizeof(phys_addr_t)) * 2, v);
			f += dma ? 4 : 3;
			out += strlen(out);
			continue;
		}
		switch (spec[k - 1]) {
		case 's':
			snprintf(out, end - out, spec, va_arg(ap, const char *));
			break;
		case 'p':
			snprintf(out, end - out, spec, va_arg(ap, void *));
			break;
		case '%':
			snprintf(out, end - out, "%%");
			break;
		default:
			if (strstr(spec, "ll") || strchr(spec, 'j'))
				snprintf(out, end - out, spec, va_arg(ap, long long));
			else if (strchr(spec, 'l'))
				snprintf(out, end - out, spec, va_arg(ap, long));
			else if (strchr(spec, 'z'))
				snprintf(out, end - out, spec, va_arg(ap, size_t));
			else
				snprintf(out, end - out, spec, va_arg(ap, int));
		}
		f += k;
		out += strlen(out);
	}
}

static void emit(const char *fmt, va_list ap)
{
	size_t len;

	pthread_mutex_lock(&msg_lock);
	shim_vformat(last_msg, sizeof(last_msg), fmt, ap);
	len = strlen(last_msg);
	if (len && last_msg[len - 1] == '\n')
		last_msg[len - 1] = '\0';
	if (shim_verbose)
		fprintf(stderr, "# %s\n", last_msg);
	pthread_mutex_unlock(&msg_lock);
}

int shim_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	shim_vformat(buf, len, fmt, ap);
	va_end(ap);
	return strlen(buf);
}

const char *shim_last_msg(void)
{
	return last_msg;
}

void shim_printk(int level, const char *fmt, ...)
{
	va_list ap;

	count(shim.msgs[level], 1);
	va_start(ap, fmt);
	emit(fmt, ap);
	va_end(ap);
}

bool shim_warn(bool *once, const char *fmt, ...)
{
	va_list ap;

	count(shim.warns, 1);
	if (once && __atomic_exchange_n(once, true, __ATOMIC_RELAXED))
		return true;
	count(shim.warned, 1);
	va_start(ap, fmt);
	emit(fmt, ap);
	va_end(ap);
	return true;
}

int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		    unsigned long pfn, unsigned long size, pgprot_t prot)
{
	int ret;

	(void)vma;
	(void)prot;
	if (shim_atomic)
		count(shim.bad, 1);
	pthread_mutex_lock(&msg_lock);
	shim_remap.calls++;
	shim_remap.addr = addr;
	shim_remap.pfn = pfn;
	shim_remap.size = size;
	ret = shim_remap.result;
	pthread_mutex_unlock(&msg_lock);
	return ret;
}

static struct {
	u8		*virt;
	phys_addr_t	phys;
	u64		size;
	bool		sparse;
} arena;

static void *maps[64];

int shim_arena_init(phys_addr_t phys, u64 size, bool sparse)
{
	void *p;

	if (arena.virt && arena.phys == phys && arena.size == size &&
	    arena.sparse == sparse)
		return 0;		/* kept from before: reuse it */
	shim_arena_exit();
	if (size != (size_t)size)
		return -1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	arena.virt = p;
	arena.phys = phys;
	arena.size = size;
	arena.sparse = sparse;
	return 0;
}

void shim_arena_exit(void)
{
	if (arena.virt)
		munmap(arena.virt, arena.size);
	memset(&arena, 0, sizeof(arena));
}

void *shim_phys_to_virt(phys_addr_t phys)
{
	return arena.virt + (phys - arena.phys);
}

void *shim_memset(void *p, int c, size_t n)
{
	u8 *b = p;

	if (!arena.sparse || n <= 2 * PAGE_SIZE)
		return memset(p, c, n);
	memset(b, c, PAGE_SIZE);
	memset(b + n - PAGE_SIZE, c, PAGE_SIZE);
	return p;
}

void *memremap(phys_addr_t offset, size_t size, unsigned long flags)
{
	unsigned int i;

	if (flags != MEMREMAP_WC)
		count(shim.bad, 1);
	if (call_fails("memremap", true))
		return NULL;
	if (offset < arena.phys || size > arena.size ||
	    offset - arena.phys > arena.size - size)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		if (!maps[i]) {
			maps[i] = arena.virt + (offset - arena.phys);
			count(shim.maps, 1);
			return maps[i];
		}
	}
	count(shim.bad, 1);
	return NULL;
}

void memunmap(void *addr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		if (maps[i] && maps[i] == addr) {
			maps[i] = NULL;
			count(shim.maps, -1);
			return;
		}
	}
	count(shim.bad, 1);
}

/* lib/bitmap.c: first run of @nr clear bits at (index + @align_offset) & @align_mask == 0. */
unsigned long bitmap_find_next_zero_area_off(unsigned long *map, unsigned long size,
					     unsigned long start, unsigned int nr,
					     unsigned long align_mask,
					     unsigned long align_offset)
{
	unsigned long index, end, busy;

	for (;;) {
		index = find_next_zero_bit(map, size, start);
		index = ((index + align_offset + align_mask) & ~align_mask) -
			align_offset;
		end = index + nr;
		if (end > size)
			return end;
		busy = find_next_bit(map, end, index);
		if (busy >= end)
			return index;
		start = busy + 1;
	}
}

const void *of_get_flat_dt_prop(unsigned long node, const char *name, int *size)
{
	static const char *const props[] = {
		"reusable", "no-map", "linux,dma-default",
	};
	unsigned int i;

	if (size)
		*size = 0;
	for (i = 0; i < ARRAY_SIZE(props); i++)
		if (!strcmp(name, props[i]))
			return node & (1UL << i) ? props[i] : NULL;
	return NULL;
}

/* lib/bitmap.c's, bit by bit. */
void bitmap_shift_right(unsigned long *dst, const unsigned long *src,
			unsigned int shift, unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i < nbits; i++) {
		if (i + shift < nbits && test_bit(i + shift, src))
			dst[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
		else
			dst[i / BITS_PER_LONG] &= ~(1UL << (i % BITS_PER_LONG));
	}
}

/* lib/kstrtox.c's: the whole string, one trailing newline allowed. */
int kstrtou64(const char *s, unsigned int base, u64 *res)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s || (*end && strcmp(end, "\n")))
		return -EINVAL;
	*res = v;
	return 0;
}

/* lib/string.c's: leading and trailing whitespace off. */
char *strim(char *s)
{
	size_t len = strlen(s);

	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

void shim_might_sleep(void)
{
	if (shim_atomic)
		count(shim.bad, 1);
}

void shim_lockdep_failed(void)
{
	count(shim.bad, 1);
}

/* One queue for all: its name is the format, unformatted. */
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	static struct workqueue_struct wq;

	(void)flags;
	(void)max_active;
	if (call_fails("alloc_workqueue", true))
		return NULL;
	wq.name = fmt;
	return &wq;
}

/*
 * Work items: a list the harness runs from shim_flush_work(), in the
 * calling thread, with no lock held, as a kworker would.
 */
static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(work_list);
static unsigned long work_queued;

bool schedule_work(struct work_struct *work)
{
	bool queued = false;

	pthread_mutex_lock(&work_lock);
	if (!work->pending) {
		work->pending = true;
		list_add_tail(&work->entry, &work_list);
		work_queued++;
		queued = true;
	}
	pthread_mutex_unlock(&work_lock);
	return queued;
}

unsigned long shim_flush_work(void)
{
	struct work_struct *work;
	unsigned long n = 0;

	shim_might_sleep();
	for (;;) {
		pthread_mutex_lock(&work_lock);
		work = list_empty(&work_list) ? NULL :
		       list_first_entry(&work_list, struct work_struct, entry);
		if (work) {
			list_del_init(&work->entry);
			work->pending = false;
			work_queued--;
		}
		pthread_mutex_unlock(&work_lock);
		if (!work)
			return n;
		count(shim.works, 1);
		work->func(work);
		n++;
	}
}

unsigned long shim_work_pending(void)
{
	unsigned long n;

	pthread_mutex_lock(&work_lock);
	n = work_queued;
	pthread_mutex_unlock(&work_lock);
	return n;
}

#ifdef SHIM_RCU_NESTING
/*
 * The benchmark, one thread: a reader only counts its nesting, as the
 * kernel's rcu_read_lock() does (current->rcu_read_lock_nesting, or the
 * preempt count), so that the timed pairs do not pay for the atomics the
 * tests need; a grace period has no other thread to wait for.
 */
static __thread int rcu_depth;

void rcu_read_lock(void)
{
	rcu_depth++;
	shim_atomic++;
}

void rcu_read_unlock(void)
{
	shim_atomic--;
	rcu_depth--;
}

void synchronize_rcu(void)
{
	count(shim.grace_periods, 1);
	if (shim_atomic || rcu_depth)
		count(shim.bad, 1);
}
#else
/*
 * RCU, as SRCU does it: a reader counts itself in one of two counters,
 * the one the epoch's parity names; a grace period flips the epoch and
 * waits for the other counter to drain, twice, so that every reader that
 * was counted when it began has left.  Atomics only: no lock that could
 * order against the caller's (ThreadSanitizer would see one).  A reader is
 * atomic context: it may not sleep, nor wait for a grace period.
 */
static unsigned long rcu_epoch;
static long rcu_readers[2];
static __thread int rcu_depth, rcu_idx;
static pthread_mutex_t gp_lock = PTHREAD_MUTEX_INITIALIZER;

void rcu_read_lock(void)
{
	if (!rcu_depth++) {
		rcu_idx = __atomic_load_n(&rcu_epoch, __ATOMIC_SEQ_CST) & 1;
		__atomic_add_fetch(&rcu_readers[rcu_idx], 1, __ATOMIC_SEQ_CST);
	}
	shim_atomic++;
}

void rcu_read_unlock(void)
{
	shim_atomic--;
	if (--rcu_depth)
		return;
	__atomic_sub_fetch(&rcu_readers[rcu_idx], 1, __ATOMIC_SEQ_CST);
	if (shim_hook)
		shim_hook(SHIM_HOOK_RCU_UNLOCK, NULL);
}

void synchronize_rcu(void)
{
	unsigned long old;
	int i;

	count(shim.grace_periods, 1);
	if (shim_atomic) {
		count(shim.bad, 1);
		return;
	}
	pthread_mutex_lock(&gp_lock);
	for (i = 0; i < 2; i++) {
		old = __atomic_fetch_add(&rcu_epoch, 1, __ATOMIC_SEQ_CST) & 1;
		while (__atomic_load_n(&rcu_readers[old], __ATOMIC_SEQ_CST))
			sched_yield();
	}
	pthread_mutex_unlock(&gp_lock);
}
#endif /* SHIM_RCU_NESTING */
