#!/usr/bin/env python3
"""Times PyTorch's exact attention forward, torch.nn.functional.scaled_dot_product_attention, on the shapes of
`hattn bench` (batch 1, 8 heads, head width 64, float32, CPU), bidirectional and causal: the peer that hattn's
exact attention is held to (issue: CPU backend close to the machine's limits). Prints one JSON line per length
and mode: median ms of --repeats calls after --warmup, GFLOP/s by hattn's exact FLOP model (4 d per score entry: L^2
entries bidirectional, L (L + 1) / 2 causal), torch's version, CPU capability, threads and load average.

    /work/peers/venv/bin/python bench/peers/sdpa_forward.py --len 4096,16384
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--len", default="4096,16384", help="comma-separated sequence lengths")
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(1)
    for length in [int(x) for x in args.len.split(",")]:
        q, k, v = (torch.randn(1, args.heads, length, args.dim, generator=generator) for _ in range(3))
        for causal in (False, True):
            times = []
            with torch.no_grad():
                for i in range(args.warmup + args.repeats):
                    start = time.perf_counter()
                    F.scaled_dot_product_attention(q, k, v, is_causal=causal)
                    elapsed = time.perf_counter() - start
                    if i >= args.warmup:
                        times.append(elapsed)
            median = statistics.median(times)
            entries = length * (length + 1) / 2 if causal else length * length
            flops = 4.0 * entries * args.dim * args.heads
            print(json.dumps({
                "peer": "torch-sdpa", "length": length, "causal": causal, "heads": args.heads, "dim": args.dim,
                "median_ms": round(median * 1e3, 3), "gflops": round(flops / median / 1e9, 1),
                "repeats": args.repeats, "torch": torch.__version__,
                "cpu_capability": torch.backends.cpu.get_cpu_capability(), "threads": torch.get_num_threads(),
                "loadavg": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
