/**
 * How a model's outputs become a record, as its description says it (catalogue entry, stored
 * manifest): top-k (ImageNet and other single-label models), a yes/no decision (PaddleClas
 * ThreshOutput) or decoded attributes (PersonAttribute, VehicleAttribute, TableAttribute), with
 * their published parameters. Only the description lives here, so that src/models needs nothing
 * from src/pipeline; decoding is in src/pipeline/postprocess.
 */

export interface TopkSpec {
  kind: 'topk';
  /** the published default k (PaddleClas Topk); --topk overrides it */
  topk: number;
}

export interface ThreshSpec {
  kind: 'thresh';
  /** the published deploy value (PaddleClas deploy yaml), used unless --threshold overrides it */
  threshold: number;
}

export interface PersonAttributeSpec {
  kind: 'person-attribute';
  threshold: number;
  glassesThreshold: number;
  holdThreshold: number;
}

export interface VehicleAttributeSpec {
  kind: 'vehicle-attribute';
  colorThreshold: number;
  typeThreshold: number;
}

export interface TableAttributeSpec {
  kind: 'table-attribute';
  /** source, number, color, clarity, obstruction, angle */
  thresholds: [number, number, number, number, number, number];
}

export type AttributeSpec = PersonAttributeSpec | VehicleAttributeSpec | TableAttributeSpec;

export type PostprocessSpec = TopkSpec | ThreshSpec | AttributeSpec;
export type HeadKind = PostprocessSpec['kind'];
export const HEAD_KINDS: readonly HeadKind[] = ['topk', 'thresh', 'person-attribute', 'vehicle-attribute', 'table-attribute'];

/** Outputs each attribute head has. */
export const ATTRIBUTE_OUTPUTS: Record<AttributeSpec['kind'], number> = {'person-attribute': 26, 'vehicle-attribute': 19, 'table-attribute': 6};

export function isAttributeKind(kind: HeadKind): kind is AttributeSpec['kind'] {
  return kind === 'person-attribute' || kind === 'vehicle-attribute' || kind === 'table-attribute';
}

/** Outputs a head needs (null: any). */
export function expectedOutputs(spec: PostprocessSpec): number | null {
  if (spec.kind === 'thresh') return 2;
  if (isAttributeKind(spec.kind)) return ATTRIBUTE_OUTPUTS[spec.kind];
  return null;
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
