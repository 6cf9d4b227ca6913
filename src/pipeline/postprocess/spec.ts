/**
 * How a model's outputs become a record, by head kind: top-k (ImageNet and other single-label
 * models), a yes/no decision (PaddleClas ThreshOutput) or decoded attributes (PersonAttribute,
 * VehicleAttribute, TableAttribute). Pure functions; the model's description (src/models/head-spec.ts,
 * filled by the one resolver from the catalogue) names the kind and its published parameters.
 */

import {OptionError} from '../../errors.js';
import {type PostprocessSpec} from '../../models/head-spec.js';
import {decodeAttributes} from './attributes.js';
import {decideThreshold} from './thresh.js';
import type {ClassScore} from '../output/record.js';
import {topK} from '../postprocess.js';

export {
  expectedOutputs,
  HEAD_KINDS,
  isAttributeKind,
  parsePostprocess,
  type HeadKind,
  type PostprocessSpec,
  type TopkSpec,
} from '../../models/head-spec.js';

/** The body of a record, after file, model and before size, mtime. */
export type HeadResult =
  | {predictions: ClassScore[]}
  | {decision: ClassScore; threshold: number}
  | {attributes: string[] | string; output: number[]; probabilities: Record<string, number>};

/** float32 scores carry about 7 significant digits; print no more than that */
function round(v: number): number {
  return Number(v.toPrecision(7));
}

/** The spec with `--threshold` applied: the decision threshold, or every attribute threshold but PaddleClas's special ones. */
export function withThreshold(spec: PostprocessSpec, threshold: number | undefined): PostprocessSpec {
  if (threshold === undefined) return spec;
  if (!(threshold >= 0 && threshold <= 1)) throw new OptionError((opt) => `${opt('threshold')} must be between 0 and 1, got ${threshold}`);
  switch (spec.kind) {
    case 'topk':
      throw new OptionError((opt) => `${opt('threshold')} applies to yes/no and attribute models; this model ranks classes (use ${opt('topk')})`);
    case 'thresh':
      return {...spec, threshold};
    case 'person-attribute':
      return {...spec, threshold};
    case 'vehicle-attribute':
      return {...spec, colorThreshold: threshold, typeThreshold: threshold};
    case 'table-attribute':
      return {...spec, thresholds: [threshold, threshold, threshold, threshold, threshold, threshold]};
  }
}

/** One row of probabilities (softmax or sigmoid already applied) as the record body. */
export function decodeRow(row: Float32Array, spec: PostprocessSpec, labels: readonly string[], topk: number): HeadResult {
  const label = (i: number) => labels[i] ?? String(i);
  switch (spec.kind) {
    case 'topk':
      return {predictions: topK(row, topk).map((c) => ({class_id: c.classId, label: label(c.classId), score: round(c.score)}))};
    case 'thresh': {
      const {decision, threshold} = decideThreshold(row, spec.threshold, labels);
      return {decision: {...decision, score: round(decision.score)}, threshold};
    }
    default: {
      const decoded = decodeAttributes(row, spec);
      const probabilities: Record<string, number> = {};
      row.forEach((v, i) => (probabilities[label(i)] = round(v)));
      return {attributes: decoded.attributes, output: decoded.output, probabilities};
    }
  }
}
