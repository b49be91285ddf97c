/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forced into every object of the benchmark (-include): __ffs(), __fls()
 * and fls() as single instructions, as x86-64 and arm64 kernels have them
 * (tzcnt/bsf, bsr; rbit+clz, clz), instead of tools/include's generic C
 * loops, which would add some 20 instructions to each call in all three
 * allocators.  fls64(), fls_long() and get_order() follow.
 */
#ifndef _DCT_BENCH_BITOPS_H
#define _DCT_BENCH_BITOPS_H

#include <linux/compiler.h>

#define _TOOLS_LINUX_ASM_GENERIC_BITOPS___FFS_H_
#define __HAVE_ARCH___FLS
#define __HAVE_ARCH_FLS

static __always_inline unsigned int __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

static __always_inline unsigned int bench___fls(unsigned long word)
{
	return 8 * sizeof(long) - 1 - __builtin_clzl(word);
}

static __always_inline int bench_fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

#define __fls(word)	bench___fls(word)
#define fls(x)		bench_fls(x)

#endif
