/**
 * `lcnet report`: reads lcnet outputs, eval reports and bench reports, and writes one HTML page
 * people can browse: a single self-contained file (thumbnails inlined as data: URIs) when the
 * output ends in .html, else a folder with index.html and thumbnails/. Predictions are aggregated
 * as they stream in, so memory and page size are bounded by the caps, not by the records.
 */

import {existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {basename, dirname, isAbsolute, join, resolve} from 'node:path';
import type {BenchReport} from '../bench/sweep.js';
import {CancelledError, UsageError} from '../errors.js';
import {imagenetLabels} from '../models/labels.js';
import {Aggregator, type AggregateOptions} from './aggregate.js';
import {evalImages, summariseEval, type EvalSummary} from './eval-summary.js';
import {renderPage, ThumbView} from './html.js';
import {inputKind, outputRecords, readBenchReport, readEvalReport, type OutputRead} from './read-inputs.js';
import {renderBench} from './render-bench.js';
import {renderEval} from './render-eval.js';
import {predictionImages, renderPredictions, repeatedNote, type PredictionsView} from './render-predictions.js';
import {anySynthetic, modelHeader, reportModels, syntheticWarning} from './models.js';
import {makeThumbnails} from './thumbnails.js';

export interface ReportOptions {
  inputs: string[];
  /** `*.html` / `*.htm`: one self-contained file; anything else: a folder */
  output: string;
  /** relative paths in records are read from here (default: the working directory) */
  root?: string;
  perClass?: number;
  lowConfidence?: number;
  margin?: number;
  maxRows?: number;
  title?: string;
  overwrite?: boolean;
  /** the model store where the models the records name are looked up (synthetic weights) [default: $LCNET_HOME] */
  home?: string;
  concurrency?: number;
  signal?: AbortSignal;
  warn?: (message: string) => void;
  onRecords?: (records: number) => void;
  onThumbnails?: (done: number, total: number) => void;
}

export interface ReportSummary {
  output: string;
  /** the HTML file written */
  page: string;
  singleFile: boolean;
  pageBytes: number;
  records: number;
  predictions: number;
  errors: number;
  unknown: number;
  /** records of a file an earlier record named (overlapping inputs): counted all the same */
  repeated: number;
  evals: number;
  benches: number;
  thumbnails: number;
  /** images that could not be read and got a placeholder */
  placeholders: number;
  /** the models named by the records, evaluations and benchmarks, and whether their weights are synthetic */
  models: {name: string; synthetic: boolean}[];
}

export const REPORT_DEFAULTS = {perClass: 12, lowConfidence: 0.5, margin: 0.1, maxRows: 500} as const;

export function isSingleFile(output: string): boolean {
  return /\.html?$/i.test(output);
}

function checkOutput(output: string, single: boolean, overwrite: boolean): void {
  if (!existsSync(output)) return;
  const isDir = statSync(output).isDirectory();
  if (single) {
    if (isDir) throw new UsageError(`${output} is a folder; name an .html file, or a folder without .html`);
    if (!overwrite) throw new UsageError(`${output} exists; add --overwrite to replace it`);
    return;
  }
  if (!isDir) throw new UsageError(`${output} exists and is not a folder; a folder report needs a folder (or name an .html file)`);
  if (!overwrite && readdirSync(output).length > 0) throw new UsageError(`${output} is a folder that is not empty; add --overwrite to replace the report in it`);
}

export async function buildReport(opts: ReportOptions): Promise<ReportSummary> {
  const single = isSingleFile(opts.output);
  checkOutput(opts.output, single, opts.overwrite ?? false);
  const root = resolve(opts.root ?? process.cwd());
  const aggregateOptions: AggregateOptions = {
    perClass: opts.perClass ?? REPORT_DEFAULTS.perClass,
    lowConfidence: opts.lowConfidence ?? REPORT_DEFAULTS.lowConfidence,
    margin: opts.margin ?? REPORT_DEFAULTS.margin,
    maxRows: opts.maxRows ?? REPORT_DEFAULTS.maxRows,
  };
  const maxRows = aggregateOptions.maxRows;
  const warn = opts.warn ?? (() => {});
  const checkAbort = () => {
    if (opts.signal?.aborted) throw new CancelledError('interrupted: no report written');
  };

  const aggregator = new Aggregator(aggregateOptions);
  const evals: {input: string; summary: EvalSummary}[] = [];
  const benches: {input: string; report: BenchReport}[] = [];
  let outputs = 0;
  for (const input of opts.inputs) {
    const kind = inputKind(input);
    if (kind === 'eval') {
      const report = readEvalReport(input);
      evals.push({input, summary: summariseEval(report, {maxConfusions: 30, examplesPerPair: 4, maxRows})});
      if (!report.perImage) warn(`${input} has no per-image results (eval --per-image): per-class accuracy and confusion images are left out`);
    } else if (kind === 'bench') {
      benches.push({input, report: readBenchReport(input)});
    } else {
      outputs++;
      const state: OutputRead = {truncation: null};
      let n = 0;
      for (const record of outputRecords(input, state)) {
        aggregator.add(record, input);
        if (++n % 65536 === 0) {
          checkAbort();
          opts.onRecords?.(aggregator.result.records);
        }
      }
      if (state.truncation) warn(state.truncation);
    }
  }
  checkAbort();
  const aggregate = aggregator.result;
  if (aggregate.unknown) warn(
      aggregate.unknown === 1
        ? '1 record is not an lcnet record this version can show; it is counted and listed in the report'
        : `${aggregate.unknown} records are not lcnet records this version can show; they are counted and listed in the report`,
    );
  if (aggregate.repeated) warn(repeatedNote(aggregate.repeated));

  const predictions: PredictionsView | null =
    outputs > 0 ? {aggregate, options: aggregateOptions, pathOf: (file) => (isAbsolute(file) ? file : join(root, file)), maxClassSections: maxRows} : null;

  let names: readonly string[] | null = null;
  if (evals.length) {
    try {
      names = await imagenetLabels();
    } catch {
      names = null;
    }
  }

  // thumbnails: into a temporary folder beside the report, renamed into place at the end
  const staging = single ? null : join(opts.output, `.thumbnails-${process.pid}`);
  if (staging) mkdirSync(staging, {recursive: true});
  const wanted = [...(predictions ? predictionImages(predictions) : []), ...evals.flatMap((e) => evalImages(e.summary))];
  let made;
  try {
    made = await makeThumbnails(wanted, {dir: staging, concurrency: opts.concurrency, onProgress: opts.onThumbnails, signal: opts.signal});
    checkAbort();
  } catch (e) {
    if (staging) rmSync(staging, {recursive: true, force: true});
    throw e;
  }
  const thumbs = new ThumbView(made.thumbnails);

  const nav: {href: string; text: string}[] = [];
  const body: string[] = [];
  if (predictions) {
    const part = renderPredictions(predictions, thumbs);
    nav.push(...part.nav);
    body.push(...part.body);
  }
  evals.forEach((e, i) => {
    const part = renderEval({summary: e.summary, input: e.input, names, id: `eval${i + 1}`, maxRows}, thumbs);
    nav.push(...part.nav);
    body.push(...part.body);
  });
  benches.forEach((b, i) => {
    const part = renderBench(b.report, b.input, `bench${i + 1}`);
    nav.push(...part.nav);
    body.push(...part.body);
  });
  const models = await reportModels({records: aggregate.models, evals: evals.map((e) => ({input: e.input, model: e.summary.report.model})), benches: benches.map((b) => ({input: b.input, model: b.report.model})), home: opts.home});
  for (const m of models) if (m.synthetic) warn(syntheticWarning(m));
  const subtitle = [
    `${opts.inputs.length} input${opts.inputs.length === 1 ? '' : 's'}: ${opts.inputs.map((i) => basename(i)).slice(0, 8).join(', ')}${opts.inputs.length > 8 ? ', ...' : ''}`,
    `written by lcnet report on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  ];
  const html = renderPage({title: opts.title ?? 'lcnet report', subtitle, header: modelHeader(models), synthetic: anySynthetic(models), nav, body, css: thumbs.css()});

  const page = single ? opts.output : join(opts.output, 'index.html');
  mkdirSync(dirname(page), {recursive: true});
  const tmp = `${page}.tmp-${process.pid}`;
  writeFileSync(tmp, html);
  if (staging) {
    const final = join(opts.output, 'thumbnails');
    rmSync(final, {recursive: true, force: true});
    renameSync(staging, final);
  }
  renameSync(tmp, page);
  return {
    output: opts.output,
    page,
    singleFile: single,
    pageBytes: Buffer.byteLength(html),
    records: aggregate.records,
    predictions: aggregate.predictions,
    errors: aggregate.errors,
    unknown: aggregate.unknown,
    repeated: aggregate.repeated,
    evals: evals.length,
    benches: benches.length,
    thumbnails: made.thumbnails.size,
    placeholders: made.failed,
    models: models.map((m) => ({name: m.name, synthetic: m.synthetic !== null})),
  };
}
