/**
 * Lowers a converter IR program with its parameter values to an ONNX graph shaped like the ones
 * lcnet builds itself: input `x` [batch, 3, H, W], output `probs` [batch, classes], a dynamic
 * batch dimension, and Paddle's parameter names on the initializers.
 */

import {attr, OnnxGraph, type AttrValue} from '../../onnx/graph.js';
import {PaddleConvertError, type NetOp, type NetProgram, type Padding} from './net.js';

export const INPUT_NAME = 'x';
export const OUTPUT_NAME = 'probs';

export interface LowerOptions {
  name: string;
  /** network input [height, width] */
  inputSize: [number, number];
  classCount: number;
}

export interface LoweredModel {
  graph: OnnxGraph;
  /** the output is produced by a softmax or a sigmoid: already probabilities */
  outputIsProbability: boolean;
}

const HARDSWISH_DEFAULTS = {threshold: 6, scale: 6, offset: 3};

export function netToOnnx(program: NetProgram, weights: ReadonlyMap<string, Float32Array>, opts: LowerOptions): LoweredModel {
  const graph = new OnnxGraph(opts.name);
  const [height, width] = opts.inputSize;
  checkInputShape(program.inputShape, opts.inputSize);
  graph.inputs.push({name: INPUT_NAME, elemType: 'float32', shape: ['batch', 3, height, width]});

  /** IR value -> ONNX value name */
  const names = new Map<string, string>([[program.input, INPUT_NAME]]);
  const ranks = new Map<string, number>([[program.input, 4]]);
  /** IR op kind that produced each value, through aliases */
  const producers = new Map<string, NetOp['op']>();

  const declared = (v: string) => program.shapes.get(v);
  const resolve = (v: string): string => {
    const name = names.get(v);
    if (name !== undefined) return name;
    const data = weights.get(v);
    if (data === undefined) throw new PaddleConvertError(`value ${v} is used but never defined`);
    graph.initializer(v, declared(v)!, data);
    names.set(v, v);
    ranks.set(v, declared(v)!.length);
    return v;
  };
  const rank = (v: string): number => {
    const r = ranks.get(v) ?? (weights.has(v) ? declared(v)?.length : undefined);
    if (r === undefined) throw new PaddleConvertError(`value ${v} is used but never defined`);
    return r;
  };
  const define = (op: NetOp, r: number): string => {
    const name = op.out === program.output ? OUTPUT_NAME : op.out === INPUT_NAME || op.out === OUTPUT_NAME ? `${op.out}@paddle` : op.out;
    if (names.has(op.out)) throw new PaddleConvertError(`value ${op.out} is defined twice`);
    names.set(op.out, name);
    ranks.set(op.out, r);
    producers.set(op.out, op.op);
    return name;
  };
  const alias = (op: NetOp & {x: string}) => {
    names.set(op.out, resolve(op.x));
    ranks.set(op.out, rank(op.x));
    producers.set(op.out, producers.get(op.x) ?? op.op);
  };
  const scalar = (v: number) => graph.initializer(graph.fresh('const'), [], Float32Array.of(v));
  const int64s = (v: number[]) => graph.initializer(graph.fresh('shape'), [v.length], BigInt64Array.from(v.map(BigInt)));
  /** adds `count` trailing unit dimensions: a reshaped copy of a parameter, or an Unsqueeze */
  const unsqueezeTrailing = (v: string, count: number): string => {
    const r = rank(v);
    const shape = declared(v);
    const data = weights.get(v);
    if (data && shape && !producers.has(v)) {
      const name = `${v}@broadcast${count}`;
      if (!graph.initializers.some((i) => i.name === name)) graph.initializer(name, [...shape, ...Array<number>(count).fill(1)], data);
      return name;
    }
    return graph.node('Unsqueeze', [resolve(v), int64s(Array.from({length: count}, (_, i) => r + i))]);
  };

  for (const op of program.ops) {
    switch (op.op) {
      case 'conv': {
        const kernel = declared(op.weight);
        if (!kernel || kernel.length !== 4) throw new PaddleConvertError(`conv filter ${op.weight} must be a 4-D parameter`);
        const inputs = [resolve(op.x), resolve(op.weight)];
        if (op.bias !== null) inputs.push(resolve(op.bias));
        const attrs: Record<string, AttrValue> = {
          kernel_shape: attr.ints([kernel[2]!, kernel[3]!]),
          strides: attr.ints(op.strides),
          // Paddle ignores dilations with SAME padding
          dilations: attr.ints(op.padding.kind === 'same' ? [1, 1] : op.dilations),
          group: attr.int(op.groups),
          ...paddingAttrs(op.padding),
        };
        graph.node('Conv', inputs, attrs, [define(op, 4)]);
        break;
      }
      case 'batchnorm':
        graph.node(
          'BatchNormalization',
          [resolve(op.x), resolve(op.scale), resolve(op.bias), resolve(op.mean), resolve(op.variance)],
          {epsilon: attr.float(op.epsilon)},
          [define(op, rank(op.x))],
        );
        break;
      case 'hardswish': {
        const r = rank(op.x);
        if (op.threshold === HARDSWISH_DEFAULTS.threshold && op.scale === HARDSWISH_DEFAULTS.scale && op.offset === HARDSWISH_DEFAULTS.offset) {
          graph.node('HardSwish', [resolve(op.x)], {}, [define(op, r)]);
        } else {
          const x = resolve(op.x);
          const gate = graph.node('Clip', [graph.node('Add', [x, scalar(op.offset)]), scalar(0), scalar(op.threshold)]);
          graph.node('Div', [graph.node('Mul', [x, gate]), scalar(op.scale)], {}, [define(op, r)]);
        }
        break;
      }
      case 'relu':
        graph.node('Relu', [resolve(op.x)], {}, [define(op, rank(op.x))]);
        break;
      case 'hardsigmoid':
        graph.node('HardSigmoid', [resolve(op.x)], {alpha: attr.float(op.slope), beta: attr.float(op.offset)}, [define(op, rank(op.x))]);
        break;
      case 'add':
      case 'mul': {
        const rx = rank(op.x);
        const ry = rank(op.y);
        // Paddle aligns the lower-rank operand with the other's dims starting at `axis`
        const trailing = op.axis === -1 || rx === ry ? 0 : Math.max(rx, ry) - op.axis - Math.min(rx, ry);
        if (trailing < 0) throw new PaddleConvertError(`elementwise ${op.op}: axis ${op.axis} does not fit ranks ${rx} and ${ry}`);
        const x = trailing > 0 && rx < ry ? unsqueezeTrailing(op.x, trailing) : resolve(op.x);
        const y = trailing > 0 && rx > ry ? unsqueezeTrailing(op.y, trailing) : resolve(op.y);
        graph.node(op.op === 'add' ? 'Add' : 'Mul', [x, y], {}, [define(op, Math.max(rx, ry))]);
        break;
      }
      case 'globalpool':
        graph.node(op.type === 'avg' ? 'GlobalAveragePool' : 'GlobalMaxPool', [resolve(op.x)], {}, [define(op, rank(op.x))]);
        break;
      case 'pool': {
        const attrs: Record<string, AttrValue> = {
          kernel_shape: attr.ints(op.kernel),
          strides: attr.ints(op.strides),
          ceil_mode: attr.int(op.ceilMode ? 1 : 0),
          ...paddingAttrs(op.padding),
        };
        if (op.type === 'avg') attrs.count_include_pad = attr.int(op.exclusive ? 0 : 1);
        graph.node(op.type === 'avg' ? 'AveragePool' : 'MaxPool', [resolve(op.x)], attrs, [define(op, rank(op.x))]);
        break;
      }
      case 'reshape':
        graph.node('Reshape', [resolve(op.x), int64s(op.shape)], {}, [define(op, op.shape.length)]);
        break;
      case 'flatten': {
        const r = rank(op.x);
        const start = op.start < 0 ? op.start + r : op.start;
        const stop = op.stop < 0 ? op.stop + r : op.stop;
        if (start < 0 || stop >= r || start > stop) throw new PaddleConvertError(`flatten: axes ${op.start}..${op.stop} do not fit rank ${r}`);
        if (start === stop) {
          alias(op);
          break;
        }
        const trailing = (declared(op.x) ?? []).slice(stop + 1);
        if (trailing.length !== r - 1 - stop || trailing.some((d) => d < 0)) {
          throw new PaddleConvertError(`flatten: the dimensions after axis ${stop} of ${op.x} must be known`);
        }
        const target = [...Array<number>(start).fill(0), -1, ...trailing];
        graph.node('Reshape', [resolve(op.x), int64s(target)], {}, [define(op, target.length)]);
        break;
      }
      case 'flatten2d': {
        const r = rank(op.x);
        graph.node('Flatten', [resolve(op.x)], {axis: attr.int(op.axis < 0 ? op.axis + r : op.axis)}, [define(op, 2)]);
        break;
      }
      case 'matmul': {
        const transpose = (v: string, flag: boolean) => {
          const r = rank(v);
          if (!flag) return resolve(v);
          if (r < 2) throw new PaddleConvertError(`matmul: cannot transpose ${v} of rank ${r}`);
          const perm = [...Array(r).keys()];
          [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
          return graph.node('Transpose', [resolve(v)], {perm: attr.ints(perm)});
        };
        const x = transpose(op.x, op.transposeX);
        const y = transpose(op.y, op.transposeY);
        const r = Math.max(rank(op.x), rank(op.y));
        if (op.alpha === 1) graph.node('MatMul', [x, y], {}, [define(op, r)]);
        else graph.node('Mul', [graph.node('MatMul', [x, y]), scalar(op.alpha)], {}, [define(op, r)]);
        break;
      }
      case 'scale': {
        const steps: [string, number][] = [];
        if (op.biasAfterScale) steps.push(['Mul', op.scale], ['Add', op.bias]);
        else steps.push(['Add', op.bias], ['Mul', op.scale]);
        const needed = steps.filter(([kind, v]) => (kind === 'Mul' ? v !== 1 : v !== 0));
        if (needed.length === 0) {
          alias(op);
          break;
        }
        let v = resolve(op.x);
        needed.forEach(([kind, value], i) => {
          v = graph.node(kind, [v, scalar(value)], {}, i === needed.length - 1 ? [define(op, rank(op.x))] : undefined);
        });
        break;
      }
      case 'softmax':
        graph.node('Softmax', [resolve(op.x)], {axis: attr.int(op.axis)}, [define(op, rank(op.x))]);
        break;
      case 'sigmoid':
        graph.node('Sigmoid', [resolve(op.x)], {}, [define(op, rank(op.x))]);
        break;
      case 'shape':
        graph.node('Shape', [resolve(op.x)], {}, [define(op, 1)]);
        break;
      case 'slice': {
        const r = rank(op.x);
        const sliced = graph.node('Slice', [resolve(op.x), int64s(op.starts), int64s(op.ends), int64s(op.axes)]);
        // Paddle 2 has no 0-D tensors: decreasing every axis leaves a [1] tensor
        const decrease = r - op.decrease.length >= 1 ? op.decrease : [];
        if (decrease.length === 0) graph.node('Identity', [sliced], {}, [define(op, r)]);
        else graph.node('Squeeze', [sliced, int64s(decrease)], {}, [define(op, r - decrease.length)]);
        break;
      }
      case 'constant': {
        const count = op.shape.reduce((a, b) => a * b, 1);
        if (op.shape.some((d) => d < 0)) throw new PaddleConvertError(`fill_constant: shape [${op.shape.join(', ')}] must be known`);
        const data = op.dtype === 'int64' ? new BigInt64Array(count).fill(BigInt(Math.trunc(op.value))) : new Float32Array(count).fill(op.value);
        graph.node('Identity', [graph.initializer(graph.fresh('fill'), op.shape, data)], {}, [define(op, op.shape.length)]);
        break;
      }
      case 'reshapeTo': {
        for (const part of op.parts) if (rank(part) !== 1) throw new PaddleConvertError(`reshape: shape tensor ${part} must be 1-D`);
        const target = op.parts.length === 1 ? resolve(op.parts[0]!) : graph.node('Concat', op.parts.map(resolve), {axis: attr.int(0)});
        const length = op.parts.length === 1 ? declared(op.parts[0]!)?.[0] ?? -1 : op.parts.length;
        if (length < 0) throw new PaddleConvertError(`reshape: the length of shape tensor ${op.parts[0]} must be known`);
        graph.node('Reshape', [resolve(op.x), target], {}, [define(op, length)]);
        break;
      }
    }
  }

  const outputRank = rank(program.output);
  if (outputRank !== 2) throw new PaddleConvertError(`the fetched output has rank ${outputRank}; expected [batch, classes]`);
  if (resolve(program.output) !== OUTPUT_NAME) graph.node('Identity', [resolve(program.output)], {}, [OUTPUT_NAME]);
  graph.outputs.push({name: OUTPUT_NAME, elemType: 'float32', shape: ['batch', opts.classCount]});
    const last = producers.get(program.output);
  return {graph, outputIsProbability: last === 'softmax' || last === 'sigmoid'};
}

function paddingAttrs(p: Padding): Record<string, AttrValue> {
  switch (p.kind) {
    case 'explicit':
      return {pads: attr.ints(p.pads)};
    case 'same':
      // Paddle SAME puts the odd padding pixel at the end, as ONNX SAME_UPPER does
      return {auto_pad: attr.string('SAME_UPPER')};
    case 'valid':
      return {auto_pad: attr.string('VALID')};
  }
}

function checkInputShape(shape: number[], [height, width]: [number, number]): void {
  const fits = (declared: number | undefined, actual: number) => declared === undefined || declared < 0 || declared === actual;
  if (shape.length !== 4 || !fits(shape[1], 3) || !fits(shape[2], height) || !fits(shape[3], width)) {
    throw new PaddleConvertError(`the program input has shape [${shape.join(', ')}]; expected [batch, 3, ${height}, ${width}]`);
  }
}
