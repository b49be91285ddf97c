/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/prefetch.h: the compiler's generic hints. */
#ifndef _DCT_LINUX_PREFETCH_H
#define _DCT_LINUX_PREFETCH_H

#define prefetch(x)	__builtin_prefetch(x)
#define prefetchw(x)	__builtin_prefetch(x, 1)

#endif
