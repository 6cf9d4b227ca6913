import assert from 'node:assert/strict';
import {Aggregator, classesByCount, errorReason} from '../src/report/aggregate.js';
import {Best} from '../src/report/bounded.js';
import {esc} from '../src/report/escape.js';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {csvHeader, toCsvRow} from '../src/pipeline/output/codec.js';
import {csvLine} from '../src/pipeline/output/csv.js';
import type {OutputRecord} from '../src/pipeline/output/record.js';
import {attributeValues, outputRecords} from '../src/report/read-inputs.js';
import {RepeatedFiles} from '../src/report/repeated-files.js';

describe('report building blocks', () => {
  it('escapes text and attribute values', () => {
    assert.equal(esc('<script>alert("x")</script> & \'y\''), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
    assert.equal(esc(0.5), '0.5');
  });

  it('keeps the N best of a stream, best first, ties to the earlier item', () => {
    const best = new Best<[number, string]>(3, (a, b) => a[0] - b[0]);
    const items: [number, string][] = [
      [0.2, 'a'],
      [0.9, 'b'],
      [0.5, 'c'],
      [0.9, 'd'],
      [0.1, 'e'],
      [0.5, 'f'],
      [0.7, 'g'],
    ];
    for (const i of items) best.add(i);
    assert.deepEqual(best.sorted().map((i) => i[1]), ['b', 'd', 'g']);
    // against a sort, on a longer deterministic stream
    const big = new Best<number>(50, (a, b) => a - b);
    const values = Array.from({length: 5000}, (_, i) => (i * 7919) % 10007);
    for (const v of values) big.add(v);
    assert.deepEqual(big.sorted(), [...values].sort((a, b) => b - a).slice(0, 50));
    const none = new Best<number>(0, (a, b) => a - b);
    none.add(1);
    assert.deepEqual(none.sorted(), []);
  });

  it('groups errors by reason without file names and numbers', () => {
    assert.equal(errorReason('/a/b.jpg: image is 40000x30000 pixels, more than 268402689', '/a/b.jpg'), 'FILE: image is NxN pixels, more than N');
    assert.equal(errorReason('empty file', 'x.jpg'), 'empty file');
  });

  it('aggregates counts, low confidence, errors and unknown records', () => {
    const agg = new Aggregator({perClass: 2, lowConfidence: 0.5, margin: 0.1, maxRows: 10});
    const p = (file: string, label: string, s1: number, s2: number) => ({kind: 'prediction' as const, file, predictions: [{class_id: label.length, label, score: s1}, {class_id: 99, label: 'other', score: s2}]});
    agg.add(p('a.jpg', 'cat', 0.9, 0.05), 'in');
    agg.add(p('b.jpg', 'cat', 0.4, 0.3), 'in');
    agg.add(p('c.jpg', 'cat', 0.7, 0.65), 'in');
    agg.add(p('d.jpg', 'dog', 1, 0), 'in');
    agg.add({kind: 'error', file: 'e.jpg', error: 'empty file'}, 'in');
    agg.add({kind: 'unknown', file: null, line: 7, what: 'not JSON'}, 'in');
    const a = agg.result;
    assert.equal(a.records, 6);
    assert.deepEqual(classesByCount(a).map((c) => [c.label, c.count, c.best.sorted().map((e) => e.file)]), [
      ['cat', 3, ['a.jpg', 'c.jpg']],
      ['dog', 1, ['d.jpg']],
    ]);
    assert.equal(a.lowConfidence.count, 2);
    assert.deepEqual(a.lowConfidence.examples.sorted().map((e) => e.file), ['b.jpg', 'c.jpg']);
    assert.deepEqual([a.histogram[18], a.histogram[19]], [1, 1]);
    assert.equal(a.histogram.reduce((x, y) => x + y, 0), 4);
    assert.deepEqual([...a.errorReasons.values()], [{reason: 'empty file', count: 1, files: ['e.jpg']}]);
    assert.deepEqual(a.unknownRecords, [{input: 'in', line: 7, file: null, what: 'not JSON'}]);
  });

  it('tells records of a file seen before from new files, whatever the spelling of the path, across table growth', () => {
    const seen = new RepeatedFiles();
    const n = 200000;
    for (let i = 0; i < n; i++) assert.equal(seen.add(`photos/${i % 997}/img_${i}.jpg`), false, `img_${i} is new`);
    let repeats = 0;
    for (let i = 0; i < n; i++) if (seen.add(`./photos/${i % 997}/img_${i}.jpg`)) repeats++;
    assert.equal(repeats, n);
    assert.equal(seen.add('photos/elsewhere.jpg'), false);
    assert.equal(seen.add('photos//elsewhere.jpg'), true);
  });

  it('counts records of a file recorded before, errors included, and counts them all', () => {
    const agg = new Aggregator({perClass: 2, lowConfidence: 0.5, margin: 0.1, maxRows: 10});
    const p = (file: string) => ({kind: 'prediction' as const, file, predictions: [{class_id: 1, label: 'cat', score: 0.9}]});
    agg.add(p('a.jpg'), 'one');
    agg.add({kind: 'error', file: 'b.jpg', error: 'empty file'}, 'one');
    agg.add(p('./a.jpg'), 'two');
    agg.add(p('b.jpg'), 'two');
    agg.add({kind: 'unknown', file: 'a.jpg', line: 3, what: 'not JSON'}, 'two');
    agg.add(p('c.jpg'), 'two');
    assert.deepEqual([agg.result.records, agg.result.predictions, agg.result.errors, agg.result.repeated], [6, 4, 1, 2]);
    assert.equal(agg.result.classes.get('1\u0000cat')!.count, 4);
  });

  it('reads attribute values as PaddleClas prints them', () => {
    assert.deepEqual(attributeValues('Color: (red, prob: 0.9), Type: (suv, prob: 0.8)'), ['Color: red', 'Type: suv']);
    assert.deepEqual(attributeValues('Color unknown, Type: (bus, prob: 0.7)'), ['Color unknown', 'Type: bus']);
    assert.deepEqual(attributeValues('something'), ['something']);
  });

  it('reads yes/no and attribute CSV outputs through the record codec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcnet-report-'));
    try {
      const yes: OutputRecord = {file: 'y.jpg', model: 'person_exists', decision: {class_id: 1, label: 'someone', score: 0.8}, threshold: 0.5, size: 1, mtime: null};
      const thresh = join(dir, 'people.csv');
      writeFileSync(thresh, csvLine(csvHeader({kind: 'thresh'})) + csvLine(toCsvRow(yes, {kind: 'thresh'})));
      assert.deepEqual([...outputRecords(thresh, {truncation: null})], [{kind: 'prediction', file: 'y.jpg', predictions: [{class_id: 1, label: 'someone', score: 0.8}]}]);
      const labels = ['yellow', 'orange', 'green', 'gray', 'red', 'blue', 'white', 'golden', 'brown', 'black', 'sedan', 'suv', 'van', 'hatchback', 'mpv', 'pickup', 'bus', 'truck', 'estate'];
      const layout = {kind: 'vehicle-attribute' as const, labels};
      const car: OutputRecord = {
        file: 'c.jpg',
        model: 'vehicle_attribute',
        attributes: 'Color: (red, prob: 0.9), Type: (suv, prob: 0.8)',
        output: labels.map((l) => (l === 'red' || l === 'suv' ? 1 : 0)),
        probabilities: Object.fromEntries(labels.map((l) => [l, l === 'red' ? 0.9 : l === 'suv' ? 0.8 : 0.1])),
        size: 2,
        mtime: null,
      };
      const cars = join(dir, 'cars.csv');
      writeFileSync(cars, csvLine(csvHeader(layout)) + csvLine(toCsvRow(car, layout)));
      assert.deepEqual([...outputRecords(cars, {truncation: null})], [{kind: 'attributes', file: 'c.jpg', values: ['Color: red', 'Type: suv']}]);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
