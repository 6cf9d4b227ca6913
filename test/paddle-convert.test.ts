import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {imagenetConfig, textlineConfig, type LCNetConfig} from '../src/models/architecture.js';
import {buildLCNet} from '../src/models/builder.js';
import {SeededRandom, type WeightMap} from '../src/models/seeded-weights.js';
import {convertPaddleDir, convertPaddleModel, type ConvertedModel} from '../src/models/paddle/convert.js';
import {programDescToNet} from '../src/models/paddle/desc-to-net.js';
import {readParameters, writeParameters, type StoredTensor} from '../src/models/paddle/pdiparams.js';
import {parseProgramDesc, VAR_TYPE} from '../src/models/paddle/program-desc.js';
import {netToOnnx} from '../src/models/paddle/to-onnx.js';
import {shortCropBatch, stretchedBatch} from './support/paddle-images.js';
import {logitsModel, maxAbsDiff, runProbs} from './support/paddle-fixtures.js';
import {requireShared} from './support/shared-data.js';
import {writePaddle2, writePaddle3, type WriterOptions} from './support/paddle-writers.js';

const TOLERANCE = 1e-4;
/** textline reference.csv on JPEG inputs: see the textline test */
const JPEG_DECODER_TOLERANCE = 2e-3;

function convert3(config: LCNetConfig, weights: WeightMap, opts?: WriterOptions): ConvertedModel {
  const {json, params} = writePaddle3(config, weights, opts);
  return convertPaddleModel({format: 'paddle3', program: new TextEncoder().encode(json), params, yml: null, name: 'roundtrip'});
}

function convert2(config: LCNetConfig, weights: WeightMap, opts?: WriterOptions): ConvertedModel {
  const {pdmodel, params} = writePaddle2(config, weights, opts);
  return convertPaddleModel({format: 'paddle2', program: pdmodel, params, yml: null, name: 'roundtrip'});
}

function randomBatch(batch: number, [h, w]: [number, number], seed: number): {data: Float32Array; dims: number[]} {
  const rng = new SeededRandom(seed);
  const data = new Float32Array(batch * 3 * h * w);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return {data, dims: [batch, 3, h, w]};
}

/** Converts the builder's network written in both Paddle formats and returns the largest output difference. */
async function roundTrip(config: LCNetConfig, seed: number): Promise<number> {
  const built = buildLCNet({config, seed});
  const input = randomBatch(2, config.inputSize, seed + 1);
  const expected = await runProbs(built.bytes, input.data, input.dims);
  let worst = 0;
  for (const converted of [convert3(config, built.weights), convert2(config, built.weights)]) {
    assert.deepEqual(converted.inputSize, config.inputSize);
    assert.equal(converted.classCount, config.classCount);
    assert.equal(converted.outputIsProbability, true);
    const actual = await runProbs(converted.onnx, input.data, input.dims);
    assert.deepEqual(actual.dims, [2, config.classCount]);
    worst = Math.max(worst, maxAbsDiff(actual.data, expected.data));
  }
  return worst;
}

const TEXTLINE_CONFIG: LCNetConfig = textlineConfig(0.25);

function readCsv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const keys = header!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i]!, v])));
}

describe('paddle conversion: real models', function () {
  it('converts the real PP-LCNet_x0_25_textline_ori (Paddle 3) and reproduces reference.csv', async function () {
    const dir = requireShared(this, 'models/paddle/PP-LCNet_x0_25_textline_ori');
    const fixtures = requireShared(this, 'fixtures/textline');
    const model = await convertPaddleDir(dir);
    assert.equal(model.format, 'paddle3');
    assert.deepEqual(model.inputSize, [80, 160]);
    assert.equal(model.classCount, 2);
    assert.deepEqual(model.labels, ['0_degree', '180_degree']);
    assert.equal(model.outputIsProbability, true);
    assert.deepEqual(model.preprocess?.resize, {kind: 'stretch', width: 160, height: 80});
    assert.equal(model.preprocess?.crop, null);

    const reference = readCsv(join(fixtures, 'reference.csv'));
    const truth = new Map(readCsv(join(fixtures, 'labels.csv')).map((r) => [r.file!, r.degrees!]));
    const files = reference.map((r) => join(fixtures, r.file!));
    const input = await stretchedBatch(files, 160, 80, model.preprocess!.scale);
    const {data} = await runProbs(model.onnx, input, [files.length, 3, 80, 160]);
    const worst = {png: 0, jpg: 0};
    reference.forEach((row, i) => {
      const p = [data[2 * i]!, data[2 * i + 1]!];
      const kind = row.file!.endsWith('.png') ? 'png' : 'jpg';
      worst[kind] = Math.max(worst[kind], Math.abs(p[0]! - Number(row.p0)), Math.abs(p[1]! - Number(row.p180)));
      const predicted = model.labels![p[1]! > p[0]! ? 1 : 0]!;
      assert.equal(predicted, `${truth.get(row.file!)}_degree`, `${row.file}: predicted ${predicted}`);
    });
    console.log(
      `      textline: ${files.length} images, all labels right; max |p - reference.csv|: ` +
        `PNG ${worst.png.toExponential(2)}, JPEG ${worst.jpg.toExponential(2)}`,
    );
    assert.ok(worst.png < TOLERANCE, `PNG max difference ${worst.png}`);
    // The reference decoded JPEGs slightly differently from libjpeg-turbo 2.1 (sharp and djpeg
    // agree bit for bit; none of djpeg's DCT or upsampling variants reproduces reference.csv):
    // the network itself is exact on the lossless PNGs, so JPEGs only get a looser bound.
    assert.ok(worst.jpg < JPEG_DECODER_TOLERANCE, `JPEG max difference ${worst.jpg}`);
  });

  it('converts the real PPLCNet_x0_75 Paddle 2 program with seeded weights and matches the builder', async function () {
    const pdmodel = readFileSync(requireShared(this, 'models/paddle/PPLCNet_x0_75_infer/inference.pdmodel'));
    const imageDir = requireShared(this, 'imagenet/val-sample');
    const config = imagenetConfig(0.75);
    const built = buildLCNet({config, seed: 75});

    // a .pdiparams for the official program: the builder's weights matched by parameter name
    const program = parseProgramDesc(pdmodel);
    const stored = new Map<string, StoredTensor>();
    for (const v of program.vars) {
      if (!v.persistable || v.type === VAR_TYPE.FEED_MINIBATCH || v.type === VAR_TYPE.FETCH_LIST) continue;
      const data = built.weights.get(v.name);
      assert.ok(data, `the builder has no parameter ${v.name}`);
      assert.equal(data.length, v.dims.reduce((a, b) => a * b, 1), `${v.name} size`);
      stored.set(v.name, {dims: v.dims, data});
    }
    assert.equal(stored.size, built.weights.size);
    const model = convertPaddleModel({format: 'paddle2', program: pdmodel, params: writeParameters(stored), yml: null, name: 'PPLCNet_x0_75'});
    assert.deepEqual(model.inputSize, [224, 224]);
    assert.equal(model.classCount, 1000);
    assert.equal(model.preprocess, null);
    assert.equal(model.labels, null);

    // PaddleClas exports dropout as downgrade_in_infer: inference scales the 1280 features by
    // 1 - p, which the builder reproduces; a builder without it shows the comparison is sensitive
    const dropout = program.ops.find((o) => o.type === 'dropout');
    assert.equal(dropout?.attrs.get('dropout_implementation'), 'downgrade_in_infer');
    assert.equal(dropout!.attrs.get('dropout_prob') as number, Math.fround(config.dropout));
    const reference = built;
    const withoutDropout = buildLCNet({config: {...config, dropout: 0}, weights: built.weights});

    const files = readdirSync(imageDir).sort().slice(0, 4).map((f) => join(imageDir, f));
    const input = await shortCropBatch(files, 256, 224, 0.00392157);
    const dims = [files.length, 3, 224, 224];
    const worst = maxAbsDiff((await runProbs(model.onnx, input, dims)).data, (await runProbs(reference.bytes, input, dims)).data);

    // the seeded classifier saturates the softmax, so compare the logits too: the same lowering
    // convertPaddleModel does, with the final softmax of both graphs made an identity
    const net = programDescToNet(program);
    const lowered = netToOnnx(net, readParameters(writeParameters(stored), net.parameters), {name: 'x0_75', inputSize: [224, 224], classCount: 1000});
    const logits = (await runProbs(logitsModel(lowered.graph), input, dims)).data;
    const expectedLogits = (await runProbs(logitsModel(reference.graph), input, dims)).data;
    const unscaledLogits = (await runProbs(logitsModel(withoutDropout.graph), input, dims)).data;
    const logitScale = Math.max(...expectedLogits.map(Math.abs));
    const worstLogit = maxAbsDiff(logits, expectedLogits);
    console.log(
      `      x0_75 program vs builder: max |dp| = ${worst.toExponential(2)}, max |dlogit| = ${worstLogit.toExponential(2)} ` +
        `(logits up to ${logitScale.toFixed(1)}; a builder without the dropout scale differs by ${maxAbsDiff(logits, unscaledLogits).toFixed(1)})`,
    );
    assert.ok(worst < TOLERANCE, `max probability difference ${worst}`);
    assert.ok(worstLogit < TOLERANCE * Math.max(1, logitScale), `max logit difference ${worstLogit}`);
  });
});

describe('paddle conversion: round trips through both formats', function () {
  for (const scale of [0.25, 0.5, 1.0, 2.5]) {
    it(`PPLCNet x${scale}: Paddle 3 JSON and Paddle 2 ProgramDesc match the builder`, async function () {
      const worst = await roundTrip(imagenetConfig(scale, 1000, [64, 64]), Math.round(scale * 100));
      console.log(`      x${scale}: max |dp| = ${worst.toExponential(2)}`);
      assert.ok(worst < TOLERANCE, `max difference ${worst}`);
    });
  }

  it('text-line variant (asymmetric strides, no last conv, 2 classes, 80x160) matches the builder', async function () {
    const worst = await roundTrip(TEXTLINE_CONFIG, 11);
    console.log(`      textline variant: max |dp| = ${worst.toExponential(2)}`);
    assert.ok(worst < TOLERANCE, `max difference ${worst}`);
  });

  it('honours dropout modes: downgrade_in_infer scales by 1 - p, upscale_in_train is an identity', async function () {
    const config = imagenetConfig(0.25, 10, [32, 32]);
    const built = buildLCNet({config, seed: 3});
    const identity = buildLCNet({config: {...config, dropout: 0}, weights: built.weights});
    const input = randomBatch(2, config.inputSize, 5);
    const expected = await runProbs(built.bytes, input.data, input.dims);
    const expectedIdentity = await runProbs(identity.bytes, input.data, input.dims);
    assert.ok(maxAbsDiff(expected.data, expectedIdentity.data) > 1e-3, 'the dropout scale must change the outputs');
    for (const convert of [convert3, convert2]) {
      const downscaled = convert(config, built.weights, {dropoutMode: 'downgrade_in_infer', dropoutProb: config.dropout});
      assert.ok(maxAbsDiff((await runProbs(downscaled.onnx, input.data, input.dims)).data, expected.data) < TOLERANCE);
      const upscaled = convert(config, built.weights, {dropoutMode: 'upscale_in_train', dropoutProb: 0.25});
      assert.ok(maxAbsDiff((await runProbs(upscaled.onnx, input.data, input.dims)).data, expectedIdentity.data) < TOLERANCE);
    }
  });
});
