/**
 * The classify pipeline, top to bottom as the data flows:
 *   files or bytes (walk) -> pixels and tensors (preprocessing workers, into shared batch buffers)
 *   -> batches (in input order) -> probabilities (onnxruntime sessions in worker threads)
 *   -> records (top-k with labels, or the error).
 * An engine owns the workers and sessions, so a program can classify many inputs with one
 * engine; each `run` yields the records of its inputs batch by batch, in input order. A small ring
 * of batch buffers bounds memory whatever the number of files: while one batch is in the network,
 * the next ones are being decoded. Runs on one engine take turns.
 */

import {headOf} from './postprocess/head.js';
import {decodeRow, isAttributeKind} from './postprocess/spec.js';
import {softmaxInPlace, topK} from './postprocess.js';
import {InferencePool, type BatchOutput} from './infer-pool.js';
import type {ModelManifest} from '../models/manifest.js';
import {preprocessOutputSize} from '../models/manifest.js';
import {roundScore, type ClassScore, type OutputRecord} from './output/record.js';
import {PreprocessPool} from './preprocess-pool.js';
import {DEFAULT_BUDGET_MP, PixelBudget} from './pixel-budget.js';
import {DECODES_PER_WORKER, type JobResult} from './preprocess-protocol.js';
import type {ResizeMode} from './preprocess.js';
import type {WalkEntry} from './walk.js';
import {InputFeed} from './input-feed.js';

export interface LoadedModel {
  /** the name written into every record */
  name: string;
  manifest: ModelManifest;
  /** ONNX bytes, or a path onnxruntime can read */
  onnx: Uint8Array | string;
  /** where the optimised graph of a model given by path is kept (graph-cache.ts) */
  graphCache?: string;
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
  /** CPU seconds one image's decode may take (0: no limit) */
  decodeTimeout: number;
  topk: number;
}

export interface Progress {
  done: number;
  failed: number;
}

export interface StageTimes {
  /**
   * Summed wall milliseconds spent in each stage, each measured on the thread that runs it (read
   * and preprocess run concurrently): readMs and preprocessMs over the `decoded` images, inferMs
   * over the `inferred` ones, postprocessMs over every record (stage-speed.ts makes them per image)
   */
  readMs: number;
  preprocessMs: number;
  inferMs: number;
  postprocessMs: number;
  /** main-thread milliseconds spent waiting for a batch to be decoded */
  waitMs: number;
  batches: number;
  /** images read and decoded (whose readMs and preprocessMs are summed) */
  decoded: number;
  /** images the network ran, in `batches` runs (whose inferMs is summed) */
  inferred: number;
}

export interface BatchDone {
  images: number;
  /** from the first file of the batch being handed to a decoder to its records being made */
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

export interface RunHooks {
  /** records per file (default: the engine's topk) */
  topk?: number;
  /** overrides the decision threshold of a yes/no or attribute model */
  threshold?: number;
  onProgress?: (p: Progress) => void;
  onBatch?: (b: BatchDone) => void;
  /** stops taking inputs; the batches in flight are still finished and yielded */
  signal?: AbortSignal;
}

interface PendingItem {
  entry: WalkEntry;
  slot?: number;
  result?: Promise<JobResult>;
}

interface BatchOutcome {
  results: (JobResult | undefined)[];
  output: BatchOutput | null;
  /** the images the network was given (a slot whose image failed to decode runs all the same) */
  images: number;
  /** why the network could not run this batch */
  inferError?: string;
}

interface Batch {
  buffer: number;
  items: PendingItem[];
  startedAt: number;
  /** decoded, then through the network */
  done: Promise<BatchOutcome>;
  /** `done` has settled */
  settled: boolean;
}

/** Batch buffers beyond one per session: the batches being decoded ahead. */
const DECODE_AHEAD = 2;

/** Entries per batch at most, images and errors (a run of missing files must not pile up in one batch). */
const MAX_BATCH_ITEMS = 256;

/** A batch that has images goes to the network when the source gives nothing more for this long. */
const IDLE_MS = 50;

export class ClassifyEngine {
  private readonly preprocess: PreprocessPool;
  private readonly network: Promise<InferencePool>;
  private readonly buffers: SharedArrayBuffer[];
  private readonly tensorSize: number;
  /** runs take turns: each waits for the previous one to end */
  private turn: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  /** the inputs of the runs in progress: `close` stops them waiting */
  private readonly feeds = new Set<InputFeed>();
  /** batches being decoded or inferred, in every run: `close` lets them finish first */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    readonly model: LoadedModel,
    readonly options: PipelineOptions,
  ) {
    const m = model.manifest;
    const [height, width] = preprocessOutputSize(m.preprocess);
    this.tensorSize = 3 * height * width;
    const ring = options.sessions + DECODE_AHEAD;
    this.buffers = Array.from({length: ring}, () => new SharedArrayBuffer(options.batchSize * this.tensorSize * 4));
    // sessions start first (the longest way to the first record) and load while the first batches decode
    this.network = InferencePool.create(
      {model: model.onnx, inputName: m.inputName, outputName: m.outputName, threads: options.threads, graphCache: model.graphCache, buffers: this.buffers, size: [height, width]},
      options.sessions,
    );
    this.preprocess = new PreprocessPool(
      {
        spec: m.preprocess,
        mode: options.resize,
        maxPixels: options.maxPixels,
        decodeTimeout: options.decodeTimeout,
        concurrency: DECODES_PER_WORKER,
        budget: PixelBudget.createShared(),
        budgetMp: DEFAULT_BUDGET_MP,
        buffers: this.buffers,
      },
      options.workers,
    );
    this.network.catch(() => undefined);
  }

  /**
   * Resolves once the first session is loaded (the others follow, one after another); rejects
   * when the runtime cannot load the model.
   */
  async ready(): Promise<void> {
    await this.network;
  }

  /** Resolves once every session has loaded (or failed to): what a benchmark waits for. */
  async loaded(): Promise<void> {
    await (await this.network).loaded();
  }

  /**
   * Classifies `entries`, yielding each batch's records in input order. The summary is filled in
   * as the run goes and is final when the iteration ends. Ending the iteration early (break)
   * abandons the inputs not yet taken and waits for the batches in flight.
   */
  async *run(entries: AsyncIterable<WalkEntry> | Iterable<WalkEntry>, summary: RunSummary, hooks: RunHooks = {}): AsyncGenerator<OutputRecord[]> {
    if (this.closing) throw new Error('the classifier is closed');
    const previous = this.turn;
    let endTurn!: () => void;
    this.turn = new Promise((r) => (endTurn = r));
    await previous;
    try {
      if (this.closing) throw new Error('the classifier is closed');
      yield* this.batches(entries, summary, hooks);
    } finally {
      endTurn();
    }
  }

  private async *batches(entries: AsyncIterable<WalkEntry> | Iterable<WalkEntry>, summary: RunSummary, hooks: RunHooks): AsyncGenerator<OutputRecord[]> {
    const {batchSize} = this.options;
    const topk = hooks.topk ?? this.options.topk;
    const tensorSize = this.tensorSize;
    const m = this.model.manifest;
    // yes/no and attribute models (PULC) decode their own way
    const head = headOf(m, topk, hooks.threshold);
    const modelName = this.model.name;
    const stages = summary.stages;
    const started = performance.now();
    let lastRecordAt = started;
    const feed = new InputFeed(entries);
    this.feeds.add(feed);
    const stopFeed = () => feed.stop();
    hooks.signal?.addEventListener('abort', stopFeed, {once: true});
    if (hooks.signal?.aborted) feed.stop();
    let exhausted = false;
    const free: number[] = this.buffers.map((_, i) => i);
    const queue: Batch[] = [];
    const ring = this.buffers.length;
    const aborted = () => hooks.signal?.aborted === true || this.closing !== null;

    // the run's first batch holds one image: the network runs it in a few milliseconds where a
    // full first batch takes about 60, so the first record comes that much sooner
    let wanted = 1;
    /**
     * Takes entries until `wanted` images are in the batch (entries with an error ride along),
     * or until the source pauses, ends or the run is stopped.
     */
    const formBatch = async (): Promise<Batch | null> => {
      const buffer = free.shift()!;
      const items: PendingItem[] = [];
      const startedAt = performance.now();
      let images = 0;
      const target = wanted;
      try {
        while (images < target && items.length < MAX_BATCH_ITEMS && !aborted()) {
          const got = await feed.take(items.length > 0 ? IDLE_MS : null);
          if (got.kind === 'end') exhausted = true;
          if (got.kind !== 'entry') break;
          const e = got.entry;
          if (e.kind === 'missing') items.push({entry: e});
          else {
            const slot = images++;
            items.push({entry: e, slot, result: this.preprocess.submit(e.kind === 'file' ? e.path : e.bytes, buffer, slot * tensorSize)});
          }
          // a slow source: records that are ready go out now rather than after a full batch
          if (got.waited && queue[0]?.settled) break;
        }
      } catch (e) {
        // the source failed: the images already handed out must be written before the buffer is reused
        await Promise.allSettled(items.map((it) => it.result));
        free.unshift(buffer);
        throw e;
      }
      if (items.length === 0) {
        free.unshift(buffer);
        return null;
      }
      if (images > 0) wanted = batchSize;
      const count = images;
      const done = Promise.all(items.map((it) => it.result)).then(async (results): Promise<BatchOutcome> => {
        if (!results.some((r) => r?.ok)) return {results, output: null, images: 0};
        try {
          return {results, output: await (await this.network).run(buffer, count), images: count};
        } catch (e) {
          return {results, output: null, images: 0, inferError: (e as Error).message};
        }
      });
      const batch: Batch = {buffer, items, startedAt, done, settled: false};
      void done.then(() => (batch.settled = true));
      return batch;
    };
    /** A batch from its first input to its output counts as in flight: `close` waits for it. */
    const nextBatch = (): Promise<Batch | null> => {
      const batch = formBatch();
      const inflight = batch.then((b) => b?.done);
      this.inflight.add(inflight);
      const forget = () => this.inflight.delete(inflight);
      inflight.then(forget, forget);
      return batch;
    };

    const labels = m.labels;
    const label = (id: number) => labels[id] ?? `class_${id}`;
    // the file as the decoder read it; else as the walk saw it
    const identity = (e: WalkEntry, r?: JobResult) =>
      e.kind === 'file'
        ? {size: r?.size ?? e.size ?? null, mtime: r?.mtime ?? e.mtime ?? null}
        : {size: e.kind === 'bytes' ? e.bytes.byteLength : null, mtime: null};

    try {
      for (let first = true; ; first = false) {
        while (queue.length < ring && free.length > 0 && !exhausted && !aborted()) {
          // records ready to go are not held back while the source is slow
          if (queue.length > 0 && !(await feed.readyBefore(queue[0]!.done))) break;
          const b = await nextBatch();
          if (b) queue.push(b);
        }
        // a model the runtime cannot load fails the run before any record is made
        if (first) await this.network;
        const batch = queue.shift();
        if (!batch) break;
        const waitStart = performance.now();
        const {results, output, images, inferError} = await batch.done;
        stages.waitMs += performance.now() - waitStart;
        free.push(batch.buffer);
        if (output) {
          stages.inferMs += output.inferMs;
          stages.batches++;
          stages.inferred += images;
        }
        const t = performance.now();
        const records: OutputRecord[] = batch.items.map((it, i): OutputRecord => {
          const e = it.entry;
          const r = results[i];
          const failed = (error: string): OutputRecord => ({file: e.display, model: modelName, error, ...identity(e, r)});
          if (e.kind === 'missing') return failed(e.error);
          if (!r || !r.ok) return failed(r && !r.ok ? r.error : 'not processed');
          stages.readMs += r.readMs;
          stages.preprocessMs += r.preprocessMs;
          stages.decoded++;
          if (!output) return failed(`inference failed: ${inferError ?? 'no output'}`);
          const row = output.values.slice(it.slot! * output.classes, (it.slot! + 1) * output.classes);
          // attribute outputs are independent probabilities (a sigmoid each): never a softmax
          if (!m.outputIsProbability && !isAttributeKind(head.kind)) softmaxInPlace(row);
          if (head.kind !== 'topk') return {file: e.display, model: modelName, ...decodeRow(row, head, m.labels, topk), ...identity(e, r)} as OutputRecord;
          const predictions: ClassScore[] = topK(row, topk).map((c) => ({class_id: c.classId, label: label(c.classId), score: roundScore(c.score)}));
          return {file: e.display, model: modelName, predictions, ...identity(e, r)};
        });
        stages.postprocessMs += performance.now() - t;
        for (const r of records) {
          summary.files++;
          if ('error' in r) summary.failed++;
          else summary.succeeded++;
        }
        lastRecordAt = performance.now();
        // from the start of the run to its last record
        summary.seconds = (lastRecordAt - started) / 1000;
        summary.imagesPerSecond = summary.seconds > 0 ? summary.files / summary.seconds : 0;
        hooks.onBatch?.({images: records.length, latencyMs: lastRecordAt - batch.startedAt, inferMs: output?.inferMs ?? 0});
        hooks.onProgress?.({done: summary.files, failed: summary.failed});
        yield records;
      }
    } finally {
      summary.interrupted = !exhausted;
      // batches still in flight (an interrupted or abandoned run) are finished but not yielded:
      // their files have no record, and their buffers must be quiet before the next run
      await Promise.allSettled(queue.map((b) => b.done));
      feed.dispose();
      this.feeds.delete(feed);
      hooks.signal?.removeEventListener('abort', stopFeed);
    }
  }

  /**
   * Ends the workers and sessions. A run in progress takes no more inputs: the batches in flight
   * are finished (its iteration still yields them), then the workers end. Safe to call twice.
   */
  close(): Promise<void> {
    for (const feed of this.feeds) feed.stop();
    this.closing ??= Promise.allSettled([...this.inflight]).then(async () => {
      await Promise.all([this.preprocess.close(), this.network.then((n) => n.close(), () => undefined)]);
    });
    return this.closing;
  }
}

export function emptySummary(): RunSummary {
  return {
    files: 0,
    succeeded: 0,
    failed: 0,
    seconds: 0,
    imagesPerSecond: 0,
    interrupted: false,
    stages: {readMs: 0, preprocessMs: 0, inferMs: 0, postprocessMs: 0, waitMs: 0, batches: 0, decoded: 0, inferred: 0},
  };
}
