#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rewrite the "Results" section of README.md from the latest run's logs
# (build/logs/ from make check, build/bench/ from make bench and
# make bench-kernel, build/demo/ from make demo).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$(mktemp)
{
	echo "<!-- results:begin (scripts/results.sh writes this section) -->"
	echo
	echo "Measured on $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d) with \`make check\`,"
	echo "\`make bench\`, \`make bench-kernel\` and \`make demo\`."
	echo
	if ls build/logs/*.log >/dev/null 2>&1; then
		echo '```'
		for log in build/logs/*.log; do
			stage=$(basename "$log" .log)
			line=$(grep -aE 'Testing complete\. Ran|^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
			[ -n "$line" ] || continue
			printf '%-14s %s\n' "$stage" "${line#*] }"
		done
		echo '```'
		echo
	fi
	if [ -f build/bench/summary.txt ]; then
		echo "Userspace benchmark (\`make bench\`; CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)):"
		echo
		echo '```'
		cat build/bench/summary.txt
		echo '```'
		echo
		if [ -f build/bench/bench.png ]; then
			mkdir -p results
			cp build/bench/bench.png results/bench.png
			echo '![latency and utilisation](results/bench.png)'
			echo
		fi
	fi
	if [ -f build/demo/pool.png ]; then
		mkdir -p results
		cp build/demo/pool.png results/pool-demo.png
		echo "\`make demo\`: the arm64 guest's device-tree pool after a mixed workload"
		echo "(dark blue: first page of a buffer, blue: in use, grey: free,"
		echo "orange: free but lost to alignment):"
		echo
		echo '![pool occupancy map](results/pool-demo.png)'
		echo
	fi
	if [ -f build/bench/kernel.txt ]; then
		echo "In-kernel benchmark (\`make bench-kernel\`, QEMU x86_64 under TCG, ns):"
		echo
		echo '```'
		cat build/bench/kernel.txt
		echo '```'
		echo
	fi
	echo "<!-- results:end -->"
} >"$out"
if grep -q '<!-- results:begin' README.md; then
	python3 - "$out" <<'PY'
import re, sys
new = open(sys.argv[1]).read().rstrip('\n')
text = open('README.md').read()
text = re.sub(r'<!-- results:begin.*?<!-- results:end -->', lambda m: new, text, flags=re.S)
open('README.md', 'w').write(text)
PY
else
	{ echo; echo "## Results"; echo; cat "$out"; } >>README.md
fi
rm -f "$out"
echo "results: README.md updated"
