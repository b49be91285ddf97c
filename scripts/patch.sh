#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn our overlay into a patch series against pristine 6.12:
# build/patches/0000-cover-letter.patch ... made with git format-patch.
#
# Usage: scripts/patch.sh [--verify]
#   --verify  also apply the series with git am onto a pristine tree and
#             check that the result is identical to our overlaid tree.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
out=$top/build/patches
work=$top/build/series-work
die() { echo "patch: $*" >&2; exit 1; }

"$top/scripts/prepare-tree.sh" "$src"
want=$(git -C "$src" rev-parse 'HEAD^{tree}')

# The series: "am NAME" applies patches/NAME with its own message;
# "commit MSG ITEM..." makes one commit from patches/messages/MSG.txt with
# patches (patch:NAME) and our files or directories (file:PATH).
series=(
	"am 0002-dma-mapping-declare-flags.patch"
	"commit lib patch:0006-lib-page-ranges-kconfig.patch file:include/linux/page_ranges.h file:lib/page_ranges.c file:lib/page_ranges_kunit.c"
	"commit coherent file:kernel/dma/coherent.c file:include/trace/events/dma_coherent.h"
	"am 0003-dma-mapping-pool-debug-trace-nowarn.patch"
	"commit kunit patch:0001-dma-mapping-kunit-hooks.patch file:kernel/dma/tests"
	"commit harness file:tools/testing/dma-coherent"
	"commit docs patch:0004-documentation-core-api-coherent-pool.patch file:Documentation/core-api/dma-coherent-pool.rst"
	"am 0005-maintainers-dma-coherent.patch"
)

# Every patch in patches/series and every file we own must be used.
for p in $(awk '!/^#/ && NF {print $1}' "$top/patches/series"); do
	grep -q -- "$p" <<<"${series[*]}" || die "patches/$p is not in the series"
done

fresh_worktree() {
	git -C "$src" worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"
	git -C "$src" worktree prune
	git -C "$src" worktree add -q --detach "$work" pristine
	git -C "$work" config user.name "dma-coherent project"
	git -C "$work" config user.email "dma-coherent@localhost"
}

fresh_worktree
cd "$work"
for step in "${series[@]}"; do
	read -r kind name items <<<"$step"
	if [ "$kind" = am ]; then
		git am -q "$top/patches/$name" || die "git am patches/$name failed"
		continue
	fi
	for item in $items; do
		case "$item" in
		patch:*) git apply --index "$top/patches/${item#patch:}" ;;
		file:*)
			path=${item#file:}
			"$top/scripts/our-files.sh" "$path" | while read -r f; do
				mkdir -p "$(dirname "$f")"
				cp "$top/$f" "$f"
			done
			git add -A -f -- "$path"
			;;
		esac
	done
	git commit -q -F "$top/patches/messages/$name.txt"
done
got=$(git rev-parse 'HEAD^{tree}')
[ "$got" = "$want" ] ||
	die "the series does not rebuild the overlaid tree: $(git diff --stat "$want" "$got" | tail -1)"

rm -rf "$out"
git format-patch -q --cover-letter --base=pristine -o "$out" pristine..HEAD
python3 - "$out/0000-cover-letter.patch" "$top/patches/messages/cover.txt" \
	"$top/build/bench/summary.txt" <<'PY'
import os, sys
path, cover, bench = sys.argv[1:4]
text = open(path).read()
lines = open(cover).read().split('\n', 2)
blurb = lines[2] if len(lines) > 2 else ''
if os.path.exists(bench):
    blurb += '\nBenchmark (make bench on this machine):\n\n' + open(bench).read()
text = text.replace('*** SUBJECT HERE ***', lines[0])
text = text.replace('*** BLURB HERE ***', blurb.strip() + '\n')
open(path, 'w').write(text)
PY
echo "patch: $(ls "$out" | wc -l) files in ${out#"$top"/}"

if [ "${1:-}" = --verify ]; then
	cd "$top"
	fresh_worktree
	mapfile -t files < <(ls "$out"/*.patch | grep -v 0000-cover-letter)
	git -C "$work" am -q "${files[@]}" || die "the series does not apply with git am"
	got=$(git -C "$work" rev-parse 'HEAD^{tree}')
	[ "$got" = "$want" ] || die "git am of the series differs from the overlaid tree"
	echo "patch: the series applies with git am onto pristine $(git -C "$src" log -1 --format=%s pristine) and matches the overlay"

	# Each patch must build on its own: kernel/dma/ for x86_64 at every
	# step, with the pool code, debugfs, tracing and the KUnit suites on.
	bout=$top/build/out/series-x86_64
	mkdir -p "$bout"
	n=0
	total=$(git -C "$work" rev-list --count pristine..HEAD)
	for c in $(git -C "$work" rev-list --reverse pristine..HEAD); do
		n=$((n + 1))
		git -C "$work" checkout -q "$c"
		# Options a later patch adds are dropped by olddefconfig until then.
		{ cat "$top/kunit/x86_64.kunitconfig"
		  echo CONFIG_DMA_COHERENT_BENCH_KUNIT=y; } >"$bout/.config"
		make -s -C "$work" O="$bout" ARCH=x86_64 olddefconfig >/dev/null
		make -s -C "$work" O="$bout" ARCH=x86_64 -j"$(nproc)" kernel/dma/ \
			>"$bout/step-$n.log" 2>&1 ||
			die "patch $n ($(git -C "$work" log -1 --format=%s "$c")) does not build: $bout/step-$n.log"
		echo "patch: $n/$total builds: $(git -C "$work" log -1 --format=%s "$c")"
	done
	echo "2 passed, 0 failed"
fi
