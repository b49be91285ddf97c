/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/of_reserved_mem.h: regions the test describes. */
#ifndef _DCT_LINUX_OF_RESERVED_MEM_H
#define _DCT_LINUX_OF_RESERVED_MEM_H

#include <linux/device.h>

struct reserved_mem_ops;

struct reserved_mem {
	const char			*name;
	unsigned long			fdt_node;	/* OF_PROP_* bits */
	const struct reserved_mem_ops	*ops;
	phys_addr_t			base;
	phys_addr_t			size;
	void				*priv;
};

struct reserved_mem_ops {
	int	(*device_init)(struct reserved_mem *rmem, struct device *dev);
	void	(*device_release)(struct reserved_mem *rmem, struct device *dev);
};

typedef int (*reservedmem_of_init_fn)(struct reserved_mem *rmem);

struct device_node;
struct reserved_mem *of_reserved_mem_lookup(struct device_node *np);

/* As the kernel's !CONFIG_OF_RESERVED_MEM stub: an unused table entry. */
#define RESERVEDMEM_OF_DECLARE(name, compat, init)			\
	static const struct {						\
		const char		*compatible;			\
		reservedmem_of_init_fn	data;				\
	} __of_table_##name __maybe_unused = {				\
		.compatible = compat,					\
		.data = init,						\
	}

#endif
