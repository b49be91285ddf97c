/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/init.h: tools/include's, plus initcalls. */
#ifndef _DCT_LINUX_INIT_H
#define _DCT_LINUX_INIT_H

#include_next <linux/init.h>

/* Never called by the shims: the harness calls the function itself. */
#define __ro_after_init
#define core_initcall(fn) \
	static int (*__initcall_##fn)(void) __maybe_unused = fn
#define late_initcall(fn) \
	static int (*__initcall_##fn)(void) __maybe_unused = fn

#endif
