/**
 * Each pipeline stage measured alone, one after the other, in CPU milliseconds per image: reading
 * files, decoding + preprocessing, the network (per thread count and batch size) and
 * postprocessing. Run in isolation, the figures add up to the work one image costs, which gives
 * the machine's limit: cores / (sum of the stages).
 */

import {readFileSync} from 'node:fs';
import {FileBuffers} from '../pipeline/file-buffers.js';
import pLimit from 'p-limit';
import type {ModelManifest} from '../models/manifest.js';
import {preprocessOutputSize} from '../models/manifest.js';
import {InferencePool} from '../pipeline/infer-pool.js';
import {softmaxInPlace, topK} from '../pipeline/postprocess.js';
import {createPreprocessor, type ResizeMode} from '../pipeline/preprocess.js';
import {DECODES_PER_WORKER} from '../pipeline/preprocess-protocol.js';
import {jpegDecoder, type JpegDecoderName} from '../pipeline/jpeg-turbo.js';
import {cpuMs, percentiles, type Percentiles} from './stats.js';

/** preprocessed images kept to feed the inference measurement */
const KEPT_TENSORS = 64;

export interface HostStages {
  images: number;
  readMs: number;
  preprocessMs: number;
  /** which decoder read the JPEGs, and why sharp did when it did */
  jpegDecoder: {name: JpegDecoderName; version: string; why: string};
  /** decode+preprocess with JPEGs through sharp instead, measured in the same run; null when sharp is the decoder anyway */
  preprocessSharpMs: number | null;
  postprocessMs: number;
  /** images that failed to decode (left out of the preprocessing figure) */
  failed: number;
}

export interface InferenceStage {
  threads: number;
  batchSize: number;
  batches: number;
  images: number;
  seconds: number;
  imagesPerSecond: number;
  cpuMsPerImage: number;
  latencyMs: Percentiles;
}

/** A filled input batch: real preprocessed images when given, else a deterministic pattern. */
export function syntheticTensors(count: number, size: number): Float32Array {
  const x = new Float32Array(count * size);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.0137) * 1.5;
  return x;
}

export async function measureHostStages(files: string[], manifest: ModelManifest, resize: ResizeMode, maxPixels: number, topk: number): Promise<{stages: HostStages; tensors: Float32Array; ok: number}> {
  // read as the pipeline's workers do, into a reused buffer (a fresh buffer per file would count
  // the page faults of new memory as the cost of reading)
  const fileBuffers = new FileBuffers();
  const read = await cpuMs(async () => {
    for (const f of files) fileBuffers.release(fileBuffers.readFile(f).buffer);
  });
  // decoding needs every file's bytes at hand: read again, outside the measurement
  const buffers: Uint8Array[] = files.map((f) => readFileSync(f));
  // a small ring of tensors, touched before measuring so page faults are not counted as work
  const kept = Math.min(files.length, KEPT_TENSORS);
  const tensorSize = createPreprocessor(manifest.preprocess, resize, {maxPixels}).tensorSize;
  const tensors = new Float32Array(kept * tensorSize).fill(0);
  /** CPU per image of decoding and preprocessing every buffer, and how many decoded */
  const measure = async (jpegDecoder: JpegDecoderName | undefined) => {
    const pre = createPreprocessor(manifest.preprocess, resize, {maxPixels, jpegDecoder});
    let ok = 0;
    // as many images in flight as a pipeline worker keeps, so libvips threads stay as busy as in a run
    const limit = pLimit(DECODES_PER_WORKER);
    const {cpuMs: spent} = await cpuMs(() =>
      Promise.all(
        buffers.map((b, slot) =>
          limit(async () => {
            try {
              await pre.run(b, tensors, (slot % kept) * tensorSize);
              ok++;
            } catch {
              // counted by what did not decode
            }
          }),
        ),
      ),
    );
    return {msPerImage: spent / Math.max(ok, 1), ok};
  };
  const decoder = jpegDecoder();
  // the sharp path first, so the tensors kept for the inference measurement are the real decoder's
  const viaSharp = decoder.name === 'sharp' ? null : await measure('sharp');
  const {msPerImage: preprocessMs, ok} = await measure(undefined);
  const failed = buffers.length - ok;
  const classes = Math.max(manifest.labels.length, 2);
  const rows = Array.from({length: Math.max(ok, 1)}, (_, i) => Float32Array.from({length: classes}, (_, c) => Math.sin(i * 31 + c)));
  const post = await cpuMs(async () => {
    let text = '';
    for (const row of rows) {
      if (!manifest.outputIsProbability) softmaxInPlace(row);
      const best = topK(row, topk).map((c) => ({class_id: c.classId, label: manifest.labels[c.classId] ?? '', score: c.score}));
      text += JSON.stringify({file: 'x', model: manifest.name, predictions: best});
    }
    return text.length;
  });
  return {
    stages: {images: files.length, readMs: read.cpuMs / files.length, preprocessMs, jpegDecoder: decoder, preprocessSharpMs: viaSharp?.msPerImage ?? null, postprocessMs: post.cpuMs / rows.length, failed},
    tensors,
    ok,
  };
}

export interface InferenceRun {
  sessions: number;
  /** intra-op threads per session */
  threads: number;
  batchSize: number;
  warmup: number;
  /** stop after this many measured batches, or after `durationS` seconds */
  iterations?: number;
  durationS: number;
}

/**
 * The network alone, as the pipeline runs it (parallel sessions in worker threads), on
 * `tensors` (cycled) or a synthetic pattern: images/s over the measured window, the network time
 * of each batch, and the CPU of every thread per image.
 */
export async function measureInference(onnx: Uint8Array | string, manifest: ModelManifest, tensors: Float32Array, run: InferenceRun): Promise<InferenceStage> {
  const [h, w] = preprocessOutputSize(manifest.preprocess);
  const size = 3 * h * w;
  const source = tensors.length >= size ? tensors : syntheticTensors(run.batchSize, size);
  const count = Math.floor(source.length / size);
  const buffers = Array.from({length: run.sessions + 1}, (_, b) => {
    const sab = new SharedArrayBuffer(run.batchSize * size * 4);
    const view = new Float32Array(sab);
    for (let i = 0; i < run.batchSize; i++) {
      const image = (b * run.batchSize + i) % count;
      view.set(source.subarray(image * size, (image + 1) * size), i * size);
    }
    return sab;
  });
  const pool = await InferencePool.create(
    {model: onnx, inputName: manifest.inputName, outputName: manifest.outputName, threads: run.threads, buffers, size: [h, w]},
    run.sessions,
  );
  try {
    // the pool is ready with its first session; the others load one after another
    await pool.loaded();
    let next = 0;
    const one = () => pool.run(next++ % buffers.length, run.batchSize);
    await Promise.all(Array.from({length: run.warmup}, one));
    const latencies: number[] = [];
    const measured = await cpuMs(async () => {
      const start = performance.now();
      const more = () => (run.iterations !== undefined ? latencies.length + inFlight < run.iterations : performance.now() - start < run.durationS * 1000 || latencies.length + inFlight === 0);
      let inFlight = 0;
      // keep every session busy, as the pipeline does
      const lane = async () => {
        while (more()) {
          inFlight++;
          const out = await one();
          inFlight--;
          latencies.push(out.inferMs);
        }
      };
      await Promise.all(Array.from({length: run.sessions}, lane));
    });
    const images = latencies.length * run.batchSize;
    return {
      threads: run.threads * run.sessions,
      batchSize: run.batchSize,
      batches: latencies.length,
      images,
      seconds: measured.wallMs / 1000,
      imagesPerSecond: images / (measured.wallMs / 1000),
      cpuMsPerImage: measured.cpuMs / images,
      latencyMs: percentiles(latencies),
    };
  } finally {
    await pool.close();
  }
}
