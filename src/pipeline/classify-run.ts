/**
 * The classify pipeline, top to bottom as the data flows:
 *   files (walk) -> pixels and tensors (preprocessing workers, into shared batch buffers)
 *   -> batches (in input order) -> probabilities (one onnxruntime session)
 *   -> records (top-k with labels, or the error) -> writer.
 * A small ring of batch buffers bounds memory whatever the number of files: while one batch is
 * in the network, the next ones are being decoded.
 */

import {softmaxInPlace, topK} from './postprocess.js';
import {InferencePool, type BatchOutput} from './infer-pool.js';
import type {ModelManifest} from '../models/manifest.js';
import type {ClassScore, OutputRecord} from './output/record.js';
import {roundScore} from './output/record.js';
import type {RecordWriter} from './output/writer.js';
import {PreprocessPool} from './preprocess-pool.js';
import {DEFAULT_BUDGET_MP, PixelBudget} from './pixel-budget.js';
import {DECODES_PER_WORKER, type JobResult} from './preprocess-protocol.js';
import {preprocessOutputSize} from '../models/manifest.js';
import type {ResizeMode} from './preprocess.js';
import type {WalkEntry} from './walk.js';

export interface LoadedModel {
  /** the name written into every record */
  name: string;
  manifest: ModelManifest;
  /** ONNX bytes, or a path onnxruntime can read */
  onnx: Uint8Array | string;
}

export interface PipelineOptions {
  batchSize: number;
  /** parallel onnxruntime sessions (worker threads) */
  sessions: number;
  /** intra-op threads of each session */
  threads: number;
  workers: number;
  resize: ResizeMode;
  maxPixels: number;
  topk: number;
}

export interface Progress {
  done: number;
  failed: number;
}

export interface StageTimes {
  /** summed wall milliseconds spent in each stage (read and preprocess run concurrently) */
  readMs: number;
  preprocessMs: number;
  inferMs: number;
  postprocessMs: number;
  /** main-thread milliseconds spent waiting for a batch to be decoded */
  waitMs: number;
  batches: number;
}

export interface BatchDone {
  images: number;
  /** from the first file of the batch being handed to a decoder to its records being written */
  latencyMs: number;
  inferMs: number;
}

export interface RunSummary {
  files: number;
  succeeded: number;
  failed: number;
  seconds: number;
  imagesPerSecond: number;
  interrupted: boolean;
  stages: StageTimes;
}

interface PendingItem {
  display: string;
  /** error known before preprocessing (missing path) */
  error?: string;
  slot?: number;
  result?: Promise<JobResult>;
}

interface BatchOutcome {
  results: (JobResult | undefined)[];
  output: BatchOutput | null;
  /** why the network could not run this batch */
  inferError?: string;
}

interface Batch {
  buffer: number;
  items: PendingItem[];
  startedAt: number;
  /** decoded, then through the network */
  done: Promise<BatchOutcome>;
}

/** Batch buffers beyond one per session: the batches being decoded ahead. */
const DECODE_AHEAD = 2;

export async function runClassify(
  entries: AsyncIterable<WalkEntry>,
  model: LoadedModel,
  opts: PipelineOptions,
  writer: RecordWriter,
  hooks: {onProgress?: (p: Progress) => void; onBatch?: (b: BatchDone) => void; signal?: AbortSignal} = {},
): Promise<RunSummary> {
  const m = model.manifest;
  const [height, width] = preprocessOutputSize(m.preprocess);
  const tensorSize = 3 * height * width;
  const ring = opts.sessions + DECODE_AHEAD;
  const buffers = Array.from({length: ring}, () => new SharedArrayBuffer(opts.batchSize * tensorSize * 4));
  const pool = new PreprocessPool(
    {spec: m.preprocess, mode: opts.resize, maxPixels: opts.maxPixels, concurrency: DECODES_PER_WORKER, budget: PixelBudget.createShared(), budgetMp: DEFAULT_BUDGET_MP, buffers},
    opts.workers,
  );
  // sessions load while the first batches decode
  const networkReady = InferencePool.create(
    {model: model.onnx, inputName: m.inputName, outputName: m.outputName, threads: opts.threads, buffers, size: [height, width]},
    opts.sessions,
  );
  networkReady.catch(() => undefined);
  const stages: StageTimes = {readMs: 0, preprocessMs: 0, inferMs: 0, postprocessMs: 0, waitMs: 0, batches: 0};
  const progress: Progress = {done: 0, failed: 0};
  const started = performance.now();
  let lastRecordAt = started;
  const iterator = entries[Symbol.asyncIterator]();
  let exhausted = false;
  const free: number[] = buffers.map((_, i) => i);
  const queue: Batch[] = [];

  /** Takes entries until `batchSize` images are in the batch (missing paths ride along). */
  const nextBatch = async (): Promise<Batch | null> => {
    const buffer = free.shift()!;
    const items: PendingItem[] = [];
    const startedAt = performance.now();
    let images = 0;
    while (images < opts.batchSize && !hooks.signal?.aborted) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const e = next.value;
      if (e.kind === 'missing') {
        items.push({display: e.display, error: e.error});
        continue;
      }
      const slot = images++;
      items.push({display: e.display, slot, result: pool.submit(e.path, buffer, slot * tensorSize)});
    }
    if (items.length === 0) {
      free.unshift(buffer);
      return null;
    }
    const count = images;
    const done = Promise.all(items.map((it) => it.result)).then(async (results): Promise<BatchOutcome> => {
      if (!results.some((r) => r?.ok)) return {results, output: null};
      try {
        return {results, output: await (await networkReady).run(buffer, count)};
      } catch (e) {
        return {results, output: null, inferError: (e as Error).message};
      }
    });
    return {buffer, items, startedAt, done};
  };

  const labels = m.labels;
  const label = (id: number) => labels[id] ?? `class_${id}`;

  try {
    for (let first = true; ; first = false) {
      while (queue.length < ring && free.length > 0 && !exhausted && !hooks.signal?.aborted) {
        const b = await nextBatch();
        if (b) queue.push(b);
      }
      // a model the runtime cannot load fails the run before any record is written
      if (first) await networkReady;
      const batch = queue.shift();
      if (!batch) break;
      const waitStart = performance.now();
      const {results, output, inferError} = await batch.done;
      stages.waitMs += performance.now() - waitStart;
      free.push(batch.buffer);
      if (output) {
        stages.inferMs += output.inferMs;
        stages.batches++;
      }
      const t = performance.now();
      const records: OutputRecord[] = batch.items.map((it, i) => {
        const r = results[i];
        if (it.error !== undefined) return {file: it.display, model: model.name, error: it.error};
        if (!r || !r.ok) return {file: it.display, model: model.name, error: r && !r.ok ? r.error : 'not processed'};
        stages.readMs += r.readMs;
        stages.preprocessMs += r.preprocessMs;
        if (!output) return {file: it.display, model: model.name, error: `inference failed: ${inferError ?? 'no output'}`};
        const row = output.values.slice(it.slot! * output.classes, (it.slot! + 1) * output.classes);
        if (!m.outputIsProbability) softmaxInPlace(row);
        const predictions: ClassScore[] = topK(row, opts.topk).map((c) => ({class_id: c.classId, label: label(c.classId), score: roundScore(c.score)}));
        return {file: it.display, model: model.name, predictions};
      });
      writer.write(records);
      stages.postprocessMs += performance.now() - t;
      for (const r of records) {
        progress.done++;
        if ('error' in r) progress.failed++;
      }
      hooks.onBatch?.({images: records.length, latencyMs: performance.now() - batch.startedAt, inferMs: output?.inferMs ?? 0});
      hooks.onProgress?.(progress);
      lastRecordAt = performance.now();
    }
  } finally {
    // batches still in flight (an interrupted run) are abandoned: their files have no record yet
    await Promise.all([pool.close(), networkReady.then((n) => n.close(), () => undefined)]);
  }
  // from the start of the run to its last record: shutting the workers down is not classifying
  const seconds = (lastRecordAt - started) / 1000;
  return {
    files: progress.done,
    succeeded: progress.done - progress.failed,
    failed: progress.failed,
    seconds,
    imagesPerSecond: seconds > 0 ? progress.done / seconds : 0,
    interrupted: hooks.signal?.aborted === true && !exhausted,
    stages,
  };
}
