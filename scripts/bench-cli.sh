#!/usr/bin/env bash
# Times single `oots validate FILE` processes end to end (start-up, compiling
# the rules, parsing, validating, writing the report).
set -euo pipefail
bin=${1:-bin/oots}
spec=${OOTS_SPEC:-../shared/oots-spec}
file=${2:-examples/messages/evidence-request.xml}
runs=${RUNS:-20}

echo "single-file run: $bin validate $file ($runs runs)"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 3 --runs "$runs" "$bin validate $file"
  exit 0
fi
"$bin" validate "$file" >/dev/null
total=0
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bin" validate "$file" >/dev/null
  end=$(date +%s%N)
  total=$((total + end - start))
done
echo "mean: $((total / runs / 1000000)) ms"
if [ -d "$spec/samples" ]; then
  echo "whole shared corpus in one process (text report discarded):"
  start=$(date +%s%N)
  "$bin" validate -q "$spec/samples" "$spec/mutants" >/dev/null || true
  end=$(date +%s%N)
  n=$(find "$spec/samples" "$spec/mutants" -name '*.xml' | wc -l)
  ms=$(((end - start) / 1000000))
  echo "$n documents in $ms ms: $((n * 1000 / (ms > 0 ? ms : 1))) documents/s"
fi
