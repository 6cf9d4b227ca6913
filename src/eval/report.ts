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

export interface DatasetSummary {
  root: string;
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

export interface EvalReport {
  schema: typeof REPORT_SCHEMA;
  /** which fields are percents, percentage points or fractions */
  units: typeof REPORT_UNITS;
  dataset: DatasetSummary;
  metrics: EvalMetrics;
  /** present only when asked for; sorted by relPath */
  perImage?: PerImageResult[];
}

export function summariseDataset(d: EvalDataset): DatasetSummary {
  return {
    root: d.root,
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
