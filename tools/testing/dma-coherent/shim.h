/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control and counters of the fake kernel environment in shim.c and
 * shim_debugfs.c: the "physical" arena behind memremap(), allocation and
 * mapping counters, failure injection, messages, warnings,
 * remap_pfn_range() records, the work queue, RCU, hooks and debugfs.
 */
#ifndef _DCT_SHIM_H
#define _DCT_SHIM_H

#include <stdarg.h>
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
	/*
	 * Sleeping calls under a spinlock or in an RCU reader, bad memremap()
	 * flags or memunmap(), a mutex asserted but not held, a debugfs
	 * dentry removed while looked up.
	 */
	unsigned long	bad;
	unsigned long	grace_periods;	/* synchronize_rcu() calls */
	unsigned long	works;		/* work items run */
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
/* Count a fallible call @what; true if it is the one to fail. */
bool shim_call_fails(const char *what, bool may_sleep);
/*
 * Is a failure of @call one coherent.c shrugs off (debugfs) rather than
 * one it returns?
 */
bool shim_best_effort(const char *call);
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

/* Run the queued work items (and any they queue); returns how many ran. */
unsigned long shim_flush_work(void);
unsigned long shim_work_pending(void);

/*
 * A test's hook, called at the points below in the thread that reaches
 * them, to run what another CPU might do right then.  @arg: the pointer
 * kfree() is given; NULL for the others.
 */
enum shim_hook_point {
	SHIM_HOOK_KFREE,		/* before the memory is freed */
	SHIM_HOOK_RCU_UNLOCK,		/* after the outermost reader ends */
};

extern void (*shim_hook)(enum shim_hook_point where, const void *arg);

/* shim.c's printk formatting: the kernel's %pa, %pad and %*pbl too. */
void shim_vformat(char *buf, size_t len, const char *fmt, va_list ap);

/*
 * debugfs (shim_debugfs.c).  Paths are relative to the debugfs root,
 * "dma-coherent/<pool>/<file>".  Reading runs the file's open, read_iter
 * and release as the VFS would; returns the bytes read or a negative
 * errno.  Writing likewise.  shim_debugfs_entries() counts the dentries
 * that exist, for the leak check.
 */
struct dentry;
extern bool shim_debugfs_up;
struct dentry *shim_debugfs_find(struct dentry *from, const char *path);
const char *shim_debugfs_name(const struct dentry *dentry);
long shim_debugfs_read(struct dentry *from, const char *path, char *buf, size_t len);
long shim_debugfs_write(struct dentry *from, const char *path, const char *s);
/* A file's value as an unsigned number; ULLONG_MAX if it cannot be read. */
unsigned long long shim_debugfs_ulong(struct dentry *from, const char *path);
unsigned long shim_debugfs_entries(void);

#endif
