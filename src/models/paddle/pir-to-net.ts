/**
 * Translates a Paddle 3 PIR program into the converter IR. Values are named `%id`, parameters
 * by their stored names; `full_int_array` and `full` results are folded into the operators that
 * take them as shape, kernel size or scale inputs.
 */

import {PaddleConvertError, UnsupportedOpsError, type NetOp, type NetProgram} from './net.js';
import {Attrs, batchNormOp, convOp, dropoutOp, flattenOp, hardSigmoidOp, hardSwishOp, poolOp, scaleOp, softmaxOp} from './op-semantics.js';
import type {PirOp, PirProgram} from './pir-program.js';

interface Context {
  op: PirOp;
  attrs: Attrs;
  /** the value name of input i */
  input(i: number): string;
  /** the folded constant behind input i */
  constant(i: number): number[];
  /** the value name of output i */
  output(i: number): string;
  emit(op: NetOp): void;
}

type Translator = (c: Context) => void;

const TRANSLATORS: Record<string, Translator> = {
  conv2d: (c) => c.emit(convOp(c.attrs, c.input(0), c.input(1), null, c.output(0))),
  depthwise_conv2d: (c) => c.emit(convOp(c.attrs, c.input(0), c.input(1), null, c.output(0))),
  // inputs: x, mean, variance, scale, bias
  batch_norm: (c) =>
    c.emit(batchNormOp(c.attrs, 'data_format', {x: c.input(0), mean: c.input(1), variance: c.input(2), scale: c.input(3), bias: c.input(4)}, c.output(0))),
  hardswish: (c) => c.emit(hardSwishOp(c.attrs, c.input(0), c.output(0))),
  relu: (c) => c.emit({op: 'relu', x: c.input(0), out: c.output(0)}),
  sigmoid: (c) => c.emit({op: 'sigmoid', x: c.input(0), out: c.output(0)}),
  hardsigmoid: (c) => c.emit(hardSigmoidOp(c.attrs, c.input(0), c.output(0))),
  add: (c) => c.emit({op: 'add', x: c.input(0), y: c.input(1), axis: -1, out: c.output(0)}),
  multiply: (c) => c.emit({op: 'mul', x: c.input(0), y: c.input(1), axis: -1, out: c.output(0)}),
  pool2d: (c) => c.emit(poolOp(c.attrs, c.input(0), c.constant(1), c.output(0))),
  reshape: (c) => c.emit({op: 'reshape', x: c.input(0), shape: c.constant(1), out: c.output(0)}),
  flatten: (c) => c.emit(flattenOp(c.attrs, c.input(0), c.output(0))),
  matmul: (c) =>
    c.emit({
      op: 'matmul',
      x: c.input(0),
      y: c.input(1),
      transposeX: c.attrs.boolean('transpose_x', false),
      transposeY: c.attrs.boolean('transpose_y', false),
      alpha: 1,
      out: c.output(0),
    }),
  dropout: (c) => c.emit(dropoutOp(c.attrs, 'p', 'mode', c.input(0), c.output(0))),
  softmax: (c) => c.emit(softmaxOp(c.attrs, c.input(0), c.output(0))),
  scale: (c) => {
    const scale = c.constant(1);
    if (scale.length !== 1) throw new PaddleConvertError(`scale: expected a single scale value, got ${scale.length}`);
    c.emit(scaleOp(c.attrs, c.input(0), scale[0]!, c.output(0)));
  },
};

/** `1.relu_` -> `relu`: the dialect prefix is dropped and in-place variants map to their pure form. */
function baseName(type: string): string {
  return type.replace(/^\d+\./, '').replace(/_$/, '');
}

const DATA = 'data';
const FETCH = 'fetch';
const CONSTANT_OPS = new Set(['full_int_array', 'full']);

export function pirToNet(program: PirProgram): NetProgram {
  const known = (t: string) => t === DATA || t === FETCH || CONSTANT_OPS.has(t) || t in TRANSLATORS;
  const unsupported = [...new Set(program.ops.map((o) => o.type).filter((t) => !known(baseName(t))))];
  if (unsupported.length > 0) throw new UnsupportedOpsError(unsupported.sort());

  const parameters = program.parameters.map((p) => ({name: p.name, shape: p.value.shape}));
  const names = new Map<number, string>(program.parameters.map((p) => [p.value.id, p.name]));
  const shapes = new Map<string, number[]>(parameters.map((p) => [p.name, p.shape]));
  const constants = new Map<number, number[]>();

  const ops: NetOp[] = [];
  let input: string | null = null;
  let inputShape: number[] = [];
  let output: {value: string; col: number} | null = null;
  for (const op of program.ops) {
    const type = baseName(op.type);
    const attrs = new Attrs(op.attrs, op.type);
    const inputId = (i: number): number => {
      const id = op.inputs[i];
      if (id === undefined || id === null) throw new PaddleConvertError(`${op.type}: input ${i} is missing`);
      return id;
    };
    const value = (i: number): string => {
      const id = inputId(i);
      const name = names.get(id);
      if (name !== undefined) return name;
      if (constants.has(id)) throw new PaddleConvertError(`${op.type}: a constant tensor as input ${i} is not supported`);
      throw new PaddleConvertError(`${op.type}: value %${id} is used before it is defined`);
    };
    const define = (i: number): string => {
      const out = op.outputs[i];
      if (out === undefined) throw new PaddleConvertError(`${op.type}: output ${i} is missing`);
      const name = `%${out.id}`;
      names.set(out.id, name);
      shapes.set(name, out.shape);
      return name;
    };
    if (CONSTANT_OPS.has(type)) {
      const out = op.outputs[0];
      if (out === undefined) throw new PaddleConvertError(`${op.type}: no output`);
      constants.set(out.id, Array.isArray(op.attrs.get('value')) ? attrs.numbers('value') : [attrs.number('value')]);
      continue;
    }
    if (type === DATA) {
      if (input !== null) throw new PaddleConvertError('programs with more than one input are not supported');
      input = define(0);
      inputShape = attrs.numbers('shape', op.outputs[0]!.shape);
      continue;
    }
    if (type === FETCH) {
      const col = attrs.number('col', 0);
      if (output === null || col >= output.col) output = {value: value(0), col};
      continue;
    }
    TRANSLATORS[type]!({
      op,
      attrs,
      input: value,
      constant: (i) => {
        const c = constants.get(inputId(i));
        if (c === undefined) throw new PaddleConvertError(`${op.type}: input ${i} must be a constant (full_int_array or full)`);
        return c;
      },
      output: define,
      emit: (o) => ops.push(o),
    });
  }
  if (input === null) throw new PaddleConvertError('inference.json has no data operator');
  if (output === null) throw new PaddleConvertError('inference.json has no fetch operator');
  return {input, inputShape, output: output.value, parameters, ops, shapes};
}
