/**
 * `--threshold` on attribute models, as README says: it moves the main threshold of the person
 * model (gender, hat, bag, upper patterns, lower garments, boots) while glasses keeps its own 0.3
 * and holding an object its own 0.6 (PaddleClas PersonAttribute's glasses_threshold and
 * hold_threshold); `output` keeps PaddleClas's fixed 0.5 beside those two. The vehicle model's
 * two thresholds and the table model's six all move.
 */

import assert from 'node:assert/strict';
import {mkdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import sharp from 'sharp';
import {decodeRow, withThreshold, type PostprocessSpec} from '../src/pipeline/postprocess/spec.js';
import {decodePersonAttribute, type PersonAttributeSpec} from '../src/pipeline/postprocess/attributes.js';
import type {AttributeRecord} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';
import {PERSON_LABELS, writeAttributeModel} from './support/attribute-model.js';

/** The published PersonAttribute parameters (the catalogue's, checked in pulc-catalogue.test.ts). */
const PERSON: PersonAttributeSpec = {kind: 'person-attribute', threshold: 0.5, glassesThreshold: 0.3, holdThreshold: 0.6};
const GLASSES = 1;
const HOLD = 18;
const HAT = 0;
const FEMALE = 22;

/** 26 probabilities of 0.1 with the given ones set. */
function probabilities(set: Record<number, number>): Float32Array {
  const row = new Float32Array(26).fill(0.1);
  for (const [i, p] of Object.entries(set)) row[Number(i)] = p;
  return row;
}

/** What the record of `row` says about hat, gender, glasses and holding, and its output bits for them. */
function decided(row: Float32Array, threshold: number | undefined) {
  const body = decodeRow(row, withThreshold(PERSON, threshold), PERSON_LABELS, 5);
  assert.ok('attributes' in body);
  const a = body.attributes as string[];
  return {gender: a[0], glasses: a[3], hat: a[4], hold: a[5], output: [body.output[HAT], body.output[GLASSES], body.output[HOLD], body.output[FEMALE]]};
}

describe('--threshold on attribute models: the post-processing', () => {
  it('person: --threshold replaces the main threshold only; glasses stays 0.3 and holding 0.6', () => {
    assert.deepEqual(withThreshold(PERSON, 0.7), {kind: 'person-attribute', threshold: 0.7, glassesThreshold: 0.3, holdThreshold: 0.6});
    assert.deepEqual(withThreshold(PERSON, 0.05), {kind: 'person-attribute', threshold: 0.05, glassesThreshold: 0.3, holdThreshold: 0.6});
    assert.equal(withThreshold(PERSON, undefined), PERSON);
  });

  it('person: probabilities around 0.3, 0.5 and 0.6 decide as documented at --threshold 0.4 and 0.8', () => {
    // between 0.3 and 0.4, and between 0.4 and 0.6: a glasses threshold moved to 0.4 would say
    // False, a hold threshold moved to 0.4 would say True
    const low = probabilities({[GLASSES]: 0.35, [HOLD]: 0.55, [HAT]: 0.45, [FEMALE]: 0.45});
    assert.deepEqual(decided(low, undefined), {gender: 'Male', glasses: 'Glasses: True', hat: 'Hat: False', hold: 'HoldObjectsInFront: False', output: [0, 1, 0, 0]});
    assert.deepEqual(decided(low, 0.4), {gender: 'Female', glasses: 'Glasses: True', hat: 'Hat: True', hold: 'HoldObjectsInFront: False', output: [0, 1, 0, 0]});
    // between 0.3 and 0.8, and between 0.6 and 0.8: thresholds moved to 0.8 would say False for both
    const high = probabilities({[GLASSES]: 0.35, [HOLD]: 0.65, [HAT]: 0.7, [FEMALE]: 0.7});
    assert.deepEqual(decided(high, undefined), {gender: 'Female', glasses: 'Glasses: True', hat: 'Hat: True', hold: 'HoldObjectsInFront: True', output: [1, 1, 1, 1]});
    assert.deepEqual(decided(high, 0.8), {gender: 'Male', glasses: 'Glasses: True', hat: 'Hat: False', hold: 'HoldObjectsInFront: True', output: [1, 1, 1, 1]});
  });

  it('person: at exactly 0.3 and 0.6 glasses and holding stay False (strictly greater), whatever --threshold is', () => {
    // in double precision: float32 has no 0.3 or 0.6, only values just above them
    const edge = new Float64Array(26).fill(0.1);
    edge[GLASSES] = 0.3;
    edge[HOLD] = 0.6;
    edge[HAT] = 0.5;
    const decide = (t: number | undefined) => decodePersonAttribute(edge, withThreshold(PERSON, t) as PersonAttributeSpec);
    for (const t of [undefined, 0.1, 0.29, 0.59, 0.9]) {
      const d = decide(t);
      assert.deepEqual([d.attributes[3], d.attributes[5], d.output[GLASSES], d.output[HOLD]], ['Glasses: False', 'HoldObjectsInFront: False', 0, 0], `--threshold ${t}`);
    }
    assert.equal(decide(0.49).attributes[4], 'Hat: True');
    assert.equal(decide(undefined).attributes[4], 'Hat: False');
  });

  it('vehicle: --threshold moves both thresholds; table: all six', () => {
    const vehicle: PostprocessSpec = {kind: 'vehicle-attribute', colorThreshold: 0.5, typeThreshold: 0.5};
    assert.deepEqual(withThreshold(vehicle, 0.25), {kind: 'vehicle-attribute', colorThreshold: 0.25, typeThreshold: 0.25});
    const table: PostprocessSpec = {kind: 'table-attribute', thresholds: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]};
    assert.deepEqual(withThreshold(table, 0.75), {kind: 'table-attribute', thresholds: [0.75, 0.75, 0.75, 0.75, 0.75, 0.75]});
  });
});

describe('--threshold on attribute models: lcnet classify', function () {
  this.timeout(180000);
  let work: string;
  let images: string;
  const env = () => ({LCNET_HOME: join(work, 'home')});

  before(async () => {
    work = tempDir('lcnet-attr-threshold-');
    images = join(work, 'images');
    mkdirSync(images);
    // solid colours: the network sees only the mean colour, so these spread its outputs widely
    const colours = [
      [250, 20, 20],
      [20, 240, 30],
      [30, 30, 250],
      [240, 240, 20],
      [20, 230, 230],
      [230, 20, 230],
      [128, 128, 128],
      [10, 10, 10],
      [250, 250, 250],
      [200, 120, 40],
    ];
    for (const [i, [r, g, b]] of colours.entries()) {
      await sharp({create: {width: 48, height: 64, channels: 3, background: {r: r!, g: g!, b: b!}}})
        .png()
        .toFile(join(images, `c${i}.png`));
    }
    writeAttributeModel(join(work, 'person_attribute_infer'));
    const d = await runCli(['download', 'person_attribute', '--from', join(work, 'person_attribute_infer')], {env: env()});
    assert.equal(d.code, 0, d.stderr);
  });

  after(() => rmSync(work, {recursive: true, force: true}));

  it('person_attribute --threshold T: every record decided at T, glasses at 0.3 and holding at 0.6', async () => {
    // how often keeping 0.3 and 0.6 gave another answer than moving them to T would have
    let telling = 0;
    for (const threshold of [0.05, 0.95]) {
      const r = await runCli(['classify', images, '-m', 'person_attribute', '--threshold', String(threshold), '--threads', '1', '--workers', '1', '--no-progress'], {env: env()});
      assert.equal(r.code, 0, r.stderr);
      const records = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as AttributeRecord);
      assert.equal(records.length, 10);
      for (const rec of records) {
        const probs = PERSON_LABELS.map((l) => rec.probabilities[l]!);
        const kept = decodePersonAttribute(probs, {...PERSON, threshold});
        assert.deepEqual(rec.attributes, kept.attributes, `${rec.file} at --threshold ${threshold}`);
        assert.deepEqual(rec.output, kept.output, `${rec.file} at --threshold ${threshold}`);
        const moved = decodePersonAttribute(probs, {kind: 'person-attribute', threshold, glassesThreshold: threshold, holdThreshold: threshold});
        if (moved.attributes[3] !== kept.attributes[3] || moved.attributes[5] !== kept.attributes[5]) telling++;
      }
    }
    // the images must put glasses or holding between 0.05 and 0.95 but on the other side of 0.3 or 0.6
    assert.ok(telling >= 3, `only ${telling} records tell a kept glasses or hold threshold from a moved one`);
  });
});
