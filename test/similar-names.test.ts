import assert from 'node:assert/strict';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {loadCatalogue} from '../src/models/download/catalogue.js';
import {closestNames, editDistance, orList} from '../src/models/similar-names.js';
import {MANIFEST_FILE, MODEL_FILE, modelsRoot} from '../src/models/store.js';
import {installedNames, suggestModels} from '../src/models/suggest-models.js';
import {tempDir} from './support/cli.js';

const NAMES = loadCatalogue().models.map((m) => m.name);

describe('did you mean: model names', () => {
  it('counts edits, a swap of neighbours as one and a look-alike character as half of one', () => {
    assert.equal(editDistance('classify', 'classify'), 0);
    assert.equal(editDistance('clasify', 'classify'), 1);
    assert.equal(editDistance('calssify', 'classify'), 1);
    assert.equal(editDistance('x1o', 'x10'), 0.5);
    assert.equal(editDistance('xl0', 'x10'), 0.5);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('suggests the closest catalogue names, whatever the case and separators', () => {
    assert.deepEqual(closestNames('PPLCNet_x1_O', NAMES), ['PPLCNet_x1_0', 'PP-LCNet_x1_0']);
    assert.deepEqual(closestNames('pplcnet-x2-5', NAMES), ['PPLCNet_x2_5', 'PP-LCNet_x2_5']);
    // as near to x0_25 (a swap) as to x0_5 (one digit more): both, at most three names
    assert.deepEqual(closestNames('PPLCNET_X0_52', NAMES), ['PPLCNet_x0_25', 'PPLCNet_x0_5', 'PP-LCNet_x0_25']);
    assert.deepEqual(closestNames('person_exist', NAMES), ['person_exists']);
    assert.deepEqual(closestNames('textline_orientaton', NAMES), ['textline_orientation']);
  });

  it('falls back to the names that hold it, or that it holds, and else suggests nothing', () => {
    assert.deepEqual(closestNames('person', NAMES), ['person_exists', 'person_attribute']);
    assert.deepEqual(closestNames('PPLCNet_x1_0_infer', NAMES), ['PPLCNet_x1_0', 'PP-LCNet_x1_0']);
    assert.deepEqual(closestNames('NoSuchModel', NAMES), []);
    assert.deepEqual(closestNames('zz', NAMES), []);
    assert.deepEqual(closestNames('--', NAMES), []);
  });

  it('says the suggestions as a question ends them', () => {
    assert.equal(orList(['a']), 'a');
    assert.equal(orList(['a', 'b']), 'a or b');
    assert.equal(orList(['a', 'b', 'c']), 'a, b or c');
  });

  it('suggests the name an alias stands for, and the models installed in the store when asked', () => {
    const cat = loadCatalogue();
    assert.deepEqual(suggestModels('PULC_person_exist', cat), ['person_exists']);
    const home = tempDir('lcnet-home-');
    try {
      assert.deepEqual(installedNames(home), []);
      const dir = join(modelsRoot(home), 'my-fruit');
      mkdirSync(dir, {recursive: true});
      writeFileSync(join(dir, MANIFEST_FILE), '{}');
      writeFileSync(join(dir, MODEL_FILE), '');
      // a folder without its model file is not an installed model
      mkdirSync(join(modelsRoot(home), 'my-fruity'));
      assert.deepEqual(installedNames(home), ['my-fruit']);
      assert.deepEqual(suggestModels('my-frut', cat, {home}), ['my-fruit']);
      assert.deepEqual(suggestModels('my-frut', cat), []);
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  });
});
