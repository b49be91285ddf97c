// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/page_ranges.c against the brute-force model of
 * pr_engine.c, driven by the fuzzer's bytes.  A difference is a crash.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pr_engine.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t len);

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct pr_result r;
	struct dsrc s;

	dsrc_data(&s, data, len);
	if (!pr_engine_run(&s, 20000, &r)) {
		fprintf(stderr, "page_ranges difference: %s\n", r.why);
		abort();
	}
	return 0;
}
