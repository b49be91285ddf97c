/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/types.h: tools/include's, plus dma_addr_t, umode_t. */
#ifndef _DCT_LINUX_TYPES_H
#define _DCT_LINUX_TYPES_H

#include_next <linux/types.h>

#ifdef CONFIG_ARCH_DMA_ADDR_T_64BIT
typedef u64 dma_addr_t;
#else
typedef u32 dma_addr_t;
#endif

typedef unsigned short umode_t;

#endif
