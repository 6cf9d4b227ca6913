#!/usr/bin/env bash
# The figures of the "Bookkeeping at 1 and 10 million records" section of docs/benchmarks.md:
# what keeping exactly one record per file costs when an output holds N records. For each N
# given (default: 1000000 10000000) it generates N JSON Lines records of N distinct files (top 5,
# 1% errors, in two parts of N/2), then measures wall time and peak RSS (/usr/bin/time) of:
#   wc -l             reading the records once, the floor
#   report            lcnet report of both parts, aggregation alone (--per-class 0 --max-rows 1)
#   resume            lcnet classify --resume of a 100-file folder (the shared val sample) against
#                     the N-record output: read it back, walk 100 files, classify and append them
#   merge             lcnet merge of the two parts into one JSON Lines file
#   merge --files     the same, checked against a list naming the N files and N/100 more (gaps)
#   path list         lcnet classify - with N listed paths that do not exist (one error record each)
# Needs a build (npm run build), ../shared for the folder, and about 0.6 KB of disk per record.
#   bash bench/records-scale.sh [N...]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
folder=$(cd ../shared/imagenet/val-sample && pwd)
model=synthetic:PPLCNet_x0_25
work=$(mktemp -d "${TMPDIR:-/tmp}/lcnet-records-scale-XXXXXX")
trap 'rm -rf "$work"' EXIT

# one line per run: what, wall seconds, peak RSS in MiB
measure() {
  local what=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || true
  # the last line: a failing command's status comes first
  read -r wall kb < <(tail -1 "$work/time")
  printf '  %-16s %8.1f s %8.0f MiB   %s\n' "$what" "$wall" "$((kb / 1024))" "$(grep -E '^lcnet: (merged|[0-9]+ files)' "$work/stderr" | tail -1 | cut -c1-110)"
}

generate() {
  node -e '
const fs = require("fs");
const [dir, nText, model] = process.argv.slice(1);
const n = Number(nText);
const labels = fs.readFileSync("models/labels/imagenet1k.txt", "utf8").trim().split("\n").map((l) => l.replace(/^\d+\s+/, ""));
let seed = 42;
const rand = () => {
  let t = (seed = (seed + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const name = (i) => `/data/collection/${String(i % 1000).padStart(3, "0")}/${String(Math.floor(i / 1000) % 1000).padStart(3, "0")}/img_${i}.jpg`;
const list = fs.openSync(`${dir}/files.txt`, "w");
const missing = fs.openSync(`${dir}/missing.txt`, "w");
let listed = "";
let gone = "";
for (let part = 0; part < 2; part++) {
  const fd = fs.openSync(`${dir}/part-${part}.jsonl`, "w");
  let text = "";
  for (let i = (part * n) / 2; i < ((part + 1) * n) / 2; i++) {
    const file = name(i);
    let rec;
    if (i % 100 === 7) rec = {file, model, error: "truncated JPEG: the file ends before the image does", size: 1000 + (i % 5000), mtime: "2026-11-29T10:00:00.000Z"};
    else {
      const top = Math.floor(1000 * rand() ** 2);
      let left = 1;
      const predictions = [0, 1, 2, 3, 4].map((k) => {
        const score = k === 4 ? left * rand() : left * (k === 0 ? 0.2 + 0.8 * rand() : rand());
        left -= score;
        const id = (top + k * 137) % 1000;
        return {class_id: id, label: labels[id], score: Number(score.toFixed(6))};
      });
      rec = {file, model, predictions, size: 100000 + (i % 50000), mtime: "2026-11-29T10:00:00.000Z"};
    }
    text += JSON.stringify(rec) + "\n";
    listed += file + "\n";
    gone += `/nonexistent/${file}\n`;
    if (i % 100 === 0) listed += `/data/collection/never-classified/img_${i}.jpg\n`;
    if (text.length > 1 << 22) { fs.writeSync(fd, text); text = ""; }
    if (listed.length > 1 << 22) { fs.writeSync(list, listed); listed = ""; fs.writeSync(missing, gone); gone = ""; }
  }
  fs.writeSync(fd, text);
  fs.closeSync(fd);
}
fs.writeSync(list, listed);
fs.writeSync(missing, gone);
' "$work" "$1" "$model"
}

echo "lcnet $(git rev-parse --short HEAD) on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  rm -f "$work"/*
  generate "$n"
  cat "$work"/part-*.jsonl > "$work/all.jsonl"
  echo "== $n records: $(du -cb "$work"/part-*.jsonl | tail -1 | cut -f1) bytes of JSON Lines; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  measure "wc -l" wc -l "$work/all.jsonl"
  measure "report" node bin/run.js report "$work"/part-*.jsonl -o "$work/report.html" --per-class 0 --max-rows 1
  measure "resume" node bin/run.js classify "$folder" -m "$model" -o "$work/all.jsonl" --resume --no-progress
  rm -f "$work/all.jsonl"
  measure "merge" node bin/run.js merge "$work"/part-*.jsonl -o "$work/merged.jsonl"
  rm -f "$work/merged.jsonl"
  measure "merge --files" node bin/run.js merge "$work"/part-*.jsonl -o "$work/merged.jsonl" --files "$work/files.txt" --gaps "$work/gaps.txt"
  rm -f "$work/merged.jsonl" "$work/gaps.txt"
  measure "path list" sh -c "node bin/run.js classify - -m $model -o $work/listed.jsonl --no-progress < $work/missing.txt"
  rm -f "$work/listed.jsonl"
done
