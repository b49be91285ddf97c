/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/rculist.h: writers change the list with
 * RCU readers held off (shim.c), so readers walk it with plain loads.
 */
#ifndef _DCT_LINUX_RCULIST_H
#define _DCT_LINUX_RCULIST_H

#include <linux/list.h>
#include <linux/rcupdate.h>

/* Hold RCU readers off while a list they walk changes (shim.c). */
void shim_rcu_update_begin(void);
void shim_rcu_update_end(void);

static inline void list_add_tail_rcu(struct list_head *new, struct list_head *head)
{
	shim_rcu_update_begin();
	list_add_tail(new, head);
	shim_rcu_update_end();
}

/* As the kernel's: ->next stays valid for readers that were on the entry. */
static inline void list_del_rcu(struct list_head *entry)
{
	shim_rcu_update_begin();
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	entry->prev = NULL;
	shim_rcu_update_end();
}

/* The kernel's optional lockdep condition is accepted and ignored. */
#define list_for_each_entry_rcu(pos, head, member, cond...)		\
	list_for_each_entry(pos, head, member)

#endif
