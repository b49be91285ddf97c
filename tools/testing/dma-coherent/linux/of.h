/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/of.h: the only nodes the pool code looks
 * up, those with "linux,dma-default", are the reserved_mem regions that
 * dcw_rmem_setup() saw with it, in that order.
 */
#ifndef _DCT_LINUX_OF_H
#define _DCT_LINUX_OF_H

struct device_node;

struct device_node *of_find_node_with_property(struct device_node *from,
					       const char *name);
static inline void of_node_put(struct device_node *np) { }

#define for_each_node_with_property(dn, prop_name)			\
	for (dn = of_find_node_with_property(NULL, prop_name); dn;	\
	     dn = of_find_node_with_property(dn, prop_name))

#endif
