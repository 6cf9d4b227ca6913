import assert from 'node:assert/strict';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {UsageError} from '../src/errors.js';
import {imagenetConfig} from '../src/models/architecture.js';
import {buildLCNet} from '../src/models/builder.js';
import {defaultPreprocess, describeModel, manifestFacts, META_LABELS, META_PREPROCESS, onnxFacts, type ModelFacts} from '../src/models/describe.js';
import {loadCatalogue} from '../src/models/download/catalogue.js';
import {downloadModel} from '../src/models/download/install.js';
import {imagenetPreprocess} from '../src/models/manifest.js';
import {resolveModel} from '../src/models/resolve.js';
import {encodeModel} from '../src/onnx/encode.js';
import {OnnxGraph} from '../src/onnx/graph.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';

const facts = (extra: Partial<ModelFacts> = {}): ModelFacts => ({
  name: 'm',
  source: {kind: 'onnx'},
  inputName: 'x',
  outputName: 'probs',
  inputSize: [64, 64],
  classCount: 3,
  outputIsProbability: true,
  preprocess: null,
  labels: ['a', 'b', 'c'],
  ...extra,
});

describe('one model resolver', () => {
  describe('describeModel: one set of defaults', () => {
    it('resizes a square input to size / 0.875 and crops it; stretches any other shape', async () => {
      assert.deepEqual(defaultPreprocess([224, 224]), imagenetPreprocess());
      assert.deepEqual(defaultPreprocess(null), imagenetPreprocess());
      const square = await describeModel(facts());
      assert.deepEqual([square.manifest.preprocess.resize, square.manifest.preprocess.crop], [{kind: 'short', size: 73}, {width: 64, height: 64}]);
      assert.match(square.notes.join('\n'), /assuming the ImageNet eval transform \(resize short side 73, centre crop 64\)/);
      const wide = await describeModel(facts({inputSize: [80, 160]}));
      assert.deepEqual([wide.manifest.preprocess.resize, wide.manifest.preprocess.crop], [{kind: 'stretch', width: 160, height: 80}, null]);
    });

    it("keeps a model's own preprocessing, else its catalogue entry's", async () => {
      const own = {...imagenetPreprocess(), resize: {kind: 'stretch' as const, width: 64, height: 64}, crop: null, scale: 1 / 255};
      assert.deepEqual((await describeModel(facts({preprocess: own}))).manifest.preprocess, own);
      const entry = loadCatalogue().models.find((m) => m.name === 'PPLCNet_x0_25')!;
      const d = await describeModel(facts({inputSize: [224, 224], entry, classCount: 1000, labels: null}));
      assert.deepEqual(d.manifest.preprocess, entry.preprocess);
      assert.equal(d.manifest.labels.length, 1000);
      assert.deepEqual(d.notes, []);
    });

    it('applies --resize-short and --stretch to any model, keeping its normalisation, and refuses both together', async () => {
      const own = {...imagenetPreprocess(), resize: {kind: 'stretch' as const, width: 160, height: 80}, crop: null, scale: 1 / 255};
      const f = facts({inputSize: [80, 160], preprocess: own});
      const short = (await describeModel(f, {overrides: {resizeShort: 96}})).manifest.preprocess;
      assert.deepEqual(short, {...own, resize: {kind: 'short', size: 96}, crop: {width: 160, height: 80}});
      const stretched = (await describeModel(facts(), {overrides: {stretch: true}})).manifest.preprocess;
      assert.deepEqual([stretched.resize, stretched.crop, stretched.scale], [{kind: 'stretch', width: 64, height: 64}, null, imagenetPreprocess().scale]);
      await assert.rejects(describeModel(f, {overrides: {resizeShort: 60}}), (e) => e instanceof UsageError && /^resizeShort 60 is smaller than the 160x80 input$/.test(e.message));
      await assert.rejects(describeModel(f, {overrides: {resizeShort: 96, stretch: true}}), (e) => e instanceof UsageError && /exclude each other/.test(e.message));
    });

    it('takes --labels when the count matches, the ImageNet names for 1000 classes, and refuses a model without names', async () => {
      const dir = tempDir();
      try {
        const file = join(dir, 'l.txt');
        writeFileSync(file, 'x\ny\nz\n');
        assert.deepEqual((await describeModel(facts(), {labelsFile: file})).manifest.labels, ['x', 'y', 'z']);
        writeFileSync(file, 'x\ny\n');
        await assert.rejects(describeModel(facts(), {labelsFile: file}), /model m has 3 classes but .*l\.txt names 2/);
        await assert.rejects(describeModel(facts({labels: null})), (e) => e instanceof UsageError && /carries no class names \(3 classes\); pass a label file with labels$/.test(e.message));
        const imagenet = await describeModel(facts({labels: null, classCount: 1000, inputSize: [224, 224]}));
        assert.equal(imagenet.manifest.task, 'imagenet-1k');
        assert.match(imagenet.notes.join('\n'), /using the ImageNet-1k names/);
      } finally {
        rmSync(dir, {recursive: true, force: true});
      }
    });

    it("takes a PULC entry's shipped labels and post-processing, keeps a stored model's, and refuses a head that does not fit the outputs", async () => {
      const entry = loadCatalogue().models.find((m) => m.name === 'person_exists')!;
      assert.equal(entry.postprocess?.kind, 'thresh');
      const d = await describeModel(facts({entry, inputSize: entry.inputSize, classCount: 2, labels: null}));
      assert.deepEqual(d.manifest.postprocess, entry.postprocess);
      assert.equal(d.manifest.labels.length, 2);
      assert.deepEqual(d.manifest.preprocess, entry.preprocess);
      assert.equal(d.manifest.task, entry.task);
      const stored = await describeModel(manifestFacts({...d.manifest, onnxSha256: 'x'}), {overrides: {stretch: true}});
      assert.deepEqual([stored.manifest.postprocess, stored.manifest.labels], [entry.postprocess, d.manifest.labels]);
      assert.equal((await describeModel(facts())).manifest.postprocess, undefined, 'top-k when nothing says otherwise');
      await assert.rejects(describeModel(facts({postprocess: {kind: 'thresh', threshold: 0.5}})), /a thresh head reads 2 outputs, the model names 3/);
    });

    it("reads an lcnet-converted model's preprocessing and labels from its ONNX metadata", () => {
      const graph = new OnnxGraph('tagged');
      graph.inputs.push({name: 'x', elemType: 'float32', shape: ['batch', 3, 80, 160]});
      graph.node('Softmax', ['x'], {}, ['probs']);
      graph.outputs.push({name: 'probs', elemType: 'float32', shape: ['batch', 2]});
      const pre = {...imagenetPreprocess(), resize: {kind: 'stretch' as const, width: 160, height: 80}, crop: null, scale: 1 / 255};
      const bytes = encodeModel(graph, {producer: 'test', producerVersion: '0', metadata: {[META_PREPROCESS]: JSON.stringify(pre), [META_LABELS]: '["up","down"]'}});
      const f = onnxFacts(bytes, 'tagged.onnx');
      assert.deepEqual([f.inputSize, f.classCount, f.preprocess, f.labels], [[80, 160], 2, pre, ['up', 'down']]);
    });
  });

  describe('a square .onnx model named three ways', function () {
    this.timeout(120_000);
    let dir: string;
    let home: string;
    let onnx: string;
    let labels: string;
    before(async () => {
      dir = tempDir('lcnet-resolve-');
      home = join(dir, 'home');
      onnx = join(dir, 'square.onnx');
      writeFileSync(onnx, buildLCNet({config: imagenetConfig(0.25, 3, [64, 64]), seed: 3}).bytes);
      labels = join(dir, 'labels.txt');
      writeFileSync(labels, 'red\ngreen\nblue\n');
      mkdirSync(join(dir, 'images'));
      for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'images', `i${i}.png`), await rawImage(90 + 20 * i, 70, i).png().toBuffer());
      await downloadModel({from: onnx, labels, installName: 'square', home, env: {}});
    });
    after(() => rmSync(dir, {recursive: true, force: true}));

    it('describes it the same from the file and from the store, with and without flags', async () => {
      for (const overrides of [{}, {stretch: true}, {resizeShort: 100}]) {
        const file = await resolveModel({spec: onnx, labelsFile: labels, overrides, home});
        const stored = await resolveModel({spec: 'square', overrides, home});
        const pick = (m: typeof file.manifest) => [m.inputSize, m.preprocess, m.labels, m.outputIsProbability, m.onnxSha256];
        assert.deepEqual(pick(file.manifest), pick(stored.manifest), JSON.stringify(overrides));
      }
      const plain = await resolveModel({spec: onnx, labelsFile: labels, home});
      assert.deepEqual(plain.manifest.preprocess.resize, {kind: 'short', size: 73});
      assert.match(plain.warnings.join('\n'), /assuming the ImageNet eval transform/);
    });

    it("takes an installed model's bare name over a folder of that name in the working directory; ./NAME is the folder", async () => {
      const cwd = process.cwd();
      const here = join(dir, 'here');
      // a Paddle export folder named like the installed model, as README's walk-through leaves one
      mkdirSync(join(here, 'square'), {recursive: true});
      writeFileSync(join(here, 'square', 'inference.pdmodel'), 'program');
      process.chdir(here);
      try {
        const named = await resolveModel({spec: 'square', home});
        assert.equal(named.manifest.name, 'square');
        assert.equal(named.onnx, join(home, 'models', 'square', 'model.onnx'));
        await assert.rejects(resolveModel({spec: './square', home}), /square is a folder without model.json, not a model lcnet can run: install it first with 'lcnet download --from \.\/square'/);
      } finally {
        process.chdir(cwd);
      }
    });

    it('gives equal records through the CLI, and refuses --stretch with --resize-short', async () => {
      const env = {LCNET_HOME: home};
      const records = async (...model: string[]) => {
        const r = await runCli(['classify', join(dir, 'images'), '-k', '3', '--threads', '1', '--workers', '1', ...model], {env});
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.trim().split('\n').map((l) => {
          const {file, predictions} = JSON.parse(l) as {file: string; predictions: unknown};
          return {file, predictions};
        });
      };
      const stored = await records('-m', 'square', '--stretch');
      assert.equal(stored.length, 4);
      assert.deepEqual(await records('-m', onnx, '--labels', labels, '--stretch'), stored);
      const both = await runCli(['classify', join(dir, 'images'), '-m', 'square', '--stretch', '--resize-short', '80'], {env});
      assert.equal(both.code, 2);
      assert.match(both.stderr, /--stretch|--resize-short/);
      // the library's error, worded with the flags: the options a flag sets are named as flags
      const small = await runCli(['classify', join(dir, 'images'), '-m', 'square', '--resize-short', '10'], {env});
      assert.equal(small.code, 2, small.stderr);
      assert.match(small.stderr, /--resize-short 10 is smaller than the \d+x\d+ input/);
      const none = await runCli(['classify', join(dir, 'images'), '-m', onnx], {env});
      assert.equal(none.code, 2, none.stderr);
      assert.match(none.stderr, /carries no class names \(3 classes\); pass a label file with --labels/);
    });
  });
});
