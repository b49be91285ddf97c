#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KUnit runs under the kernel's own checkers, and in the configurations the
# default runs leave out.  Each builds its own kernel (build/out/NAME) with
# scripts/kunit.sh, then reads the guest's console (NAME/test.log):
#
#   debug         x86_64, -smp 2: KASAN, lockdep (PROVE_LOCKING),
#                 DEBUG_ATOMIC_SLEEP, DEBUG_SPINLOCK, DEBUG_OBJECTS, kmemleak
#                 and failure injection; the main suite plus
#                 dma_coherent_fault and dma_coherent_leaks
#   kcsan         x86_64, -smp 2, KCSAN (strict): dma_coherent.concurrent_stress
#                 alone; fails on any report that involves the pool code
#   arm-lpae      arm with LPAE (64-bit phys_addr_t, 32-bit long), 3.4 GiB
#                 of RAM and pools above 4 GiB (kunit/virt-high.dtso); the
#                 main suite, dma_coherent_high, failure injection into a
#                 device-tree attach, kmemleak, lockdep
#   riscv-global  riscv64 with CONFIG_DMA_GLOBAL_POOL (StarFive JH7100
#                 support) and a linux,dma-default region
#                 (kunit/riscv-global.dtso): dma_coherent_global and the
#                 main suite
#
# A stage fails when kunit.py does, when a checker reported anything
# (any KASAN, lockdep, atomic-sleep, spinlock, debugobjects or UBSAN
# report; any WARNING other than those the tests provoke in
# kernel/dma/coherent.c and kernel/dma/debug.c; kmemleak disabling itself),
# or when a case the stage exists for was skipped.
#
# Usage: scripts/kunit-checkers.sh debug|kcsan|arm-lpae|riscv-global
# Wrap it in "flock /tmp/kbuild.lock" on a shared machine: it builds a kernel.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
stage=${1:?usage: kunit-checkers.sh debug|kcsan|arm-lpae|riscv-global}
shift
die() { echo "kunit-checkers: $*" >&2; exit 1; }

# Cases that must have run (not been skipped) for the stage to mean anything.
must_run=()
case "$stage" in
debug)
	export KUNITCONFIG=$top/kunit/debug-x86_64.kunitconfig KUNIT_OUT=debug-x86_64
	arch=x86_64
	args=(--kernel_args dma_coherent_debug_kunit.phys=0x30000000
	      --kernel_args dma_coherent_debug_kunit.size=0x7000000)
	must_run=(concurrent_stress declare_fault_unwind kmemleak_after_all_suites)
	;;
kcsan)
	export KUNITCONFIG=$top/kunit/kcsan-x86_64.kunitconfig KUNIT_OUT=kcsan-x86_64
	arch=x86_64
	args=(dma_coherent.concurrent_stress)
	must_run=(concurrent_stress)
	;;
arm-lpae)
	export KUNITCONFIG=$top/kunit/arm-lpae.kunitconfig KUNIT_OUT=arm-lpae
	export KUNIT_MEM=3456 KUNIT_DTSO="kunit/virt-pools.dtso kunit/virt-high.dtso"
	arch=arm
	args=(--kernel_args dma_coherent_debug_kunit.phys=0x78000000
	      --kernel_args dma_coherent_debug_kunit.size=0x7000000)
	must_run=(dt_shared_pool dt_pool_above_4g declare_above_4g
		  dt_attach_fault_unwind declare_fault_unwind kmemleak_after_all_suites)
	;;
riscv-global)
	export KUNITCONFIG=$top/kunit/riscv-global.kunitconfig KUNIT_OUT=riscv-global
	export KUNIT_DTSO=kunit/riscv-global.dtso
	arch=riscv
	args=(--kernel_args dma_coherent_kunit.phys=0xb0000000)
	must_run=(declare_and_release global_alloc_free global_exhaustion
		  global_release_foreign global_mmap_buffer global_mmap_refusals
		  global_noncoherent_device)
	;;
*)
	die "unknown stage '$stage' (debug, kcsan, arm-lpae or riscv-global)"
	;;
esac

out=$top/build/out/$KUNIT_OUT
rm -f "$out/test.log"
"$top/scripts/kunit.sh" "$arch" "${args[@]}" "$@"
rc=$?
[ -f "$out/test.log" ] || die "no console log ($out/test.log): the kernel did not build or boot"

# Functions of the pool code and of its tests, for the KCSAN verdict.
syms=$out/pool-symbols.txt
for o in kernel/dma/coherent.o kernel/dma/tests/dma_coherent_kunit.o; do
	[ -f "$out/$o" ] && nm --defined-only "$out/$o" 2>/dev/null | awk '$2 ~ /^[tTwW]$/ {print $3}'
done | sed 's/\..*//' | sort -u >"$syms"

python3 - "$stage" "$out/test.log" "$syms" "${must_run[@]}" <<'PY'
import re, sys

stage, log, symfile, must_run = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
text = open(log, errors='replace').read()
lines = text.splitlines()
bad = 0

def report(what, first, block=None):
    global bad
    bad += 1
    print(f'kunit-checkers: {stage}: {what}: {first.strip()}')
    for l in (block or [])[:40]:
        print('    ' + l)

# Reports of the kernel's checkers, by their first line.
checker = re.compile(
    r'BUG: KASAN|BUG: KCSAN|BUG: sleeping function|BUG: scheduling while atomic|'
    r'BUG: spinlock|BUG: rwlock|BUG: workqueue leaked lock|BUG: key .* has not been registered|'
    r'WARNING: possible|WARNING: inconsistent lock state|WARNING: suspicious RCU|'
    r'WARNING: bad unlock balance|WARNING: held lock freed|WARNING: lock held|'
    r'WARNING: Nested lock|WARNING: bad contention|INFO: possible|INFO: trying to register non-static key|'
    r'DEBUG_LOCKS_WARN_ON|ODEBUG: |UBSAN: |'
    r'kmemleak: Kernel memory leak detector disabled|kmemleak: .*[Mm]emory pool empty|'
    r'Unable to handle kernel|general protection fault|Kernel panic|Oops')
# WARNINGs the tests provoke on purpose: the pool's misuse reports and
# dma-debug's, when they find the bad frees the tests make.
expected_warn = re.compile(r'WARNING: CPU: \d+ PID: \d+ at kernel/dma/(coherent|debug)\.c:')

pool_syms = set(open(symfile).read().split())
frame = re.compile(r'^\s*(?:\[[^]]*\]\s*)*([A-Za-z_][\w.]*)\+0x')

def involves_pool(block):
    for l in block:
        if 'coherent' in l:
            return True
        m = frame.match(re.sub(r'^\[[^]]*\]', '', l))
        if m and m.group(1).split('.')[0] in pool_syms:
            return True
    return False

kcsan_total = kcsan_ours = 0
i = 0
while i < len(lines):
    l = lines[i]
    if 'BUG: KCSAN' in l:
        kcsan_total += 1
        block = []
        j = i + 1
        while j < len(lines) and not re.search(r'={20,}', lines[j]) and j < i + 80:
            block.append(lines[j])
            j += 1
        if stage != 'kcsan' or involves_pool([l] + block):
            kcsan_ours += 1
            report('KCSAN report', l, block)
        i = j
        continue
    if checker.search(l):
        report('checker report', l, lines[i + 1:i + 25])
    elif 'WARNING: CPU:' in l and not expected_warn.search(l):
        report('unexpected WARNING', l, lines[i + 1:i + 25])
    i += 1

if stage == 'kcsan':
    print(f'kunit-checkers: kcsan: {kcsan_total} KCSAN reports, '
          f'{kcsan_ours} involving the pool code ({len(pool_syms)} functions)')

# The checkers the stage is for must be on, and the x86_64 guests' two
# CPUs up (without ACPI they come from qboot's MP table): boot lines.
active = {
    'debug': ['KernelAddressSanitizer initialized', 'Lock dependency validator',
              'kmemleak: Kernel memory leak detector initialized',
              'smpboot: Total of 2 processors activated'],
    'kcsan': ['kcsan: enabled early', 'kcsan: strict mode configured',
              'smpboot: Total of 2 processors activated'],
    'arm-lpae': ['Lock dependency validator',
                 'kmemleak: Kernel memory leak detector initialized'],
    'riscv-global': ['default coherent area is set'],
}[stage]
for want in active:
    if want not in text:
        report('checker or pool not active', f'no "{want}" on the console')

# The cases the stage is for must have run.
for case in must_run:
    oks = re.findall(r'^\s*(?:\[[^]]*\]\s*)?(not ok|ok) \d+ ' + re.escape(case) + r'\b(.*)$',
                     text, re.M)
    if not oks:
        report('case did not run', case)
    elif any('# SKIP' in rest for _, rest in oks):
        report('case was skipped', case + [rest for _, rest in oks if '# SKIP' in rest][0])

print(f'kunit-checkers: {stage}: ' + ('clean' if not bad else f'{bad} problems') +
      f' (console: {log})')
sys.exit(1 if bad else 0)
PY
prc=$?
[ $rc -eq 0 ] && [ $prc -eq 0 ]
