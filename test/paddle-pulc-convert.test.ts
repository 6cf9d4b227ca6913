import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {convertPaddleDir, convertPaddleModel} from '../src/models/paddle/convert.js';
import {UnsupportedOpsError} from '../src/models/paddle/net.js';
import {writeParameters} from '../src/models/paddle/pdiparams.js';
import {SeededRandom} from '../src/models/seeded-weights.js';
import {logitsModel, maxAbsDiff, runProbs} from './support/paddle-fixtures.js';
import {TinyProgram} from './support/paddle-writers.js';
import {seededPulcParameters} from './support/pulc-weights.js';
import {requireShared} from './support/shared-data.js';

const TOLERANCE = 1e-4;

function random(shape: number[], seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return data;
}

describe('paddle conversion: PaddleOCR and PULC graphs', function () {
  it('converts the real PaddleOCR classifier (shape, slice, reshape2 by ShapeTensor, matmul) and reproduces expected.json', async function () {
    const dir = requireShared(this, 'models/paddle/ch_ppocr_mobile_v2.0_cls_infer');
    const reference = JSON.parse(readFileSync(join(dir, 'reference', 'expected.json'), 'utf8')) as {
      input: string;
      input_shape: number[];
      expected_output: number[][];
    };
    const bytes = readFileSync(join(dir, 'reference', reference.input));
    const input = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const [, , height, width] = reference.input_shape as [number, number, number, number];
    // the program declares 32x100 but PaddleOCR feeds 48x192: the declared size is a nominal one
    assert.throws(() => convertPaddleModel({format: 'paddle2', program: readFileSync(join(dir, 'inference.pdmodel')), params: new Uint8Array(), yml: null, name: 'x'}));
    const model = await convertPaddleDir(dir, {inputSize: [height, width]});
    assert.equal(model.format, 'paddle2');
    assert.equal(model.classCount, 2);
    assert.equal(model.outputIsProbability, true);
    const {data, dims} = await runProbs(model.onnx, input, reference.input_shape);
    assert.deepEqual(dims, [2, 2]);
    const expected = reference.expected_output.flat();
    const worst = maxAbsDiff(data, expected);
    // the probabilities saturate at 1, so also compare the tiny ones through their logarithms
    const worstLog = maxAbsDiff(Array.from(data, Math.log), expected.map(Math.log));
    console.log(`      PaddleOCR cls: max |p - expected| = ${worst.toExponential(2)}, max |log p - log expected| = ${worstLog.toExponential(2)}`);
    assert.ok(worst < TOLERANCE, `max difference ${worst}`);
    assert.ok(worstLog < 1e-3, `max log difference ${worstLog}`);
    assert.ok(data[0]! > 0.99 && data[3]! > 0.99, 'upright is 0, turned is 180');
  });

  for (const [name, classes] of [
    ['person_exists_infer', 2],
    ['text_image_orientation_infer', 4],
  ] as const) {
    it(`converts the real PULC ${name} graph with seeded weights and matches the PP-LCNet x1_0 builder`, async function () {
      const pdmodel = readFileSync(requireShared(this, `models/paddle/pulc-graphs/${name}/inference.pdmodel`));
      requireShared(this, 'models/paddle/PPLCNet_x0_75_infer/inference.pdmodel');
      const {program, built, stored} = seededPulcParameters(pdmodel, classes, 1000 + classes);
      assert.equal(stored.size, built.weights.size);
      const model = convertPaddleModel({format: 'paddle2', program: pdmodel, params: writeParameters(stored), yml: null, name});
      assert.deepEqual(model.inputSize, [224, 224]);
      assert.equal(model.classCount, classes);
      assert.equal(model.outputIsProbability, true);
      const input = random([2, 3, 224, 224], classes);
      const dims = [2, 3, 224, 224];
      const worst = maxAbsDiff((await runProbs(model.onnx, input, dims)).data, (await runProbs(built.bytes, input, dims)).data);
      // compare logits too: a seeded classifier saturates its softmax
      const {programDescToNet} = await import('../src/models/paddle/desc-to-net.js');
      const {netToOnnx} = await import('../src/models/paddle/to-onnx.js');
      const {readParameters} = await import('../src/models/paddle/pdiparams.js');
      const net = programDescToNet(program);
      const lowered = netToOnnx(net, readParameters(writeParameters(stored), net.parameters), {name, inputSize: [224, 224], classCount: classes});
      const logits = (await runProbs(logitsModel(lowered.graph), input, dims)).data;
      const expectedLogits = (await runProbs(logitsModel(built.graph), input, dims)).data;
      const worstLogit = maxAbsDiff(logits, expectedLogits);
      const logitScale = Math.max(...Array.from(expectedLogits, Math.abs));
      console.log(`      ${name}: max |dp| = ${worst.toExponential(2)}, max |dlogit| = ${worstLogit.toExponential(2)} (logits up to ${logitScale.toFixed(1)})`);
      assert.ok(worst < TOLERANCE, `max probability difference ${worst}`);
      assert.ok(worstLogit < TOLERANCE * Math.max(1, logitScale), `max logit difference ${worstLogit}`);
    });
  }
});

describe('paddle operators: shape arithmetic, constants, sigmoid', function () {
  it('sigmoid ends an attribute head: probabilities, no softmax', async function () {
    const x = random([2, 3, 1, 2], 21);
    const p = new TinyProgram([-1, 3, 1, 2]);
    p.op('flatten_contiguous_range', {X: ['x']}, {Out: ['f', [-1, 6]], XShape: ['fx', [0, 2, 3, 1, 2]]}, [['start_axis', ['int', 1]], ['stop_axis', ['int', 3]]]);
    p.op('sigmoid', {X: ['f']}, {Out: ['s', [-1, 6]]});
    const {pdmodel, params} = p.build('s');
    const model = convertPaddleModel({format: 'paddle2', program: pdmodel, params, yml: null, name: 'sig'});
    assert.equal(model.outputIsProbability, true);
    const {data} = await runProbs(model.onnx, x, [2, 3, 1, 2]);
    assert.ok(maxAbsDiff(data, Array.from(x, (v) => 1 / (1 + Math.exp(-v)))) < 1e-6);
  });

  it('shape + slice (decrease_axis) + reshape2 from a ShapeTensor list, fill_constant added in', async function () {
    const x = random([4, 3, 1, 1], 22);
    const p = new TinyProgram([-1, 3, 1, 1]);
    p.op('shape', {Input: ['x']}, {Out: ['sh', [4]]});
    p.op('slice', {Input: ['sh'], StartsTensor: [], EndsTensor: []}, {Out: ['n', [1]]}, [
      ['axes', ['ints', [0]]],
      ['starts', ['ints', [0]]],
      ['ends', ['ints', [1]]],
      ['decrease_axis', ['ints', [0]]],
    ]);
    // a negative start and an end past the last dimension, as Paddle clamps them
    p.op('slice', {Input: ['sh']}, {Out: ['c', [1]]}, [
      ['axes', ['ints', [0]]],
      ['starts', ['ints', [-3]]],
      ['ends', ['ints', [-2]]],
      ['decrease_axis', ['ints', [0]]],
    ]);
    p.op('reshape2', {X: ['x'], Shape: [], ShapeTensor: ['n', 'c']}, {Out: ['r', [-1, -1]], XShape: ['rx', [0, -1, 3, 1, 1]]}, [['shape', ['ints', [-1, -1]]]]);
    p.op('fill_constant', {}, {Out: ['k', [1]]}, [
      ['dtype', ['int', 5]],
      ['shape', ['ints', [1]]],
      ['value', ['float', 0.25]],
    ]);
    p.op('elementwise_add', {X: ['r'], Y: ['k']}, {Out: ['y', [-1, 3]]}, [['axis', ['int', -1]]]);
    const {pdmodel, params} = p.build('y');
    const model = convertPaddleModel({format: 'paddle2', program: pdmodel, params, yml: null, name: 'shape'});
    assert.equal(model.outputIsProbability, false);
    const {data, dims} = await runProbs(model.onnx, x, [4, 3, 1, 1]);
    assert.deepEqual(dims, [4, 3]);
    assert.ok(maxAbsDiff(data, Array.from(x, (v) => v + 0.25)) < 1e-6);
  });

  it('still names every operator it cannot translate, and refuses slice bounds given by tensors', function () {
    const p = new TinyProgram([-1, 3, 2, 2]);
    p.op('gelu', {X: ['x']}, {Out: ['g', [-1, 3, 2, 2]]});
    p.op('swish', {X: ['g']}, {Out: ['s', [-1, 3, 2, 2]]});
    const {pdmodel, params} = p.build('s');
    assert.throws(
      () => convertPaddleModel({format: 'paddle2', program: pdmodel, params, yml: null, name: 'u'}),
      (e: Error) => e instanceof UnsupportedOpsError && e.message === 'unsupported Paddle operators: gelu, swish',
    );
    const q = new TinyProgram([-1, 3, 2, 2]);
    q.op('shape', {Input: ['x']}, {Out: ['sh', [4]]});
    q.op('slice', {Input: ['sh'], StartsTensor: ['sh']}, {Out: ['n', [1]]}, [
      ['axes', ['ints', [0]]],
      ['starts', ['ints', [0]]],
      ['ends', ['ints', [1]]],
    ]);
    const built = q.build('n');
    assert.throws(() => convertPaddleModel({format: 'paddle2', program: built.pdmodel, params: built.params, yml: null, name: 'u'}), /slice: a StartsTensor input is not supported/);
  });
});
