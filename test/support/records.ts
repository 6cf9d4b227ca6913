/** Output records built by hand, and lcnet output files written from them with the real writers. */

import type {ClassScore, OutputFormat, OutputRecord} from '../../src/pipeline/output/record.js';
import {openOutput} from '../../src/pipeline/output/writer.js';

export interface RecordSpec {
  /** class ids with scores, best first; absent for an error record */
  classes?: [number, number][];
  error?: string;
  model?: string;
  size?: number | null;
  mtime?: string | null;
}

/** A prediction record (labels derived from the class ids) or, with `error`, an error record. */
export function rec(file: string, spec: RecordSpec = {}): OutputRecord {
  const identity = {size: spec.size === undefined ? 1000 : spec.size, mtime: spec.mtime === undefined ? '2026-11-29T10:00:00.000Z' : spec.mtime};
  const model = spec.model ?? 'PPLCNet_x0_25';
  if (spec.error !== undefined) return {file, model, error: spec.error, ...identity};
  const predictions: ClassScore[] = (spec.classes ?? [[1, 0.75], [2, 0.125], [3, 0.0625]]).map(([id, score]) => ({class_id: id, label: `label ${id}, "quoted"`, score}));
  return {file, model, predictions, ...identity};
}

/** Writes `records` to `path` (replacing it) as `lcnet classify` does; returns the path. */
export function writeOutput(path: string, format: OutputFormat, topk: number, records: OutputRecord[]): string {
  const {writer} = openOutput(path, format, topk, 'overwrite');
  writer.write(records);
  writer.close();
  return path;
}
