#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run "make TARGET" for every target of "make check" (or "check-armhf"),
# in two lanes at once: the machine's two cores each take one.  Targets
# in a lane run in order; lanes share no build directory.  One summary
# line per target, in the order given, then the count.
#
# Usage: check-lanes.sh BUILD_DIR MODE TARGET... [-- TARGET...]
#   MODE  count: the summary is the run's last count line;
#         sum:   the sum of every "N passed, M failed" line (armhf runs
#                several processes per target)
set -uo pipefail

b=$1 mode=$2
shift 2
mkdir -p "$b"

summary() {
	if [ "$mode" = sum ]; then
		awk '/^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
		     END { printf "%d passed, %d failed", p, f }' "$1"
	else
		grep -aE '^[0-9]+ passed|^Done [0-9]+ runs|stat::number_of_executed_units' "$1" | tail -1
	fi
}

# The log of a target: build/check-test-PAGE_SHIFT-16.log for "test PAGE_SHIFT=16".
logof() {
	local t=$1
	t=${t// OPS=*/}
	t=${t// FUZZ_SECONDS=*/}
	t=${t// PR_DIFF_OPS=*/}
	t=${t//[ =]/-}
	echo "$b/check-$t.log"
}

# lane N TARGET...: a line "ok|FAILED<TAB>TARGET" per target in $b/lane-N.
lane() {
	local n=$1 t log
	shift
	: >"$b/lane-$n"
	for t in "$@"; do
		log=$(logof "$t")
		# shellcheck disable=SC2086 # a target carries its variables
		if ${MAKE:-make} --no-print-directory $t >"$log" 2>&1; then
			printf 'ok\t%s\n' "$t" >>"$b/lane-$n"
		else
			printf 'FAILED\t%s\n' "$t" >>"$b/lane-$n"
		fi
	done
}

one=() two=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do one+=("$1"); shift; done
[ $# -gt 0 ] && shift
two=("$@")

lane 2 "${two[@]}" &
pid=$!
lane 1 "${one[@]}"
wait "$pid"

pass=0 fail=0
while IFS=$'\t' read -r v t; do
	log=$(logof "$t")
	if [ "$v" = ok ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		tail -20 "$log"
	fi
	echo "harness: make $t: $v ($(summary "$log"))"
done < <(cat "$b/lane-1" "$b/lane-2")
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
