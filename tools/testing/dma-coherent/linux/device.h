/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/device.h: the fields coherent.c uses, and
 * the headers the kernel's brings in (RCU lists, work items).
 */
#ifndef _DCT_LINUX_DEVICE_H
#define _DCT_LINUX_DEVICE_H

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct dma_coherent_mem;

struct device {
	const char		*init_name;
	struct dma_coherent_mem	*dma_mem;
	u64			coherent_dma_mask;
	u64			bus_dma_limit;
	u64			dma_offset;	/* phys_to_dma() adds it */
};

static inline const char *dev_name(const struct device *dev)
{
	return dev->init_name;
}

#define dev_info(dev, fmt, ...)	\
	shim_printk(SHIM_INFO, "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)	\
	shim_printk(SHIM_ERR, "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)	\
	shim_printk(SHIM_WARN, "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_warn_ratelimited	dev_warn

#endif
