/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the per-device coherent DMA pools (kernel/dma/coherent.c).
 * Allocations from a pool also emit the generic dma:dma_alloc and
 * dma:dma_free events.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dma_coherent

#if !defined(_TRACE_DMA_COHERENT_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_DMA_COHERENT_H

#include <linux/device.h>
#include <linux/tracepoint.h>

TRACE_EVENT(dma_coherent_alloc,
	TP_PROTO(struct device *dev, const char *pool, size_t size,
		 unsigned long pages, dma_addr_t dma_addr),
	TP_ARGS(dev, pool, size, pages, dma_addr),

	TP_STRUCT__entry(
		__string(device, dev ? dev_name(dev) : "-")
		__string(pool, pool)
		__field(size_t, size)
		__field(unsigned long, pages)
		__field(u64, dma_addr)
	),

	TP_fast_assign(
		__assign_str(device);
		__assign_str(pool);
		__entry->size = size;
		__entry->pages = pages;
		__entry->dma_addr = dma_addr;
	),

	TP_printk("%s pool=%s size=%zu pages=%lu dma_addr=%llx",
		  __get_str(device), __get_str(pool), __entry->size,
		  __entry->pages, __entry->dma_addr)
);

TRACE_EVENT(dma_coherent_free,
	TP_PROTO(struct device *dev, const char *pool, unsigned long pages,
		 dma_addr_t dma_addr),
	TP_ARGS(dev, pool, pages, dma_addr),

	TP_STRUCT__entry(
		__string(device, dev ? dev_name(dev) : "-")
		__string(pool, pool)
		__field(unsigned long, pages)
		__field(u64, dma_addr)
	),

	TP_fast_assign(
		__assign_str(device);
		__assign_str(pool);
		__entry->pages = pages;
		__entry->dma_addr = dma_addr;
	),

	TP_printk("%s pool=%s pages=%lu dma_addr=%llx",
		  __get_str(device), __get_str(pool), __entry->pages,
		  __entry->dma_addr)
);

TRACE_EVENT(dma_coherent_alloc_degraded,
	TP_PROTO(struct device *dev, const char *pool, size_t size,
		 dma_addr_t dma_addr, unsigned int want, unsigned int got),
	TP_ARGS(dev, pool, size, dma_addr, want, got),

	TP_STRUCT__entry(
		__string(device, dev ? dev_name(dev) : "-")
		__string(pool, pool)
		__field(size_t, size)
		__field(u64, dma_addr)
		__field(unsigned int, want)
		__field(unsigned int, got)
	),

	TP_fast_assign(
		__assign_str(device);
		__assign_str(pool);
		__entry->size = size;
		__entry->dma_addr = dma_addr;
		__entry->want = want;
		__entry->got = got;
	),

	TP_printk("%s pool=%s size=%zu dma_addr=%llx align_order=%u wanted=%u",
		  __get_str(device), __get_str(pool), __entry->size,
		  __entry->dma_addr, __entry->got, __entry->want)
);

TRACE_EVENT(dma_coherent_alloc_fail,
	TP_PROTO(struct device *dev, const char *pool, size_t size,
		 unsigned long free_pages, unsigned long largest),
	TP_ARGS(dev, pool, size, free_pages, largest),

	TP_STRUCT__entry(
		__string(device, dev ? dev_name(dev) : "-")
		__string(pool, pool)
		__field(size_t, size)
		__field(unsigned long, free_pages)
		__field(unsigned long, largest)
	),

	TP_fast_assign(
		__assign_str(device);
		__assign_str(pool);
		__entry->size = size;
		__entry->free_pages = free_pages;
		__entry->largest = largest;
	),

	TP_printk("%s pool=%s size=%zu free_pages=%lu largest=%lu",
		  __get_str(device), __get_str(pool), __entry->size,
		  __entry->free_pages, __entry->largest)
);

TRACE_EVENT(dma_coherent_misuse,
	TP_PROTO(struct device *dev, const char *pool, dma_addr_t dma_addr,
		 int order, const char *what),
	TP_ARGS(dev, pool, dma_addr, order, what),

	TP_STRUCT__entry(
		__string(device, dev ? dev_name(dev) : "-")
		__string(pool, pool)
		__field(u64, dma_addr)
		__field(int, order)
		__string(what, what)
	),

	TP_fast_assign(
		__assign_str(device);
		__assign_str(pool);
		__entry->dma_addr = dma_addr;
		__entry->order = order;
		__assign_str(what);
	),

	TP_printk("%s pool=%s dma_addr=%llx order=%d: %s",
		  __get_str(device), __get_str(pool), __entry->dma_addr,
		  __entry->order, __get_str(what))
);

#endif /* _TRACE_DMA_COHERENT_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
