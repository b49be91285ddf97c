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

top=$(cd "$(dirname "$0")/.." && pwd -P)
src=$top/build/linux
out=$top/build/patches
work=$top/build/series-work
die() { echo "patch: $*" >&2; exit 1; }

"$top/scripts/prepare-tree.sh" "$src"
want=$(git -C "$src" rev-parse 'HEAD^{tree}')

# The series, in the order a maintainer reads it:
#   "am NAME [ITEM...]"   applies patches/NAME with its own message (then
#                         amends the commit with the ITEMs)
#   "commit MSG ITEM..."  one commit with patches/messages/MSG.txt
# ITEMs: patch:NAME (patches/NAME), file:PATH (our file or directory, in
# its base version: see scripts/series-steps.sh), diff:NN-name
# (patches/steps/NN-name.diff, applied forward).  An ITEM written ?ITEM
# may be missing while it is being written elsewhere: it is skipped with a
# note, unless --strict (or SERIES_STRICT=1), which make check uses once
# the series is complete.  A commit whose items are all missing is
# skipped.
mapfile -t fixes < <(awk '!/^#/ && $2 == "fix" {print $1}' "$top/patches/series")
series=()
for f in "${fixes[@]}"; do series+=("am $f"); done
series+=(
	# The lib allocator with its KUnit suite.
	"commit page-ranges ?file:include/linux/page_ranges.h ?file:lib/page_ranges.c ?file:lib/page_ranges_kunit.c ?patch:0006-lib-page-ranges-kconfig.patch"
	# The rewritten pool on top of it (0007 selects PAGE_RANGES), then
	# its KUnit suites.
	"commit coherent file:kernel/dma/coherent.c file:kernel/dma/coherent.h patch:0007-dma-mapping-coherent-page-ranges.patch"
	"commit kunit patch:0001-dma-mapping-kunit-hooks.patch file:kernel/dma/tests"
	# Debug: the pools' debugfs files and tracepoints (0008 builds
	# coherent_debug.c; steps/30 adds the hooks and their tests), then
	# dma-debug, the generic dma tracepoints and __GFP_NOWARN.
	"commit debug patch:0008-dma-mapping-coherent-debugfs-build.patch file:kernel/dma/coherent_debug.c file:include/trace/events/dma_coherent.h diff:30-debugfs-trace"
	"am 0003-dma-mapping-pool-debug-trace-nowarn.patch diff:40-nowarn-gfp"
	"commit docs patch:0004-documentation-core-api-coherent-pool.patch file:Documentation/core-api/dma-coherent-pool.rst"
	# The optional API, last: the fallback flag, several pools per
	# device.
	"am 0002-dma-mapping-declare-flags.patch diff:60-declare-flags"
	"commit several-pools diff:65-several-pools"
	"commit harness file:tools/testing/dma-coherent"
	"am 0005-maintainers-dma-coherent.patch"
)

verify=0 strict=${SERIES_STRICT:-0}
for arg in "$@"; do
	case "$arg" in
	--verify) verify=1 ;;
	--strict) strict=1 ;;
	*) die "unknown argument '$arg'" ;;
	esac
done

# Every patch in patches/series, every step diff and every file we own
# must be used.
for p in $(awk '!/^#/ && NF {print $1}' "$top/patches/series"); do
	grep -q -- "$p" <<<"${series[*]}" || die "patches/$p is not in the series"
done
for d in "$top"/patches/steps/*.diff; do
	[ -e "$d" ] || continue
	d=$(basename "$d" .diff)
	grep -q -- "diff:$d" <<<"${series[*]}" || die "patches/steps/$d.diff is not in the series"
done
while IFS= read -r f; do
	covered=0
	for p in $(grep -oE 'file:[^ ]+' <<<"${series[*]}" | sed 's/^file://'); do
		case "$f" in "$p"|"$p"/*) covered=1; break ;; esac
	done
	[ $covered = 1 ] || die "$f is ours but no step of the series adds it"
done < <("$top/scripts/our-files.sh")

# present ITEM: is the patch, diff or file of ITEM there?
present() {
	case "$1" in
	patch:*) [ -f "$top/patches/${1#patch:}" ] ;;
	diff:*) [ -f "$top/patches/steps/${1#diff:}.diff" ] ;;
	file:*) [ -e "$top/${1#file:}" ] ;;
	esac
}
missing=()

# msg_of A+B...: patches/messages/A.txt, then the bodies of B... (their
# subjects and Signed-off-by lines dropped), then A's Signed-off-by.
msg_of() {
	local first=${1%%+*} m
	grep -v '^Signed-off-by:' "$top/patches/messages/$first.txt" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
	if [ "$first" != "$1" ]; then
		for m in $(tr '+' ' ' <<<"${1#*+}"); do
			echo
			tail -n +3 "$top/patches/messages/$m.txt" | grep -v '^Signed-off-by:' |
				sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
		done
	fi
	echo
	grep '^Signed-off-by:' "$top/patches/messages/$first.txt"
}

# The base versions of our files: the final ones with every step diff
# reversed (fails with the diff's name when one no longer applies).
base=$top/build/series-base
"$top/scripts/series-steps.sh" base "$base"

fresh_worktree() {
	# Reset the worktree of an earlier run to pristine (a checkout
	# rewrites only what differs); make a new one when there is none.
	if [ "$(git -C "$work" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)" = "$src/.git" ] &&
	   { git -C "$work" am --abort >/dev/null 2>&1 || true; } &&
	   git -C "$work" checkout -q -f --detach pristine 2>/dev/null &&
	   git -C "$work" clean -q -f -d -x; then
		:
	else
		git -C "$src" worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"
		git -C "$src" worktree prune
		git -C "$src" worktree add -q --detach "$work" pristine
	fi
	git -C "$work" config user.name "dma-coherent project"
	git -C "$work" config user.email "dma-coherent@localhost"
}

fresh_worktree
cd "$work"
for step in "${series[@]}"; do
	read -r kind name items <<<"$step"
	todo=() any=0
	[ "$kind" = am ] && any=1
	for item in $items; do
		if [ "${item#\?}" != "$item" ]; then
			item=${item#\?}
			if ! present "$item"; then
				[ "$strict" = 1 ] && die "$item is missing (--strict)"
				missing+=("$item")
				continue
			fi
		fi
		present "$item" || die "$item is missing"
		todo+=("$item") any=1
	done
	[ $any = 1 ] || { echo "patch: skipping '$name': nothing of it exists yet"; continue; }
	if [ "$kind" = am ]; then
		git am -q "$top/patches/$name" || die "git am patches/$name failed"
	fi
	for item in "${todo[@]}"; do
		case "$item" in
		patch:*) git apply --index "$top/patches/${item#patch:}" ||
				die "patches/${item#patch:} does not apply at step '$name'" ;;
		diff:*) git apply --index "$top/patches/steps/${item#diff:}.diff" ||
				die "patches/steps/${item#diff:}.diff does not apply at step '$name': run scripts/series-steps.sh refresh" ;;
		file:*)
			path=${item#file:}
			"$top/scripts/our-files.sh" "$path" | while read -r f; do
				[ -f "$base/$f" ] || continue	# made by a later step diff
				mkdir -p "$(dirname "$f")"
				cp "$base/$f" "$f"
			done
			git add -A -f -- "$path"
			;;
		esac
	done
	if [ "$kind" = am ]; then
		[ ${#todo[@]} -eq 0 ] || git commit -q --amend --no-edit
	else
		msg_of "$name" >"$work.msg"
		git commit -q -F "$work.msg"
	fi
done
[ ${#missing[@]} -eq 0 ] || echo "patch: not yet in the series (skipped): ${missing[*]}"
got=$(git rev-parse 'HEAD^{tree}')
[ "$got" = "$want" ] ||
	die "the series does not rebuild the overlaid tree: $(git diff --stat "$want" "$got")"

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
    # The figures, not the project's own targets (the PASS/MISS lines).
    figures = open(bench).read().split('\nTargets (')[0]
    blurb += '\nBenchmark (make bench on this machine):\n\n' + figures.rstrip() + '\n'

text = text.replace('*** SUBJECT HERE ***', lines[0])
text = text.replace('*** BLURB HERE ***', blurb.strip() + '\n')
open(path, 'w').write(text)
PY
echo "patch: $(ls "$out" | wc -l) files in ${out#"$top"/}"

if [ "$verify" = 1 ]; then
	cd "$top"
	fresh_worktree
	files=()
	for f in "$out"/*.patch; do
		[ "${f##*/}" = 0000-cover-letter.patch ] || files+=("$f")
	done
	git -C "$work" am -q "${files[@]}" || die "the series does not apply with git am"
	got=$(git -C "$work" rev-parse 'HEAD^{tree}')
	[ "$got" = "$want" ] || die "git am of the series differs from the overlaid tree"
	echo "patch: the series applies with git am onto pristine $(git -C "$src" log -1 --format=%s pristine) and matches the overlay"

	# Each patch must build on its own, kernel/dma/ and lib/ for x86_64,
	# and the KUnit suites that exist at that point must pass under
	# QEMU.  The steps are checked out in the prepared tree itself and
	# built in the kunit-x86_64 stage's directory: a checkout rewrites
	# only the files a step changes, so each step rebuilds what differs
	# from the kernel before it, never a kernel from scratch.  The
	# overlay is checked out again at the end, also on failure.
	# kunit.py refuses a kunitconfig option that does not exist, so each
	# step gets the options of kunit/series-x86_64.kunitconfig that its
	# tree defines.
	# Nothing else may use the tree meanwhile (scripts/tree-lock.sh).
	# A signal stops the step's commands (each in its own process
	# group) before the overlay is checked out again.
	exec 9>>"$src.lock"
	flock -n 9 || die "another make target is using ${src#"$top"/} in this clone: run make patch on its own"
	export TREE_LOCK_HELD=1
	child=
	stop() {
		trap - INT TERM HUP
		[ -n "$child" ] && kill -TERM -- "-$child" 2>/dev/null && wait "$child" 2>/dev/null
		exit "$1"
	}
	trap 'stop 130' INT
	trap 'stop 143' TERM
	trap 'stop 129' HUP
	trap 'flock -u 9; unset TREE_LOCK_HELD; "$top/scripts/prepare-tree.sh" "$src" >/dev/null' EXIT
	step_run() {
		local rc=0
		setsid "$@" &
		child=$!
		wait "$child" || rc=$?
		child=
		return "$rc"
	}
	bout=$top/build/out/x86_64
	slogs=$top/build/out/series-x86_64
	kcfg=$slogs/step.kunitconfig
	mkdir -p "$bout" "$slogs"
	n=0 runs=0 t_build=0 t_kunit=0 last_kunit=
	final_src=$(git -C "$src" rev-parse "$want:kernel" "$want:lib" "$want:include" "$want:arch" | tr '\n' ' ')
	total=$(git -C "$work" rev-list --count pristine..HEAD)
	for c in $(git -C "$work" rev-list --reverse pristine..HEAD); do
		n=$((n + 1))
		subject=$(git -C "$work" log -1 --format=%s "$c")
		git -C "$src" checkout -q -f --detach "$c"
		: >"$kcfg"
		while IFS= read -r opt; do
			case "$opt" in ''|'#'*) continue ;; esac
			sym=${opt%%=*}
			sym=${sym#CONFIG_}
			if git -C "$src" grep -qE "^[[:space:]]*(menu)?config $sym\$" -- '*Kconfig*'; then
				echo "$opt" >>"$kcfg"
			fi
		done <"$top/kunit/series-x86_64.kunitconfig"
		# The lib allocator's suite, once its source is there too.
		if [ -f "$src/lib/page_ranges_kunit.c" ]; then
			git -C "$src" grep -hoE '^config PAGE_RANGES[A-Z_]*KUNIT[A-Z_]*' -- 'lib/Kconfig*' |
				sed 's/^config /CONFIG_/; s/$/=y/' >>"$kcfg" || true
		fi
		t0=$(date +%s)
		step_run python3 "$src/tools/testing/kunit/kunit.py" config --arch=x86_64 \
			--build_dir="$bout" --kunitconfig="$kcfg" >"$slogs/step-$n.log" 2>&1 ||
			die "patch $n ($subject): kunit.py config failed: $slogs/step-$n.log"
		step_run make -s -C "$src" O="$bout" ARCH=x86_64 -j"$(nproc)" kernel/dma/ lib/ \
			>>"$slogs/step-$n.log" 2>&1 ||
			die "patch $n ($subject) does not build: $slogs/step-$n.log"
		t_build=$((t_build + $(date +%s) - t0))
		# KUnit where a suite of ours exists and the kernel sources
		# changed since the last run (docs and the harness change none).
		suites=$(grep -cE '^CONFIG_(DMA_COHERENT|PAGE_RANGES)[A-Z_]*KUNIT' "$kcfg" || true)
		key=$(git -C "$work" rev-parse "$c:kernel" "$c:lib" "$c:include" "$c:arch" | tr '\n' ' ')$(md5sum <"$kcfg")
		ran="no KUnit suite of ours yet"
		if [ "$suites" -gt 0 ] && [ "$(git -C "$work" rev-parse "$c:kernel" "$c:lib" "$c:include" "$c:arch" | tr '\n' ' ')" = "$final_src" ] &&
		   [ "$(grep -v '^#' "$kcfg" | sort)" = "$(grep -v '^#' "$top/kunit/x86_64.kunitconfig" | sort)" ]; then
			ran="KUnit: the final kernel, run by the kunit-x86_64 stage"
		elif [ "$suites" -gt 0 ] && [ "$key" = "$last_kunit" ]; then
			ran="KUnit unchanged since the last step"
		elif [ "$suites" -gt 0 ]; then
			t0=$(date +%s)
			KUNIT_OUT=x86_64 KUNITCONFIG=$kcfg SERIES_TREE=$src \
				step_run "$top/scripts/kunit.sh" x86_64 >"$slogs/kunit-$n.log" 2>&1 ||
				die "patch $n ($subject): KUnit fails: $slogs/kunit-$n.log"
			t_kunit=$((t_kunit + $(date +%s) - t0))
			runs=$((runs + 1))
			last_kunit=$key
			ran=$(grep -aE 'Testing complete\. Ran [0-9]+ tests' "$slogs/kunit-$n.log" | tail -1 | sed 's/.*Testing complete\. //')
		fi
		echo "patch: $n/$total builds; $ran: $subject"
	done
	echo "patch: builds ${t_build}s, $runs KUnit runs ${t_kunit}s"
	echo "3 passed, 0 failed"
fi
