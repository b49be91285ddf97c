#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build Documentation/core-api with Debian's Sphinx and fail on any
# warning about our files (the page and the kernel-doc it pulls in).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
out=$top/build/out/docs
. "$top/scripts/tree-lock.sh"
tree_lock "$src" docs || exit 1
"$top/scripts/prepare-tree.sh" "$src" || exit 1
mkdir -p "$out"
log=$out/htmldocs.log
make -C "$src" O="$out" SPHINXDIRS=core-api htmldocs >"$log" 2>&1
rc=$?
ours=$(grep -E 'dma-coherent-pool|kernel/dma/coherent' "$log" | grep -iE 'warning|error' || true)
page=$out/Documentation/output/core-api/dma-coherent-pool.html
if [ $rc -ne 0 ] || [ -n "$ours" ] || [ ! -s "$page" ]; then
	echo "docs: FAIL (log: ${log#"$top"/})"
	[ -n "$ours" ] && echo "$ours"
	[ $rc -ne 0 ] && tail -20 "$log"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "docs: ${page#"$top"/} built, no warnings from our files"
echo "1 passed, 0 failed"
