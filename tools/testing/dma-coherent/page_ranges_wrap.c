// SPDX-License-Identifier: GPL-2.0
/*
 * lib/page_ranges.c compiled unchanged against the shims; PAGE_RANGES_C
 * names another copy (make PAGE_RANGES_C=file, to plant a bug).
 */
#ifdef PAGE_RANGES_C
#include PAGE_RANGES_C
#else
#include "../../../lib/page_ranges.c"
#endif
