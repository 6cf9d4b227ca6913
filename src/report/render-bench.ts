/**
 * The benchmark part of a report (`lcnet bench --json`): images/s and p99 batch latency of each
 * threads x batch configuration as inline SVG bars, the cost of each stage per image, and the
 * verdict.
 */

import type {BenchReport} from '../bench/sweep.js';
import {esc} from './escape.js';
import {barsSvg, baseName, cards, table} from './html.js';

const STAGES = ['read', 'preprocess', 'infer', 'postprocess'] as const;
const STAGE_LABELS = ['read', 'decode+preprocess', 'inference', 'postprocess'];
const COLORS = ['#8fb3d9', '#2f6fb3', '#e0913a', '#6aa56a'];

const f = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

export function renderBench(r: BenchReport, input: string, idPrefix: string): {nav: {href: string; text: string}[]; body: string[]} {
  const id = (s: string) => `${idPrefix}-${s}`;
  const label = (c: BenchReport['configs'][number]) => `${c.threads} thr${c.sessions !== c.threads ? ` / ${c.sessions} sess` : ''} × batch ${c.batchSize}`;
  const body: string[] = [];
  body.push(`<section id="${id('summary')}"><h2>Benchmark: ${esc(baseName(input))}</h2>`);
  body.push(
    `<p class="muted">${esc(r.model.name)}${r.model.synthetic ? ' (synthetic weights: the speed is representative, the predictions are not)' : ''}; input ${esc(`${r.model.inputSize[1]}x${r.model.inputSize[0]}`)}; ${
      r.images ? esc(`${r.images.count} real images (${r.resize} preprocessing)`) : 'synthetic tensors (inference only)'
    }; ${esc(r.machine.cores)} cores, Node ${esc(r.machine.node)}</p>`,
  );
  const best = r.configs.length ? r.configs.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a)) : null;
  if (best) body.push(cards([['best images/s', f(best.imagesPerSecond)], ['best configuration', label(best)], ['p99 latency there (ms)', f(best.latencyMs.p99)], ['machine limit (images/s)', f(best.machineLimitImagesPerSecond, 0)]]));
  body.push(`<p class="note">${esc(r.verdict)}</p></section>`);

  body.push(`<section id="${id('sweep')}"><h2>Throughput and latency</h2>`);
  body.push('<h3>images/s</h3>');
  body.push(barsSvg(r.configs.map((c) => ({label: label(c), values: [c.imagesPerSecond], text: f(c.imagesPerSecond)})), {legend: ['images/s'], colors: ['#2f6fb3'], axis: 'images per second (more is better)'}));
  body.push('<h3>p99 batch latency (ms)</h3>');
  body.push(barsSvg(r.configs.map((c) => ({label: label(c), values: [c.latencyMs.p99], text: `${f(c.latencyMs.p99)} ms`})), {legend: ['p99 ms'], colors: ['#e0913a'], axis: 'p99 latency per batch, ms (less is better)'}));
  body.push(
    table(
      ['threads', 'sessions', 'batch', 'images/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'limit/s', 'peak RSS MiB', 'failed'],
      r.configs.map((c) => [
        `#${c.threads}`,
        `#${c.sessions}`,
        `#${c.batchSize}`,
        `#${f(c.imagesPerSecond)}`,
        `#${f(c.latencyMs.p50)}`,
        `#${f(c.latencyMs.p90)}`,
        `#${f(c.latencyMs.p99)}`,
        `#${f(c.latencyMs.max)}`,
        `#${f(c.machineLimitImagesPerSecond, 0)}`,
        `#${f(c.peakRssBytes / 2 ** 20, 0)}`,
        `#${c.failed}`,
      ]),
    ),
  );
  body.push('</section>');

  body.push(`<section id="${id('stages')}"><h2>Stage costs</h2><p class="muted">CPU milliseconds per image, each stage measured alone.</p>`);
  body.push(
    barsSvg(
      r.configs.map((c) => {
        const values = STAGES.map((s) => c.stageCpuMsPerImage[s] ?? 0);
        return {label: label(c), values, text: `${f(values.reduce((a, b) => a + b, 0), 2)} ms`};
      }),
      {legend: STAGE_LABELS, colors: COLORS, axis: 'CPU ms per image (stacked by stage)'},
    ),
  );
  body.push(
    table(
      ['configuration', ...STAGE_LABELS, 'sum'],
      r.configs.map((c) => {
        const values = STAGES.map((s) => c.stageCpuMsPerImage[s]);
        return [esc(label(c)), ...values.map((v) => `#${f(v, 2)}`), `#${f(values.reduce<number>((a, b) => a + (b ?? 0), 0), 2)}`];
      }),
    ),
  );
  if (r.host) body.push(`<p class="muted">JPEG decoder: ${esc(r.host.jpegDecoder.name)} ${esc(r.host.jpegDecoder.version)}${r.host.jpegDecoder.why ? ` (${esc(r.host.jpegDecoder.why)})` : ''}.</p>`);
  body.push('</section>');
  return {
    nav: [
      {href: id('summary'), text: `Bench ${baseName(input)}`},
      {href: id('stages'), text: 'Stages'},
    ],
    body,
  };
}
