#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Intermediate versions of our files for the patch series.
#
# Our files hold the final code; the series (scripts/patch.sh) adds it in
# steps, so a step that comes before a feature needs the files without it.
# Each feature that a later step adds to a file of ours is a forward diff,
# patches/steps/NN-name.diff, from the version before that step to the
# version after it.  patch.sh takes the final files, reverse-applies every
# step diff, last first, to get the versions the first step commits
# ("the base"), and applies each diff forward at its step.  The diffs carry
# full blob ids, so a diff the final file has drifted from can be
# refreshed with a three-way merge.
#
# Usage: scripts/series-steps.sh COMMAND
#   check            reverse-apply every diff to the current files; fail
#                    with the name of the first one that does not apply
#   base DIR         write the base versions of our files into DIR
#   new NN-name DIR  make patches/steps/NN-name.diff: DIR holds the
#                    versions before step NN of the files the step changes
#                    (same paths as ours); the versions after it are ours
#                    with the diffs numbered above NN reversed
#   refresh          recompute every diff against the current files,
#                    three-way where a plain reverse does not apply; stops
#                    at a conflict, with the file to resolve
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
steps=$top/patches/steps
die() { echo "series-steps: $*" >&2; exit 1; }
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

diffs() { ls "$steps"/[0-9]*.diff 2>/dev/null | sort; }
num() { basename "$1" | sed -E 's/^([0-9]+)-.*/\1/'; }

# scratch DIR [MAX]: a git repository in DIR with our final files
# committed, then the diffs numbered above MAX (default: all) reversed
# and committed one by one.  Objects come from this repository too, so
# that --3way finds the blobs the diffs name.
scratch() {
	local dir=$1 max=${2:--1} d objs
	rm -rf "$dir"
	mkdir -p "$dir"
	git -C "$dir" init -q
	git -C "$dir" config user.name series-steps
	git -C "$dir" config user.email series-steps@localhost
	objs=$(cd "$top" && git rev-parse --path-format=absolute --git-common-dir)/objects
	echo "$objs" >"$dir/.git/objects/info/alternates"
	(cd "$top" && scripts/our-files.sh) | while IFS= read -r f; do
		mkdir -p "$dir/$(dirname "$f")"
		cp "$top/$f" "$dir/$f"
	done
	git -C "$dir" add -A -f
	git -C "$dir" commit -q -m final
	for d in $(diffs | sort -r); do
		[ "$(num "$d")" -gt "$max" ] || continue
		git -C "$dir" apply -R --index --whitespace=nowarn "$d" 2>"$dir/.git/apply.err" ||
			die "patches/steps/$(basename "$d") no longer applies (reversed) to our current files:
$(sed 's/^/    /' "$dir/.git/apply.err")
  run scripts/series-steps.sh refresh (three-way), or remake it with 'new'"
		git -C "$dir" commit -q -m "before $(basename "$d")"
	done
}

# Keep the blobs a diff names, so that a later refresh can merge.
keep_blobs() {
	local dir=$1
	git -C "$dir" diff --cached --name-only -z HEAD |
	while IFS= read -r -d '' f; do
		git -C "$dir" show "HEAD:$f" 2>/dev/null | git -C "$top" hash-object -w --stdin >/dev/null || true
		[ -f "$dir/$f" ] && git -C "$top" hash-object -w "$dir/$f" >/dev/null
	done
}

cmd=${1:-check}
case "$cmd" in
check)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	scratch "$tmp/base"
	echo "series-steps: $(diffs | wc -l) step diffs apply to the current files"
	;;
base)
	dir=${2:?usage: series-steps.sh base DIR}
	scratch "$dir"
	;;
new)
	name=${2:?usage: series-steps.sh new NN-name DIR}
	src=${3:?usage: series-steps.sh new NN-name DIR}
	[[ "$name" =~ ^[0-9]+-[a-z0-9-]+$ ]] || die "name must be NN-words: $name"
	src=$(cd "$src" && pwd)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	rm -f "$steps/$name.diff"
	scratch "$tmp/s" "$(num "$name")"
	(cd "$src" && find . -type f ! -path './.git/*' | sed 's|^\./||') |
	while IFS= read -r f; do
		mkdir -p "$tmp/s/$(dirname "$f")"
		cp "$src/$f" "$tmp/s/$f"
	done
	git -C "$tmp/s" add -A -f
	mkdir -p "$steps"
	git -C "$tmp/s" diff --cached -R --full-index --src-prefix=b/ --dst-prefix=a/ HEAD >"$steps/$name.diff"
	[ -s "$steps/$name.diff" ] || { rm -f "$steps/$name.diff"; die "$src changes nothing"; }
	keep_blobs "$tmp/s"
	echo "series-steps: wrote patches/steps/$name.diff ($(grep -c '^diff --git' "$steps/$name.diff") files)"
	;;
refresh)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	dir=$tmp/s
	scratch "$dir" 999999
	for d in $(diffs | sort -r); do
		if ! git -C "$dir" apply -R --index --whitespace=nowarn "$d" 2>/dev/null; then
			git -C "$dir" apply -R --3way --whitespace=nowarn "$d" ||
				die "$(basename "$d"): three-way merge failed or conflicted in $(git -C "$dir" diff --name-only --diff-filter=U | tr '\n' ' ');
  make the version before this step by hand and run: scripts/series-steps.sh new $(basename "$d" .diff) DIR"
		fi
		git -C "$dir" diff --cached -R --full-index --src-prefix=b/ --dst-prefix=a/ HEAD >"$d.new"
		keep_blobs "$dir"
		if cmp -s "$d" "$d.new"; then
			rm -f "$d.new"
		else
			mv "$d.new" "$d"
			echo "series-steps: refreshed patches/steps/$(basename "$d")"
		fi
		git -C "$dir" commit -q -m "before $(basename "$d")"
	done
	echo "series-steps: $(diffs | wc -l) step diffs up to date"
	;;
*)
	die "unknown command '$cmd' (check, base, new, refresh)"
	;;
esac
