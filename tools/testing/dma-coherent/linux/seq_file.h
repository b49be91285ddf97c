/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/seq_file.h: unused, CONFIG_DEBUG_FS is off. */
