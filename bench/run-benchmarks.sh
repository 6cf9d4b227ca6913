#!/usr/bin/env bash
# Reproduces the figures of docs/benchmarks.md on this machine, all in one run:
#   1. lcnet classify against the Python baseline (bench/python-baseline.py: OpenCV + onnxruntime,
#      PaddleClas style), whole process, paired and alternated: 900 files RUNS times, 9,900 files
#      LONG_RUNS times; wall time, CPU, peak RSS and the time to the first record; medians;
#   2. lcnet bench: the stage costs (read, decode+preprocess through libjpeg-turbo and through
#      sharp, inference, postprocess) and the pipeline's rate;
#   3. the JPEG decoders alone: lcnet's libjpeg-turbo addon, sharp, and OpenCV's cv2.imdecode.
# The model is PPLCNet_x1_0 built from seeds (the same network and cost as the official weights,
# which cannot be downloaded here), installed in a temporary LCNET_HOME; the files are the 100
# ImageNet val JPEGs of ../shared copied 9 (900) and 99 (9,900) times, read into the page cache
# before each run.
# Needs: a build (npm run build), ../shared, GNU time, and for the Python parts a python3 with
# numpy, cv2 and onnxruntime ($PYTHON; Debian: python3-opencv, and onnxruntime from a wheel).
#   bash bench/run-benchmarks.sh [RUNS] [LONG_RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
long_runs=${2:-3}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LCNET_HOME="$work/home"
lcnet=(node bin/run.js)
sample=../shared/imagenet/val-sample

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(node --version), $(date -u +%F)"
mkdir -p "$work/val900" "$work/val9900"
for r in $(seq 0 8); do for f in "$sample"/*.JPEG; do cp "$f" "$work/val900/r${r}_$(basename "$f")"; done; done
for k in $(seq 0 10); do for f in "$work"/val900/*; do cp "$f" "$work/val9900/k${k}_$(basename "$f")"; done; done
node --input-type=module -e "
  import {writeFileSync} from 'node:fs';
  import {buildLCNet} from './dist/src/models/builder.js';
  import {imagenetConfig} from './dist/src/models/architecture.js';
  writeFileSync('$work/x1_0.onnx', buildLCNet({config: imagenetConfig(1), seed: 0, name: 'PPLCNet_x1_0'}).bytes);
"
"${lcnet[@]}" download --from "$work/x1_0.onnx" --labels models/labels/imagenet1k.txt --name PPLCNet_x1_0 >/dev/null
have_python=1
"$python" -c 'import numpy, cv2, onnxruntime' 2>/dev/null || { have_python=0; echo "(no $python with numpy, cv2 and onnxruntime: the Python baseline is skipped)"; }

# one whole-process run: "wall_s cpu_s peak_mib first_record_s"
measure() {
  local first
  first=$(/usr/bin/time -f '%e %U %S %M' -o "$work/time" node bench/first-record.mjs "$@" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).firstRecordS))')
  read -r wall user sys peak < "$work/time"
  awk -v w="$wall" -v u="$user" -v s="$sys" -v p="$peak" -v f="$first" 'BEGIN{printf "%.2f %.2f %.0f %.3f\n", w, u+s, p/1024, f}'
}
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
pair() {
  local dir=$1 n=$2 name=$3
  [ "$n" -gt 0 ] || return 0
  : > "$work/l.$name"; : > "$work/p.$name"
  for i in $(seq 1 "$n"); do
    # the files are read back into the page cache before each run: this VM's proactive reclaim
    # evicts them between runs otherwise
    cat "$dir"/* > /dev/null
    measure "${lcnet[@]}" classify "$dir" -m PPLCNet_x1_0 --no-progress >> "$work/l.$name"
    cat "$dir"/* > /dev/null
    [ $have_python = 1 ] && measure "$python" bench/python-baseline.py "$work/x1_0.onnx" "$dir" - >> "$work/p.$name"
  done
  echo "-- $name files: each run 'wall_s cpu_s peak_MiB first_record_s' (lcnet | python)"
  paste -d'|' "$work/l.$name" "$work/p.$name"
  local lw pw
  lw=$(cut -d' ' -f1 "$work/l.$name" | median)
  echo "   lcnet median: wall $lw s, cpu $(cut -d' ' -f2 "$work/l.$name" | median) s, peak $(cut -d' ' -f3 "$work/l.$name" | median) MiB, first record $(cut -d' ' -f4 "$work/l.$name" | median) s"
  if [ $have_python = 1 ]; then
    pw=$(cut -d' ' -f1 "$work/p.$name" | median)
    echo "   python median: wall $pw s, cpu $(cut -d' ' -f2 "$work/p.$name" | median) s, peak $(cut -d' ' -f3 "$work/p.$name" | median) MiB, first record $(cut -d' ' -f4 "$work/p.$name" | median) s"
    awk -v l="$lw" -v p="$pw" 'BEGIN{printf "   lcnet is %.2fx the Python baseline (median wall)\n", p/l}'
  fi
}

# a model's first run on a machine saves onnxruntime's optimised graph in LCNET_HOME/graphs;
# every later run loads it: the first run is timed here, apart from the pairs
# the download saved onnxruntime's optimised graph of the model: even the first run loads it
echo "== 0. first run after the download (100 files): $(node bench/first-record.mjs "${lcnet[@]}" classify "$sample" -m PPLCNet_x1_0 --no-progress 2>/dev/null)"
echo "   and the next run: $(node bench/first-record.mjs "${lcnet[@]}" classify "$sample" -m PPLCNet_x1_0 --no-progress 2>/dev/null)"

echo "== 1. whole process, paired and alternated (lcnet classify, then the Python baseline)"
pair "$work/val900" "$runs" 900
pair "$work/val9900" "$long_runs" 9900

echo "== 2. lcnet bench on the 900 files (classify's default batch size, 4)"
"${lcnet[@]}" bench -m PPLCNet_x1_0 --images "$work/val900" --threads 2 --duration 8 --json -o "$work/bench.json" 2>/dev/null >/dev/null
"${lcnet[@]}" bench -m PPLCNet_x1_0 --images "$work/val900" --threads 2 --duration 8 2>/dev/null

echo "== 2a. the network alone, batch 4 and 8 (synthetic tensors)"
"${lcnet[@]}" bench -m PPLCNet_x1_0 --threads 2 --batch-size 4,8 --duration 8 2>/dev/null | grep -E '^ *threads|^ +[0-9]+ +[0-9]+ +[0-9]+ '

if [ "$long_runs" -gt 0 ]; then
  echo "== 2b. overhead: CPU per image of a steady run ((9,900-file CPU - 900-file CPU) / 9,000) against the sum of the stages"
  node -e '
    const fs = require("node:fs");
    const med = (f, col) => { const v = fs.readFileSync(f, "utf8").trim().split("\n").map((l) => Number(l.split(" ")[col])).sort((a, b) => a - b); return v[Math.floor((v.length - 1) / 2)]; };
    const steady = (med(process.argv[2], 1) - med(process.argv[1], 1)) * 1000 / 9000;
    const s = JSON.parse(fs.readFileSync(process.argv[3], "utf8")).configs[0].stageCpuMsPerImage;
    const sum = s.read + s.preprocess + s.infer + s.postprocess;
    console.log(`   steady CPU ${steady.toFixed(2)} ms per image; stages ${sum.toFixed(2)} (read ${s.read.toFixed(2)}, decode+pre ${s.preprocess.toFixed(2)}, infer ${s.infer.toFixed(2)}, post ${s.postprocess.toFixed(2)}); overhead ${(100 * (steady / sum - 1)).toFixed(1)}%`);
  ' "$work/l.900" "$work/l.9900" "$work/bench.json"
fi

echo "== 2c. start-up and memory (one run each)"
for t in 1 2 3; do /usr/bin/time -f '   lcnet --version: %e s' "${lcnet[@]}" --version >/dev/null; done 2>&1
for t in 1 2 3; do echo "   one file: $(node bench/first-record.mjs "${lcnet[@]}" classify "$sample/ILSVRC2012_val_00000001.JPEG" -m PPLCNet_x1_0)"; done
for extra in "" "--sessions 1" "--batch-size 8" "" "--sessions 1" "--batch-size 8"; do
  /usr/bin/time -f "   900 files, default settings $extra: wall %e s, cpu %U+%S s, peak RSS %M KB" "${lcnet[@]}" classify "$work/val900" -m PPLCNet_x1_0 --no-progress $extra 2>&1 >/dev/null | grep peak
done

echo "== 2d. --resize exact and fast on 40 copies of the 3000x2250 photo (decode+preprocess CPU ms per image, and images/s)"
mkdir -p "$work/large40"
for i in $(seq 1 40); do cp ../shared/fixtures/preprocess/large_3000x2250.jpg "$work/large40/l$i.jpg"; done
for mode in exact fast; do
  "${lcnet[@]}" bench -m PPLCNet_x1_0 --images "$work/large40" --threads 2 --duration 5 --resize "$mode" --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const r=JSON.parse(s);const c=r.configs[0];console.log(`   ${r.resize}: decode+preprocess ${r.host.preprocessMs.toFixed(1)} ms, ${c.imagesPerSecond.toFixed(1)} images/s`)})'
done

echo "== 3. JPEG decoders alone, CPU ms per image (the 100 val JPEGs, median of 5 rounds)"
node bench/decoders.mjs "$sample" 5
[ $have_python = 1 ] && "$python" bench/opencv-decode.py "$sample" 5
exit 0
