#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile the pool code and its in-tree callers, with our patches, for
# several architectures and configurations with Debian's cross compilers:
# defconfig-based trees, building kernel/dma/ and the directories whose
# code calls the pool API.  Any warning in kernel/dma/ fails the stage.
#
# Usage: scripts/build-all.sh [NAME...]   (default: all below)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
. "$top/scripts/tree-lock.sh"
tree_lock "$src" build-all || exit 1
"$top/scripts/prepare-tree.sh" "$src" || exit 1

# name  ARCH  CROSS_COMPILE  defconfig  extra-config  targets
configs=(
	"x86_64   x86_64 -                    x86_64_defconfig  OF              kernel/dma/ drivers/of/"
	"arm64    arm64  aarch64-linux-gnu-   defconfig         -               kernel/dma/ drivers/of/ drivers/remoteproc/ drivers/iommu/dma-iommu.o"
	"arm      arm    arm-linux-gnueabihf- multi_v7_defconfig -              kernel/dma/ drivers/of/"
	"arm-lpae arm    arm-linux-gnueabihf- multi_v7_defconfig ARM_LPAE       kernel/dma/ drivers/of/"
	"arm-nommu arm   arm-linux-gnueabihf- stm32_defconfig   -               kernel/dma/ arch/arm/mm/"
	"riscv64  riscv  riscv64-linux-gnu-   defconfig         -               kernel/dma/ drivers/of/"
	"sh       sh     sh4-linux-gnu-       ecovec24_defconfig -              kernel/dma/ arch/sh/boards/mach-ecovec24/"
)

want=("$@")
passed=0 failed=0
for line in "${configs[@]}"; do
	read -r name arch cross defconfig extra targets <<<"$line"
	if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx "$name"; then
		continue
	fi
	out=$top/build/out/build-$name
	mkopts=(-C "$src" O="$out" ARCH="$arch" -j"$(nproc)")
	[ "$cross" != - ] && mkopts+=(CROSS_COMPILE="$cross")
	t0=$(date +%s)
	log=$out.log
	{
		if [ ! -f "$out/.config" ]; then
			make "${mkopts[@]}" "$defconfig" &&
			if [ "$extra" != - ]; then
				for opt in ${extra//,/ }; do
					"$src/scripts/config" --file "$out/.config" --enable "$opt"
				done
				make "${mkopts[@]}" olddefconfig
			fi
		fi &&
		grep -q '^CONFIG_DMA_DECLARE_COHERENT=y' "$out/.config" &&
		make "${mkopts[@]}" $targets
	} >"$log" 2>&1
	rc=$?
	ours=$(grep -E 'kernel/dma/(coherent|tests/)|trace/events/dma_coherent' "$log" | grep -iE 'warning|error' || true)
	if [ $rc -ne 0 ] || [ -n "$ours" ]; then
		echo "build-all: $name: FAIL ($(($(date +%s) - t0))s, ${log#"$top"/})"
		[ -n "$ours" ] && echo "$ours" | sed 's/^/    /'
		[ $rc -ne 0 ] && tail -5 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	else
		pool=$(grep -q '^CONFIG_DMA_GLOBAL_POOL=y' "$out/.config" && echo ", global pool")
		echo "build-all: $name: ok ($(($(date +%s) - t0))s$pool)"
		passed=$((passed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
