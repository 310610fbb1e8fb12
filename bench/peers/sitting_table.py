#!/usr/bin/env python3
"""The tables of one bench/sitting run, in Markdown, from its result files (standard library only).

- the roofline (Roofline's Markdown, as it is);
- causal against bidirectional time at each length (issue 12: causal is never slower);
- exact attention against torch SDPA (each SDPA run separately, and hattn / SDPA over them), with the
  hierarchical forward's time at the same length where the sitting measured it;
- the hierarchical forward against lucidrains' HAttention1D;
- parts of the call on their own: the FMA tiles of one block (BlockTilesBenchmark) against one core's share of the
  FMA peak, and the passes that read the inputs (PyramidPassesBenchmark) against a plain read.

Times are medians of the measurement iterations (JMH) or of the repeats (the peers); GFLOP/s use the FLOP models
of docs/algorithm.md section 9 (exact: 4 L^2 d per head, L(L + 1)/2 entries causal; hierarchical: 20 L Nr d
bidirectional, 12 L Nr d causal per head), which the peers' scripts use too.
"""
import argparse
import json
import os
import statistics
from collections import defaultdict


def jmh_medians(path, benchmark_suffix):
    """{(causal, length): median ms} of one JMH benchmark in a JSON result file; {} when the file is missing."""
    medians = {}
    if not path or not os.path.exists(path):
        return medians
    for run in json.load(open(path)):
        if not run["benchmark"].endswith(benchmark_suffix):
            continue
        params = run["params"]
        raw = [x for fork in run["primaryMetric"]["rawData"] for x in fork]
        medians[(params["causal"] == "true", int(params["length"]))] = statistics.median(raw)
    return medians


def peer_runs(path):
    """{(causal, length): [median ms of each run]} of a peer's JSON lines; {} when the file is missing."""
    runs = defaultdict(list)
    if not path or not os.path.exists(path):
        return runs
    for line in open(path):
        if line.strip():
            row = json.loads(line)
            runs[(bool(row["causal"]), int(row["length"]))].append(float(row["median_ms"]))
    return runs


def exact_gflops(length, causal, ms, dim=64, heads=8):
    entries = length * (length + 1) / 2 if causal else length * length
    return 4.0 * entries * dim * heads / (ms * 1e6)


def mode(causal):
    return "causal" if causal else "bidirectional"


def ratio_range(ratios, digits):
    """'1.23x', or 'low-highx' over several runs."""
    low, high = min(ratios), max(ratios)
    return f"{low:.{digits}f}x" if len(ratios) == 1 else f"{low:.{digits}f}-{high:.{digits}f}x"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roofline", required=True, help="Roofline's Markdown")
    parser.add_argument("--forward", required=True, help="JMH JSON with HierarchicalForwardBenchmark")
    parser.add_argument("--exact", help="JMH JSON with ExactForwardBenchmark")
    parser.add_argument("--sdpa", help="JSON lines of bench/peers/sdpa_forward.py")
    parser.add_argument("--lucidrains", help="JSON lines of bench/peers/lucidrains_forward.py")
    parser.add_argument("--parts", help="JMH JSON with BlockTilesBenchmark and PyramidPassesBenchmark")
    args = parser.parse_args()

    hierarchical = jmh_medians(args.forward, "HierarchicalForwardBenchmark.forward")
    exact = jmh_medians(args.exact, "ExactForwardBenchmark.forward")
    sdpa = peer_runs(args.sdpa)
    lucidrains = peer_runs(args.lucidrains)

    print(open(args.roofline).read().rstrip() + "\n")

    print("### Causal against bidirectional (hierarchical forward, median ms)\n")
    print("| L | bidirectional ms | causal ms | causal / bidirectional |")
    print("|---:|---:|---:|---:|")
    for length in sorted({l for _, l in hierarchical}):
        if (False, length) in hierarchical and (True, length) in hierarchical:
            b, c = hierarchical[(False, length)], hierarchical[(True, length)]
            print(f"| {length} | {b:.3f} | {c:.3f} | {c / b:.2f} |")
    print("\nFrom the JMH runs, one mode after the other minutes apart: a drifting host moves these ratios; the "
          "alternated pairs at the end of this file measure causal against bidirectional.\n")

    if exact:
        print("### Exact attention against torch SDPA (median ms)\n")
        print("| mode | L | hattn exact ms (GFLOP/s) | SDPA ms, run by run | hattn / SDPA "
              "| exact / hierarchical | SDPA / hierarchical |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for (causal, length) in sorted(exact):
            ms = exact[(causal, length)]
            runs = sdpa.get((causal, length), [])
            sdpa_cell = " / ".join(f"{r:.0f}" for r in runs) or "-"
            versus = ratio_range([ms / r for r in runs], 2) if runs else "-"
            hier = hierarchical.get((causal, length))
            over_hier = f"{ms / hier:.0f}x" if hier else "-"
            sdpa_over_hier = ratio_range([r / hier for r in runs], 0) if hier and runs else "-"
            print(f"| {mode(causal)} | {length} | {ms:.1f} ({exact_gflops(length, causal, ms):.0f}) | {sdpa_cell} "
                  f"| {versus} | {over_hier} | {sdpa_over_hier} |")
        print()

    if lucidrains:
        print("### Hierarchical forward against lucidrains' HAttention1D (median ms)\n")
        print("| mode | L | hattn ms | lucidrains ms | lucidrains / hattn |")
        print("|---|---:|---:|---:|---:|")
        for (causal, length), runs in sorted(lucidrains.items()):
            hier = hierarchical.get((causal, length))
            peer = statistics.median(runs)
            print(f"| {mode(causal)} | {length} | {hier:.1f} | {peer:.0f} | {peer / hier:.1f}x |" if hier else
                  f"| {mode(causal)} | {length} | - | {peer:.0f} | - |")
        print()

    if args.parts and os.path.exists(args.parts):
        print_parts(args.parts, args.forward)


# FLOPs of one finest bidirectional block's scores (or value sums): 2 x Nr 16 x 48 keys x d 64 (BlockTilesBenchmark)
BLOCK_TILE_FLOPS = 2 * 16 * 48 * 64


def print_parts(parts_path, peak_path):
    """The parts of the call measured on their own, beside the FMA peak per thread and a plain read."""
    per_core = None
    for run in json.load(open(peak_path)):
        if run["benchmark"].endswith("FmaPeakBenchmark.fma"):
            per_core = run["secondaryMetrics"]["flops"]["score"] / run["threads"] / 1e9
    tiles, passes = {}, {}
    for run in json.load(open(parts_path)):
        raw = [x for fork in run["primaryMetric"]["rawData"] for x in fork]
        params = run["params"]
        if run["benchmark"].endswith("BlockTilesBenchmark.block"):
            tiles[params["kernel"]] = statistics.median(raw)
        elif run["benchmark"].endswith("PyramidPassesBenchmark.run"):
            passes[params["pass"]] = (int(params["length"]), statistics.median(raw))
    print("### Parts of the call on their own (median)\n")
    if tiles:
        share = f"{per_core:.1f} GFLOP/s" if per_core else "-"
        print(f"FMA tiles of one finest block, one thread, in L1 (one core's share of the FMA peak: {share}):\n")
        print("| kernel | ns per block | GFLOP/s | of one core's peak |")
        print("|---|---:|---:|---:|")
        for kernel, ns in sorted(tiles.items()):
            rate = BLOCK_TILE_FLOPS / ns
            print(f"| {kernel} | {ns:.0f} | {rate:.1f} | {100 * rate / per_core:.0f}% |" if per_core else
                  f"| {kernel} | {ns:.0f} | {rate:.1f} | - |")
        print()
    if passes:
        read = passes.get("read")
        print("The bidirectional forward's passes over its inputs, every head, one thread per core:\n")
        print("| pass | L | ms | against a plain read |")
        print("|---|---:|---:|---:|")
        for name in ("read", "build", "load"):
            if name in passes:
                length, ms = passes[name]
                versus = f"{ms / read[1]:.2f}x" if read else "-"
                print(f"| {name} | {length} | {ms:.2f} | {versus} |")
        print()


if __name__ == "__main__":
    main()
