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
import {breakableName} from '../src/report/html.js';
import {reportModels} from '../src/report/models.js';
import {makeThumbnail, thumbnailBox} from '../src/report/thumbnails.js';
import {readdirSync} from 'node:fs';
import sharp from 'sharp';
import {FIXTURES, skipWithoutShared} from './support/shared-data.js';

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
    const p = (file: string, label: string, s1: number, s2: number) => ({kind: 'prediction' as const, file, model: 'm', predictions: [{class_id: label.length, label, score: s1}, {class_id: 99, label: 'other', score: s2}]});
    agg.add(p('a.jpg', 'cat', 0.9, 0.05), 'in');
    agg.add(p('b.jpg', 'cat', 0.4, 0.3), 'in');
    agg.add(p('c.jpg', 'cat', 0.7, 0.65), 'in');
    agg.add(p('d.jpg', 'dog', 1, 0), 'in');
    agg.add({kind: 'error', file: 'e.jpg', model: 'other-model', error: 'empty file'}, 'in');
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
    // every record's model is counted, errors included
    assert.deepEqual([...a.models], [
      ['m', 4],
      ['other-model', 1],
    ]);
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
    const p = (file: string) => ({kind: 'prediction' as const, file, model: null, predictions: [{class_id: 1, label: 'cat', score: 0.9}]});
    agg.add(p('a.jpg'), 'one');
    agg.add({kind: 'error', file: 'b.jpg', model: null, error: 'empty file'}, 'one');
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
      assert.deepEqual([...outputRecords(thresh, {truncation: null})], [{kind: 'prediction', file: 'y.jpg', model: 'person_exists', predictions: [{class_id: 1, label: 'someone', score: 0.8}]}]);
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
      assert.deepEqual([...outputRecords(cars, {truncation: null})], [{kind: 'attributes', file: 'c.jpg', model: 'vehicle_attribute', values: ['Color: red', 'Type: suv']}]);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it('fits a wide image into a wider box, so that its thumbnail keeps a readable height', () => {
    // [image] -> box; the thumbnail is the image fitted inside the box, never enlarged
    assert.deepEqual(thumbnailBox(4000, 3000), [160, 160], 'a photo: 160 px on its longer side, as before');
    assert.deepEqual(thumbnailBox(3000, 4000), [160, 160]);
    assert.deepEqual(thumbnailBox(192, 48), [160, 160], '192x48 -> 160x40: already 40 px high');
    assert.deepEqual(thumbnailBox(657, 46), [572, 160], 'a text line: 572x40 instead of 160x11');
    assert.deepEqual(thumbnailBox(831, 33), [640, 160], 'at most 640 px wide: 640x25');
    assert.deepEqual(thumbnailBox(0, 0), [160, 160]);
  });

  it('makes thumbnails of the real text-line crops at least 40 px high (or their own height), aspect kept', async function () {
    const dir = join(FIXTURES, 'textline');
    skipWithoutShared(this, dir);
    const files = readdirSync(dir).filter((f) => /\.(png|jpg)$/.test(f));
    assert.equal(files.length, 24);
    let widest = 0;
    for (const f of files) {
      const {width: w, height: h} = await sharp(join(dir, f)).metadata();
      const t = await makeThumbnail(join(dir, f));
      const meta = await sharp(t.data).metadata();
      assert.deepEqual([meta.width, meta.height], [t.width, t.height], `${f}: the size reported is the JPEG's`);
      assert.ok(t.width <= 640 && t.height <= 160, `${f}: ${t.width}x${t.height}`);
      assert.ok(t.height >= Math.min(40, h!, Math.floor((640 * h!) / w!)), `${f} (${w}x${h}): ${t.width}x${t.height} is readable`);
      assert.ok(Math.abs(t.width / t.height - w! / h!) <= (w! / h!) * (1 / t.height + 1 / t.width), `${f}: aspect kept`);
      widest = Math.max(widest, w! / h!);
    }
    assert.ok(widest > 10, 'the crops are text lines, more than 10 times as wide as high');
  });

  it('breaks a file name only after a separator of its stem', () => {
    assert.equal(breakableName('ILSVRC2012_val_00000002.JPEG'), 'ILSVRC2012_<wbr>val_<wbr>00000002.JPEG');
    assert.equal(breakableName('my photo-2.v2.jpg'), 'my <wbr>photo-<wbr>2.<wbr>v2.jpg');
    assert.equal(breakableName('<b>_x.png'), '&lt;b&gt;_<wbr>x.png');
    assert.equal(breakableName('.hidden_file'), '.<wbr>hidden_<wbr>file');
    assert.equal(breakableName('README'), 'README');
  });

  it('names the models of a report, each once with what it made; synthetic by its name or by its report', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lcnet-home-'));
    try {
      const models = await reportModels({
        records: new Map([
          ['PPLCNet_x1_0', 3],
          ['synthetic:PPLCNet_x0_25', 5],
        ]),
        evals: [{input: '/r/eval.json', model: {name: 'PPLCNet_x1_0', synthetic: false}}, {input: 'old.json'}],
        benches: [{input: 'b.json', model: {name: 'x.onnx-model', synthetic: true}}],
        home,
      });
      assert.deepEqual(
        models.map((m) => [m.name, m.made, m.synthetic, m.benchOnly]),
        [
          ['synthetic:PPLCNet_x0_25', ['5 records'], 'named', false],
          ['PPLCNet_x1_0', ['3 records', 'evaluation eval.json'], null, false],
          ['(not recorded)', ['evaluation old.json'], null, false],
          ['x.onnx-model', ['benchmark b.json'], 'reported', true],
        ],
      );
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  });
});
