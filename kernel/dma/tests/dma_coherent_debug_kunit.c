// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit checks of per-device coherent DMA pools that need the kernel's
 * debugging aids, through the public API only.
 *
 * dma_coherent_fault: every allocation made by dma_declare_coherent_memory()
 * and by of_reserved_mem_device_init() fails in turn.  The n-th failure
 * point of the calling task is armed with current->fail_nth (as
 * /proc/self/fail-nth does); failslab and fail_page_alloc ignore sleeping
 * allocations by default, so the test opens them up through their debugfs
 * knobs for its duration.  n runs from 1 until the call completes without
 * reaching the armed point.  Each failure must unwind completely: an error
 * returned, dev->dma_mem left NULL, nothing leaked (see below), and the
 * next declare or attach works.
 *
 * dma_coherent_leaks: linked after every other dma_coherent suite, so it
 * runs last.  It leaks a few objects on purpose, waits for kmemleak's
 * minimum object age, scans, and fails unless kmemleak reported those
 * objects and nothing allocated by the pool code (declare, attach, the
 * global pool and of_reserved_mem's attach) during the whole boot.
 *
 * Debugfs is written and read as a user would, through a page of user
 * memory (kunit_vm_mmap()) and vfs_write()/vfs_read(): the files involved
 * implement neither write_iter nor read_iter, which kernel_write() and
 * kernel_read() require.
 *
 * Region for the declare test, as for the main suite:
 *
 *   dma_coherent_debug_kunit.phys=0x30000000 dma_coherent_debug_kunit.size=0x7000000
 *
 * The device-tree case uses a node compatible with
 * "linux,dma-coherent-kunit-fault" whose memory-region no other test uses
 * (kunit/virt-high.dtso), so that the pool is created under injection.
 */
#include <kunit/test.h>
#include <kunit/device.h>
#include <linux/delay.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/irqflags.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/sections.h>

static unsigned long long test_phys;
module_param_named(phys, test_phys, ullong, 0444);
MODULE_PARM_DESC(phys, "physical base of a reserved, non-RAM range for the fault test");

static unsigned long long test_size;
module_param_named(size, test_size, ullong, 0444);
MODULE_PARM_DESC(size, "size in bytes of that range");

#define FAULT_COMPATIBLE	"linux,dma-coherent-kunit-fault"

/* Give up on a call that still reaches an armed failure after this many. */
#define MAX_NTH			2000

/* User memory the debugfs reads and writes go through. */
#define UBUF_SIZE		(4 * PAGE_SIZE)

static struct device *new_device(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(dev), "kunit_device_register failed");
	dev->coherent_dma_mask = DMA_BIT_MASK(64);
	dev->dma_mask = &dev->coherent_dma_mask;
	return dev;
}

/* ---- debugfs as a user sees it ---------------------------------------- */

struct dbgfs {
	struct vfsmount *mnt;
	char __user *ubuf;
};

KUNIT_DEFINE_ACTION_WRAPPER(mntput_action, mntput, struct vfsmount *);

/* A private debugfs mount and a page of user memory; false to skip. */
static bool dbgfs_open(struct kunit *test, struct dbgfs *d)
{
	struct file_system_type *type = get_fs_type("debugfs");
	unsigned long addr;
	char probe[16];

	if (!type)
		return false;
	d->mnt = vfs_kern_mount(type, 0, "debugfs", NULL);
	put_filesystem(type);
	KUNIT_ASSERT_FALSE(test, IS_ERR(d->mnt));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mntput_action, d->mnt));
	addr = kunit_vm_mmap(test, NULL, 0, UBUF_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE_MSG(test, !addr || IS_ERR_VALUE(addr),
			       "kunit_vm_mmap: %ld", (long)addr);
	d->ubuf = (char __user *)addr;

	/* User memory works from this thread: a round trip. */
	KUNIT_ASSERT_EQ(test, copy_to_user(d->ubuf, "dma-coherent", 13), 0);
	memset(probe, 0, sizeof(probe));
	KUNIT_ASSERT_EQ(test, copy_from_user(probe, d->ubuf, 13), 0);
	KUNIT_ASSERT_STREQ(test, probe, "dma-coherent");
	return true;
}

static int dbgfs_write(struct dbgfs *d, const char *path, const char *s)
{
	size_t len = strlen(s);
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	if (len > UBUF_SIZE || copy_to_user(d->ubuf, s, len))
		return -EFAULT;
	f = file_open_root_mnt(d->mnt, path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = vfs_write(f, d->ubuf, len, &pos);
	fput(f);
	return n < 0 ? n : 0;
}

/*
 * Read @path into a NUL-terminated kvmalloc()ed buffer of at most @max
 * bytes (the rest is dropped); returns it or an ERR_PTR().
 */
static char *dbgfs_read(struct dbgfs *d, const char *path, size_t max)
{
	size_t len = 0, cap = UBUF_SIZE + 1;
	char *buf = kvmalloc(cap, GFP_KERNEL), *nbuf;
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	f = file_open_root_mnt(d->mnt, path, O_RDONLY, 0);
	if (IS_ERR(f)) {
		kvfree(buf);
		return ERR_CAST(f);
	}
	while ((n = vfs_read(f, d->ubuf, UBUF_SIZE, &pos)) > 0) {
		if (len + n >= cap && cap <= max) {
			nbuf = kvrealloc(buf, 2 * cap, GFP_KERNEL);
			if (!nbuf)
				break;
			buf = nbuf;
			cap *= 2;
		}
		n = min_t(size_t, n, cap - 1 - len);
		if (copy_from_user(buf + len, d->ubuf, n)) {
			n = -EFAULT;
			break;
		}
		len += n;
	}
	fput(f);
	if (n < 0) {
		kvfree(buf);
		return ERR_PTR(n);
	}
	buf[len] = 0;
	return buf;
}

/* ---- fault injection -------------------------------------------------- */

#if IS_ENABLED(CONFIG_FAILSLAB) && IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS)

/*
 * The knobs that let current->fail_nth reach sleeping allocations, and
 * keep each injected failure from dumping a stack trace to the console.
 */
static const struct {
	const char *path;
	const char *value;
	bool optional;		/* fail_page_alloc: only with FAIL_PAGE_ALLOC */
} fault_knobs[] = {
	{ "failslab/ignore-gfp-wait", "N" },
	{ "failslab/verbose", "0" },
	{ "fail_page_alloc/ignore-gfp-wait", "N", true },
	{ "fail_page_alloc/ignore-gfp-highmem", "N", true },
	{ "fail_page_alloc/min-order", "0", true },
	{ "fail_page_alloc/verbose", "0", true },
};

struct fault_setup {
	struct dbgfs d;
	char old[ARRAY_SIZE(fault_knobs)][16];
	bool set[ARRAY_SIZE(fault_knobs)];
};

/* Restore the knobs; the test must reach this, so no assertions between. */
static void fault_knobs_restore(struct kunit *test, struct fault_setup *fs)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(fault_knobs); i++) {
		if (!fs->set[i])
			continue;
		ret = dbgfs_write(&fs->d, fault_knobs[i].path, fs->old[i]);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "restoring %s", fault_knobs[i].path);
	}
}

/* Returns false (after restoring what it set) when a knob is missing. */
static bool fault_knobs_open(struct kunit *test, struct fault_setup *fs)
{
	char *old;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(fault_knobs); i++) {
		old = dbgfs_read(&fs->d, fault_knobs[i].path, 64);
		if (IS_ERR(old)) {
			if (fault_knobs[i].optional && PTR_ERR(old) == -ENOENT)
				continue;
			kunit_err(test, "reading %s: %ld", fault_knobs[i].path, PTR_ERR(old));
			fault_knobs_restore(test, fs);
			return false;
		}
		strscpy(fs->old[i], strim(old), sizeof(fs->old[i]));
		kvfree(old);
		kunit_info(test, "%s: %s -> %s\n", fault_knobs[i].path, fs->old[i],
			   fault_knobs[i].value);
		ret = dbgfs_write(&fs->d, fault_knobs[i].path, fault_knobs[i].value);
		if (ret) {
			kunit_err(test, "writing %s: %d", fault_knobs[i].path, ret);
			fault_knobs_restore(test, fs);
			return false;
		}
		fs->set[i] = true;
	}
	return true;
}

static void fault_setup(struct kunit *test, struct fault_setup *fs)
{
	memset(fs, 0, sizeof(*fs));
	if (!dbgfs_open(test, &fs->d))
		kunit_skip(test, "no debugfs");
	KUNIT_ASSERT_TRUE_MSG(test, fault_knobs_open(test, fs),
			      "cannot open failslab up to sleeping allocations");
}

/*
 * Call @fn(@arg) with the task's @nth failure point armed.  Returns true
 * if the armed point was reached (the injected failure happened).
 */
static bool call_failing_nth(unsigned int nth, int (*fn)(void *), void *arg,
			     int *ret)
{
	bool fired;

	WRITE_ONCE(current->fail_nth, nth);
	*ret = fn(arg);
	fired = !READ_ONCE(current->fail_nth);
	WRITE_ONCE(current->fail_nth, 0);
	return fired;
}

struct fault_tally {
	unsigned int failed;	/* calls that returned an error */
	unsigned int tolerated;	/* injected, and the call still succeeded */
	unsigned int calls;	/* calls until one ran without injection */
};

/* A buffer can be allocated and freed: the pool works. */
static void expect_pool_works(struct kunit *test, struct device *dev,
			      unsigned int nth)
{
	dma_addr_t h;
	void *buf;

	buf = dma_alloc_coherent(dev, 3 * PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, buf, "n=%u: allocation from the pool failed", nth);
	if (buf)
		dma_free_coherent(dev, 3 * PAGE_SIZE, buf, h);
}

struct declare_arg {
	struct device *dev;
	phys_addr_t phys;
	size_t size;
};

static int declare_call(void *data)
{
	struct declare_arg *a = data;

	return dma_declare_coherent_memory(a->dev, a->phys, a->phys, a->size);
}

static const size_t declare_sizes[] = { SZ_1M, 0 /* the whole region */ };

static void declare_size_desc(const size_t *size, char *desc)
{
	if (*size)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu KiB", *size / SZ_1K);
	else
		strscpy(desc, "whole region", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(declare_size, declare_sizes, declare_size_desc);

static void declare_fault_unwind(struct kunit *test)
{
	const size_t *param = test->param_value;
	struct fault_tally t = { };
	struct declare_arg a;
	struct fault_setup *fs;
	unsigned int n;
	bool fired;
	int ret;

	if (!test_phys || !test_size)
		kunit_skip(test, "no reserved range (dma_coherent_debug_kunit.phys/size)");
	a.dev = new_device(test, "dma-coherent-fault");
	a.phys = test_phys;
	a.size = *param ? min_t(u64, *param, test_size) : test_size;
	fs = kunit_kzalloc(test, sizeof(*fs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fs);
	fault_setup(test, fs);

	for (n = 1; n <= MAX_NTH; n++) {
		fired = call_failing_nth(n, declare_call, &a, &ret);
		if (!fired) {
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "n=%u: declare without injection", n);
			if (!ret)
				expect_pool_works(test, a.dev, n);
			dma_release_coherent_memory(a.dev);
			break;
		}
		if (!ret) {
			/* A failure the pool may shrug off (debugfs files). */
			t.tolerated++;
			KUNIT_EXPECT_NOT_NULL_MSG(test, a.dev->dma_mem, "n=%u", n);
			expect_pool_works(test, a.dev, n);
			dma_release_coherent_memory(a.dev);
			KUNIT_EXPECT_NULL_MSG(test, a.dev->dma_mem, "n=%u: release", n);
			continue;
		}
		t.failed++;
		/* -EINVAL when memremap() itself failed. */
		KUNIT_EXPECT_TRUE_MSG(test, ret == -ENOMEM || ret == -EINVAL,
				      "n=%u: declare returned %d", n, ret);
		KUNIT_EXPECT_NULL_MSG(test, a.dev->dma_mem,
				      "n=%u: failed declare left a pool attached", n);
		/* The next declare, without injection, works. */
		ret = declare_call(&a);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "n=%u: declare after the failure", n);
		if (!ret)
			expect_pool_works(test, a.dev, n);
		dma_release_coherent_memory(a.dev);
	}
	t.calls = n;
	fault_knobs_restore(test, fs);

	KUNIT_EXPECT_LE_MSG(test, n, MAX_NTH, "declare never ran without an injected failure");
	KUNIT_EXPECT_GT_MSG(test, t.failed, 0, "no injected failure made declare fail");
	kunit_info(test, "%zu bytes: %u failure points; %u made declare fail, %u were tolerated\n",
		   a.size, t.calls - 1, t.failed, t.tolerated);
}

static int attach_call(void *data)
{
	return of_reserved_mem_device_init(data);
}

KUNIT_DEFINE_ACTION_WRAPPER(rmem_release_action, of_reserved_mem_device_release,
			    struct device *);

/*
 * The node's pool does not exist until the first successful attach, so
 * the early values of n fail inside pool creation and the later ones in
 * the attach proper.  Nothing is attached between injected calls: that
 * would create the pool and hide its creation from the injection.
 */
static void dt_attach_fault_unwind(struct kunit *test)
{
	struct fault_tally t = { };
	struct device_node *np;
	struct fault_setup *fs;
	struct device *dev;
	unsigned int n;
	bool fired;
	int ret;

	np = of_find_compatible_node(NULL, NULL, FAULT_COMPATIBLE);
	if (!np)
		kunit_skip(test, "needs a \"%s\" node", FAULT_COMPATIBLE);
	dev = new_device(test, "dma-coherent-dt-fault");
	device_set_node(dev, of_fwnode_handle(np));
	of_node_put(np);
	fs = kunit_kzalloc(test, sizeof(*fs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fs);
	fault_setup(test, fs);

	for (n = 1; n <= MAX_NTH; n++) {
		fired = call_failing_nth(n, attach_call, dev, &ret);
		if (!fired) {
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "n=%u: attach without injection", n);
			if (!ret)
				expect_pool_works(test, dev, n);
			of_reserved_mem_device_release(dev);
			break;
		}
		if (!ret) {
			t.tolerated++;
			expect_pool_works(test, dev, n);
			of_reserved_mem_device_release(dev);
			KUNIT_EXPECT_NULL_MSG(test, dev->dma_mem, "n=%u: release", n);
			continue;
		}
		t.failed++;
		KUNIT_EXPECT_TRUE_MSG(test, ret == -ENOMEM || ret == -EINVAL,
				      "n=%u: attach returned %d", n, ret);
		KUNIT_EXPECT_NULL_MSG(test, dev->dma_mem,
				      "n=%u: failed attach left a pool attached", n);
	}
	t.calls = n;
	fault_knobs_restore(test, fs);

	KUNIT_EXPECT_LE_MSG(test, n, MAX_NTH, "attach never ran without an injected failure");
	KUNIT_EXPECT_GT_MSG(test, t.failed, 0, "no injected failure made the attach fail");
	kunit_info(test, "%u failure points; %u made the attach fail, %u were tolerated\n",
		   t.calls - 1, t.failed, t.tolerated);

	/* And it attaches again, for good, as a driver would. */
	KUNIT_ASSERT_EQ(test, of_reserved_mem_device_init(dev), 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, rmem_release_action, dev));
	expect_pool_works(test, dev, n);
}

#else /* !(FAILSLAB && FAULT_INJECTION_DEBUG_FS) */

static const size_t declare_sizes[] = { SZ_1M };
KUNIT_ARRAY_PARAM(declare_size, declare_sizes, NULL);

static void declare_fault_unwind(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS");
}

static void dt_attach_fault_unwind(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS");
}

#endif

/* ---- kmemleak ---------------------------------------------------------- */

#ifdef CONFIG_DEBUG_KMEMLEAK

/* Backtrace entries that mark an object as the pool code's. */
static const char *const pool_markers[] = {
	"coherent",		/* dma_declare_coherent_memory*(), *_global_coherent() ... */
	"pool_create", "pool_attach", "rmem_dma_",
	"of_reserved_mem_device",
};

/*
 * The control: objects leaked on purpose, from a cache of their own (no
 * stale free pointer in a live object of a shared cache can refer to
 * them), their addresses kept XORed (no word in memory points at them).
 * A stale copy in a dead frame of this thread's stack would still count:
 * with CONFIG_VMAP_STACK the stack is a vmalloc() object that kmemleak
 * scans whatever its stack=off says, and the allocations, or the first
 * scan's checksum of each object, can leave such copies (one planted
 * deep in the stack hides its control).  So the dead part of the stack
 * is cleared before each scan.  A copy can also survive where the test
 * cannot clear it: kmemleak's own metadata pool lies in .bss, which it
 * scans, and keeps the addresses of objects it tracked under failure
 * injection and that were freed since; a control allocated there is
 * hidden.  So kmemleak must find at least one control, and a control
 * it misses is logged with the words of .data and .bss that point into
 * it: a check that finds none is blind.
 */
#define LEAK_CONTROLS		4
#define LEAK_CONTROL_SIZE	96

static unsigned long leak_control_hidden[LEAK_CONTROLS];

static noinline int leak_controls_alloc(struct kmem_cache *cache)
{
	void *p;
	int i;

	for (i = 0; i < LEAK_CONTROLS; i++) {
		p = kmem_cache_alloc(cache, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		memset(p, 0x5c, LEAK_CONTROL_SIZE);
		WRITE_ONCE(leak_control_hidden[i], (unsigned long)p ^ ~0UL);
	}
	return 0;
}

static void leak_controls_free(struct kmem_cache *cache)
{
	unsigned long p;
	int i;

	for (i = 0; i < LEAK_CONTROLS; i++) {
		p = READ_ONCE(leak_control_hidden[i]);
		if (p)
			kmem_cache_free(cache, (void *)(p ^ ~0UL));
		WRITE_ONCE(leak_control_hidden[i], 0);
	}
	kmem_cache_destroy(cache);
}

/*
 * Whether @w points into the control kept XORed as @h.  Compared on the
 * XORed values (~@w against @h), so that no register holds the control's
 * address.
 */
static __always_inline bool points_into(unsigned long h, unsigned long w)
{
	return h && h - ~w < LEAK_CONTROL_SIZE;
}

/*
 * Zero this thread's stack below its stack pointer, with interrupts off
 * (no interrupt frame lands there meanwhile); return how many of its
 * words pointed into a control object.
 */
static noinline __no_sanitize_address __no_kmsan_checks unsigned int
scrub_dead_stack(void)
{
	unsigned int stale = 0;
#ifndef CONFIG_STACK_GROWSUP
	unsigned long *p = end_of_stack(current) + 1, *top, flags;
	int i;

	local_irq_save(flags);
#ifdef CONFIG_ARCH_HAS_CURRENT_STACK_POINTER
	top = (unsigned long *)current_stack_pointer;
#else
	top = (unsigned long *)((unsigned long)__builtin_frame_address(0) - 256);
#endif
	for (; p < top; p++) {
		for (i = 0; i < LEAK_CONTROLS; i++)
			stale += points_into(READ_ONCE(leak_control_hidden[i]),
					     READ_ONCE(*p));
		WRITE_ONCE(*p, 0);
	}
	local_irq_restore(flags);
#endif
	return stale;
}

/* Words from @from to @to that point into the control kept as @h. */
static noinline __no_sanitize_address __no_kmsan_checks unsigned int
words_into(const void *from, const void *to, unsigned long h)
{
	const unsigned long *p;
	unsigned int n = 0;

	for (p = PTR_ALIGN(from, sizeof(long)); (const void *)(p + 1) <= to; p++)
		n += points_into(h, READ_ONCE(*p));
	return n;
}

/* The control a report is about, or -1. */
static int control_of(const char *block)
{
	char tag[40];
	int i;

	for (i = 0; i < LEAK_CONTROLS; i++) {
		snprintf(tag, sizeof(tag), "unreferenced object 0x%08lx ",
			 READ_ONCE(leak_control_hidden[i]) ^ ~0UL);
		if (!strncmp(block, tag, strlen(tag)))
			return i;
	}
	return -1;
}

/* Whether the backtrace of a report names the pool code (not its hex dump). */
static bool block_is_pool(const char *block, size_t len)
{
	const char *bt = strnstr(block, "backtrace", len);
	int i;

	if (!bt)
		return false;
	len -= bt - block;
	for (i = 0; i < ARRAY_SIZE(pool_markers); i++)
		if (strnstr(bt, pool_markers[i], len))
			return true;
	return false;
}

/* One kmemleak report, line by line, without its hex dump (consumes @block). */
static void print_block(struct kunit *test, const char *what, char *block, bool err)
{
	bool dump = false;
	char *line;

	while ((line = strsep(&block, "\n"))) {
		if (strstr(line, "hex dump"))
			dump = true;
		else if (strstr(line, "backtrace"))
			dump = false;
		if (dump || !*line)
			continue;
		if (err)
			kunit_err(test, "%s: %s", what, line);
		else
			kunit_info(test, "%s: %s", what, line);
	}
}

static void kmemleak_after_all_suites(struct kunit *test)
{
	unsigned int total = 0, ours = 0, controls = 0, stale, seen = 0;
	unsigned long h;
	struct kmem_cache *cache;
	char *report, *b, *next, self[24];
	struct dbgfs d;
	int i, ret;

	if (!dbgfs_open(test, &d))
		kunit_skip(test, "no debugfs");
	cache = kmem_cache_create("dma_coherent_leak_control", LEAK_CONTROL_SIZE, 0,
				  SLAB_NO_MERGE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, cache);
	ret = leak_controls_alloc(cache);
	if (ret) {
		leak_controls_free(cache);
		KUNIT_FAIL(test, "cannot allocate the control objects");
		return;
	}

	/*
	 * kmemleak reports objects older than 5 s, and only once their
	 * checksum is the same in two scans.
	 */
	msleep(5500);
	ret = dbgfs_write(&d, "kmemleak", "stack=off");
	for (i = 0; !ret && i < 2; i++) {
		stale = scrub_dead_stack();
		kunit_info(test, "before scan %d: %u stale pointers to the controls cleared from the stack\n",
			   i + 1, stale);
		ret = dbgfs_write(&d, "kmemleak", "scan");
	}
	report = ret ? ERR_PTR(ret) : dbgfs_read(&d, "kmemleak", SZ_4M);
	KUNIT_EXPECT_EQ(test, dbgfs_write(&d, "kmemleak", "stack=on"), 0);
	if (IS_ERR(report)) {
		leak_controls_free(cache);
		KUNIT_FAIL(test, "kmemleak scan: %ld (kmemleak disabled?)", PTR_ERR(report));
		return;
	}

	/*
	 * With stack scanning off, this test's own KUnit resources, which
	 * only its stack refers to, are reported too: left out.
	 */
	snprintf(self, sizeof(self), "pid %d,", task_pid_nr(current));
	for (b = strstr(report, "unreferenced object"); b; b = next) {
		next = strstr(b + 1, "unreferenced object");
		total++;
		i = control_of(b);
		if (i >= 0) {
			controls++;
			seen |= BIT(i);
			continue;
		}
		if (next)
			next[-1] = 0;	/* end of this block's last line */
		if (strstr(b, self)) {
			total--;
			continue;
		}
		if (block_is_pool(b, strlen(b))) {
			ours++;
			print_block(test, "leak from the pool code", b, true);
		} else {
			print_block(test, "not the pool's", b, false);
		}
	}
	kvfree(report);
	/*
	 * A control kmemleak did not report: say whether a word of .data or
	 * .bss, which it scans, points into it (its own metadata pool is in
	 * .bss, and keeps the addresses of objects it tracked and freed).
	 */
	for (i = 0; i < LEAK_CONTROLS; i++) {
		h = READ_ONCE(leak_control_hidden[i]);
		if (!(seen & BIT(i)))
			kunit_info(test, "control %d not reported: %u words of .data and .bss point into it\n",
				   i, words_into(_sdata, _edata, h) +
				   words_into(__bss_start, __bss_stop, h));
	}
	leak_controls_free(cache);

	kunit_info(test, "kmemleak: %u unreferenced objects (not this test's): %u from the pool code, %u of %u controls\n",
		   total, ours, controls, LEAK_CONTROLS);
	KUNIT_EXPECT_GT_MSG(test, controls, 0,
			    "kmemleak missed every object leaked on purpose: this check is blind");
	KUNIT_EXPECT_EQ_MSG(test, ours, 0, "the pool code leaked memory");
}

#else

static void kmemleak_after_all_suites(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_DEBUG_KMEMLEAK");
}

#endif

static struct kunit_case dma_coherent_fault_cases[] = {
	KUNIT_CASE_PARAM_ATTR(declare_fault_unwind, declare_size_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_SLOW(dt_attach_fault_unwind),
	{}
};

static struct kunit_suite dma_coherent_fault_suite = {
	.name = "dma_coherent_fault",
	.test_cases = dma_coherent_fault_cases,
};

static struct kunit_case dma_coherent_leak_cases[] = {
	KUNIT_CASE_SLOW(kmemleak_after_all_suites),
	{}
};

static struct kunit_suite dma_coherent_leak_suite = {
	.name = "dma_coherent_leaks",
	.test_cases = dma_coherent_leak_cases,
};

kunit_test_suites(&dma_coherent_fault_suite, &dma_coherent_leak_suite);

MODULE_DESCRIPTION("KUnit fault-injection and leak checks of per-device coherent DMA pools");
MODULE_LICENSE("GPL");
