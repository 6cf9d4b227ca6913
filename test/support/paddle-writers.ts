/**
 * Test generators for Paddle inference models: writes a PP-LCNet (from `architecture.ts` and a
 * weight map) as a Paddle 3 PIR `inference.json` or a Paddle 2 `inference.pdmodel` ProgramDesc,
 * each with its `inference.pdiparams`, mirroring the structure of the official exports in
 * ../shared/models/paddle (parameter naming, operator sequence, attributes, value shapes).
 */

import {expandLayers, listParameters, SE_HARDSIGMOID, type ActivationLayer, type ConvLayer, type Layer, type LCNetConfig, type LinearLayer} from '../../src/models/architecture.js';
import type {WeightMap} from '../../src/models/seeded-weights.js';
import {writeParameters, type StoredTensor} from '../../src/models/paddle/pdiparams.js';
import {ProtoWriter} from '../../src/proto/writer.js';

export type DropoutMode = 'upscale_in_train' | 'downgrade_in_infer';

export interface WriterOptions {
  /** dropout after the last conv: default downgrade_in_infer with the config's p, as PaddleClas exports it */
  dropoutMode?: DropoutMode;
  dropoutProb?: number;
}

/** A value flowing through the writer: a format-specific reference and its NCHW shape (-1 batch). */
interface Value<R> {
  ref: R;
  shape: number[];
}

/** Format-specific operator emission; `walkNetwork` drives it layer by layer. */
interface Emitter<R> {
  input(shape: number[]): Value<R>;
  conv(x: Value<R>, l: ConvLayer, shape: number[]): Value<R>;
  batchNorm(x: Value<R>, name: string): Value<R>;
  act(x: Value<R>, fn: ActivationLayer['fn']): Value<R>;
  globalPool(x: Value<R>): Value<R>;
  multiply(x: Value<R>, y: Value<R>): Value<R>;
  add(x: Value<R>, y: Value<R>): Value<R>;
  dropout(x: Value<R>, mode: DropoutMode, p: number): Value<R>;
  flatten(x: Value<R>): Value<R>;
  linear(x: Value<R>, l: LinearLayer): Value<R>;
  softmax(x: Value<R>): Value<R>;
  fetch(x: Value<R>): void;
}

function convShape(x: number[], l: ConvLayer): number[] {
  const out = (size: number, stride: number) => Math.floor((size + 2 * l.pad - l.kernel) / stride) + 1;
  return [x[0]!, l.outChannels, out(x[2]!, l.stride[0]), out(x[3]!, l.stride[1])];
}

function walkNetwork<R>(config: LCNetConfig, e: Emitter<R>, opts: WriterOptions): void {
  const [h, w] = config.inputSize;
  let x = e.input([-1, 3, h, w]);
  const emit = (v: Value<R>, l: Layer | ConvLayer | ActivationLayer): Value<R> => {
    switch (l.kind) {
      case 'conv':
        return e.conv(v, l, convShape(v.shape, l));
      case 'bn':
        return e.batchNorm(v, l.name);
      case 'act':
        return e.act(v, l.fn);
      case 'se': {
        let s = e.globalPool(v);
        for (const inner of l.layers) s = emit(s, inner);
        return e.multiply(v, s);
      }
      case 'residual': {
        let y = v;
        for (const inner of l.layers) y = emit(y, inner);
        return e.add(v, y);
      }
      case 'globalpool':
        return e.globalPool(v);
      case 'dropout':
        return e.dropout(v, opts.dropoutMode ?? 'downgrade_in_infer', opts.dropoutProb ?? l.p);
      case 'flatten':
        return e.flatten(v);
      case 'linear':
        return e.linear(v, l);
      case 'softmax':
        return e.softmax(v);
    }
  };
  for (const l of expandLayers(config)) x = emit(x, l);
  e.fetch(x);
}

/** Paddle 3 exports name batch norms `batch_norm2d_N` and suffix every parameter `_deepcopy_K`. */
export function paddle3ParameterName(builderName: string, creationIndex: number): string {
  return `${builderName.replace(/^batch_norm_/, 'batch_norm2d_')}_deepcopy_${creationIndex}`;
}

function tensors(config: LCNetConfig, weights: WeightMap, rename: (name: string, index: number) => string): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  listParameters(expandLayers(config)).forEach((p, i) => {
    const data = weights.get(p.name);
    if (!data) throw new Error(`no weight for ${p.name}`);
    out.set(rename(p.name, i), {dims: p.shape, data});
  });
  return out;
}

// ---------------------------------------------------------------- Paddle 3 (PIR JSON)

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};

const pirAttr = {
  i32: (v: number): Json => ({'#': '0.a_i32', D: v}),
  i64: (v: number): Json => ({'#': '0.a_i64', D: v}),
  f32: (v: number): Json => ({'#': '0.a_f32', D: v}),
  bool: (v: boolean): Json => ({'#': '0.a_bool', D: v}),
  str: (v: string): Json => ({'#': '0.a_str', D: v}),
  i32s: (v: number[]): Json => ({'#': '0.a_array', D: v.map(pirAttr.i32)}),
  i64s: (v: number[]): Json => ({'#': '0.a_array', D: v.map(pirAttr.i64)}),
};

function tensorType(shape: number[], dtype = '0.t_f32'): Json {
  return {'#': '0.t_dtensor', D: [{'#': dtype}, shape, 'NCHW', [], 0]};
}

/** The model as a Paddle 3 PIR program and its parameters. */
export function writePaddle3(config: LCNetConfig, weights: WeightMap, opts: WriterOptions = {}): {json: string; params: Uint8Array} {
  const params = listParameters(expandLayers(config));
  const stored = tensors(config, weights, paddle3ParameterName);
  const storedNames = [...stored.keys()];
  // parameter declarations come first, in reverse creation order, with ids 1..P
  const paramIds = new Map<string, number>();
  const ops: Json[] = [];
  for (let i = params.length - 1; i >= 0; i--) {
    const id = params.length - i;
    paramIds.set(params[i]!.name, id);
    ops.push({'#': 'p', A: [0, 1, 1, storedNames[i]!], DA: [], O: {'%': id, TT: tensorType(params[i]!.shape)}, OA: [1, 0, 1], QA: []});
  }
  let nextId = params.length + 1;
  const op = (type: string, attrs: [string, Json][], inputs: number[], outShapes: number[][], dtype = '0.t_f32'): number[] => {
    const ids = outShapes.map(() => nextId++);
    ops.push({
      '#': type,
      A: attrs.map(([name, at]) => ({AT: at, N: name})),
      I: inputs.map((id) => ({'%': id})),
      O: ids.map((id, k) => ({'%': id, TT: tensorType(outShapes[k]!, dtype)})),
      OA: [],
    });
    return ids;
  };
  const param = (name: string) => paramIds.get(name)!;
  const intArray = (values: number[]) => op('1.full_int_array', [['value', pirAttr.i64s(values)], ['dtype', {'#': '1.a_dtype', D: 'int64'}]], [], [[values.length]], '0.t_i64')[0]!;
  const unary = (type: string, x: Value<number>, attrs: [string, Json][] = []): Value<number> => ({ref: op(type, attrs, [x.ref], [x.shape])[0]!, shape: x.shape});

  walkNetwork<number>(
    config,
    {
      input: (shape) => ({
        ref: op('1.data', [['name', pirAttr.str('x')], ['shape', {'#': '1.a_intarray', D: shape}], ['dtype', {'#': '1.a_dtype', D: 'float32'}], ['place', {'#': '1.a_place', D: [0, 0, '']}]], [], [shape])[0]!,
        shape,
      }),
      conv: (x, l, shape) => {
        const depthwise = l.groups > 1 && l.groups === l.inChannels;
        const attrs: [string, Json][] = [
          ['strides', pirAttr.i32s(l.stride)],
          ['paddings', pirAttr.i32s([l.pad, l.pad])],
          ['padding_algorithm', pirAttr.str('EXPLICIT')],
          ...(depthwise
            ? ([['groups', pirAttr.i32(l.groups)], ['dilations', pirAttr.i32s([1, 1])]] as [string, Json][])
            : ([['dilations', pirAttr.i32s([1, 1])], ['groups', pirAttr.i32(l.groups)]] as [string, Json][])),
          ['data_format', pirAttr.str('NCHW')],
        ];
        const out = op(depthwise ? '1.depthwise_conv2d' : '1.conv2d', attrs, [x.ref, param(`${l.name}.w_0`)], [shape])[0]!;
        if (!l.bias) return {ref: out, shape};
        const bias = op('1.reshape', [], [param(`${l.name}.b_0`), intArray([1, -1, 1, 1])], [[1, l.outChannels, 1, 1]])[0]!;
        return {ref: op('1.add', [], [out, bias], [shape])[0]!, shape};
      },
      batchNorm: (x, name) => {
        const c = x.shape[1]!;
        const ids = op(
          '1.batch_norm_',
          [
            ['is_test', pirAttr.bool(true)],
            ['momentum', pirAttr.f32(0.9)],
            ['epsilon', pirAttr.f32(1e-5)],
            ['data_format', pirAttr.str('NCHW')],
            ['use_global_stats', pirAttr.bool(true)],
            ['trainable_statistics', pirAttr.bool(false)],
          ],
          [x.ref, param(`${name}.w_1`), param(`${name}.w_2`), param(`${name}.w_0`), param(`${name}.b_0`)],
          [x.shape, [c], [c], [c], [c], [-1]],
        );
        return {ref: ids[0]!, shape: x.shape};
      },
      act: (x, fn) =>
        fn === 'hardsigmoid'
          ? unary('1.hardsigmoid', x, [['slope', pirAttr.f32(SE_HARDSIGMOID.alpha)], ['offset', pirAttr.f32(SE_HARDSIGMOID.beta)]])
          : unary(`1.${fn}`, x),
      globalPool: (x) => {
        const shape = [x.shape[0]!, x.shape[1]!, 1, 1];
        const attrs: [string, Json][] = [
          ['strides', pirAttr.i32s([1, 1])],
          ['paddings', pirAttr.i32s([0, 0])],
          ['ceil_mode', pirAttr.bool(false)],
          ['exclusive', pirAttr.bool(true)],
          ['data_format', pirAttr.str('NCHW')],
          ['pooling_type', pirAttr.str('avg')],
          ['global_pooling', pirAttr.bool(false)],
          ['adaptive', pirAttr.bool(true)],
          ['padding_algorithm', pirAttr.str('EXPLICIT')],
        ];
        return {ref: op('1.pool2d', attrs, [x.ref, intArray([1, 1])], [shape])[0]!, shape};
      },
      multiply: (x, y) => ({ref: op('1.multiply', [], [x.ref, y.ref], [x.shape])[0]!, shape: x.shape}),
      add: (x, y) => ({ref: op('1.add', [], [x.ref, y.ref], [x.shape])[0]!, shape: x.shape}),
      dropout: (x, mode, p) => {
        const attrs: [string, Json][] = [['p', pirAttr.f32(p)], ['is_test', pirAttr.bool(true)], ['mode', pirAttr.str(mode)], ['seed', pirAttr.i32(0)], ['fix_seed', pirAttr.bool(false)]];
        const ids = op('1.dropout', attrs, [x.ref, 0], [x.shape, [-1]]);
        return {ref: ids[0]!, shape: x.shape};
      },
      flatten: (x) => {
        const shape = [x.shape[0]!, x.shape.slice(1).reduce((a, b) => a * b, 1)];
        return {ref: op('1.flatten', [['start_axis', pirAttr.i32(1)], ['stop_axis', pirAttr.i32(3)]], [x.ref], [shape])[0]!, shape};
      },
      linear: (x, l) => {
        const shape = [x.shape[0]!, l.outFeatures];
        const mm = op('1.matmul', [['transpose_x', pirAttr.bool(false)], ['transpose_y', pirAttr.bool(false)]], [x.ref, param(`${l.name}.w_0`)], [shape])[0]!;
        return {ref: op('1.add', [], [mm, param(`${l.name}.b_0`)], [shape])[0]!, shape};
      },
      softmax: (x) => unary('1.softmax', x, [['axis', pirAttr.i32(-1)]]),
      fetch: (x) => {
        op('1.fetch', [['name', pirAttr.str('fetch_name_0')], ['col', pirAttr.i32(0)]], [x.ref], [x.shape]);
      },
    },
    opts,
  );
  const program = {
    base_code: {magic: 'pir', trainable: true, version: 1},
    program: {regions: [{'#': 'region_0', blocks: [{'#': 'block_0', args: [], ops}]}]},
  };
  return {json: JSON.stringify(program), params: writeParameters(stored)};
}

// ---------------------------------------------------------------- Paddle 2 (ProgramDesc)

/** framework.proto VarType.Type values */
export const VAR_LOD_TENSOR = 7;
export const VAR_FEED_MINIBATCH = 9;
export const VAR_FETCH_LIST = 10;
const FP32 = 5;

export type DescAttr = ['int', number] | ['float', number] | ['string', string] | ['ints', number[]] | ['bool', boolean];

export interface DescOpSpec {
  type: string;
  inputs: [string, string[]][];
  outputs: [string, string[]][];
  attrs: [string, DescAttr][];
}

function encodeAttr(name: string, [kind, value]: DescAttr): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  switch (kind) {
    case 'int':
      return w.varint(2, 0).varint(3, value);
    case 'float':
      return w.varint(2, 1).float(4, value);
    case 'string':
      return w.varint(2, 2).string(5, value);
    case 'ints':
      return w.varint(2, 3).repeatedVarints(6, value);
    case 'bool':
      return w.varint(2, 6).varint(10, value);
  }
}

export function encodeVar(name: string, type: number, dims: number[] | null, persistable: boolean): ProtoWriter {
  const varType = new ProtoWriter().varint(1, type);
  if (dims) {
    const desc = new ProtoWriter().varint(1, FP32).repeatedVarints(2, dims);
    varType.message(3, new ProtoWriter().message(1, desc).varint(2, 0));
  }
  const v = new ProtoWriter().string(1, name).message(2, varType);
  if (persistable) v.varint(3, true);
  return v;
}

function encodeOp(op: DescOpSpec): ProtoWriter {
  const w = new ProtoWriter();
  const slot = (field: number, [parameter, args]: [string, string[]]) => {
    const s = new ProtoWriter().string(1, parameter);
    for (const a of args) s.string(2, a);
    w.message(field, s);
  };
  op.inputs.forEach((s) => slot(1, s));
  op.outputs.forEach((s) => slot(2, s));
  w.string(3, op.type);
  for (const [name, value] of op.attrs) w.message(4, encodeAttr(name, value));
  return w;
}

/** Encodes a single-block ProgramDesc (version 2.2.0 like the PaddleClas exports). */
export function encodeProgramDesc(vars: ProtoWriter[], ops: DescOpSpec[]): Uint8Array {
  const block = new ProtoWriter().varint(1, 0).varint(2, -1);
  for (const v of vars) block.message(3, v);
  for (const op of ops) block.message(4, encodeOp(op));
  return new ProtoWriter().message(1, block).message(4, new ProtoWriter().varint(1, 2002000)).finish();
}

/** The model as a Paddle 2 ProgramDesc and its parameters. */
export function writePaddle2(config: LCNetConfig, weights: WeightMap, opts: WriterOptions = {}): {pdmodel: Uint8Array; params: Uint8Array} {
  const params = listParameters(expandLayers(config));
  const vars: ProtoWriter[] = [encodeVar('feed', VAR_FEED_MINIBATCH, null, true), encodeVar('fetch', VAR_FETCH_LIST, null, true)];
  for (const p of params) vars.push(encodeVar(p.name, VAR_LOD_TENSOR, p.shape, true));
  const ops: DescOpSpec[] = [];
  const counters = new Map<string, number>();
  const temp = (prefix: string, shape: number[]): Value<string> => {
    const k = counters.get(prefix) ?? 0;
    counters.set(prefix, k + 1);
    const name = `${prefix}_${k}.tmp_0`;
    vars.push(encodeVar(name, VAR_LOD_TENSOR, shape, false));
    return {ref: name, shape};
  };
  const unary = (type: string, x: Value<string>, attrs: [string, DescAttr][] = [], shape = x.shape): Value<string> => {
    const out = temp(type, shape);
    ops.push({type, inputs: [['X', [x.ref]]], outputs: [['Out', [out.ref]]], attrs});
    return out;
  };
  const elementwise = (type: string, x: Value<string>, y: string, axis: number): Value<string> => {
    const out = temp(type, x.shape);
    ops.push({type, inputs: [['X', [x.ref]], ['Y', [y]]], outputs: [['Out', [out.ref]]], attrs: [['axis', ['int', axis]]]});
    return out;
  };

  walkNetwork<string>(
    config,
    {
      input: (shape) => {
        vars.push(encodeVar('x', VAR_LOD_TENSOR, shape, false));
        ops.push({type: 'feed', inputs: [['X', ['feed']]], outputs: [['Out', ['x']]], attrs: [['col', ['int', 0]]]});
        return {ref: 'x', shape};
      },
      conv: (x, l, shape) => {
        const depthwise = l.groups > 1 && l.groups === l.inChannels;
        const type = depthwise ? 'depthwise_conv2d' : 'conv2d';
        const out = temp(type, shape);
        ops.push({
          type,
          inputs: [['Bias', []], ['Filter', [`${l.name}.w_0`]], ['Input', [x.ref]], ['ResidualData', []]],
          outputs: [['Output', [out.ref]]],
          attrs: [
            ['paddings', ['ints', [l.pad, l.pad]]],
            ['dilations', ['ints', [1, 1]]],
            ['data_format', ['string', 'NCHW']],
            ['padding_algorithm', ['string', 'EXPLICIT']],
            ['strides', ['ints', l.stride]],
            ['groups', ['int', l.groups]],
            ['fuse_activation', ['string', '']],
            ['is_test', ['bool', true]],
          ],
        });
        return l.bias ? elementwise('elementwise_add', out, `${l.name}.b_0`, 1) : out;
      },
      batchNorm: (x, name) => {
        const y = temp('batch_norm', x.shape);
        const saved = [temp('batch_norm_saved', [x.shape[1]!]), temp('batch_norm_saved', [x.shape[1]!])];
        ops.push({
          type: 'batch_norm',
          inputs: [['Bias', [`${name}.b_0`]], ['Mean', [`${name}.w_1`]], ['MomentumTensor', []], ['Scale', [`${name}.w_0`]], ['Variance', [`${name}.w_2`]], ['X', [x.ref]]],
          outputs: [['MeanOut', [`${name}.w_1`]], ['SavedMean', [saved[0]!.ref]], ['SavedVariance', [saved[1]!.ref]], ['VarianceOut', [`${name}.w_2`]], ['Y', [y.ref]]],
          attrs: [
            ['data_layout', ['string', 'NCHW']],
            ['epsilon', ['float', 1e-5]],
            ['is_test', ['bool', true]],
            ['use_global_stats', ['bool', false]],
            ['momentum', ['float', 0.9]],
          ],
        });
        return y;
      },
      act: (x, fn) => {
        switch (fn) {
          case 'hardswish':
            return unary('hard_swish', x, [['scale', ['float', 6]], ['offset', ['float', 3]], ['threshold', ['float', 6]]]);
          case 'relu':
            return unary('relu', x);
          case 'hardsigmoid':
            return unary('hard_sigmoid', x, [['slope', ['float', SE_HARDSIGMOID.alpha]], ['offset', ['float', SE_HARDSIGMOID.beta]]]);
          case 'sigmoid':
            return unary('sigmoid', x);
        }
      },
      globalPool: (x) =>
        unary(
          'pool2d',
          x,
          [
          ['ceil_mode', ['bool', false]],
          ['ksize', ['ints', [1, 1]]],
          ['padding_algorithm', ['string', 'EXPLICIT']],
          ['data_format', ['string', 'NCHW']],
          ['adaptive', ['bool', true]],
          ['strides', ['ints', [1, 1]]],
          ['paddings', ['ints', [0, 0]]],
          ['pooling_type', ['string', 'avg']],
          ['global_pooling', ['bool', false]],
          ['exclusive', ['bool', true]],
          ],
          [x.shape[0]!, x.shape[1]!, 1, 1],
        ),
      multiply: (x, y) => elementwise('elementwise_mul', x, y.ref, -1),
      add: (x, y) => elementwise('elementwise_add', x, y.ref, -1),
      dropout: (x, mode, p) => {
        const out = temp('dropout', x.shape);
        const mask = temp('dropout_mask', x.shape);
        ops.push({
          type: 'dropout',
          inputs: [['Seed', []], ['X', [x.ref]]],
          outputs: [['Mask', [mask.ref]], ['Out', [out.ref]]],
          attrs: [['dropout_implementation', ['string', mode]], ['seed', ['int', 0]], ['fix_seed', ['bool', false]], ['is_test', ['bool', true]], ['dropout_prob', ['float', p]]],
        });
        return out;
      },
      flatten: (x) => {
        const out = temp('flatten', [x.shape[0]!, x.shape.slice(1).reduce((a, b) => a * b, 1)]);
        const xshape = temp('flatten_xshape', [0, ...x.shape]);
        ops.push({
          type: 'flatten_contiguous_range',
          inputs: [['X', [x.ref]]],
          outputs: [['Out', [out.ref]], ['XShape', [xshape.ref]]],
          attrs: [['start_axis', ['int', 1]], ['stop_axis', ['int', 3]]],
        });
        return out;
      },
      linear: (x, l) => {
        const mm = temp('linear', [x.shape[0]!, l.outFeatures]);
        ops.push({type: 'matmul_v2', inputs: [['X', [x.ref]], ['Y', [`${l.name}.w_0`]]], outputs: [['Out', [mm.ref]]], attrs: [['trans_x', ['bool', false]], ['trans_y', ['bool', false]]]});
        return elementwise('elementwise_add', mm, `${l.name}.b_0`, 1);
      },
      softmax: (x) => unary('softmax', x, [['axis', ['int', -1]]]),
      fetch: (x) => {
        ops.push({type: 'fetch', inputs: [['X', [x.ref]]], outputs: [['Out', ['fetch']]], attrs: [['col', ['int', 0]]]});
      },
    },
    opts,
  );
  return {pdmodel: encodeProgramDesc(vars, ops), params: writeParameters(tensors(config, weights, (n) => n))};
}

/** A hand-assembled Paddle 2 program over input `x`, for testing single operators. */
export class TinyProgram {
  private readonly vars: ProtoWriter[] = [encodeVar('feed', VAR_FEED_MINIBATCH, null, true), encodeVar('fetch', VAR_FETCH_LIST, null, true)];
  private readonly ops: DescOpSpec[] = [];
  private readonly params = new Map<string, StoredTensor>();

  constructor(inputShape: number[]) {
    this.vars.push(encodeVar('x', VAR_LOD_TENSOR, inputShape, false));
    this.ops.push({type: 'feed', inputs: [['X', ['feed']]], outputs: [['Out', ['x']]], attrs: [['col', ['int', 0]]]});
  }

  param(name: string, dims: number[], data: Float32Array): string {
    this.vars.push(encodeVar(name, VAR_LOD_TENSOR, dims, true));
    this.params.set(name, {dims, data});
    return name;
  }

  /** Appends an operator; `outputs` declares each output variable with its shape. */
  op(type: string, inputs: Record<string, string[]>, outputs: Record<string, [string, number[]]>, attrs: [string, DescAttr][] = []): void {
    for (const [name, shape] of Object.values(outputs)) this.vars.push(encodeVar(name, VAR_LOD_TENSOR, shape, false));
    this.ops.push({type, inputs: Object.entries(inputs), outputs: Object.entries(outputs).map(([slot, [name]]) => [slot, [name]]), attrs});
  }

  /** The program fetching `output`, and its parameter file. */
  build(output: string): {pdmodel: Uint8Array; params: Uint8Array} {
    const ops = [...this.ops, {type: 'fetch', inputs: [['X', [output]]], outputs: [['Out', ['fetch']]], attrs: [['col', ['int', 0]]]} as DescOpSpec];
    return {pdmodel: encodeProgramDesc(this.vars, ops), params: writeParameters(this.params)};
  }
}
