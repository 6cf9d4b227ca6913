/**
 * `lcnet bench`: every requested (threads, batch size) configuration measured with a fresh
 * session on the same inputs, plus the isolated stage costs, and a verdict naming the
 * bottleneck and how close the best configuration gets to the machine's limit.
 */

import {DEFAULT_DECODE_TIMEOUT_S} from '../pipeline/limits.js';
import {availableParallelism} from 'node:os';
import type {LoadedModel} from '../pipeline/classify-run.js';
import type {ResizeMode} from '../pipeline/preprocess.js';
import {measureEndToEnd, type EndToEndResult} from './end-to-end.js';
import {measureHostStages, measureInference, type HostStages, type InferenceStage} from './stages.js';
import {RssSampler} from './stats.js';
import {inferenceLayout} from '../pipeline/parallelism.js';
import {counted} from '../text/plural.js';

export interface BenchOptions {
  /** total inference threads of each configuration */
  threads: number[];
  /** parallel sessions; default: one single-threaded session per thread */
  sessions?: number;
  batchSizes: number[];
  /** real image files: decode + preprocess + infer; none: synthetic tensors, inference only */
  files: string[] | null;
  workers: number;
  resize: ResizeMode;
  maxPixels: number;
  topk: number;
  warmup: number;
  iterations?: number;
  durationS: number;
  onConfig?: (threads: number, batchSize: number) => void;
}

export interface StageCpu {
  read: number | null;
  preprocess: number | null;
  infer: number;
  postprocess: number | null;
}

export interface ConfigResult {
  threads: number;
  sessions: number;
  batchSize: number;
  mode: 'end-to-end' | 'inference';
  images: number;
  seconds: number;
  imagesPerSecond: number;
  latencyMs: {p50: number; p90: number; p99: number; max: number};
  /** CPU milliseconds per image, each stage measured alone */
  stageCpuMsPerImage: StageCpu;
  /** cores x 1000 / (sum of the stages' CPU ms per image) */
  machineLimitImagesPerSecond: number;
  /** peak RSS of the bench process up to the end of this configuration */
  peakRssBytes: number;
  failed: number;
}

export interface BenchReport {
  schema: 'lcnet-bench/1';
  model: {name: string; synthetic: boolean; inputSize: [number, number]};
  machine: {cores: number; node: string};
  images: {source: string; count: number; failed: number} | null;
  resize: ResizeMode;
  host: HostStages | null;
  configs: ConfigResult[];
  verdict: string;
}

const STAGE_NAMES: Record<keyof StageCpu, string> = {read: 'read', preprocess: 'decode+preprocess', infer: 'inference', postprocess: 'postprocess'};

export function verdict(configs: ConfigResult[], cores: number): string {
  if (configs.length === 0) return 'nothing measured';
  const best = configs.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  const stages = Object.entries(best.stageCpuMsPerImage).filter(([, v]) => v !== null) as [keyof StageCpu, number][];
  const total = stages.reduce((n, [, v]) => n + v, 0);
  const [worst, worstMs] = stages.reduce((a, b) => (b[1] > a[1] ? b : a));
  const share = total > 0 ? (100 * worstMs) / total : 0;
  const efficiency = (100 * best.imagesPerSecond) / best.machineLimitImagesPerSecond;
  return (
    `bottleneck: ${STAGE_NAMES[worst]} (${worstMs.toFixed(2)} of ${total.toFixed(2)} CPU ms per image, ${share.toFixed(0)}%); ` +
    `best: ${best.threads} thread${best.threads > 1 ? 's' : ''} in ${best.sessions} session${best.sessions > 1 ? 's' : ''}, batch ${best.batchSize}: ${best.imagesPerSecond.toFixed(1)} images/s = ` +
    `${efficiency.toFixed(0)}% of this machine's limit (${best.machineLimitImagesPerSecond.toFixed(0)} images/s on ${counted(cores, 'core')})`
  );
}

export async function runBench(model: LoadedModel, opts: BenchOptions): Promise<BenchReport> {
  const cores = availableParallelism();
  const manifest = model.manifest;
  let host: HostStages | null = null;
  let tensors: Float32Array = new Float32Array(0);
  if (opts.files) {
    const measured = await measureHostStages(opts.files, manifest, opts.resize, opts.maxPixels, opts.topk);
    host = measured.stages;
    tensors = measured.tensors;
    if (measured.ok === 0) throw new Error(opts.files.length === 1 ? 'the image could not be decoded' : `none of the ${opts.files.length} images could be decoded`);
  }
  const configs: ConfigResult[] = [];
  for (const threads of opts.threads) {
    for (const batchSize of opts.batchSizes) {
      opts.onConfig?.(threads, batchSize);
      const rss = new RssSampler();
      const layout = inferenceLayout(threads, opts.sessions);
      const infer: InferenceStage = await measureInference(model.onnx, manifest, tensors, {
        ...layout,
        batchSize,
        warmup: opts.warmup,
        iterations: opts.iterations,
        durationS: opts.durationS,
      });
      const stageCpu: StageCpu = {
        read: host?.readMs ?? null,
        preprocess: host?.preprocessMs ?? null,
        infer: infer.cpuMsPerImage,
        postprocess: host?.postprocessMs ?? null,
      };
      const perImage = Object.values(stageCpu).reduce<number>((n, v) => n + (v ?? 0), 0);
      const limit = (cores * 1000) / perImage;
      let e2e: EndToEndResult | null = null;
      if (opts.files) {
        e2e = await measureEndToEnd(
          opts.files,
          model,
          {batchSize, ...layout, workers: opts.workers, resize: opts.resize, maxPixels: opts.maxPixels, decodeTimeout: DEFAULT_DECODE_TIMEOUT_S, topk: opts.topk},
          {warmupBatches: opts.warmup, iterations: opts.iterations, durationS: opts.durationS},
        );
      }
      const peak = Math.max(rss.stop(), e2e?.peakRssBytes ?? 0);
      configs.push({
        threads,
        sessions: layout.sessions,
        batchSize,
        mode: e2e ? 'end-to-end' : 'inference',
        images: e2e?.images ?? infer.images,
        seconds: e2e?.seconds ?? infer.seconds,
        imagesPerSecond: e2e?.imagesPerSecond ?? infer.imagesPerSecond,
        latencyMs: e2e?.latencyMs ?? infer.latencyMs,
        stageCpuMsPerImage: stageCpu,
        machineLimitImagesPerSecond: limit,
        peakRssBytes: peak,
        failed: e2e?.failed ?? 0,
      });
    }
  }
  return {
    schema: 'lcnet-bench/1',
    model: {name: model.name, synthetic: manifest.synthetic, inputSize: manifest.inputSize},
    machine: {cores, node: process.version},
    images: opts.files ? {source: 'files', count: opts.files.length, failed: host?.failed ?? 0} : null,
    resize: opts.resize,
    host,
    configs,
    verdict: verdict(configs, cores),
  };
}
