/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/trace/events/dma_coherent.h: events are counted. */
#ifndef _DCT_TRACE_DMA_COHERENT_H
#define _DCT_TRACE_DMA_COHERENT_H

#include <linux/types.h>

enum {
	SHIM_TRACE_ALLOC, SHIM_TRACE_ALLOC_FAIL, SHIM_TRACE_FREE,
	SHIM_TRACE_MISUSE, SHIM_TRACE_DEGRADED, SHIM_TRACE_NR
};

extern unsigned long shim_traces[SHIM_TRACE_NR];

/* The fields of this thread's last dma_coherent_alloc_degraded event. */
extern __thread struct shim_degraded {
	unsigned long long	size, dma;
	unsigned int		want, got;
} shim_degraded;

#define shim_trace(event) __atomic_add_fetch(&shim_traces[event], 1, __ATOMIC_RELAXED)
#define trace_dma_coherent_alloc(...)		shim_trace(SHIM_TRACE_ALLOC)
#define trace_dma_coherent_alloc_fail(...)	shim_trace(SHIM_TRACE_ALLOC_FAIL)
#define trace_dma_coherent_free(...)		shim_trace(SHIM_TRACE_FREE)
#define trace_dma_coherent_misuse(...)		shim_trace(SHIM_TRACE_MISUSE)

static inline void trace_dma_coherent_alloc_degraded(const void *dev, const char *pool,
						     u64 dma, size_t size, unsigned long pages,
						     unsigned int got, unsigned int want)
{
	(void)dev;
	(void)pool;
	(void)pages;
	shim_degraded = (struct shim_degraded) {
		.size = size, .dma = dma, .want = want, .got = got };
	shim_trace(SHIM_TRACE_DEGRADED);
}

#endif
