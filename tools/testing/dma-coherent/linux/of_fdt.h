/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/of_fdt.h: a node is a set of OF_PROP_* bits. */
#ifndef _DCT_LINUX_OF_FDT_H
#define _DCT_LINUX_OF_FDT_H

#include <linux/bits.h>

#define OF_PROP_REUSABLE	BIT(0)
#define OF_PROP_NO_MAP		BIT(1)
#define OF_PROP_DMA_DEFAULT	BIT(2)

const void *of_get_flat_dt_prop(unsigned long node, const char *name, int *size);

#endif
