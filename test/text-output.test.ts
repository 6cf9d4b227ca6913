/**
 * The human form of records (src/pipeline/output/text.ts): one readable line per file for each
 * kind of model, errors in plain words, columns that line up and names that are never cut.
 */

import assert from 'node:assert/strict';
import {displayWidth, printable} from '../src/pipeline/output/display-width.js';
import type {AttributeRecord, DecisionRecord, ErrorRecord, OutputRecord, PredictionRecord} from '../src/pipeline/output/record.js';
import {formatScore, MAX_NAME_WIDTH, recordText, shortLabel, TextLines} from '../src/pipeline/output/text.js';

const id = {size: 10, mtime: '2026-01-01T00:00:00.000Z'};

function prediction(file: string, predictions: [string, number][]): PredictionRecord {
  return {file, model: 'm', predictions: predictions.map(([label, score], i) => ({class_id: i, label, score})), ...id};
}

describe('text output: one line per record', () => {
  it('top-k: the first name of each label with its score, as many as the record holds', () => {
    const r = prediction('n01440764_10026.JPEG', [
      ['tench, Tinca tinca', 0.9312],
      ['barracouta, snoek', 0.0213],
      ['goldfish, Carassius auratus', 0.0104],
    ]);
    assert.equal(recordText(r), 'tench 0.93, barracouta 0.02, goldfish 0.01');
    assert.equal(recordText(prediction('a.jpg', [['0_degree', 1]])), '0_degree 1.00');
  });

  it('scores: two decimals, three below 0.01, then <0.001; never a bare 0.00 for a small score', () => {
    assert.deepEqual(
      [1, 0.996, 0.5, 0.0104, 0.0095, 0.0094, 0.0042, 0.0005, 0.00049, 1e-9, 0].map(formatScore),
      ['1.00', '1.00', '0.50', '0.01', '0.01', '0.009', '0.004', '0.001', '<0.001', '<0.001', '0'],
    );
  });

  it('labels: cut at the first comma, kept whole without one or when nothing precedes it', () => {
    assert.equal(shortLabel('great white shark, white shark, man-eater'), 'great white shark');
    assert.equal(shortLabel('Saluki'), 'Saluki');
    assert.equal(shortLabel(', odd'), ', odd');
  });

  it('yes/no: the answer, the class it stands for, and its score', () => {
    const yes: DecisionRecord = {file: 'photo.jpg', model: 'person_exists', decision: {class_id: 1, label: 'someone', score: 0.9712}, threshold: 0.5, ...id};
    const no: DecisionRecord = {...yes, decision: {class_id: 0, label: 'nobody', score: 0.8801}};
    assert.equal(recordText(yes), 'yes (someone) 0.97');
    assert.equal(recordText(no), 'no (nobody) 0.88');
  });

  it('person attributes: the decoded list, True flags by name, False flags left out, spaces made single', () => {
    const r: AttributeRecord = {
      file: 'crop.jpg',
      model: 'person_attribute',
      attributes: ['Female', 'Age18-60', 'Front', 'Glasses: True', 'Hat: False', 'HoldObjectsInFront: False', 'Backpack', 'Upper: LongSleeve UpperPlaid', 'Lower:  Trousers', 'No boots'],
      output: [],
      probabilities: {},
      ...id,
    };
    assert.equal(recordText(r), 'Female, Age18-60, Front, Glasses, Backpack, Upper: LongSleeve UpperPlaid, Lower: Trousers, No boots');
  });

  it('vehicle attributes: colour and type with their scores; unknown ones as PaddleClas says them', () => {
    const r: AttributeRecord = {
      file: 'car.jpg',
      model: 'vehicle_attribute',
      attributes: 'Color: (yellow, prob: 0.9893476963043213), Type: (hatchback, prob: 0.9734097719192505)',
      output: [],
      probabilities: {},
      ...id,
    };
    assert.equal(recordText(r), 'color yellow 0.99, type hatchback 0.97');
    assert.equal(recordText({...r, attributes: 'Color unknown, Type: (suv, prob: 0.5)'}), 'Color unknown, type suv 0.50');
  });

  it('table attributes: the list as it is', () => {
    const r: AttributeRecord = {file: 't.png', model: 'table_attribute', attributes: ['Scanned', 'Little', 'Black-and-White', 'Clear', 'Without-Obstacles', 'Horizontal'], output: [], probabilities: {}, ...id};
    assert.equal(recordText(r), 'Scanned, Little, Black-and-White, Clear, Without-Obstacles, Horizontal');
  });

  it('errors: in the words of the record, after "error:"', () => {
    const r: ErrorRecord = {file: 'bad.jpg', model: 'm', error: 'not an image (unrecognised file format)', ...id};
    assert.equal(recordText(r), 'error: not an image (unrecognised file format)');
  });
});

describe('text output: columns', () => {
  const ok = (file: string) => prediction(file, [['cat', 0.5]]);

  it('aligns a batch on its longest name, two spaces after it', () => {
    const text = new TextLines().lines([ok('a.jpg'), ok('photos/b.jpg'), {file: 'bad.jpg', model: 'm', error: 'not an image', ...id}]);
    assert.equal(text, 'a.jpg         cat 0.50\nphotos/b.jpg  cat 0.50\nbad.jpg       error: not an image\n');
  });

  it('keeps the column of earlier batches and widens it for a longer name later', () => {
    const lines = new TextLines();
    assert.equal(lines.lines([ok('abcdef.jpg')]), 'abcdef.jpg  cat 0.50\n');
    assert.equal(lines.lines([ok('a.jpg')]), 'a.jpg       cat 0.50\n');
    assert.equal(lines.lines([ok('abcdefghij.jpg')]), 'abcdefghij.jpg  cat 0.50\n');
    assert.equal(lines.lines([ok('a.jpg')]), 'a.jpg           cat 0.50\n');
  });

  it('writes a name longer than the cap whole, two spaces after it, and does not widen the column past the cap', () => {
    const long = `${'d/'.repeat(60)}x.jpg`;
    const lines = new TextLines();
    const text = lines.lines([ok(long), ok('a.jpg')]);
    assert.equal(text, `${long}  cat 0.50\na.jpg${' '.repeat(MAX_NAME_WIDTH - 5 + 2)}cat 0.50\n`);
  });

  it('makes control characters in names and errors visible, so a name cannot move the cursor', () => {
    const text = new TextLines().lines([{file: 'a\nb\u001b[31m.jpg', model: 'm', error: 'bad\rthing', ...id}]);
    assert.equal(text, 'a\\nb\\x1b[31m.jpg  error: bad\\rthing\n');
    assert.equal(text.split('\n').length, 2);
    assert.equal(printable('\u202egpj.exe'), '\\u202egpj.exe');
  });

  it('counts wide characters as two columns, so CJK names line up with others', () => {
    assert.equal(displayWidth('猫.jpg'), 6);
    assert.equal(displayWidth('e\u0301.jpg'), 5);
    const records: OutputRecord[] = [ok('猫猫.jpg'), ok('abcdef.jpg')];
    const [a, b] = new TextLines().lines(records).split('\n');
    assert.equal(displayWidth(a!.slice(0, a!.indexOf('cat'))), displayWidth(b!.slice(0, b!.indexOf('cat'))));
  });
});
