/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/workqueue.h: a queue the harness runs (shim_flush_work()). */
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

static inline void INIT_WORK(struct work_struct *work, work_func_t func)
{
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
	work->pending = false;
}

/* Queues @work unless it is queued already; never runs it here. */
bool schedule_work(struct work_struct *work);

#endif
