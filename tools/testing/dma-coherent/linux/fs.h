/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/fs.h: what a debugfs file's operations see. */
#ifndef _DCT_LINUX_FS_H
#define _DCT_LINUX_FS_H

#include <sys/types.h>
#include <linux/types.h>

struct dentry;
struct iov_iter;

struct inode {
	void			*i_private;
};

struct path {
	struct dentry		*dentry;
};

struct file {
	struct path		f_path;
	void			*private_data;
	loff_t			f_pos;
};

struct kiocb {
	struct file		*ki_filp;
	loff_t			ki_pos;
};

struct file_operations {
	int	(*open)(struct inode *inode, struct file *file);
	ssize_t	(*read_iter)(struct kiocb *iocb, struct iov_iter *to);
	ssize_t	(*write_iter)(struct kiocb *iocb, struct iov_iter *from);
	loff_t	(*llseek)(struct file *file, loff_t offset, int whence);
	int	(*release)(struct inode *inode, struct file *file);
};

#endif
