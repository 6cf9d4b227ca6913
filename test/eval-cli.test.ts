import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {basename, join} from 'node:path';
import type {EvalReport} from '../src/eval/index.js';
import {runCli} from './support/cli.js';
import {haveShared, link, makeTempDir, removeDir, sampleImages, SKIP_MESSAGE, wnidList, write} from './support/eval-fixtures.js';

const MODEL = 'synthetic:PPLCNet_x0_25';

describe('lcnet eval (end to end through the CLI)', function () {
  this.timeout(120000);
  let dir: string;

  before(function () {
    if (!haveShared()) {
      console.log(`      (${SKIP_MESSAGE})`);
      this.skip();
    }
    dir = makeTempDir('eval-cli');
  });
  after(() => dir && removeDir(dir));

  it('gives identical predictions and metrics on two layouts of the same images, and writes JSON and Markdown', async () => {
    const images = sampleImages();
    const wnids = wnidList();
    const flat = join(dir, 'flat');
    const folders = join(dir, 'folders');
    for (const img of images) {
      await link(img.path, join(flat, img.name));
      await link(img.path, join(folders, wnids[img.label]!, img.name.replace('.JPEG', '.jpeg')));
    }
    await write(join(flat, 'val.txt'), images.map((i) => `${i.name} ${i.label}`).join('\n') + '\n');

    const reports: EvalReport[] = [];
    for (const root of [flat, folders]) {
      const out = join(dir, `${basename(root)}.json`);
      const r = await runCli(['eval', '--imagenet-val', root, '-m', MODEL, '--per-image', '--output', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /top-1/);
      assert.match(r.stderr, /SYNTHETIC/);
      const title = root === flat ? 'ImageNet-1k validation (caffe layout)' : 'ImageNet-1k validation (imagefolder layout)';
      assert.deepEqual(r.stdout.split('\n').slice(0, 3), [title, `SYNTHETIC WEIGHTS: ${MODEL} was generated from a seed for tests and benchmarks; its accuracies are meaningless`, `  model       ${MODEL}`]);
      reports.push(JSON.parse(readFileSync(out, 'utf8')) as EvalReport);
    }
    const [a, b] = reports as [EvalReport, EvalReport];
    assert.equal(a.dataset.layout, 'caffe');
    assert.equal(b.dataset.layout, 'imagefolder');
    // each report names its model, and what it read
    assert.deepEqual(a.model && [a.model.name, a.model.path, a.model.synthetic], [MODEL, null, true]);
    assert.deepEqual([a.dataset.kind, a.dataset.classes, a.metrics.top5K], ['imagenet-1k', 1000, 5]);
    assert.equal(a.metrics.n, 100);
    assert.deepEqual(a.metrics, b.metrics);
    const byName = (rep: EvalReport) => new Map(rep.perImage!.map((p) => [basename(p.relPath).toUpperCase(), p]));
    const pa = byName(a);
    const pb = byName(b);
    assert.equal(pa.size, 100);
    for (const [name, p] of pa) assert.deepEqual(pb.get(name)!.topk, p.topk, name);
    // top-1 in the report is what the per-image predictions say
    const correct = a.perImage!.filter((p) => p.topk![0]!.classId === p.label).length;
    assert.equal(a.metrics.top1, correct);

    const md = await runCli(['eval', '--imagenet-val', flat, '-m', MODEL, '--markdown', '--batch-size', '4']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^\| top-1 \| \d+\.\d\d% \|/m);
    assert.deepEqual(a.units.percent.slice(0, 2), ['metrics.top1', 'metrics.top5']);
  });

  it('reads a ground-truth file named by --ground-truth, or by the deprecated --labels with a warning', async () => {
    const images = sampleImages().slice(0, 8);
    const root = join(dir, 'elsewhere');
    for (const img of images) await link(img.path, join(root, img.name));
    const truth = join(dir, 'truth.txt');
    await write(truth, images.map((i) => `${i.name} ${i.label}`).join('\n') + '\n');
    const args = ['eval', '--imagenet-val', root, '-m', MODEL, '--layout', 'caffe', '--json', '--batch-size', '4'];
    const named = await runCli([...args, '--ground-truth', truth]);
    assert.equal(named.code, 0, named.stderr);
    assert.doesNotMatch(named.stderr, /deprecated/);
    const old = await runCli([...args, '--labels', truth]);
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stderr, /--labels.*deprecated.*--ground-truth/s);
    const [a, b] = [named, old].map((r) => JSON.parse(r.stdout) as EvalReport);
    assert.equal(a!.dataset.labelSource, truth);
    assert.equal(a!.metrics.n, 8);
    assert.deepEqual(a!.metrics, b!.metrics);
    const text = await runCli(args.filter((x) => x !== '--json').concat('--ground-truth', truth));
    assert.match(text.stdout, /^top-1\s+\d+\.\d\d%/m);
  });

  it('reports a non-ImageNet model and an unrecognisable folder as usage errors', async () => {
    const empty = makeTempDir('eval-empty');
    writeFileSync(join(empty, 'readme.txt'), 'nothing here');
    const r = await runCli(['eval', '--imagenet-val', empty, '-m', MODEL]);
    assert.equal(r.code, 2, r.stderr);
    // the errors name the flag the help names (--labels is its deprecated alias)
    assert.match(r.stderr, /give the labels with --ground-truth FILE/i);
    assert.doesNotMatch(r.stderr, /--labels/);
    const caffe = await runCli(['eval', '--imagenet-val', empty, '-m', MODEL, '--layout', 'caffe']);
    assert.equal(caffe.code, 2, caffe.stderr);
    assert.match(caffe.stderr, /no val\.txt in .*; give the list with --ground-truth/);
    const t = await runCli(['eval', '--imagenet-val', empty, '-m', 'synthetic:PP-LCNet_x0_25_textline_ori']);
    assert.equal(t.code, 2, t.stderr);
    // a model outside ImageNet-1k is evaluated on folders named by its labels: there are none here
    assert.match(t.stderr, /no images in class folders named by the model's labels \(0_degree, 180_degree\)/);
    removeDir(empty);
  });
});
