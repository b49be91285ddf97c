/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/page_ranges.h: the repository's own. */
#include "../../../../include/linux/page_ranges.h"
