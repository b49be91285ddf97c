// SPDX-License-Identifier: GPL-2.0
/*
 * The differential engine.  A world is three devices, two device-tree
 * regions and a global pool laid out in one arena, each in its own slot;
 * every operation is done on coherent.c and on the model (model.c), and
 * after every step the results, addresses, live pages, stats, buffer
 * contents, warnings and device chains must agree.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coherent_wrap.h"
#include "engine.h"
#include "model.h"
#include "shim.h"

#define NDEV		MODEL_NDEV
#define NRMEM		2
#define MAXCHAIN	(NRMEM + 1)
#define SLOT_PAGES	2048UL
#define ARENA_PAGES	((NDEV + NRMEM + 1) * SLOT_PAGES)
#define FULL_PAGES	16	/* buffers up to this are checked whole */
#define NHIST		12
#define DMA_MAX		((unsigned long long)(dma_addr_t)~0ULL)

static const char *const op_names[OP_NR] = {
	"declare", "attach", "detach", "alloc", "free", "free-bad", "mmap",
	"release", "global-alloc", "global-free", "global-mmap",
};

static const unsigned char op_weight[OP_NR] = {
	[OP_DECLARE] = 4, [OP_ATTACH] = 2, [OP_DETACH] = 1, [OP_ALLOC] = 34,
	[OP_FREE] = 28, [OP_FREE_BAD] = 8, [OP_MMAP] = 6, [OP_RELEASE] = 3,
	[OP_GALLOC] = 6, [OP_GFREE] = 6, [OP_GMMAP] = 2,
};

static struct {
	struct dsrc		*s;
	struct engine_result	*r;
	phys_addr_t		phys;		/* of the arena */
	u8			*arena;
	struct device		dev[NDEV];
	struct mpool		decl[NDEV], rpool[NRMEM], glob;
	struct reserved_mem	rmem[NRMEM], grmem;
	struct mpool		*chain[NDEV][MAXCHAIN];
	int			nchain[NDEV];
	unsigned long		warns;		/* WARNs coherent.c should have given */
	const char		*phase;		/* outside operations: which */
	u32			seq;
	struct {
		int		dev;
		u8		*v;
		int		order;
	} freed[8];				/* recent frees, to free again */
	unsigned int		nfreed;
	struct {
		unsigned long	nr;
		int		op, dev;
		u64		a, b, c;
	} hist[NHIST];
} w;

void dsrc_seed(struct dsrc *s, u64 seed)
{
	memset(s, 0, sizeof(*s));
	s->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
}

void dsrc_data(struct dsrc *s, const u8 *data, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->data = data;
	s->len = len;
}

/* Uniform enough in [0, n): PRNG bits, or as few input bytes as n needs. */
u64 dsrc_below(struct dsrc *s, u64 n)
{
	u64 v = 0;
	int bytes;

	if (n <= 1)
		return 0;
	if (!s->data) {
		s->rng ^= s->rng >> 12;
		s->rng ^= s->rng << 25;
		s->rng ^= s->rng >> 27;
		return (s->rng * 0x2545f4914f6cdd1dULL >> 8) % n;
	}
	for (bytes = 0; bytes < 8 && (n - 1) >> (8 * bytes); bytes++) {
		if (s->pos >= s->len) {
			s->done = true;
			break;
		}
		v |= (unsigned long long)s->data[s->pos++] << (8 * bytes);
	}
	return v % n;
}

static u64 rnd(u64 n)
{
	return dsrc_below(w.s, n);
}

static bool chance(unsigned int percent)
{
	return rnd(100) < percent;
}

static __printf(1, 2) void fail(const char *fmt, ...);
static void fail(const char *fmt, ...)
{
	struct engine_result *r = w.r;
	va_list ap;
	int len;

	if (r->failed)
		return;
	r->failed = true;
	if (w.phase)
		len = snprintf(r->why, sizeof(r->why), "%s after op %lu: ", w.phase, r->ops);
	else
		len = snprintf(r->why, sizeof(r->why), "op %lu (%s): ", r->ops,
			       op_names[w.hist[r->ops % NHIST].op]);
	va_start(ap, fmt);
	vsnprintf(r->why + len, sizeof(r->why) - len, fmt, ap);
	va_end(ap);
}

/* Check @cond; if false, fail() with @fmt.  Returns @cond. */
#define EXPECT(cond, fmt, ...) ({					\
	bool __ok = !!(cond);						\
	if (!__ok)							\
		fail(fmt, ##__VA_ARGS__);				\
	__ok; })

static void note(int op, int dev, u64 a, u64 b, u64 c)
{
	w.hist[w.r->ops % NHIST] = (typeof(w.hist[0])) {
		.nr = w.r->ops, .op = op, .dev = dev, .a = a, .b = b, .c = c };
	w.r->kinds[op]++;
}

static const char *pname(const struct mpool *p)
{
	static char buf[32];

	if (p->kind == MP_GLOBAL)
		return "global pool";
	if (p->kind == MP_RMEM)
		snprintf(buf, sizeof(buf), "rmem%d pool", (int)(p - w.rpool));
	else
		snprintf(buf, sizeof(buf), "dev%d pool", (int)(p - w.decl));
	return buf;
}

static u64 pword(u32 seed, unsigned long i)
{
	return seed ? ((unsigned long long)seed << 32 | seed) ^ (i * 0x9e3779b97f4a7c15ULL) : 0;
}

/*
 * Write, or with @check compare, the pattern of @seed (0: zeroes) over @n
 * pages: every word of small buffers, the first and last 64 bytes of each
 * page of big ones.
 */
static bool pattern(u8 *buf, unsigned long n, u32 seed, bool check)
{
	const unsigned long wpp = PAGE_SIZE / sizeof(unsigned long long);
	u64 *word = (u64 *)buf;
	unsigned long i;

	for (i = 0; i < n * wpp; i++) {
		if (n > FULL_PAGES && i % wpp == 8)
			i += wpp - 16;
		if (!check)
			word[i] = pword(seed, i);
		else if (word[i] != pword(seed, i))
			return false;
	}
	return true;
}

static bool wraps(u64 start, u64 len, u64 max)
{
	return start > max || len - 1 > max - start;
}

static int errno_of(const char *failed_call)
{
	return strcmp(failed_call, "memremap") ? -ENOMEM : -EINVAL;
}

/* Whole pages of [@phys, @phys + @size): first page and count. */
static unsigned long whole_pages(phys_addr_t phys, u64 size, phys_addr_t *first)
{
	u64 head = (PAGE_SIZE - offset_in_page(phys)) % PAGE_SIZE;

	*first = phys + head;
	return size > head ? (size - head) >> PAGE_SHIFT : 0;
}

static bool in_arena(phys_addr_t phys, unsigned long pages)
{
	return phys >= w.phys && phys - w.phys <= (ARENA_PAGES - pages) * PAGE_SIZE &&
	       pages <= ARENA_PAGES;
}

static void check_pool(struct mpool *p)
{
	unsigned long i, words = p->nwords;
	struct dcw_pool a;
	const char *bad;

	dcw_pool_get(p->mem, &a);
	if (!EXPECT(a.virt == p->virt && a.pfn == PHYS_PFN(p->phys) && a.pages == p->pages,
		    "%s: mapped at %p pfn %#lx, %lu pages; model %p %#lx %lu",
		    pname(p), a.virt, a.pfn, a.pages, p->virt, PHYS_PFN(p->phys), p->pages))
		return;
	if (!EXPECT(a.dma == (p->kind == MP_DECLARED ? p->dma : (dma_addr_t)p->phys),
		    "%s: device base %#llx", pname(p), (unsigned long long)a.dma))
		return;
	if (!EXPECT(a.free == p->free && a.live == p->live,
		    "%s: free/live %lu/%lu, model %lu/%lu", pname(p), a.free, a.live,
		    p->free, p->live))
		return;
	if (!EXPECT(a.allocs == p->st.allocs && a.frees == p->st.frees &&
		    a.failures == p->st.failures && a.fallbacks == p->st.fallbacks &&
		    a.misuse == p->st.misuse && a.peak == p->st.peak,
		    "%s: stats allocs/frees/failures/fallbacks/misuse/peak %lu/%lu/%lu/%lu/%lu/%lu, model %lu/%lu/%lu/%lu/%lu/%lu",
		    pname(p), a.allocs, a.frees, a.failures, a.fallbacks, a.misuse, a.peak,
		    p->st.allocs, p->st.frees, p->st.failures, p->st.fallbacks,
		    p->st.misuse, p->st.peak))
		return;
	if (!EXPECT(a.off == p->off, "%s: bitmap offset %lu, model %lu", pname(p), a.off, p->off))
		return;
	for (i = 0; i < words; i++) {
		if (!EXPECT(a.used[i] == p->used[i],
			    "%s: pages %ld..%ld: used %#lx, model %#lx", pname(p),
			    (long)(i * BITS_PER_LONG - p->off),
			    (long)((i + 1) * BITS_PER_LONG - p->off - 1), a.used[i], p->used[i]))
			return;
		if (!EXPECT(a.start[i] == p->start[i],
			    "%s: pages %ld..%ld: starts %#lx, model %#lx", pname(p),
			    (long)(i * BITS_PER_LONG - p->off),
			    (long)((i + 1) * BITS_PER_LONG - p->off - 1), a.start[i], p->start[i]))
			return;
	}
	bad = dcw_check(p->mem);
	EXPECT(!bad, "%s: %s", pname(p), bad);
}

static void check_world(void)
{
	struct mpool *p;
	bool pending;
	long live;
	int d, i;

	for (d = 0; d < NDEV; d++) {
		for (i = 0; i <= w.nchain[d]; i++) {
			struct dma_coherent_mem *mem = i < w.nchain[d] ? w.chain[d][i]->mem : NULL;

			if (!EXPECT(dcw_pool_of(&w.dev[d], i) == mem,
				    "dev%d: pool %d of its chain differs from the model", d, i))
				return;
		}
	}
	for (i = 0; i < NDEV + NRMEM + 1; i++) {
		p = i < NDEV ? &w.decl[i] : i < NDEV + NRMEM ? &w.rpool[i - NDEV] : &w.glob;
		if (!p->mem)
			continue;
		check_pool(p);
		if (w.r->failed)
			return;
		for (d = 0; d < NDEV; d++) {
			bool on = dcw_user(p->mem, &w.dev[d], &live, &pending);

			if (!EXPECT(on == p->attached[d] && live == p->ulive[d] &&
				    pending == p->pending[d],
				    "%s: dev%d attached %d live %ld pending %d, model %d %ld %d",
				    pname(p), d, on, live, pending, p->attached[d], p->ulive[d],
				    p->pending[d]))
				return;
		}
	}
	for (i = 0; i < NRMEM; i++) {
		if (!EXPECT(w.rmem[i].priv == w.rpool[i].mem,
			    "rmem%d: pool differs from the model", i))
			return;
	}
	if (!EXPECT(dcw_global() == w.glob.mem, "global pool differs from the model"))
		return;
	if (!EXPECT(shim.warns == w.warns, "%lu WARNs, model %lu (last: %s)",
		    shim.warns, w.warns, shim_last_msg()))
		return;
	EXPECT(!shim.bad, "sleeping call under a spinlock or bad memremap/memunmap");
}

static ssize_t rand_size(void)
{
	switch (rnd(16)) {
	case 0:
		return -(ssize_t)rnd(3 * PAGE_SIZE);	/* 0 or negative */
	case 1:
		return chance(50) ? SSIZE_MAX - (ssize_t)rnd(PAGE_SIZE) :
				    (ssize_t)((SLOT_PAGES + rnd(64)) * PAGE_SIZE);
	case 2 ... 8:
		return 1 + rnd(PAGE_SIZE);
	case 9 ... 12:
		return 1 + rnd(16 * PAGE_SIZE);
	case 13 ... 14:
		return 1 + rnd(320 * PAGE_SIZE);
	default:
		return 1 + rnd(SLOT_PAGES / 2 * PAGE_SIZE);
	}
}

static void chain_del(int d, struct mpool *p)
{
	int i, j;

	for (i = j = 0; i < w.nchain[d]; i++)
		if (w.chain[d][i] != p)
			w.chain[d][j++] = w.chain[d][i];
	w.nchain[d] = j;
	p->ulive[d] = 0;
	p->attached[d] = false;
	p->pending[d] = false;
}

/* The pool of @d's chain (or the global pool, @d < 0) that holds @v. */
static struct mpool *owner_of(int d, const u8 *v)
{
	struct mpool *p;
	int i, n = d < 0 ? 1 : w.nchain[d];

	for (i = 0; i < n; i++) {
		p = d < 0 ? &w.glob : w.chain[d][i];
		if (p->mem && v >= p->virt && (unsigned long)(v - p->virt) >> PAGE_SHIFT < p->pages)
			return p;
	}
	return NULL;
}

static void op_declare(void)
{
	int d = chance(3) ? -1 : (int)rnd(NDEV), ret, exp;
	struct device *dev = d < 0 ? NULL : &w.dev[d];
	phys_addr_t phys, first;
	unsigned long pages, inject = chance(4) ? 1 + rnd(6) : 0;
	unsigned int flags = chance(30) ? DMA_COHERENT_FALLBACK : 0;
	long allocs = shim.allocs, maps = shim.maps;
	const char *failed;
	struct mpool *p;
	u64 size, dma;

	phys = w.phys + (d < 0 ? 0 : d) * SLOT_PAGES * PAGE_SIZE +
	       rnd(SLOT_PAGES / 2) * PAGE_SIZE + (chance(50) ? rnd(PAGE_SIZE) : 0);
	if (chance(2))
		phys = chance(50) ? PHYS_ADDR_MAX - rnd(4 * PAGE_SIZE) :
				    w.phys + ARENA_PAGES * PAGE_SIZE + rnd(PAGE_SIZE);
	size = chance(10) ? rnd(2 * PAGE_SIZE) : 1 + rnd(SLOT_PAGES / 2 * PAGE_SIZE);
	switch (rnd(20)) {
	case 0 ... 7:
		dma = phys + (rnd(1 << 20) << PAGE_SHIFT);
		break;
	case 8 ... 11:
		dma = phys;
		break;
	case 12 ... 14:
		dma = (rnd(DMA_MAX) & PAGE_MASK) | offset_in_page(phys);
		break;
	case 15:
		dma = ((DMA_MAX - rnd(8 * PAGE_SIZE)) & PAGE_MASK) | offset_in_page(phys);
		break;
	case 16:
		dma = phys ^ (1 + rnd(PAGE_SIZE - 1));
		break;
	default:
		dma = (rnd(1 << 12) << 20) + (rnd(256) << PAGE_SHIFT) + offset_in_page(phys);
	}
	dma &= DMA_MAX;
	if (chance(3))
		flags |= 1U << (1 + rnd(31));
	note(OP_DECLARE, d, phys, dma, size);

	pages = whole_pages(phys, size, &first);
	if (!dev)
		exp = -ENODEV;
	else if (w.nchain[d])
		exp = -EBUSY;
	else if (flags & ~DMA_COHERENT_FALLBACK)
		exp = -EINVAL;
	else if (!size || wraps(phys, size, PHYS_ADDR_MAX) || wraps(dma, size, DMA_MAX) ||
		 offset_in_page(phys ^ dma) || !pages || !in_arena(first, pages))
		exp = -EINVAL;
	else
		exp = 0;

	shim_fail_call(inject);
	if (flags)
		ret = dma_declare_coherent_memory_flags(dev, phys, dma, size, flags);
	else
		ret = dma_declare_coherent_memory(dev, phys, dma, size);
	failed = shim_failed_call();
	shim_fail_call(0);
	if (failed) {
		if (!EXPECT(ret == errno_of(failed), "%s failed: declare returned %d", failed, ret))
			return;
		exp = ret;
	}
	if (!EXPECT(ret == exp, "declare phys %#llx dma %#llx size %#llx flags %#x: %d, model %d",
		    (unsigned long long)phys, (unsigned long long)dma,
		    (unsigned long long)size, flags, ret, exp))
		return;
	if (ret) {
		EXPECT(shim.allocs == allocs && shim.maps == maps,
		       "failed declare (%d) leaks %ld allocations, %ld mappings",
		       ret, shim.allocs - allocs, shim.maps - maps);
		return;
	}
	p = &w.decl[d];
	mp_init(p, MP_DECLARED, first, dma + (first - phys),
		(dma + (first - phys)) >> PAGE_SHIFT, pages, w.arena + (first - w.phys));
	p->mem = dev->dma_mem;
	p->fallback = flags & DMA_COHERENT_FALLBACK;
	p->attached[d] = true;
	w.chain[d][w.nchain[d]++] = p;
}

static void op_attach(void)
{
	int d = rnd(NDEV), r = rnd(NRMEM), ret, exp = 0;
	unsigned long pages, inject = chance(5) ? 1 + rnd(7) : 0;
	struct reserved_mem *rm = &w.rmem[r];
	struct mpool *p = &w.rpool[r];
	bool create = !p->mem;
	const char *failed;
	phys_addr_t first;

	note(OP_ATTACH, d, r, 0, 0);
	pages = whole_pages(rm->base, rm->size, &first);
	if (create && !pages)
		exp = -EINVAL;
	else if (p->attached[d])
		exp = p->pending[d] ? 0 : -EBUSY;

	shim_fail_call(inject);
	ret = dcw_rmem_ops->device_init(rm, &w.dev[d]);
	failed = shim_failed_call();
	shim_fail_call(0);
	if (failed) {
		if (!EXPECT(ret == errno_of(failed), "%s failed: attach returned %d", failed, ret))
			return;
		exp = ret;
	}
	if (!EXPECT(ret == exp, "attach dev%d to rmem%d: %d, model %d", d, r, ret, exp))
		return;
	if (create && rm->priv) {
		mp_init(p, MP_RMEM, first, first, PHYS_PFN(first), pages,
			w.arena + (first - w.phys));
		p->mem = rm->priv;
	}
	if (ret)
		return;
	if (p->attached[d]) {
		p->pending[d] = false;
	} else {
		p->attached[d] = true;
		w.chain[d][w.nchain[d]++] = p;
	}
}

static void op_detach(void)
{
	int d = rnd(NDEV), r = rnd(NRMEM);
	struct mpool *p = &w.rpool[r];

	note(OP_DETACH, d, r, 0, 0);
	dcw_rmem_ops->device_release(&w.rmem[r], &w.dev[d]);
	if (!p->mem || !p->attached[d])
		return;
	if (p->ulive[d] > 0)
		p->pending[d] = true;
	else
		chain_del(d, p);
}

/* Check and record a buffer the allocator placed at @v in @p. */
static void took(struct mpool *p, int d, u8 *v, unsigned long n, dma_addr_t handle,
		 dma_addr_t base)
{
	unsigned long first = (v - p->virt) >> PAGE_SHIFT;
	const char *why;

	if (!EXPECT(offset_in_page(v - p->virt) == 0,
		    "%s: buffer %p not page aligned", pname(p), v))
		return;
	why = mp_check_place(p, first, n);
	if (!EXPECT(!why, "%s: %lu pages at page %lu (absolute %#llx): %s", pname(p), n,
		    first, (unsigned long long)(p->align_pfn + first), why))
		return;
	if (!EXPECT(handle == (dma_addr_t)(base + ((dma_addr_t)first << PAGE_SHIFT)),
		    "%s: DMA address %#llx for page %lu, model %#llx",
		    pname(p), (unsigned long long)handle, first,
		    (unsigned long long)(base + ((dma_addr_t)first << PAGE_SHIFT))))
		return;
	if (!EXPECT(pattern(v, n, 0, true), "%s: buffer at page %lu not zeroed", pname(p), first))
		return;
	mp_take(p, first, n, ++w.seq | 1, d);
	pattern(v, n, p->seed[first], false);
	w.r->allocs++;
}

/* Check that nothing in @p had room for @n pages, and count the failure. */
static void no_room(struct mpool *p, unsigned long n)
{
	unsigned int order = mp_order(n);
	long at = mp_find(p, n, order);

	if (at < 0 && order > MODEL_CAP_ORDER)
		at = mp_find(p, n, MODEL_CAP_ORDER);
	if (!EXPECT(at < 0,
		    "%s: allocation of %lu pages failed although the model finds room at page %ld",
		    pname(p), n, at))
		return;
	p->st.failures++;
}

static void op_alloc(void)
{
	int d = chance(2) ? -1 : (int)rnd(NDEV), ret, i, j;
	struct device *dev = d < 0 ? NULL : &w.dev[d];
	ssize_t size = rand_size();
	dma_addr_t handle = 0;
	unsigned long n;
	void *v = NULL;
	bool fallback = true;
	struct mpool *p;

	note(OP_ALLOC, d, size, 0, 0);
	ret = dma_alloc_from_dev_coherent(dev, size, &handle, &v);
	if (d < 0 || !w.nchain[d]) {
		EXPECT(ret == 0, "alloc for a device without pools returned %d", ret);
		return;
	}
	if (size <= 0) {
		EXPECT(ret == 1 && !v, "alloc of %zd bytes: %d, %p", size, ret, v);
		return;
	}
	n = (size - 1) / PAGE_SIZE + 1;
	p = v ? owner_of(d, v) : NULL;
	if (!EXPECT(!v || p, "alloc returned %p, outside dev%d's pools", v, d))
		return;
	for (i = 0; i < w.nchain[d] && w.chain[d][i] != p; i++) {
		no_room(w.chain[d][i], n);
		fallback &= w.chain[d][i]->fallback;
	}
	if (w.r->failed)
		return;
	if (p) {
		if (!EXPECT(ret == 1, "alloc returned %d with a buffer", ret))
			return;
		took(p, d, v, n, handle, p->kind == MP_DECLARED ? p->dma :
					 (dma_addr_t)(p->phys + dev->dma_offset));
		p->ulive[d]++;
		return;
	}
	j = fallback ? 0 : 1;
	if (!EXPECT(ret == j, "alloc of %lu pages found no room: %d, model %d", n, ret, j))
		return;
	if (fallback)
		w.chain[d][0]->st.fallbacks++;
	w.r->no_room++;
}

/* Free @v with @order through @d (-1: the global pool) and judge it. */
static void do_free(int d, u8 *v, int order)
{
	struct mpool *p = owner_of(d, v);
	unsigned long off = p ? (unsigned long)(v - p->virt) : 0, first = off >> PAGE_SHIFT;
	bool valid = p && !offset_in_page(off) && p->owner[first] == first + 1 &&
		     order >= 0 && order < BITS_PER_LONG - 1 &&
		     (unsigned int)order == mp_order(p->len[first]);
	int ret;

	if (valid && !EXPECT(pattern(v, p->len[first], p->seed[first], true),
			     "%s: buffer at page %lu changed while live", pname(p), first))
		return;
	if (d < 0)
		ret = dma_release_from_global_coherent(order, v);
	else
		ret = dma_release_from_dev_coherent(&w.dev[d], order, v);
	if (!EXPECT(ret == !!p, "free of %p order %d: %d, model %d", v, order, ret, !!p))
		return;
	if (!p)
		return;
	if (!valid) {
		p->st.misuse++;
		w.warns++;
		w.r->misuse++;
		return;
	}
	if (d >= 0)
		p->ulive[d]--;
	w.freed[w.nfreed++ % ARRAY_SIZE(w.freed)] = (typeof(w.freed[0])) { d, v, order };
	mp_put(p, first);
}

/* A random pool with live buffers: a device's or, with @global, the global one. */
static struct mpool *busy_pool(bool global)
{
	struct mpool *c[NDEV + NRMEM];
	int i, n = 0;

	if (global)
		return w.glob.mem && w.glob.live ? &w.glob : NULL;
	for (i = 0; i < NDEV; i++)
		if (w.decl[i].mem && w.decl[i].live)
			c[n++] = &w.decl[i];
	for (i = 0; i < NRMEM; i++)
		if (w.rpool[i].mem && w.rpool[i].live)
			c[n++] = &w.rpool[i];
	return n ? c[rnd(n)] : NULL;
}

static void op_free(int op)
{
	bool global = op == OP_GFREE, bad = op == OP_FREE_BAD || chance(10);
	struct mpool *p = busy_pool(global);
	unsigned long first = 0, n = 1;
	int d = global ? -1 : (int)rnd(NDEV), order = 0;
	u8 *v = NULL;

	if (p) {
		first = p->starts[rnd(p->live)];
		n = p->len[first];
		order = mp_order(n);
		v = p->virt + first * PAGE_SIZE;
		if (!global)
			d = p->by[first];
	}
	switch (bad ? rnd(p ? 8 : 2) + (p ? 0 : 6) : p ? 8 : 7) {
	case 0:
		order = chance(50) ? order + 1 + (int)rnd(3) : order - 1 - (int)rnd(2);
		break;
	case 1:
		order = chance(50) ? -1 - (int)rnd(4) : BITS_PER_LONG - 1 + (int)rnd(3);
		break;
	case 2:
		v += (n > 1 ? 1 + rnd(n - 1) : 0) * PAGE_SIZE + (n > 1 ? 0 : 1);
		break;
	case 3:
		v += 1 + rnd(PAGE_SIZE - 1);
		break;
	case 4:
		if (p && p->kind == MP_DECLARED)	/* someone else's buffer */
			d = (d + 1 + rnd(NDEV - 1)) % NDEV;
		break;
	case 5:
		if (w.nfreed) {
			unsigned int i = rnd(min_t(unsigned int, w.nfreed, ARRAY_SIZE(w.freed)));

			d = global ? -1 : w.freed[i].dev;
			v = w.freed[i].v;
			order = w.freed[i].order;
		}
		break;
	case 6:
		/* Any page of any pool of the device, or beyond its end. */
		if (d >= 0 && w.nchain[d])
			p = w.chain[d][rnd(w.nchain[d])];
		else if (d < 0)
			p = &w.glob;
		if (p && p->mem)
			v = p->virt + rnd(p->pages + 2) * PAGE_SIZE;
		order = rnd(4);
		break;
	case 7:
		v = chance(50) ? NULL : w.arena + rnd(ARENA_PAGES) * PAGE_SIZE;
		order = rnd(4);
		break;
	}
	/*
	 * A live buffer of a shared pool is freed through the device that
	 * allocated it: coherent.c counts live buffers per device and cannot
	 * tell, and the other device's count would keep it attached forever.
	 */
	p = d >= 0 ? owner_of(d, v) : NULL;
	if (p && p->kind == MP_RMEM && !offset_in_page(v - p->virt)) {
		first = (v - p->virt) >> PAGE_SHIFT;
		if (p->owner[first] == first + 1)
			d = p->by[first];
	}
	note(op, d, (unsigned long)v, order, 0);
	do_free(d, v, order);
}

static void op_mmap(int op)
{
	bool global = op == OP_GMMAP;
	int d = global ? -1 : (int)rnd(NDEV), err = 1, ret;
	struct mpool *p = busy_pool(global), *o;
	struct vm_area_struct vma = { 0 };
	unsigned long n = 1, off, first, count, user, i, calls = shim_remap.calls;
	u8 *v = NULL;
	size_t size;
	bool ok;

	if (p && chance(90)) {
		first = p->starts[rnd(p->live)];
		n = p->len[first];
		v = p->virt + first * PAGE_SIZE + (chance(10) ? rnd(PAGE_SIZE) : 0);
		if (!global)
			d = p->by[first];
	} else if (p) {
		v = p->virt + rnd(p->pages + 1) * PAGE_SIZE;
	}
	switch (rnd(10)) {
	case 0:
		size = chance(50) ? SIZE_MAX - rnd(PAGE_SIZE) : rnd(PAGE_SIZE * 4);
		break;
	case 1:
		size = (n + rnd(3)) * PAGE_SIZE;
		break;
	default:
		size = n * PAGE_SIZE - rnd(PAGE_SIZE);
	}
	vma.vm_start = (0x10000UL + rnd(0x10000)) << PAGE_SHIFT;
	vma.vm_end = vma.vm_start + rnd(n + 2) * PAGE_SIZE;
	if (chance(3))
		vma.vm_end = vma.vm_start - rnd(2) * PAGE_SIZE - 1;
	vma.vm_pgoff = chance(3) ? ULONG_MAX - rnd(n + 1) : rnd(n + 1);
	vma.vm_page_prot.pgprot = rnd(16);
	shim_remap.result = chance(5) ? -EAGAIN : 0;
	note(op, d, (unsigned long)v, size, vma.vm_pgoff);

	if (global)
		ret = dma_mmap_from_global_coherent(&vma, v, size, &err);
	else
		ret = dma_mmap_from_dev_coherent(&w.dev[d], &vma, v, size, &err);
	o = owner_of(d, v);
	if (!EXPECT(ret == !!o, "mmap of %p: %d, model %d", v, ret, !!o))
		return;
	if (!o) {
		EXPECT(shim_remap.calls == calls, "mmap of a foreign buffer remapped");
		return;
	}
	off = v - o->virt;
	first = off >> PAGE_SHIFT;
	ok = size <= o->pages * PAGE_SIZE - off;
	count = ok ? (size + PAGE_SIZE - 1) / PAGE_SIZE : 0;
	user = (vma.vm_end - vma.vm_start) >> PAGE_SHIFT;
	ok = ok && vma.vm_pgoff < count && user <= count - vma.vm_pgoff;
	for (i = 0; ok && i < user; i++)
		ok = o->owner[first + vma.vm_pgoff + i];
	if (!ok) {
		EXPECT(shim_remap.calls == calls && err == -ENXIO,
		       "%s: mmap of page %lu size %#zx pgoff %#lx pages %lu: %d, %lu remaps; model -ENXIO",
		       pname(o), first, size, vma.vm_pgoff, user, err, shim_remap.calls - calls);
		return;
	}
	EXPECT(shim_remap.calls == calls + 1 && err == shim_remap.result &&
	       shim_remap.addr == vma.vm_start &&
	       shim_remap.pfn == PHYS_PFN(o->phys) + first + vma.vm_pgoff &&
	       shim_remap.size == user << PAGE_SHIFT,
	       "%s: mmap of page %lu pgoff %lu: pfn %#lx size %#lx err %d, model pfn %#lx size %#lx",
	       pname(o), first, vma.vm_pgoff, shim_remap.pfn, shim_remap.size, err,
	       PHYS_PFN(o->phys) + first + vma.vm_pgoff, user << PAGE_SHIFT);
}

static void release(int d)
{
	struct mpool *old[MAXCHAIN], *p;
	long maps = shim.maps, gone = 0;
	int i, n = d < 0 ? 0 : w.nchain[d];

	dma_release_coherent_memory(d < 0 ? NULL : &w.dev[d]);
	memcpy(old, w.chain[d < 0 ? 0 : d], sizeof(old));
	for (i = 0; i < n; i++) {
		p = old[i];
		if (p->kind == MP_DECLARED && !p->live) {
			chain_del(d, p);
			mp_exit(p);
			gone++;
		} else if (p->kind == MP_RMEM && p->ulive[d] > 0) {
			p->pending[d] = true;
		} else if (p->kind == MP_RMEM) {
			chain_del(d, p);
		}
	}
	EXPECT(shim.maps == maps - gone, "%s of dev%d unmapped %ld pools, model %ld",
	       __func__, d, maps - shim.maps, gone);
}

static void op_galloc(void)
{
	int d = rnd(NDEV);
	ssize_t size = rand_size();
	dma_addr_t handle = 0;
	struct mpool *p = &w.glob;
	unsigned long n;
	void *v;

	note(OP_GALLOC, d, size, 0, 0);
	v = dma_alloc_from_global_coherent(&w.dev[d], size, &handle);
	if (!p->mem || size <= 0) {
		EXPECT(!v, "global alloc of %zd bytes returned %p", size, v);
		return;
	}
	n = (size - 1) / PAGE_SIZE + 1;
	if (!v) {
		no_room(p, n);
		return;
	}
	if (!EXPECT(owner_of(-1, v) == p, "global alloc returned %p, outside the pool", v))
		return;
	took(p, d, v, n, handle, (dma_addr_t)(p->phys + w.dev[d].dma_offset));
}

static void world_init(void)
{
	static const char *const names[NDEV] = { "dev0", "dev1", "dev2" };
	static const char *const rnames[NRMEM] = { "rmem0", "rmem1" };
	struct reserved_mem *rm;
	phys_addr_t base, first;
	unsigned long pages;
	int i, ret, exp;
	u64 size;

	shim_reset();
	w.warns = 0;
	w.nfreed = 0;
	memset(w.nchain, 0, sizeof(w.nchain));
	for (i = 0; i < NDEV; i++)
		w.dev[i] = (struct device) {
			.init_name = names[i],
			.coherent_dma_mask = chance(50) ? ~0ULL : 0xffffffffULL,
			.dma_offset = chance(50) ? 0 : rnd(1 << 16) << PAGE_SHIFT,
		};
	for (i = 0; i <= NRMEM; i++) {
		rm = i < NRMEM ? &w.rmem[i] : &w.grmem;
		base = w.phys + (NDEV + i) * SLOT_PAGES * PAGE_SIZE +
		       rnd(SLOT_PAGES / 2) * PAGE_SIZE + (chance(50) ? rnd(PAGE_SIZE) : 0);
		size = chance(5) ? rnd(2 * PAGE_SIZE) : 1 + rnd(SLOT_PAGES / 2 * PAGE_SIZE);
		*rm = (struct reserved_mem) {
			.name = i < NRMEM ? rnames[i] : "global", .base = base, .size = size,
			.fdt_node = i < NRMEM ? 0 : OF_PROP_DMA_DEFAULT,
		};
	}
	for (i = 0; i < NRMEM; i++) {
		ret = dcw_rmem_setup(&w.rmem[i]);
		if (!EXPECT(!ret && w.rmem[i].ops == dcw_rmem_ops, "rmem%d setup: %d", i, ret))
			return;
	}

	/* The global pool: directly, through a device-tree region, or none. */
	rm = &w.grmem;
	pages = whole_pages(rm->base, rm->size, &first);
	exp = pages ? 0 : -EINVAL;
	switch (rnd(4)) {
	case 0:
		return;
	case 1:
		if (!EXPECT(!dcw_rmem_setup(rm), "global rmem setup failed"))
			return;
		ret = dcw_init_reserved_default();
		if (!rm->size)		/* no default region was set up */
			exp = -ENOMEM;
		break;
	default:
		ret = dma_init_global_coherent(rm->base, rm->size);
	}
	if (!EXPECT(ret == exp, "global pool of %#llx bytes: %d, model %d",
		    (unsigned long long)rm->size, ret, exp))
		return;
	if (!ret) {
		mp_init(&w.glob, MP_GLOBAL, first, first, PHYS_PFN(first), pages,
			w.arena + (first - w.phys));
		w.glob.mem = dcw_global();
	}
}

/* Free everything, release every device; nothing may be left. */
static void world_exit(void)
{
	struct mpool *p;
	int i, d;

	for (i = 0; i < NDEV + NRMEM + 1; i++) {
		p = i < NDEV ? &w.decl[i] : i < NDEV + NRMEM ? &w.rpool[i - NDEV] : &w.glob;
		while (p->mem && p->live && !w.r->failed) {
			unsigned long first = p->starts[0];

			do_free(p->kind == MP_GLOBAL ? -1 : p->by[first],
				p->virt + first * PAGE_SIZE, mp_order(p->len[first]));
		}
	}
	for (d = 0; d < NDEV && !w.r->failed; d++) {
		release(d);
		if (!EXPECT(!w.nchain[d], "dev%d keeps %d pools after release", d, w.nchain[d]))
			return;
	}
	if (!w.r->failed)
		check_world();
	for (i = 0; i < NRMEM; i++) {
		if (!EXPECT(dcw_rmem_destroy(&w.rmem[i]) || w.r->failed, "rmem%d still used", i))
			return;
		mp_exit(&w.rpool[i]);
	}
	if (!EXPECT(dcw_global_destroy() || w.r->failed, "global pool still used"))
		return;
	mp_exit(&w.glob);
	EXPECT(shim.allocs == 0 && shim.maps == 0,
	       "%ld allocations and %ld mappings left after teardown", shim.allocs, shim.maps);
}

/* After a failure: take everything down without judging. */
static void world_abandon(void)
{
	struct mpool *p;
	int i, d;

	for (i = 0; i < NDEV + NRMEM + 1; i++) {
		p = i < NDEV ? &w.decl[i] : i < NDEV + NRMEM ? &w.rpool[i - NDEV] : &w.glob;
		while (p->mem && p->live) {
			unsigned long first = p->starts[0];
			u8 *v = p->virt + first * PAGE_SIZE;

			if (p->kind == MP_GLOBAL)
				dma_release_from_global_coherent(mp_order(p->len[first]), v);
			else
				dma_release_from_dev_coherent(&w.dev[p->by[first]],
							      mp_order(p->len[first]), v);
			mp_put(p, first);
		}
		if (p->kind != MP_DECLARED)
			for (d = 0; d < NDEV; d++)
				p->ulive[d] = 0;
	}
	for (d = 0; d < NDEV; d++) {
		dma_release_coherent_memory(&w.dev[d]);
		for (i = 0; i < NRMEM; i++)
			dcw_rmem_ops->device_release(&w.rmem[i], &w.dev[d]);
	}
	for (i = 0; i < NRMEM; i++)
		dcw_rmem_destroy(&w.rmem[i]);
	dcw_global_destroy();
	for (i = 0; i < NDEV; i++)
		mp_exit(&w.decl[i]);
	for (i = 0; i < NRMEM; i++)
		mp_exit(&w.rpool[i]);
	mp_exit(&w.glob);
}

static int pick_op(void)
{
	unsigned int v = rnd(100), op;

	for (op = 0; op < OP_NR - 1 && v >= op_weight[op]; op++)
		v -= op_weight[op];
	return op;
}

static void step(void)
{
	int op = pick_op();

	switch (op) {
	case OP_DECLARE:
		op_declare();
		break;
	case OP_ATTACH:
		op_attach();
		break;
	case OP_DETACH:
		op_detach();
		break;
	case OP_ALLOC:
		op_alloc();
		break;
	case OP_FREE:
	case OP_FREE_BAD:
	case OP_GFREE:
		op_free(op);
		break;
	case OP_MMAP:
	case OP_GMMAP:
		op_mmap(op);
		break;
	case OP_RELEASE: {
		int d = chance(3) ? -1 : (int)rnd(NDEV);

		note(OP_RELEASE, d, 0, 0, 0);
		release(d);
		break;
	}
	case OP_GALLOC:
		op_galloc();
		break;
	}
	if (!w.r->failed)
		check_world();
}

static void history(struct engine_result *r)
{
	size_t len = strlen(r->why);
	unsigned long i, from = r->ops >= NHIST - 1 ? r->ops - (NHIST - 1) : 0;

	for (i = from; i <= r->ops && len < sizeof(r->why) - 1; i++) {
		typeof(w.hist[0]) *h = &w.hist[i % NHIST];

		len += snprintf(r->why + len, sizeof(r->why) - len,
				"\n  op %lu: %s dev%d %#llx %#llx %#llx", h->nr,
				op_names[h->op], h->dev, (unsigned long long)h->a,
				(unsigned long long)h->b, (unsigned long long)h->c);
	}
}

bool engine_run(struct dsrc *s, unsigned long ops, unsigned long run_ops,
		struct engine_result *r)
{
	memset(r, 0, sizeof(*r));
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.r = r;
	w.phys = (phys_addr_t)0x456700000ULL + 3 * PAGE_SIZE;
	if (shim_arena_init(w.phys, ARENA_PAGES * PAGE_SIZE, false)) {
		snprintf(r->why, sizeof(r->why), "cannot map the arena");
		r->failed = true;
		return false;
	}
	w.arena = shim_phys_to_virt(w.phys);
	while (r->ops < ops && !s->done && !r->failed) {
		unsigned long end = r->ops + run_ops;

		r->runs++;
		w.phase = "world setup";
		world_init();
		w.phase = NULL;
		while (r->ops < min(ops, end) && !s->done && !r->failed) {
			step();
			if (!r->failed)
				r->ops++;
		}
		if (r->failed)
			break;
		w.phase = "teardown";
		world_exit();
		w.phase = NULL;
	}
	if (r->failed) {
		history(r);
		world_abandon();
	}
	if (!s->data)		/* the fuzzer calls again: keep the arena */
		shim_arena_exit();
	return !r->failed;
}
