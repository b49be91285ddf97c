/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/log2.h: tools/include's, plus order_base_2(). */
#ifndef _DCT_LINUX_LOG2_H
#define _DCT_LINUX_LOG2_H

#include_next <linux/log2.h>

static inline int order_base_2(unsigned long n)
{
	return n > 1 ? ilog2(n - 1) + 1 : 0;
}

#endif
