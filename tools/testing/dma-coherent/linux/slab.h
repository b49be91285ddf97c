/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/slab.h: counted, fallible allocations. */
#ifndef _DCT_LINUX_SLAB_H
#define _DCT_LINUX_SLAB_H

#include <linux/gfp.h>		/* tools/include's gfp_t */
#include <linux/types.h>

void *shim_alloc(size_t n, size_t size, gfp_t gfp, bool zero, const char *what);
void shim_free(const void *p);
char *kstrdup(const char *s, gfp_t gfp);
const char *kstrdup_const(const char *s, gfp_t gfp);

#define kmalloc(size, gfp)	shim_alloc(1, size, gfp, false, "kmalloc")
#define kzalloc(size, gfp)	shim_alloc(1, size, gfp, true, "kzalloc")
#define kvzalloc(size, gfp)	shim_alloc(1, size, gfp, true, "kvzalloc")
#define kvcalloc(n, size, gfp)	shim_alloc(n, size, gfp, true, "kvcalloc")
#define kcalloc(n, size, gfp)	shim_alloc(n, size, gfp, true, "kcalloc")
#define kvmalloc_array(n, size, gfp) shim_alloc(n, size, gfp, false, "kvmalloc_array")
#define kfree(p)		shim_free(p)
#define kvfree(p)		shim_free(p)
#define kfree_const(p)		shim_free(p)

#endif
