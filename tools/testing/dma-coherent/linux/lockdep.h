/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/lockdep.h: every lock knows its owner, and
 * lockdep_assert_held() by a thread that does not hold it counts in
 * shim.bad.
 */
#ifndef _DCT_LINUX_LOCKDEP_H
#define _DCT_LINUX_LOCKDEP_H

#include <pthread.h>
#include <stdbool.h>

struct shim_lockdep_map {
	pthread_t	owner;
	bool		held;
};

void shim_lockdep_failed(void);

static inline void shim_lock_acquired(struct shim_lockdep_map *map)
{
	map->owner = pthread_self();
	__atomic_store_n(&map->held, true, __ATOMIC_RELAXED);
}

static inline void shim_lock_released(struct shim_lockdep_map *map)
{
	__atomic_store_n(&map->held, false, __ATOMIC_RELAXED);
}

/* Only the owner reads owner: a thread that does not hold it fails first. */
static inline void shim_lockdep_assert_held(const struct shim_lockdep_map *map)
{
	if (!__atomic_load_n(&map->held, __ATOMIC_RELAXED) ||
	    !pthread_equal(map->owner, pthread_self()))
		shim_lockdep_failed();
}

#define lockdep_assert_held(l)	shim_lockdep_assert_held(&(l)->dep_map)

#endif
