import assert from 'node:assert/strict';
import {FatalError} from '../src/errors.js';
import {appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {detectFormat, OutputReader} from '../src/merge/read-output.js';
import type {OutputFormat, OutputRecord} from '../src/pipeline/output/record.js';
import {tempDir} from './support/cli.js';
import {rec, writeOutput} from './support/records.js';

const FORMATS: OutputFormat[] = ['jsonl', 'json', 'csv'];

/** Awkward names and messages: commas, quotes, newlines, non-ASCII, leading spaces. */
const awkward: OutputRecord[] = [
  rec('photos/plain.jpg'),
  rec('photos/comma,name.jpg', {classes: [[7, 0.5], [8, 0.25], [9, 0.125]], size: 5, mtime: '2026-01-02T03:04:05.678Z'}),
  rec('photos/new\nline "quoted".jpg', {error: 'truncated, "corrupt"\nimage'}),
  rec('photos/ünïcødé 写真.jpg', {classes: [[999, 1e-7], [0, 3.0000001e-8], [5, 0]]}),
  rec(' leading space.jpg', {error: 'no such file or directory', size: null, mtime: null}),
];

function readAll(path: string, format = detectFormat(path)) {
  const reader = new OutputReader(path, format);
  const records = [...reader.records()].map((r) => r.record);
  return {reader, records};
}

describe('merge: reading any lcnet output as records', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  for (const format of FORMATS) {
    it(`${format}: reads back exactly the records written (quoted newlines, errors, null size and mtime)`, () => {
      const path = writeOutput(join(dir, `out.${format}`), format, 3, awkward);
      const {reader, records} = readAll(path);
      assert.deepEqual(records, awkward);
      assert.equal(reader.topk, 3);
      assert.equal(reader.truncation, null);
      // the line each record starts on: CSV has a header, JSON its bracket; the third record's quoted
      // file name and error hold a newline each
      const lines = [...reader.records()].map((r) => r.line);
      assert.deepEqual(lines, format === 'jsonl' ? [1, 2, 3, 4, 5] : format === 'json' ? [2, 3, 4, 5, 6] : [2, 3, 4, 7, 8]);
    });

    it(`${format}: a shard cut off by a crash is read up to its last complete record, and says so`, () => {
      const path = writeOutput(join(dir, `cut.${format}`), format, 3, awkward.slice(0, 3));
      if (format === 'json') {
        // a killed run: no closing bracket, and the next record cut in the middle
        truncateSync(path, readFileSync(path).length - '\n]\n'.length);
        appendFileSync(path, ',\n{"file":"photos/half');
      } else appendFileSync(path, format === 'csv' ? '"photos/half,rec' : '{"file":"photos/half');
      const {reader, records} = readAll(path);
      assert.deepEqual(records, awkward.slice(0, 3));
      assert.match(reader.truncation!, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      assert.match(reader.truncation!, /last record, at line \d+, is cut off/);
      assert.match(reader.truncation!, /3 records/);
      if (format === 'json') assert.match(reader.truncation!, /JSON array is not closed/);
    });
  }

  it('JSON killed right after a write: every record is whole, only the bracket is missing', () => {
    const path = writeOutput(join(dir, 'killed.json'), 'json', 3, awkward);
    truncateSync(path, readFileSync(path).length - '\n]\n'.length);
    const {reader, records} = readAll(path);
    assert.deepEqual(records, awkward);
    assert.match(reader.truncation!, /its JSON array is not closed \(an interrupted run\?\)/);
    assert.doesNotMatch(reader.truncation!, /cut off/);
  });

  it('JSON Lines without its last newline: the record is whole, nothing to warn about', () => {
    const path = writeOutput(join(dir, 'nonl.jsonl'), 'jsonl', 3, awkward);
    truncateSync(path, readFileSync(path).length - 1);
    const {reader, records} = readAll(path);
    assert.deepEqual(records, awkward);
    assert.equal(reader.truncation, null);
  });

  it('CSV: a multi-line record cut inside its quoted newline is left out', () => {
    const path = writeOutput(join(dir, 'q.csv'), 'csv', 3, awkward.slice(0, 2));
    appendFileSync(path, '"photos/new\nline');
    const {reader, records} = readAll(path);
    assert.deepEqual(records, awkward.slice(0, 2));
    assert.match(reader.truncation!, /line 4, is cut off/);
  });

  it('files of different top-k: each has its own, from the CSV header or the longest prediction list', () => {
    const one = writeOutput(join(dir, 'top1.csv'), 'csv', 1, [rec('a.jpg')]);
    const five = writeOutput(join(dir, 'top5.csv'), 'csv', 5, [rec('b.jpg', {error: 'bad'})]);
    const json = writeOutput(join(dir, 'top2.jsonl'), 'jsonl', 2, [rec('c.jpg', {classes: [[4, 0.5], [5, 0.25]]}), rec('d.jpg', {classes: [[4, 0.5]]})]);
    const a = readAll(one);
    assert.equal(a.reader.topk, 1);
    assert.deepEqual((a.records[0] as {predictions: unknown[]}).predictions, [{class_id: 1, label: 'label 1, "quoted"', score: 0.75}]);
    assert.equal(readAll(five).reader.topk, 5);
    assert.equal(readAll(json).reader.topk, 2);
  });

  it('detects the format from the content when the name has no known extension', () => {
    for (const format of FORMATS) {
      const path = writeOutput(join(dir, `shard-${format}.out`), format, 3, awkward.slice(0, 2));
      assert.equal(detectFormat(path), format);
      assert.deepEqual(readAll(path).records, awkward.slice(0, 2));
    }
    writeFileSync(join(dir, 'empty.out'), '');
    assert.equal(detectFormat(join(dir, 'empty.out')), 'jsonl');
    writeFileSync(join(dir, 'notes.out'), 'my notes\n');
    assert.throws(() => detectFormat(join(dir, 'notes.out')), (e: Error) => /notes\.out: line 1 is not lcnet output/.test(e.message) && e instanceof FatalError);
  });

  it('reads records of older versions, without size and mtime, as null', () => {
    const path = join(dir, 'old.jsonl');
    writeFileSync(path, '{"file":"a.jpg","model":"m","predictions":[{"class_id":1,"label":"x","score":0.5}]}\n{"file":"b.jpg","model":"m","error":"bad"}\n');
    assert.deepEqual(readAll(path).records, [
      {file: 'a.jpg', model: 'm', predictions: [{class_id: 1, label: 'x', score: 0.5}], size: null, mtime: null},
      {file: 'b.jpg', model: 'm', error: 'bad', size: null, mtime: null},
    ]);
  });

  it('refuses what is not lcnet output, naming the file and the line (exit status 3)', () => {
    const header = 'file,model,class_1,label_1,score_1,error,size,mtime\n';
    const cases: [string, string, RegExp][] = [
      ['bad-line.jsonl', '{"file":"a.jpg","model":"m","error":"x"}\n{"file":"b.jpg","model":"m"}\n{"file":"c.jpg","model":"m","error":"x"}\n', /bad-line\.jsonl: line 2 is not an lcnet record/],
      ['not-json.jsonl', 'hello\n', /not-json\.jsonl: line 1 is not an lcnet record/],
      ['bad-score.csv', `${header}a.jpg,m,1,x,0.5,,1,\nb.jpg,m,1,x,high,,1,\n`, /bad-score\.csv: line 3 is not an lcnet record/],
      ['columns.csv', `${header}a.jpg,m,1,x,0.5,,1\n`, /columns\.csv: line 2 is not an lcnet CSV record/],
      ['other.csv', 'name,value\n1,2\n', /other\.csv does not look like lcnet CSV output/],
      ['after.json', '[\n{"file":"a.jpg","model":"m","error":"x"}\n]\n{"file":"b.jpg","model":"m","error":"x"}\n', /after\.json: line 4 follows the end of the JSON array/],
      ['scores.json', '[\n{"file":"a.jpg","model":"m","predictions":[{"class_id":"one","label":"x","score":1}]}\n]\n', /scores\.json: line 2 is not an lcnet record/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      assert.throws(() => readAll(path), (e: Error) => message.test(e.message) && e instanceof FatalError, name);
    }
  });
});
