/**
 * The whole classify pipeline on real files, for a given configuration: images/s over the
 * measured window, per-batch latency (decode to records), and the peak resident memory.
 */

import type {RunHooks} from '../pipeline/classify-engine.js';
import {runClassify, type LoadedModel, type PipelineOptions, type RecordSink} from '../pipeline/classify-run.js';
import type {WalkEntry} from '../pipeline/walk.js';
import {percentiles, RssSampler, type Percentiles} from './stats.js';

export interface EndToEndResult {
  images: number;
  seconds: number;
  imagesPerSecond: number;
  latencyMs: Percentiles;
  failed: number;
  peakRssBytes: number;
  /** share of the measured time the network waited for decoded batches */
  waitFraction: number;
}

export interface EndToEndRun {
  warmupBatches: number;
  iterations?: number;
  durationS: number;
}

export async function measureEndToEnd(files: string[], model: LoadedModel, pipeline: PipelineOptions, run: EndToEndRun): Promise<EndToEndResult> {
  let measuring = run.warmupBatches === 0;
  let batchesSeen = 0;
  let measuredBatches = 0;
  let started = measuring ? performance.now() : 0;
  let images = 0;
  let failed = 0;
  const latencies: number[] = [];
  const done = () =>
    measuring && (run.iterations !== undefined ? measuredBatches >= run.iterations : performance.now() - started >= run.durationS * 1000);
  const entries = async function* (): AsyncGenerator<WalkEntry> {
    for (let i = 0; !done(); i = (i + 1) % files.length) yield {kind: 'file', path: files[i]!, display: files[i]!};
  };
  const sink: RecordSink = {
    write(records) {
      for (const r of records) JSON.stringify(r);
    },
  };
  const rss = new RssSampler();
  let ended = 0;
  const hooks: RunHooks = {
    onBatch: (b) => {
      batchesSeen++;
      if (!measuring) {
        if (batchesSeen >= run.warmupBatches) {
          measuring = true;
          started = performance.now();
        }
        return;
      }
      if (done()) return;
      measuredBatches++;
      images += b.images;
      latencies.push(b.latencyMs);
      ended = performance.now();
    },
    onProgress: (p) => (failed = p.failed),
  };
  // measured with every session running, as a long run is
  const summary = await runClassify(entries(), model, pipeline, sink, hooks, 'every-session');
  const peak = rss.stop();
  const seconds = Math.max((ended - started) / 1000, 1e-9);
  return {
    images,
    seconds,
    imagesPerSecond: images / seconds,
    latencyMs: percentiles(latencies),
    failed,
    peakRssBytes: peak,
    waitFraction: summary.seconds > 0 ? summary.stages.waitMs / 1000 / summary.seconds : 0,
  };
}
