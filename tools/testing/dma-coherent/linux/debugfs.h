/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/debugfs.h: an in-memory tree that tests
 * read through shim.h (shim_debugfs_*).  debugfs_initialized() is
 * shim_debugfs_up, false until a test sets it.
 */
#ifndef _DCT_LINUX_DEBUGFS_H
#define _DCT_LINUX_DEBUGFS_H

#include <linux/fs.h>
#include <linux/types.h>

struct dentry;

extern bool shim_debugfs_up;

static inline bool debugfs_initialized(void)
{
	return shim_debugfs_up;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file_unsafe(const char *name, umode_t mode,
					  struct dentry *parent, void *data,
					  const struct file_operations *fops);
struct dentry *debugfs_lookup(const char *name, struct dentry *parent);
void dput(struct dentry *dentry);
void debugfs_remove_recursive(struct dentry *dentry);
int debugfs_file_get(struct dentry *dentry);
void debugfs_file_put(struct dentry *dentry);

#endif
