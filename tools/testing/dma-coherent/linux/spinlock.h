/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/spinlock.h: pthread mutexes that count nesting. */
#ifndef _DCT_LINUX_SPINLOCK_H
#define _DCT_LINUX_SPINLOCK_H

#include <pthread.h>

typedef struct {
	pthread_mutex_t	m;
} spinlock_t;

/* Spinlocks held by this thread: sleeping calls check it is zero. */
extern __thread int shim_atomic;

static inline void spin_lock_init(spinlock_t *l)
{
	pthread_mutex_init(&l->m, NULL);
}

static inline void spin_lock(spinlock_t *l)
{
	pthread_mutex_lock(&l->m);
	shim_atomic++;
}

static inline void spin_unlock(spinlock_t *l)
{
	shim_atomic--;
	pthread_mutex_unlock(&l->m);
}

#define spin_lock_irqsave(l, flags)	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); spin_unlock(l); } while (0)

#endif
