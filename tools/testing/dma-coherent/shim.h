/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control and counters of the fake kernel environment in shim.c: the
 * "physical" arena behind memremap(), allocation and mapping counters,
 * failure injection, messages, warnings and remap_pfn_range() records.
 */
#ifndef _DCT_SHIM_H
#define _DCT_SHIM_H

#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/types.h>

struct shim_counters {
	long		allocs;		/* live kmalloc-family allocations */
	long		maps;		/* live memremap() mappings */
	unsigned long	calls;		/* fallible calls: allocations, memremap */
	unsigned long	warns;		/* WARN*() conditions that were true */
	unsigned long	warned;		/* warnings printed (first of a _ONCE) */
	unsigned long	msgs[SHIM_NLEVELS];
	/* Sleeping calls under a spinlock, bad memremap() flags or memunmap(). */
	unsigned long	bad;
};

struct shim_remap {
	unsigned long	calls;
	unsigned long	addr, pfn, size;
	int		result;		/* what the next call returns */
};

extern struct shim_counters shim;
extern struct shim_remap shim_remap;
extern bool shim_verbose;

/* Fail the @nth fallible call from now (1 = the next one); 0: none. */
void shim_fail_call(unsigned long nth);
/* Name of the call that failed since shim_fail_call(), or NULL. */
const char *shim_failed_call(void);

/* Last message or warning text, without the trailing newline. */
const char *shim_last_msg(void);

/*
 * The arena: [@phys, @phys + @size) of "physical" memory, backed by an
 * anonymous MAP_NORESERVE mapping.  memremap() works inside it only.  In a
 * sparse arena, shim_memset() only writes the first and last page.  An
 * arena still mapped with the same parameters is reused as it is.
 */
int shim_arena_init(phys_addr_t phys, u64 size, bool sparse);
void shim_arena_exit(void);
void *shim_phys_to_virt(phys_addr_t phys);
void *shim_memset(void *p, int c, size_t n);

/* Reset every counter except the live ones (allocs, maps). */
void shim_reset(void);

#endif
