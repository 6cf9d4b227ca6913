/**
 * Each pipeline stage measured alone, one after the other, in CPU milliseconds per image: reading
 * files, decoding + preprocessing, the network (per thread count and batch size) and
 * postprocessing. Run in isolation, the figures add up to the work one image costs, which gives
 * the machine's limit: cores / (sum of the stages).
 */

import {readFile} from 'node:fs/promises';
import type {ModelManifest} from '../models/manifest.js';
import {preprocessOutputSize} from '../models/manifest.js';
import {InferenceSession} from '../pipeline/infer.js';
import {softmaxInPlace, topK} from '../pipeline/postprocess.js';
import {createPreprocessor, type ResizeMode} from '../pipeline/preprocess.js';
import {cpuMs, percentiles, type Percentiles} from './stats.js';

export interface HostStages {
  images: number;
  readMs: number;
  preprocessMs: number;
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
  const buffers: Uint8Array[] = [];
  const read = await cpuMs(async () => {
    for (const f of files) buffers.push(await readFile(f));
  });
  const pre = createPreprocessor(manifest.preprocess, resize, {maxPixels});
  const tensors = new Float32Array(files.length * pre.tensorSize);
  let ok = 0;
  let failed = 0;
  const preprocess = await cpuMs(async () => {
    for (const b of buffers) {
      try {
        await pre.run(b, tensors, ok * pre.tensorSize);
        ok++;
      } catch {
        failed++;
      }
    }
  });
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
  const n = Math.max(ok, 1);
  return {
    stages: {images: files.length, readMs: read.cpuMs / files.length, preprocessMs: preprocess.cpuMs / n, postprocessMs: post.cpuMs / rows.length, failed},
    tensors: tensors.subarray(0, ok * pre.tensorSize),
    ok,
  };
}

export interface InferenceRun {
  threads: number;
  batchSize: number;
  warmup: number;
  /** stop after this many measured batches, or after `durationS` seconds */
  iterations?: number;
  durationS: number;
}

/** The network alone on `tensors` (cycled), with a fresh session. */
export async function measureInference(onnx: Uint8Array | string, manifest: ModelManifest, tensors: Float32Array, run: InferenceRun): Promise<InferenceStage> {
  const [h, w] = preprocessOutputSize(manifest.preprocess);
  const size = 3 * h * w;
  const available = Math.floor(tensors.length / size);
  const source = available >= 1 ? tensors : syntheticTensors(run.batchSize, size);
  const count = Math.max(1, Math.floor(source.length / size));
  const batch = new Float32Array(run.batchSize * size);
  let cursor = 0;
  const fill = () => {
    for (let i = 0; i < run.batchSize; i++) {
      batch.set(source.subarray(cursor * size, (cursor + 1) * size), i * size);
      cursor = (cursor + 1) % count;
    }
  };
  const session = await InferenceSession.create(onnx, manifest.inputName, manifest.outputName, {threads: run.threads});
  try {
    for (let i = 0; i < run.warmup; i++) {
      fill();
      await session.run(batch, run.batchSize, h, w);
    }
    const latencies: number[] = [];
    const measured = await cpuMs(async () => {
      const start = performance.now();
      while (run.iterations !== undefined ? latencies.length < run.iterations : performance.now() - start < run.durationS * 1000 || latencies.length === 0) {
        fill();
        const t = performance.now();
        await session.run(batch, run.batchSize, h, w);
        latencies.push(performance.now() - t);
      }
    });
    // only the network's own time: filling batches is not inference
    const netMs = latencies.reduce((a, b) => a + b, 0);
    const images = latencies.length * run.batchSize;
    return {
      threads: run.threads,
      batchSize: run.batchSize,
      batches: latencies.length,
      images,
      seconds: netMs / 1000,
      imagesPerSecond: images / (netMs / 1000),
      cpuMsPerImage: (measured.cpuMs * (netMs / measured.wallMs)) / images,
      latencyMs: percentiles(latencies),
    };
  } finally {
    await session.release();
  }
}
