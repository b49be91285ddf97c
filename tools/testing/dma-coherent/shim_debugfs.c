// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs and seq_file for coherent.c's pool directories: an in-memory
 * tree of dentries, files read and written through their
 * file_operations as the VFS would call them.  Creating a dentry is a
 * fallible call (failure injection); looking one up takes a reference
 * that dput() drops, and removing one that is still referenced counts in
 * shim.bad.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "shim.h"

struct dentry {
	char				name[64];
	struct dentry			*parent, *child, *next;
	bool				dir;
	umode_t				mode;
	void				*data;
	const struct file_operations	*fops;
	int				refs;
	int				users;	/* debugfs_file_get() */
};

bool shim_debugfs_up;

static struct dentry root = { .name = "", .dir = true };
static pthread_mutex_t tree_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long entries;

static struct dentry *child_of(struct dentry *parent, const char *name)
{
	struct dentry *d;

	for (d = parent->child; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static struct dentry *create(const char *name, struct dentry *parent, bool dir,
			     umode_t mode, void *data, const struct file_operations *fops)
{
	struct dentry *d;

	if (shim_call_fails(dir ? "debugfs_create_dir" : "debugfs_create_file", true))
		return ERR_PTR(-ENOMEM);
	if (!parent)
		parent = &root;
	if (IS_ERR(parent) || !parent->dir)
		return ERR_PTR(-ENOENT);
	pthread_mutex_lock(&tree_lock);
	if (child_of(parent, name) || strlen(name) >= sizeof(d->name)) {
		pthread_mutex_unlock(&tree_lock);
		return ERR_PTR(-EEXIST);
	}
	d = calloc(1, sizeof(*d));
	if (d) {
		strscpy(d->name, name, sizeof(d->name));
		d->parent = parent;
		d->dir = dir;
		d->mode = mode;
		d->data = data;
		d->fops = fops;
		d->next = parent->child;
		parent->child = d;
		entries++;
	}
	pthread_mutex_unlock(&tree_lock);
	return d ? d : ERR_PTR(-ENOMEM);
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return create(name, parent, true, 0755, NULL, NULL);
}

struct dentry *debugfs_create_file_unsafe(const char *name, umode_t mode,
					  struct dentry *parent, void *data,
					  const struct file_operations *fops)
{
	return create(name, parent, false, mode, data, fops);
}

struct dentry *debugfs_lookup(const char *name, struct dentry *parent)
{
	struct dentry *d;

	shim_might_sleep();
	if (IS_ERR_OR_NULL(parent))
		parent = &root;
	pthread_mutex_lock(&tree_lock);
	d = child_of(parent, name);
	if (d)
		d->refs++;
	pthread_mutex_unlock(&tree_lock);
	return d;
}

void dput(struct dentry *dentry)
{
	if (IS_ERR_OR_NULL(dentry))
		return;
	pthread_mutex_lock(&tree_lock);
	dentry->refs--;
	pthread_mutex_unlock(&tree_lock);
}

static void remove_tree(struct dentry *d)
{
	while (d->child) {
		struct dentry *c = d->child;

		d->child = c->next;
		remove_tree(c);
	}
	if (d->refs || d->users)
		shim.bad++;
	entries--;
	free(d);
}

void debugfs_remove_recursive(struct dentry *dentry)
{
	struct dentry **p;

	shim_might_sleep();
	if (IS_ERR_OR_NULL(dentry))
		return;
	pthread_mutex_lock(&tree_lock);
	for (p = &dentry->parent->child; *p && *p != dentry; p = &(*p)->next)
		;
	if (*p)
		*p = dentry->next;
	else
		shim.bad++;
	remove_tree(dentry);
	pthread_mutex_unlock(&tree_lock);
}

int debugfs_file_get(struct dentry *dentry)
{
	pthread_mutex_lock(&tree_lock);
	dentry->users++;
	pthread_mutex_unlock(&tree_lock);
	return 0;
}

void debugfs_file_put(struct dentry *dentry)
{
	pthread_mutex_lock(&tree_lock);
	dentry->users--;
	pthread_mutex_unlock(&tree_lock);
}

unsigned long shim_debugfs_entries(void)
{
	unsigned long n;

	pthread_mutex_lock(&tree_lock);
	n = entries;
	pthread_mutex_unlock(&tree_lock);
	return n;
}

/* Tests only, one thread: no reference is taken. */
struct dentry *shim_debugfs_find(struct dentry *from, const char *path)
{
	struct dentry *d = from ? from : &root;
	char part[64];
	size_t len;

	while (d && *path) {
		len = strcspn(path, "/");
		if (len >= sizeof(part))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		d = child_of(d, part);
		path += len + !!path[len];
	}
	return d;
}

const char *shim_debugfs_name(const struct dentry *dentry)
{
	return dentry ? dentry->name : NULL;
}

/* Open @path, run @io on it, release it, as a read() or write() would. */
static long file_io(struct dentry *from, const char *path, char *buf, size_t len,
		    bool write)
{
	struct dentry *d = shim_debugfs_find(from, path);
	struct inode inode;
	struct file file = { 0 };
	struct kiocb iocb = { .ki_filp = &file };
	struct iov_iter it = { .buf = buf, .count = len };
	long ret;

	if (!d || d->dir)
		return -ENOENT;
	inode.i_private = d->data;
	file.f_path.dentry = d;
	ret = d->fops->open(&inode, &file);
	if (ret)
		return ret;
	if (write)
		ret = d->fops->write_iter ? d->fops->write_iter(&iocb, &it) : -EINVAL;
	else
		ret = d->fops->read_iter(&iocb, &it);
	d->fops->release(&inode, &file);
	return ret;
}

long shim_debugfs_read(struct dentry *from, const char *path, char *buf, size_t len)
{
	long ret = len ? file_io(from, path, buf, len - 1, false) : -EINVAL;

	if (len)
		buf[ret > 0 ? ret : 0] = '\0';
	return ret;
}

long shim_debugfs_write(struct dentry *from, const char *path, const char *s)
{
	return file_io(from, path, (char *)s, strlen(s), true);
}

unsigned long long shim_debugfs_ulong(struct dentry *from, const char *path)
{
	char buf[64], *end;
	unsigned long long v;

	if (shim_debugfs_read(from, path, buf, sizeof(buf)) <= 0)
		return ULLONG_MAX;
	/* 64 bits even with 32-bit long: "base" holds a physical address. */
	v = strtoull(buf, &end, 0);
	return end != buf && !strcmp(end, "\n") ? v : ULLONG_MAX;
}

/* seq_file: the whole output is made on the first read. */
void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	char line[4096];
	size_t len;
	va_list ap;
	char *b;

	va_start(ap, fmt);
	shim_vformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	len = strlen(line);
	if (m->count + len + 1 > m->size) {
		b = realloc(m->buf, 2 * (m->count + len + 1));
		if (!b)
			return;
		m->buf = b;
		m->size = 2 * (m->count + len + 1);
	}
	memcpy(m->buf + m->count, line, len + 1);
	m->count += len;
}

int single_open(struct file *file, int (*show)(struct seq_file *m, void *v),
		void *data)
{
	struct seq_file *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return -ENOMEM;
	m->show = show;
	m->private = data;
	m->file = file;
	file->private_data = m;
	return 0;
}

int single_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	(void)inode;
	free(m->buf);
	kfree(m);
	return 0;
}

ssize_t seq_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct seq_file *m = iocb->ki_filp->private_data;
	size_t n;
	int ret;

	if (!m->shown) {
		m->shown = true;
		ret = m->show(m, NULL);
		if (ret)
			return ret;
	}
	if (iocb->ki_pos >= (loff_t)m->count)
		return 0;
	n = copy_to_iter(m->buf + iocb->ki_pos, m->count - iocb->ki_pos, to);
	iocb->ki_pos += n;
	return n;
}

loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
	(void)whence;
	file->f_pos = offset;
	return offset;
}
