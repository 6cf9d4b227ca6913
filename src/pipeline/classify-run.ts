/**
 * One whole classify run into a record writer: an engine started for it, its records written
 * batch by batch, the engine ended whatever happens. Used where one run is all there is
 * (`lcnet eval` and `lcnet bench`); programs that classify several inputs keep one engine, which
 * is what the library API (src/api) does.
 */

import {ClassifyEngine, emptySummary, type LoadedModel, type PipelineOptions, type RunHooks, type RunSummary} from './classify-engine.js';
import type {RecordWriter} from './output/writer.js';

/** Where a run's records go: a file writer, or a program's own collector. */
export type RecordSink = Pick<RecordWriter, 'write'>;
import type {WalkEntry} from './walk.js';

export type {BatchDone, LoadedModel, PipelineOptions, Progress, RunSummary, StageTimes} from './classify-engine.js';

export async function runClassify(
  entries: AsyncIterable<WalkEntry>,
  model: LoadedModel,
  opts: PipelineOptions,
  writer: RecordSink,
  hooks: RunHooks = {},
  /** 'every-session': the run starts once all sessions have loaded, as a benchmark measures */
  start: 'first-session' | 'every-session' = 'first-session',
): Promise<RunSummary> {
  const engine = new ClassifyEngine(model, opts);
  const summary = emptySummary();
  try {
    if (start === 'every-session') await engine.loaded();
    for await (const records of engine.run(entries, summary, hooks)) writer.write(records);
  } finally {
    await engine.close();
  }
  return summary;
}
