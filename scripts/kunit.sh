#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build our overlaid 6.12 tree for one architecture with kunit.py and run
# the KUnit suites under QEMU.  Exits non-zero on any failure or crash.
#
# Usage: scripts/kunit.sh ARCH [extra kunit.py arguments]
#   ARCH: x86_64, arm64, arm or riscv
#   KDIR=dir, BASELINE=1: see scripts/prepare-tree.sh
#   KUNITCONFIG=file: use another .kunitconfig (default kunit/ARCH.kunitconfig)
#   KUNIT_OUT=name: build directory build/out/name (default ARCH)
#   SERIES_TREE=dir: build that tree as it is (a step of scripts/patch.sh)
#   KUNIT_MEM=MiB: guest RAM (default 1024)
#   KUNIT_DTSO="file...": device-tree overlays for arm, arm64 and riscv
#               (default kunit/virt-pools.dtso; riscv has none by default)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:?usage: kunit.sh ARCH}
shift
die() { echo "kunit: $*" >&2; exit 1; }

if [ -n "${SERIES_TREE:-}" ]; then
	src=$SERIES_TREE	# a step of the patch series (scripts/patch.sh)
elif [ -n "${KDIR:-}" ]; then
	src=$top/build/kdir-linux
else
	src=$top/build/linux
fi
suffix=
[ "${BASELINE:-0}" = 1 ] && suffix=-baseline
[ -n "${KDIR:-}" ] && suffix=$suffix-kdir
out=$top/build/out/${KUNIT_OUT:-$arch$suffix}
kunitconfig=${KUNITCONFIG:-$top/kunit/$arch.kunitconfig}
[ -f "$kunitconfig" ] || die "no $kunitconfig: ARCH must be x86_64, arm64 or arm, or set KUNITCONFIG"

if [ -z "${SERIES_TREE:-}" ]; then
	. "$top/scripts/tree-lock.sh"
	tree_lock "$src" kunit || exit 1
	"$top/scripts/prepare-tree.sh" "$src"
fi

# Region handed to dma_declare_coherent_memory() by the tests.
mem=${KUNIT_MEM:-1024}
args=(--kernel_args dma_coherent_kunit.size=0x7000000 --qemu_args "-smp 2")
[ "$mem" != 1024 ] && args+=(--qemu_args "-m $mem")
dtso=${KUNIT_DTSO-kunit/virt-pools.dtso}
case "$arch" in
x86_64)
	# memremap() refuses System RAM: carve the region out with memmap=.
	args+=(--kernel_args 'memmap=112M$0x30000000'
	       --kernel_args dma_coherent_kunit.phys=0x30000000)
	dtso=
	;;
arm64)
	qemu=qemu-system-aarch64 cpu="-cpu max,pauth-impdef=on"
	args+=(--cross_compile=aarch64-linux-gnu-
	       --kernel_args dma_coherent_kunit.phys=0x78000000)
	;;
arm)
	qemu=qemu-system-arm cpu=
	args+=(--cross_compile=arm-linux-gnueabihf-
	       --kernel_args dma_coherent_kunit.phys=0x78000000)
	;;
riscv)
	# The machine options of kunit.py's qemu_configs/riscv.py.
	qemu=qemu-system-riscv64
	cpu="-cpu rv64 -bios /usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin"
	args+=(--cross_compile=riscv64-linux-gnu-)
	dtso=${KUNIT_DTSO-}
	;;
*)
	die "unknown ARCH '$arch' (x86_64, arm64, arm or riscv)"
	;;
esac

if [ -n "$dtso" ]; then
	mkdir -p "$out"
	dtb=$out/virt-pools.dtb
	# The tree QEMU itself would pass, for the same machine options
	# kunit.py uses, plus our overlays.
	$qemu -nodefaults -m "$mem" -smp 2 $cpu -nographic \
		-machine "virt,dumpdtb=$out/virt.dtb" >/dev/null 2>&1 ||
		die "$qemu could not dump the virt machine's device tree"
	dtbos=()
	for o in $dtso; do
		b=$out/$(basename "$o" .dtso).dtbo
		dtc -q -@ -I dts -O dtb -o "$b" "$top/$o" || die "$o does not compile"
		dtbos+=("$b")
	done
	fdtoverlay -i "$out/virt.dtb" -o "$dtb" "${dtbos[@]}" ||
		die "$dtso does not apply to QEMU's virt tree"
	args+=(--qemu_args "-dtb $dtb")
fi

mkdir -p "$out"
echo "kunit: $arch${suffix:+ (baseline: upstream coherent.c)} in $out"
cd "$src"
exec python3 tools/testing/kunit/kunit.py run --arch="$arch" \
	--build_dir="$out" --kunitconfig="$kunitconfig" \
	--jobs="$(nproc)" --timeout="${KUNIT_TIMEOUT:-900}" "${args[@]}" "$@"
