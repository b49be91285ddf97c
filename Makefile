# SPDX-License-Identifier: GPL-2.0
#
# dma-coherent: a rewrite of Linux 6.12's per-device coherent DMA pools
# (kernel/dma/coherent.c) with the tooling that builds, tests and
# benchmarks it.  Run "make help".

ARCH		?= x86_64
BASELINE	?= 0
KDIR		?=
export BASELINE KDIR

HARNESS		:= tools/testing/dma-coherent

.DEFAULT_GOAL	:= help
.PHONY: help deps tree kunit kunit-all check harness bench bench-kernel \
	lint docs build-all patch demo clean distclean

help:
	@echo 'dma-coherent: per-device coherent DMA pools for Linux 6.12'
	@echo
	@echo '  make kunit          KUnit suites on a real 6.12 kernel under QEMU (ARCH=$(ARCH))'
	@echo '                      ARCH=x86_64|arm64|arm, BASELINE=1 (upstream coherent.c),'
	@echo '                      KDIR=/path/to/6.12 (your tree, copied, never modified)'
	@echo '  make check          every test stage; ends with "N passed, N failed"'
	@echo '  make kunit-all      KUnit on x86_64, arm64 and arm'
	@echo '  make harness        userspace harness: sanitizers, differential test, fuzzing'
	@echo '  make bench          userspace benchmark against the 6.12 algorithm'
	@echo '  make bench-kernel   in-kernel benchmark under QEMU'
	@echo '  make lint           checkpatch --strict, kernel-doc, sparse, W=1'
	@echo '  make docs           Documentation/core-api with Sphinx'
	@echo '  make build-all      builds for x86_64, arm64, arm (+LPAE), riscv64, sh'
	@echo '  make patch          the patch series in build/patches/'
	@echo '  make demo           arm64 guest workload and a picture of the pool'
	@echo '  make tree           prepare build/linux only'
	@echo '  make deps           install the Debian packages needed'
	@echo '  make clean          remove build output, keep the extracted tree'
	@echo '  make distclean      remove build/ entirely'

deps:
	@scripts/deps.sh all

tree: deps
	@scripts/prepare-tree.sh $(if $(KDIR),build/kdir-linux,build/linux)

kunit:
	@scripts/deps.sh kunit
	@scripts/kunit.sh $(ARCH)

kunit-all:
	@scripts/deps.sh kunit
	@scripts/check.sh kunit-x86_64 kunit-arm64 kunit-arm

check:
	@scripts/deps.sh all
	@scripts/check.sh

harness:
	@scripts/deps.sh harness
	@$(MAKE) -s -C $(HARNESS) check

bench:
	@scripts/deps.sh all
	@$(MAKE) -s -C $(HARNESS) bench

bench-kernel:
	@scripts/deps.sh kunit
	@scripts/bench-kernel.sh

lint:
	@scripts/deps.sh all
	@scripts/lint.sh

docs:
	@scripts/deps.sh all
	@scripts/docs.sh

build-all:
	@scripts/deps.sh all
	@scripts/build-all.sh

patch:
	@scripts/deps.sh kunit
	@scripts/patch.sh

demo:
	@scripts/deps.sh all
	@scripts/demo.sh

clean:
	rm -rf build/out build/logs build/bench build/demo build/patches
	-@$(MAKE) -s -C $(HARNESS) clean 2>/dev/null

distclean:
	rm -rf build
	-@$(MAKE) -s -C $(HARNESS) clean 2>/dev/null
