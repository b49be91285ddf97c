// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of kernel/dma/coherent.c through its API, plus white-box checks
 * of its pools through coherent_wrap.h.  Each test sets up its own arena
 * and must leave no allocation or mapping behind (main.c checks).
 */
#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <linux/log2.h>
#include <linux/sizes.h>

#include "coherent_wrap.h"
#include "engine.h"
#include "model.h"
#include "pr_tests.h"
#include "shim.h"
#include "test.h"
#include "trace/events/dma_coherent.h"

#define T_PAGES		8192UL
#define PS		PAGE_SIZE

static phys_addr_t t_phys;		/* of the arena */
static u8 *arena;

static bool setup_at(phys_addr_t phys, unsigned long pages)
{
	t_phys = phys;
	if (!CHECK(!shim_arena_init(phys, (unsigned long long)pages * PS, false)))
		return false;
	arena = shim_phys_to_virt(phys);
	return true;
}

static bool setup(void)
{
	return setup_at((phys_addr_t)0x7654300000ULL + PS, T_PAGES);
}

static struct device mkdev(const char *name)
{
	return (struct device) { .init_name = name, .coherent_dma_mask = ~0ULL };
}

static const char *pool_name(struct dma_coherent_mem *mem)
{
	struct dcw_pool p;

	dcw_pool_get(mem, &p);
	return p.name;
}

static struct dcw_pool pool_of(struct device *dev, int i)
{
	struct dcw_pool p = { 0 };

	if (dcw_pool_of(dev, i))
		dcw_pool_get(dcw_pool_of(dev, i), &p);
	return p;
}

/* Allocate through @dev; returns the buffer or NULL, checks ret is 1. */
static void *alloc(struct device *dev, ssize_t size, dma_addr_t *handle)
{
	dma_addr_t h;
	void *v = (void *)1;

	CHECK_EQ(dma_alloc_from_dev_coherent(dev, size, handle ? handle : &h, &v), 1);
	return v;
}

static bool is_zero(const void *p, size_t n)
{
	const u8 *b = p;

	return !n || (!b[0] && !memcmp(b, b + 1, n - 1));
}

static unsigned int maxfit_ref(unsigned long used)
{
	unsigned int n, pos, best = 0;
	unsigned long mask;

	for (n = 1; n <= BITS_PER_LONG; n++) {
		mask = n == BITS_PER_LONG ? ~0UL : (1UL << n) - 1;
		for (pos = 0; pos + n <= BITS_PER_LONG; pos += 1U << mp_order(n))
			if (!(used & (mask << pos)))
				best = n;
	}
	return best;
}

/* word_maxfit() against brute force on structured and random words. */
static void test_word_maxfit(void)
{
	struct dsrc s;
	unsigned long used, i, bad = 0;

	dsrc_seed(&s, dct_opts.seed);
	for (i = 0; i < 300000 && bad < 5; i++) {
		switch (i % 4) {
		case 0:
			used = dsrc_below(&s, ~0ULL) & dsrc_below(&s, ~0ULL) &
			       dsrc_below(&s, ~0ULL);
			break;
		case 1:		/* one used run */
			used = (~0UL >> dsrc_below(&s, BITS_PER_LONG)) <<
			       dsrc_below(&s, BITS_PER_LONG);
			break;
		case 2:		/* a few used pages */
			used = 1UL << dsrc_below(&s, BITS_PER_LONG) |
			       1UL << dsrc_below(&s, BITS_PER_LONG);
			break;
		default:
			used = ~(dsrc_below(&s, ~0ULL) & dsrc_below(&s, ~0ULL));
		}
		if (i < 70000)
			used = i < 65536 ? i * 0x0001000100010001ULL :
			       ~0UL << (i % BITS_PER_LONG) >> (i / BITS_PER_LONG % BITS_PER_LONG);
		bad += !CHECKF(dcw_word_maxfit(used) == maxfit_ref(used),
			       "word_maxfit(%#lx) = %u, brute force %u", used,
			       dcw_word_maxfit(used), maxfit_ref(used));
	}
}

static void test_declare_errors(void)
{
	struct device dev = mkdev("err"), dev2 = mkdev("err2");
	/*
	 * Not "& PAGE_MASK": an unsigned long mask would clear the upper
	 * half of a 64-bit address on a 32-bit long.
	 */
	phys_addr_t top = PHYS_ADDR_MAX & ~(phys_addr_t)(PS - 1);
	dma_addr_t dtop = (dma_addr_t)~0ULL & ~(dma_addr_t)(PS - 1);
	unsigned long errs;

	if (!setup())
		return;
	CHECK_EQ(dma_declare_coherent_memory(NULL, t_phys, 0, PS), -ENODEV);
	errs = shim.msgs[SHIM_ERR];
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0, 0), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory_flags(&dev, t_phys, 0, PS, 2), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x100, 4 * PS), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 100, 100, PS), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory(&dev, top, 0, 2 * PS), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, dtop, 2 * PS), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0, SIZE_MAX), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + T_PAGES * PS, 0, PS), -EINVAL);
	CHECK_EQ(shim.msgs[SHIM_ERR] - errs, 8);
	CHECK(!dev.dma_mem);
	CHECK_EQ(shim.allocs, 0);
	CHECK_EQ(shim.maps, 0);

	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0, 8 * PS), 0);
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 8 * PS, 0, 8 * PS), -EBUSY);
	CHECK_EQ(pool_of(&dev, 0).pages, 8);
	CHECK(!dcw_pool_of(&dev, 1));
	/* Two devices may not be told the same memory... but nothing stops it. */
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys + 8 * PS, 0x1000000, 8 * PS), 0);
	CHECK_EQ(shim.maps, 2);
	dma_release_coherent_memory(&dev);
	dma_release_coherent_memory(&dev2);
	dma_release_coherent_memory(NULL);
	CHECK(!dev.dma_mem && !dev2.dma_mem);
	CHECK_EQ(shim.warns, 0);
	shim_arena_exit();
}

static void test_declare_trim(void)
{
	struct device dev = mkdev("trim");
	struct dcw_pool p;

	if (!setup())
		return;
	/* 10 pages from 123 bytes before page 4: the 9 whole pages inside. */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 4 * PS - 123,
					     0x80000000 - 123, 10 * PS), 0);
	CHECK_EQ(shim.msgs[SHIM_WARN], 1);
	CHECKF(strstr(shim_last_msg(), "9 whole pages"), "message: %s", shim_last_msg());
	p = pool_of(&dev, 0);
	CHECK_EQ(p.pages, 9);
	CHECK(p.virt == arena + 4 * PS);
	CHECK_EQ(p.dma, 0x80000000);
	CHECK_EQ(p.pfn, PHYS_PFN(t_phys) + 4);
	CHECK(p.declared && !p.fallback);
	CHECK(!dcw_check(dcw_pool_of(&dev, 0)));
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);
	shim_arena_exit();
}

static void test_alloc_basics(void)
{
	struct device none = mkdev("none"), dev = mkdev("basic"), fb = mkdev("fb");
	struct vm_area_struct vma = { 0 };
	void *v, *w, *bufs[16];
	dma_addr_t h;
	int i, err;

	if (!setup())
		return;
	CHECK_EQ(dma_alloc_from_dev_coherent(&none, PS, &h, &v), 0);
	CHECK_EQ(dma_alloc_from_dev_coherent(NULL, PS, &h, &v), 0);
	CHECK_EQ(dma_release_from_dev_coherent(&none, 0, arena), 0);
	CHECK_EQ(dma_mmap_from_dev_coherent(&none, &vma, arena, PS, &err), 0);

	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x10000000, 16 * PS), 0);
	CHECK(!alloc(&dev, 0, NULL));
	CHECK(!alloc(&dev, -5, NULL));
	CHECK_EQ(pool_of(&dev, 0).failures, 0);

	v = alloc(&dev, 100, &h);
	if (!CHECK(v))
		goto out;
	CHECK_EQ(h, 0x10000000 + ((u8 *)v - arena));
	CHECK(is_zero(v, PS));
	memset(v, 0xa5, PS);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, v), 1);
	w = alloc(&dev, PS, NULL);
	CHECK(w && is_zero(w, PS));
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, w), 1);

	/* Exact size: 3 pages leave the 4th of their block to others. */
	bufs[0] = alloc(&dev, 3 * PS, NULL);
	for (i = 1; i < 14; i++)
		CHECKF((bufs[i] = alloc(&dev, PS, NULL)), "page %d of 13", i);
	CHECK_EQ(pool_of(&dev, 0).free, 0);
	CHECK(!alloc(&dev, PS, NULL));
	CHECK_EQ(pool_of(&dev, 0).failures, 1);
	CHECK_EQ(pool_of(&dev, 0).peak, 16);
	for (i = 0; i < 14; i++)
		CHECK_EQ(dma_release_from_dev_coherent(&dev, i ? 0 : 2, bufs[i]), 1);
	CHECK(!alloc(&dev, 17 * PS, NULL));
	CHECK_EQ(pool_of(&dev, 0).free, 16);

	/* A pool that may fall back to generic memory. */
	CHECK_EQ(dma_declare_coherent_memory_flags(&fb, t_phys + 64 * PS, 0x20000000, 4 * PS,
						   DMA_COHERENT_FALLBACK), 0);
	v = alloc(&fb, 4 * PS, NULL);
	CHECK(v);
	CHECK_EQ(dma_alloc_from_dev_coherent(&fb, PS, &h, &w), 0);
	CHECK_EQ(pool_of(&fb, 0).fallbacks, 1);
	CHECK_EQ(pool_of(&fb, 0).failures, 1);
	CHECK_EQ(dma_release_from_dev_coherent(&fb, 2, v), 1);
	CHECK_EQ(pool_of(&fb, 0).allocs, 1);
	CHECK_EQ(pool_of(&fb, 0).frees, 1);
out:
	dma_release_coherent_memory(&dev);
	dma_release_coherent_memory(&fb);
	CHECK(!dev.dma_mem && !fb.dma_mem);
	CHECK_EQ(shim.warns, 0);
	shim_arena_exit();
}

/* Alignment is on the absolute DMA address, not the pool start or phys. */
static void test_alignment(void)
{
	struct device dev = mkdev("align");
	const dma_addr_t base = 0x20000000 + 3 * PS;	/* page 3 of a 64-page block */
	unsigned long misaligned = 0;
	struct dma_coherent_mem *mem;
	struct dsrc s;
	unsigned int i, o;
	dma_addr_t h;
	void *v;

	if (!setup())
		return;
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 5 * PS, base, 300 * PS), 0);
	for (o = 0; o <= 6; o++) {
		v = alloc(&dev, PS << o, &h);
		if (!CHECKF(v, "order %u", o))
			continue;
		/* Over 1 MiB (larger pages), aligned as the base is. */
		CHECKF(h % ((int)o > get_order(SZ_1M) ? PS : PS << o) == 0,
		       "order %u at %#llx", o, (unsigned long long)h);
		CHECK_EQ(h, base + ((u8 *)v - (arena + 5 * PS)));
		CHECK_EQ(dma_release_from_dev_coherent(&dev, o, v), 1);
	}
	/*
	 * Fill the pool with random sizes: a buffer is aligned to its order,
	 * or, as the base is not, counted as degraded.
	 */
	dsrc_seed(&s, dct_opts.seed);
	for (i = 0; i < 400; i++) {
		size_t size = 1 + dsrc_below(&s, 24 * PS);

		v = alloc(&dev, size, &h);
		if (v && get_order(size) <= get_order(SZ_1M) && h % (PS << get_order(size)))
			misaligned++;
	}
	mem = dcw_pool_of(&dev, 0);
	CHECK(!dcw_check(mem));
	CHECK_EQ(pool_of(&dev, 0).degraded, misaligned);
	CHECK_EQ(shim_traces[SHIM_TRACE_DEGRADED], misaligned);
	CHECKF(pool_of(&dev, 0).free < 24, "%lu pages left free", pool_of(&dev, 0).free);
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);		/* detached; the buffers stay */
	CHECK_EQ(shim.maps, 1);
	/* Free everything through the bitmaps' view of the pool. */
	{
		struct dcw_pool p;
		unsigned long k, n;

		dcw_pool_get(mem, &p);

		for (k = 0; k < p.pages; k++) {
			if (!test_bit(p.off + k, p.start))
				continue;
			for (n = 1; k + n < p.pages && test_bit(p.off + k + n, p.used) &&
			     !test_bit(p.off + k + n, p.start); n++)
				;
			CHECK_EQ(dma_release_from_dev_coherent(&dev, mp_order(n),
							       (u8 *)p.virt + k * PS), 1);
		}
		dcw_pool_get(mem, &p);
		CHECK_EQ(p.misuse, 0);
		CHECK_EQ(p.live, 0);
	}
	/* The last free queued the pool's unmapping. */
	CHECK_EQ(shim_work_pending(), 1);
	CHECK_EQ(shim_flush_work(), 1);
	CHECK_EQ(shim.maps, 0);
	shim_arena_exit();
}

static void test_capped_alignment(void)
{
	struct device dev = mkdev("capped"), dev2 = mkdev("capped2");
	const unsigned long mib = SZ_1M / PS;
	dma_addr_t h, base = 0x40000000 + SZ_1M;	/* 1 MiB but not 2 MiB aligned */
	void *v, *w;

	if (!setup())
		return;
	/* 1.17 MiB in a 1.95 MiB pool: no 2 MiB-aligned room, 1 MiB-aligned is. */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, base, (2 * mib - 10) * PS), 0);
	v = alloc(&dev, (mib + mib / 6) * PS, &h);
	CHECK(v);
	CHECK_EQ(h, base);
	/* At its natural alignment when it can be: 1/8 MiB at 1/8 MiB. */
	w = alloc(&dev, mib / 8 * PS, &h);
	CHECK(w);
	CHECK_EQ(h % (SZ_1M / 8), 0);
	/* The base is aligned for it: no room at 512 KiB is a refusal. */
	CHECK(!alloc(&dev, mib / 2 * PS, NULL));
	CHECK_EQ(pool_of(&dev, 0).failures, 1);
	CHECK_EQ(pool_of(&dev, 0).degraded, 0);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, get_order((mib + mib / 6) * PS), v), 1);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, get_order(mib / 8 * PS), w), 1);
	dma_release_coherent_memory(&dev);

	/*
	 * A base aligned to 256 KiB only: 3/4 MiB + 1 page has no room at
	 * 1 MiB, so it gets the best below, 512 KiB, at the lowest such place.
	 */
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys, base + mib / 4 * PS,
					     (mib + mib / 2) * PS), 0);
	v = alloc(&dev2, (mib - mib / 4 + 1) * PS, &h);
	CHECK(v);
	CHECK_EQ(h, base + mib / 2 * PS);
	CHECK_EQ(pool_of(&dev2, 0).failures, 0);
	CHECK_EQ(pool_of(&dev2, 0).degraded, 1);
	CHECK_EQ(dma_release_from_dev_coherent(&dev2, get_order((mib - mib / 4 + 1) * PS), v), 1);
	dma_release_coherent_memory(&dev2);
	CHECK(!dev.dma_mem && !dev2.dma_mem);
	shim_arena_exit();
}

static void test_free_misuse(void)
{
	struct device dev = mkdev("misuse"), other = mkdev("other");
	unsigned long used[4], start[4], warns = shim.warns, warned = shim.warned;
	size_t words;
	struct dcw_pool p;
	u8 *a, *b, *x, *foreign = malloc(PS);
	int misuse = 0;
	static const struct {
		int	page, byte, order;
		const char *what;
	} bad[] = {
		{ 1, 0, 2, "inside a live buffer" },
		{ 0, 1, 2, "not page aligned" },
		{ 0, 0, 1, "order does not match" },
		{ 0, 0, 3, "order does not match" },
		{ 0, 0, -1, "impossible order" },
		{ 0, 0, BITS_PER_LONG, "impossible order" },
		{ 6, 0, 0, "not allocated" },
	};
	unsigned int i;

	if (!setup())
		return;
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x30000000, 64 * PS), 0);
	CHECK_EQ(dma_declare_coherent_memory(&other, t_phys + 64 * PS, 0x30040000, 8 * PS), 0);
	a = alloc(&dev, 3 * PS, NULL);
	b = alloc(&dev, PS, NULL);
	x = alloc(&other, PS, NULL);
	if (!CHECK(a && b && x))
		goto out;
	p = pool_of(&dev, 0);
	words = BITS_TO_LONGS(p.nbits) * sizeof(long);
	memcpy(used, p.used, words);
	memcpy(start, p.start, words);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u8 *v = a + bad[i].page * PS + bad[i].byte;

		if (bad[i].page == 6)
			v = (u8 *)p.virt + 40 * PS;
		CHECK_EQ(dma_release_from_dev_coherent(&dev, bad[i].order, v), 1);
		misuse++;
		CHECKF(strstr(shim_last_msg(), bad[i].what) &&
		       strstr(shim_last_msg(), "misuse: coherent pool declared@") &&
		       strstr(shim_last_msg(), ": free of 0x"),
		       "case %u: message '%s'", i, shim_last_msg());
		p = pool_of(&dev, 0);
		CHECK_EQ(p.misuse, misuse);
		CHECK(!memcmp(used, p.used, words) && !memcmp(start, p.start, words));
	}
	CHECK_EQ(p.live, 2);
	CHECK_EQ(p.free, 60);
	CHECK_EQ(shim.warns - warns, misuse);
	CHECK(shim.warned - warned <= 1);

	/* Double free, then pointers in no pool. */
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, b), 1);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, b), 1);
	CHECK_EQ(pool_of(&dev, 0).misuse, ++misuse);
	CHECKF(strstr(shim_last_msg(), "double free"), "message '%s'", shim_last_msg());
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, foreign), 0);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, (u8 *)p.virt + 72 * PS), 0);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, NULL), 0);
	CHECK_EQ(pool_of(&dev, 0).misuse, misuse);
	CHECK_EQ(shim.warns - warns, misuse);
	/* A buffer belongs to its pool: any device (or none) frees it there. */
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, x), 1);
	CHECK_EQ(pool_of(&other, 0).live, 0);
	CHECK_EQ(pool_of(&other, 0).misuse, 0);
	x = alloc(&other, PS, NULL);
	CHECK_EQ(dma_release_from_dev_coherent(NULL, 0, x), 1);
	CHECK_EQ(pool_of(&other, 0).frees, 2);
	CHECK_EQ(dma_release_from_dev_coherent(&other, 2, a), 1);
	CHECK_EQ(pool_of(&dev, 0).live, 0);
	CHECK_EQ(pool_of(&dev, 0).misuse, misuse);
	CHECK_EQ(shim.warns - warns, misuse);
out:
	dma_release_coherent_memory(&dev);
	dma_release_coherent_memory(&other);
	CHECK(!dev.dma_mem && !other.dma_mem);
	free(foreign);
	shim_arena_exit();
}

static void test_mmap(void)
{
	struct device dev = mkdev("mmap");
	struct vm_area_struct vma = { .vm_start = 0x100000, .vm_end = 0x100000 + 4 * PS };
	unsigned long pfn, calls;
	int err;
	u8 *v;

	if (!setup())
		return;
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 2 * PS, 0x50000000, 32 * PS), 0);
	v = alloc(&dev, 4 * PS - 100, NULL);
	if (!CHECK(v))
		goto out;
	pfn = PHYS_PFN(t_phys) + (v - arena) / PS;

#define MMAP(addr, size, pgoff, pages) ({				\
	vma.vm_pgoff = (pgoff);						\
	vma.vm_end = vma.vm_start + (pages) * PS;			\
	calls = shim_remap.calls;					\
	err = 1;							\
	dma_mmap_from_dev_coherent(&dev, &vma, addr, size, &err); })

	CHECK_EQ(MMAP(v, 4 * PS - 100, 0, 4), 1);
	CHECK(!err && shim_remap.calls == calls + 1);
	CHECK(shim_remap.pfn == pfn && shim_remap.size == 4 * PS &&
	      shim_remap.addr == vma.vm_start);
	CHECK_EQ(MMAP(v, 4 * PS, 2, 2), 1);
	CHECK(!err && shim_remap.pfn == pfn + 2 && shim_remap.size == 2 * PS);
	CHECK_EQ(MMAP(v, 4 * PS, 0, 0), 1);
	CHECK(!err && shim_remap.size == 0);
	/* From inside the buffer, up to its end. */
	CHECK_EQ(MMAP(v + PS + 5, 3 * PS - 5, 1, 2), 1);
	CHECK(!err && shim_remap.pfn == pfn + 2 && shim_remap.size == 2 * PS);
	CHECK_EQ(MMAP(v, 4 * PS, 4, 1), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	CHECK_EQ(MMAP(v, 4 * PS, ULONG_MAX, 1), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	CHECK_EQ(MMAP(v, 4 * PS, 1, 4), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	CHECK_EQ(MMAP(v, 4 * PS, 0, -1UL), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	CHECK_EQ(MMAP(v, SIZE_MAX, 0, 1), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	CHECK_EQ(MMAP(v, 40 * PS, 0, 1), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	/* Pages past the buffer are never mapped, nor pages of no buffer. */
	CHECK_EQ(MMAP(v, 8 * PS, 0, 8), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	CHECK_EQ(MMAP(v + 3 * PS, 2 * PS, 0, 2), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	/* The pool's page 16 pages away from the buffer, modulo 32: free. */
	CHECK_EQ(MMAP(arena + (2 + ((v - arena) / PS - 2 + 16) % 32) * PS, PS, 0, 1), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	CHECKF(strstr(shim_last_msg(), "not within one live buffer"), "message '%s'",
	       shim_last_msg());
	/* remap_pfn_range()'s error is passed on; foreign memory is not ours. */
	shim_remap.result = -EAGAIN;
	CHECK_EQ(MMAP(v, PS, 0, 1), 1);
	CHECK_EQ(err, -EAGAIN);
	shim_remap.result = 0;
	CHECK_EQ(MMAP(arena + 100 * PS, PS, 0, 1), 0);
	CHECK_EQ(MMAP(arena, PS, 0, 1), 0);
#undef MMAP
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 2, v), 1);
out:
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);
	shim_arena_exit();
}

static void test_release_live(void)
{
	struct device dev = mkdev("live");
	u8 *a, *b;

	if (!setup())
		return;
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x60000000, 16 * PS), 0);
	a = alloc(&dev, PS, NULL);
	b = alloc(&dev, 5 * PS, NULL);
	if (!CHECK(a && b))
		goto out;
	/* Detached at once; the pool stays mapped for its buffers. */
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);
	CHECKF(strstr(shim_last_msg(), "released with 2 buffers allocated"), "message '%s'",
	       shim_last_msg());
	CHECK_EQ(shim.maps, 1);
	memset(a, 1, PS);		/* still mapped */
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, a), 1);
	dma_release_coherent_memory(&dev);
	CHECK_EQ(shim_work_pending(), 0);
	/*
	 * The last free takes the pool out of the registry at once and queues
	 * the unmapping: no lookup finds it any more, before or after that runs.
	 */
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 3, b), 1);
	CHECK_EQ(shim.maps, 1);
	CHECK_EQ(shim_work_pending(), 1);
	CHECK_EQ(dcw_lookup(NULL, a), NULL);
	CHECK_EQ(shim_flush_work(), 1);
	CHECK_EQ(shim.maps, 0);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, a), 0);
	CHECK_EQ(shim.warns, 0);
out:
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);
	CHECK_EQ(shim.maps, 0);
	shim_arena_exit();
}

/* A pool's reference count, through the view. */
static unsigned long refs_of(struct dma_coherent_mem *mem)
{
	struct dcw_pool p;

	dcw_pool_get(mem, &p);
	return p.refs;
}

/* Device-tree pools: chains, sharing, attaching again, release. */
static void test_chains(void)
{
	struct device d0 = mkdev("d0"), d1 = mkdev("d1"), d2 = mkdev("d2");
	struct reserved_mem a = { .name = "poolA", .size = 16 * PS },
			    b = { .name = "poolB", .size = 64 * PS },
			    bad = { .name = "bad", .size = PS, .fdt_node = OF_PROP_REUSABLE };
	struct dma_coherent_mem *pa, *pb;
	void *v[17], *x;
	dma_addr_t h;
	int i;

	if (!setup())
		return;
	a.base = t_phys + 128 * PS;
	b.base = t_phys + 256 * PS;
	d0.dma_offset = 0x1000000;
	CHECK_EQ(dcw_rmem_setup(&bad), -EINVAL);
	CHECK(!dcw_rmem_setup(&a) && !dcw_rmem_setup(&b));
	CHECK(a.ops == dcw_rmem_ops);
	CHECK_EQ(a.ops->device_init(&a, &d0), 0);
	pa = a.priv;
	/* Attached already (a probe after -EPROBE_DEFER): 0, nothing changes. */
	CHECK_EQ(a.ops->device_init(&a, &d0), 0);
	CHECK(dcw_pool_of(&d0, 0) == pa && !dcw_pool_of(&d0, 1));
	CHECK_EQ(refs_of(pa), 2);		/* for good, and d0 */
	CHECK_EQ(b.ops->device_init(&b, &d0), 0);
	CHECK_EQ(a.ops->device_init(&a, &d1), 0);
	pb = b.priv;
	CHECK(dcw_pool_of(&d0, 0) == pa && dcw_pool_of(&d0, 1) == pb && !dcw_pool_of(&d0, 2));
	CHECK(dcw_pool_of(&d1, 0) == pa && !dcw_pool_of(&d1, 1));
	CHECK_EQ(b.ops->device_init(&b, &d0), 0);
	CHECK(dcw_pool_of(&d0, 1) == pb && !dcw_pool_of(&d0, 2));
	CHECK_EQ(dma_declare_coherent_memory(&d0, t_phys, 0, PS), -EBUSY);
	CHECK_STR(pool_name(pa), "poolA");

	/* d0 fills pool A, then goes on to B; d1 finds A full. */
	for (i = 0; i < 17; i++)
		v[i] = alloc(&d0, PS, &h);
	CHECK(v[16] && (u8 *)v[16] >= arena + 256 * PS);
	CHECK_EQ(h, b.base + d0.dma_offset + ((u8 *)v[16] - arena - 256 * PS));
	CHECK(!alloc(&d1, PS, NULL));
	CHECK_EQ(refs_of(pa), 3 + 16);

	/* Release detaches at once, with buffers live; they stay valid. */
	dma_release_coherent_memory(&d0);
	CHECK(!d0.dma_mem && !dcw_user(pa, &d0) && !dcw_user(pb, &d0));
	CHECK_EQ(refs_of(pa), 2 + 16);
	for (i = 0; i < 16; i++)
		CHECK_EQ(dma_release_from_dev_coherent(&d0, 0, v[i]), 1);
	/* Pool B through a device that is not attached to it. */
	CHECK_EQ(dma_release_from_dev_coherent(&d1, 0, v[16]), 1);
	CHECK_EQ(pool_of(&d1, 0).misuse, 0);
	CHECK_EQ(refs_of(pa), 2);
	CHECK_EQ(refs_of(pb), 1);

	/* Attached again, to B then A: a new chain in that order. */
	CHECK_EQ(b.ops->device_init(&b, &d0), 0);
	CHECK_EQ(a.ops->device_init(&a, &d0), 0);
	CHECK(dcw_pool_of(&d0, 0) == pb && dcw_pool_of(&d0, 1) == pa && !dcw_pool_of(&d0, 2));
	x = alloc(&d1, 2 * PS, NULL);
	/* Releasing one region takes only that pool out of the chain. */
	b.ops->device_release(&b, &d0);
	CHECK(dcw_pool_of(&d0, 0) == pa && !dcw_pool_of(&d0, 1) && !dcw_user(pb, &d0));
	b.ops->device_release(&b, &d0);		/* not attached: nothing */
	a.ops->device_release(&a, &d0);
	CHECK(!d0.dma_mem && !dcw_user(pa, &d0));
	CHECK_EQ(dma_release_from_dev_coherent(&d0, 1, x), 1);
	CHECK(!dcw_rmem_destroy(&a));		/* d1 still uses it */

	/* A declared pool first, a device-tree pool after it. */
	d2.coherent_dma_mask = 0xfffff;
	CHECK_EQ(dma_declare_coherent_memory(&d2, t_phys + 512 * PS, 0x70000000, 4 * PS), 0);
	CHECK_EQ(b.ops->device_init(&b, &d2), 0);
	CHECKF(strstr(shim_last_msg(), "beyond device's set DMA address range"),
	       "message '%s'", shim_last_msg());
	x = alloc(&d2, 8 * PS, &h);
	CHECK(x && (u8 *)x >= arena + 256 * PS);
	CHECK_EQ(dma_release_from_dev_coherent(&d2, 3, x), 1);
	dma_release_coherent_memory(&d2);
	dma_release_coherent_memory(&d1);
	CHECK(!d1.dma_mem && !d2.dma_mem);
	CHECK_EQ(shim.maps, 2);
	CHECK(dcw_rmem_destroy(&a) && dcw_rmem_destroy(&b));
	CHECK_EQ(shim.warns, 0);
	shim_arena_exit();
}

static void test_global_pool(void)
{
	struct device dev = mkdev("g"), d2 = mkdev("g2");
	struct reserved_mem r1 = {
		.name = "def1", .size = 8 * PS, .fdt_node = OF_PROP_DMA_DEFAULT,
	};
	struct reserved_mem r2 = {
		.name = "def2", .size = 8 * PS, .fdt_node = OF_PROP_DMA_DEFAULT,
	};
	struct vm_area_struct vma = { .vm_start = 0x100000, .vm_end = 0x100000 + PS };
	dma_addr_t h;
	int err;
	u8 *v;

	if (!setup())
		return;
	CHECK(!dma_alloc_from_global_coherent(&dev, PS, &h));
	CHECK_EQ(dma_release_from_global_coherent(0, arena), 0);
	CHECK_EQ(dma_mmap_from_global_coherent(&vma, arena, PS, &err), 0);
	CHECK_EQ(dma_init_global_coherent(t_phys + 1000, 10 * PS), 0);
	dev.dma_offset = 0x100000000ULL & (dma_addr_t)~0ULL;
	v = dma_alloc_from_global_coherent(&dev, 2 * PS, &h);
	if (!CHECK(v))
		goto out;
	CHECK(PHYS_PFN(t_phys + (v - arena)) % 2 == 0);	/* on the physical address */
	CHECK_EQ(h, (dma_addr_t)(t_phys + (v - arena) + dev.dma_offset));
	CHECK(!dma_alloc_from_global_coherent(&dev, 0, &h));
	CHECK_EQ(dma_mmap_from_global_coherent(&vma, v, 2 * PS, &err), 1);
	CHECK(!err && shim_remap.pfn == PHYS_PFN(t_phys) + (v - arena) / PS);
	CHECK_EQ(dma_release_from_global_coherent(0, v), 1);
	CHECKF(strstr(shim_last_msg(), "pool global: free of"), "message '%s'", shim_last_msg());
	CHECK_EQ(dma_release_from_global_coherent(1, v), 1);
	CHECK_EQ(dma_release_from_global_coherent(1, v), 1);
	CHECK_EQ(shim.warns, 2);
	/* The global pool is in the registry: any device frees and maps there. */
	v = dma_alloc_from_global_coherent(&dev, PS, &h);
	CHECK_EQ(dma_mmap_from_dev_coherent(&dev, &vma, v, PS, &err), 1);
	CHECK(!err);
	CHECK_EQ(dma_release_from_dev_coherent(NULL, 0, v), 1);
	CHECK_EQ(dcw_lookup(NULL, v), dcw_global());
	CHECK_STR(pool_name(dcw_global()), "global");
	CHECK_EQ(shim.warns, 2);
out:
	CHECK(dcw_global_destroy());

	/* From the device tree: "linux,dma-default", defined twice. */
	r1.base = t_phys;
	r2.base = t_phys + 16 * PS;
	CHECK(!dcw_rmem_setup(&r1) && !dcw_rmem_setup(&r2));
	CHECK_EQ(shim.warns, 3);
	CHECK_EQ(dcw_init_reserved_default(), 0);
	CHECK(dcw_global() && dma_alloc_from_global_coherent(&dev, PS, &h));
	CHECK_EQ(h, (dma_addr_t)(r2.base + dev.dma_offset));
	/* A device naming the region gets the global pool, not a second one. */
	CHECK_EQ(r2.ops->device_init(&r2, &d2), 0);
	CHECK_EQ(dcw_pool_of(&d2, 0), dcw_global());
	CHECK_EQ(shim.maps, 1);
	v = alloc(&d2, PS, NULL);
	CHECK(v && v != shim_phys_to_virt(r2.base));
	CHECK_EQ(dma_release_from_global_coherent(0, v), 1);
	r2.ops->device_release(&r2, &d2);
	CHECK(!d2.dma_mem);
	CHECK(!dcw_global_destroy());
	CHECK_EQ(dma_release_from_global_coherent(0, shim_phys_to_virt(r2.base)), 1);
	CHECK(dcw_global_destroy());
	CHECK_EQ(dcw_init_reserved_default(), -ENOMEM);
	shim_arena_exit();
}

/*
 * Make every fallible call of @call fail in turn: it must return -ENOMEM
 * (-EINVAL for memremap()), leak nothing and satisfy @ok, in which __allocs
 * and __maps are the counters from before the call.  Returns the count.
 */
#define FAIL_EACH(what, call, undo, ok) ({				\
	const char *__what = (what);					\
	unsigned long __k, __n = 0;					\
	long __allocs, __maps;						\
	const char *__f;						\
	int __ret;							\
	for (__k = 1; ; __k++) {					\
		__allocs = shim.allocs;					\
		__maps = shim.maps;					\
		shim_fail_call(__k);					\
		__ret = (call);						\
		__f = shim_failed_call();				\
		shim_fail_call(0);					\
		if (__f && !shim_best_effort(__f)) {			\
			__n++;						\
			CHECKF(__ret == (strcmp(__f, "memremap") ? -ENOMEM : -EINVAL), \
			       "%s: %s failed: %d", __what, __f, __ret); \
			CHECKF(ok, "%s: %s failed: %ld allocations, %ld mappings left behind", \
			       __what, __f, shim.allocs - __allocs, shim.maps - __maps); \
			continue;					\
		}							\
		/* Nothing failed, or only what coherent.c shrugs off. */ \
		CHECKF(!__ret, "%s: %d with %s failing", __what, __ret,	\
		       __f ? __f : "nothing");				\
		undo;							\
		if (!__f)						\
			break;						\
	}								\
	dct_diag("%s: %lu calls failed in turn", __what, __n);		\
	__n; })

static void test_fail_injection(void)
{
	struct device dev = mkdev("inj"), d1 = mkdev("inj1");
	struct reserved_mem r = { .name = "injpool", .size = 32 * PS };

	if (!setup())
		return;
	r.base = t_phys + 64 * PS;
	CHECK(FAIL_EACH("declare",
			dma_declare_coherent_memory(&dev, t_phys, 0, 16 * PS),
			dma_release_coherent_memory(&dev),
			!dev.dma_mem && shim.allocs == __allocs && shim.maps == __maps) >= 6);
	CHECK(!dcw_rmem_setup(&r));
	CHECK(FAIL_EACH("attach (new pool)", r.ops->device_init(&r, &dev),
			dma_release_coherent_memory(&dev),
			!dev.dma_mem && shim.allocs == __allocs + (r.priv ? 5 : 0) &&
			shim.maps == __maps + !!r.priv) >= 7);
	CHECK(FAIL_EACH("attach (existing pool)", r.ops->device_init(&r, &d1),
			dma_release_coherent_memory(&d1),
			!d1.dma_mem && shim.allocs == __allocs) >= 1);
	/* With a chain already there: it stays as it was. */
	CHECK_EQ(dma_declare_coherent_memory(&d1, t_phys, 0, 16 * PS), 0);
	CHECK(FAIL_EACH("attach (chained)", r.ops->device_init(&r, &d1),
			r.ops->device_release(&r, &d1),
			d1.dma_mem && !dcw_pool_of(&d1, 1) && shim.allocs == __allocs) >= 1);
	dma_release_coherent_memory(&d1);
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem && !d1.dma_mem);
	CHECK(dcw_rmem_destroy(&r));
	CHECK(FAIL_EACH("global pool", dma_init_global_coherent(t_phys, 16 * PS),
			dcw_global_destroy(),
			!dcw_global() && shim.allocs == __allocs && shim.maps == __maps) >= 6);
	shim_arena_exit();
}

/* Declared ranges that end exactly at, or wrap past, the top of the address space. */
static void test_address_wrap(void)
{
	const unsigned long pages = 16;
	phys_addr_t top = PHYS_ADDR_MAX - pages * PS + 1;
	dma_addr_t dtop = (dma_addr_t)~0ULL - pages * PS + 1, h;
	struct device dev = mkdev("top");
	void *v;

	if (!setup_at(top, pages))
		return;
	CHECK_EQ(dma_declare_coherent_memory(&dev, top, dtop, pages * PS + 1), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory(&dev, top + PS, dtop, pages * PS), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory(&dev, top, dtop + PS, pages * PS), -EINVAL);
	CHECK_EQ(dma_declare_coherent_memory(&dev, top, dtop, pages * PS), 0);
	CHECK_EQ(pool_of(&dev, 0).pages, pages);
	v = alloc(&dev, pages * PS, &h);
	CHECK(v);
	CHECK_EQ(h, dtop);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, get_order(pages * PS), v), 1);
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);
	CHECK_EQ(shim.maps, 0);
	shim_arena_exit();
}

/*
 * Run @fn in a child process, so that a sanitizer report or a crash in
 * it fails this test instead of ending the run.  Under ThreadSanitizer,
 * which does not follow a fork, in this process.
 */
void in_child(const char *what, void (*fn)(void))
{
#ifdef __SANITIZE_THREAD__
	(void)what;
	fn();
#else
	unsigned long failed = dct_failures();
	int status = 0;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (!pid) {
		fn();
		fflush(stdout);
		_exit(dct_failures() != failed);
	}
	if (!CHECKF(pid > 0, "%s: fork failed", what))
		return;
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		CHECKF(false, "%s: the child hung (its alarm went off)", what);
	else
		CHECKF(WIFEXITED(status) && !WEXITSTATUS(status),
		       "%s: %s %d in the child (a sanitizer report or failed checks above)",
		       what, WIFSIGNALED(status) ? "signal" : "exit status",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
#endif
}

/* A device with no name yet may declare: the pool is named after its address. */
static void test_declare_unnamed(void)
{
	struct device dev = mkdev(NULL);
	char name[40];
	dma_addr_t h;
	void *v;

	if (!setup())
		return;
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 3 * PS, 0x30000000, 8 * PS), 0);
	if (!CHECK(dev.dma_mem))
		goto out;
	snprintf(name, sizeof(name), "declared@%llx", (unsigned long long)(t_phys + 3 * PS));
	CHECK_STR(pool_name(dev.dma_mem), name);
	v = alloc(&dev, 2 * PS, &h);
	CHECK(v && h - 0x30000000 < 8 * PS && h % (2 * PS) == 0);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 1, v), 1);
	/* Messages name the pool; the device is "(null)", as printk says. */
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 1, v), 1);
	CHECKF(strstr(shim_last_msg(), name), "message '%s'", shim_last_msg());
out:
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);
	CHECK_EQ(shim.maps, 0);
	shim_arena_exit();
}

/*
 * A pool whose base is not aligned for a request serves it at the best
 * alignment it has, lowest place first; an aligned one refuses.
 */
static void test_degraded(void)
{
	const dma_addr_t odd = 0x40000000 + PS;		/* page 1 of a 64-page block */
	/* 64 pages, or 1 MiB with larger pages: the longest aligned buffer */
	const unsigned int big = min_t(unsigned long, 64, SZ_1M / PS);
	struct device dev = mkdev("degraded");
	struct dcw_pool p;
	dma_addr_t h;
	void *v, *w;

	if (!setup())
		return;
	/* A carve-out of exactly that many pages at page 1 serves one buffer of it. */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + PS, odd, big * PS), 0);
	v = alloc(&dev, big * PS, &h);
	CHECKF(v && h == odd, "%u pages in a %u-page pool at page 1: %p at %#llx",
	       big, big, v, (unsigned long long)h);
	p = pool_of(&dev, 0);
	CHECK_EQ(p.degraded, 1);
	CHECK_EQ(p.failures, 0);
	CHECK_EQ(shim_traces[SHIM_TRACE_DEGRADED], 1);
	CHECK(shim_degraded.dma == odd && shim_degraded.got == 0 &&
	      shim_degraded.want == (unsigned int)ilog2(big));
	CHECK_EQ(dma_release_from_dev_coherent(&dev, ilog2(big), v), 1);
	dma_release_coherent_memory(&dev);

	/* Two pages at an odd page. */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 3 * PS, 0x40000000 + 3 * PS,
					     2 * PS), 0);
	v = alloc(&dev, 2 * PS, &h);
	CHECKF(v && h == 0x40000000 + 3 * PS, "2 pages in a 2-page pool at page 3: %p", v);
	CHECK_EQ(pool_of(&dev, 0).degraded, 1);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 1, v), 1);
	dma_release_coherent_memory(&dev);

	/* 40 pages want 64-page alignment only where 64 pages are at most 1 MiB. */
	if (get_order(SZ_1M) < 6) {
		dct_diag("%lu-byte pages: no 40-page cases", PS);
		goto out;
	}

	/*
	 * 40 pages in 96 at page 1: no 64-page boundary has room, so the
	 * highest order that has is 5, and its lowest place is page 31.  A
	 * second 40 finds no 40 free pages at all.
	 */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + PS, odd, 96 * PS), 0);
	v = alloc(&dev, 40 * PS, &h);
	CHECKF(v && h == odd + 31 * PS, "40 pages at %#llx, expected %#llx",
	       (unsigned long long)h, (unsigned long long)(odd + 31 * PS));
	CHECK(shim_degraded.want == 6 && shim_degraded.got == 5);
	CHECK(!alloc(&dev, 40 * PS, NULL));
	p = pool_of(&dev, 0);
	CHECK(p.degraded == 1 && p.failures == 1);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 6, v), 1);
	dma_release_coherent_memory(&dev);

	/* The same at page 0: the base is aligned, so the second is refused. */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x40000000, 96 * PS), 0);
	v = alloc(&dev, 40 * PS, &h);
	CHECK(v && h == 0x40000000);
	w = alloc(&dev, 40 * PS, NULL);
	CHECKF(!w, "40 pages placed below their alignment in an aligned pool");
	p = pool_of(&dev, 0);
	CHECK(p.degraded == 0 && p.failures == !w);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 6, v), 1);
	if (w)
		CHECK_EQ(dma_release_from_dev_coherent(&dev, 6, w), 1);
out:
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);
	shim_arena_exit();
}

/*
 * NV12 1080p frames (3,110,400 bytes) in a 64 MiB carve-out aligned to
 * 1 MiB: as many as 1 MiB alignment gives, computed here.
 */
static void test_frames(void)
{
	const size_t frame = 1920 * 1080 * 3 / 2;
	const unsigned long pages = SZ_64M / PS, n = DIV_ROUND_UP(frame, PS);
	const unsigned int want = min_t(unsigned int, mp_order(n), get_order(SZ_1M));
	struct device dev = mkdev("frames");
	unsigned long pos, expect = 0, got = 0;
	void **bufs;
	dma_addr_t h;

	for (pos = 0; pos + n <= pages; pos = ALIGN(pos + n, 1UL << want))
		expect++;
	bufs = calloc(expect + 1, sizeof(*bufs));
	if (!CHECK(bufs) || !setup_at((phys_addr_t)0x7650000000ULL, pages + 1)) {
		free(bufs);
		return;
	}
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x80000000, SZ_64M), 0);
	while (got <= expect && (bufs[got] = alloc(&dev, frame, &h))) {
		CHECKF(h % SZ_1M == 0, "frame %lu at %#llx", got, (unsigned long long)h);
		got++;
	}
	CHECKF(got == expect, "%lu frames of %zu bytes in 64 MiB, 1 MiB alignment gives %lu",
	       got, frame, expect);
	dct_diag("%lu NV12 1080p frames in a 64 MiB pool (%lu pages each, %lu-page alignment)",
		 got, n, 1UL << want);
	while (got--)
		CHECK_EQ(dma_release_from_dev_coherent(&dev, get_order(frame), bufs[got]), 1);
	dma_release_coherent_memory(&dev);
	free(bufs);
	shim_arena_exit();
}

/*
 * A shared device-tree pool: a buffer belongs to the pool, not to the
 * device that allocated it.  d1 frees d0's buffer and allocates one of
 * its own; released, d1 may still free it; d0 is then released clean.
 */
static void test_shared_pool(void)
{
	struct device d0 = mkdev("s0"), d1 = mkdev("s1");
	struct reserved_mem r = { .name = "shared", .size = 16 * PS };
	struct dcw_pool p;
	u8 *x, *z;

	if (!setup())
		return;
	r.base = t_phys + 16 * PS;
	CHECK(!dcw_rmem_setup(&r));
	CHECK(!r.ops->device_init(&r, &d0) && !r.ops->device_init(&r, &d1));
	x = alloc(&d0, PS, NULL);
	CHECK_EQ(dma_release_from_dev_coherent(&d1, 0, x), 1);
	z = alloc(&d1, PS, NULL);
	if (!CHECK(z))
		goto out;
	memset(z, 0x5a, PS);
	dma_release_coherent_memory(&d1);
	CHECK(!d1.dma_mem && !dcw_user(r.priv, &d1));
	dcw_pool_get(r.priv, &p);
	CHECK_EQ(p.live, 1);
	CHECK(z[0] == 0x5a && z[PS - 1] == 0x5a);
	/* 6.12 and c5911d6 said 0 here: the caller freed pool memory as pages. */
	CHECK_EQ(dma_release_from_dev_coherent(&d1, 0, z), 1);
	dcw_pool_get(r.priv, &p);
	CHECK(p.live == 0 && p.misuse == 0 && p.frees == 2);
out:
	dma_release_coherent_memory(&d0);
	dma_release_coherent_memory(&d1);
	CHECK(!d0.dma_mem && !dcw_user(r.priv, &d0));
	CHECK(dcw_rmem_destroy(&r));
	CHECK_EQ(shim.warns, 0);
	shim_arena_exit();
}

/*
 * No pool keeps a released device's pointer: a new device at the same
 * address attaches or declares as any other, and frees what the old one
 * left.  A device freed without release leaves a stale record, which the
 * next device at its address replaces.
 */
static void test_released_device(void)
{
	struct reserved_mem r = { .name = "reuse", .size = 16 * PS };
	struct device dev = mkdev("gone");
	void *x, *y;

	if (!setup())
		return;
	r.base = t_phys + 64 * PS;
	CHECK(!dcw_rmem_setup(&r));
	CHECK_EQ(r.ops->device_init(&r, &dev), 0);
	x = alloc(&dev, PS, NULL);
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);
	CHECK(!dcw_user(r.priv, &dev));
	dev = mkdev("new");
	CHECK_EQ(r.ops->device_init(&r, &dev), 0);
	CHECK(dev.dma_mem == r.priv);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, x), 1);
	dma_release_coherent_memory(&dev);

	/* A declared pool released with a buffer live; a new device declares. */
	dev = mkdev("gone2");
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x61000000, 16 * PS), 0);
	y = alloc(&dev, PS, NULL);
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem);
	dev = mkdev("new2");
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 32 * PS, 0x62000000, 16 * PS), 0);
	CHECK(dev.dma_mem);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, y), 1);
	CHECK_EQ(pool_of(&dev, 0).frees, 0);
	CHECK_EQ(shim.maps, 3);
	CHECK_EQ(shim_flush_work(), 1);
	CHECK_EQ(shim.maps, 2);
	dma_release_coherent_memory(&dev);
	CHECK_EQ(shim.maps, 1);

	/* Freed without release: a stale record, replaced by the next device. */
	dev = mkdev("leaked");
	CHECK_EQ(r.ops->device_init(&r, &dev), 0);
	CHECK_EQ(refs_of(r.priv), 2);
	dev = mkdev("successor");
	CHECK(dcw_user(r.priv, &dev) && !dev.dma_mem);
	CHECK_EQ(r.ops->device_init(&r, &dev), 0);
	CHECK(dev.dma_mem == r.priv);
	CHECK_EQ(refs_of(r.priv), 2);
	CHECKF(strstr(shim_last_msg(), "dropping the record of a device freed without release"),
	       "message '%s'", shim_last_msg());
	dma_release_coherent_memory(&dev);
	CHECK(!dev.dma_mem && !dcw_user(r.priv, &dev));
	CHECK(dcw_rmem_destroy(&r));
	CHECK_EQ(shim.warns, 0);
	shim_arena_exit();
}

/* What the hooks below do when they fire, once: another CPU's free. */
static struct {
	void	*buf;
	int	order;
	bool	armed, fired;
	enum shim_hook_point at;
} race;

static void race_free_last(enum shim_hook_point where, const void *arg)
{
	(void)arg;
	if (!race.armed || where != race.at)
		return;
	race.armed = false;
	race.fired = true;
	/* The last buffer goes and the work item runs at once. */
	dma_release_from_dev_coherent(NULL, race.order, race.buf);
	shim_flush_work();
}

/*
 * The device is released while its pool has one buffer live; the last
 * free and the work item run just as release frees its record (the first
 * kfree() of the release).  The pool must go exactly once, and release
 * must not touch it afterwards.
 */
static void release_race_child(void)
{
	struct device dev = mkdev("racer");

	if (!setup())
		return;
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x60000000, 16 * PS), 0);
	race = (typeof(race)) { .buf = alloc(&dev, PS, NULL), .at = SHIM_HOOK_KFREE };
	shim_hook = race_free_last;
	race.armed = true;
	dma_release_coherent_memory(&dev);
	race.armed = false;
	shim_hook = NULL;
	CHECK(race.fired);
	CHECK(!dev.dma_mem);
	CHECK_EQ(shim.maps, 0);
	CHECK_EQ(shim_work_pending(), 0);
	CHECK_EQ(shim.bad, 0);
	shim_arena_exit();
}

/*
 * An mmap of a free page of a released pool; the pool's last buffer is
 * freed and its work item runs just after mmap's RCU lookup.  mmap must
 * not touch the pool after that, and the pool must go exactly once.
 */
static void mmap_race_child(void)
{
	struct vm_area_struct vma = { .vm_start = 0x100000, .vm_end = 0x100000 + PS };
	struct device dev = mkdev("mracer");
	int err = 1;

	if (!setup())
		return;
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x60000000, 16 * PS), 0);
	race = (typeof(race)) { .buf = alloc(&dev, PS, NULL), .at = SHIM_HOOK_RCU_UNLOCK };
	dma_release_coherent_memory(&dev);
	shim_hook = race_free_last;
	race.armed = true;
	CHECK_EQ(dma_mmap_from_dev_coherent(NULL, &vma, arena + 8 * PS, PS, &err), 1);
	race.armed = false;
	shim_hook = NULL;
	CHECK(race.fired);
	CHECK_EQ(err, -ENXIO);
	shim_flush_work();
	CHECK_EQ(shim.maps, 0);
	CHECK_EQ(shim.bad, 0);
	shim_arena_exit();
}

struct freer {
	struct device	*dev;
	void		**bufs;
	unsigned int	n;
	bool		ok;
};

static void *free_all(void *arg)
{
	struct freer *f = arg;
	unsigned int i;

	f->ok = true;
	for (i = 0; i < f->n; i++)
		f->ok &= dma_release_from_dev_coherent(i % 2 ? f->dev : NULL, 0, f->bufs[i]) == 1;
	return NULL;
}

static bool flusher_stop;

static void *flusher(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&flusher_stop, __ATOMIC_ACQUIRE))
		shim_flush_work();
	return NULL;
}

/*
 * Release racing the last frees, with a kworker running the work items:
 * whoever drops the last reference, the pool goes exactly once.
 */
static void release_race_threads_child(void)
{
	const unsigned int threads = 3, per = 4, rounds = 300;
	struct device dev = mkdev("threads");
	struct freer f[3];
	void *bufs[3 * 4];
	pthread_t th[3], fl;
	unsigned int i, k, bad = 0;
	unsigned long works = 0;

	if (!setup())
		return;
	for (k = 0; k < rounds && !bad; k++) {
		unsigned long works0 = shim.works;

		CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x60000000, 64 * PS), 0);
		for (i = 0; i < threads * per; i++)
			bufs[i] = alloc(&dev, PS, NULL);
		flusher_stop = false;
		CHECK(!pthread_create(&fl, NULL, flusher, NULL));
		for (i = 0; i < threads; i++) {
			f[i] = (struct freer) { .dev = &dev, .bufs = bufs + i * per, .n = per };
			CHECK(!pthread_create(&th[i], NULL, free_all, &f[i]));
		}
		dma_release_coherent_memory(&dev);
		for (i = 0; i < threads; i++) {
			pthread_join(th[i], NULL);
			bad += !CHECK(f[i].ok);
		}
		__atomic_store_n(&flusher_stop, true, __ATOMIC_RELEASE);
		pthread_join(fl, NULL);
		shim_flush_work();
		works += shim.works - works0;
		bad += !CHECKF(shim.maps == 0 && shim.works - works0 <= 1 && !shim.bad,
			       "round %u: %ld mappings left, %lu work items, %lu bad", k,
			       shim.maps, shim.works - works0, shim.bad);
		bad += !CHECK(!dev.dma_mem);
	}
	dct_diag("%u rounds: the last free unmapped the pool in %lu, release in the rest",
		 k, works);
	shim_arena_exit();
}

/* Release racing the last free: the pool goes once (test 6 of cff2160). */
static void test_release_race(void)
{
	in_child("release as the last free runs", release_race_child);
	in_child("mmap as the last free runs", mmap_race_child);
	in_child("release racing frees on threads", release_race_threads_child);
}

/* mmap maps pages of one live buffer: x (5 pages), then y and y2 after it. */
static void test_mmap_one_buffer(void)
{
	struct vm_area_struct vma = { .vm_start = 0x100000 };
	struct device dev = mkdev("mmap1");
	unsigned long calls;
	u8 *x, *y, *y2;
	int err;

	if (!setup())
		return;
	/* Eight pages at an aligned base: x at 0, y at 5, y2 at 6 is the only layout. */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 8 * PS, 0x50000000, 8 * PS), 0);
	x = alloc(&dev, 5 * PS, NULL);
	y = alloc(&dev, PS, NULL);
	y2 = alloc(&dev, 2 * PS, NULL);
	if (!CHECKF(x && y == x + 5 * PS && y2 == x + 6 * PS, "layout %p %p %p", x, y, y2))
		goto out;

#define MMAP(addr, size, pgoff, pages) ({				\
	vma.vm_pgoff = (pgoff);						\
	vma.vm_end = vma.vm_start + (pages) * PS;			\
	calls = shim_remap.calls;					\
	err = 1;							\
	dma_mmap_from_dev_coherent(&dev, &vma, addr, size, &err); })

	/* 6.12 and c5911d6 mapped y and y2 to user space here. */
	CHECK_EQ(MMAP(x, 8 * PS, 0, 8), 1);
	CHECKF(err == -ENXIO && shim_remap.calls == calls,
	       "8 pages from a 5-page buffer: %d, %lu remaps", err, shim_remap.calls - calls);
	CHECK_EQ(MMAP(x, 5 * PS, 0, 5), 1);
	CHECK(!err && shim_remap.calls == calls + 1 && shim_remap.size == 5 * PS);
	CHECK_EQ(MMAP(y, 3 * PS, 0, 3), 1);
	CHECK(err == -ENXIO && shim_remap.calls == calls);
	CHECK_EQ(MMAP(y2 + PS, PS, 0, 1), 1);
	CHECK(!err && shim_remap.calls == calls + 1);
#undef MMAP
	CHECK_EQ(pool_of(&dev, 0).misuse, 2);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 3, x), 1);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, y), 1);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 1, y2), 1);
out:
	dma_release_coherent_memory(&dev);
	shim_arena_exit();
}

/*
 * A refused mmap that would reach a free page or another buffer counts in
 * "misuse"; one past the @size it was given is refused quietly, as
 * dma-direct refuses it.
 */
static void test_mmap_misuse(void)
{
	static const struct {
		unsigned long	size, pgoff, pages;
		bool		misuse;
		const char	*what;
	} bad[] = {
		{ 4, 4, 1, false, "offset past the size" },
		{ 4, ULONG_MAX, 1, false, "offset far past the size" },
		{ 4, 1, 4, false, "length past the size" },
		{ 9, 0, 1, false, "size past the pool's end" },
		{ 8, 0, 8, true, "length past the buffer" },
		{ 1, 0, 1, true, "a free page" },
	};
	struct vm_area_struct vma = { .vm_start = 0x100000 };
	struct device dev = mkdev("mmapmisuse");
	unsigned long before, i, calls;
	u8 *v, *w;
	int err;

	if (!setup())
		return;
	/* Two 4-page buffers fill 8 pages; the second is freed. */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x50000000, 8 * PS), 0);
	v = alloc(&dev, 4 * PS, NULL);
	w = alloc(&dev, 4 * PS, NULL);
	if (!CHECK(v && w))
		goto out;
	if (w < v) {
		u8 *t = v;

		v = w;
		w = t;
	}
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 2, w), 1);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u8 *at = i == ARRAY_SIZE(bad) - 1 ? w : v;

		before = pool_of(&dev, 0).misuse;
		vma.vm_pgoff = bad[i].pgoff;
		vma.vm_end = vma.vm_start + bad[i].pages * PS;
		err = 1;
		calls = shim_remap.calls;
		CHECK_EQ(dma_mmap_from_dev_coherent(&dev, &vma, at, bad[i].size * PS, &err), 1);
		CHECKF(err == -ENXIO && shim_remap.calls == calls &&
		       pool_of(&dev, 0).misuse == before + bad[i].misuse,
		       "%s: %d, %lu remaps, misuse %lu -> %lu", bad[i].what, err,
		       shim_remap.calls - calls, before, pool_of(&dev, 0).misuse);
	}
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 2, v), 1);
out:
	dma_release_coherent_memory(&dev);
	shim_arena_exit();
}

/*
 * debugfs: pools made before it is up (the global pool, at core_initcall)
 * get their directory from the late_initcall; later ones at once.  The
 * files against the pool; names; removal; failures along the way.
 */
static void test_debugfs(void)
{
	struct reserved_mem g = { .name = "def", .size = 8 * PS, .fdt_node = OF_PROP_DMA_DEFAULT },
			    r1 = { .name = "dup", .size = 8 * PS },
			    r2 = { .name = "dup", .size = 8 * PS };
	struct device dev = mkdev(NULL), d1 = mkdev("dbg1");
	unsigned long entries = shim_debugfs_entries(), k;
	struct dentry *dir, *d;
	char path[96], buf[256];
	const char *failed;
	struct dcw_pool p;
	dma_addr_t h;
	void *v;
	int ret;

	if (!setup())
		return;
	shim_debugfs_up = false;
	g.base = t_phys;
	CHECK(!dcw_rmem_setup(&g));
	CHECK_EQ(dcw_init_reserved_default(), 0);
	dcw_pool_get(dcw_global(), &p);
	CHECK(!p.debugfs && !shim_debugfs_find(NULL, "dma-coherent/global"));
	shim_debugfs_up = true;
	CHECK_EQ(dcw_debugfs_init(), 0);
	dir = shim_debugfs_find(NULL, "dma-coherent/global");
	if (!CHECKF(dir, "no directory for the global pool after the late initcall"))
		goto out;
	dcw_pool_get(dcw_global(), &p);
	CHECK(p.debugfs == dir);
	CHECK_EQ(shim_debugfs_ulong(dir, "count"), 8);
	CHECK_EQ(shim_debugfs_ulong(dir, "size"), 8 * PS);
	CHECK_EQ(shim_debugfs_ulong(dir, "base"), t_phys);
	CHECK_EQ(dcw_debugfs_init(), 0);	/* again: nothing new */
	CHECK_EQ(shim_debugfs_entries(), entries + (entries ? 0 : 1) + 1 + 18);

	/* Made after debugfs is up: a directory at once, named after the address. */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys + 17 * PS, 0x30000000 + PS,
					     16 * PS), 0);
	snprintf(path, sizeof(path), "dma-coherent/declared@%llx",
		 (unsigned long long)(t_phys + 17 * PS));
	dir = shim_debugfs_find(NULL, path);
	if (!CHECKF(dir, "no %s", path))
		goto out;
	shim_debugfs_read(dir, "devices", buf, sizeof(buf));
	CHECK_STR(buf, "(unnamed)\n");
	v = alloc(&dev, 4 * PS, &h);
	CHECK_EQ(shim_debugfs_ulong(dir, "degraded"), pool_of(&dev, 0).degraded);
	CHECK_EQ(shim_debugfs_ulong(dir, "used"), 4);
	CHECK_EQ(shim_debugfs_ulong(dir, "dma_base"), 0x30000000 + PS);
	shim_debugfs_read(dir, "bitmap", buf, sizeof(buf));
	snprintf(path, sizeof(path), "%lu-%lu\n", (unsigned long)(h - 0x30000000) / PS - 1,
		 (unsigned long)(h - 0x30000000) / PS + 2);
	CHECK_STR(buf, path);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 2, v), 1);
	CHECK_EQ(shim_debugfs_ulong(dir, "peak"), 4);
	CHECK_EQ(shim_debugfs_write(dir, "peak", "0\n"), 2);
	CHECK_EQ(shim_debugfs_ulong(dir, "peak"), 0);
	CHECK_EQ(shim_debugfs_write(dir, "used", "0"), -EPERM);
	CHECK_EQ(shim_debugfs_write(dir, "peak", "7"), -EINVAL);
	dma_release_coherent_memory(&dev);
	CHECK(!shim_debugfs_find(NULL, path));

	/* Two regions with one name: the second directory is "dup-1". */
	r1.base = t_phys + 64 * PS;
	r2.base = t_phys + 80 * PS;
	CHECK(!dcw_rmem_setup(&r1) && !dcw_rmem_setup(&r2));
	CHECK(!r1.ops->device_init(&r1, &d1) && !r2.ops->device_init(&r2, &d1));
	d = shim_debugfs_find(NULL, "dma-coherent/dup-1");
	CHECK(shim_debugfs_find(NULL, "dma-coherent/dup") && d);
	shim_debugfs_read(d, "devices", buf, sizeof(buf));
	CHECK_STR(buf, "dbg1\n");
	dma_release_coherent_memory(&d1);
	CHECK(dcw_rmem_destroy(&r1) && dcw_rmem_destroy(&r2));
	CHECK(!shim_debugfs_find(NULL, "dma-coherent/dup"));

	/* Each call of a declare failing in turn: debugfs is best effort. */
	for (k = 1;; k++) {
		shim_fail_call(k);
		ret = dma_declare_coherent_memory(&dev, t_phys + 32 * PS, 0x30000000, 16 * PS);
		failed = shim_failed_call();
		shim_fail_call(0);
		if (!failed)
			break;
		if (shim_best_effort(failed))
			CHECKF(!ret && dev.dma_mem, "%s failed: declare %d", failed, ret);
		dma_release_coherent_memory(&dev);
	}
	CHECKF(!ret && k > 20, "declare: %d after %lu failures", ret, k - 1);
	dma_release_coherent_memory(&dev);
out:
	CHECK(dcw_global_destroy());
	CHECK(!shim_debugfs_find(NULL, "dma-coherent/global"));
	CHECK_EQ(shim.bad, 0);
	shim_debugfs_up = false;
	shim_arena_exit();
}

/*
 * debugfs that never comes up (debugfs=off or =no-mount on the command
 * line, CONFIG_DEBUG_FS_ALLOW_NONE): the late initcall must still return,
 * and the pools work on without directories.  In a child with an alarm,
 * so that a hang fails the test (SIGALRM) instead of the run.
 */
static void debugfs_off_child(void)
{
	struct device dev = mkdev("nodebugfs");
	void *v;

	if (!setup())
		return;
	shim_debugfs_up = false;
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, 0x30000000, 16 * PS), 0);
	alarm(3);
	CHECK_EQ(dcw_debugfs_init(), 0);
	alarm(0);
	CHECK(!pool_of(&dev, 0).debugfs);
	v = alloc(&dev, PS, NULL);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, v), 1);
	dma_release_coherent_memory(&dev);
	shim_arena_exit();
}

static void test_debugfs_off(void)
{
	in_child("the late initcall with debugfs off", debugfs_off_child);
}

static const char *skip_no_fork(void)
{
#ifdef __SANITIZE_THREAD__
	return "a hang cannot be caught without a child process";
#else
	return NULL;
#endif
}

static void test_difftest(void)
{
	struct engine_result r;
	struct timespec t0, t1;
	struct dsrc s;
	double secs;
	int i;

	dsrc_seed(&s, dct_opts.seed);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECKF(engine_run(&s, dct_opts.ops, 20000, &r), "seed %llu: %s",
	       (unsigned long long)dct_opts.seed, r.why);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	dct_diag("seed %llu: %lu operations in %lu worlds, %.1f s, %.0f ops/s",
		 (unsigned long long)dct_opts.seed, r.ops, r.runs, secs, r.ops / secs);
	dct_diag("%lu buffers allocated (%lu degraded), %lu found no room, %lu misuses caught",
		 r.allocs, r.degraded, r.no_room, r.misuse);
	for (i = 0; i < OP_NR; i++)
		CHECKF(r.failed || r.kinds[i] || dct_opts.ops < 10000,
		       "operation %d never done", i);
}

struct worker {
	struct device	*dev;
	unsigned int	id;
	unsigned long	iters, allocs, full, misuse;
	bool		ok;
};

/* Write, or check, a thread's tag over the edges of every page of a buffer. */
static bool tag(u32 *v, unsigned long n, u32 id, bool check)
{
	const unsigned long wpp = PS / 4;
	unsigned long j;
	bool ok = true;

	for (j = 0; j < n * wpp; j++) {
		if (j % wpp == 16)
			j += wpp - 32;
		ok &= v[j] == (check ? id << 24 ^ (u32)j : 0);
		v[j] = id << 24 ^ (u32)j;
	}
	return ok;
}

static void *hammer(void *arg)
{
	struct worker *wk = arg;
	struct { u32 *v; unsigned long n; } live[16] = { 0 };
	unsigned long i, k;
	struct dsrc s;
	dma_addr_t h;
	void *v;

	dsrc_seed(&s, dct_opts.seed * 1000 + wk->id);
	wk->ok = true;
	for (i = 0; i < wk->iters + ARRAY_SIZE(live); i++) {
		k = i % ARRAY_SIZE(live);
		if (live[k].v) {
			wk->ok &= tag(live[k].v, live[k].n, wk->id, true);
			if (dma_release_from_dev_coherent(wk->dev, mp_order(live[k].n),
							  live[k].v) != 1)
				wk->ok = false;
			live[k].v = NULL;
		}
		if (i >= wk->iters)
			continue;
		live[k].n = dsrc_below(&s, 8) ? 1 + dsrc_below(&s, 8) : 1 + dsrc_below(&s, 70);
		if (dma_alloc_from_dev_coherent(wk->dev, live[k].n * PS, &h, &v) != 1)
			wk->ok = false;
		if (!v) {
			wk->full++;
			continue;
		}
		wk->allocs++;
		live[k].v = v;
		wk->ok &= tag(v, live[k].n, wk->id, false);
		if (i % 64 == 0) {
			/* Map it, and free it wrongly: both only look. */
			struct vm_area_struct vma = { .vm_end = live[k].n * PS };
			int err = 1;

			if (dma_mmap_from_dev_coherent(wk->dev, &vma, v, live[k].n * PS,
						       &err) != 1 ||
			    err || dma_release_from_dev_coherent(wk->dev, 0, (u8 *)v + 8) != 1)
				wk->ok = false;
			wk->misuse++;
		}
	}
	return NULL;
}

/* Threads hammer one device-tree pool through two devices. */
static void test_concurrency(void)
{
	struct device devs[2] = { mkdev("c0"), mkdev("c1") };
	struct reserved_mem r = { .name = "shared", .size = 1024 * PS };
	unsigned int i, n = dct_opts.threads;
	struct worker wk[64];
	pthread_t th[64];
	unsigned long allocs = 0, full = 0, misuse = 0;
	struct dcw_pool p;

	if (n > ARRAY_SIZE(wk))
		n = ARRAY_SIZE(wk);
	if (!setup())
		return;
	r.base = t_phys + 3 * PS;
	CHECK(!dcw_rmem_setup(&r));
	CHECK(!r.ops->device_init(&r, &devs[0]) && !r.ops->device_init(&r, &devs[1]));
	for (i = 0; i < n; i++) {
		wk[i] = (struct worker) { .dev = &devs[i % 2], .id = i,
					  .iters = dct_opts.ops / 4 / n + 1000 };
		CHECK(!pthread_create(&th[i], NULL, hammer, &wk[i]));
	}
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		CHECKF(wk[i].ok, "thread %u saw a wrong result or a corrupted buffer", i);
		allocs += wk[i].allocs;
		full += wk[i].full;
		misuse += wk[i].misuse;
	}
	dcw_pool_get(r.priv, &p);
	CHECK_EQ(p.live, 0);
	CHECK_EQ(p.free, p.pages);
	CHECK_EQ(p.allocs, allocs);
	CHECK_EQ(p.misuse, misuse);
	CHECK_EQ(shim.warns, misuse);
	CHECK(!dcw_check(r.priv));
	dct_diag("%u threads: %lu buffers, %lu times the pool was full", n, allocs, full);
	dma_release_coherent_memory(&devs[0]);
	dma_release_coherent_memory(&devs[1]);
	CHECK(dcw_rmem_destroy(&r));
	shim_arena_exit();
}

/*
 * Pools of 2^31 and U32_MAX - 512 pages (8 and 16 TiB with 4 KiB pages,
 * the largest lib/page_ranges.c takes) over a sparse arena: page counts
 * past int, buffers near the end; 2^32 + 5 pages are refused.
 */
static void test_huge_pool(void)
{
#if BITS_PER_LONG == 64
	const u64 big = U32_MAX - 512;
	phys_addr_t phys = (phys_addr_t)(1ULL << 44) + 3 * PS;
	dma_addr_t base = (dma_addr_t)(5ULL << 44), h;
	struct device dev = mkdev("huge");
	unsigned long pages[] = { 1UL << 31, big }, n;
	struct dcw_pool p;
	u8 *a, *c;
	unsigned int i;
	long at;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		n = pages[i];
		if (!CHECK(!shim_arena_init(phys, (unsigned long long)n * PS, true)))
			return;
		CHECK_EQ(dma_declare_coherent_memory(&dev, phys, base, n * PS), 0);
		p = pool_of(&dev, 0);
		CHECK_EQ(p.pages, n);
		/* All but 16 pages, then a buffer in the last 16. */
		a = alloc(&dev, (n - 16) * PS, &h);
		CHECKF(a == p.virt && h == base, "%lu pages at %#llx", n - 16,
		       (unsigned long long)h);
		c = alloc(&dev, 4 * PS, &h);
		if (CHECK(a && c)) {
			CHECKF((unsigned long long)(c - (u8 *)p.virt) >= (n - 16) * PS,
			       "last buffer at page %#llx",
			       (unsigned long long)(c - (u8 *)p.virt) / PS);
			CHECK_EQ(h, base + (unsigned long long)(c - (u8 *)p.virt));
			CHECK(is_zero(c, 4 * PS));
			memset(c, 0x5a, 4 * PS);
			CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, c), 1);	/* wrong order */
			CHECK_EQ(dma_release_from_dev_coherent(&dev, 2, c), 1);
			CHECK_EQ(dma_release_from_dev_coherent(&dev, get_order((n - 16) * PS),
							       a), 1);
		}
		p = pool_of(&dev, 0);
		CHECK(p.free == n && p.misuse == 1);
		CHECK(!dcw_check(dcw_pool_of(&dev, 0)));
		/* Over 2^31 pages at 1 MiB alignment: the rules allow it. */
		if (n == big) {
			unsigned int got;

			at = dcw_find(dcw_pool_of(&dev, 0), n - 5, &got);
			CHECKF(at == 0 && got == (unsigned int)get_order(SZ_1M),
			       "all but 5 pages in an empty pool of U32_MAX - 512 pages, 1 MiB aligned: %ld",
			       at);
		}
		dma_release_coherent_memory(&dev);
		CHECK(!dev.dma_mem);
		shim_arena_exit();
	}
	n = (1UL << 32) + 5;
	if (CHECK(!shim_arena_init(phys, (unsigned long long)n * PS, true))) {
		CHECK_EQ(dma_declare_coherent_memory(&dev, phys, base, n * PS), -EINVAL);
		CHECK(!dev.dma_mem);
		shim_arena_exit();
	}
#endif
}

static const char *skip_huge(void)
{
	if (sizeof(long) < 8 || sizeof(phys_addr_t) < 8 || sizeof(dma_addr_t) < 8)
		return "needs 64-bit long, phys_addr_t and dma_addr_t";
	if (PAGE_SHIFT > 12)
		return "2^32 pages of more than 4 KiB exceed the address space";
	return NULL;
}

#define T(n, ...) { .name = #n, .run = test_##n, __VA_ARGS__ }
/* Live buffers of @dev's @i-th pool. */
static unsigned long pool_live(struct device *dev, int i)
{
	struct dcw_pool p;

	dcw_pool_get(dcw_pool_of(dev, i), &p);
	return p.live;
}

/*
 * Overlapping declarations: refused only over a pool released while its
 * buffers are live (those pages are not free), unless exactly its range
 * and flags, which take that pool over; what 6.12 allowed still
 * works: the Dreamcast PCI fixup declaring again for a rescanned device
 * whose predecessor was freed unreleased, and a pool declared inside a
 * buffer of a device-tree pool (a remoteproc vdev carve-out).
 */
static void test_overlap(void)
{
	struct reserved_mem r = { .name = "outer", .size = 32 * PS },
			    r1 = { .name = "first", .size = PS },
			    r2 = { .name = "second", .size = 32 * PS };
	struct device dev = mkdev("bba"), dev2 = mkdev("vdev"), host = mkdev("rproc"), old;
	dma_addr_t h;
	u8 *b, *c;

	if (!setup())
		return;
	/* Released with a buffer live: its range is refused until it goes. */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, t_phys, 8 * PS), 0);
	b = alloc(&dev, PS, NULL);
	dma_release_coherent_memory(&dev);
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys + 4 * PS, t_phys, 8 * PS), -EBUSY);
	CHECK(!dev2.dma_mem);
	/* Exactly its range (a remoteproc restarting): taken over, page kept. */
	CHECK_EQ(dma_declare_coherent_memory_flags(&dev2, t_phys, t_phys, 8 * PS,
						   DMA_COHERENT_FALLBACK), -EBUSY);
	CHECK(!dev2.dma_mem);
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys, t_phys, 8 * PS), 0);
	CHECK_EQ(dcw_lookup(NULL, b), dcw_pool_of(&dev2, 0));
	CHECK_EQ(shim.maps, 1);
	CHECK(!alloc(&dev2, 8 * PS, NULL));
	c = alloc(&dev2, 4 * PS, NULL);
	CHECK(c && (c + 4 * PS <= b || c >= b + PS));
	CHECK_EQ(dma_release_from_dev_coherent(&dev2, 2, c), 1);
	dma_release_coherent_memory(&dev2);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, b), 1);
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys + 4 * PS, t_phys, 8 * PS), 0);
	CHECK_EQ(shim.maps, 1);
	dma_release_coherent_memory(&dev2);
	shim_flush_work();
	CHECK_EQ(shim.maps, 0);

	/*
	 * A take-over that fails at any step leaves the released pool as it
	 * was: still registered, its live page still reserved.
	 */
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, t_phys, 8 * PS), 0);
	b = alloc(&dev, PS, NULL);
	dma_release_coherent_memory(&dev);
	CHECK(FAIL_EACH("take-over",
			dma_declare_coherent_memory(&dev2, t_phys, t_phys, 8 * PS),
			dma_release_coherent_memory(&dev2),
			!dev2.dma_mem && shim.allocs == __allocs && shim.maps == __maps &&
			dcw_lookup(NULL, b)) >= 3);
	/* Arguments that trim to the same pages and DMA base: taken over. */
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys - 0x80, t_phys - 0x80,
					     8 * PS + 0x100), 0);
	CHECK_EQ(dcw_lookup(NULL, b), dcw_pool_of(&dev2, 0));
	CHECK(!alloc(&dev2, 8 * PS, NULL));
	dma_release_coherent_memory(&dev2);
	/* The same pages at another DMA address, or a page short: refused. */
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys, t_phys + 64 * PS, 8 * PS), -EBUSY);
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys, t_phys, 7 * PS), -EBUSY);
	CHECK(!dev2.dma_mem);
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 0, b), 1);
	shim_flush_work();
	CHECK_EQ(shim.maps, 0);
	CHECK(!dcw_lookup(NULL, b));

	/*
	 * The rescanned BBA: the old device is never released (as if freed
	 * unreleased; released at the end here, to leave nothing behind).
	 */
	old = mkdev("bba");
	CHECK_EQ(dma_declare_coherent_memory(&old, t_phys, t_phys, 8 * PS), 0);
	c = alloc(&old, 2 * PS, &h);
	CHECK_EQ(dma_release_from_dev_coherent(&old, 1, c), 1);
	dev = mkdev("bba");
	CHECK_EQ(dma_declare_coherent_memory(&dev, t_phys, t_phys, 8 * PS), 0);
	c = alloc(&dev, 2 * PS, &h);
	CHECK(c);
	CHECK_EQ(dcw_lookup(NULL, c), dcw_pool_of(&dev, 0));
	CHECK_EQ(dcw_lookup(&dev, c), dcw_pool_of(&dev, 0));
	CHECK_EQ(dma_release_from_dev_coherent(&dev, 1, c), 1);
	dma_release_coherent_memory(&dev);
	dma_release_coherent_memory(&old);

	/* A pool inside a buffer of a device-tree pool. */
	r.base = t_phys + 64 * PS;
	CHECK(!dcw_rmem_setup(&r));
	CHECK_EQ(r.ops->device_init(&r, &host), 0);
	b = alloc(&host, 8 * PS, &h);
	CHECK(b);
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys + 64 * PS + (b - arena - 64 * PS),
					     h, 8 * PS), 0);
	c = alloc(&dev2, 8 * PS, NULL);
	CHECK(c);
	CHECK_EQ(dma_release_from_dev_coherent(&dev2, 3, c), 1);
	/*
	 * The shim's memremap() gives a range the same address every time,
	 * as SH's and nommu's do: the inner pool's buffer is at the outer
	 * buffer's address.  A free through each device reaches its own
	 * pool; through neither (NULL), the newest.
	 */
	c = alloc(&dev2, 8 * PS, NULL);
	CHECK_EQ(c, b);
	CHECK_EQ(dcw_lookup(NULL, b), dcw_pool_of(&dev2, 0));
	CHECK_EQ(dcw_lookup(&host, b), dcw_pool_of(&host, 0));
	CHECK_EQ(dma_release_from_dev_coherent(&host, 3, b), 1);
	CHECK_EQ(pool_live(&host, 0), 0);
	CHECK_EQ(pool_live(&dev2, 0), 1);
	b = alloc(&host, 8 * PS, NULL);
	CHECK_EQ(b, c);
	CHECK_EQ(dma_release_from_dev_coherent(&dev2, 3, c), 1);
	CHECK_EQ(pool_live(&host, 0), 1);
	CHECK_EQ(pool_live(&dev2, 0), 0);
	dma_release_coherent_memory(&dev2);
	CHECK_EQ(dma_release_from_dev_coherent(&host, 3, b), 1);
	dma_release_coherent_memory(&host);
	CHECK(dcw_rmem_destroy(&r));

	/* The same with the outer pool the device's second: its chain counts. */
	r1.base = t_phys + 32 * PS;
	r2.base = t_phys + 64 * PS;
	CHECK(!dcw_rmem_setup(&r1) && !dcw_rmem_setup(&r2));
	CHECK_EQ(r1.ops->device_init(&r1, &host), 0);
	CHECK_EQ(r2.ops->device_init(&r2, &host), 0);
	b = alloc(&host, 8 * PS, &h);
	CHECK_EQ(dcw_lookup(NULL, b), dcw_pool_of(&host, 1));
	CHECK_EQ(dma_declare_coherent_memory(&dev2, t_phys + 64 * PS + (b - arena - 64 * PS),
					     h, 8 * PS), 0);
	c = alloc(&dev2, 8 * PS, NULL);
	CHECK_EQ(c, b);
	CHECK_EQ(dcw_lookup(&host, b), dcw_pool_of(&host, 1));
	CHECK_EQ(dma_release_from_dev_coherent(&host, 3, b), 1);
	CHECK_EQ(pool_live(&host, 1), 0);
	CHECK_EQ(pool_live(&dev2, 0), 1);
	CHECK_EQ(dma_release_from_dev_coherent(&dev2, 3, c), 1);
	dma_release_coherent_memory(&dev2);
	dma_release_coherent_memory(&host);
	CHECK(dcw_rmem_destroy(&r2) && dcw_rmem_destroy(&r1));
	shim_flush_work();
	shim_arena_exit();
}

const struct dct_test dct_tests[] = {
	T(word_maxfit), T(declare_errors), T(declare_trim), T(alloc_basics),
	T(alignment), T(capped_alignment), T(free_misuse), T(mmap),
	T(release_live), T(chains), T(global_pool), T(fail_injection),
	T(address_wrap), T(declare_unnamed), T(degraded), T(frames), T(shared_pool),
	T(released_device), T(release_race), T(mmap_one_buffer), T(mmap_misuse),
	T(debugfs), T(debugfs_off, .skip = skip_no_fork), T(overlap), T(difftest),
	T(concurrency),
	T(huge_pool, .skip = skip_huge),
	T(pr_init_args), T(pr_want), T(pr_alignment), T(pr_relaxed), T(pr_big_ranges),
	T(pr_free_misuse), T(pr_broken_index), T(pr_deep), T(pr_fragmented), T(pr_whole),
	T(pr_copy_metadata), T(pr_geometries), T(pr_difftest), T(pr_huge, .skip = pr_skip_huge),
	{ }
};
