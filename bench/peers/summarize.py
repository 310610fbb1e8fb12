#!/usr/bin/env python3
"""Summarise JSON lines from train_throughput.py: every run, then the median per variant, batch and policy.
Usage: summarize.py FILE.jsonl [...]"""
import json
import statistics
import sys
from collections import defaultdict

runs = [json.loads(line) for path in sys.argv[1:] for line in open(path) if line.strip()]
groups = defaultdict(list)
print("| attention | batch | OMP_WAIT_POLICY | UTC | ms/step | tokens/s | load before -> after (1 min) |")
print("|---|---|---|---|---|---|---|")
for r in runs:
    policy = r.get("omp_wait_policy") or "default"
    groups[(r["attention"], r["batch"], policy)].append(r)
    print(f"| {r['attention']} | {r['batch']} | {policy} | {r['utc'][11:19]} | {r['median_ms_per_step']:.1f} | "
          f"{r['tokens_per_s']:,.0f} | {r['load_before'][0]:.2f} -> {r['load_after'][0]:.2f} |")
print()
print("| attention | batch | OMP_WAIT_POLICY | runs | median ms/step | median tokens/s |")
print("|---|---|---|---|---|---|")
for (attention, batch, policy), rs in sorted(groups.items()):
    ms = statistics.median(r["median_ms_per_step"] for r in rs)
    tps = statistics.median(r["tokens_per_s"] for r in rs)
    print(f"| {attention} | {batch} | {policy} | {len(rs)} | {ms:.1f} | {tps:,.0f} |")

# bench/train-sitting's files also hold hattn's runs: its hierarchical model's tokens/s against every other variant
reference = [k for k in groups if k[0] == "hattn-hierarchical"]
if reference:
    base = statistics.median(r["tokens_per_s"] for r in groups[reference[0]])
    print()
    print("| variant | median tokens/s | hattn hierarchical / variant |")
    print("|---|---|---|")
    for key, rs in sorted(groups.items()):
        tps = statistics.median(r["tokens_per_s"] for r in rs)
        print(f"| {key[0]} | {tps:,.0f} | {base / tps:.2f}x |")
