#!/usr/bin/env bash
# The figures of the "Reports" section of docs/benchmarks.md: what `lcnet report` costs on
# 1,000,000 records (4 JSON Lines parts of 250,000, top 5, 1000 ImageNet classes with a skewed
# distribution, 1% errors of 3 kinds). The records name 5000 distinct files, symbolic links to
# the 100 val-sample images, so thumbnails are real work. Needs a build (npm run build) and
# ../shared for the images.
#   bash bench/report-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sample=$(cd ../shared/imagenet/val-sample && pwd)
timed() { /usr/bin/time -f "  wall %e s  user %U s  sys %S s  peak %M KB" "$@" 2>&1 | grep -E '^  wall|^lcnet report' || true; }

mkdir -p "$work/links"
node -e '
const fs = require("fs");
const [dir, sample] = process.argv.slice(1);
const images = fs.readdirSync(sample).filter((n) => n.endsWith(".JPEG")).sort();
for (let i = 0; i < 5000; i++) fs.symlinkSync(`${sample}/${images[i % images.length]}`, `${dir}/links/${String(i).padStart(4, "0")}.jpg`);
const labels = fs.readFileSync("models/labels/imagenet1k.txt", "utf8").trim().split("\n").map((l) => l.replace(/^\d+\s+/, ""));
// mulberry32, seeded: the same records on every run
let seed = 42;
const rand = () => {
  let t = (seed = (seed + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const errors = ["truncated JPEG: the file ends before the image does", "empty file", "not an image (unrecognised file format)"];
for (let part = 0; part < 4; part++) {
  const fd = fs.openSync(`${dir}/part-${part}.jsonl`, "w");
  let text = "";
  for (let i = part; i < 1000000; i += 4) {
    const file = `${dir}/links/${String(i % 5000).padStart(4, "0")}.jpg`;
    let rec;
    if (i % 100 === 7) rec = {file, model: "PPLCNet_x1_0", error: errors[i % 3], size: 1000, mtime: "2026-11-29T10:00:00.000Z"};
    else {
      // a skewed class distribution: low class ids far more frequent
      const top = Math.floor(1000 * rand() ** 2);
      let left = 1;
      const predictions = [0, 1, 2, 3, 4].map((k) => {
        const score = k === 4 ? left * rand() : left * (k === 0 ? 0.2 + 0.8 * rand() : rand());
        left -= score;
        const id = (top + k * 137) % 1000;
        return {class_id: id, label: labels[id], score: Number(score.toFixed(6))};
      });
      rec = {file, model: "PPLCNet_x1_0", predictions, size: 100000 + i, mtime: "2026-11-29T10:00:00.000Z"};
    }
    text += JSON.stringify(rec) + "\n";
    if (text.length > 1 << 20) { fs.writeSync(fd, text); text = ""; }
  }
  fs.writeSync(fd, text);
  fs.closeSync(fd);
}
' "$work" "$sample"
du -cb "$work"/part-*.jsonl | tail -1 | awk '{print "  4 parts, " $1 " bytes"}'

echo "== aggregation alone: 1,000,000 records, --per-class 0 --max-rows 1 (few thumbnails), one file"
timed node bin/run.js report "$work"/part-*.jsonl -o "$work/min.html" --per-class 0 --max-rows 1
echo "== folder report, defaults (--per-class 12, --max-rows 500)"
timed node bin/run.js report "$work"/part-*.jsonl -o "$work/folder"
ls -l "$work/folder/index.html" | awk '{print "  index.html " $5 " bytes"}'
du -sb "$work/folder/thumbnails" | awk '{print "  thumbnails/ " $1 " bytes"}'
ls "$work/folder/thumbnails" | wc -l | awk '{print "  " $1 " thumbnail files"}'
echo "== one self-contained file, defaults"
timed node bin/run.js report "$work"/part-*.jsonl -o "$work/report.html"
ls -l "$work/report.html" | awk '{print "  report.html " $5 " bytes"}'
if command -v chromium > /dev/null; then
  for page in "$work/folder/index.html" "$work/report.html"; do
    echo "== chromium headless: load and screenshot $(basename "$(dirname "$page")")/$(basename "$page")"
    /usr/bin/time -f "  wall %e s  peak %M KB" chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$work/chrome" \
      --screenshot="$work/shot.png" --window-size=1280,2000 "file://$page" 2>&1 | grep -E '^  wall' || true
  done
fi
