/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/seq_file.h: single_open() files only. */
#ifndef _DCT_LINUX_SEQ_FILE_H
#define _DCT_LINUX_SEQ_FILE_H

#include <linux/fs.h>
#include <linux/uio.h>

struct seq_file {
	char		*buf;
	size_t		size, count;
	bool		shown;
	int		(*show)(struct seq_file *m, void *v);
	void		*private;
	struct file	*file;
};

/*
 * No __printf(): the kernel's u64 is unsigned long long, tools' uint64_t
 * is not; the kernel build checks these formats.  Knows %*pbl.
 */
void seq_printf(struct seq_file *m, const char *fmt, ...);
int single_open(struct file *file, int (*show)(struct seq_file *m, void *v),
		void *data);
int single_release(struct inode *inode, struct file *file);
ssize_t seq_read_iter(struct kiocb *iocb, struct iov_iter *to);
loff_t seq_lseek(struct file *file, loff_t offset, int whence);

#endif
