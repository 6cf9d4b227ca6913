import assert from 'node:assert/strict';
import {expandLayers, parameterCount} from '../src/models/architecture.js';
import {v2Config} from '../src/models/architecture-v2.js';
import {buildLCNet} from '../src/models/builder.js';
import {convertPaddleModel} from '../src/models/paddle/convert.js';
import {resolveModel} from '../src/models/resolve.js';
import {SeededRandom} from '../src/models/seeded-weights.js';
import {maxAbsDiff, runProbs} from './support/paddle-fixtures.js';
import {writePaddle2, writePaddle3} from './support/paddle-writers.js';

function randomBatch(batch: number, [h, w]: [number, number], seed: number) {
  const rng = new SeededRandom(seed);
  const data = new Float32Array(batch * 3 * h * w);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return {data, dims: [batch, 3, h, w]};
}

describe('PP-LCNetV2 in the architecture definition', function () {
  it('PPLCNetV2_base has the published 6.6 M parameters (exported form, BN statistics counted as PaddleClas does)', function () {
    const base = parameterCount(v2Config('base'));
    console.log(`      PPLCNetV2_base: ${base} parameters; small ${parameterCount(v2Config('small'))}, large ${parameterCount(v2Config('large'))}`);
    assert.equal(base, 6640488);
    assert.equal(Math.round(base / 1e5) / 10, 6.6);
    // the shortcut blocks are there: stage 4's second block, and no other
    const layers = expandLayers(v2Config('base'));
    assert.equal(layers.filter((l) => l.kind === 'residual').length, 1);
    assert.equal(layers.filter((l) => l.kind === 'se').length, 6);
  });

  it('builds and runs synthetic:PPLCNetV2_base: 1000 probabilities per image', async function () {
    const model = await resolveModel({spec: 'synthetic:PPLCNetV2_base'});
    assert.equal(model.manifest.synthetic, true);
    assert.equal(model.manifest.labels.length, 1000);
    const input = randomBatch(2, [224, 224], 1);
    const {data, dims} = await runProbs(model.onnx as Uint8Array, input.data, input.dims);
    assert.deepEqual(dims, [2, 1000]);
    for (const row of [data.subarray(0, 1000), data.subarray(1000)]) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    assert.ok(maxAbsDiff(data.subarray(0, 1000), data.subarray(1000)) > 1e-6, 'different inputs, different outputs');
  });

  it('written as Paddle 2 and Paddle 3 programs (sigmoid SE, shortcut add), converts back to the builder', async function () {
    const config = v2Config('small', 10, [64, 64]);
    const built = buildLCNet({config, seed: 2});
    const input = randomBatch(2, config.inputSize, 3);
    const expected = await runProbs(built.bytes, input.data, input.dims);
    const {pdmodel, params} = writePaddle2(config, built.weights);
    const {json, params: params3} = writePaddle3(config, built.weights);
    for (const m of [
      convertPaddleModel({format: 'paddle2', program: pdmodel, params, yml: null, name: 'v2'}),
      convertPaddleModel({format: 'paddle3', program: new TextEncoder().encode(json), params: params3, yml: null, name: 'v2'}),
    ]) {
      const worst = maxAbsDiff((await runProbs(m.onnx, input.data, input.dims)).data, expected.data);
      console.log(`      PP-LCNetV2 small ${m.format}: max |dp| = ${worst.toExponential(2)}`);
      assert.ok(worst < 1e-4, `${m.format}: ${worst}`);
    }
  });
});
