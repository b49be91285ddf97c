# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the scripts that build from a prepared tree.  scripts/patch.sh
# --verify checks the series' steps out in build/linux and holds
# build/linux.lock exclusively while it does (exporting TREE_LOCK_HELD to
# its own children); everything else takes the lock shared on fd 8 and
# keeps it until it exits, so that patch cannot start under it either.
#
# Usage: tree_lock SRCDIR WHO   (fails with a message naming WHO)
tree_lock() {
	[ -n "${TREE_LOCK_HELD:-}" ] && return 0
	mkdir -p "$(dirname "$1")"
	exec 8>>"$1.lock"
	flock -s -n 8 && return 0
	echo "$2: make patch is checking the series out in $1: run make targets in this clone one at a time" >&2
	return 1
}
