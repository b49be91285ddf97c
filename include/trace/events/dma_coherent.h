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

/*
 * A buffer of a pool: allocated (@order: the alignment order it got,
 * @want: the one it asked for), allocated below its alignment, or freed
 * (@order and @want: the order the caller gave).
 */
DECLARE_EVENT_CLASS(dma_coherent_buffer,
	TP_PROTO(struct device *dev, const char *pool, dma_addr_t dma_addr,
		 size_t size, unsigned long pages, unsigned int order,
		 unsigned int want),
	TP_ARGS(dev, pool, dma_addr, size, pages, order, want),

	TP_STRUCT__entry(
		__string(device, dev ? dev_name(dev) : "-")
		__string(pool, pool)
		__field(u64, dma_addr)
		__field(size_t, size)
		__field(unsigned long, pages)
		__field(unsigned int, order)
		__field(unsigned int, want)
	),

	TP_fast_assign(
		__assign_str(device);
		__assign_str(pool);
		__entry->dma_addr = dma_addr;
		__entry->size = size;
		__entry->pages = pages;
		__entry->order = order;
		__entry->want = want;
	),

	TP_printk("%s pool=%s dma_addr=%llx size=%zu pages=%lu order=%u want=%u",
		  __get_str(device), __get_str(pool), __entry->dma_addr,
		  __entry->size, __entry->pages, __entry->order, __entry->want)
);

DEFINE_EVENT(dma_coherent_buffer, dma_coherent_alloc,
	TP_PROTO(struct device *dev, const char *pool, dma_addr_t dma_addr,
		 size_t size, unsigned long pages, unsigned int order,
		 unsigned int want),
	TP_ARGS(dev, pool, dma_addr, size, pages, order, want));

DEFINE_EVENT(dma_coherent_buffer, dma_coherent_alloc_degraded,
	TP_PROTO(struct device *dev, const char *pool, dma_addr_t dma_addr,
		 size_t size, unsigned long pages, unsigned int order,
		 unsigned int want),
	TP_ARGS(dev, pool, dma_addr, size, pages, order, want));

DEFINE_EVENT(dma_coherent_buffer, dma_coherent_free,
	TP_PROTO(struct device *dev, const char *pool, dma_addr_t dma_addr,
		 size_t size, unsigned long pages, unsigned int order,
		 unsigned int want),
	TP_ARGS(dev, pool, dma_addr, size, pages, order, want));

/* No room: the pool's free pages and the largest request it can place. */
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

/* A free or mmap that was refused, and why. */
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
