#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the arm64 KUnit kernel with the device-tree pool, run the
# dma_coherent_demo workload in the guest, take the pool's debugfs files
# from the console and draw the pool: build/demo/pool.png.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
demo=$top/build/demo
rm -rf "$demo"
mkdir -p "$demo/pool"
log=$demo/console.log
KUNITCONFIG=$top/kunit/demo-arm64.kunitconfig KUNIT_OUT=demo-arm64 \
	"$top/scripts/kunit.sh" arm64 --raw_output=all >"$log" 2>&1
rc=$?
grep -a 'dma-coherent-demo: ' "$log" | sed 's/.*dma-coherent-demo: //' |
while IFS= read -r line; do
	[ "$line" = end ] && break
	printf '%s\n' "${line#*: }" >"$demo/pool/${line%%: *}"
done
if [ $rc -ne 0 ] || [ ! -s "$demo/pool/bitmap" ]; then
	echo "demo: the guest workload did not produce the pool's files (log: ${log#"$top"/})"
	tail -20 "$log"
	exit 1
fi
echo "demo: pool statistics from the guest's debugfs (${demo#"$top"/}/pool/):"
for f in count used peak live allocs frees failures misuse maxchunk free_extents devices; do
	printf '  %-13s %s\n' "$f" "$(tr '\n' ' ' <"$demo/pool/$f")"
done
python3 "$top/scripts/pool-map.py" "$demo/pool" "$demo/pool.png"
