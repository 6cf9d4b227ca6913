/**
 * What the report shows of an `lcnet eval` report beyond its own metrics, computed from its
 * per-image results: the accuracy of every class, and the most frequent confusions with the
 * images behind each (plus one correctly classified image of the class they were taken for).
 * Failed images count as the eval counted them (`onError`).
 */

import {join} from 'node:path';
import type {EvalReport} from '../eval/report.js';

export interface ClassRow {
  classId: number;
  n: number;
  correct: number;
  /** percent */
  top1: number;
}

export interface ConfusionRow {
  trueClass: number;
  predicted: number;
  count: number;
  /** images of this pair, as paths to read */
  examples: string[];
  /** a correctly classified image of the predicted class, when there is one */
  reference: string | null;
}

export interface EvalSummary {
  report: EvalReport;
  /** lowest accuracy first (ties: more images, then class id); null without --per-image */
  classes: ClassRow[] | null;
  confusions: ConfusionRow[];
  failed: {path: string; relPath: string; error: string}[];
}

export function summariseEval(report: EvalReport, opts: {maxConfusions: number; examplesPerPair: number; maxRows: number}): EvalSummary {
  const root = report.dataset.root;
  const pathOf = (rel: string) => join(root, rel);
  const failed = report.metrics.failed.slice(0, opts.maxRows).map((f) => ({path: pathOf(f.relPath), relPath: f.relPath, error: f.error}));
  const per = report.perImage;
  if (!per) {
    const confusions = report.metrics.confusions.slice(0, opts.maxConfusions).map((c) => ({trueClass: c.trueClass, predicted: c.predicted, count: c.count, examples: [], reference: null}));
    return {report, classes: null, confusions, failed};
  }
  const exclude = report.metrics.onError === 'exclude';
  const byClass = new Map<number, {n: number; correct: number}>();
  const pairs = new Map<string, ConfusionRow>();
  const reference = new Map<number, string>();
  for (const p of per) {
    if (p.topk === null && exclude) continue;
    let c = byClass.get(p.label);
    if (!c) byClass.set(p.label, (c = {n: 0, correct: 0}));
    c.n++;
    const top = p.topk?.[0];
    if (!top) continue;
    if (top.classId === p.label) {
      c.correct++;
      if (!reference.has(p.label)) reference.set(p.label, pathOf(p.relPath));
      continue;
    }
    const key = `${p.label}>${top.classId}`;
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = {trueClass: p.label, predicted: top.classId, count: 0, examples: [], reference: null}));
    pair.count++;
    if (pair.examples.length < opts.examplesPerPair) pair.examples.push(pathOf(p.relPath));
  }
  const classes = [...byClass.entries()]
    .map(([classId, c]) => ({classId, n: c.n, correct: c.correct, top1: (100 * c.correct) / c.n}))
    .sort((a, b) => a.top1 - b.top1 || b.n - a.n || a.classId - b.classId);
  const confusions = [...pairs.values()]
    .sort((a, b) => b.count - a.count || a.trueClass - b.trueClass || a.predicted - b.predicted)
    .slice(0, opts.maxConfusions)
    .map((c) => ({...c, reference: reference.get(c.predicted) ?? null}));
  return {report, classes, confusions, failed};
}

/** Every image the eval part shows, as paths to read. */
export function evalImages(s: EvalSummary): string[] {
  const out: string[] = [];
  for (const c of s.confusions) {
    out.push(...c.examples);
    if (c.reference) out.push(c.reference);
  }
  return out;
}
