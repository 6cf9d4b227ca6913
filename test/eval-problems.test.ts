/**
 * Problems in a validation folder are reported, not hidden: unlabeled images, labels whose image is
 * missing or misnamed, class folders outside ImageNet-1k, ambiguous or unknown layouts, malformed
 * label files; and runEval records images the predictor never answered. Synthetic files only (the
 * loaders never decode), so these run without ../shared.
 */

import assert from 'node:assert/strict';
import {join} from 'node:path';
import {UsageError} from '../src/errors.js';
import {loadDataset} from '../src/eval/detect.js';
import {NO_RESULT, type Predictor, runEval} from '../src/eval/run.js';
import {loadSynsets, type Synsets} from '../src/eval/synsets.js';
import {makeTempDir, removeDir, wnidList, write} from './support/eval-fixtures.js';

const name = (i: number) => `ILSVRC2012_val_${String(i).padStart(8, '0')}.JPEG`;

/** Writes a distinct small file per image (contents need not be a real JPEG here). */
async function images(dir: string, names: readonly string[]): Promise<void> {
  for (const n of names) await write(join(dir, n), `image ${n}`);
}

function usageError(pattern: RegExp) {
  return (e: unknown) => e instanceof UsageError && pattern.test(e.message);
}

describe('eval problem reporting', () => {
  let tmp = '';
  let synsets: Synsets;
  const wnids = wnidList();

  before(async () => {
    tmp = makeTempDir('problems');
    synsets = await loadSynsets();
  });
  after(() => removeDir(tmp));

  it('reports an unlabeled image, a misnamed image and a label without an image', async () => {
    const dir = join(tmp, 'caffe-problems');
    await images(dir, [name(1), name(2), 'ILSVRC2012_val_0000003.JPEG', 'holiday.jpg']);
    await write(join(dir, 'val.txt'), `${name(1)} 5\n${name(2)} 6\n${name(3)} 7\nghost.JPEG 8\n`);
    const d = await loadDataset({dir}, synsets);
    assert.equal(d.layout, 'caffe');
    assert.deepEqual(
      d.items.map((it) => [it.relPath, it.label]),
      [
        [name(1), 5],
        [name(2), 6],
      ],
    );
    assert.deepEqual(d.unlabeledImages, ['ILSVRC2012_val_0000003.JPEG', 'holiday.jpg']);
    assert.deepEqual(d.missingImages, [name(3), 'ghost.JPEG']);
  });

  it('reports class folders outside ImageNet-1k and the images in them', async () => {
    const dir = join(tmp, 'imagefolder-unknown');
    await images(join(dir, wnids[0]!), ['a.JPEG', 'b.jpg']);
    await images(join(dir, wnids[999]!), ['c.PNG']);
    await images(join(dir, 'n99999999'), ['d.JPEG']);
    await images(join(dir, 'misc'), ['e.JPEG']);
    await images(dir, ['loose.JPEG']);
    const d = await loadDataset({dir}, synsets);
    assert.equal(d.layout, 'imagefolder');
    assert.deepEqual(
      d.items.map((it) => [it.relPath, it.label]),
      [
        [`${wnids[0]}/a.JPEG`, 0],
        [`${wnids[0]}/b.jpg`, 0],
        [`${wnids[999]}/c.PNG`, 999],
      ],
    );
    assert.deepEqual(d.unknownFolders, ['n99999999']);
    assert.deepEqual(d.unlabeledImages, ['loose.JPEG', 'misc/e.JPEG', 'n99999999/d.JPEG']);
    assert.ok(d.notes.some((n) => n.includes('n99999999') && n.includes('no ImageNet-1k class')));
    assert.ok(d.notes.some((n) => n.includes('2 of 1000 classes')));
  });

  it('maps ImageNetV2 index folders and reports an index beyond 999', async () => {
    const dir = join(tmp, 'v2');
    await images(join(dir, '0'), ['x.jpeg']);
    await images(join(dir, '999'), ['y.jpeg']);
    await images(join(dir, '1000'), ['z.jpeg']);
    const d = await loadDataset({dir}, synsets);
    assert.equal(d.layout, 'imagenetv2');
    assert.deepEqual(
      d.items.map((it) => it.label),
      [0, 999],
    );
    assert.deepEqual(d.unknownFolders, ['1000']);
    assert.deepEqual(d.unlabeledImages, ['1000/z.jpeg']);
  });

  it('refuses to guess between layouts and names them with --layout', async () => {
    const dir = join(tmp, 'ambiguous');
    await images(dir, [name(1)]);
    await write(join(dir, 'val.txt'), `${name(1)} 1\n`);
    await write(join(dir, 'val_list.txt'), `${name(1)} 1\n`);
    await images(join(dir, wnids[1]!), [name(2)]);
    await assert.rejects(loadDataset({dir}, synsets), usageError(/cannot tell the layout.*paddleclas \(val_list\.txt\).*caffe \(val\.txt\).*imagefolder.*--layout paddleclas\|caffe\|imagefolder/));
    const forced = await loadDataset({dir, layout: 'paddleclas'}, synsets);
    assert.equal(forced.layout, 'paddleclas');
    assert.equal(forced.items.length, 1);
  });

  it('says what it looked for when no layout is recognised', async () => {
    const dir = join(tmp, 'nothing');
    await images(dir, [name(1)]);
    await assert.rejects(loadDataset({dir}, synsets), usageError(/no ImageNet validation layout found.*LOC_val_solution\.csv.*--ground-truth FILE.*--layout/));
    const torchvisionRoot = join(tmp, 'torchvision-root');
    await images(join(torchvisionRoot, 'val', wnids[0]!), [name(1)]);
    await assert.rejects(loadDataset({dir: torchvisionRoot}, synsets), usageError(/val exists: is that the validation folder\?/));
    await assert.rejects(loadDataset({dir: join(tmp, 'does-not-exist')}, synsets), usageError(/is not a folder/));
  });

  it('rejects malformed or out-of-range labels with file and line', async () => {
    const dir = join(tmp, 'bad-labels');
    await images(dir, [name(1), name(2)]);
    await write(join(dir, 'val.txt'), `${name(1)} 3\n${name(2)} 1000\n`);
    await assert.rejects(loadDataset({dir}, synsets), usageError(/val\.txt:2: class index 1000 is outside 0\.\.999/));
    await write(join(dir, 'gt.txt'), '1\n0\n');
    await assert.rejects(loadDataset({dir, labelsFile: join(dir, 'gt.txt')}, synsets), usageError(/gt\.txt:2: expected a devkit class id 1\.\.1000/));
    await write(join(dir, 'sol.csv'), 'ImageId,PredictionString\nILSVRC2012_val_00000001,n99999999 1 2 3 4\n');
    await assert.rejects(loadDataset({dir, labelsFile: join(dir, 'sol.csv')}, synsets), usageError(/sol\.csv:2: 'n99999999' is not one of the 1000/));
    await assert.rejects(loadDataset({dir, layout: 'imagefolder', labelsFile: join(dir, 'val.txt')}, synsets), usageError(/--ground-truth does not apply/));
  });

  it('resolves a PaddleClas list against the list folder when DIR is its val/ folder', async () => {
    const base = join(tmp, 'pc-split');
    await images(join(base, 'val'), [name(1), name(2), 'extra.JPEG']);
    await write(join(base, 'val_list.txt'), `val/${name(1)} 10\nval/${name(2)} 20\nval/${name(3)} 30\n`);
    await images(join(base, 'train', 'n01440764'), ['t.JPEG']);
    const d = await loadDataset({dir: join(base, 'val'), labelsFile: join(base, 'val_list.txt')}, synsets);
    assert.equal(d.layout, 'paddleclas');
    assert.deepEqual(
      d.items.map((it) => [it.relPath, it.label]),
      [
        [name(1), 10],
        [name(2), 20],
      ],
    );
    assert.deepEqual(d.unlabeledImages, ['extra.JPEG']);
    assert.deepEqual(d.missingImages, [`val/${name(3)}`]);
  });

  it('pairs Kaggle and devkit labels by name stem whatever the extension, reporting a duplicate', async () => {
    const dir = join(tmp, 'devkit-stems');
    await images(dir, [name(1), name(2).replace('.JPEG', '.png'), name(2).replace('.JPEG', '.jpg')]);
    await write(join(dir, 'ILSVRC2012_validation_ground_truth.txt'), '1\n2\n3');
    const d = await loadDataset({dir}, synsets);
    assert.equal(d.layout, 'devkit');
    assert.deepEqual(
      d.items.map((it) => [it.relPath, it.label]),
      [
        [name(1), synsets.classOfDevkitId[0]],
        ['ILSVRC2012_val_00000002.jpg', synsets.classOfDevkitId[1]],
      ],
    );
    assert.deepEqual(d.unlabeledImages, ['ILSVRC2012_val_00000002.png']);
    assert.deepEqual(d.missingImages, [name(3)]);
    assert.ok(d.notes.some((n) => n.includes('share a name')));
  });

  describe('runEval', () => {
    let dir = '';
    before(async () => {
      dir = join(tmp, 'run');
      await images(dir, [name(1), name(2), name(3)]);
      await write(join(dir, 'val.txt'), `${name(1)} 1\n${name(2)} 2\n${name(3)} 3\n`);
    });

    it('records an image the predictor never answered as failed, and reports progress', async () => {
      const progress: [number, number, number][] = [];
      const predict: Predictor = async (files, onResult) => {
        assert.equal(files.length, 3);
        onResult(2, {topk: [{classId: 3, score: 0.9}]});
        onResult(0, {topk: [{classId: 7, score: 0.9}]});
      };
      const report = await runEval({dir, perImage: true, onProgress: (...p) => progress.push(p)}, predict);
      assert.deepEqual(progress, [
        [1, 3, 100],
        [2, 3, 50],
      ]);
      assert.equal(report.metrics.n, 3);
      assert.equal(report.metrics.correctTop1, 1);
      assert.deepEqual(report.metrics.failed, [{relPath: name(2), error: NO_RESULT}]);
      assert.deepEqual(report.perImage?.[1], {relPath: name(2), label: 2, topk: null, error: NO_RESULT});
      const excluded = await runEval({dir, onError: 'exclude'}, predict);
      assert.equal(excluded.metrics.n, 2);
      assert.equal(excluded.perImage, undefined);
    });

    it('rejects a predictor that reports an image twice or an index out of range', async () => {
      await assert.rejects(
        runEval({dir}, async (_files, onResult) => {
          onResult(0, {error: 'x'});
          onResult(0, {error: 'x'});
        }),
        /reported image 0 .* twice/,
      );
      await assert.rejects(
        runEval({dir}, async (_files, onResult) => onResult(3, {error: 'x'})),
        /index 3 of 3/,
      );
    });
  });
});
