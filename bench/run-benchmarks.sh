#!/usr/bin/env bash
# Reproduces the figures of docs/benchmarks.md on this machine. Needs a build (npm run build) and
# the shared ImageNet sample in ../shared. Uses a temporary LCNET_HOME; nothing is downloaded.
#   bash bench/run-benchmarks.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LCNET_HOME="$work/home"
lcnet=(node bin/run.js)
sample=../shared/imagenet/val-sample
large=../shared/fixtures/preprocess/large_3000x2250.jpg

# 1000 files: the 100 val JPEGs ten times; 40 copies of the 3000x2250 photo
mkdir -p "$work/val1000" "$work/large40"
for r in $(seq 0 9); do for f in "$sample"/*.JPEG; do cp "$f" "$work/val1000/r${r}_$(basename "$f")"; done; done
for i in $(seq 1 40); do cp "$large" "$work/large40/l$i.jpg"; done

echo "== lcnet classify, default settings, generated PPLCNet_x1_0, 1000 files, whole process ($runs runs)"
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f "wall %e s  user %U s  sys %S s  peak %M KB" \
    "${lcnet[@]}" classify "$work/val1000" -m synthetic:PPLCNet_x1_0 -o "$work/out.jsonl" --overwrite --no-progress 2>&1 | grep -v SYNTHETIC
done

echo "== lcnet bench: whole pipeline on the 1000 files"
"${lcnet[@]}" bench -m synthetic:PPLCNet_x1_0 --images "$work/val1000" --threads 1,2 --batch-size 1,8,16 --duration 8 2>/dev/null

echo "== lcnet bench: inference only (synthetic tensors)"
"${lcnet[@]}" bench -m synthetic:PPLCNet_x1_0 --threads 1,2 --batch-size 1,8,32 --duration 6 2>/dev/null

for mode in exact fast; do
  echo "== --resize $mode: 3000x2250 photos, then the val JPEGs"
  for set in large40 val1000; do
    "${lcnet[@]}" bench -m synthetic:PPLCNet_x1_0 --images "$work/$set" --threads 2 --batch-size 8 --duration 5 --resize "$mode" 2>/dev/null |
      grep -E '^ *threads|^ +[0-9]+ +[0-9]+ +[0-9]+ '
  done
done
