import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {findEntry, loadCatalogue, parseCatalogue} from '../src/models/download/catalogue.js';
import {groupByTask} from '../src/models/catalogue-groups.js';
import {parseLabels} from '../src/models/labels.js';
import {preprocessOutputSize} from '../src/models/manifest.js';
import {shippedLabelsFile} from '../src/models/pulc-catalogue.js';
import {expectedOutputs} from '../src/pipeline/postprocess/spec.js';
import {SHARED} from './support/shared-data.js';
import {join} from 'node:path';

const PULC = [
  'person_exists',
  'car_exists',
  'safety_helmet',
  'traffic_sign',
  'text_image_orientation',
  'textline_orientation',
  'language_classification',
  'vehicle_attribute',
  'person_attribute',
  'table_attribute',
  'image_orientation',
  'code_exists',
  'clarity_assessment',
];

describe('catalogue: PULC and PP-LCNetV2', function () {
  it('lists every PULC model, PPLCNetV2_base (+ssld) and the PaddleX PP-LCNetV2 archives, findable by the PaddleClas names', function () {
    const cat = loadCatalogue();
    for (const name of [...PULC, 'PPLCNetV2_base', 'PPLCNetV2_base_ssld']) assert.equal(findEntry(cat, name)?.name, name);
    assert.equal(findEntry(cat, 'PULC_person_exists')?.name, 'person_exists');
    assert.equal(findEntry(cat, 'pulc_Vehicle_Attribute')?.name, 'vehicle_attribute');
    // the PaddleX spelling finds PaddleX's archive of the same network
    assert.equal(findEntry(cat, 'pp-lcnetv2_base')?.name, 'PP-LCNetV2_base');
    for (const v of ['small', 'base', 'large']) assert.equal(findEntry(cat, `PP-LCNetV2_${v}`)?.format, 'paddle3');
  });

  it('every entry resolves: URL form, preprocessing to its input size, post-processing, labels count = outputs', async function () {
    const cat = loadCatalogue();
    for (const e of cat.models) {
      const where = e.name;
      assert.ok(e.urls.every((u) => /^https:\/\/[a-z0-9.-]+\.bcebos\.com\/.+\/[A-Za-z0-9_.-]+_infer\.tar$/.test(u)), where);
      assert.ok(e.urls[0]!.endsWith(`/${e.name}_infer.tar`), where);
      assert.deepEqual(preprocessOutputSize(e.preprocess), e.inputSize, where);
      if (e.labels === 'inference.yml') continue;
      const file = shippedLabelsFile(e.labels)!;
      assert.ok(existsSync(file), `${where}: ${file}`);
      const labels = parseLabels(readFileSync(file, 'utf8'));
      assert.ok(e.outputs !== undefined || e.labels === 'imagenet1k', `${where} states its outputs`);
      const outputs = e.outputs ?? 1000;
      assert.equal(labels.length, outputs, `${where}: labels`);
      const post = e.postprocess ?? {kind: 'topk', topk: 5};
      const needed = expectedOutputs(post);
      if (needed !== null) assert.equal(needed, outputs, `${where}: ${post.kind}`);
      if (post.kind === 'thresh') assert.equal(post.threshold, 0.5, `${where}: the deploy threshold`);
      assert.ok(e.metric || e.accuracy.top1 !== null || e.note, `${where}: a published figure or a note saying why none`);
    }
  });

  it('carries the published heads, thresholds, sizes and metrics', function () {
    const cat = loadCatalogue();
    const e = (n: string) => findEntry(cat, n)!;
    assert.deepEqual(e('person_attribute').postprocess, {kind: 'person-attribute', threshold: 0.5, glassesThreshold: 0.3, holdThreshold: 0.6});
    assert.deepEqual(e('person_attribute').inputSize, [256, 192]);
    assert.deepEqual(e('vehicle_attribute').inputSize, [192, 256]);
    assert.deepEqual(e('vehicle_attribute').preprocess.resize, {kind: 'stretch', width: 256, height: 192});
    assert.deepEqual(e('textline_orientation').postprocess, {kind: 'topk', topk: 1});
    assert.deepEqual(e('traffic_sign').postprocess, {kind: 'topk', topk: 5});
    assert.deepEqual(e('person_exists').metric?.name, 'TPR@FPR=0.001');
    assert.equal(e('person_exists').metric?.value, 96.23);
    assert.equal(e('PPLCNetV2_base').paramsM, 6.6);
    assert.equal(e('PPLCNetV2_base').accuracy.top1, 77.04);
    assert.equal(e('table_attribute').urls[0], 'https://paddleclas.bj.bcebos.com/models/PULC/inference/table_attribute_infer.tar');
    // the docs' older address is tried second where the docs give it
    assert.equal(e('person_exists').urls[1], 'https://paddleclas.bj.bcebos.com/models/PULC/person_exists_infer.tar');
  });

  it('the shipped PULC label lists are the published ones', function () {
    const dir = join(SHARED, 'docs', 'pulc', 'labels');
    if (!existsSync(dir)) this.skip();
    for (const name of PULC.filter((n) => n !== 'code_exists' && n !== 'clarity_assessment')) {
      assert.deepEqual(parseLabels(readFileSync(shippedLabelsFile(`pulc/${name}`)!, 'utf8')), parseLabels(readFileSync(join(dir, `${name}.txt`), 'utf8')), name);
    }
  });

  it('refuses a bad head, a clashing alias and a label path leaving models/labels', function () {
    const good = loadCatalogue();
    const base = findEntry(good, 'person_exists')!;
    const bad = (patch: object) => ({default: 'person_exists', models: [{...base, ...patch}]});
    assert.throws(() => parseCatalogue(bad({postprocess: {kind: 'thresh', threshold: 7}}), 'c.json'), /\(person_exists\): postprocess threshold/);
    assert.throws(() => parseCatalogue(bad({labels: '../../etc/passwd'}), 'c.json'), /labels must be/);
    assert.throws(() => parseCatalogue({default: 'person_exists', models: [base, {...base, name: 'other', aliases: ['person_EXISTS']}]}, 'c.json'), /listed twice/);
  });

  it('groups the list by task, in catalogue order', function () {
    const groups = groupByTask(loadCatalogue().models.map((m) => ({name: m.name, task: m.task, head: m.postprocess?.kind})));
    const tasks = groups.map((g) => g.task);
    assert.equal(tasks[0], 'imagenet-1k');
    assert.equal(new Set(tasks).size, tasks.length);
    assert.deepEqual(groups.find((g) => g.task === 'textline-orientation')!.models.map((m) => m.name), ['PP-LCNet_x0_25_textline_ori', 'PP-LCNet_x1_0_textline_ori', 'textline_orientation']);
    assert.equal(groups.find((g) => g.task === 'person-exists')!.head, 'thresh');
  });
});
