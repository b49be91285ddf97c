#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# List the files of ours that go into the kernel tree: tracked or new
# (not ignored) files under kernel/, include/, lib/, Documentation/ and
# tools/testing/dma-coherent/, or under the paths given.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
[ $# -gt 0 ] || set -- kernel include lib Documentation tools/testing/dma-coherent
git -C "$top" ls-files --cached --others --exclude-standard -- "$@" |
# Fuzzer seeds are binary: they stay in this repository, out of the series.
grep -v "^tools/testing/dma-coherent/corpus/" |
while read -r f; do
	[ -f "$top/$f" ] && printf '%s\n' "$f"
done | sort -u
