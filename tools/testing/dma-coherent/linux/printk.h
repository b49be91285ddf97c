/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/printk.h and asm-generic/bug.h: counted, quiet. */
#ifndef _DCT_LINUX_PRINTK_H
#define _DCT_LINUX_PRINTK_H

#include <stdbool.h>
#include <linux/compiler.h>

enum { SHIM_ERR, SHIM_WARN, SHIM_INFO, SHIM_NLEVELS };

__printf(2, 3) void shim_printk(int level, const char *fmt, ...);
__printf(2, 3) bool shim_warn(bool *once, const char *fmt, ...);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_err(fmt, ...)	shim_printk(SHIM_ERR, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	shim_printk(SHIM_WARN, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	shim_printk(SHIM_INFO, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_ratelimited	pr_warn

/* Every true condition is counted; only the first of a _ONCE prints. */
#define WARN(cond, fmt...) ({						\
	bool __c = !!(cond);						\
	if (__c)							\
		shim_warn(NULL, fmt);					\
	__c; })
#define WARN_ONCE(cond, fmt...) ({					\
	static bool __once;						\
	bool __c = !!(cond);						\
	if (__c)							\
		shim_warn(&__once, fmt);				\
	__c; })
#define WARN_ON(cond)		WARN(cond, "WARN_ON(%s)\n", #cond)
#define WARN_ON_ONCE(cond)	WARN_ONCE(cond, "WARN_ON_ONCE(%s)\n", #cond)

#endif
