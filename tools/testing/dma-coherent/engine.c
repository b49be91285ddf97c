// SPDX-License-Identifier: GPL-2.0
/*
 * The differential engine.  A world is three devices, five slots for
 * declared pools, two device-tree regions and a global pool, each pool
 * in its own slot of one arena; every operation is done on coherent.c
 * and on the model (model.c), and after every step the results,
 * addresses, live pages, stats, reference counts, buffer contents,
 * warnings, device chains and records, the registry of pools, the queued
 * work and (now and then) the debugfs files must agree.
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
#include "trace/events/dma_coherent.h"

#define NDEV		MODEL_NDEV
#define NDSLOT		5		/* declared pools, released ones included */
#define NRMEM		2
#define NPOOL		(NDSLOT + NRMEM + 1)
#define GLOB		(NPOOL - 1)
#define MAXCHAIN	(NRMEM + 1)
#define SLOT_PAGES	2048UL
#define ARENA_PAGES	(NPOOL * SLOT_PAGES)
#define FULL_PAGES	16	/* buffers up to this are checked whole */
#define NHIST		12
#define DMA_MAX		((unsigned long long)(dma_addr_t)~0ULL)

static const char *const op_names[OP_NR] = {
	"declare", "attach", "detach", "alloc", "free", "free-bad", "mmap",
	"release", "global-alloc", "global-free", "global-mmap", "flush-work",
	"forget", "debugfs",
};

static const unsigned char op_weight[OP_NR] = {
	[OP_DECLARE] = 4, [OP_ATTACH] = 2, [OP_DETACH] = 1, [OP_ALLOC] = 33,
	[OP_FREE] = 27, [OP_FREE_BAD] = 7, [OP_MMAP] = 6, [OP_RELEASE] = 3,
	[OP_GALLOC] = 6, [OP_GFREE] = 5, [OP_GMMAP] = 2, [OP_FLUSH] = 2,
	[OP_FORGET] = 1, [OP_DEBUGFS] = 1,
};

static struct {
	struct dsrc		*s;
	struct engine_result	*r;
	phys_addr_t		phys;		/* of the arena */
	u8			*arena;
	struct device		dev[NDEV];
	/* Declared pools in slots 0..NDSLOT-1, then rmem0, rmem1, global. */
	struct mpool		pool[NPOOL];
	struct reserved_mem	rmem[NRMEM], grmem;
	struct mpool		*chain[NDEV][MAXCHAIN];
	int			nchain[NDEV];
	unsigned long		warns;		/* WARNs coherent.c should have given */
	unsigned long		degraded;	/* and degraded-alloc trace events */
	bool			debugfs;	/* debugfs_initialized() */
	const char		*phase;		/* outside operations: which */
	u32			seq;
	struct {
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
	int i = p - w.pool;

	if (p->kind == MP_GLOBAL)
		return "global pool";
	if (p->kind == MP_RMEM)
		snprintf(buf, sizeof(buf), "rmem%d pool", i - NDSLOT);
	else
		snprintf(buf, sizeof(buf), "declared pool %d", i);
	return buf;
}

static phys_addr_t slot_phys(int i)
{
	return w.phys + i * SLOT_PAGES * PAGE_SIZE;
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

/*
 * What a call returns when @failed_call failed in it: debugfs is best
 * effort, memremap() means a bad range.
 */
static int errno_of(const char *failed_call)
{
	if (shim_best_effort(failed_call))
		return 0;
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

static struct device new_device(int d)
{
	static const char *const names[NDEV] = { "dev0", "dev1", "dev2" };

	/* A device may have no name yet: pools must not need one. */
	return (struct device) {
		.init_name = chance(10) ? NULL : names[d],
		.coherent_dma_mask = chance(50) ? ~0ULL : 0xffffffffULL,
		.dma_offset = chance(50) ? 0 : rnd(1 << 16) << PAGE_SHIFT,
	};
}

/*
 * The registered pool that holds @v, whichever device asks; or NULL.  A
 * pool leaves the registry with its last reference, before it is unmapped.
 */
static struct mpool *owner_of(const u8 *v)
{
	struct mpool *p;
	int i;

	for (i = 0; i < NPOOL; i++) {
		p = &w.pool[i];
		if (p->mem && !p->doomed && v >= p->virt &&
		    (unsigned long)(v - p->virt) >> PAGE_SHIFT < p->pages)
			return p;
	}
	return NULL;
}

/* The same through the global pool's own calls. */
static struct mpool *global_owner_of(const u8 *v)
{
	struct mpool *p = owner_of(v);

	return p && p->kind == MP_GLOBAL ? p : NULL;
}

/* A random registered pool, with live buffers if @busy; the global one if @global. */
static struct mpool *some_pool(bool global, bool busy)
{
	struct mpool *c[NPOOL];
	int i, n = 0;

	for (i = 0; i < NPOOL; i++)
		if (w.pool[i].mem && (!busy || w.pool[i].live || w.pool[i].doomed) &&
		    (!global || w.pool[i].kind == MP_GLOBAL))
			c[n++] = &w.pool[i];
	return n ? c[rnd(n)] : NULL;
}

static bool in_chain(int d, const struct mpool *p)
{
	int i;

	for (i = 0; i < w.nchain[d]; i++)
		if (w.chain[d][i] == p)
			return true;
	return false;
}

static void chain_del(int d, struct mpool *p)
{
	int i, j;

	for (i = j = 0; i < w.nchain[d]; i++)
		if (w.chain[d][i] != p)
			w.chain[d][j++] = w.chain[d][i];
	w.nchain[d] = j;
}

/* Reference count as the model has it: destroy a declared pool at zero. */
static bool unreferenced(const struct mpool *p)
{
	return p->kind == MP_DECLARED && !mp_refs(p);
}

static unsigned long doomed(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < NPOOL; i++)
		n += w.pool[i].mem && w.pool[i].doomed;
	return n;
}

/* The model's "bitmap" or "starts" debugfs file: pages as a list. */
static void page_list(const struct mpool *p, bool starts, char *buf, size_t len)
{
	unsigned long s, e, at = 0;

	buf[0] = '\0';
	for (s = 0; s < p->pages && at < len; s = e) {
		e = s + 1;
		if (!(starts ? p->owner[s] == s + 1 : p->owner[s]))
			continue;
		while (e < p->pages && (starts ? p->owner[e] == e + 1 : p->owner[e]))
			e++;
		at += snprintf(buf + at, len - at, "%s%lu", at ? "," : "", s);
		if (e - s > 1)
			at += snprintf(buf + at, len - at, "-%lu", e - 1);
	}
	snprintf(buf + at, len - at, "\n");
}

/* The pool's debugfs files against the model. */
static void check_debugfs(struct mpool *p, struct dentry *dir)
{
	static const char *const names[] = {
		"count", "used", "live", "allocs", "frees", "failures", "fallbacks",
		"misuse", "degraded", "peak",
	};
	const unsigned long want[] = {
		p->pages, p->pages - p->free, p->live, p->st.allocs, p->st.frees,
		p->st.failures, p->st.fallbacks, p->st.misuse, p->st.degraded, p->st.peak,
	};
	static char got[8192], model[8192];
	unsigned long i, v, devs = 0;
	char *c;
	int d;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		v = shim_debugfs_ulong(dir, names[i]);
		if (!EXPECT(v == want[i], "%s: debugfs %s reads %lu, model %lu",
			    pname(p), names[i], v, want[i]))
			return;
	}
	for (i = 0; i < 2; i++) {
		shim_debugfs_read(dir, i ? "starts" : "bitmap", got, sizeof(got));
		page_list(p, i, model, sizeof(model));
		if (!EXPECT(!strcmp(got, model), "%s: debugfs %s reads '%.60s', model '%.60s'",
			    pname(p), i ? "starts" : "bitmap", got, model))
			return;
	}
	shim_debugfs_read(dir, "devices", got, sizeof(got));
	for (d = 0; d < NDEV; d++)
		devs += p->user[d] != MU_NONE;
	for (i = 0, c = got; (c = strchr(c, '\n')); c++)
		i++;
	EXPECT(i == devs, "%s: debugfs devices lists %lu, model %lu", pname(p), i, devs);
}

static void check_pool(struct mpool *p)
{
	unsigned long i, words = p->nwords;
	unsigned int base_order = min_t(unsigned int, mp_base_order(p), MODEL_CAP_ORDER);
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
	if (!EXPECT(a.name && !strcmp(a.name, p->name), "%s: named '%s', model '%s'",
		    pname(p), a.name ? a.name : "(null)", p->name))
		return;
	if (!EXPECT(a.free == p->free && a.live == p->live,
		    "%s: free/live %lu/%lu, model %lu/%lu", pname(p), a.free, a.live,
		    p->free, p->live))
		return;
	if (!EXPECT(a.refs == mp_refs(p), "%s: %lu references, model %lu",
		    pname(p), a.refs, mp_refs(p)))
		return;
	if (!EXPECT(a.base_order == base_order, "%s: base order %u, model %u",
		    pname(p), a.base_order, base_order))
		return;
	if (!EXPECT(a.allocs == p->st.allocs && a.frees == p->st.frees &&
		    a.failures == p->st.failures && a.fallbacks == p->st.fallbacks &&
		    a.misuse == p->st.misuse && a.degraded == p->st.degraded &&
		    a.peak == p->st.peak,
		    "%s: stats allocs/frees/failures/fallbacks/misuse/degraded/peak %lu/%lu/%lu/%lu/%lu/%lu/%lu, model %lu/%lu/%lu/%lu/%lu/%lu/%lu",
		    pname(p), a.allocs, a.frees, a.failures, a.fallbacks, a.misuse,
		    a.degraded, a.peak, p->st.allocs, p->st.frees, p->st.failures,
		    p->st.fallbacks, p->st.misuse, p->st.degraded, p->st.peak))
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
	if (!EXPECT(!bad, "%s: %s", pname(p), bad))
		return;
	if (!EXPECT(!!a.debugfs == p->dir || p->dir_partial,
		    "%s: %s debugfs directory, model %s", pname(p),
		    a.debugfs ? "has a" : "has no", p->dir ? "one" : "none"))
		return;
	if (a.debugfs && !p->dir_partial && (w.phase || w.r->ops % 32 == 0))
		check_debugfs(p, a.debugfs);
}

static void check_world(void)
{
	struct dma_coherent_mem *reg[NPOOL + 4];
	int d, i, j, nreg, live = 0;
	bool listed;
	struct mpool *p;

	for (d = 0; d < NDEV; d++) {
		for (i = 0; i <= w.nchain[d]; i++) {
			struct dma_coherent_mem *mem = i < w.nchain[d] ? w.chain[d][i]->mem : NULL;

			if (!EXPECT(dcw_pool_of(&w.dev[d], i) == mem,
				    "dev%d: pool %d of its chain differs from the model", d, i))
				return;
		}
	}
	nreg = dcw_registry(reg, ARRAY_SIZE(reg));
	for (i = 0; i < NPOOL; i++) {
		p = &w.pool[i];
		if (!p->mem)
			continue;
		live += !p->doomed;
		for (j = 0; j < min_t(int, nreg, ARRAY_SIZE(reg)) && reg[j] != p->mem; j++)
			;
		/* A pool leaves the registry with its last reference. */
		listed = j < nreg;
		if (!EXPECT(listed == !p->doomed, "%s is %sin the registry", pname(p),
			    listed ? "" : "not "))
			return;
		check_pool(p);
		if (w.r->failed)
			return;
		for (d = 0; d < NDEV; d++) {
			bool on = dcw_user(p->mem, &w.dev[d]), model = p->user[d] != MU_NONE;

			if (!EXPECT(on == model,
				    "%s: dev%d %s a record, model %s", pname(p), d,
				    on ? "has" : "has no",
				    p->user[d] == MU_ATTACHED ? "attached" :
				    p->user[d] == MU_STALE ? "stale" : "none"))
				return;
		}
	}
	if (!EXPECT(nreg == live, "%d pools registered, model %d", nreg, live))
		return;
	for (i = 0; i < NRMEM; i++) {
		if (!EXPECT(w.rmem[i].priv == w.pool[NDSLOT + i].mem,
			    "rmem%d: pool differs from the model", i))
			return;
	}
	if (!EXPECT(dcw_global() == w.pool[GLOB].mem, "global pool differs from the model"))
		return;
	if (!EXPECT(shim.warns == w.warns, "%lu WARNs, model %lu (last: %s)",
		    shim.warns, w.warns, shim_last_msg()))
		return;
	if (!EXPECT(shim_traces[SHIM_TRACE_DEGRADED] == w.degraded,
		    "%lu degraded-alloc trace events, model %lu",
		    shim_traces[SHIM_TRACE_DEGRADED], w.degraded))
		return;
	if (!EXPECT(shim_work_pending() == doomed(), "%lu work items queued, model %lu",
		    shim_work_pending(), doomed()))
		return;
	EXPECT(!shim.bad, "shim.bad: %lu (see shim.h)", shim.bad);
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

static void destroyed(struct mpool *p)
{
	mp_exit(p);
}

/*
 * When the work items ran is coherent.c's choice (a declare may flush
 * them): if the queue emptied, every doomed pool went with it.
 */
static void flushed(void)
{
	int i;

	if (shim_work_pending() || !doomed())
		return;
	for (i = 0; i < NPOOL; i++)
		if (w.pool[i].mem && w.pool[i].doomed)
			destroyed(&w.pool[i]);
}

static void op_declare(void)
{
	int d = chance(3) ? -1 : (int)rnd(NDEV), ret, exp, slot = -1, i, nfree = 0;
	struct device *dev = d < 0 ? NULL : &w.dev[d];
	phys_addr_t phys, first;
	unsigned long pages, inject = chance(4) ? 1 + rnd(8) : 0;
	unsigned int flags = chance(30) ? DMA_COHERENT_FALLBACK : 0;
	long allocs = shim.allocs, maps = shim.maps;
	struct mpool *p, *in_use = NULL;
	unsigned long gone;
	const char *failed;
	struct dcw_pool a;
	bool adopt = false;
	u64 size, dma;

	/* A free slot; with none, memory outside the arena (refused). */
	for (i = 0; i < NDSLOT; i++)
		if (!w.pool[i].mem && !rnd(++nfree))
			slot = i;
	phys = (slot < 0 ? w.phys + ARENA_PAGES * PAGE_SIZE : slot_phys(slot)) +
	       rnd(SLOT_PAGES / 2) * PAGE_SIZE + (chance(50) ? rnd(PAGE_SIZE) : 0);
	/*
	 * Now and then inside a declared pool released with buffers still
	 * live: refused with -EBUSY.  (Other overlaps are allowed, as in 6.12.)
	 */
	p = some_pool(false, false);
	if (p && !p->doomed && p->kind == MP_DECLARED && p->live && !mp_has_users(p) &&
	    chance(5)) {
		phys = p->phys + rnd(p->pages) * PAGE_SIZE - (chance(50) ? rnd(PAGE_SIZE) : 0);
		slot = -1;
		in_use = p;
	}
	if (chance(2))
		phys = chance(50) ? PHYS_ADDR_MAX - rnd(4 * PAGE_SIZE) :
				    w.phys + ARENA_PAGES * PAGE_SIZE + rnd(PAGE_SIZE);
	size = chance(10) ? rnd(2 * PAGE_SIZE) : 1 + rnd(SLOT_PAGES / 2 * PAGE_SIZE);
	switch (rnd(22)) {
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
	case 17 ... 18: {
		/* The first whole page at a multiple of 2^k pages: aligned or not. */
		unsigned int k = rnd(10);
		u64 at = (rnd(1 << 12) << 20) + ((rnd(1 << 9) >> k) << (k + PAGE_SHIFT));

		dma = at - (PAGE_SIZE - offset_in_page(phys)) % PAGE_SIZE;
		break;
	}
	default:
		dma = (rnd(1 << 12) << 20) + (rnd(256) << PAGE_SHIFT) + offset_in_page(phys);
	}
	dma &= DMA_MAX;
	if (chance(3))
		flags |= 1U << (1 + rnd(31));
	/* Exactly its range, DMA address and flags: the pool is taken over. */
	if (in_use && chance(40)) {
		phys = in_use->phys;
		size = in_use->pages * PAGE_SIZE;
		dma = in_use->dma;
		flags = in_use->fallback ? DMA_COHERENT_FALLBACK : 0;
		if (chance(20))
			flags ^= DMA_COHERENT_FALLBACK;
	}
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
	else if (in_use && first == in_use->phys && pages == in_use->pages &&
		 dma + (first - phys) == in_use->dma &&
		 !!(flags & DMA_COHERENT_FALLBACK) == in_use->fallback)
		exp = 0, adopt = true;
	else if (in_use && first < in_use->phys + in_use->pages * PAGE_SIZE &&
		 in_use->phys < first + pages * PAGE_SIZE)
		exp = -EBUSY;
	else
		exp = 0;

	shim_fail_call(inject);
	if (flags)
		ret = dma_declare_coherent_memory_flags(dev, phys, dma, size, flags);
	else
		ret = dma_declare_coherent_memory(dev, phys, dma, size);
	failed = shim_failed_call();
	shim_fail_call(0);
	gone = doomed();
	flushed();
	gone -= doomed();
	if (failed && errno_of(failed)) {
		if (!EXPECT(ret == errno_of(failed), "%s failed: declare returned %d", failed, ret))
			return;
		exp = ret;
	}
	if (!EXPECT(ret == exp, "declare phys %#llx dma %#llx size %#llx flags %#x: %d, model %d",
		    (unsigned long long)phys, (unsigned long long)dma,
		    (unsigned long long)size, flags, ret, exp))
		return;
	if (ret) {
		/* What the pools unmapped meanwhile held is gone too. */
		EXPECT((gone ? shim.allocs < allocs : shim.allocs == allocs) &&
		       shim.maps == maps - (long)gone,
		       "failed declare (%d) leaks %ld allocations, %ld mappings",
		       ret, shim.allocs - allocs, shim.maps - maps + (long)gone);
		return;
	}
	if (adopt) {
		EXPECT(dev->dma_mem == in_use->mem && shim.maps == maps - (long)gone,
		       "declare over %s did not take it over", pname(in_use));
		in_use->user[d] = MU_ATTACHED;
		w.chain[d][w.nchain[d]++] = in_use;
		return;
	}
	if (!EXPECT(slot >= 0, "declare of %#llx inside %s succeeded",
		    (unsigned long long)first, in_use ? pname(in_use) : "a pool"))
		return;
	p = &w.pool[slot];
	mp_init(p, MP_DECLARED, first, dma + (first - phys),
		(dma + (first - phys)) >> PAGE_SHIFT, pages, w.arena + (first - w.phys));
	p->mem = dev->dma_mem;
	snprintf(p->name, sizeof(p->name), "declared@%llx", (unsigned long long)phys);
	p->fallback = flags & DMA_COHERENT_FALLBACK;
	p->user[d] = MU_ATTACHED;
	w.chain[d][w.nchain[d]++] = p;
	p->dir = w.debugfs;
	if (failed) {	/* in debugfs: the directory may be missing or partial */
		dcw_pool_get(p->mem, &a);
		p->dir = a.debugfs;
		p->dir_partial = true;
	}
}

static void op_attach(void)
{
	int d = rnd(NDEV), r = rnd(NRMEM), ret, exp = 0;
	unsigned long pages, inject = chance(5) ? 1 + rnd(8) : 0;
	struct reserved_mem *rm = &w.rmem[r];
	struct mpool *p = &w.pool[NDSLOT + r];
	bool create = !p->mem, again = in_chain(d, p);
	const char *failed;
	struct dcw_pool a;
	phys_addr_t first;

	note(OP_ATTACH, d, r, 0, 0);
	pages = whole_pages(rm->base, rm->size, &first);
	if (create && !pages)
		exp = -EINVAL;

	shim_fail_call(inject);
	ret = dcw_rmem_ops->device_init(rm, &w.dev[d]);
	failed = shim_failed_call();
	shim_fail_call(0);
	if (failed && errno_of(failed)) {
		if (!EXPECT(ret == errno_of(failed), "%s failed: attach returned %d", failed, ret))
			return;
		exp = ret;
	}
	/* Attached already: 0 (6.12 said -EBUSY). */
	if (!EXPECT(ret == exp, "attach dev%d to rmem%d%s: %d, model %d", d, r,
		    again ? " again" : "", ret, exp))
		return;
	if (create && rm->priv) {
		mp_init(p, MP_RMEM, first, first, PHYS_PFN(first), pages,
			w.arena + (first - w.phys));
		p->mem = rm->priv;
		snprintf(p->name, sizeof(p->name), "%s", rm->name);
		p->dir = w.debugfs;
		if (failed && !errno_of(failed)) {
			dcw_pool_get(p->mem, &a);
			p->dir = a.debugfs;
			p->dir_partial = true;
		}
	}
	if (ret || again)
		return;
	/* A stale record of a freed device at this address is replaced. */
	p->user[d] = MU_ATTACHED;
	w.chain[d][w.nchain[d]++] = p;
}

static void op_detach(void)
{
	int d = rnd(NDEV), r = rnd(NRMEM);
	struct mpool *p = &w.pool[NDSLOT + r];

	note(OP_DETACH, d, r, 0, 0);
	dcw_rmem_ops->device_release(&w.rmem[r], &w.dev[d]);
	if (!p->mem)
		return;
	if (p->user[d] == MU_ATTACHED)
		chain_del(d, p);
	p->user[d] = MU_NONE;
}

/* Check and record a buffer the allocator placed at @v in @p. */
static void took(struct mpool *p, u8 *v, unsigned long n, ssize_t size,
		 dma_addr_t handle, dma_addr_t base)
{
	unsigned long first = (v - p->virt) >> PAGE_SHIFT;
	const char *why;
	int k;

	if (!EXPECT(offset_in_page(v - p->virt) == 0,
		    "%s: buffer %p not page aligned", pname(p), v))
		return;
	why = mp_check_place(p, first, n);
	if (!EXPECT(!why, "%s: %lu pages at page %lu (absolute %#llx, base order %u): %s",
		    pname(p), n, first, (unsigned long long)(p->align_pfn + first),
		    mp_base_order(p), why))
		return;
	if (!EXPECT(handle == (dma_addr_t)(base + ((dma_addr_t)first << PAGE_SHIFT)),
		    "%s: DMA address %#llx for page %lu, model %#llx",
		    pname(p), (unsigned long long)handle, first,
		    (unsigned long long)(base + ((dma_addr_t)first << PAGE_SHIFT))))
		return;
	if (!EXPECT(pattern(v, n, 0, true), "%s: buffer at page %lu not zeroed", pname(p), first))
		return;
	k = mp_align(p, n);
	if (k < (int)mp_want(p, n)) {
		p->st.degraded++;
		w.degraded++;
		w.r->degraded++;
		/* Traced with the orders wanted and given. */
		if (!EXPECT(shim_traces[SHIM_TRACE_DEGRADED] == w.degraded &&
			    shim_degraded.want == mp_want(p, n) &&
			    shim_degraded.got == (unsigned int)k &&
			    shim_degraded.dma == handle && shim_degraded.size == (u64)size,
			    "%s: degraded trace: want %u got %u dma %#llx size %llu, model %u %d %#llx %zd",
			    pname(p), shim_degraded.want, shim_degraded.got, shim_degraded.dma,
			    shim_degraded.size, mp_want(p, n), k, (unsigned long long)handle, size))
			return;
	}
	mp_take(p, first, n, ++w.seq | 1);
	pattern(v, n, p->seed[first], false);
	w.r->allocs++;
}

/* Check that nothing in @p had room for @n pages, and count the failure. */
static void no_room(struct mpool *p, unsigned long n)
{
	int k = mp_align(p, n);

	if (!EXPECT(k < 0,
		    "%s: allocation of %lu pages failed although the model finds room at page %ld (order %d)",
		    pname(p), n, k < 0 ? -1 : mp_find(p, n, k), k))
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
	p = v ? owner_of(v) : NULL;
	if (!EXPECT(!v || (p && in_chain(d, p)), "alloc returned %p, outside dev%d's pools", v, d))
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
		took(p, v, n, size, handle, p->kind == MP_DECLARED ? p->dma :
					    (dma_addr_t)(p->phys + dev->dma_offset));
		return;
	}
	j = fallback ? 0 : 1;
	if (!EXPECT(ret == j, "alloc of %lu pages found no room: %d, model %d", n, ret, j))
		return;
	if (fallback)
		w.chain[d][0]->st.fallbacks++;
	w.r->no_room++;
}

/*
 * Free @v with @order through device @d (-1: no device) or, with
 * @global, through the global pool's call, and judge it.
 */
static void do_free(bool global, int d, u8 *v, int order)
{
	struct mpool *p = global ? global_owner_of(v) : owner_of(v);
	unsigned long off = p ? (unsigned long)(v - p->virt) : 0, first = off >> PAGE_SHIFT;
	bool valid = p && !offset_in_page(off) && p->owner[first] == first + 1 &&
		     order >= 0 && order < BITS_PER_LONG - 1 &&
		     (unsigned int)order == mp_order(p->len[first]);
	int ret;

	if (valid && !EXPECT(pattern(v, p->len[first], p->seed[first], true),
			     "%s: buffer at page %lu changed while live", pname(p), first))
		return;
	if (global)
		ret = dma_release_from_global_coherent(order, v);
	else
		ret = dma_release_from_dev_coherent(d < 0 ? NULL : &w.dev[d], order, v);
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
	w.freed[w.nfreed++ % ARRAY_SIZE(w.freed)] = (typeof(w.freed[0])) { v, order };
	mp_put(p, first);
	/* Its last reference: the pool is unmapped by a work item. */
	if (unreferenced(p))
		p->doomed = true;
}

static void op_free(int op)
{
	bool global = op == OP_GFREE, bad = op == OP_FREE_BAD || chance(10);
	struct mpool *p = some_pool(global, true);
	unsigned long first = 0, n = 1;
	int d = chance(5) ? -1 : (int)rnd(NDEV), order = 0;
	u8 *v = NULL;

	if (p) {
		first = p->starts[rnd(p->live)];
		n = p->len[first];
		order = mp_order(n);
		v = p->virt + first * PAGE_SIZE;
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
		/* Through the other call: a global buffer through a device is fine. */
		global = !global;
		break;
	case 5:
		if (w.nfreed) {
			unsigned int i = rnd(min_t(unsigned int, w.nfreed, ARRAY_SIZE(w.freed)));

			v = w.freed[i].v;
			order = w.freed[i].order;
		}
		break;
	case 6:
		/* Any page of any pool, or beyond its end. */
		p = some_pool(global && chance(50), false);
		if (p)
			v = p->virt + rnd(p->pages + 2) * PAGE_SIZE;
		order = rnd(4);
		break;
	case 7:
		v = chance(50) ? NULL : w.arena + rnd(ARENA_PAGES) * PAGE_SIZE;
		order = rnd(4);
		break;
	}
	note(op, global ? -2 : d, (unsigned long)v, order, 0);
	do_free(global, d, v, order);
}

static void op_mmap(int op)
{
	bool global = op == OP_GMMAP, early = false;
	int d = chance(5) ? -1 : (int)rnd(NDEV), err = 1, ret;
	struct mpool *p = some_pool(global, true), *o;
	struct vm_area_struct vma = { 0 };
	unsigned long n = 1, off, first, count, user, s, calls = shim_remap.calls;
	u8 *v = NULL;
	size_t size;
	bool ok;

	if (p && chance(90)) {
		first = p->starts[rnd(p->live)];
		n = p->len[first];
		if (chance(20)) {	/* from a page inside it */
			s = rnd(n);
			first += s;
			n -= s;
		}
		v = p->virt + first * PAGE_SIZE + (chance(10) ? rnd(PAGE_SIZE) : 0);
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
	note(op, global ? -2 : d, (unsigned long)v, size, vma.vm_pgoff);

	if (global)
		ret = dma_mmap_from_global_coherent(&vma, v, size, &err);
	else
		ret = dma_mmap_from_dev_coherent(d < 0 ? NULL : &w.dev[d], &vma, v, size, &err);
	o = global ? global_owner_of(v) : owner_of(v);
	if (!EXPECT(ret == !!o, "mmap of %p: %d, model %d", v, ret, !!o))
		return;
	if (!o) {
		EXPECT(shim_remap.calls == calls, "mmap of a foreign buffer remapped");
		return;
	}
	/* Only pages of the one live buffer that holds @v, within @size bytes. */
	off = v - o->virt;
	first = off >> PAGE_SHIFT;
	ok = size <= o->pages * PAGE_SIZE - off;
	count = ok ? (size + PAGE_SIZE - 1) / PAGE_SIZE : 0;
	user = (vma.vm_end - vma.vm_start) >> PAGE_SHIFT;
	ok = ok && vma.vm_pgoff < count && user <= count - vma.vm_pgoff;
	early = !ok;
	s = o->owner[first];
	ok = ok && s && first + vma.vm_pgoff + user <= s - 1 + o->len[s - 1];
	if (!ok) {
		/* Past @size: refused quietly, as dma-direct does; else misuse. */
		if (!early)
			o->st.misuse++;
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

/* Releasing a device detaches it from all its pools, always. */
static void release(int d)
{
	struct mpool *old[MAXCHAIN], *p;
	long maps = shim.maps, gone = 0;
	int i, n = d < 0 ? 0 : w.nchain[d];

	dma_release_coherent_memory(d < 0 ? NULL : &w.dev[d]);
	if (d >= 0)
		memcpy(old, w.chain[d], sizeof(old));
	for (i = 0; i < n; i++) {
		p = old[i];
		p->user[d] = MU_NONE;
		if (unreferenced(p)) {	/* no buffer live: unmapped now */
			destroyed(p);
			gone++;
		}
	}
	if (d >= 0) {
		w.nchain[d] = 0;
		EXPECT(!w.dev[d].dma_mem, "dev%d keeps a pool when released", d);
	}
	EXPECT(shim.maps == maps - gone, "%s of dev%d unmapped %ld pools, model %ld",
	       __func__, d, maps - shim.maps, gone);
}

/* The work items run: pools whose last buffer went are unmapped. */
static void flush(void)
{
	long maps = shim.maps, gone = doomed();
	unsigned long ran = shim_flush_work();
	int i;

	for (i = 0; i < NPOOL; i++)
		if (w.pool[i].mem && w.pool[i].doomed)
			destroyed(&w.pool[i]);
	EXPECT(ran == (unsigned long)gone && shim.maps == maps - gone,
	       "%lu work items unmapped %ld pools, model %ld", ran, maps - shim.maps, gone);
}

/*
 * The device is freed without being released and a new one takes its
 * address: its records stay, stale, in its device-tree pools, and are
 * replaced when the new device attaches.  (A declared pool would stay
 * referenced for good: devices with one are not forgotten.)
 */
static void op_forget(void)
{
	int d = rnd(NDEV), i;

	note(OP_FORGET, d, 0, 0, 0);
	for (i = 0; i < w.nchain[d]; i++)
		if (w.chain[d][i]->kind == MP_DECLARED)
			return;
	for (i = 0; i < w.nchain[d]; i++)
		w.chain[d][i]->user[d] = MU_STALE;
	w.nchain[d] = 0;
	w.dev[d] = new_device(d);
}

/* debugfs comes up (late_initcall), or a pool's peak is reset. */
static void op_debugfs(void)
{
	struct mpool *p = some_pool(false, false);
	struct dcw_pool a;
	long ret;
	int i;

	note(OP_DEBUGFS, -1, w.debugfs, 0, 0);
	if (!w.debugfs || chance(20)) {
		w.debugfs = true;
		shim_debugfs_up = true;
		dcw_debugfs_init();
		/* Registered pools get theirs; one that failed stays as it is. */
		for (i = 0; i < NPOOL; i++)
			if (w.pool[i].mem && !w.pool[i].doomed && !w.pool[i].dir_partial)
				w.pool[i].dir = true;
		return;
	}
	if (!p || !p->dir || p->dir_partial)
		return;
	dcw_pool_get(p->mem, &a);
	ret = shim_debugfs_write(a.debugfs, "peak", chance(20) ? "1" : "0\n");
	if (ret > 0)
		p->st.peak = p->pages - p->free;
	else
		EXPECT(ret == -EINVAL, "writing peak: %ld", ret);
	ret = shim_debugfs_write(a.debugfs, "live", "0");
	EXPECT(ret == -EPERM, "writing live: %ld, expected -EPERM", ret);
}

static void op_galloc(void)
{
	int d = rnd(NDEV);
	ssize_t size = rand_size();
	dma_addr_t handle = 0;
	struct mpool *p = &w.pool[GLOB];
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
	if (!EXPECT(global_owner_of(v) == p, "global alloc returned %p, outside the pool", v))
		return;
	took(p, v, n, size, handle, (dma_addr_t)(p->phys + w.dev[d].dma_offset));
}

/*
 * A region at a random place in slot @i, its first whole page aligned to
 * 2^k pages now and then.
 */
static phys_addr_t region_base(int i)
{
	phys_addr_t base = slot_phys(i) + rnd(SLOT_PAGES / 2 - 512) * PAGE_SIZE;
	u64 align = PAGE_SIZE << rnd(10);

	if (chance(30))
		base = (base + align - 1) & ~(align - 1);
	return chance(50) ? base - PAGE_SIZE + 1 + rnd(PAGE_SIZE - 1) : base;
}

static void world_init(void)
{
	static const char *const rnames[NRMEM] = { "rmem0", "rmem1" };
	struct reserved_mem *rm;
	phys_addr_t base, first;
	unsigned long pages;
	struct mpool *p;
	int i, ret, exp;
	u64 size;

	shim_reset();
	w.warns = 0;
	w.degraded = 0;
	w.nfreed = 0;
	w.debugfs = chance(50);
	shim_debugfs_up = w.debugfs;
	memset(w.nchain, 0, sizeof(w.nchain));
	for (i = 0; i < NDEV; i++)
		w.dev[i] = new_device(i);
	for (i = 0; i <= NRMEM; i++) {
		rm = i < NRMEM ? &w.rmem[i] : &w.grmem;
		base = region_base(NDSLOT + i);
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
		p = &w.pool[GLOB];
		mp_init(p, MP_GLOBAL, first, first, PHYS_PFN(first), pages,
			w.arena + (first - w.phys));
		p->mem = dcw_global();
		snprintf(p->name, sizeof(p->name), "global");
		p->dir = w.debugfs;
	}
}

/* Free everything, release every device; nothing may be left. */
static void world_exit(void)
{
	struct mpool *p;
	int i, d;

	for (i = 0; i < NPOOL; i++) {
		p = &w.pool[i];
		while (p->mem && p->live && !w.r->failed) {
			unsigned long first = p->starts[0];

			do_free(p->kind == MP_GLOBAL && chance(50), (int)rnd(NDEV + 1) - 1,
				p->virt + first * PAGE_SIZE, mp_order(p->len[first]));
		}
	}
	for (d = 0; d < NDEV && !w.r->failed; d++) {
		release(d);
		/* Records a freed device left: its release removes them too. */
		for (i = 0; i < NRMEM; i++) {
			p = &w.pool[NDSLOT + i];
			if (p->mem && p->user[d] == MU_STALE) {
				dcw_rmem_ops->device_release(&w.rmem[i], &w.dev[d]);
				p->user[d] = MU_NONE;
			}
		}
	}
	if (!w.r->failed)
		flush();
	if (!w.r->failed)
		check_world();
	for (i = NDSLOT; i < NPOOL - 1 && !w.r->failed; i++) {
		EXPECT(dcw_rmem_destroy(&w.rmem[i - NDSLOT]), "rmem%d still used", i - NDSLOT);
		mp_exit(&w.pool[i]);
	}
	if (w.r->failed)
		return;
	if (!EXPECT(dcw_global_destroy(), "global pool still used"))
		return;
	mp_exit(&w.pool[GLOB]);
	for (i = 0; i < NDSLOT; i++)
		if (!EXPECT(!w.pool[i].mem, "declared pool %d left after teardown", i))
			return;
	if (!EXPECT(shim_debugfs_entries() == (dcw_debugfs_root() ? 1UL : 0UL),
		    "%lu debugfs entries left after teardown", shim_debugfs_entries()))
		return;
	EXPECT(shim.allocs == 0 && shim.maps == 0,
	       "%ld allocations and %ld mappings left after teardown", shim.allocs, shim.maps);
}

/* After a failure: take everything down without judging. */
static void world_abandon(void)
{
	struct mpool *p;
	int i, d;

	for (i = 0; i < NPOOL; i++) {
		p = &w.pool[i];
		while (p->mem && p->live) {
			unsigned long first = p->starts[0];

			dma_release_from_dev_coherent(NULL, mp_order(p->len[first]),
						      p->virt + first * PAGE_SIZE);
			mp_put(p, first);
		}
	}
	for (d = 0; d < NDEV; d++) {
		dma_release_coherent_memory(&w.dev[d]);
		for (i = 0; i < NRMEM; i++)
			dcw_rmem_ops->device_release(&w.rmem[i], &w.dev[d]);
	}
	shim_flush_work();
	for (i = 0; i < NRMEM; i++)
		dcw_rmem_destroy(&w.rmem[i]);
	dcw_global_destroy();
	for (i = 0; i < NPOOL; i++)
		mp_exit(&w.pool[i]);
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
	case OP_FLUSH:
		note(OP_FLUSH, -1, doomed(), 0, 0);
		flush();
		break;
	case OP_FORGET:
		op_forget();
		break;
	case OP_DEBUGFS:
		op_debugfs();
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
	shim_debugfs_up = false;
	if (!s->data)		/* the fuzzer calls again: keep the arena */
		shim_arena_exit();
	return !r->failed;
}
