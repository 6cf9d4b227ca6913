import assert from 'node:assert/strict';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {UsageError} from '../src/errors.js';
import {describeModel, type ModelFacts} from '../src/models/describe.js';
import {imagenetPreprocess, type PreprocessSpec} from '../src/models/manifest.js';
import {applyOverrides, parseChannelValues, parseInputSize, parseScale} from '../src/models/preprocess-overrides.js';
import {parsePreprocess} from '../src/models/preprocess-spec.js';
import {MANIFEST_FILE, readManifest} from '../src/models/store.js';
import {tempDir} from './support/cli.js';

const facts = (extra: Partial<ModelFacts> = {}): ModelFacts => ({
  name: 'm',
  source: {kind: 'onnx'},
  inputName: 'x',
  outputName: 'probs',
  inputSize: null,
  classCount: 2,
  outputIsProbability: true,
  preprocess: null,
  labels: ['0', '180'],
  ...extra,
});

const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && pattern.test((e as Error).message);

describe('preprocessing settings: flags, model.json, and what is assumed', () => {
  describe('reading the flags', () => {
    it('--input-size is WIDTHxHEIGHT (as lcnet prints sizes) or N, as [height, width]', () => {
      assert.deepEqual(parseInputSize('192x48'), [48, 192]);
      assert.deepEqual(parseInputSize('160X80'), [80, 160]);
      assert.deepEqual(parseInputSize('224'), [224, 224]);
      for (const bad of ['0x48', '192x', 'x48', '192x48x3', '-1', '1.5', '192*48', '', '4097x10']) {
        assert.throws(() => parseInputSize(bad), usage(/--input-size must be WIDTHxHEIGHT \(e\.g\. 192x48\) or one size N for NxN, each from 1 to 4096/), bad);
      }
    });

    it('--scale takes a number or a fraction; --mean three numbers or one; --std positive ones', () => {
      assert.equal(parseScale('1/255'), 1 / 255);
      assert.equal(parseScale('0.00392157'), 0.00392157);
      assert.equal(parseScale('1.0/255.0'), 1 / 255);
      for (const bad of ['0', '-1', 'abc', '1/0', '']) assert.throws(() => parseScale(bad), usage(/--scale must be a positive number or fraction/), bad);
      assert.deepEqual(parseChannelValues('0.485,0.456,0.406', '--mean', false), [0.485, 0.456, 0.406]);
      assert.deepEqual(parseChannelValues('0.5', '--mean', false), [0.5, 0.5, 0.5]);
      assert.deepEqual(parseChannelValues('-1, 0, 1', '--mean', false), [-1, 0, 1]);
      for (const bad of ['1,2', '1,2,3,4', 'a,b,c', '']) assert.throws(() => parseChannelValues(bad, '--mean', false), usage(/--mean must be three comma-separated numbers/), bad);
      assert.throws(() => parseChannelValues('0.5,0,0.5', '--std', true), usage(/--std must be three comma-separated positive numbers/));
    });
  });

  describe('applying them to a model', () => {
    const stretch: PreprocessSpec = {...imagenetPreprocess(), resize: {kind: 'stretch', width: 160, height: 80}, crop: null};

    it('replaces only what is given: the normalisation alone keeps the resize, --fit alone keeps the normalisation', () => {
      const norm = applyOverrides(stretch, [80, 160], {scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], channels: 'bgr'});
      assert.deepEqual(norm, {...stretch, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], channels: 'bgr'});
      assert.deepEqual(applyOverrides(stretch, [80, 160], {fit: 'pad'}), {...stretch, resize: {kind: 'pad', width: 160, height: 80}});
      assert.deepEqual(applyOverrides(stretch, [80, 160], {fit: 'crop'}), {...stretch, resize: {kind: 'short', size: 183}, crop: {width: 160, height: 80}});
      assert.deepEqual(applyOverrides(imagenetPreprocess(), [224, 224], {fit: 'crop'}), imagenetPreprocess(), 'a crop keeps its own short side');
      assert.deepEqual(applyOverrides(stretch, [80, 160], {fit: 'crop', resizeShort: 170}).resize, {kind: 'short', size: 170});
      assert.deepEqual(applyOverrides(stretch, [80, 160], {}), stretch);
    });

    it('--input-size refits the model\'s way of fitting images to the new size', () => {
      assert.deepEqual(applyOverrides(stretch, [48, 192], {inputSize: [48, 192]}), {...stretch, resize: {kind: 'stretch', width: 192, height: 48}});
      const pad = {...stretch, resize: {kind: 'pad' as const, width: 160, height: 80}};
      assert.deepEqual(applyOverrides(pad, [48, 192], {inputSize: [48, 192]}).resize, {kind: 'pad', width: 192, height: 48});
      const crop = applyOverrides(imagenetPreprocess(), [320, 320], {inputSize: [320, 320]});
      assert.deepEqual([crop.resize, crop.crop], [{kind: 'short', size: 366}, {width: 320, height: 320}]);
    });

    it('refuses contradictions and bad values given by a program', () => {
      assert.throws(() => applyOverrides(stretch, [80, 160], {stretch: true, fit: 'pad'}), usage(/^stretch and fit pad exclude each other/));
      assert.throws(() => applyOverrides(stretch, [80, 160], {resizeShort: 200, fit: 'pad'}), usage(/^resizeShort sets the short side of fit crop, not of fit pad/));
      assert.throws(() => applyOverrides(stretch, [80, 160], {resizeShort: 60}), usage(/^resizeShort 60 is smaller than the 160x80 input/));
      assert.throws(() => applyOverrides(stretch, [80, 160], {std: [1, 0, 1]}), usage(/std must be three positive numbers/));
      assert.throws(() => applyOverrides(stretch, [80, 160], {fit: 'cover' as never}), usage(/fit must be one of crop, stretch, pad/));
      assert.throws(() => applyOverrides(stretch, [80, 160], {inputSize: [0, 10]}), usage(/input must be a width and a height/));
    });
  });

  describe('describing a model with them', () => {
    it('sets the size of a model whose graph leaves it open, and refuses to change a fixed one', async () => {
      const d = await describeModel(facts(), {overrides: {inputSize: [48, 192], fit: 'pad'}});
      assert.deepEqual(d.manifest.inputSize, [48, 192]);
      assert.deepEqual(d.manifest.preprocess.resize, {kind: 'pad', width: 192, height: 48});
      const stretched = await describeModel(facts(), {overrides: {inputSize: [48, 192]}});
      assert.deepEqual(stretched.manifest.preprocess.resize, {kind: 'stretch', width: 192, height: 48}, 'the default for a non-square size');
      await assert.rejects(describeModel(facts({inputSize: [32, 100]}), {overrides: {inputSize: [48, 192]}}), usage(/model m takes 100x32 images, not the --input-size 192x48/));
      assert.deepEqual((await describeModel(facts({inputSize: [32, 100]}), {overrides: {inputSize: [32, 100]}})).manifest.inputSize, [32, 100]);
    });

    it('says what was assumed for a model without preprocessing, and the flags that set it', async () => {
      const none = await describeModel(facts({inputSize: [32, 100]}));
      assert.deepEqual(none.notes, [
        'no preprocessing recorded with the model: assuming a stretch to 100x32 with ImageNet normalisation; set another with --fit, --resize-short, --scale, --mean, --std and --channels',
      ]);
      const open = await describeModel(facts());
      assert.deepEqual(open.notes, [
        'no preprocessing recorded with the model: assuming the ImageNet eval transform (resize short side 256, centre crop 224); set another with --input-size, --fit, --resize-short, --scale, --mean, --std and --channels',
      ]);
      const some = await describeModel(facts(), {overrides: {inputSize: [48, 192], fit: 'pad', mean: [0.5, 0.5, 0.5]}});
      assert.deepEqual(some.notes, ['no preprocessing recorded with the model: assuming scale 0.00392157, std 0.229,0.224,0.225 and RGB channel order; set them with --scale, --std and --channels']);
      const sized = await describeModel(facts(), {overrides: {channels: 'bgr'}});
      assert.deepEqual(sized.notes, [
        'no preprocessing recorded with the model: assuming input size 224x224, resize short side 256, centre crop 224 and ImageNet normalisation; set them with --input-size, --fit, --resize-short, --scale, --mean and --std',
      ]);
      const all = await describeModel(facts(), {overrides: {inputSize: [48, 192], fit: 'pad', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], channels: 'bgr'}});
      assert.deepEqual(all.notes, []);
      const own = await describeModel(facts({preprocess: imagenetPreprocess()}));
      assert.deepEqual(own.notes, [], 'a model with its own preprocessing assumes nothing');
    });
  });

  describe('model.json', () => {
    it('is checked field by field when read, so that a hand edit that breaks it is named', async () => {
      const dir = tempDir('lcnet-manifest-');
      try {
        const good = {
          name: 'cls',
          inputSize: [48, 192],
          preprocess: {resize: {kind: 'pad', width: 192, height: 48}, crop: null, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], channels: 'bgr'},
          labels: ['0', '180'],
          onnxSha256: 'x',
        };
        mkdirSync(join(dir, 'm'));
        const write = (m: unknown) => writeFileSync(join(dir, 'm', MANIFEST_FILE), JSON.stringify(m));
        write(good);
        assert.deepEqual((await readManifest(join(dir, 'm'))).preprocess, good.preprocess);
        const broken: [string, unknown, RegExp][] = [
          ['mean', {...good.preprocess, mean: [0.5, 0.5]}, /preprocess\.mean must be three numbers/],
          ['std', {...good.preprocess, std: [0.5, 0, 0.5]}, /preprocess\.std must be three positive numbers/],
          ['scale', {...good.preprocess, scale: '1/255'}, /preprocess\.scale must be a positive number/],
          ['channels', {...good.preprocess, channels: 'RGB'}, /preprocess\.channels must be 'rgb' or 'bgr'/],
          ['resize', {...good.preprocess, resize: {kind: 'fit', width: 192, height: 48}}, /preprocess\.resize must be/],
          ['pad crop', {...good.preprocess, crop: {width: 10, height: 10}}, /preprocess\.crop must be null after a pad resize/],
          ['short crop', {...good.preprocess, resize: {kind: 'short', size: 64}}, /preprocess\.crop is needed after a short-side resize/],
        ];
        for (const [what, preprocess, message] of broken) {
          write({...good, preprocess});
          await assert.rejects(readManifest(join(dir, 'm')), (e: Error) => e.message.startsWith(join(dir, 'm', MANIFEST_FILE)) && message.test(e.message), what);
        }
        write({...good, inputSize: [48]});
        await assert.rejects(readManifest(join(dir, 'm')), /inputSize must be \[height, width\]/);
      } finally {
        rmSync(dir, {recursive: true, force: true});
      }
    });

    it('the catalogue is checked the same way', () => {
      assert.throws(() => parsePreprocess({...imagenetPreprocess(), channels: 'rbg'}, 'catalogue.json: models[0]'), /^Error: catalogue\.json: models\[0\]: preprocess\.channels must be 'rgb' or 'bgr'$/);
    });
  });
});
