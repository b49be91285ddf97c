/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/uio.h: an iov_iter is one plain buffer. */
#ifndef _DCT_LINUX_UIO_H
#define _DCT_LINUX_UIO_H

#include <string.h>
#include <linux/types.h>

struct iov_iter {
	char		*buf;
	size_t		count;
};

static inline size_t iov_iter_count(const struct iov_iter *i)
{
	return i->count;
}

static inline size_t copy_from_iter(void *to, size_t bytes, struct iov_iter *i)
{
	if (bytes > i->count)
		bytes = i->count;
	memcpy(to, i->buf, bytes);
	i->buf += bytes;
	i->count -= bytes;
	return bytes;
}

static inline size_t copy_to_iter(const void *from, size_t bytes, struct iov_iter *i)
{
	if (bytes > i->count)
		bytes = i->count;
	memcpy(i->buf, from, bytes);
	i->buf += bytes;
	i->count -= bytes;
	return bytes;
}

#endif
