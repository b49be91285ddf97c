#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the kernel source tree we build: pristine Linux 6.12 (Debian's
# linux-source-6.12, or a copy of $KDIR) committed as tag "pristine", with
# patches/ applied and our own files placed on top.  Only files whose
# content changes are rewritten, so kbuild rebuilds only what changed.
#
# Usage: scripts/prepare-tree.sh SRCDIR
#   KDIR=dir    import that 6.12 tree instead of the Debian tarball (the
#               tree itself is only read, never modified)
#   BASELINE=1  keep upstream's kernel/dma/coherent.c and skip the patches
#               marked "ours" or "fix" in patches/series
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=${1:?usage: prepare-tree.sh SRCDIR}
tarball=/usr/src/linux-source-6.12.tar.xz
die() { echo "prepare-tree: $*" >&2; exit 1; }

# Not while make patch checks the series out in the tree.
. "$top/scripts/tree-lock.sh"
tree_lock "$src" prepare-tree || exit 1

check_version() {
	local v p
	v=$(sed -n 's/^VERSION = //p' "$1/Makefile" 2>/dev/null)
	p=$(sed -n 's/^PATCHLEVEL = //p' "$1/Makefile" 2>/dev/null)
	[ "$v.$p" = 6.12 ] || die "$2 is Linux '$v.$p', not 6.12: use a 6.12 tree"
}

# 1. The pristine tree, imported once.  A half-finished import stays in
#    $src.tmp and is redone, so nothing looks complete when it is not.
if ! git -C "$src" rev-parse -q --verify refs/tags/pristine >/dev/null 2>&1; then
	[ -e "$src" ] && die "$src exists but is not a prepared tree: run 'make distclean'"
	tmp=$src.tmp
	rm -rf "$tmp"
	if [ -n "${KDIR:-}" ]; then
		[ -f "$KDIR/Makefile" ] && [ -d "$KDIR/kernel/dma" ] ||
			die "KDIR=$KDIR is not a kernel source tree"
		check_version "$KDIR" "KDIR=$KDIR"
		mkdir -p "$tmp"
		echo "prepare-tree: copying KDIR=$KDIR (read only) into $src"
		rsync -a --exclude=/.git "$KDIR/" "$tmp/"
		if [ -f "$tmp/.config" ] || [ -d "$tmp/include/config" ]; then
			make -s -C "$tmp" mrproper
		fi
	else
		[ -f "$tarball" ] || die "$tarball is missing: run scripts/deps.sh"
		echo "prepare-tree: extracting $tarball"
		mkdir -p "$tmp"
		tar -xJf "$tarball" --strip-components=1 -C "$tmp"
		check_version "$tmp" "$tarball"
	fi
	git -C "$tmp" init -q
	git -C "$tmp" config user.name "dma-coherent build"
	git -C "$tmp" config user.email "build@localhost"
	git -C "$tmp" config core.autocrlf false
	git -C "$tmp" config gc.auto 0
	git -C "$tmp" add -A -f
	git -C "$tmp" commit -q -m "Linux $(make -s -C "$tmp" kernelversion) (pristine)"
	git -C "$tmp" tag pristine
	mv "$tmp" "$src"
fi

# 2. The wanted tree, built in a private index: pristine + patches + files.
export GIT_DIR=$src/.git GIT_WORK_TREE=$src
export GIT_INDEX_FILE=$GIT_DIR/overlay-index
rm -f "$GIT_INDEX_FILE"
git read-tree pristine

baseline=${BASELINE:-0}
while read -r name flag; do
	case "$name" in ''|'#'*) continue ;; esac
	[ -f "$top/patches/$name" ] || die "patches/series names $name, which does not exist"
	if [ "$baseline" = 1 ] && { [ "$flag" = ours ] || [ "$flag" = fix ]; }; then
		continue
	fi
	git apply --cached --whitespace=nowarn "$top/patches/$name" 2>/dev/null ||
		die "patches/$name no longer applies to $(git log -1 --format=%s pristine): refresh it against the pristine tree"
done < <(cat "$top/patches/series" 2>/dev/null)

cd "$top"
while IFS= read -r f; do
	if [ "$baseline" = 1 ] && [ "$f" = kernel/dma/coherent.c ]; then
		continue
	fi
	h=$(git hash-object -w "$f")
	git update-index --add --cacheinfo "100644,$h,$f"
done < <("$top/scripts/our-files.sh")

# 3. Move the work tree to it; git rewrites only files that differ.
tree=$(git write-tree)
unset GIT_INDEX_FILE
cur=$(git rev-parse -q --verify 'HEAD^{tree}' || true)
# Also when HEAD is a step of make patch's series with the same tree: the
# overlay commit is the same for the same tree (fixed dates), so the
# kernel's version string (-g<hash>) does not change and rebuild objects.
msg="overlay (baseline=$baseline)"
if [ "$tree" != "$cur" ] || [ "$(git log -1 --format=%s 2>/dev/null)" != "$msg" ] ||
   [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	commit=$(GIT_AUTHOR_DATE='2024-11-17T00:00:00Z' GIT_COMMITTER_DATE='2024-11-17T00:00:00Z' \
		 git commit-tree -p pristine -m "$msg" "$tree")
	git checkout -q -f --detach "$commit"
fi
