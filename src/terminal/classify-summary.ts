/**
 * The end of a `lcnet classify` run on stderr: the counts, the rate and the model that made the
 * records, then what each image cost in each stage, as measured in the run (stage-speed.ts says
 * what each figure is), in the style of Ultralytics' `Speed:` line:
 *
 *   lcnet: 900 files, 900 classified, 0 failed in 4.1 s (222.0 images/s), model PPLCNet_x1_0
 *   lcnet: speed: 0.2 ms read, 2.7 ms decode+preprocess, 6.2 ms inference, 0.02 ms postprocess per image (...)
 */

import type {PipelineOptions, RunSummary} from '../pipeline/classify-engine.js';
import type {ModelManifest} from '../models/manifest.js';
import {describeShard, formatShard, type Shard} from '../pipeline/shard.js';
import {counted} from '../text/plural.js';
import {stageSpeed, type StageSpeed} from '../pipeline/stage-speed.js';

export interface SummaryModel {
  /** the name the records carry */
  name: string;
  synthetic: boolean;
  manifest: Pick<ModelManifest, 'source'>;
}

export interface ClassifySummary {
  summary: RunSummary;
  /** files skipped because a resumed output records them unchanged */
  skipped: number;
  shard: Shard;
  /** --shard as the user typed it, shown as typed (2/2, not 0/2) */
  shardText?: string;
  model: SummaryModel;
  pipeline: Pick<PipelineOptions, 'workers' | 'sessions' | 'threads'>;
}

/** The model as a user should read it: its name, the file it came from, and a word on synthetic weights. */
export function modelNamed(model: SummaryModel): string {
  if (model.synthetic) return `${model.name} (synthetic weights: its labels are meaningless)`;
  const from = model.manifest.source.kind === 'onnx' ? model.manifest.source.from : undefined;
  return from ? `${model.name} (${from})` : model.name;
}

/** Milliseconds for the speed line: one decimal, two below 0.1 ms so that a small stage is not a bare 0.0. */
export function formatMs(ms: number): string {
  return ms.toFixed(ms < 0.1 ? 2 : 1);
}

/** The speed line, or null when no image got through a stage. */
export function speedLine(speed: StageSpeed, pipeline: ClassifySummary['pipeline']): string | null {
  const parts: string[] = [];
  const add = (ms: number | null, stage: string) => {
    if (ms !== null) parts.push(`${formatMs(ms)} ms ${stage}`);
  };
  add(speed.readMs, 'read');
  add(speed.preprocessMs, 'decode+preprocess');
  add(speed.inferMs, 'inference');
  if (parts.length === 0) return null;
  add(speed.postprocessMs, 'postprocess');
  const inferThreads = pipeline.sessions * pipeline.threads;
  return `lcnet: speed: ${parts.join(', ')} per image (wall time on each stage's thread; the stages overlap on ${pipeline.workers} decoding and ${inferThreads} inference threads)`;
}

/** The lines printed on stderr when a run ends. */
export function classifySummaryLines(s: ClassifySummary): string[] {
  const {summary, skipped, shard} = s;
  const counts = `${counted(summary.files, 'file')}, ${summary.succeeded} classified, ${summary.failed} failed${skipped ? `, ${skipped} already done` : ''}`;
  const part = shard.count > 1 ? ` (shard ${s.shardText === undefined ? formatShard(shard) : describeShard(s.shardText, shard)})` : '';
  const rate = `in ${summary.seconds.toFixed(1)} s (${summary.imagesPerSecond.toFixed(1)} images/s)`;
  const lines = [`lcnet: ${counts}${part} ${rate}${summary.interrupted ? ', interrupted' : ''}, model ${modelNamed(s.model)}`];
  const speed = speedLine(stageSpeed(summary.stages, summary.files), s.pipeline);
  if (speed) lines.push(speed);
  return lines;
}
