/**
 * Translates a Paddle 2 `ProgramDesc` into the converter IR. Variables become values (renamed
 * when a program writes a variable twice, so every value has one producer); persistable
 * variables other than feed/fetch are the parameters.
 */

import {PaddleConvertError, UnsupportedOpsError, type NetOp, type NetProgram} from './net.js';
import {Attrs, batchNormOp, convOp, dropoutOp, flattenOp, hardSigmoidOp, hardSwishOp, poolOp, scaleOp, softmaxOp} from './op-semantics.js';
import {SHAPE_TRANSLATORS} from './ops-shape.js';
import {VAR_TYPE, type DescOp, type ProgramDesc} from './program-desc.js';

export interface Context {
  op: DescOp;
  attrs: Attrs;
  /** the value currently held by the single argument of an input slot */
  input(slot: string): string;
  /** the value of an optional input slot, null when empty */
  optional(slot: string): string | null;
  /** the values of every argument of an input slot (none when the slot is absent) */
  inputs(slot: string): string[];
  /** defines (a fresh value for) the single argument of an output slot */
  output(slot: string): string;
  emit(op: NetOp): void;
}

export type Translator = (c: Context) => void;

function elementwise(kind: 'add' | 'mul'): Translator {
  return (c) => c.emit({op: kind, x: c.input('X'), y: c.input('Y'), axis: c.attrs.number('axis', -1), out: c.output('Out')});
}

function matmul(transX: string, transY: string): Translator {
  return (c) =>
    c.emit({
      op: 'matmul',
      x: c.input('X'),
      y: c.input('Y'),
      transposeX: c.attrs.boolean(transX, false),
      transposeY: c.attrs.boolean(transY, false),
      alpha: c.attrs.number('alpha', 1),
      out: c.output('Out'),
    });
}

function conv(c: Context): void {
  if (c.optional('ResidualData') !== null || c.attrs.string('fuse_activation', '') !== '') {
    throw new PaddleConvertError(`${c.op.type}: fused residual/activation (an optimised program) is not supported`);
  }
  c.emit(convOp(c.attrs, c.input('Input'), c.input('Filter'), c.optional('Bias'), c.output('Output')));
}

const TRANSLATORS: Record<string, Translator> = {
  conv2d: conv,
  depthwise_conv2d: conv,
  batch_norm: (c) =>
    c.emit(
      batchNormOp(
        c.attrs,
        'data_layout',
        {x: c.input('X'), scale: c.input('Scale'), bias: c.input('Bias'), mean: c.input('Mean'), variance: c.input('Variance')},
        c.output('Y'),
      ),
    ),
  hard_swish: (c) => c.emit(hardSwishOp(c.attrs, c.input('X'), c.output('Out'))),
  relu: (c) => c.emit({op: 'relu', x: c.input('X'), out: c.output('Out')}),
  hard_sigmoid: (c) => c.emit(hardSigmoidOp(c.attrs, c.input('X'), c.output('Out'))),
  elementwise_add: elementwise('add'),
  elementwise_mul: elementwise('mul'),
  pool2d: (c) => c.emit(poolOp(c.attrs, c.input('X'), c.attrs.numbers('ksize'), c.output('Out'))),
  flatten_contiguous_range: (c) => c.emit(flattenOp(c.attrs, c.input('X'), c.output('Out'))),
  flatten2: flatten2d,
  flatten: flatten2d,
  matmul_v2: matmul('trans_x', 'trans_y'),
  matmul: matmul('transpose_X', 'transpose_Y'),
  mul: (c) => {
    const xCols = c.attrs.number('x_num_col_dims', 1);
    const yCols = c.attrs.number('y_num_col_dims', 1);
    if (xCols !== 1 || yCols !== 1) throw new PaddleConvertError(`mul: x_num_col_dims ${xCols} / y_num_col_dims ${yCols} are not supported (only 1)`);
    const out = c.output('Out');
    const flat = `${out}@flat`;
    c.emit({op: 'flatten2d', x: c.input('X'), axis: 1, out: flat});
    c.emit({op: 'matmul', x: flat, y: c.input('Y'), transposeX: false, transposeY: false, alpha: 1, out});
  },
  dropout: (c) => c.emit(dropoutOp(c.attrs, 'dropout_prob', 'dropout_implementation', c.input('X'), c.output('Out'))),
  softmax: (c) => c.emit(softmaxOp(c.attrs, c.input('X'), c.output('Out'))),
  scale: (c) => {
    if (c.optional('ScaleTensor') !== null) throw new PaddleConvertError('scale: a ScaleTensor input is not supported');
    c.emit(scaleOp(c.attrs, c.input('X'), c.attrs.number('scale', 1), c.output('Out')));
  },
  ...SHAPE_TRANSLATORS,
};

function flatten2d(c: Context): void {
  c.emit({op: 'flatten2d', x: c.input('X'), axis: c.attrs.number('axis', 1), out: c.output('Out')});
}

const FEED = 'feed';
const FETCH = 'fetch';

export function programDescToNet(desc: ProgramDesc): NetProgram {
  const unsupported = [...new Set(desc.ops.map((o) => o.type).filter((t) => t !== FEED && t !== FETCH && !(t in TRANSLATORS)))];
  if (unsupported.length > 0) throw new UnsupportedOpsError(unsupported.sort());

  const vars = new Map(desc.vars.map((v) => [v.name, v]));
  const isParameter = (v: {type: number; persistable: boolean}) => v.persistable && v.type !== VAR_TYPE.FEED_MINIBATCH && v.type !== VAR_TYPE.FETCH_LIST;
  const parameters = desc.vars.filter(isParameter).map((v) => ({name: v.name, shape: v.dims}));
  const shapes = new Map<string, number[]>(parameters.map((p) => [p.name, p.shape]));
  /** variable name -> the value it currently holds */
  const current = new Map<string, string>(parameters.map((p) => [p.name, p.name]));
  const used = new Set(current.values());
  const define = (name: string): string => {
    let value = name;
    for (let k = 1; used.has(value); k++) value = `${name}@${k}`;
    used.add(value);
    current.set(name, value);
    shapes.set(value, vars.get(name)?.dims ?? []);
    return value;
  };

  const ops: NetOp[] = [];
  let input: string | null = null;
  let output: {value: string; col: number} | null = null;
  for (const op of desc.ops) {
    const single = (slots: Map<string, string[]>, slot: string, kind: string): string => {
      const args = slots.get(slot) ?? [];
      if (args.length !== 1) throw new PaddleConvertError(`${op.type}: ${kind} ${slot} has ${args.length} arguments, expected 1`);
      return args[0]!;
    };
    const read = (name: string): string => {
      const value = current.get(name);
      if (value === undefined) throw new PaddleConvertError(`${op.type}: input variable ${name} is used before it is written`);
      return value;
    };
    const attrs = new Attrs(op.attrs, op.type);
    if (op.type === FEED) {
      if (input !== null) throw new PaddleConvertError('programs with more than one input are not supported');
      input = define(single(op.outputs, 'Out', 'output'));
      continue;
    }
    if (op.type === FETCH) {
      const col = attrs.number('col', 0);
      if (output === null || col >= output.col) output = {value: read(single(op.inputs, 'X', 'input')), col};
      continue;
    }
    TRANSLATORS[op.type]!({
      op,
      attrs,
      input: (slot) => read(single(op.inputs, slot, 'input')),
      optional: (slot) => {
        const args = op.inputs.get(slot) ?? [];
        return args.length === 0 ? null : read(single(op.inputs, slot, 'input'));
      },
      inputs: (slot) => (op.inputs.get(slot) ?? []).map(read),
      output: (slot) => define(single(op.outputs, slot, 'output')),
      emit: (o) => ops.push(o),
    });
  }
  if (input === null) throw new PaddleConvertError('inference.pdmodel has no feed operator');
  if (output === null) throw new PaddleConvertError('inference.pdmodel has no fetch operator');
  return {input, inputShape: shapes.get(input)!, output: output.value, parameters, ops, shapes};
}
