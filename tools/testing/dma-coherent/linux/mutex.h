/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/mutex.h: pthread mutexes that know their
 * owner (linux/lockdep.h).  Taking one where sleeping is not allowed
 * counts in shim.bad.
 */
#ifndef _DCT_LINUX_MUTEX_H
#define _DCT_LINUX_MUTEX_H

#include <pthread.h>
#include <linux/lockdep.h>

struct mutex {
	pthread_mutex_t		m;
	struct shim_lockdep_map	dep_map;
};

/* Count a sleeping call made in atomic context (shim.c). */
void shim_might_sleep(void);

#define DEFINE_MUTEX(name) struct mutex name = { .m = PTHREAD_MUTEX_INITIALIZER }

static inline void mutex_lock(struct mutex *l)
{
	shim_might_sleep();
	pthread_mutex_lock(&l->m);
	shim_lock_acquired(&l->dep_map);
}

static inline void mutex_unlock(struct mutex *l)
{
	shim_lock_released(&l->dep_map);
	pthread_mutex_unlock(&l->m);
}

#endif
