/**
 * The head of a model: its description's post-processing (catalogue PULC entries) with
 * `--threshold` applied, or top-k; and the CSV layout its records are written in.
 */

import {FatalError} from '../../errors.js';
import type {ModelManifest} from '../../models/manifest.js';
import type {CsvLayout} from '../output/codec.js';
import {expectedOutputs, isAttributeKind, withThreshold, type PostprocessSpec} from './spec.js';

export function headOf(m: Pick<ModelManifest, 'postprocess' | 'labels' | 'name'>, topk: number, threshold?: number): PostprocessSpec {
  const spec = withThreshold(m.postprocess ?? {kind: 'topk', topk}, threshold);
  const needed = expectedOutputs(spec);
  if (needed !== null && m.labels.length !== needed) throw new FatalError(`model ${m.name}: a ${spec.kind} head reads ${needed} outputs, the model names ${m.labels.length}`);
  return spec;
}

/** The CSV layout of the records a model writes. */
export function csvLayoutOf(m: Pick<ModelManifest, 'postprocess' | 'labels' | 'name'>, topk: number): CsvLayout {
  const kind = m.postprocess?.kind ?? 'topk';
  if (kind === 'topk') return {kind: 'topk', topk};
  if (kind === 'thresh') return {kind: 'thresh'};
  if (isAttributeKind(kind)) return {kind, labels: [...m.labels]};
  throw new Error(`unknown head ${String(kind)}`);
}
