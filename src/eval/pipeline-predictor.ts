/**
 * The eval `Predictor` backed by the classify pipeline: the same decoding, preprocessing,
 * batching and network as `lcnet classify`, so evaluation measures exactly what users get.
 */

import {runClassify, type LoadedModel, type PipelineOptions, type Progress, type RecordSink} from '../pipeline/classify-run.js';
import type {OutputRecord} from '../pipeline/output/record.js';
import type {WalkEntry} from '../pipeline/walk.js';
import type {Predictor} from './run.js';

export interface PipelinePredictorOptions {
  model: LoadedModel;
  pipeline: PipelineOptions;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export function pipelinePredictor(opts: PipelinePredictorOptions): Predictor {
  return async (files, onResult) => {
    // each file is addressed by its index, which the record carries back as its name
    const entries = async function* (): AsyncGenerator<WalkEntry> {
      for (let i = 0; i < files.length; i++) yield {kind: 'file', path: files[i]!, display: String(i)};
    };
    const sink: RecordSink = {
      write(records: OutputRecord[]) {
        for (const r of records) {
          const index = Number(r.file);
          if ('error' in r) onResult(index, {error: r.error});
          else if ('predictions' in r) onResult(index, {topk: r.predictions.map((p) => ({classId: p.class_id, score: p.score}))});
          // a yes/no model's answer at its threshold, then the other class
          else if ('decision' in r) onResult(index, {topk: [{classId: r.decision.class_id, score: r.decision.score}, {classId: 1 - r.decision.class_id, score: 1 - r.decision.score}]});
          else onResult(index, {error: 'the model does not rank classes'});
        }
      },
    };
    await runClassify(entries(), opts.model, opts.pipeline, sink, {signal: opts.signal, onProgress: opts.onProgress});
  };
}
