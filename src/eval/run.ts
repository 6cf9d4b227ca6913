/**
 * `runEval`: the whole `lcnet eval --imagenet-val DIR` except running the network. It reads the
 * dataset, hands the labelled images to an injected predictor, collects its results (in any order,
 * by index), reports progress with a running top-1, and returns the report. An image the predictor
 * never answers for is recorded as failed ('no result from the predictor'), not skipped; a predictor
 * that rejects, or reports an index twice or out of range, aborts the evaluation with that error.
 */

import {UsageError} from '../errors.js';
import {loadLabelFolders} from './layout-labels.js';
import type {LayoutName} from './dataset.js';
import {loadDataset} from './detect.js';
import {computeMetrics, type DocumentedAccuracy, type LabeledPrediction, type OnError, type Prediction} from './metrics.js';
import {loadRealLabels} from './real.js';
import {type EvalModel, type EvalReport, REPORT_SCHEMA, REPORT_UNITS, summariseDataset} from './report.js';
import {loadSynsets} from './synsets.js';

/**
 * Classifies `files`, calling `onResult(index, result)` once per file (index into `files`, any
 * order) and resolving when all are done. `topk` is best first.
 */
export type Predictor = (files: string[], onResult: (index: number, r: Prediction) => void) => Promise<void>;

export interface EvalOptions {
  dir: string;
  layout?: LayoutName;
  labelsFile?: string;
  /** ImageNet-ReaL `real.json` */
  realFile?: string;
  /** the class names of a model outside ImageNet: the images are in folders named by them (layout-labels.ts) */
  classes?: readonly string[];
  onError?: OnError;
  /** the model's published accuracy, percent */
  documented?: DocumentedAccuracy;
  /** include every image's prediction in the report */
  perImage?: boolean;
  /** the model the predictor runs, named in the report */
  model?: EvalModel;
  /** after each result: images done, total, running top-1 in percent (0 before anything counts) */
  onProgress?: (done: number, total: number, runningTop1: number) => void;
}

export const NO_RESULT = 'no result from the predictor';

export async function runEval(opts: EvalOptions, predict: Predictor): Promise<EvalReport> {
  const synsets = await loadSynsets();
  const classes = opts.classes;
  if (classes && (opts.realFile !== undefined || opts.labelsFile !== undefined || opts.layout !== undefined)) {
    throw new UsageError('a model outside ImageNet-1k is evaluated on class folders named by its labels: --layout, --ground-truth and --real do not apply');
  }
  const numClasses = classes ? classes.length : synsets.wnids.length;
  const onError = opts.onError ?? 'wrong';
  const dataset = classes ? await loadLabelFolders(opts.dir, classes) : await loadDataset({dir: opts.dir, layout: opts.layout, labelsFile: opts.labelsFile}, synsets);
  const real = opts.realFile === undefined ? null : await loadRealLabels(opts.realFile, numClasses);

  const items = dataset.items;
  const results: (Prediction | undefined)[] = new Array(items.length);
  let done = 0;
  let counted = 0;
  let correct = 0;
  await predict(
    items.map((it) => it.file),
    (index, r) => {
      if (!Number.isInteger(index) || index < 0 || index >= items.length) throw new Error(`predictor reported index ${index} of ${items.length} images`);
      if (results[index] !== undefined) throw new Error(`predictor reported image ${index} (${items[index]!.relPath}) twice`);
      results[index] = r;
      done++;
      if ('topk' in r || onError === 'wrong') {
        counted++;
        if ('topk' in r && r.topk[0]?.classId === items[index]!.label) correct++;
      }
      opts.onProgress?.(done, items.length, counted === 0 ? 0 : (100 * correct) / counted);
    },
  );

  const labeled: LabeledPrediction[] = items.map((it, i) => ({relPath: it.relPath, label: it.label, prediction: results[i] ?? {error: NO_RESULT}}));
  const metrics = computeMetrics(labeled, {numClasses, onError, documented: opts.documented ?? null, real, classNames: classes ?? synsets.names});
  const report: EvalReport = {
    schema: REPORT_SCHEMA,
    units: REPORT_UNITS,
    ...(opts.model ? {model: opts.model} : {}),
    dataset: summariseDataset(dataset, classes ? 'class-folders' : 'imagenet-1k', numClasses, classes),
    metrics,
  };
  if (opts.perImage) {
    report.perImage = labeled.map((l) => ({
      relPath: l.relPath,
      label: l.label,
      topk: 'topk' in l.prediction ? l.prediction.topk : null,
      error: 'error' in l.prediction ? l.prediction.error : null,
    }));
  }
  return report;
}
