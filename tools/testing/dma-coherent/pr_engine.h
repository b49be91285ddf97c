/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differential engine of lib/page_ranges.c: random operations on the
 * library and on a brute-force model (every placement of a request
 * tried), compared after every step.  Driven by a PRNG (pr_tests.c) or by
 * fuzzer bytes (pr_fuzz.c).
 */
#ifndef _DCT_PR_ENGINE_H
#define _DCT_PR_ENGINE_H

#include <linux/types.h>

#include "engine.h"		/* struct dsrc */

struct pr_result {
	unsigned long	ops;		/* operations done */
	unsigned long	worlds;		/* sets made and destroyed */
	unsigned long	allocs;		/* successful allocations */
	unsigned long	relaxed;	/* of which placed below their order */
	unsigned long	refused;	/* -ENOMEM, the model agreeing */
	unsigned long	bad_frees;	/* refused frees, the model agreeing */
	bool		failed;
	char		why[4096];	/* what differed, then the last operations */
};

/*
 * One set of @pages pages at absolute page @base, @max_order: @ops random
 * operations.  Returns !r->failed.
 */
bool pr_engine_world(struct dsrc *s, unsigned long base, unsigned long pages,
		     unsigned int max_order, unsigned long ops, struct pr_result *r);

/*
 * @ops operations (or until the input ends) over sets of random
 * geometry, a new one every few hundred operations.  Returns !r->failed.
 */
bool pr_engine_run(struct dsrc *s, unsigned long ops, struct pr_result *r);

/* The model's answer to page_ranges_largest() for @used (a byte per page). */
unsigned long pr_brute_largest(const u8 *used, unsigned long base,
			       unsigned long pages, unsigned int max_order);

#endif
