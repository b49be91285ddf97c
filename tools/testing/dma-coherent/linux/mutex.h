/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/mutex.h and lockdep's lockdep_assert_held():
 * pthread mutexes that know their owner.  Taking one where sleeping is not
 * allowed, or asserting one the thread does not hold, is counted in
 * shim.bad.
 */
#ifndef _DCT_LINUX_MUTEX_H
#define _DCT_LINUX_MUTEX_H

#include <pthread.h>
#include <stdbool.h>

struct mutex {
	pthread_mutex_t	m;
	pthread_t	owner;
	bool		held;
};

/* Count a sleeping call made in atomic context (shim.c). */
void shim_might_sleep(void);
void shim_lockdep_failed(void);

#define DEFINE_MUTEX(name) struct mutex name = { .m = PTHREAD_MUTEX_INITIALIZER }

static inline void mutex_lock(struct mutex *l)
{
	shim_might_sleep();
	pthread_mutex_lock(&l->m);
	l->owner = pthread_self();
	__atomic_store_n(&l->held, true, __ATOMIC_RELAXED);
}

static inline void mutex_unlock(struct mutex *l)
{
	__atomic_store_n(&l->held, false, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&l->m);
}

/* Only the owner reads owner: a thread that does not hold it fails first. */
static inline void lockdep_assert_held(struct mutex *l)
{
	if (!__atomic_load_n(&l->held, __ATOMIC_RELAXED) ||
	    !pthread_equal(l->owner, pthread_self()))
		shim_lockdep_failed();
}

#endif
