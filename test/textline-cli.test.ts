import assert from 'node:assert/strict';
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import sharp from 'sharp';
import {graphsRoot, modelDir} from '../src/models/store.js';
import {parseCsv} from '../src/pipeline/output/csv.js';
import type {PredictionRecord} from '../src/pipeline/output/record.js';
import type {EvalReport} from '../src/eval/report.js';
import {runCli, tempDir} from './support/cli.js';
import {link} from './support/eval-fixtures.js';
import {all, checkSelfContained, cssOf, cssRules, inlineThumbnails, parsePage, text} from './support/report-page.js';
import {FIXTURES, SHARED, skipWithoutShared} from './support/shared-data.js';

const MODEL_DIR = join(SHARED, 'models', 'paddle', 'PP-LCNet_x0_25_textline_ori');
const TEXTLINE = join(FIXTURES, 'textline');

const NAME = 'PP-LCNet_x0_25_textline_ori';

/** Runs `body` with the text-line model installed in a fresh model store, removed afterwards. */
async function withTextlineInstalled(ctx: Mocha.Context, body: (home: string, env: Record<string, string>) => Promise<void>): Promise<void> {
  skipWithoutShared(ctx, MODEL_DIR);
  skipWithoutShared(ctx, TEXTLINE);
  const home = tempDir('lcnet-home-');
  try {
    const env = {LCNET_HOME: home};
    assert.equal((await runCli(['download', NAME, '--from', MODEL_DIR], {env})).code, 0);
    await body(home, env);
  } finally {
    rmSync(home, {recursive: true, force: true});
  }
}

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
    await withTextlineInstalled(this, async (home, env) => {
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
    });
  });

  it('evaluates on class folders and shows it for what it is: named by the model and the dataset, top-2, readable thumbnails', async function () {
    await withTextlineInstalled(this, async (home, env) => {
      // the 24 crops in folders named by the model's labels
      const val = join(home, 'val');
      const labels = parseCsv(readFileSync(join(TEXTLINE, 'labels.csv'), 'utf8')).rows.slice(1);
      for (const [file, degrees] of labels) await link(join(TEXTLINE, file!), join(val, `${degrees}_degree`, file!));
      const evalJson = join(home, 'eval.json');
      const e = await runCli(['eval', '--imagenet-val', val, '-m', NAME, '--per-image', '-o', evalJson], {env});
      assert.equal(e.code, 0, e.stderr);
      const lines = e.stdout.split('\n');
      assert.equal(lines[0], 'Evaluation on class folders (2 classes)');
      assert.equal(lines[1], `  model       ${NAME}`);
      assert.ok(!/ImageNet|top-5|SYNTHETIC/.test(e.stdout), e.stdout);
      assert.ok(lines.some((l) => /^top-2\s+100\.00%.*\(k = 2: the model has 2 classes\)$/.test(l)), e.stdout);
      const report = JSON.parse(readFileSync(evalJson, 'utf8')) as EvalReport;
      assert.deepEqual([report.model?.name, report.model?.synthetic, report.dataset.kind, report.dataset.classes, report.metrics.top5K], [NAME, false, 'class-folders', 2, 2]);
      assert.deepEqual(report.dataset.labels, ['0_degree', '180_degree']);
      // named by its folder, the model is named with its path
      const folder = modelDir(NAME, home);
      const md = await runCli(['eval', '--imagenet-val', val, '-m', folder, '--markdown'], {env});
      assert.ok(md.stdout.startsWith(`## Evaluation on class folders (2 classes)\n\nModel: \`${NAME}\` (\`${folder}\`).\n`), md.stdout);

      // its records and its evaluation on one page
      const preds = join(home, 'preds.jsonl');
      assert.equal((await runCli(['classify', TEXTLINE, '-m', NAME, '-o', preds], {env})).code, 0);
      const page = join(home, 'page.html');
      const r = await runCli(['report', preds, evalJson, '-o', page], {env});
      assert.equal(r.code, 0, r.stderr);
      const {html, document: d} = parsePage(page);
      checkSelfContained(d, html);
      assert.equal(text(d.querySelector('header .models')), `Model: ${NAME} (24 records, evaluation eval.json)`);
      assert.equal(all(d, '.synthetic').length, 0);
      assert.equal(text(d.querySelector('#eval1-summary h2')), 'Evaluation on class folders (2 classes)');
      assert.deepEqual(all(d, '#eval1-summary .card span').slice(0, 2).map(text), ['top-1', 'top-2']);
      // its classes by its own names, never ImageNet's
      assert.deepEqual(all(d, '#eval1-classes td.label').map(text).sort(), ['0_degree', '180_degree']);

      // the crops (657x46 and the like) keep a readable height: not 160 px wide slivers
      const {sizes} = inlineThumbnails(d, html);
      assert.equal(sizes.size, 24);
      for (const [file, [w, h]] of sizes) {
        const m = await sharp(file).metadata();
        assert.ok(h >= Math.min(40, m.height!, Math.floor((640 * m.height!) / m.width!)), `${file} (${m.width}x${m.height}): ${w}x${h}`);
        assert.ok(w > 160, `${file}: wider than a photo's thumbnail`);
      }
      // a figure shows its thumbnail at its own size, in a box of fixed height as wide as it needs
      const css = cssRules(html);
      const box = cssOf(css, 'figure .img');
      assert.deepEqual([box.get('height'), box.get('min-width'), box.get('width')], ['168px', '168px', undefined]);
      // a strip shows a crop of the same height, as wide as its aspect allows up to two squares
      const stripThumb = cssOf(css, '.strip .th');
      assert.deepEqual([stripThumb.get('width'), stripThumb.get('height'), stripThumb.get('max-width'), stripThumb.get('background-size')], ['auto', '54px', '108px', 'cover']);
    });
  });
});
