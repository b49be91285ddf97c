/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/rculist.h.  As in the kernel, writers are
 * serialised by the caller's lock and may run inside a read-side section;
 * the pointers readers follow are published and read atomically.
 */
#ifndef _DCT_LINUX_RCULIST_H
#define _DCT_LINUX_RCULIST_H

#include <linux/list.h>
#include <linux/rcupdate.h>

static inline void list_add_tail_rcu(struct list_head *new, struct list_head *head)
{
	struct list_head *prev = head->prev;

	new->next = head;
	new->prev = prev;
	__atomic_store_n(&prev->next, new, __ATOMIC_RELEASE);
	head->prev = new;
}

static inline void list_add_rcu(struct list_head *new, struct list_head *head)
{
	struct list_head *next = head->next;

	new->next = next;
	new->prev = head;
	__atomic_store_n(&head->next, new, __ATOMIC_RELEASE);
	next->prev = new;
}

/* As the kernel's: ->next stays valid for readers that were on the entry. */
static inline void list_del_rcu(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	__atomic_store_n(&entry->prev->next, entry->next, __ATOMIC_RELEASE);
	entry->prev = NULL;
}

/* The next entry as a reader sees it. */
static inline struct list_head *shim_rcu_next(struct list_head *p)
{
	return __atomic_load_n(&p->next, __ATOMIC_ACQUIRE);
}

/* The kernel's optional lockdep condition is accepted and ignored. */
#define list_for_each_entry_rcu(pos, head, member, cond...)			\
	for (struct list_head *__h = (head), *__p = shim_rcu_next(__h);		\
	     __p != __h && ((pos) = (void *)((char *)__p -				\
				offsetof(typeof(*(typeof(pos))NULL), member)), 1);	\
	     __p = shim_rcu_next(__p))

#endif
