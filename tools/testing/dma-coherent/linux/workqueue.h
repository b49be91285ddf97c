/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/workqueue.h: one queue for every
 * workqueue, run by the harness (shim_flush_work()) or by
 * flush_workqueue(), in the calling thread.
 */
#ifndef _DCT_LINUX_WORKQUEUE_H
#define _DCT_LINUX_WORKQUEUE_H

#include <linux/list.h>
#include <linux/types.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	struct list_head	entry;
	work_func_t		func;
	bool			pending;
};

struct workqueue_struct {
	const char		*name;
};

static inline void INIT_WORK(struct work_struct *work, work_func_t func)
{
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
	work->pending = false;
}

/* Queues @work unless it is queued already; never runs it here. */
bool schedule_work(struct work_struct *work);
/* Runs the queued work items (shim.c); returns how many ran. */
unsigned long shim_flush_work(void);

/* A fallible call: failure injection may make it return NULL. */
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...);

static inline bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	(void)wq;
	return schedule_work(work);
}

static inline void flush_workqueue(struct workqueue_struct *wq)
{
	(void)wq;
	shim_flush_work();
}

#endif
