import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {imagenetConfig} from '../src/models/architecture.js';
import {buildLCNet} from '../src/models/builder.js';
import {SeededRandom} from '../src/models/seeded-weights.js';
import {convertPaddleDir, convertPaddleModel} from '../src/models/paddle/convert.js';
import {parseInferenceYml} from '../src/models/paddle/inference-yml.js';
import {PaddleConvertError, UnsupportedOpsError} from '../src/models/paddle/net.js';
import {PdiparamsError, readParameters, readPdiparams, sortParameterNames, writeParameters, writePdiparams, type StoredTensor} from '../src/models/paddle/pdiparams.js';
import {parsePirProgram} from '../src/models/paddle/pir-program.js';
import {parseProgramDesc} from '../src/models/paddle/program-desc.js';
import {ProtoWriter} from '../src/proto/writer.js';
import {requireShared} from './support/shared-data.js';
import {encodeProgramDesc, encodeVar, VAR_FEED_MINIBATCH, VAR_FETCH_LIST, VAR_LOD_TENSOR, writePaddle2, writePaddle3} from './support/paddle-writers.js';

function tensor(dims: number[], seed: number): StoredTensor {
  const rng = new SeededRandom(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return {dims, data};
}

/** One hand-made .pdiparams tensor of any data type (framework.proto VarType.Type). */
function rawTensor(dataType: number, dims: number[], payload: Uint8Array): Uint8Array {
  const desc = new ProtoWriter().varint(1, dataType).repeatedVarints(2, dims).finish();
  const header = new DataView(new ArrayBuffer(20));
  header.setInt32(16, desc.length, true);
  return Buffer.concat([new Uint8Array(header.buffer), desc, payload]);
}

function randomBytes(n: number, seed: number): Uint8Array {
  const rng = new SeededRandom(seed);
  return Uint8Array.from({length: n}, () => Math.floor(rng.uniform() * 256));
}

describe('paddle .pdiparams', function () {
  it('round-trips float32 tensors', function () {
    const tensors = [tensor([1], 1), tensor([2, 3], 2), tensor([4, 1, 3, 3], 3), tensor([7], 4)];
    const back = readPdiparams(writePdiparams(tensors));
    assert.equal(back.length, tensors.length);
    back.forEach((t, i) => {
      assert.deepEqual(t.dims, tensors[i]!.dims);
      assert.deepEqual(t.data, tensors[i]!.data);
    });
  });

  it('stores parameters sorted by name and checks each shape', function () {
    const params = new Map([
      ['linear_0.w_0', tensor([4, 2], 1)],
      ['conv2d_10.w_0', tensor([2, 1, 3, 3], 2)],
      ['conv2d_1.w_0', tensor([2, 1, 1, 1], 3)],
    ]);
    assert.deepEqual(sortParameterNames([...params.keys()]), ['conv2d_1.w_0', 'conv2d_10.w_0', 'linear_0.w_0']);
    const bytes = writeParameters(params);
    assert.deepEqual(readPdiparams(bytes).map((t) => t.dims), [[2, 1, 1, 1], [2, 1, 3, 3], [4, 2]]);
    const declared = [...params].map(([name, t]) => ({name, shape: t.dims}));
    const read = readParameters(bytes, declared);
    for (const [name, t] of params) assert.deepEqual(read.get(name), t.data);
    assert.throws(() => readParameters(bytes, [{name: 'conv2d_1.w_0', shape: [2, 1, 1, 1]}]), /bytes after the program's 1 parameters/);
    assert.throws(() => readParameters(bytes, [...declared, {name: 'zz', shape: [1]}]), /ends after 3 tensors/);
    assert.throws(() => readParameters(bytes, declared.map((d) => ({...d, shape: d.name === 'linear_0.w_0' ? [2, 4] : d.shape}))), /linear_0\.w_0: stored shape \[4, 2\] differs/);
  });

  it('converts FP16, BF16 and FP64 tensors to float32 and refuses integer tensors', function () {
    const fp16 = rawTensor(4, [3], Uint8Array.of(0x00, 0x3c, 0x00, 0xc0, 0x00, 0x35)); // 1, -2, 0.3125
    const bf16 = rawTensor(22, [1], Uint8Array.of(0xc0, 0x3f)); // 1.5
    const fp64 = new Float64Array([0.1, -3]);
    const fp64Bytes = rawTensor(6, [2], new Uint8Array(fp64.buffer));
    const [a, b, c] = readPdiparams(Buffer.concat([fp16, bf16, fp64Bytes]));
    assert.deepEqual([...a!.data], [1, -2, 0.3125]);
    assert.deepEqual([...b!.data], [1.5]);
    assert.deepEqual([...c!.data], [Math.fround(0.1), -3]);
    assert.throws(() => readPdiparams(rawTensor(3, [1], new Uint8Array(8))), /data type INT64 is not supported/);
  });

  it('reports truncated files and garbage clearly', function () {
    const bytes = writePdiparams([tensor([2, 3], 1), tensor([5], 2)]);
    for (const cut of [2, 10, 18, 21, 30, bytes.length - 1]) {
      assert.throws(() => readPdiparams(bytes.subarray(0, cut)), (e: Error) => e instanceof PdiparamsError && /truncated/.test(e.message), `cut at ${cut}`);
    }
    assert.throws(() => readPdiparams(randomBytes(64, 9)), PdiparamsError);
    assert.throws(() => readPdiparams(new TextEncoder().encode('{"program": {}} not parameters')), /unsupported LoDTensor version/);
  });

  it('reads the real textline parameters in sorted-name order', function () {
    const dir = requireShared(this, 'models/paddle/PP-LCNet_x0_25_textline_ori');
    const program = parsePirProgram(readFileSync(join(dir, 'inference.json'), 'utf8'));
    assert.equal(program.parameters.length, 145);
    assert.ok(program.parameters.some((p) => p.name === 'conv2d_0.w_0_deepcopy_0'));
    const weights = readParameters(readFileSync(join(dir, 'inference.pdiparams')), program.parameters.map((p) => ({name: p.name, shape: p.value.shape})));
    assert.equal(weights.size, 145);
    // BN variances are positive: a misaligned read would not keep them so
    for (const [name, data] of weights) if (/batch_norm2d_\d+\.w_2/.test(name)) assert.ok(data.every((v) => v > 0), name);
  });
});

describe('paddle programs: parsing and errors', function () {
  const config = imagenetConfig(0.25, 10, [32, 32]);
  const built = buildLCNet({config, seed: 1});

  it('parses the real Paddle 2 ProgramDesc', function () {
    const program = parseProgramDesc(readFileSync(requireShared(this, 'models/paddle/PPLCNet_x0_75_infer/inference.pdmodel')));
    assert.equal(program.version, 2002000);
    assert.equal(program.ops[0]!.type, 'feed');
    assert.equal(program.ops.at(-1)!.type, 'fetch');
    const conv = program.ops.find((o) => o.type === 'conv2d')!;
    assert.deepEqual(conv.inputs.get('Filter'), ['conv2d_0.w_0']);
    assert.deepEqual(conv.attrs.get('strides'), [2, 2]);
    assert.equal(program.ops.find((o) => o.type === 'softmax')!.attrs.get('axis'), -1);
    assert.deepEqual(program.vars.find((v) => v.name === 'x')!.dims, [-1, 3, 224, 224]);
  });

  it('names every unsupported operator of a Paddle 3 program', function () {
    const {json, params} = writePaddle3(config, built.weights);
    const doc = JSON.parse(json) as {program: {regions: {blocks: {ops: {'#': string}[]}[]}[]}};
    const ops = doc.program.regions[0]!.blocks[0]!.ops;
    ops.find((o) => o['#'] === '1.relu')!['#'] = '1.swish';
    ops.filter((o) => o['#'] === '1.hardswish').forEach((o) => (o['#'] = '1.gelu'));
    const program = new TextEncoder().encode(JSON.stringify(doc));
    assert.throws(
      () => convertPaddleModel({format: 'paddle3', program, params, yml: null, name: 't'}),
      (e: Error) => e instanceof UnsupportedOpsError && e.message === 'unsupported Paddle operators: 1.gelu, 1.swish',
    );
  });

  it('names every unsupported operator of a Paddle 2 program', function () {
    const vars = [encodeVar('feed', VAR_FEED_MINIBATCH, null, true), encodeVar('fetch', VAR_FETCH_LIST, null, true)];
    for (const name of ['x', 'a', 'b']) vars.push(encodeVar(name, VAR_LOD_TENSOR, [-1, 3, 8, 8], false));
    const program = encodeProgramDesc(vars, [
      {type: 'feed', inputs: [['X', ['feed']]], outputs: [['Out', ['x']]], attrs: [['col', ['int', 0]]]},
      {type: 'gelu', inputs: [['X', ['x']]], outputs: [['Out', ['a']]], attrs: []},
      {type: 'roi_align', inputs: [['X', ['a']]], outputs: [['Out', ['b']]], attrs: []},
      {type: 'fetch', inputs: [['X', ['b']]], outputs: [['Out', ['fetch']]], attrs: [['col', ['int', 0]]]},
    ]);
    assert.throws(() => convertPaddleModel({format: 'paddle2', program, params: new Uint8Array(0), yml: null, name: 't'}), /unsupported Paddle operators: gelu, roi_align/);
  });

  it('gives clear errors for corrupt programs', function () {
    const {pdmodel, params} = writePaddle2(config, built.weights);
    const p2 = (program: Uint8Array) => () => convertPaddleModel({format: 'paddle2', program, params, yml: null, name: 't'});
    assert.throws(p2(pdmodel.subarray(0, pdmodel.length - 7)), /inference\.pdmodel: not a valid ProgramDesc protobuf/);
    assert.throws(p2(randomBytes(300, 4)), /inference\.pdmodel: /);
    assert.throws(p2(new Uint8Array(0)), /inference\.pdmodel: file is empty/);
    const p3 = (text: string) => () => convertPaddleModel({format: 'paddle3', program: new TextEncoder().encode(text), params, yml: null, name: 't'});
    assert.throws(p3('{"program": {"regions": ['), /inference\.json: not valid JSON/);
    assert.throws(p3('{"program": {}}'), /inference\.json: program has no "regions"/);
    assert.throws(p3('{"base_code": {"magic": "onnx"}}'), /magic is "onnx"/);
    // parameters of another width do not fit the program
    const other = writePaddle3(imagenetConfig(0.5, 10, [32, 32]), buildLCNet({config: imagenetConfig(0.5, 10, [32, 32])}).weights);
    const json = writePaddle3(config, built.weights).json;
    assert.throws(
      () => convertPaddleModel({format: 'paddle3', program: new TextEncoder().encode(json), params: other.params, yml: null, name: 't'}),
      (e: Error) => e instanceof PdiparamsError && /stored shape .* differs/.test(e.message),
    );
  });

  it('reads a model directory and reports a missing program', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'lcnet-paddle-'));
    try {
      await assert.rejects(convertPaddleDir(dir), (e: Error) => e instanceof PaddleConvertError && /neither inference\.json nor inference\.pdmodel/.test(e.message));
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});

describe('paddle conversion: input size, labels and output kind', function () {
  const config = imagenetConfig(0.25, 2, [224, 224]);
  const {json, params} = writePaddle3(config, buildLCNet({config, seed: 2}).weights);
  /** the program with its data op declaring [-1, 3, -1, -1] */
  const dynamic = (() => {
    const doc = JSON.parse(json) as {program: {regions: {blocks: {ops: {'#': string; A: {N: string; AT: {D: unknown}}[]}[]}[]}[]}};
    const data = doc.program.regions[0]!.blocks[0]!.ops.find((o) => o['#'] === '1.data')!;
    data.A.find((a) => a.N === 'shape')!.AT.D = [-1, 3, -1, -1];
    return new TextEncoder().encode(JSON.stringify(doc));
  })();
  const convert = (program: Uint8Array, yml: string | null) => convertPaddleModel({format: 'paddle3', program, params, yml, name: 't'});
  const yml = (transforms: string[], labels = '[a, b]') =>
    ['PreProcess:', '  transform_ops:', ...[...transforms, 'NormalizeImage: {}'].map((t) => `  - ${t}`), 'PostProcess:', `  Topk: {topk: 1, label_list: ${labels}}`].join('\n');

  it('takes the input size from the program, else from inference.yml, else 224x224', function () {
    assert.deepEqual(convert(dynamic, null).inputSize, [224, 224]);
    assert.deepEqual(convert(dynamic, yml(['ResizeImage: {size: [160, 80]}'])).inputSize, [80, 160]);
    assert.deepEqual(convert(dynamic, yml(['ResizeImage: {resize_short: 256}', 'CropImage: {size: 192}'])).inputSize, [192, 192]);
    const fixed = new TextEncoder().encode(json);
    assert.deepEqual(convert(fixed, null).inputSize, [224, 224]);
    assert.throws(() => convert(fixed, yml(['ResizeImage: {size: [160, 80]}'])), /produces 160x80 images but the network input is 224x224/);
  });

  it('checks the label list against the output and reports a softmax output', function () {
    const model = convert(dynamic, yml(['ResizeImage: {size: 224}']));
    assert.deepEqual(model.labels, ['a', 'b']);
    assert.equal(model.classCount, 2);
    assert.equal(model.outputIsProbability, true);
    assert.equal(model.inputName, 'x');
    assert.equal(model.outputName, 'probs');
    assert.throws(() => convert(dynamic, yml(['ResizeImage: {size: 224}'], '[a, b, c]')), /lists 3 labels but the network has 2 outputs/);
  });
});

describe('paddle inference.yml', function () {
  it('reads PaddleX stretch preprocessing and labels', function () {
    const config = parseInferenceYml(readFileSync(requireShared(this, 'models/paddle/PP-LCNet_x0_25_textline_ori/inference.yml'), 'utf8'));
    assert.deepEqual(config.preprocess, {
      resize: {kind: 'stretch', width: 160, height: 80},
      crop: null,
      scale: 0.00392156862745098,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      channels: 'rgb',
    });
    assert.deepEqual(config.labels, ['0_degree', '180_degree']);
  });

  it('reads PaddleClas resize_short + crop with a fractional scale', function () {
    const yml = [
      'PreProcess:',
      '  transform_ops:',
      '  - DecodeImage: {to_rgb: true, channel_first: false}',
      '  - ResizeImage: {resize_short: 256}',
      '  - CropImage: {size: 224}',
      "  - NormalizeImage: {scale: 1.0/255.0, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], order: ''}",
      '  - ToCHWImage:',
      'PostProcess:',
      '  main_indicator: Topk',
      '  Topk: {topk: 5, label_list: [tench, goldfish]}',
    ].join('\n');
    const config = parseInferenceYml(yml);
    assert.deepEqual(config.preprocess?.resize, {kind: 'short', size: 256});
    assert.deepEqual(config.preprocess?.crop, {width: 224, height: 224});
    assert.equal(config.preprocess?.scale, 1 / 255);
    assert.deepEqual(config.labels, ['tench', 'goldfish']);
  });

  it('refuses transforms it cannot reproduce', function () {
    const yml = (...ops: string[]) => ['PreProcess:', '  transform_ops:', ...ops.map((op) => `  - ${op}`)].join('\n');
    assert.throws(
      () => parseInferenceYml(yml('ResizeImage: {size: 224}', 'RandCropImage: {size: 224}', 'GridMask: {}', 'NormalizeImage: {}')),
      /unsupported PreProcess transforms: RandCropImage, GridMask/,
    );
    assert.throws(() => parseInferenceYml(yml('ResizeImage: {size: 224, interpolation: bicubic}', 'NormalizeImage: {}')), /interpolation "bicubic" is not supported/);
    assert.throws(() => parseInferenceYml(yml('ResizeImage: {size: 224}')), /PreProcess has no NormalizeImage/);
    assert.throws(() => parseInferenceYml('PreProcess: [unclosed'), /inference\.yml: not valid YAML/);
  });
});
