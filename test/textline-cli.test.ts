import assert from 'node:assert/strict';
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {graphsRoot, modelDir} from '../src/models/store.js';
import {parseCsv} from '../src/pipeline/output/csv.js';
import type {PredictionRecord} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';
import {FIXTURES, SHARED, skipWithoutShared} from './support/shared-data.js';

const MODEL_DIR = join(SHARED, 'models', 'paddle', 'PP-LCNet_x0_25_textline_ori');
const TEXTLINE = join(FIXTURES, 'textline');

describe('the real text-line model through the CLI: download --from, then classify', function () {
  this.timeout(120000);

  it('reproduces the reference probabilities and every label', async function () {
    skipWithoutShared(this, MODEL_DIR);
    skipWithoutShared(this, TEXTLINE);
    const home = tempDir('lcnet-home-');
    try {
      const env = {LCNET_HOME: home};
      const d = await runCli(['download', 'PP-LCNet_x0_25_textline_ori', '--from', MODEL_DIR], {env});
      assert.equal(d.code, 0, d.stderr);
      const c = await runCli(['classify', TEXTLINE, '-m', 'PP-LCNet_x0_25_textline_ori', '-k', '2'], {env});
      assert.equal(c.code, 0, c.stderr);
      assert.doesNotMatch(c.stderr, /SYNTHETIC/);
      const records = c.stdout.trim().split('\n').map((l) => JSON.parse(l) as PredictionRecord);
      const reference = parseCsv(readFileSync(join(TEXTLINE, 'reference.csv'), 'utf8')).rows.slice(1);
      const labels = new Map(parseCsv(readFileSync(join(TEXTLINE, 'labels.csv'), 'utf8')).rows.slice(1).map((r) => [r[0]!, r[1]!]));
      assert.equal(records.length, reference.length);
      const worst = {png: 0, jpg: 0};
      for (const [file, p0, p180] of reference) {
        const rec = records.find((r) => r.file.endsWith(`/${file}`))!;
        assert.ok(rec, file);
        assert.equal(rec.predictions[0]!.label, `${labels.get(file!)}_degree`, file);
        const prob = (label: string) => rec.predictions.find((p) => p.label === label)!.score;
        const diff = Math.max(Math.abs(prob('0_degree') - Number(p0)), Math.abs(prob('180_degree') - Number(p180)));
        const kind = file!.endsWith('.png') ? 'png' : 'jpg';
        worst[kind] = Math.max(worst[kind], diff);
      }
      console.log(`      text-line via the CLI: max |p - reference.csv| PNG ${worst.png.toExponential(2)}, JPEG ${worst.jpg.toExponential(2)}`);
      assert.ok(worst.png < 1e-4, `PNG ${worst.png}`);
      // the reference decoded JPEGs differently from libjpeg-turbo/OpenCV (see paddle-convert.test.ts)
      assert.ok(worst.jpg < 2e-3, `JPEG ${worst.jpg}`);
      // onnxruntime's optimised graph of the model was kept (by the download); the next run
      // loads it and gives the same records
      assert.equal(readdirSync(graphsRoot(home)).length, 1);
      const again = await runCli(['classify', TEXTLINE, '-m', 'PP-LCNet_x0_25_textline_ori', '-k', '2'], {env});
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, c.stdout);
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  });

  it('gives equal records however the model is named: catalogue name, its stored model.onnx, or that file installed under a new name', async function () {
    skipWithoutShared(this, MODEL_DIR);
    skipWithoutShared(this, TEXTLINE);
    const home = tempDir('lcnet-home-');
    try {
      const env = {LCNET_HOME: home};
      const NAME = 'PP-LCNet_x0_25_textline_ori';
      assert.equal((await runCli(['download', NAME, '--from', MODEL_DIR], {env})).code, 0);
      const onnx = join(modelDir(NAME, home), 'model.onnx');
      const labels = join(home, 'labels.txt');
      writeFileSync(labels, '0_degree\n180_degree\n');
      const installed = await runCli(['download', '--from', onnx, '--labels', labels, '--name', 'copy'], {env});
      assert.equal(installed.code, 0, installed.stderr);
      const records = async (...model: string[]) => {
        const r = await runCli(['classify', TEXTLINE, '-k', '2', ...model], {env});
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.trim().split('\n').map((l) => {
          const {file, predictions} = JSON.parse(l) as PredictionRecord;
          return {file, predictions};
        });
      };
      const byName = await records('-m', NAME);
      assert.equal(byName.length, 24);
      assert.deepEqual(await records('-m', onnx, '--labels', labels), byName);
      assert.deepEqual(await records('-m', 'copy'), byName);
      // the flags apply the same way to each
      const cropped = await records('-m', onnx, '--labels', labels, '--resize-short', '80');
      assert.notDeepEqual(cropped, byName);
      assert.deepEqual(await records('-m', NAME, '--resize-short', '80'), cropped);
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  });
});
