/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/kernel.h: tools/include's, plus printk and
 * the string helpers the kernel's brings in.
 */
#ifndef _DCT_LINUX_KERNEL_H
#define _DCT_LINUX_KERNEL_H

#include_next <linux/kernel.h>
/* tools/include's is empty: ours is in linux/rcupdate.h. */
#undef synchronize_rcu
#include <errno.h>
#include <string.h>
#include <sys/types.h>

#ifndef data_race
/* An access KCSAN is told is racy on purpose: a plain access here. */
#define data_race(expr)	(expr)
#endif
#ifndef U32_MAX
#define U32_MAX	((u32)~0U)
#endif
#include <linux/printk.h>
#include <linux/types.h>

#define min_not_zero(x, y) ({					\
	typeof(x) __x = (x);					\
	typeof(y) __y = (y);					\
	__x == 0 ? __y : ((__y == 0) ? __x : min(__x, __y)); })

int kstrtou64(const char *s, unsigned int base, u64 *res);
/* snprintf() with the kernel's formats (coherent_wrap.c uses it). */
int shim_snprintf(char *buf, size_t len, const char *fmt, ...);
char *strim(char *s);

static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size);

	if (!size)
		return -E2BIG;
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

#endif
