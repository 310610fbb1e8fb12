#!/usr/bin/env python3
"""Training throughput of PyTorch peers of hattn's TransformerClassifier (issue 10, "Targets").

The model matches hattn's TransformerClassifier in shape:
  token embedding (vocabulary 16) + learned positions (max length = --len), dropout;
  N pre-norm blocks: x + Dropout(Attn(LayerNorm(x))); x + Dropout(MLP(LayerNorm(x))),
    MLP = Linear(width, mlp) -> GELU(tanh) -> Linear(mlp, width);
  final LayerNorm, mean pooling over tokens, Linear(width, classes); softmax cross-entropy;
  AdamW (lr 5e-4, weight decay 0.01), global gradient-norm clipping at 1.0.

--attention sdpa:       Linear(width, 3 width, no bias) -> heads -> F.scaled_dot_product_attention
                        (exact, bidirectional) -> Linear(width, width).
--attention lucidrains: lucidrains' h_transformer_1d.HAttention1D(width, heads, dim_head = width / heads,
                        block_size = --block), which carries its own to_qkv (no bias) and to_out
                        projections of the same shapes; no rotary embedding (pos_emb = None), so positions
                        come only from the learned position table, as in hattn.

Put lucidrains' repository on PYTHONPATH (or pass --lucidrains PATH) for --attention lucidrains.
Prints one JSON line per run (and a human summary on stderr).
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--attention", choices=["sdpa", "lucidrains"], required=True)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--mlp", type=int, default=256)
    p.add_argument("--len", type=int, default=2048, dest="length")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--block", type=int, default=16, help="Nr for lucidrains HAttention1D")
    p.add_argument("--vocabulary", type=int, default=16)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10, help="timed steps (after warmup)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lucidrains", default=None, help="path of the h-transformer-1d checkout")
    return p.parse_args()


def main():
    args = parse_args()
    if args.lucidrains:
        sys.path.insert(0, args.lucidrains)

    import torch
    from torch import nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.width % args.heads:
        sys.exit("--width must be a multiple of --heads")
    head_dim = args.width // args.heads

    class ExactAttention(nn.Module):
        def __init__(self, width, heads):
            super().__init__()
            self.heads = heads
            self.qkv = nn.Linear(width, 3 * width, bias=False)
            self.out = nn.Linear(width, width)

        def forward(self, x):
            b, n, w = x.shape
            q, k, v = self.qkv(x).view(b, n, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
            y = F.scaled_dot_product_attention(q, k, v)  # exact, bidirectional, no dropout
            return self.out(y.transpose(1, 2).reshape(b, n, w))

    def make_attention():
        if args.attention == "sdpa":
            return ExactAttention(args.width, args.heads)
        from h_transformer_1d.h_transformer_1d import HAttention1D
        return HAttention1D(args.width, heads=args.heads, dim_head=head_dim, block_size=args.block, pos_emb=None)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm1 = nn.LayerNorm(args.width)
            self.attn = make_attention()
            self.drop1 = nn.Dropout(args.dropout)
            self.norm2 = nn.LayerNorm(args.width)
            self.mlp = nn.Sequential(nn.Linear(args.width, args.mlp), nn.GELU(approximate="tanh"),
                                     nn.Linear(args.mlp, args.width))
            self.drop2 = nn.Dropout(args.dropout)

        def forward(self, x):
            x = x + self.drop1(self.attn(self.norm1(x)))
            return x + self.drop2(self.mlp(self.norm2(x)))

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.tokens = nn.Embedding(args.vocabulary, args.width)
            self.positions = nn.Parameter(torch.randn(args.length, args.width) * 0.02)
            self.drop = nn.Dropout(args.dropout)
            self.blocks = nn.ModuleList([Block() for _ in range(args.layers)])
            self.norm = nn.LayerNorm(args.width)
            self.head = nn.Linear(args.width, args.classes)

        def forward(self, ids):
            x = self.drop(self.tokens(ids) + self.positions[: ids.shape[1]])
            for block in self.blocks:
                x = block(x)
            return self.head(self.norm(x).mean(dim=1))

    model = Classifier()
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    parameters = sum(p.numel() for p in model.parameters())
    generator = torch.Generator().manual_seed(args.seed)

    def step():
        ids = torch.randint(0, args.vocabulary, (args.batch, args.length), generator=generator)
        labels = torch.randint(0, args.classes, (args.batch,), generator=generator)
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        return loss.item()

    load_before = os.getloadavg()
    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - start)
        if not math.isfinite(loss):
            sys.exit("loss is not finite")
    load_after = os.getloadavg()

    median = statistics.median(times)
    tokens = args.batch * args.length
    result = {
        "attention": args.attention,
        "layers": args.layers, "width": args.width, "heads": args.heads, "mlp": args.mlp,
        "length": args.length, "batch": args.batch,
        "block": args.block if args.attention == "lucidrains" else None,
        "parameters": parameters,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "python": platform.python_version(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "warmup": args.warmup, "steps": args.steps,
        "median_ms_per_step": round(median * 1e3, 1),
        "min_ms_per_step": round(min(times) * 1e3, 1),
        "max_ms_per_step": round(max(times) * 1e3, 1),
        "tokens_per_s": round(tokens / median, 1),
        "load_before": [round(v, 2) for v in load_before],
        "load_after": [round(v, 2) for v in load_after],
        "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "final_loss": round(loss, 4),
    }
    print(json.dumps(result), flush=True)
    print(f"{args.attention} batch {args.batch} L {args.length}: median {median * 1e3:.1f} ms/step, "
          f"{tokens / median:,.0f} tokens/s (load {load_before[0]:.2f} -> {load_after[0]:.2f})", file=sys.stderr)


if __name__ == "__main__":
    main()
