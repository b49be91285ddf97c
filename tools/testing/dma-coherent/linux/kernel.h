/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/kernel.h: tools/include's, plus printk. */
#ifndef _DCT_LINUX_KERNEL_H
#define _DCT_LINUX_KERNEL_H

#include_next <linux/kernel.h>
#include <linux/printk.h>

#define min_not_zero(x, y) ({					\
	typeof(x) __x = (x);					\
	typeof(y) __y = (y);					\
	__x == 0 ? __y : ((__y == 0) ? __x : min(__x, __y)); })

#endif
