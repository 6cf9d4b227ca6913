/**
 * Every supported ImageNet validation layout, built in a temporary folder from the 100 shared
 * sample images and the shared metadata, must yield the same label for each image (keyed by the
 * image's content hash) and, with a fake predictor that only looks at image bytes, the same metrics.
 */

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {LayoutName} from '../src/eval/dataset.js';
import {loadDataset} from '../src/eval/detect.js';
import type {EvalMetrics} from '../src/eval/metrics.js';
import type {EvalReport} from '../src/eval/report.js';
import {runEval} from '../src/eval/run.js';
import {loadSynsets} from '../src/eval/synsets.js';
import {
  fakePrediction,
  fakePredictor,
  haveShared,
  link,
  makeTempDir,
  META,
  removeDir,
  type SampleImage,
  sampleImages,
  sha256,
  SKIP_MESSAGE,
  wnidList,
  write,
} from './support/eval-fixtures.js';

interface Case {
  name: string;
  dir: string;
  labelsFile?: string;
  expectLayout: LayoutName;
  /** label entries without an image: the shared metadata covers all 50,000 val images */
  expectMissing: number;
  /** files keep their ILSVRC2012_val_ names, so ReaL labels apply */
  valNames: boolean;
}

const RENAMED_LOWERCASE = new Set(['ILSVRC2012_val_00000003.JPEG', 'ILSVRC2012_val_00000050.JPEG', 'ILSVRC2012_val_00000099.JPEG']);

async function buildLayouts(root: string, images: readonly SampleImage[]): Promise<Case[]> {
  const wnids = wnidList();
  const full = 50_000 - images.length;
  for (const im of images) {
    await link(im.path, join(root, 'paddleclas', 'val', im.name));
    const caffeName = RENAMED_LOWERCASE.has(im.name) ? im.name.replace('.JPEG', '.jpeg') : im.name;
    await link(im.path, join(root, 'caffe', caffeName));
    await link(im.path, join(root, 'caffe-labels', im.name));
    await link(im.path, join(root, 'imagefolder', wnids[im.label]!, im.name));
    await link(im.path, join(root, 'kaggle', 'ILSVRC', 'Data', 'CLS-LOC', 'val', im.name));
    await link(im.path, join(root, 'devkit', 'ILSVRC2012_img_val', im.name));
    await link(im.path, join(root, 'imagenetv2', String(im.label), `${im.hash.slice(0, 16)}.jpeg`));
  }
  await write(join(root, 'paddleclas', 'val_list.txt'), images.map((im) => `val/${im.name} ${im.label}\n`).join(''));
  await link(join(META, 'val.txt'), join(root, 'caffe', 'val.txt'));
  await link(join(META, 'LOC_val_solution.csv'), join(root, 'kaggle', 'LOC_val_solution.csv'));
  await link(join(META, 'ILSVRC2012_validation_ground_truth.txt'), join(root, 'devkit', 'ILSVRC2012_devkit_t12', 'data', 'ILSVRC2012_validation_ground_truth.txt'));
  return [
    {name: 'PaddleClas val_list.txt', dir: join(root, 'paddleclas'), expectLayout: 'paddleclas', expectMissing: 0, valNames: true},
    {name: 'Caffe val.txt in DIR (some .jpeg in lower case)', dir: join(root, 'caffe'), expectLayout: 'caffe', expectMissing: full, valNames: true},
    {name: 'Caffe list given by --labels', dir: join(root, 'caffe-labels'), labelsFile: join(META, 'val.txt'), expectLayout: 'caffe', expectMissing: full, valNames: true},
    {name: 'ImageFolder (WNID folders)', dir: join(root, 'imagefolder'), expectLayout: 'imagefolder', expectMissing: 0, valNames: true},
    {name: 'Kaggle, DIR = archive root', dir: join(root, 'kaggle'), expectLayout: 'kaggle', expectMissing: full, valNames: true},
    {name: 'Kaggle, DIR = CLS-LOC/val (CSV four levels up)', dir: join(root, 'kaggle', 'ILSVRC', 'Data', 'CLS-LOC', 'val'), expectLayout: 'kaggle', expectMissing: full, valNames: true},
    {name: 'devkit ground truth', dir: join(root, 'devkit'), expectLayout: 'devkit', expectMissing: full, valNames: true},
    {name: 'ImageNetV2 (index folders, hashed names)', dir: join(root, 'imagenetv2'), expectLayout: 'imagenetv2', expectMissing: 0, valNames: false},
  ];
}

/** The metrics with file paths taken out (they differ by layout), failures as sorted content hashes. */
function comparable(m: EvalMetrics, hashOf: ReadonlyMap<string, string>, withReal: boolean): unknown {
  return {...m, failed: m.failed.map((f) => hashOf.get(f.relPath)).sort(), real: withReal ? m.real : null};
}

describe('eval layouts (built from ../shared/imagenet)', function () {
  let root = '';
  let images: SampleImage[] = [];
  let cases: Case[] = [];
  const truthByHash = new Map<string, number>();

  before(async function () {
    if (!haveShared()) {
      console.log(`      ${SKIP_MESSAGE}`);
      this.skip();
    }
    images = sampleImages();
    for (const im of images) truthByHash.set(im.hash, im.label);
    root = makeTempDir('layouts');
    cases = await buildLayouts(root, images);
  });

  after(() => {
    if (root) removeDir(root);
  });

  it('detects each layout and pairs all 100 images with the shared ground truth', async function () {
    const synsets = await loadSynsets();
    for (const c of cases) {
      const d = await loadDataset({dir: c.dir, labelsFile: c.labelsFile}, synsets);
      assert.equal(d.layout, c.expectLayout, c.name);
      assert.equal(d.items.length, 100, c.name);
      assert.deepEqual(d.unlabeledImages, [], c.name);
      assert.equal(d.missingImages.length, c.expectMissing, c.name);
      const relPaths = d.items.map((it) => it.relPath);
      assert.deepEqual(relPaths, [...relPaths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), `${c.name}: items sorted by relPath`);
      const byHash = new Map(d.items.map((it) => [sha256(readFileSync(it.file)), it.label]));
      assert.deepEqual(byHash, truthByHash, `${c.name}: label of every image`);
    }
  });

  it('gives identical per-image predictions and identical metrics in every layout', async function () {
    const reports: {c: Case; report: EvalReport; hashOf: Map<string, string>}[] = [];
    for (const c of cases) {
      const report = await runEval(
        {dir: c.dir, labelsFile: c.labelsFile, realFile: c.valNames ? join(META, 'real.json') : undefined, perImage: true, documented: {top1: 71.32, top5: 90.03}},
        fakePredictor(truthByHash),
      );
      const hashOf = new Map((report.perImage ?? []).map((p) => [p.relPath, sha256(readFileSync(join(c.dir, p.relPath)))]));
      reports.push({c, report, hashOf});
    }
    const first = reports[0]!;
    const perImageByHash = (r: (typeof reports)[number]) =>
      new Map((r.report.perImage ?? []).map((p) => [r.hashOf.get(p.relPath), {label: p.label, topk: p.topk, error: p.error}]));
    for (const r of reports.slice(1)) {
      assert.deepEqual(perImageByHash(r), perImageByHash(first), `${r.c.name}: per-image results`);
      const withReal = r.c.valNames;
      assert.deepEqual(comparable(r.report.metrics, r.hashOf, withReal), comparable(first.report.metrics, first.hashOf, withReal), `${r.c.name}: metrics`);
    }
  });

  it('matches the numbers computed independently from the fake predictor and the shared labels', async function () {
    const c = cases[0]!;
    const report = await runEval({dir: c.dir, realFile: join(META, 'real.json'), documented: {top1: 71.32, top5: null}}, fakePredictor(truthByHash));
    const real = JSON.parse(readFileSync(join(META, 'real.json'), 'utf8')) as number[][];
    let top1 = 0;
    let top5 = 0;
    let failed = 0;
    let realCounted = 0;
    let realCorrect = 0;
    for (const im of images) {
      const p = fakePrediction(im.hash, truthByHash, 1000);
      const ids = 'topk' in p ? p.topk.map((t) => t.classId) : [];
      if ('error' in p) failed++;
      if (ids[0] === im.label) top1++;
      if (ids.includes(im.label)) top5++;
      const r = real[Number(im.name.slice(15, 23)) - 1]!;
      if (r.length > 0) {
        realCounted++;
        if (ids.length > 0 && r.includes(ids[0]!)) realCorrect++;
      }
    }
    const m = report.metrics;
    assert.equal(m.n, 100);
    assert.equal(m.failed.length, failed);
    assert.ok(failed > 0 && top1 > 0 && top5 > top1, 'the fixture exercises failures, hits and top-5-only hits');
    assert.equal(m.correctTop1, top1);
    assert.equal(m.correctTop5, top5);
    assert.equal(m.top1, top1);
    assert.equal(m.top5, top5);
    assert.deepEqual(m.real && {counted: m.real.counted, correct: m.real.correct}, {counted: realCounted, correct: realCorrect});
    assert.equal(m.real?.skippedEmpty, 100 - realCounted);
    assert.ok(m.difference && Math.abs(m.difference.top1! - (top1 - 71.32)) < 1e-9);
    assert.equal(m.difference.top5, null);
  });
});
