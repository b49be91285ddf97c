/* SPDX-License-Identifier: GPL-2.0 */
/* The test runner: a KTAP test list, checks and options. */
#ifndef _DCT_TEST_H
#define _DCT_TEST_H

#include <stdbool.h>
#include <string.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct dct_test {
	const char	*name;
	void		(*run)(void);
	/* Why the test cannot run in this build, or NULL. */
	const char	*(*skip)(void);
};

struct dct_opts {
	u64		seed;
	unsigned long	ops;		/* differential test operations */
	unsigned int	threads;	/* concurrency test threads */
	unsigned long	pr_ops;		/* lib/page_ranges.c differential operations */
};

extern struct dct_opts dct_opts;
extern const struct dct_test dct_tests[];

__printf(4, 5) bool dct_check(bool ok, const char *file, int line,
			      const char *fmt, ...);
__printf(1, 2) void dct_diag(const char *fmt, ...);
/* Failed checks so far. */
unsigned long dct_failures(void);

/* Check @cond; on failure print the expression or @fmt.  Returns @cond. */
#define CHECK(cond) dct_check(!!(cond), __FILE__, __LINE__, "%s", #cond)
#define CHECKF(cond, fmt, ...) \
	dct_check(!!(cond), __FILE__, __LINE__, fmt, ##__VA_ARGS__)
#define CHECK_EQ(a, b) ({						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	dct_check(__a == __b, __FILE__, __LINE__, "%s == %s: %lld (%#llx), expected %lld (%#llx)", \
		  #a, #b, __a, __a, __b, __b); })
#define CHECK_STR(a, b) ({						\
	const char *__a = (a), *__b = (b);				\
	dct_check(__a && !strcmp(__a, __b), __FILE__, __LINE__,		\
		  "%s == %s: '%s', expected '%s'", #a, #b,		\
		  __a ? __a : "(null)", __b); })

/* Run @fn in a child process: a sanitizer report there fails the test. */
void in_child(const char *what, void (*fn)(void));

#endif
