/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/debugfs.h: unused, CONFIG_DEBUG_FS is off. */
