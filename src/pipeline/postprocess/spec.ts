/**
 * How a model's outputs become a record, by head kind: top-k (ImageNet and other single-label
 * models), a yes/no decision (PaddleClas ThreshOutput) or decoded attributes (PersonAttribute,
 * VehicleAttribute, TableAttribute). Pure functions; the catalogue names the kind and its
 * published parameters per model.
 */

import {ATTRIBUTE_OUTPUTS, decodeAttributes, type AttributeSpec} from './attributes.js';
import {decideThreshold, type ThreshSpec} from './thresh.js';
import type {ClassScore} from '../output/record.js';
import {topK} from '../postprocess.js';

export interface TopkSpec {
  kind: 'topk';
  /** the published default k (PaddleClas Topk); --topk overrides it */
  topk: number;
}

export type PostprocessSpec = TopkSpec | ThreshSpec | AttributeSpec;
export type HeadKind = PostprocessSpec['kind'];
export const HEAD_KINDS: readonly HeadKind[] = ['topk', 'thresh', 'person-attribute', 'vehicle-attribute', 'table-attribute'];

/** The body of a record, after file, model and before size, mtime. */
export type HeadResult =
  | {predictions: ClassScore[]}
  | {decision: ClassScore; threshold: number}
  | {attributes: string[] | string; output: number[]; probabilities: Record<string, number>};

/** float32 scores carry about 7 significant digits; print no more than that */
function round(v: number): number {
  return Number(v.toPrecision(7));
}

export function isAttributeKind(kind: HeadKind): kind is AttributeSpec['kind'] {
  return kind === 'person-attribute' || kind === 'vehicle-attribute' || kind === 'table-attribute';
}

/** The spec with `--threshold` applied: the decision threshold, or every attribute threshold but PaddleClas's special ones. */
export function withThreshold(spec: PostprocessSpec, threshold: number | undefined): PostprocessSpec {
  if (threshold === undefined) return spec;
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`--threshold must be between 0 and 1, got ${threshold}`);
  switch (spec.kind) {
    case 'topk':
      throw new Error('--threshold applies to yes/no and attribute models; this model ranks classes (use --topk)');
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

/** Outputs a head needs (null: any). */
export function expectedOutputs(spec: PostprocessSpec): number | null {
  if (spec.kind === 'thresh') return 2;
  if (isAttributeKind(spec.kind)) return ATTRIBUTE_OUTPUTS[spec.kind];
  return null;
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

/** Checks a spec read from the catalogue or a model.json. */
export function parsePostprocess(value: unknown, where: string): PostprocessSpec {
  const v = value as Record<string, unknown> | null;
  const fail = (why: string): never => {
    throw new Error(`${where}: postprocess ${why}`);
  };
  if (v === null || typeof v !== 'object') return fail('must be an object');
  const unit = (name: string): number => {
    const x = v[name];
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) fail(`${name} must be a number between 0 and 1`);
    return x as number;
  };
  switch (v.kind) {
    case 'topk': {
      if (typeof v.topk !== 'number' || !Number.isInteger(v.topk) || v.topk < 1) fail('topk must be a positive integer');
      return {kind: 'topk', topk: v.topk as number};
    }
    case 'thresh':
      return {kind: 'thresh', threshold: unit('threshold')};
    case 'person-attribute':
      return {kind: 'person-attribute', threshold: unit('threshold'), glassesThreshold: unit('glassesThreshold'), holdThreshold: unit('holdThreshold')};
    case 'vehicle-attribute':
      return {kind: 'vehicle-attribute', colorThreshold: unit('colorThreshold'), typeThreshold: unit('typeThreshold')};
    case 'table-attribute': {
      const t = v.thresholds;
      if (!Array.isArray(t) || t.length !== 6 || !t.every((x) => typeof x === 'number' && x >= 0 && x <= 1)) fail('thresholds must be 6 numbers between 0 and 1');
      return {kind: 'table-attribute', thresholds: t as [number, number, number, number, number, number]};
    }
    default:
      return fail(`kind must be one of ${HEAD_KINDS.join(', ')}`);
  }
}
