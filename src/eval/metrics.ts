/**
 * Accuracy metrics from per-image predictions: top-1, top-5, mean per-class top-1, the classes with
 * the lowest top-1, the most frequent confusions, optional ImageNet-ReaL top-1, and the comparison
 * with the model's documented accuracy. All accuracies are percentages (0..100), like the published
 * figures; an accuracy over zero images is null, never NaN.
 *
 * Ranking rules: a prediction's `topk` is used in the order the predictor gives it; scores are
 * carried along but never re-sorted, so ties between equal scores are decided by the predictor's
 * order. Top-5 looks at the first min(5, numClasses) entries (with 2 classes, "top-5" is top-2 and
 * `top5K` says so); a prediction with fewer entries is judged on what it has and counted in
 * `shortPredictions`. A failed image has no prediction: with `onError: 'wrong'` (the default) it
 * counts as a miss in every accuracy, with `'exclude'` it is left out of them; it is listed in
 * `failed` either way and never appears among the confusions.
 */

import {compareStrings, valIndexOf} from './dataset.js';

export interface ScoredClass {
  classId: number;
  score: number;
}

export type Prediction = {topk: ScoredClass[]} | {error: string};

export interface LabeledPrediction {
  relPath: string;
  label: number;
  prediction: Prediction;
}

export type OnError = 'wrong' | 'exclude';

export interface DocumentedAccuracy {
  /** percent, null when not published */
  top1: number | null;
  top5: number | null;
}

export interface MetricsOptions {
  numClasses: number;
  onError?: OnError;
  /** published accuracy of the model, in percent */
  documented?: DocumentedAccuracy | null;
  /** ImageNet-ReaL labels: `real[i]` lists the classes of val image i + 1 (empty = no label) */
  real?: readonly (readonly number[])[] | null;
  /** class names for the class-level lists */
  classNames?: readonly string[];
  /** how many lowest-accuracy classes and confusions to list (default 10 each) */
  listLimit?: number;
}

export interface ClassAccuracy {
  classId: number;
  name: string | null;
  /** images of this class counted */
  n: number;
  correct: number;
  /** top-1 of this class, percent */
  top1: number;
}

export interface Confusion {
  trueClass: number;
  trueName: string | null;
  predicted: number;
  predictedName: string | null;
  count: number;
}

export interface RealAccuracy {
  /** percent over `counted`, null when nothing was counted */
  top1: number | null;
  correct: number;
  counted: number;
  /** images whose ReaL list is empty (ImageNet-ReaL gives no label): skipped */
  skippedEmpty: number;
  /** images whose name carries no val index within the ReaL file: skipped */
  skippedUnmatched: number;
}

export interface EvalMetrics {
  /** images counted in the accuracies */
  n: number;
  correctTop1: number;
  correctTop5: number;
  /** percent, null when n = 0 */
  top1: number | null;
  top5: number | null;
  /** the k actually used for "top-5": min(5, numClasses) */
  top5K: number;
  /** mean over classes present of each class's top-1, percent; null when n = 0 */
  meanPerClassTop1: number | null;
  classesPresent: number;
  /** lowest top-1 first; ties: more images first, then lower class id */
  worstClasses: ClassAccuracy[];
  /** most frequent first; ties: lower true class, then lower predicted class */
  confusions: Confusion[];
  onError: OnError;
  failed: {relPath: string; error: string}[];
  shortPredictions: number;
  real: RealAccuracy | null;
  documented: DocumentedAccuracy | null;
  /** measured minus documented, percentage points; null parts where either side is null */
  difference: DocumentedAccuracy | null;
}

const TOP5 = 5;

export function percent(correct: number, total: number): number | null {
  return total === 0 ? null : (100 * correct) / total;
}

/** The ReaL labels of an `ILSVRC2012_val_00000042.JPEG`-style name, null for other names. */
function realLabelsOf(relPath: string, real: readonly (readonly number[])[]): readonly number[] | null {
  const index = valIndexOf(relPath);
  return index === null ? null : (real[index - 1] ?? null);
}

function nameOf(names: readonly string[] | undefined, id: number): string | null {
  return names?.[id] ?? null;
}

export function computeMetrics(results: readonly LabeledPrediction[], opts: MetricsOptions): EvalMetrics {
  const onError = opts.onError ?? 'wrong';
  const k = Math.min(TOP5, opts.numClasses);
  const limit = opts.listLimit ?? 10;
  let n = 0;
  let correctTop1 = 0;
  let correctTop5 = 0;
  let shortPredictions = 0;
  const failed: {relPath: string; error: string}[] = [];
  const perClass = new Map<number, {n: number; correct: number}>();
  const confusionCounts = new Map<string, Confusion>();
  const real: RealAccuracy | null = opts.real ? {top1: null, correct: 0, counted: 0, skippedEmpty: 0, skippedUnmatched: 0} : null;

  for (const r of results) {
    const p = r.prediction;
    if ('error' in p) {
      failed.push({relPath: r.relPath, error: p.error});
      if (onError === 'exclude') continue;
    }
    const topk = 'topk' in p ? p.topk : [];
    if ('topk' in p && topk.length < k) shortPredictions++;
    const hit1 = topk.length > 0 && topk[0]!.classId === r.label;
    const hit5 = topk.slice(0, k).some((c) => c.classId === r.label);
    n++;
    if (hit1) correctTop1++;
    if (hit5) correctTop5++;
    const c = perClass.get(r.label) ?? {n: 0, correct: 0};
    c.n++;
    if (hit1) c.correct++;
    perClass.set(r.label, c);
    if (!hit1 && topk.length > 0) {
      const predicted = topk[0]!.classId;
      const key = `${r.label}>${predicted}`;
      const conf = confusionCounts.get(key) ?? {
        trueClass: r.label,
        trueName: nameOf(opts.classNames, r.label),
        predicted,
        predictedName: nameOf(opts.classNames, predicted),
        count: 0,
      };
      conf.count++;
      confusionCounts.set(key, conf);
    }
    if (real !== null && opts.real) {
      const labels = realLabelsOf(r.relPath, opts.real);
      if (labels === null) real.skippedUnmatched++;
      else if (labels.length === 0) real.skippedEmpty++;
      else {
        real.counted++;
        if (topk.length > 0 && labels.includes(topk[0]!.classId)) real.correct++;
      }
    }
  }
  if (real) real.top1 = percent(real.correct, real.counted);

  const classes: ClassAccuracy[] = [...perClass.entries()].map(([classId, c]) => ({
    classId,
    name: nameOf(opts.classNames, classId),
    n: c.n,
    correct: c.correct,
    top1: (100 * c.correct) / c.n,
  }));
  const meanPerClassTop1 = classes.length === 0 ? null : classes.reduce((s, c) => s + c.top1, 0) / classes.length;
  const worstClasses = classes.sort((a, b) => a.top1 - b.top1 || b.n - a.n || a.classId - b.classId).slice(0, limit);
  const confusions = [...confusionCounts.values()]
    .sort((a, b) => b.count - a.count || a.trueClass - b.trueClass || a.predicted - b.predicted)
    .slice(0, limit);

  const top1 = percent(correctTop1, n);
  const top5 = percent(correctTop5, n);
  const documented = opts.documented ?? null;
  const diff = (measured: number | null, published: number | null) => (measured === null || published === null ? null : measured - published);
  return {
    n,
    correctTop1,
    correctTop5,
    top1,
    top5,
    top5K: k,
    meanPerClassTop1,
    classesPresent: classes.length,
    worstClasses,
    confusions,
    onError,
    failed: failed.sort((a, b) => compareStrings(a.relPath, b.relPath)),
    shortPredictions,
    real,
    documented,
    difference: documented ? {top1: diff(top1, documented.top1), top5: diff(top5, documented.top5)} : null,
  };
}
