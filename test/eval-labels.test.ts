/**
 * The label data in models/labels/: its structure and recorded checksums always, and, when
 * ../shared is present, identity with the shared ImageNet metadata and agreement of the three
 * ground-truth forms (val.txt, devkit ids, Kaggle WNIDs) for all 50,000 val images.
 */

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {parseDevkitGroundTruth} from '../src/eval/layout-devkit.js';
import {parseKaggleSolution} from '../src/eval/layout-kaggle.js';
import {parseLabelList} from '../src/eval/layout-list.js';
import {defaultLabelsDir, loadSynsets, parseSynsets} from '../src/eval/synsets.js';
import {haveShared, LABELS_DIR, META, sha256, SKIP_MESSAGE} from './support/eval-fixtures.js';

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

describe('eval label data (models/labels)', () => {
  it('is found next to the compiled code and is consistent: 1000 sorted WNIDs, names, a devkit permutation', async () => {
    assert.equal(defaultLabelsDir().replace(/\/$/, ''), LABELS_DIR.replace(/\/$/, ''));
    const s = await loadSynsets();
    assert.equal(s.wnids.length, 1000);
    assert.equal(s.names[0], 'tench, Tinca tinca');
    assert.equal(s.names[999], 'toilet tissue, toilet paper, bathroom tissue');
    assert.equal(s.wnids[0], 'n01440764');
    assert.equal(s.classOfWnid.get('n15075141'), 999);
    // devkit id 1 is n02119789 kit fox, class 278 in sorted order
    assert.equal(s.classOfDevkitId[0], 278);
    assert.equal(s.names[s.classOfDevkitId[0]!], 'kit fox, Vulpes macrotis');
  });

  it('matches the SHA-256 sums recorded in SOURCES.md', () => {
    const sources = read(LABELS_DIR, 'SOURCES.md');
    for (const name of ['imagenet1k.txt', 'imagenet1k_wnids.txt', 'ilsvrc2012_devkit_ids.txt']) {
      assert.ok(sources.includes(`${sha256(readFileSync(join(LABELS_DIR, name)))}  ${name}`), name);
    }
  });

  it('rejects inconsistent label files', () => {
    const names = read(LABELS_DIR, 'imagenet1k.txt');
    const wnids = read(LABELS_DIR, 'imagenet1k_wnids.txt');
    const devkit = read(LABELS_DIR, 'ilsvrc2012_devkit_ids.txt');
    const swapped = wnids.split('\n');
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    assert.throws(() => parseSynsets(names, swapped.join('\n'), devkit), /sorted/);
    assert.throws(() => parseSynsets(names, wnids, devkit.replace('n02119789', 'n99999999')), /not one of the 1000/);
    assert.throws(() => parseSynsets(names.replace('1 goldfish', '2 goldfish'), wnids, devkit), /line 2/);
  });

  describe('against ../shared/imagenet/meta', function () {
    before(function () {
      if (!haveShared()) {
        console.log(`      ${SKIP_MESSAGE}`);
        this.skip();
      }
    });

    it('imagenet1k.txt is identical to imagenet1k_label_list.txt', () => {
      assert.equal(read(LABELS_DIR, 'imagenet1k.txt'), read(META, 'imagenet1k_label_list.txt'));
    });

    it('WNIDs with the names are identical to synset_words.txt and LOC_synset_mapping.txt', async () => {
      const s = await loadSynsets();
      const joined = s.wnids.map((w, i) => `${w} ${s.names[i]}\n`).join('');
      assert.equal(joined, read(META, 'synset_words.txt'));
      assert.equal(joined, read(META, 'LOC_synset_mapping.txt'));
    });

    it('devkit ids map to the same WNIDs as meta_clsloc.csv', () => {
      const rows = read(META, 'meta_clsloc.csv').trim().split('\n').slice(1);
      const fromCsv = rows.map((r) => r.split(',').slice(0, 2)).sort((a, b) => Number(a[0]) - Number(b[0]));
      assert.equal(fromCsv.length, 1000);
      const ours = read(LABELS_DIR, 'ilsvrc2012_devkit_ids.txt').trim().split('\n');
      assert.deepEqual(
        fromCsv.map(([id, wnid]) => [Number(id), wnid]),
        ours.map((wnid, k) => [k + 1, wnid]),
      );
    });

    it('val.txt, the devkit ground truth and the Kaggle CSV agree on all 50,000 val images', async () => {
      const s = await loadSynsets();
      const list = parseLabelList(read(META, 'val.txt'), 'val.txt', 1000);
      const devkit = parseDevkitGroundTruth(read(META, 'ILSVRC2012_validation_ground_truth.txt'), 'gt', s);
      const kaggle = parseKaggleSolution(read(META, 'LOC_val_solution.csv'), 'csv', s);
      assert.equal(list.length, 50_000);
      assert.equal(devkit.size, 50_000);
      assert.equal(kaggle.size, 50_000);
      for (const e of list) {
        const stem = e.path.replace(/\.JPEG$/, '');
        assert.equal(devkit.get(stem), e.label, `${e.path} (devkit)`);
        assert.equal(kaggle.get(stem), e.label, `${e.path} (kaggle)`);
      }
    });
  });
});
