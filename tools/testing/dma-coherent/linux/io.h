/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/io.h: memremap() of the test's arena. */
#ifndef _DCT_LINUX_IO_H
#define _DCT_LINUX_IO_H

#include <linux/types.h>

enum { MEMREMAP_WB = 1, MEMREMAP_WT = 2, MEMREMAP_WC = 4 };

void *memremap(phys_addr_t offset, size_t size, unsigned long flags);
void memunmap(void *addr);

#endif
