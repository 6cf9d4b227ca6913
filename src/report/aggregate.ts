/**
 * Streaming aggregation of prediction records into what the report shows, in memory bounded by
 * the number of classes and error reasons times the caps, besides a fingerprint of each file
 * (repeated-files.ts): counts per top-1 class with the best-scored images of each,
 * low-confidence images, errors by reason, a histogram of top-1 scores, attribute values, records
 * the report cannot read, records of a file recorded before, and the models the records name.
 */

import {Best} from './bounded.js';
import type {ReportRecord} from './read-inputs.js';
import {RepeatedFiles} from './repeated-files.js';

export interface AggregateOptions {
  /** thumbnails kept per class (and per attribute value) */
  perClass: number;
  /** top-1 score below this is low confidence */
  lowConfidence: number;
  /** top-1 minus top-2 below this is low confidence */
  margin: number;
  /** rows kept in each list (low confidence, each error reason, unknown records) */
  maxRows: number;
  /** histogram bins over [0, 1] */
  bins?: number;
}

export interface Example {
  file: string;
  score: number;
  /** for low-confidence images: the runner-up */
  second?: {label: string; score: number} | null;
  label?: string;
}

export interface ClassStats {
  label: string;
  classId: number;
  count: number;
  scoreSum: number;
  best: Best<Example>;
}

export interface ErrorStats {
  reason: string;
  count: number;
  files: string[];
}

export interface Aggregate {
  records: number;
  predictions: number;
  errors: number;
  attributes: number;
  unknown: number;
  classes: Map<string, ClassStats>;
  lowConfidence: {count: number; examples: Best<Example>};
  errorReasons: Map<string, ErrorStats>;
  histogram: number[];
  attributeValues: Map<string, {count: number; files: string[]}>;
  unknownRecords: {input: string; line: number; file: string | null; what: string}[];
  /** predictions whose top-1 could not be placed (no predictions) */
  empty: number;
  /** records (of any kind but unknown) of a file an earlier record named: each is counted all the same */
  repeated: number;
  /** the models the records name (every record names the model that made it), with their record counts */
  models: Map<string, number>;
}

const byScore = (a: Example, b: Example) => a.score - b.score;
const byLowScore = (a: Example, b: Example) => b.score - a.score;

/**
 * An error message without what is peculiar to one file, so that errors of one kind group
 * together: the file's own path, and numbers (sizes, offsets, dimensions) become `N`.
 */
export function errorReason(error: string, file: string): string {
  let reason = error.split(file).join('FILE');
  reason = reason.replace(/\d+(\.\d+)?/g, 'N');
  return reason.length > 300 ? `${reason.slice(0, 300)}...` : reason;
}

export class Aggregator {
  readonly result: Aggregate;
  private readonly files = new RepeatedFiles();

  constructor(private readonly opts: AggregateOptions) {
    this.result = {
      records: 0,
      predictions: 0,
      errors: 0,
      attributes: 0,
      unknown: 0,
      classes: new Map(),
      lowConfidence: {count: 0, examples: new Best(opts.maxRows, byLowScore)},
      errorReasons: new Map(),
      histogram: new Array<number>(opts.bins ?? 20).fill(0),
      attributeValues: new Map(),
      unknownRecords: [],
      empty: 0,
      repeated: 0,
      models: new Map(),
    };
  }

  add(r: ReportRecord, input: string): void {
    const a = this.result;
    a.records++;
    if (r.kind !== 'unknown') {
      if (this.files.add(r.file)) a.repeated++;
      if (r.model !== null) a.models.set(r.model, (a.models.get(r.model) ?? 0) + 1);
    }
    if (r.kind === 'prediction') {
      a.predictions++;
      const top = r.predictions[0];
      if (!top) {
        a.empty++;
        return;
      }
      const key = `${top.class_id}\u0000${top.label}`;
      let c = a.classes.get(key);
      if (!c) {
        c = {label: top.label, classId: top.class_id, count: 0, scoreSum: 0, best: new Best(this.opts.perClass, byScore)};
        a.classes.set(key, c);
      }
      c.count++;
      c.scoreSum += top.score;
      c.best.add({file: r.file, score: top.score});
      const bins = a.histogram.length;
      a.histogram[Math.min(bins - 1, Math.max(0, Math.floor(top.score * bins)))]!++;
      const second = r.predictions[1];
      if (top.score < this.opts.lowConfidence || (second !== undefined && top.score - second.score < this.opts.margin)) {
        a.lowConfidence.count++;
        a.lowConfidence.examples.add({file: r.file, score: top.score, label: top.label, second: second ? {label: second.label, score: second.score} : null});
      }
    } else if (r.kind === 'error') {
      a.errors++;
      const reason = errorReason(r.error, r.file);
      let e = a.errorReasons.get(reason);
      if (!e) {
        e = {reason, count: 0, files: []};
        a.errorReasons.set(reason, e);
      }
      e.count++;
      if (e.files.length < this.opts.maxRows) e.files.push(r.file);
    } else if (r.kind === 'attributes') {
      a.attributes++;
      for (const value of r.values.length ? r.values : ['(none)']) {
        let v = a.attributeValues.get(value);
        if (!v) {
          v = {count: 0, files: []};
          a.attributeValues.set(value, v);
        }
        v.count++;
        if (v.files.length < this.opts.perClass) v.files.push(r.file);
      }
    } else {
      a.unknown++;
      if (a.unknownRecords.length < this.opts.maxRows) a.unknownRecords.push({input, line: r.line, file: r.file, what: r.what});
    }
  }
}

/** Classes by count, most first (ties: by label, then class id). */
export function classesByCount(a: Aggregate): ClassStats[] {
  return [...a.classes.values()].sort((x, y) => y.count - x.count || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0) || x.classId - y.classId);
}
