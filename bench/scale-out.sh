#!/usr/bin/env bash
# The figures of the "Runs that never lose work" section of docs/benchmarks.md: what resume,
# path lists, shards and merge cost. Needs a build (npm run build) and ../shared for the images.
#   bash bench/scale-out.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LCNET_HOME="$work/home"
lcnet=(node bin/run.js)
sample=../shared/imagenet/val-sample
timed() { /usr/bin/time -f "  wall %e s  user %U s  sys %S s  peak %M KB" "$@" 2>&1 | grep -E '^  wall|^lcnet: [0-9]' || true; }

mkdir -p "$work/val1000" "$work/empty"
for r in $(seq 0 9); do for f in "$sample"/*.JPEG; do cp "$f" "$work/val1000/r${r}_$(basename "$f")"; done; done
# PPLCNet_x1_0 built from seeds, in memory (about 0.2 s of each process's start)
model=(-m synthetic:PPLCNet_x1_0 --no-progress)

echo "== 1000 files: a directory argument"
timed "${lcnet[@]}" classify "$work/val1000" "${model[@]}" -o "$work/dir.jsonl"
echo "== 1000 files: the same as a NUL-separated path list on stdin"
find "$work/val1000" -type f -print0 | sort -z > "$work/list0"
timed "${lcnet[@]}" classify - "${model[@]}" -o "$work/list.jsonl" < "$work/list0"
echo "== --resume of the complete 1000-file output: nothing to do"
timed "${lcnet[@]}" classify "$work/val1000" "${model[@]}" -o "$work/dir.jsonl" --resume
echo "== 4 shards of the 1000 files, one process after another"
for k in 0 1 2 3; do timed "${lcnet[@]}" classify "$work/val1000" "${model[@]}" -o "$work/part-$k.jsonl" --shard "$k/4"; done

echo "== 1,000,000 generated records: 4 parts of 250,000 (JSON Lines, top 5), and the list of their files"
node -e '
const fs = require("fs");
const dir = process.argv[1];
const list = fs.openSync(`${dir}/files.txt`, "w");
for (let part = 0; part < 4; part++) {
  const fd = fs.openSync(`${dir}/big-${part}.jsonl`, "w");
  let text = "";
  for (let i = part; i < 1000000; i += 4) {
    const file = `/data/images/${String(i % 1000).padStart(3, "0")}/img${String(i).padStart(7, "0")}.jpg`;
    const predictions = [0, 1, 2, 3, 4].map((k) => ({class_id: (i * 7 + k * 131) % 1000, label: `label ${k}`, score: 0.5 / (k + 1)}));
    text += JSON.stringify({file, model: "PPLCNet_x1_0", predictions, size: 100000 + i, mtime: "2026-11-29T10:00:00.000Z"}) + "\n";
    if (text.length > 1 << 20) { fs.writeSync(fd, text); text = ""; }
  }
  fs.writeSync(fd, text);
  fs.closeSync(fd);
}
let names = "";
for (let i = 0; i < 1000000; i++) {
  names += `/data/images/${String(i % 1000).padStart(3, "0")}/img${String(i).padStart(7, "0")}.jpg\n`;
  if (names.length > 1 << 20) { fs.writeSync(list, names); names = ""; }
}
fs.writeSync(list, names);
fs.closeSync(list);
' "$work"
cat "$work"/big-{0,1,2,3}.jsonl > "$work/big.jsonl"
ls -l "$work"/big.jsonl | awk '{print "  one file of " $5 " bytes"}'
echo "== --resume reads back a 1,000,000-record output (then has nothing to classify)"
timed "${lcnet[@]}" classify "$work/empty" "${model[@]}" -o "$work/big.jsonl" --resume
echo "== lcnet merge: the 4 parts into one CSV"
timed "${lcnet[@]}" merge "$work"/big-{0,1,2,3}.jsonl -o "$work/all.csv"
echo "== lcnet merge: the same, checked against the 1,000,000-line file list"
timed "${lcnet[@]}" merge "$work"/big-{0,1,2,3}.jsonl -o "$work/all2.csv" --files "$work/files.txt"
echo "== a path list of 50,000 missing files: error records only"
seq -f "/nonexistent/dir/file%07g.jpg" 1 50000 > "$work/missing.txt"
timed "${lcnet[@]}" classify - "${model[@]}" -o "$work/missing.jsonl" < "$work/missing.txt"
