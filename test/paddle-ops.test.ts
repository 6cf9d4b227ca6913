import assert from 'node:assert/strict';
import {SeededRandom} from '../src/models/seeded-weights.js';
import {convertPaddleModel} from '../src/models/paddle/convert.js';
import {maxAbsDiff, runProbs} from './support/paddle-fixtures.js';
import {conv2d, matmul, pool2d, transpose2d, type Tensor} from './support/paddle-reference.js';
import {TinyProgram, type DescAttr} from './support/paddle-writers.js';

const TOLERANCE = 1e-4;

function random(shape: number[], seed: number): Tensor {
  const rng = new SeededRandom(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return {data, shape};
}

/** Ends the program in a flatten to [batch, rest], converts it and runs it on `input`. */
async function run(p: TinyProgram, last: string, lastShape: number[], input: Tensor): Promise<Float32Array> {
  const features = lastShape.slice(1).reduce((a, b) => a * b, 1);
  p.op('flatten_contiguous_range', {X: [last]}, {Out: ['flat', [-1, features]], XShape: ['flat_xshape', [0, ...lastShape]]}, [
    ['start_axis', ['int', 1]],
    ['stop_axis', ['int', lastShape.length - 1]],
  ]);
  const {pdmodel, params} = p.build('flat');
  const model = convertPaddleModel({format: 'paddle2', program: pdmodel, params, yml: null, name: 'ops'});
  assert.equal(model.outputIsProbability, false);
  return (await runProbs(model.onnx, input.data, input.shape)).data;
}

function convAttrs(paddings: number[], strides: number[], dilations: number[], groups: number, algorithm = 'EXPLICIT'): [string, DescAttr][] {
  return [
    ['paddings', ['ints', paddings]],
    ['strides', ['ints', strides]],
    ['dilations', ['ints', dilations]],
    ['groups', ['int', groups]],
    ['padding_algorithm', ['string', algorithm]],
  ];
}

describe('paddle operators against reference implementations', function () {
  it('conv2d: 4-value paddings, asymmetric strides, dilations and groups', async function () {
    const x = random([2, 3, 7, 9], 1);
    const w = random([6, 1, 2, 3], 2);
    const expected = conv2d(x, w, [1, 2], [1, 2, 0, 1], [2, 1], 3);
    const p = new TinyProgram([-1, 3, 7, 9]);
    p.param('w', w.shape, w.data);
    // Paddle's 4-value form is [top, bottom, left, right]
    p.op('depthwise_conv2d', {Input: ['x'], Filter: ['w'], Bias: [], ResidualData: []}, {Output: ['y', expected.shape]}, convAttrs([1, 0, 2, 1], [1, 2], [2, 1], 3));
    assert.ok(maxAbsDiff(await run(p, 'y', expected.shape, x), expected.data) < TOLERANCE);
  });

  it('conv2d: SAME (extra padding at the end, dilations ignored) and VALID', async function () {
    const x = random([1, 3, 7, 8], 3);
    const w = random([4, 3, 3, 3], 4);
    const cases: [string, number[], number[], Tensor][] = [
      // SAME, stride 2: out 4x4; pads h 2 -> [1, 1], w 1 -> [0, 1]
      ['SAME', [5, 5], [2, 2], conv2d(x, w, [2, 2], [1, 0, 1, 1], [1, 1], 1)],
      ['VALID', [5, 5], [1, 1], conv2d(x, w, [2, 2], [0, 0, 0, 0], [1, 1], 1)],
    ];
    for (const [algorithm, paddings, dilations, expected] of cases) {
      const p = new TinyProgram([-1, 3, 7, 8]);
      p.param('w', w.shape, w.data);
      p.op('conv2d', {Input: ['x'], Filter: ['w'], Bias: [], ResidualData: []}, {Output: ['y', expected.shape]}, convAttrs(paddings, [2, 2], dilations, 1, algorithm));
      assert.ok(maxAbsDiff(await run(p, 'y', expected.shape, x), expected.data) < TOLERANCE, algorithm);
    }
  });

  it('pool2d: max with ceil mode, exclusive and inclusive average with padding', async function () {
    const x = random([2, 3, 7, 7], 5);
    const cases: ['max' | 'avg', boolean, boolean][] = [
      ['max', true, true],
      ['avg', true, false],
      ['avg', false, false],
    ];
    for (const [type, exclusive, ceil] of cases) {
      const expected = pool2d(x, type, [3, 3], [2, 2], [1, 1, 1, 1], exclusive, ceil);
      const p = new TinyProgram([-1, 3, 7, 7]);
      p.op('pool2d', {X: ['x']}, {Out: ['y', expected.shape]}, [
        ['pooling_type', ['string', type]],
        ['ksize', ['ints', [3, 3]]],
        ['strides', ['ints', [2, 2]]],
        ['paddings', ['ints', [1, 1]]],
        ['exclusive', ['bool', exclusive]],
        ['ceil_mode', ['bool', ceil]],
        ['adaptive', ['bool', false]],
        ['global_pooling', ['bool', false]],
      ]);
      assert.ok(maxAbsDiff(await run(p, 'y', expected.shape, x), expected.data) < TOLERANCE, `${type} exclusive=${exclusive} ceil=${ceil}`);
    }
  });

  it('scale (bias before scale), hard_swish with its own constants, dropout downgrade_in_infer', async function () {
    const x = random([2, 3, 4, 4], 6);
    const expected = x.data.map((v) => {
      const s = (v + 1) * 0.5;
      const hs = (s * Math.min(Math.max(s + 2, 0), 4)) / 5;
      return hs * (1 - 0.3);
    });
    const p = new TinyProgram([-1, 3, 4, 4]);
    p.op('scale', {X: ['x']}, {Out: ['s', x.shape]}, [['scale', ['float', 0.5]], ['bias', ['float', 1]], ['bias_after_scale', ['bool', false]]]);
    p.op('hard_swish', {X: ['s']}, {Out: ['h', x.shape]}, [['threshold', ['float', 4]], ['scale', ['float', 5]], ['offset', ['float', 2]]]);
    p.op('dropout', {X: ['h'], Seed: []}, {Out: ['d', x.shape], Mask: ['m', x.shape]}, [['dropout_prob', ['float', 0.3]], ['dropout_implementation', ['string', 'downgrade_in_infer']]]);
    assert.ok(maxAbsDiff(await run(p, 'd', x.shape, x), expected) < TOLERANCE);
  });

  it('elementwise ops align lower-rank operands at axis, parameters and computed values alike', async function () {
    const x = random([2, 3, 4, 5], 7);
    const b = random([3], 8);
    const c = random([3, 4], 9);
    const d = random([4, 5], 10);
    const expected = x.data.map((v, i) => {
      const [ch, row, col] = [Math.floor(i / 20) % 3, Math.floor(i / 5) % 4, i % 5];
      return (v + 2 * b.data[ch]!) * c.data[ch * 4 + row]! + d.data[row * 5 + col]!;
    });
    const p = new TinyProgram([-1, 3, 4, 5]);
    p.param('b', [3], b.data);
    p.param('c', [3, 4], c.data);
    p.param('d', [4, 5], d.data);
    p.op('scale', {X: ['b']}, {Out: ['b2', [3]]}, [['scale', ['float', 2]]]);
    p.op('elementwise_add', {X: ['x'], Y: ['b2']}, {Out: ['s1', x.shape]}, [['axis', ['int', 1]]]);
    p.op('elementwise_mul', {X: ['s1'], Y: ['c']}, {Out: ['s2', x.shape]}, [['axis', ['int', 1]]]);
    p.op('elementwise_add', {X: ['s2'], Y: ['d']}, {Out: ['s3', x.shape]}, [['axis', ['int', -1]]]);
    assert.ok(maxAbsDiff(await run(p, 's3', x.shape, x), expected) < TOLERANCE);
  });

  it('reshape2, partial flatten, matmul with transpose_Y and alpha, mul on a 4-D input', async function () {
    const x = random([2, 3, 2, 2], 11);
    const w = random([5, 12], 12);
    const v = random([12, 4], 13);
    const viaMatmul = matmul(x.data, transpose2d(w.data, 5, 12), 2, 12, 5).map((t) => t * 0.5);
    const viaMul = matmul(x.data, v.data, 2, 12, 4);
    const p = new TinyProgram([-1, 3, 2, 2]);
    p.param('w', [5, 12], w.data);
    p.param('v', [12, 4], v.data);
    p.op('flatten_contiguous_range', {X: ['x']}, {Out: ['f', [-1, 6, 2]], XShape: ['fx', [0, 2, 3, 2, 2]]}, [['start_axis', ['int', 1]], ['stop_axis', ['int', 2]]]);
    p.op('reshape2', {X: ['f']}, {Out: ['r', [-1, 12]], XShape: ['rx', [0, 2, 6, 2]]}, [['shape', ['ints', [0, -1]]]]);
    p.op('matmul', {X: ['r'], Y: ['w']}, {Out: ['m', [-1, 5]]}, [['transpose_X', ['bool', false]], ['transpose_Y', ['bool', true]], ['alpha', ['float', 0.5]]]);
    assert.ok(maxAbsDiff(await run(p, 'm', [-1, 5], x), viaMatmul) < TOLERANCE);

    const q = new TinyProgram([-1, 3, 2, 2]);
    q.param('v', [12, 4], v.data);
    q.op('mul', {X: ['x'], Y: ['v']}, {Out: ['m', [-1, 4]]}, [['x_num_col_dims', ['int', 1]], ['y_num_col_dims', ['int', 1]]]);
    assert.ok(maxAbsDiff(await run(q, 'm', [-1, 4], x), viaMul) < TOLERANCE);
  });
});
