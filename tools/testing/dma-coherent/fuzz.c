// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the differential engine driven by the fuzzer's bytes.
 * Any difference from the model, leak or sanitizer report is a crash.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t len);

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct engine_result r;
	struct dsrc s;

	dsrc_data(&s, data, len);
	if (!engine_run(&s, 100000, 100000, &r)) {
		fprintf(stderr, "dma-coherent difference: %s\n", r.why);
		abort();
	}
	return 0;
}
