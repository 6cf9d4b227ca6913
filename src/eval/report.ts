/**
 * The evaluation report: what was read (dataset summary with every unpaired image or label), the
 * metrics, and optionally each image's prediction. It is plain data, so the JSON rendering is the
 * report itself; the text and Markdown renderings summarise it.
 */

import type {EvalDataset, LayoutName} from './dataset.js';
import type {EvalMetrics, ScoredClass} from './metrics.js';

export const REPORT_SCHEMA = 'lcnet-eval/1';

/**
 * The units of a report's numbers, written into every JSON report beside its schema: accuracies
 * are percents (71.32 means 71.32 %), differences percentage points, prediction scores fractions
 * (probabilities from 0 to 1).
 */
export const REPORT_UNITS = {
  percent: [
    'metrics.top1',
    'metrics.top5',
    'metrics.meanPerClassTop1',
    'metrics.worstClasses[].top1',
    'metrics.real.top1',
    'metrics.documented.top1',
    'metrics.documented.top5',
  ],
  percentagePoints: ['metrics.difference.top1', 'metrics.difference.top5'],
  fraction: ['perImage[].topk[].score'],
};

/**
 * What the images were: ImageNet-1k validation images (in one of the layouts), or class folders
 * named by the labels of a model outside ImageNet-1k (layout-labels.ts).
 */
export type DatasetKind = 'imagenet-1k' | 'class-folders';

export interface DatasetSummary {
  root: string;
  /** absent in reports written before lcnet named it */
  kind?: DatasetKind;
  /** the classes the model tells apart; absent in reports written before lcnet named it */
  classes?: number;
  /** class-folders: the model's labels, by class id (ImageNet-1k's are known to every reader) */
  labels?: string[];
  layout: LayoutName;
  labelSource: string | null;
  /** labelled images found (= predictions requested) */
  images: number;
  unlabeledImages: string[];
  missingImages: string[];
  unknownFolders: string[];
  notes: string[];
}

export interface PerImageResult {
  relPath: string;
  label: number;
  topk: ScoredClass[] | null;
  error: string | null;
}

/** The model an evaluation ran, as `lcnet eval` writes it into its report. */
export interface EvalModel {
  /** as its records name it: a catalogue name, a model.json name, an .onnx file's name, synthetic:NAME */
  name: string;
  /** the file or folder `--model` named, absolute; null for a catalogue or synthetic model */
  path?: string | null;
  /** generated weights: the accuracies mean nothing */
  synthetic: boolean;
  onnxSha256?: string;
  /** --resize */
  resize?: string;
}

export interface EvalReport {
  schema: typeof REPORT_SCHEMA;
  /** which fields are percents, percentage points or fractions */
  units: typeof REPORT_UNITS;
  /** the model evaluated (absent when the report was made without one, e.g. by runEval alone) */
  model?: EvalModel;
  dataset: DatasetSummary;
  metrics: EvalMetrics;
  /** present only when asked for; sorted by relPath */
  perImage?: PerImageResult[];
}

export function summariseDataset(d: EvalDataset, kind: DatasetKind, classes: number, labels?: readonly string[]): DatasetSummary {
  return {
    root: d.root,
    kind,
    classes,
    ...(labels ? {labels: [...labels]} : {}),
    layout: d.layout,
    labelSource: d.labelSource,
    images: d.items.length,
    unlabeledImages: d.unlabeledImages,
    missingImages: d.missingImages,
    unknownFolders: d.unknownFolders,
    notes: d.notes,
  };
}

/** First synonym of a class name (`tench, Tinca tinca` -> `tench`), for narrow columns. */
export function shortName(name: string | null, classId: number): string {
  return name === null ? `#${classId}` : name.split(',')[0]!.trim();
}

/** A percent as `71.32%`, or `n/a`. */
export function fmtPercent(v: number | null): string {
  return v === null ? 'n/a' : `${v.toFixed(2)}%`;
}

/** A difference of percents in percentage points, `+0.41 pp` / `-1.20 pp`, or `n/a`. */
export function fmtDiff(v: number | null): string {
  return v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(2)} pp`;
}

/**
 * The title of an evaluation: what was evaluated, as detected, never "ImageNet-1k" for a model
 * outside it (a report written before the dataset kind was recorded gets a neutral title).
 */
export function evalTitle(d: DatasetSummary): string {
  if (d.kind === 'class-folders') return `Evaluation on class folders (${d.classes ?? '?'} classes)`;
  if (d.kind === 'imagenet-1k') return `ImageNet-1k validation (${d.layout} layout)`;
  return `Evaluation (${d.layout} layout)`;
}

/**
 * The name of the "top-5" accuracy as measured: top-k with k = min(5, classes), so a 2-class
 * model's is "top-2" (JSON keeps the field `metrics.top5`, with `metrics.top5K` = k).
 */
export function topKLabel(m: {top5K: number}): string {
  return `top-${m.top5K}`;
}

/** The model of a report as its model line names it: its name, and the file or folder it was loaded from. */
export function modelLine(model: EvalModel | undefined): string {
  if (!model) return 'not recorded';
  return model.path ? `${model.name} (${model.path})` : model.name;
}
