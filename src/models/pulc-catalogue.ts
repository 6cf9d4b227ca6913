/**
 * What catalogue entries say beyond an ImageNet classifier, for PaddleClas's practical models
 * (PULC) and PP-LCNetV2: other names users know them by, the published metric (PULC models
 * publish TPR at a fixed FPR or mean accuracy, not top-1), the number of outputs, and how the
 * outputs are read (top-k, a yes/no threshold, or attributes). Also where a label list shipped
 * with lcnet lives.
 */

import {join} from 'node:path';
import {parsePostprocess, type PostprocessSpec} from './head-spec.js';
import {PACKAGE_ROOT} from './paths.js';

export interface PublishedMetric {
  /** e.g. "top-1", "TPR@FPR=0.001", "mA" */
  name: string;
  /** percent */
  value: number;
  dataset: string | null;
  source: string;
}

export interface CatalogueExtras {
  /** other names that find this entry (PaddleClas and PaddleX spellings) */
  aliases?: string[];
  /** how the outputs are read; top-5 when absent */
  postprocess?: PostprocessSpec;
  /** network outputs (classes or attributes) */
  outputs?: number;
  metric?: PublishedMetric;
}

export const LABELS_DIR = join(PACKAGE_ROOT, 'models', 'labels');

/** The file of a catalogue `labels` value that names a list shipped with lcnet, or null. */
export function shippedLabelsFile(labels: string): string | null {
  if (labels === 'inference.yml') return null;
  return join(LABELS_DIR, `${labels}.txt`);
}

export function checkCatalogueExtras(o: Record<string, unknown>, fail: (what: string) => never): void {
  if (o.aliases !== undefined && !(Array.isArray(o.aliases) && o.aliases.every((a) => typeof a === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(a)))) {
    fail('aliases must be a list of model names');
  }
  if (o.postprocess !== undefined) {
    try {
      o.postprocess = parsePostprocess(o.postprocess, 'entry');
    } catch (e) {
      fail((e as Error).message.replace(/^entry: /, ''));
    }
  }
  if (o.outputs !== undefined && !(typeof o.outputs === 'number' && Number.isInteger(o.outputs) && o.outputs > 0)) fail('outputs must be a positive integer');
  const m = o.metric as Record<string, unknown> | undefined;
  if (m !== undefined && !(m && typeof m.name === 'string' && typeof m.value === 'number' && (m.dataset === null || typeof m.dataset === 'string') && typeof m.source === 'string')) {
    fail('metric must be {name, value, dataset, source}');
  }
}
