#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In-kernel benchmark: the dma_coherent_bench KUnit suite on x86_64 under
# QEMU, with a 1 GiB region carved out by memmap=.  Prints the table and
# writes it to build/bench/kernel.txt.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/build/bench"
log=$top/build/bench/kernel.log
KUNITCONFIG=$top/kunit/bench-x86_64.kunitconfig KUNIT_OUT=bench-x86_64 \
KUNIT_TIMEOUT=1800 "$top/scripts/kunit.sh" x86_64 --raw_output=all \
	--qemu_args "-m 2560" \
	--kernel_args 'memmap=1G$0x40000000' \
	--kernel_args dma_coherent_bench_kunit.phys=0x40000000 \
	--kernel_args dma_coherent_bench_kunit.size=0x40000000 >"$log" 2>&1
rc=$?
grep -a 'dma-coherent-bench:' "$log" | sed 's/.*dma-coherent-bench: //' >"$top/build/bench/kernel.txt"
if [ $rc -ne 0 ] || ! grep -a 'ok [0-9]* bench_alloc_free' "$log" | grep -v 'not ok' | grep -vq SKIP ||
   [ ! -s "$top/build/bench/kernel.txt" ]; then
	echo "bench-kernel: the benchmark did not complete (log: ${log#"$top"/})"
	tail -20 "$log"
	exit 1
fi
echo "In-kernel benchmark (QEMU x86_64, TCG), from ${log#"$top"/}:"
cat "$top/build/bench/kernel.txt"
