#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Plot the benchmark's CSV files: bench_plot.py DIR writes DIR/bench.png
(left: mean and p99 alloc+free latency against pool size, log-log; right:
utilisation at first failure per workload)."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"ours": "tab:blue", "6.12": "tab:red", "genalloc": "tab:green"}


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    lat = rows(os.path.join(out, "latency.csv"))
    util = rows(os.path.join(out, "utilisation.csv"))
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(14, 5.5))

    for name, colour in COLOURS.items():
        r = sorted((int(x["pages"]), float(x["mean_ns"]), float(x["p99_ns"]))
                   for x in lat if x["alloc"] == name)
        if not r:
            continue
        pages = [p for p, _, _ in r]
        ax.plot(pages, [m for _, m, _ in r], "o-", color=colour,
                label=name + " mean")
        ax.plot(pages, [q for _, _, q in r], "x--", color=colour, alpha=0.6,
                label=name + " p99")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("pool pages")
    ax.set_ylabel("ns per alloc+free pair")
    ax.set_title("Latency: pool filled to 90% or first failure, aged; 1..64 pages")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)

    workloads = []
    for x in util:
        if x["workload"] not in workloads:
            workloads.append(x["workload"])
    names = [n for n in COLOURS if any(x["alloc"] == n for x in util)]
    width = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        vals = []
        for w in workloads:
            v = [float(x["mean"]) for x in util
                 if x["alloc"] == name and x["workload"] == w]
            vals.append(v[0] if v else 0)
        xs = [j + (i - (len(names) - 1) / 2) * width
              for j in range(len(workloads))]
        bars = bx.bar(xs, vals, width, color=COLOURS[name], label=name)
        for b, v in zip(bars, vals):
            bx.text(b.get_x() + b.get_width() / 2, v + 0.005, "%.2f" % v,
                    ha="center", va="bottom", fontsize=7)
    bx.set_xticks(range(len(workloads)))
    bx.set_xticklabels([w.replace(", ", "\n") for w in workloads], fontsize=8)
    bx.set_ylim(0.5, 1.0)
    bx.set_ylabel("requested pages / pool at first failure")
    bx.set_title("Utilisation, 65536-page pool")
    bx.legend(fontsize=8)

    fig.tight_layout()
    fig.savefig(os.path.join(out, "bench.png"), dpi=110)


if __name__ == "__main__":
    main()
