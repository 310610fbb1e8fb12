#!/usr/bin/env bash
# Runs each variant REPEATS times, interleaved (so the runs fall at different moments of a noisy machine),
# appending one JSON line per run to OUT. Usage:
#   bench/peers/run_series.sh VENV LUCIDRAINS_DIR OUT [BATCH] [REPEATS] [VARIANTS...]
# Environment is passed through (e.g. OMP_WAIT_POLICY=PASSIVE).
set -euo pipefail
venv=$1; lucidrains=$2; out=$3; batch=${4:-4}; repeats=${5:-3}; shift $(( $# < 5 ? $# : 5 ))
variants=("$@"); [ ${#variants[@]} -gt 0 ] || variants=(lucidrains sdpa)
here=$(cd "$(dirname "$0")" && pwd)
for r in $(seq 1 "$repeats"); do
  for v in "${variants[@]}"; do
    echo "# $(date -u +%H:%M:%S) run $r $v batch $batch, uptime: $(uptime)" >&2
    "$venv/bin/python" "$here/train_throughput.py" --attention "$v" --batch "$batch" --steps 10 --warmup 3 \
      --lucidrains "$lucidrains" >> "$out"
  done
done
