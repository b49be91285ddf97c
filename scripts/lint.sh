#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Quality gates on everything we own: checkpatch --strict on our kernel
# files and patches, kernel-doc -none -Wall, sparse (C=2) and W=1 on
# kernel/dma for x86_64.  Any message about our files fails the stage.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# Kernel scripts want the Debian python3 modules (ply, git) we install.
export PATH=/usr/bin:$PATH
src=$top/build/linux
out=$top/build/out/lint-x86_64
fail=0 checks=0
. "$top/scripts/tree-lock.sh"
tree_lock "$src" lint || exit 1
"$top/scripts/prepare-tree.sh" "$src" || exit 1
cd "$src" || exit 1

mapfile -t ours < <(cd "$top" && find kernel include lib -name '*.[ch]' | sort)
mapfile -t harness < <(cd "$top" && find tools/testing/dma-coherent -name '*.[ch]' \
	! -path '*/build/*' | sort)

gate() {	# gate NAME OUTPUT: print and count what OUTPUT reports
	local name=$1 outp=$2
	checks=$((checks + 1))
	if [ -n "$outp" ]; then
		echo "lint: $name: FAIL"
		echo "$outp" | sed 's/^/    /'
		fail=$((fail + 1))
	else
		echo "lint: $name: clean"
	fi
}

# Trace event headers are macro tables: the layout every
# include/trace/events/ header uses trips two layout checks, nothing else.
cp_out=$(for f in "${ours[@]}"; do
	ignore=FILE_PATH_CHANGES
	case "$f" in include/trace/events/*)
		ignore=$ignore,PARENTHESIS_ALIGNMENT,OPEN_ENDED_LINE ;;
	esac
	./scripts/checkpatch.pl --strict --quiet --no-summary --show-types \
		--ignore "$ignore" -f "$f" 2>&1
	done)
gate "checkpatch --strict (files)" "$cp_out"

# The userspace harness: its shims must keep the kernel's type names
# (spinlock_t, pgprot_t) and macros (for_each_node_with_property(), which
# uses its arguments twice, as include/linux/of.h does), and libFuzzer
# fixes its entry point's name.
cp_out=$(for f in "${harness[@]}"; do
	ignore=FILE_PATH_CHANGES
	case "$f" in
	*/linux/*.h) ignore=$ignore,NEW_TYPEDEFS,MACRO_ARG_REUSE ;;
	*/fuzz.c|*/pr_fuzz.c) ignore=$ignore,CAMELCASE ;;
	esac
	./scripts/checkpatch.pl --strict --quiet --no-summary --show-types \
		--ignore "$ignore" -f "$top/$f" 2>&1
	done)
gate "checkpatch --strict (harness)" "$cp_out"

# The tree has no upstream history, so the commit ids that Fixes: tags and
# messages cite cannot be looked up here (UNKNOWN_COMMIT_ID).  A stable fix
# whose origin predates what we could trace carries no Fixes: tag rather
# than a guessed one (MISSING_FIXES_TAG).
cp_out=$(for p in "$top"/patches/*.patch; do
	./scripts/checkpatch.pl --strict --quiet --no-summary --show-types \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID,MISSING_FIXES_TAG \
		"$p" 2>&1 | sed "s|^|$(basename "$p"): |"
	done)
gate "checkpatch --strict (patches)" "$cp_out"

kd_out=$(./scripts/kernel-doc -none -Wall "${ours[@]}" 2>&1)
gate "kernel-doc -none -Wall" "$kd_out"

# sparse and W=1 on a configured x86_64 tree with the pool code built.
mkdir -p "$out"
# The checker suites too, with what their every branch needs to compile
# (the global pool's suite needs DMA_GLOBAL_POOL, which x86_64 lacks).
lint_config=(DMA_COHERENT_HIGH_KUNIT_TEST DMA_COHERENT_DEBUG_KUNIT_TEST DEBUG_KERNEL
	     FAULT_INJECTION FAILSLAB FAIL_PAGE_ALLOC FAULT_INJECTION_DEBUG_FS DEBUG_KMEMLEAK)
if [ ! -f "$out/.config" ] || ! grep -q '^CONFIG_DMA_COHERENT_DEBUG_KUNIT_TEST=y' "$out/.config" ||
   ! grep -q '^CONFIG_PAGE_RANGES_KUNIT_TEST=y' "$out/.config"; then
	cp "$top/kunit/x86_64.kunitconfig" "$out/.config"
	printf 'CONFIG_%s=y\n' "${lint_config[@]}" >>"$out/.config"
	make -s O="$out" ARCH=x86_64 olddefconfig >/dev/null
fi
make -s O="$out" ARCH=x86_64 -j"$(nproc)" olddefconfig prepare >/dev/null 2>&1 ||
	{ echo "lint: cannot prepare $out"; exit 1; }
objs=(kernel/dma/coherent.o kernel/dma/tests/dma_coherent_kunit.o
      kernel/dma/tests/dma_coherent_high_kunit.o kernel/dma/tests/dma_coherent_debug_kunit.o
      lib/page_ranges.o lib/page_ranges_kunit.o)
build_out=$(make O="$out" ARCH=x86_64 -j"$(nproc)" C=2 W=1 "${objs[@]}" 2>&1)
rc=$?
gate "sparse C=2 + W=1 (x86_64)" "$(echo "$build_out" | grep -E 'kernel/dma/(coherent|tests/)|lib/page_ranges' | grep -iE 'warning|error' || true)"
[ $rc -ne 0 ] && { echo "$build_out" | tail -20; fail=$((fail + 1)); }

echo "$((checks - fail)) passed, $fail failed"
[ $fail -eq 0 ]
