/**
 * Paddle operator semantics shared by the Paddle 2 and Paddle 3 front ends: typed attribute
 * access with Paddle's defaults, and the construction of IR operators from those attributes.
 * The front ends differ only in how they find an operator's inputs and outputs.
 */

import {dropoutScale, pair, PaddleConvertError, requireNchw, resolvePadding, type NetOp} from './net.js';

/** Typed view of one operator's attributes; a missing attribute takes the given Paddle default. */
export class Attrs {
  constructor(
    private readonly values: ReadonlyMap<string, unknown>,
    readonly op: string,
  ) {}

  private get<T>(name: string, fallback: T | undefined, check: (v: unknown) => v is T, kind: string): T {
    const v = this.values.get(name);
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new PaddleConvertError(`${this.op}: missing attribute ${name}`);
      return fallback;
    }
    if (typeof v === 'object' && 'unreadable' in v) {
      throw new PaddleConvertError(`${this.op}: attribute ${name} is stored as ${String(v.unreadable)}, which the converter cannot read`);
    }
    if (!check(v)) throw new PaddleConvertError(`${this.op}: attribute ${name} is not ${kind}: ${JSON.stringify(v)}`);
    return v;
  }

  number(name: string, fallback?: number): number {
    return this.get(name, fallback, (v): v is number => typeof v === 'number', 'a number');
  }

  boolean(name: string, fallback?: boolean): boolean {
    return this.get(name, fallback, (v): v is boolean => typeof v === 'boolean', 'a boolean');
  }

  string(name: string, fallback?: string): string {
    return this.get(name, fallback, (v): v is string => typeof v === 'string', 'a string');
  }

  numbers(name: string, fallback?: number[]): number[] {
    return this.get(name, fallback, (v): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number'), 'a list of numbers');
  }
}

export function convOp(a: Attrs, x: string, weight: string, bias: string | null, out: string): NetOp {
  requireNchw(a.string('data_format', 'NCHW'), a.op);
  return {
    op: 'conv',
    x,
    weight,
    bias,
    strides: pair(a.numbers('strides', [1, 1]), a.op, 'strides'),
    padding: resolvePadding(a.numbers('paddings', [0, 0]), a.string('padding_algorithm', 'EXPLICIT'), a.op),
    dilations: pair(a.numbers('dilations', [1, 1]), a.op, 'dilations'),
    groups: a.number('groups', 1),
    out,
  };
}

/** `layoutAttr` is `data_layout` in Paddle 2 and `data_format` in Paddle 3. */
export function batchNormOp(a: Attrs, layoutAttr: string, inputs: {x: string; scale: string; bias: string; mean: string; variance: string}, out: string): NetOp {
  requireNchw(a.string(layoutAttr, 'NCHW'), a.op);
  return {op: 'batchnorm', ...inputs, epsilon: a.number('epsilon', 1e-5), out};
}

/** `kernel` is the `ksize` attribute (Paddle 2) or the `kernel_size` input (Paddle 3). */
export function poolOp(a: Attrs, x: string, kernel: number[], out: string): NetOp {
  requireNchw(a.string('data_format', 'NCHW'), a.op);
  const type = a.string('pooling_type');
  if (type !== 'avg' && type !== 'max') throw new PaddleConvertError(`${a.op}: pooling_type "${type}" is not supported`);
  if (a.boolean('global_pooling', false)) return {op: 'globalpool', x, type, out};
  const size = pair(kernel, a.op, 'kernel size');
  if (a.boolean('adaptive', false)) {
    if (size[0] === 1 && size[1] === 1) return {op: 'globalpool', x, type, out};
    throw new PaddleConvertError(`${a.op}: adaptive pooling to [${size.join(', ')}] is not supported (only to [1, 1])`);
  }
  const ceilMode = a.boolean('ceil_mode', false);
  const exclusive = a.boolean('exclusive', true);
  if (type === 'avg' && ceilMode && !exclusive) {
    // Paddle divides overhanging windows by the full kernel size, ONNX by the clipped window
    throw new PaddleConvertError(`${a.op}: average pooling with ceil_mode and exclusive=false is not supported`);
  }
  return {
    op: 'pool',
    x,
    type,
    kernel: size,
    strides: pair(a.numbers('strides', [1, 1]), a.op, 'strides'),
    padding: resolvePadding(a.numbers('paddings', [0, 0]), a.string('padding_algorithm', 'EXPLICIT'), a.op),
    ceilMode,
    exclusive,
    out,
  };
}

/** Paddle 2 `hard_swish` carries its constants; Paddle 3 `hardswish` uses the same fixed ones. */
export function hardSwishOp(a: Attrs, x: string, out: string): NetOp {
  return {op: 'hardswish', x, threshold: a.number('threshold', 6), scale: a.number('scale', 6), offset: a.number('offset', 3), out};
}

export function hardSigmoidOp(a: Attrs, x: string, out: string): NetOp {
  return {op: 'hardsigmoid', x, slope: a.number('slope', 0.2), offset: a.number('offset', 0.5), out};
}

export function flattenOp(a: Attrs, x: string, out: string): NetOp {
  return {op: 'flatten', x, start: a.number('start_axis', 1), stop: a.number('stop_axis', -1), out};
}

export function softmaxOp(a: Attrs, x: string, out: string): NetOp {
  return {op: 'softmax', x, axis: a.number('axis', -1), out};
}

/** Dropout at inference: a scale by 1 - p or nothing, by mode (`probAttr`/`modeAttr` differ by format). */
export function dropoutOp(a: Attrs, probAttr: string, modeAttr: string, x: string, out: string): NetOp {
  const scale = dropoutScale(a.string(modeAttr, 'downgrade_in_infer'), a.number(probAttr, 0.5));
  return {op: 'scale', x, scale, bias: 0, biasAfterScale: true, out};
}

export function scaleOp(a: Attrs, x: string, scale: number, out: string): NetOp {
  return {op: 'scale', x, scale, bias: a.number('bias', 0), biasAfterScale: a.boolean('bias_after_scale', true), out};
}
