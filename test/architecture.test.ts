import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import {expandLayers, imagenetConfig, listParameters, makeDivisible, parameterCount, textlineConfig} from '../src/models/architecture.js';
import {buildLCNet, META_SYNTHETIC} from '../src/models/builder.js';
import {inspectOnnx} from '../src/onnx/inspect.js';

describe('PP-LCNet architecture and builder', () => {
  it('make_divisible follows PaddleClas', () => {
    assert.equal(makeDivisible(16 * 0.25), 8);
    assert.equal(makeDivisible(16 * 0.35), 8);
    assert.equal(makeDivisible(32 * 0.35), 16);
    assert.equal(makeDivisible(64 * 0.75), 48);
    assert.equal(makeDivisible(512 * 2.5), 1280);
    assert.equal(makeDivisible(3), 8);
  });

  it('parameter counts match the published figures exactly', () => {
    assert.equal(parameterCount(imagenetConfig(1.0)), 2963464); // published 2.96 M
    assert.equal(parameterCount(imagenetConfig(0.25)), 1523936); // published 1.52 M
    const published: [number, number][] = [
      [0.25, 1.52], [0.35, 1.65], [0.5, 1.89], [0.75, 2.37], [1.0, 2.96], [1.5, 4.52], [2.0, 6.54], [2.5, 9.04],
    ];
    for (const [scale, millions] of published) {
      assert.equal(Math.round(parameterCount(imagenetConfig(scale)) / 1e4) / 100, millions, `x${scale}`);
    }
  });

  it('names parameters as PaddleClas creates them (SE convs between depthwise and pointwise)', () => {
    const names = listParameters(expandLayers(textlineConfig(0.25))).map((p) => p.name);
    // the real text-line model: conv2d_23 depthwise, 24/25 SE, 26 pointwise, linear_0 [128, 2]
    assert.ok(names.includes('conv2d_24.b_0') && names.includes('conv2d_25.b_0'));
    assert.ok(!names.includes('conv2d_31.w_0'));
    const shapes = new Map(listParameters(expandLayers(textlineConfig(0.25))).map((p) => [p.name, p.shape]));
    assert.deepEqual(shapes.get('conv2d_23.w_0'), [64, 1, 5, 5]);
    assert.deepEqual(shapes.get('conv2d_26.w_0'), [128, 64, 1, 1]);
    assert.deepEqual(shapes.get('linear_0.w_0'), [128, 2]);
  });

  it('builds a valid ONNX model whose initializers hold exactly the parameters', () => {
    const built = buildLCNet({config: imagenetConfig(1.0), seed: 3});
    assert.equal(built.graph.parameterCount((name) => /\.[wb]_\d+$/.test(name)), 2963464);
    const info = inspectOnnx(built.bytes);
    assert.deepEqual(info.inputs[0]!.shape, ['batch', 3, 224, 224]);
    assert.deepEqual(info.outputs[0]!.shape, ['batch', 1000]);
    assert.equal(info.producers.probs, 'Softmax');
    assert.equal(info.metadata[META_SYNTHETIC], 'true');
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = buildLCNet({config: imagenetConfig(0.25), seed: 7}).bytes;
    const b = buildLCNet({config: imagenetConfig(0.25), seed: 7}).bytes;
    const c = buildLCNet({config: imagenetConfig(0.25), seed: 8}).bytes;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('rejects weights of the wrong shape and marks real weights as not synthetic', () => {
    const synthetic = buildLCNet({config: imagenetConfig(0.25), seed: 1});
    const weights = new Map(synthetic.weights);
    const real = buildLCNet({config: imagenetConfig(0.25), weights});
    assert.equal(inspectOnnx(real.bytes).metadata[META_SYNTHETIC], 'false');
    weights.set('linear_0.b_0', new Float32Array(3));
    assert.throws(() => buildLCNet({config: imagenetConfig(0.25), weights}), /linear_0\.b_0 has 3 values, expected 1000/);
    weights.delete('conv2d_0.w_0');
    assert.throws(() => buildLCNet({config: imagenetConfig(0.25), weights}), /missing weight conv2d_0\.w_0/);
  });

  for (const [label, config] of [
    ['x0.25 ImageNet', imagenetConfig(0.25)],
    ['x1.0 at 256x192 with 10 classes', imagenetConfig(1.0, 10, [256, 192])],
    ['x0.25 text-line variant', textlineConfig(0.25)],
    ['x2.5 ImageNet', imagenetConfig(2.5)],
  ] as const) {
    it(`runs: ${label} gives finite probabilities that sum to 1 and depend on the input`, async () => {
      const built = buildLCNet({config, seed: 11});
      const session = await ort.InferenceSession.create(built.bytes);
      const [h, w] = config.inputSize;
      const batch = 3;
      const x = new Float32Array(batch * 3 * h * w);
      for (let i = 0; i < x.length; i++) {
        const image = Math.floor(i / (3 * h * w));
        x[i] = Math.sin(i * (0.001 + image * 0.0007)) * (1 + image);
      }
      const out = await session.run({x: new ort.Tensor('float32', x, [batch, 3, h, w])});
      const probs = out.probs!;
      assert.deepEqual(probs.dims, [batch, config.classCount]);
      const p = probs.data as Float32Array;
      for (let b = 0; b < batch; b++) {
        let sum = 0;
        for (let c = 0; c < config.classCount; c++) {
          const v = p[b * config.classCount + c]!;
          assert.ok(Number.isFinite(v) && v >= 0, `probability ${v}`);
          sum += v;
        }
        assert.ok(Math.abs(sum - 1) < 1e-4, `sum ${sum}`);
      }
      const row = (b: number) => Array.from(p.subarray(b * config.classCount, (b + 1) * config.classCount));
      assert.notDeepEqual(row(0), row(1), 'different images must give different outputs');
      await session.release();
    });
  }
});
