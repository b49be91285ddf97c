/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differential engine: random operations on coherent.c and on the
 * reference model, compared after every step.  Driven by a PRNG (the
 * difftest) or by fuzzer bytes (fuzz.c).
 */
#ifndef _DCT_ENGINE_H
#define _DCT_ENGINE_H

#include <linux/types.h>

/* Where the engine's choices come from. */
struct dsrc {
	const u8	*data;		/* fuzzer input, or NULL: the PRNG */
	size_t		len, pos;
	u64		rng;
	bool		done;		/* the input is used up */
};

void dsrc_seed(struct dsrc *s, u64 seed);
void dsrc_data(struct dsrc *s, const u8 *data, size_t len);
u64 dsrc_below(struct dsrc *s, u64 n);

enum {
	OP_DECLARE, OP_ATTACH, OP_DETACH, OP_ALLOC, OP_FREE, OP_FREE_BAD,
	OP_MMAP, OP_RELEASE, OP_GALLOC, OP_GFREE, OP_GMMAP, OP_FLUSH,
	OP_FORGET, OP_DEBUGFS, OP_NR
};

struct engine_result {
	unsigned long	ops;		/* operations done */
	unsigned long	runs;		/* worlds set up and torn down */
	unsigned long	kinds[OP_NR];	/* operations of each kind */
	unsigned long	allocs, misuse, no_room, degraded;
	bool		failed;
	char		why[2048];	/* what differed, then the last operations */
};

/*
 * Run @ops operations (or until the input ends), setting up a new world
 * of devices and pools every @run_ops operations.  Returns !r->failed.
 */
bool engine_run(struct dsrc *s, unsigned long ops, unsigned long run_ops,
		struct engine_result *r);

#endif
