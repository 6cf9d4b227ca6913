/** The bench report as a console table. */

import {NATIVE_PLATFORMS} from '../pipeline/native-addon.js';
import type {BenchReport} from './sweep.js';
import {counted} from '../text/plural.js';

const fmt = (v: number | null, digits = 2) => (v === null ? '-' : v.toFixed(digits));

export function renderBenchText(r: BenchReport): string {
  const lines: string[] = [];
  lines.push(`lcnet bench: ${r.model.name}${r.model.synthetic ? ' (SYNTHETIC weights: speed is representative, predictions are not)' : ''}`);
  lines.push(
    `  input ${r.model.inputSize[1]}x${r.model.inputSize[0]}, ${r.images ? `${counted(r.images.count, 'real image')} (${r.resize} preprocessing)${r.images.failed ? `, ${r.images.failed} failed to decode` : ''}` : 'synthetic tensors (inference only)'}, ${counted(r.machine.cores, 'core')}, Node ${r.machine.node}`,
  );
  const h = r.host;
  if (h) {
    const d = h.jpegDecoder;
    const sharp = h.preprocessSharpMs;
    lines.push(
      `  JPEG decoder: ${d.name}${d.version ? ` ${d.version}` : ''}${d.why ? ` (${d.why})` : ''}; decode+preprocess ${fmt(h.preprocessMs)} CPU ms per image` +
        (sharp === null ? '' : `, through sharp ${fmt(sharp)} (${(sharp / h.preprocessMs).toFixed(1)}x)`),
    );
    if (d.name === 'sharp') lines.push(`  (${NATIVE_PLATFORMS}; elsewhere sharp gives the same predictions, only slower)`);
  }
  lines.push('');
  const head = ['threads', 'sessions', 'batch', 'images/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'read', 'decode+pre', 'infer', 'post', 'limit/s', 'peak RSS*'];
  const rows = r.configs.map((c) => [
    String(c.threads),
    String(c.sessions),
    String(c.batchSize),
    fmt(c.imagesPerSecond, 1),
    fmt(c.latencyMs.p50, 1),
    fmt(c.latencyMs.p90, 1),
    fmt(c.latencyMs.p99, 1),
    fmt(c.latencyMs.max, 1),
    fmt(c.stageCpuMsPerImage.read),
    fmt(c.stageCpuMsPerImage.preprocess),
    fmt(c.stageCpuMsPerImage.infer),
    fmt(c.stageCpuMsPerImage.postprocess),
    fmt(c.machineLimitImagesPerSecond, 0),
    `${(c.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  lines.push(line(head));
  for (const row of rows) lines.push(line(row));
  lines.push('');
  lines.push('  latency: per batch, from decoding its first image to writing its records (network time alone for synthetic tensors)');
  lines.push('  read, decode+pre, infer, post: CPU ms per image, each stage measured alone; limit: cores x 1000 / their sum');
  lines.push('  * peak resident memory of the bench process up to the end of that configuration (configurations run in turn,\n    each with fresh sessions and workers; memory freed by earlier ones may stay with the process)');
  lines.push('');
  lines.push(r.verdict);
  return lines.join('\n') + '\n';
}
