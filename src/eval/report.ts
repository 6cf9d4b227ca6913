/**
 * The evaluation report: what was read (dataset summary with every unpaired image or label), the
 * metrics, and optionally each image's prediction. It is plain data, so the JSON rendering is the
 * report itself; the text and Markdown renderings summarise it.
 */

import type {EvalDataset, LayoutName} from './dataset.js';
import type {EvalMetrics, ScoredClass} from './metrics.js';

export const REPORT_SCHEMA = 'lcnet-eval/1';

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

/** `71.32` with two decimals, or `n/a`. */
export function fmtPercent(v: number | null): string {
  return v === null ? 'n/a' : v.toFixed(2);
}

/** `+0.41` / `-1.20`, or `n/a`. */
export function fmtDiff(v: number | null): string {
  return v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
}
