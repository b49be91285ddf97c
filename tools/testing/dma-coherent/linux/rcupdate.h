/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/rcupdate.h: readers take a rwlock for
 * reading, synchronize_rcu() takes it for writing, so a grace period
 * really waits for the readers; a reader may not sleep.
 */
#ifndef _DCT_LINUX_RCUPDATE_H
#define _DCT_LINUX_RCUPDATE_H

#include <linux/kernel.h>

void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);

#endif
