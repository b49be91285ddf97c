// SPDX-License-Identifier: GPL-2.0
/*
 * The differential engine of lib/page_ranges.c.  The model is a byte per
 * page and the length of the range starting at each page; every request
 * is answered by trying every placement.  After every operation the
 * library's return values, its bitmaps (page_ranges_copy()), counters
 * and page_ranges_largest() must agree with the model.
 *
 * The rules (include/linux/page_ranges.h): a request of n pages wants
 * order w = order_base_2(n) if n <= 2^max_order, else the lattice
 * min(base_order, max_order).  It succeeds iff n free pages start at an
 * absolute page number (base + offset) that is a multiple of 2^w;
 * otherwise, with PAGE_RANGES_RELAX and lattice < w, iff they start at a
 * multiple of 2^lattice, at the highest alignment the chosen free run
 * has room for, reported in *order.  Refusals change nothing.  A free
 * must name the first page of a live range.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/page_ranges.h>

#include "page_ranges_wrap.h"
#include "pr_engine.h"
#include "shim.h"

#define NHIST	10

enum { PO_ALLOC, PO_FREE, PO_FREE_BAD, PO_LENGTH, PO_RESET, PO_NR };

static const char *const po_names[PO_NR] = {
	"alloc", "free", "free-bad", "length", "reset",
};

static const unsigned char po_weight[PO_NR] = {
	[PO_ALLOC] = 45, [PO_FREE] = 32, [PO_FREE_BAD] = 10, [PO_LENGTH] = 12,
	[PO_RESET] = 1,
};

/* The model and the set under test. */
static struct {
	struct dsrc		*s;
	struct pr_result	*r;
	struct page_ranges	pr;
	unsigned long		base, pages;
	unsigned int		max_order, lattice;
	u8			*used;		/* a byte per page */
	unsigned long		*len;		/* length of the range starting here */
	unsigned long		*run;		/* free pages from here on */
	unsigned long		*bits, *want;	/* bitmaps: the library's, the model's */
	unsigned long		free, live;
	unsigned long		nhist;		/* operations noted in this set */
	struct {
		unsigned long	nr;
		int		op;
		unsigned long	a, b;
		long		ret;
	} hist[NHIST];
} m;

static u64 rnd(u64 n)
{
	return dsrc_below(m.s, n);
}

static bool chance(unsigned int percent)
{
	return rnd(100) < percent;
}

static __printf(1, 2) void fail(const char *fmt, ...);
static void fail(const char *fmt, ...)
{
	struct pr_result *r = m.r;
	unsigned long i;
	va_list ap;
	int len;

	if (r->failed)
		return;
	r->failed = true;
	len = snprintf(r->why, sizeof(r->why),
		       "set base %#lx pages %lu max_order %u (lattice %u), op %lu: ",
		       m.base, m.pages, m.max_order, m.lattice, r->ops);
	va_start(ap, fmt);
	len += vsnprintf(r->why + len, sizeof(r->why) - len, fmt, ap);
	va_end(ap);
	len += snprintf(r->why + len, sizeof(r->why) - len, "\nlast operations:");
	for (i = m.nhist > NHIST ? m.nhist - NHIST : 0; i < m.nhist; i++) {
		typeof(m.hist[0]) *h = &m.hist[i % NHIST];

		if (len >= (int)sizeof(r->why))
			break;
		len += snprintf(r->why + len, sizeof(r->why) - len,
				"\n  %lu %s(%lu, %#lx) = %ld", h->nr,
				po_names[h->op], h->a, h->b, h->ret);
	}
}

#define EXPECT(cond, fmt, ...) ({					\
	bool __ok = !!(cond);						\
	if (!__ok)							\
		fail(fmt, ##__VA_ARGS__);				\
	__ok; })

static void note(int op, unsigned long a, unsigned long b, long ret)
{
	m.hist[m.nhist++ % NHIST] = (typeof(m.hist[0])) {
		.nr = m.r->ops, .op = op, .a = a, .b = b, .ret = ret };
}

/* Is absolute page @base + @o a multiple of 2^@k? */
static bool aligned(unsigned long base, unsigned long o, unsigned int k)
{
	return k >= BITS_PER_LONG || !((base + o) & ((1UL << k) - 1));
}

/* The alignment order of @base + @o, capped at @cap. */
static unsigned int order_at(unsigned long base, unsigned long o, unsigned int cap)
{
	unsigned long a = base + o;

	if (!a)
		return cap;
	return min_t(unsigned int, __builtin_ctzl(a), cap);
}

/* The first offset at or above @from whose page is a multiple of 2^@k. */
static unsigned long first_aligned(unsigned long base, unsigned long from, unsigned int k)
{
	unsigned long mask = (1UL << k) - 1;

	return from + ((-(base + from)) & mask);
}

static void runs(const u8 *used, unsigned long pages, unsigned long *run)
{
	unsigned long o = pages, r = 0;

	while (o--) {
		r = used[o] ? 0 : r + 1;
		run[o] = r;
	}
}

/* Longest free run starting on a multiple of 2^@k. */
static unsigned long max_run(const unsigned long *run, unsigned long base,
			     unsigned long pages, unsigned int k)
{
	unsigned long o, best = 0;

	for (o = first_aligned(base, 0, k); o < pages; o += 1UL << k)
		best = max(best, run[o]);
	return best;
}

static unsigned int base_order(unsigned long base, unsigned int max_order)
{
	return base ? min_t(unsigned int, __builtin_ctzl(base), max_order) : max_order;
}

static unsigned int want_order(unsigned long n, unsigned int max_order, unsigned int lattice)
{
	return n <= 1UL << max_order ? (unsigned int)order_base_2(n) : lattice;
}

static unsigned long largest_of(const unsigned long *run, unsigned long base,
				unsigned long pages, unsigned int max_order)
{
	unsigned int w, lattice = base_order(base, max_order);
	unsigned long best = 0, mx, lo, hi;

	for (w = 0; w <= max_order; w++) {
		mx = max_run(run, base, pages, w);
		lo = w ? 1UL << (w - 1) : 0;	/* n in (lo, hi] wants order w */
		hi = min(mx, 1UL << w);
		if (hi > lo)
			best = max(best, hi);
	}
	mx = max_run(run, base, pages, lattice);
	if (mx > 1UL << max_order)
		best = max(best, mx);
	return best;
}

unsigned long pr_brute_largest(const u8 *used, unsigned long base,
			       unsigned long pages, unsigned int max_order)
{
	unsigned long *run = malloc(pages * sizeof(*run)), best;

	if (!run)
		abort();
	runs(used, pages, run);
	best = largest_of(run, base, pages, max_order);
	free(run);
	return best;
}

/* Can @n pages start at a multiple of 2^@k? */
static bool fits(unsigned long n, unsigned int k)
{
	unsigned long o;

	for (o = first_aligned(m.base, 0, k); o < m.pages; o += 1UL << k)
		if (m.run[o] >= n)
			return true;
	return false;
}

/* Library bitmaps against the model's, and the counters. */
static void compare_state(void)
{
	unsigned long o, nl = BITS_TO_LONGS(m.pages);
	const char *bad = prw_check(&m.pr);
	int starts;

	/* Every leaf and node against a recomputation from the bitmap. */
	if (!EXPECT(!bad, "index: %s", bad))
		return;
	if (!EXPECT(page_ranges_free_pages(&m.pr) == m.free,
		    "free pages %lu, model %lu", page_ranges_free_pages(&m.pr), m.free) ||
	    !EXPECT(page_ranges_live(&m.pr) == m.live,
		    "live ranges %lu, model %lu", page_ranges_live(&m.pr), m.live))
		return;
	for (starts = 0; starts < 2; starts++) {
		memset(m.want, 0, nl * sizeof(long));
		for (o = 0; o < m.pages; o++)
			if (starts ? m.len[o] != 0 : m.used[o])
				__set_bit(o, m.want);
		/* Canaries past the last word: copy writes BITS_TO_LONGS words. */
		memset(m.bits, 0xa5, (nl + 1) * sizeof(long));
		page_ranges_copy(&m.pr, m.bits, starts);
		if (!EXPECT(m.bits[nl] == ~0UL / 0xff * 0xa5,
			    "page_ranges_copy() wrote past BITS_TO_LONGS(pages)"))
			return;
		for (o = 0; o < nl; o++) {
			unsigned long mask = o == nl - 1 ? BITMAP_LAST_WORD_MASK(m.pages) : ~0UL;

			if (!EXPECT(!((m.bits[o] ^ m.want[o]) & mask),
				    "%s bitmap word %lu: %#lx, model %#lx",
				    starts ? "start" : "used", o, m.bits[o] & mask,
				    m.want[o] & mask))
				return;
		}
	}
}

static void compare_largest(void)
{
	unsigned long got = page_ranges_largest(&m.pr, 0);
	unsigned long want = largest_of(m.run, m.base, m.pages, m.max_order);

	EXPECT(got == want, "largest %lu, model %lu (free %lu)", got, want, m.free);
}

static void take(unsigned long o, unsigned long n)
{
	memset(m.used + o, 1, n);
	m.len[o] = n;
	m.free -= n;
	m.live++;
}

static unsigned long pick_size(void)
{
	unsigned long p = m.pages, cap = 1UL << m.max_order, n;
	unsigned int k;

	switch (rnd(10)) {
	case 0:
	case 1:
	case 2:
		return 1 + rnd(min(p, cap + 2));
	case 3:
	case 4:				/* a power of two, or one off */
		k = rnd(order_base_2(p) + 1);
		n = (1UL << k) + rnd(3) - 1;
		return n ? n : 1;
	case 5:
		return 1 + rnd(p);
	case 6:
		return chance(50) ? p : p - rnd(min(p, 4UL));
	case 7:				/* over the pool, or 0 */
		return chance(80) ? p + 1 + rnd(3) : 0;
	default:
		return 1 + rnd(min(p, 8UL));
	}
}

static void op_alloc(void)
{
	unsigned long n = pick_size(), o, s, e, k0;
	unsigned int flags = chance(50) ? PAGE_RANGES_RELAX : 0;
	unsigned int order = ~0U, w, k;
	bool use_order = chance(80), exact, relax;
	long ret;

	ret = page_ranges_alloc(&m.pr, n, flags, use_order ? &order : NULL);
	note(PO_ALLOC, n, flags, ret);
	if (n == 0 || n > m.pages) {
		EXPECT(ret == -EINVAL, "alloc(%lu) of a %lu-page set: %ld, not -EINVAL",
		       n, m.pages, ret);
		return;
	}
	w = want_order(n, m.max_order, m.lattice);
	exact = fits(n, w);
	relax = !exact && (flags & PAGE_RANGES_RELAX) && m.lattice < w && fits(n, m.lattice);
	if (ret < 0) {
		if (EXPECT(ret == -ENOMEM, "alloc(%lu, %#x): %ld, not -ENOMEM", n, flags, ret))
			EXPECT(!exact && !relax,
			       "alloc(%lu, %#x) refused, but the model places it at order %u",
			       n, flags, exact ? w : m.lattice);
		m.r->refused++;
		return;
	}
	o = ret;
	if (!EXPECT(o < m.pages && n <= m.pages - o, "alloc(%lu) at %lu: past the end", n, o) ||
	    !EXPECT(m.run[o] >= n, "alloc(%lu) at %lu: page %lu is in use", n, o,
		    o + m.run[o]) ||
	    !EXPECT(exact || relax, "alloc(%lu, %#x) at %lu: the model refuses it",
		    n, flags, o))
		return;
	if (exact) {
		EXPECT(aligned(m.base, o, w),
		       "alloc(%lu, %#x) at %lu (page %#lx): not aligned to order %u", n, flags,
		       o, m.base + o, w);
		if (use_order)
			EXPECT(order == w, "alloc(%lu) at order %u reports order %u", n, w, order);
	} else {
		/* The free run it chose, and the best order it has room for. */
		for (s = o; s && !m.used[s - 1]; s--)
			;
		e = o + m.run[o];
		k0 = m.lattice;
		for (k = w; k-- > m.lattice; ) {
			unsigned long f = first_aligned(m.base, s, k);

			if (f < e && e - f >= n) {
				k0 = k;
				break;
			}
		}
		EXPECT(aligned(m.base, o, k0),
		       "relaxed alloc(%lu) at %lu (page %#lx) in free run [%lu, %lu): order %u, the run has room at order %lu",
		       n, o, m.base + o, s, e, order_at(m.base, o, w), k0);
		if (use_order)
			EXPECT(order == k0 && order == order_at(m.base, o, w),
			       "relaxed alloc(%lu) at %lu (page %#lx) reports order %u, expected %lu",
			       n, o, m.base + o, order, k0);
		m.r->relaxed++;
	}
	take(o, n);
	m.r->allocs++;
}

/* A random live range's first page, or pages if none. */
static unsigned long pick_live(void)
{
	unsigned long from, o;

	if (!m.live)
		return m.pages;
	from = rnd(m.pages);
	for (o = from; o < m.pages; o++)
		if (m.len[o])
			return o;
	for (o = 0; o < from; o++)
		if (m.len[o])
			return o;
	return m.pages;
}

static void do_free(unsigned long o, bool again)
{
	unsigned long n = m.len[o];
	long ret = page_ranges_free(&m.pr, o);

	note(PO_FREE, o, n, ret);
	if (!EXPECT(ret == (long)n, "free(%lu) of a %lu-page range: %ld", o, n, ret))
		return;
	memset(m.used + o, 0, n);
	m.len[o] = 0;
	m.free += n;
	m.live--;
	if (again) {
		ret = page_ranges_free(&m.pr, o);
		note(PO_FREE_BAD, o, 1, ret);
		EXPECT(ret == -EINVAL, "double free(%lu): %ld, not -EINVAL", o, ret);
		m.r->bad_frees++;
	}
}

static void op_free(void)
{
	unsigned long o = pick_live();

	if (o < m.pages)
		do_free(o, chance(10));
}

static void op_free_bad(void)
{
	unsigned long o = pick_live(), p;
	long ret;

	switch (rnd(4)) {
	case 0:				/* inside a live range */
		if (o >= m.pages || m.len[o] < 2)
			return;
		p = o + 1 + rnd(m.len[o] - 1);
		break;
	case 1:				/* a free page */
		p = rnd(m.pages);
		if (m.used[p])
			return;
		break;
	case 2:				/* past the end */
		p = m.pages + rnd(3);
		break;
	default:
		p = chance(50) ? ~0UL : ~0UL >> 1;
		break;
	}
	ret = page_ranges_free(&m.pr, p);
	note(PO_FREE_BAD, p, 0, ret);
	EXPECT(ret == -EINVAL, "free(%lu) (%s): %ld, not -EINVAL", p,
	       p >= m.pages ? "past the end" : m.used[p] ? "inside a range" : "free page", ret);
	m.r->bad_frees++;
}

static void op_length(void)
{
	unsigned long p = chance(50) ? pick_live() : rnd(m.pages + 2);
	long ret = page_ranges_length(&m.pr, p), want;

	want = p < m.pages && m.len[p] ? (long)m.len[p] : -EINVAL;
	note(PO_LENGTH, p, 0, ret);
	EXPECT(ret == want, "length(%lu): %ld, model %ld", p, ret, want);
}

static void op_reset(void)
{
	unsigned long o;

	note(PO_RESET, m.live, 0, 0);
	for (o = 0; o < m.pages && !m.r->failed; o++)
		if (m.len[o])
			do_free(o, false);
}

bool pr_engine_world(struct dsrc *s, unsigned long base, unsigned long pages,
		     unsigned int max_order, unsigned long ops, struct pr_result *r)
{
	unsigned long i, nl = BITS_TO_LONGS(pages), every;
	unsigned int total = 0, pick, op;
	int ret;

	memset(&m, 0, sizeof(m));
	m.s = s;
	m.r = r;
	m.base = base;
	m.pages = pages;
	m.max_order = max_order;
	m.lattice = base_order(base, max_order);
	m.free = pages;
	ret = page_ranges_init(&m.pr, base, pages, max_order, GFP_KERNEL);
	if (!EXPECT(!ret, "init: %d", ret))
		return false;
	r->worlds++;
	m.used = calloc(pages, 1);
	m.len = calloc(pages, sizeof(*m.len));
	m.run = calloc(pages, sizeof(*m.run));
	m.bits = calloc(nl + 1, sizeof(long));
	m.want = calloc(nl, sizeof(long));
	if (!m.used || !m.len || !m.run || !m.bits || !m.want)
		abort();
	EXPECT(page_ranges_want(&m.pr, 1) == 0, "want(1): %u", page_ranges_want(&m.pr, 1));
	/* Large sets: the O(pages) comparisons now and then. */
	every = pages > 8192 ? 16 : 1;
	runs(m.used, pages, m.run);
	compare_state();
	compare_largest();
	for (op = 0; op < PO_NR; op++)
		total += po_weight[op];
	for (i = 0; i < ops && !r->failed && !s->done; i++, r->ops++) {
		pick = rnd(total);
		for (op = 0; pick >= po_weight[op]; op++)
			pick -= po_weight[op];
		switch (op) {
		case PO_ALLOC:
			op_alloc();
			break;
		case PO_FREE:
			op_free();
			break;
		case PO_FREE_BAD:
			op_free_bad();
			break;
		case PO_LENGTH:
			op_length();
			break;
		default:
			op_reset();
			break;
		}
		runs(m.used, pages, m.run);
		if (!r->failed && (i % every == 0 || op == PO_RESET)) {
			compare_state();
			compare_largest();
		}
	}
	if (!r->failed) {
		compare_state();
		compare_largest();
		op_reset();
		EXPECT(page_ranges_free_pages(&m.pr) == pages && !page_ranges_live(&m.pr),
		       "after freeing everything: %lu free, %lu live",
		       page_ranges_free_pages(&m.pr), page_ranges_live(&m.pr));
		/* A whole set empty again takes a whole-set request (if aligned). */
		if (!r->failed && aligned(base, 0, want_order(pages, max_order, m.lattice)))
			EXPECT(page_ranges_alloc(&m.pr, pages, 0, NULL) == 0,
			       "whole-set request refused after everything was freed");
	}
	page_ranges_destroy(&m.pr);
	free(m.used);
	free(m.len);
	free(m.run);
	free(m.bits);
	free(m.want);
	return !r->failed;
}

/* Sizes around word and block boundaries, and a few tree levels. */
static const unsigned long sizes[] = {
	1, 2, 3, 63, 64, 65, 255, 256, 257, 511, 4096 + 3, 16 * 256 + 1, 70000,
	(1UL << 18) + 5,	/* four levels */
};

/* Aligned, one page past aligned, odd, and a few orders in between. */
static const unsigned long bases[] = {
	0, 1UL << 20, (1UL << 20) + 1, 0x3fffd, 0x12340, 0x1004, 0xff80, 1UL << 29,
};

bool pr_engine_run(struct dsrc *s, unsigned long ops, struct pr_result *r)
{
	unsigned long done = 0, base, pages, n;
	unsigned int max_order;

	memset(r, 0, sizeof(*r));
	m.s = s;
	m.r = r;
	while (done < ops && !r->failed && !s->done) {
		if (chance(70))
			pages = sizes[rnd(ARRAY_SIZE(sizes))];
		else
			pages = 1 + rnd(chance(80) ? 600 : 9000);
		if (pages > 8192 && chance(70))
			pages = 1 + rnd(2000);
		base = chance(70) ? bases[rnd(ARRAY_SIZE(bases))] : rnd(1UL << 30);
		if (chance(20))
			base += rnd(64);
		max_order = rnd(PAGE_RANGES_MAX_ORDER + 1);
		n = min(ops - done, 50 + rnd(pages > 8192 ? 300 : 600));
		pr_engine_world(s, base, pages, max_order, n, r);
		done += n;
	}
	return !r->failed;
}
