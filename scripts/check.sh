#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every test stage, one summary line each, then a final
# "N passed, N failed" line counting the tests of all stages.  Exits
# non-zero when any stage fails.  Logs go to build/logs/.
#
# Usage: scripts/check.sh [stage...]   (default: all stages)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
logs=$top/build/logs
mkdir -p "$logs"
cd "$top"

all_stages=(lint harness harness-armhf kunit-x86_64 kunit-arm64 kunit-arm
	    kunit-debug kunit-kcsan kunit-arm-lpae kunit-riscv-global
	    build-all docs patch)
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=("${all_stages[@]}")

passed=0 failed=0 skipped=0 bad_stages=()

# Every stage works on the prepared tree; make it once up front.
scripts/prepare-tree.sh "$top/build/linux" >"$logs/prepare-tree.log" 2>&1 ||
	{ cat "$logs/prepare-tree.log"; echo "0 passed, 1 failed"; exit 1; }

run_stage() {
	case "$1" in
	harness)	make -s -C tools/testing/dma-coherent check ;;
	harness-armhf)	make -s -C tools/testing/dma-coherent check-armhf ;;
	kunit-debug|kunit-kcsan|kunit-arm-lpae|kunit-riscv-global)
			scripts/kunit-checkers.sh "${1#kunit-}" ;;
	kunit-*)	scripts/kunit.sh "${1#kunit-}" ;;
	lint)		scripts/lint.sh ;;
	build-all)	scripts/build-all.sh ;;
	patch)		scripts/patch.sh --verify ;;
	docs)		scripts/docs.sh ;;
	*)		echo "check: unknown stage '$1'" >&2; return 2 ;;
	esac
}

for stage in "${stages[@]}"; do
	log=$logs/$stage.log
	t0=$(date +%s)
	run_stage "$stage" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	# Test counts: kunit.py's summary, or a plain "N passed, N failed" line.
	line=$(grep -aE 'Testing complete\. Ran [0-9]+ tests' "$log" | tail -1)
	if [ -n "$line" ]; then
		p=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$line")
		f=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$line")
		s=$(sed -nE 's/.*skipped: ([0-9]+).*/\1/p' <<<"$line")
	else
		line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
		p=$(sed -nE 's/^([0-9]+) passed.*/\1/p' <<<"$line")
		f=$(sed -nE 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/p' <<<"$line")
		s=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$line")
	fi
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ $rc -ne 0 ] && [ "$f" = 0 ]; then
		f=1	# crashed, hung or failed to build: count the stage
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	if [ $rc -eq 0 ]; then
		verdict=PASS
	else
		verdict=FAIL
		bad_stages+=("$stage")
	fi
	printf 'check: %-18s %s  %4s passed %3s failed %3s skipped  %4ss  (%s)\n' \
		"$stage" "$verdict" "$p" "$f" "$s" "$secs" "${log#"$top"/}"
	if [ $rc -ne 0 ]; then
		# CI keeps only the end of the output: name what failed first.
		echo "---- failures in $stage ----"
		grep -aE -A4 '\[FAILED\]|(EXPECTATION|ASSERTION) FAILED|not ok |kunit-checkers: |: FAIL' "$log" |
			head -n 60
		echo "---- last lines of $stage ----"
		tail -n 25 "$log"
		echo "----"
	fi
done

[ ${#bad_stages[@]} -gt 0 ] && echo "check: failed stages: ${bad_stages[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ ${#bad_stages[@]} -eq 0 ]
