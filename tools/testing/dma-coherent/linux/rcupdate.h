/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/rcupdate.h: a grace period really waits
 * for the readers that were in when it began (shim.c); a reader may not
 * sleep.
 */
#ifndef _DCT_LINUX_RCUPDATE_H
#define _DCT_LINUX_RCUPDATE_H

#include <linux/kernel.h>

void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);

#endif
