/**
 * The small operator IR both Paddle program formats are translated into before ONNX export: a
 * straight-line list of inference operators over named values, with Paddle's attribute semantics
 * already resolved (padding forms, dropout modes, hard_swish constants). Also holds the helpers
 * that resolve those attributes, shared by the Paddle 2 and Paddle 3 front ends.
 */

/** Spatial padding in ONNX order: top, left, bottom, right. */
export type Pads = [number, number, number, number];

/** Paddle `padding_algorithm`: EXPLICIT pads, SAME (extra padding at the end) or VALID (none). */
export type Padding = {kind: 'explicit'; pads: Pads} | {kind: 'same'} | {kind: 'valid'};

export type Pair = [number, number];

export type NetOp =
  | {op: 'conv'; x: string; weight: string; bias: string | null; strides: Pair; padding: Padding; dilations: Pair; groups: number; out: string}
  | {op: 'batchnorm'; x: string; scale: string; bias: string; mean: string; variance: string; epsilon: number; out: string}
  /** x * min(max(x + offset, 0), threshold) / scale */
  | {op: 'hardswish'; x: string; threshold: number; scale: number; offset: number; out: string}
  | {op: 'relu'; x: string; out: string}
  /** max(0, min(1, slope * x + offset)) */
  | {op: 'hardsigmoid'; x: string; slope: number; offset: number; out: string}
  /**
   * Element-wise with Paddle broadcasting: `axis` -1 is numpy broadcasting, otherwise the lower
   * rank operand is aligned with the other's dimensions starting at `axis`.
   */
  | {op: 'add' | 'mul'; x: string; y: string; axis: number; out: string}
  | {op: 'globalpool'; x: string; type: PoolType; out: string}
  | {op: 'pool'; x: string; type: PoolType; kernel: Pair; strides: Pair; padding: Padding; ceilMode: boolean; exclusive: boolean; out: string}
  /** Paddle reshape: 0 copies the input dimension, -1 is inferred */
  | {op: 'reshape'; x: string; shape: number[]; out: string}
  /** merges dimensions start..stop (inclusive) into one */
  | {op: 'flatten'; x: string; start: number; stop: number; out: string}
  /** flattens to 2-D: [prod(dims[0:axis]), prod(dims[axis:])] */
  | {op: 'flatten2d'; x: string; axis: number; out: string}
  | {op: 'matmul'; x: string; y: string; transposeX: boolean; transposeY: boolean; alpha: number; out: string}
  /** biasAfterScale ? x * scale + bias : (x + bias) * scale */
  | {op: 'scale'; x: string; scale: number; bias: number; biasAfterScale: boolean; out: string}
  | {op: 'softmax'; x: string; axis: number; out: string}
  | {op: 'sigmoid'; x: string; out: string}
  /** the dimensions of x as a 1-D integer tensor */
  | {op: 'shape'; x: string; out: string}
  /** x[starts:ends] along `axes` (Paddle clamps out-of-range bounds), then drops the `decrease` axes */
  | {op: 'slice'; x: string; axes: number[]; starts: number[]; ends: number[]; decrease: number[]; out: string}
  /** a tensor of `shape` filled with `value` (Paddle fill_constant); integer tensors are int64 in ONNX */
  | {op: 'constant'; dtype: 'float32' | 'int64'; shape: number[]; value: number; out: string}
  /** Paddle reshape whose target shape is computed: the 1-D integer `parts` concatenated */
  | {op: 'reshapeTo'; x: string; parts: string[]; out: string};

export type PoolType = 'avg' | 'max';

export interface NetParameter {
  /** the name stored with the program; .pdiparams holds parameters sorted by it */
  name: string;
  shape: number[];
}

export interface NetProgram {
  /** the fed value (Paddle `feed`/`data`) and its declared shape, -1 for dynamic dimensions */
  input: string;
  inputShape: number[];
  /** the last fetch target */
  output: string;
  parameters: NetParameter[];
  ops: NetOp[];
  /** declared shape of every value the program describes (-1 for dynamic dimensions) */
  shapes: Map<string, number[]>;
}

export class PaddleConvertError extends Error {
  override name = 'PaddleConvertError';
}

/** Thrown once per program, naming every operator type the converter cannot translate. */
export class UnsupportedOpsError extends PaddleConvertError {
  constructor(readonly types: string[]) {
    super(`unsupported Paddle operator${types.length > 1 ? 's' : ''}: ${types.join(', ')}`);
  }
}

/**
 * Resolves Paddle's conv/pool padding attributes: `paddings` of 2 ([h, w]) or 4
 * ([top, bottom, left, right]) values, overridden by `padding_algorithm` SAME or VALID.
 */
export function resolvePadding(paddings: number[], algorithm: string, op: string): Padding {
  switch (algorithm.toUpperCase()) {
    case 'SAME':
      return {kind: 'same'};
    case 'VALID':
      return {kind: 'valid'};
    case '':
    case 'EXPLICIT':
      if (paddings.length === 2) return {kind: 'explicit', pads: [paddings[0]!, paddings[1]!, paddings[0]!, paddings[1]!]};
      if (paddings.length === 4) return {kind: 'explicit', pads: [paddings[0]!, paddings[2]!, paddings[1]!, paddings[3]!]};
      throw new PaddleConvertError(`${op}: paddings must have 2 or 4 values, got [${paddings.join(', ')}]`);
    default:
      throw new PaddleConvertError(`${op}: unknown padding_algorithm "${algorithm}"`);
  }
}

/** A 2-element integer attribute (strides, dilations, kernel size); a single value applies to both axes. */
export function pair(values: number[], op: string, attrName: string): Pair {
  if (values.length === 1) return [values[0]!, values[0]!];
  if (values.length === 2) return [values[0]!, values[1]!];
  throw new PaddleConvertError(`${op}: ${attrName} must have 2 values, got [${values.join(', ')}]`);
}

/**
 * The inference-time multiplier of Paddle dropout: `downgrade_in_infer` (PaddleClas'
 * `downscale_in_infer`) scales by 1 - p, `upscale_in_train` passes values through.
 */
export function dropoutScale(mode: string, p: number): number {
  switch (mode) {
    case 'downgrade_in_infer':
    case 'downscale_in_infer':
      return 1 - p;
    case 'upscale_in_train':
      return 1;
    default:
      throw new PaddleConvertError(`dropout: unknown mode "${mode}"`);
  }
}

/** Layouts the converter accepts for conv, pool and batch norm. */
export function requireNchw(layout: string, op: string): void {
  if (layout !== 'NCHW' && layout !== 'AnyLayout' && layout !== '') {
    throw new PaddleConvertError(`${op}: data format ${layout} is not supported (only NCHW)`);
  }
}
