/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/of.h: nothing of it is used. */
