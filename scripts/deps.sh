#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build needs, and only those missing.
# Usage: scripts/deps.sh [kunit|lint|harness|all]
set -euo pipefail

need=(linux-source-6.12 make gcc flex bison bc libelf-dev libssl-dev python3
      xz-utils rsync git qemu-system-x86 qemu-system-arm device-tree-compiler
      gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf)
case "${1:-kunit}" in
kunit) ;;
lint) need+=(sparse perl python3-sphinx python3-ply python3-git) ;;
harness) need+=(clang libclang-rt-14-dev valgrind) ;;
all) need+=(sparse perl python3-ply python3-git clang libclang-rt-14-dev valgrind python3-matplotlib python3-sphinx gcc-riscv64-linux-gnu gcc-sh4-linux-gnu
	   # kunit-riscv-global: qemu-system-riscv64; harness-armhf: qemu-arm, armhf libraries
	   qemu-system-misc qemu-user libc6-dev-armhf-cross libasan8-armhf-cross libubsan1-armhf-cross) ;;
*) echo "deps.sh: unknown set '$1' (kunit, lint, harness or all)" >&2; exit 2 ;;
esac

missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps: missing packages (${missing[*]}) and not root: install them or run as root" >&2
		exit 1
	}
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; then
	$sudo apt-get update -qq >/dev/null 2>&1 || true
	$sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null || {
		echo "deps: apt-get could not install ${missing[*]}: check the Debian archive is reachable" >&2
		exit 1
	}
fi
