#!/usr/bin/env python3
"""Times the attention forward of lucidrains' PyTorch port of H-Transformer-1D (github.com/lucidrains/
h-transformer-1d: `HAttention1D`, and `CausalHAttention1D` for --causal) on the shapes of `hattn bench` (batch 1,
8 heads, head width 64, Nr 16, float32, CPU, no mask): the popular port that hattn's hierarchical forward is set
beside (issue: CPU backend close to the machine's limits). The module's own projections are taken out: to_qkv
returns q, k, v made once (concatenated as the module expects) and to_out is the identity, so what is timed is
the attention: the reshapes into blocks, the coarsening, the scores, softmax and sums. Prints one JSON line per
length: median ms of --repeats calls after --warmup, GFLOP/s by hattn's hierarchical FLOP model (20 L Nr d per
head bidirectional, 12 L Nr d causal; docs/algorithm.md section 9), torch's version, threads and load average.

    /work/peers/venv/bin/python bench/peers/lucidrains_forward.py --lucidrains /work/peers/h-transformer-1d \
        --len 16384,65536
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch


class Made(torch.nn.Module):
    """Returns the tensor it was made with, whatever its input: q, k, v in place of a projection."""

    def __init__(self, made):
        super().__init__()
        self.made = made

    def forward(self, x):
        return self.made


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lucidrains", required=True, help="checkout of github.com/lucidrains/h-transformer-1d")
    parser.add_argument("--len", default="16384", help="comma-separated sequence lengths (powers of 2)")
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--block", type=int, default=16)
    parser.add_argument("--causal", action="store_true", help="CausalHAttention1D instead of HAttention1D")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, args.lucidrains)
    from h_transformer_1d.h_transformer_1d import CausalHAttention1D, HAttention1D

    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(1)
    inner = args.heads * args.dim
    for length in [int(x) for x in args.len.split(",")]:
        if args.causal:
            attention = CausalHAttention1D(inner, max_seq_len=length, heads=args.heads, dim_head=args.dim,
                                           block_size=args.block)
        else:
            attention = HAttention1D(inner, heads=args.heads, dim_head=args.dim, block_size=args.block)
        qkv = torch.randn(1, length, 3 * inner, generator=generator)
        attention.to_qkv = Made(qkv)
        attention.to_out = torch.nn.Identity()
        x = torch.empty(1, length, inner)
        times = []
        with torch.no_grad():
            for i in range(args.warmup + args.repeats):
                start = time.perf_counter()
                attention(x)
                elapsed = time.perf_counter() - start
                if i >= args.warmup:
                    times.append(elapsed)
        median = statistics.median(times)
        flops = (12.0 if args.causal else 20.0) * length * args.block * args.dim * args.heads
        print(json.dumps({
            "peer": "lucidrains-h-transformer-1d", "length": length, "causal": args.causal, "heads": args.heads,
            "dim": args.dim, "block": args.block, "median_ms": round(median * 1e3, 3),
            "gflops": round(flops / median / 1e9, 1), "repeats": args.repeats, "torch": torch.__version__,
            "threads": torch.get_num_threads(), "loadavg": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
