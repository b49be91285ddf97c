/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/spinlock.h: pthread mutexes that count nesting. */
#ifndef _DCT_LINUX_SPINLOCK_H
#define _DCT_LINUX_SPINLOCK_H

#include <pthread.h>
#include <linux/lockdep.h>

typedef struct {
	pthread_mutex_t		m;
	struct shim_lockdep_map	dep_map;
} spinlock_t;

#define DEFINE_SPINLOCK(x)	spinlock_t x = { .m = PTHREAD_MUTEX_INITIALIZER }

/* Spinlocks held by this thread: sleeping calls check it is zero. */
extern __thread int shim_atomic;

static inline void spin_lock_init(spinlock_t *l)
{
	pthread_mutex_init(&l->m, NULL);
	l->dep_map.held = false;
}

static inline void spin_lock(spinlock_t *l)
{
	pthread_mutex_lock(&l->m);
	shim_lock_acquired(&l->dep_map);
	shim_atomic++;
}

static inline void spin_unlock(spinlock_t *l)
{
	shim_atomic--;
	shim_lock_released(&l->dep_map);
	pthread_mutex_unlock(&l->m);
}

#define spin_lock_irqsave(l, flags)	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); spin_unlock(l); } while (0)

#endif
