import assert from 'node:assert/strict';
import {appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {parseCsv, csvLine} from '../src/pipeline/output/csv.js';
import {csvHeader, fromCsvRow, fromJson, layoutFromHeader, toCsvRow, toJson, type CsvLayout, type LayoutLike} from '../src/pipeline/output/codec.js';
import {formatFromPath, sameIdentity, type OutputRecord} from '../src/pipeline/output/record.js';
import {openOutput} from '../src/pipeline/output/writer.js';
import {OtherModelError, readExistingOutput} from '../src/pipeline/output/existing-output.js';
import {cannotWrite} from '../src/pipeline/output/output-target.js';
import {UsageError} from '../src/errors.js';
import {tempDir} from './support/cli.js';

const nasty = ['plain.jpg', 'comma,name.jpg', 'quote"name.jpg', 'new\nline.jpg', 'ünïcødé 写真.jpg', ' leading space.jpg'];

function records(names: string[]): OutputRecord[] {
  return names.map((file, i) =>
    i % 3 === 2
      ? {file, model: 'm', error: 'truncated, "corrupt"\nimage', size: null, mtime: null}
      : {file, model: 'm', predictions: [{class_id: i, label: `label, "${i}"`, score: 0.5}, {class_id: i + 1, label: 'x', score: 0.25}], size: 1000 + i, mtime: '2026-11-29T10:00:00.000Z'},
  );
}

describe('output writers', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  it('picks the format from the extension', () => {
    assert.equal(formatFromPath('a.CSV'), 'csv');
    assert.equal(formatFromPath('a.json'), 'json');
    assert.equal(formatFromPath('a.jsonl'), 'jsonl');
    assert.equal(formatFromPath('a.ndjson'), 'jsonl');
    assert.equal(formatFromPath('a.txt'), null);
  });

  it('CSV quotes commas, quotes, newlines and spaces and parses back to the same fields', () => {
    const fields = ['a', 'b,c', 'd"e', 'f\ng', 'ü 写', ' x', ''];
    const parsed = parseCsv(csvLine(fields) + csvLine(['1', '2']));
    assert.deepEqual(parsed.rows, [fields, ['1', '2']]);
    const partial = parseCsv('a,b\n"c,\nd');
    assert.deepEqual(partial.rows, [['a', 'b']]);
    assert.equal(partial.completeBytes, 4);
  });

  for (const format of ['jsonl', 'json', 'csv'] as const) {
    it(`${format}: what is written parses back, one record per file`, () => {
      const path = join(dir, `out.${format}`);
      const {writer} = openOutput(path, format, 2, 'new');
      writer.write(records(nasty.slice(0, 3)));
      writer.write(records(nasty).slice(3));
      writer.close();
      writer.close();
      const text = readFileSync(path, 'utf8');
      let files: string[];
      if (format === 'json') files = (JSON.parse(text) as OutputRecord[]).map((r) => r.file);
      else if (format === 'jsonl') files = text.trim().split('\n').map((l) => (JSON.parse(l) as OutputRecord).file);
      else {
        const rows = parseCsv(text).rows;
        assert.deepEqual(rows[0], ['file', 'model', 'class_1', 'label_1', 'score_1', 'class_2', 'label_2', 'score_2', 'error', 'size', 'mtime']);
        files = rows.slice(1).map((r) => r[0]!);
        assert.equal(rows[3]![8], 'truncated, "corrupt"\nimage');
        assert.deepEqual(rows[3]!.slice(9), ['', '']);
        assert.equal(rows[1]![3], 'label, "0"');
        assert.deepEqual(rows[1]!.slice(9), ['1000', '2026-11-29T10:00:00.000Z']);
      }
      assert.deepEqual(files, nasty);
    });

    it(`${format}: refuses to replace existing output, resumes it after a cut-off record`, () => {
      const path = join(dir, `out.${format}`);
      const first = openOutput(path, format, 2, 'new');
      first.writer.write(records(nasty.slice(0, 4)));
      // a crash: the document is not closed and the last record is cut in the middle
      const cut = format === 'csv' ? '"half,rec' : '{"file":"half-rec';
      appendFileSync(path, format === 'jsonl' ? cut : format === 'json' ? `,\n${cut}` : cut);
      assert.throws(() => openOutput(path, format, 2, 'new'), /already exists: use --resume/);
      const resumed = openOutput(path, format, 2, 'resume', {model: 'm'});
      assert.deepEqual([...resumed.done.keys()], nasty.slice(0, 4));
      resumed.writer.write(records(nasty.slice(4)));
      resumed.writer.close();
      const text = readFileSync(path, 'utf8');
      const files =
        format === 'json'
          ? (JSON.parse(text) as OutputRecord[]).map((r) => r.file)
          : format === 'jsonl'
            ? text.trim().split('\n').map((l) => (JSON.parse(l) as OutputRecord).file)
            : parseCsv(text).rows.slice(1).map((r) => r[0]!);
      assert.deepEqual(files.slice(0, 4), nasty.slice(0, 4));
      assert.equal(files.length, 4 + records(nasty.slice(4)).length);
    });
  }

  for (const format of ['jsonl', 'json', 'csv'] as const) {
    it(`${format}: --retry-errors drops the error records before resuming, atomically`, () => {
      const path = join(dir, `retry.${format}`);
      const first = openOutput(path, format, 2, 'new');
      first.writer.write(records(nasty));
      first.writer.close();
      const before = readExistingOutput(path, format, 2, 'm');
      assert.deepEqual([...before.failed], [nasty[2], nasty[5]]);
      const resumed = openOutput(path, format, 2, 'resume', {model: 'm', retryErrors: true});
      assert.deepEqual([...resumed.done.keys()], nasty.filter((_, i) => i % 3 !== 2));
      resumed.writer.write([{file: nasty[2]!, model: 'm', predictions: [], size: 1, mtime: null}]);
      resumed.writer.close();
      const after = readExistingOutput(path, format, 2, 'm');
      assert.equal(after.failed.size, 0);
      assert.deepEqual([...after.done.keys()].sort(), [...nasty.filter((_, i) => i !== 5)].sort());
      if (format === 'json') assert.equal((JSON.parse(readFileSync(path, 'utf8')) as unknown[]).length, 5);
      assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.compact-')), [], 'no temporary file left');
    });

    it(`${format}: a changed file redone on resume replaces its record, even across a crash`, () => {
      const path = join(dir, `changed.${format}`);
      const first = openOutput(path, format, 2, 'new');
      first.writer.write(records(nasty));
      first.writer.close();
      const identities = readExistingOutput(path, format, 2, 'm').done;
      assert.equal(identities.get(nasty[0]!), '1000|2026-11-29T10:00:00.000Z');
      assert.equal(identities.get(nasty[2]!), '|');
      const redo = (file: string, size: number): OutputRecord => ({file, model: 'm', predictions: [{class_id: 7, label: 'new', score: 1}], size, mtime: '2026-11-29T11:00:00.000Z'});
      // the run is killed after writing the new record: the file holds both, the last one counts
      const crashed = openOutput(path, format, 2, 'resume', {model: 'm'});
      crashed.writer.write([redo(nasty[1]!, 5)]);
      if (format === 'json') appendFileSync(path, ',\n{"file":"cut off');
      const seen = readExistingOutput(path, format, 2, 'm');
      assert.equal(seen.superseded, 1);
      assert.equal(seen.done.get(nasty[1]!), '5|2026-11-29T11:00:00.000Z');
      // the next resume compacts before its first record; a run that ends normally compacts when it closes
      const next = openOutput(path, format, 2, 'resume', {model: 'm'});
      next.writer.write([redo(nasty[3]!, 6)]);
      // only the record just redone is superseded (in JSON not yet: its last record counts once the array goes on), not the crash's duplicate
      assert.equal(readExistingOutput(path, format, 2, 'm').superseded, format === 'json' ? 0 : 1, "the crash's duplicate went first");
      next.writer.close();
      const after = readExistingOutput(path, format, 2, 'm');
      assert.equal(after.superseded, 0);
      assert.equal(after.done.size, nasty.length);
      assert.equal(after.done.get(nasty[3]!), '6|2026-11-29T11:00:00.000Z');
      const order: string[] = [];
      readExistingOutput(path, format, 2, 'm', (r) => order.push(r.file));
      assert.deepEqual(order, [nasty[0], nasty[2], nasty[3], nasty[4], nasty[5], nasty[1], nasty[3]].filter((f, i, a) => a.lastIndexOf(f) === i));
      if (format === 'json') assert.equal((JSON.parse(readFileSync(path, 'utf8')) as unknown[]).length, nasty.length);
      assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.compact-')), [], 'no temporary file left');
    });
  }

  it('one record codec: every record survives a JSON line and a CSV row, and what lcnet cannot have written is refused', () => {
    const all: OutputRecord[] = [
      ...records(nasty),
      {file: 'e.jpg', model: 'm', error: 'empty file', size: 0, mtime: '2026-11-29T10:00:00.000Z'},
      {file: 'gone.jpg', model: 'm', error: 'no such file', size: null, mtime: null},
      {file: 'few.jpg', model: 'm', predictions: [{class_id: 4, label: 'x', score: 0.5}], size: 3, mtime: null},
    ];
    for (const r of all) {
      assert.deepEqual(fromJson(toJson(r)), r);
      const row = parseCsv(csvLine(toCsvRow(r, 2))).rows[0]!;
      assert.equal(row.length, csvHeader(2).length);
      assert.deepEqual(fromCsvRow(row, 2), r);
    }
    assert.equal(fromJson('{"file":"a.jpg","predictions":[]}'), null, 'no model');
    assert.equal(fromJson('{"file":"a.jpg","model":"m","predictions":[{"class_id":1.5,"label":"x","score":1}]}'), null);
    assert.equal(fromCsvRow(['a.jpg', 'm', '1', 'x', '0.5', '', '', '', 'big'], 1), null, 'wrong column count');
    assert.equal(fromCsvRow(['a.jpg', 'm', '1', 'x', '0.5', '', 'big', ''], 1), null, 'size not a number');
    assert.ok(sameIdentity(toCsvRow(all[0]!, 1).slice(-2).join('|'), all[0]!.size, all[0]!.mtime));
  });

  it('one record codec for every head: yes/no and attribute records survive a JSON line and a CSV row, and a resume refuses another layout', () => {
    const id = {size: 12, mtime: '2026-11-29T10:00:00.000Z'};
    const decision: OutputRecord = {file: 'p.jpg', model: 'person_exists', decision: {class_id: 1, label: 'someone', score: 0.875}, threshold: 0.5, ...id};
    const labels = Array.from({length: 6}, (_, i) => `t${i}`);
    const table: OutputRecord = {
      file: 't.jpg',
      model: 'table_attribute',
      attributes: ['Scanned', 'Little', 'Black-and-White', 'Clear', 'Without-Obstacles', 'Horizontal'],
      output: [1, 1, 1, 1, 1, 1],
      probabilities: Object.fromEntries(labels.map((l) => [l, 0.75])),
      ...id,
    };
    const failed: OutputRecord = {file: 'x.jpg', model: 'person_exists', error: 'empty file', size: 0, mtime: null};
    const thresh: CsvLayout = {kind: 'thresh'};
    const attrs: CsvLayout = {kind: 'table-attribute', labels};
    for (const [r, layout] of [[decision, thresh], [failed, thresh], [table, attrs], [failed, attrs]] as const) {
      assert.deepEqual(fromJson(toJson(r)), r);
      const row = parseCsv(csvLine(toCsvRow(r, layout))).rows[0]!;
      assert.equal(row.length, csvHeader(layout).length);
      assert.deepEqual(fromCsvRow(row, layout), r);
    }
    assert.deepEqual(layoutFromHeader(csvHeader(attrs)), attrs);
    assert.deepEqual(layoutFromHeader(csvHeader(3)), {kind: 'topk', topk: 3});
    assert.throws(() => toCsvRow(decision, 2), /top-k CSV layout/);
    assert.equal(fromJson('{"file":"a.jpg","model":"m","decision":{"class_id":1,"label":"x"},"threshold":0.5}'), null, 'a decision without a score');

    const path = join(dir, 'heads.csv');
    const w = openOutput(path, 'csv', thresh, 'new');
    w.writer.write([decision]);
    w.writer.close();
    assert.deepEqual([...openOutput(path, 'csv', thresh, 'resume', {model: 'person_exists'}).done.keys()], ['p.jpg']);
    assert.throws(() => readExistingOutput(path, 'csv', attrs, null), /other CSV columns \(thresh output\) than this model writes \(table-attribute\)/);
    assert.throws(() => readExistingOutput(path, 'csv', 5, null), /other CSV columns/);

    // JSON has no header: each record's fields say which kind of model wrote it
    const jsonl = join(dir, 'heads.jsonl');
    const top: OutputRecord = {file: 'q.jpg', model: 'PPLCNet_x1_0', predictions: [{class_id: 3, label: 'shark', score: 0.5}], ...id};
    for (const [records, fits, refused] of [
      [[failed, decision], [thresh], [[5, /line 2 holds a yes\/no decision, which this model does not write \(top-k predictions\)/], [attrs, /\(attributes \(t0, t1, t2, t3, t4, t5\)\)/]]],
      [[table], [attrs], [[thresh, /holds attributes \(t0, .*t5\), which this model does not write \(yes\/no decisions\)/], [{kind: 'table-attribute', labels: labels.slice(1)}, /which this model does not write/]]],
      [[top, failed], [3, 5], [[thresh, /line 1 holds top-k predictions/]]],
      [[failed], [3, thresh, attrs], []],
    ] as [OutputRecord[], LayoutLike[], [LayoutLike, RegExp][]][]) {
      writeFileSync(jsonl, records.map((r) => toJson(r) + '\n').join(''));
      for (const layout of fits) assert.equal(readExistingOutput(jsonl, 'jsonl', layout, null).done.size, records.length);
      for (const [layout, why] of refused) assert.throws(() => readExistingOutput(jsonl, 'jsonl', layout, null), why);
    }
  });

  for (const format of ['jsonl', 'json', 'csv'] as const) {
    it(`${format}: nothing is written before the first records: an abandoned run leaves no new file and any output untouched`, () => {
      const fresh = join(dir, `fresh.${format}`);
      openOutput(fresh, format, 2, 'new').writer.abandon();
      assert.ok(!existsSync(fresh), 'no file created');
      // an output with a record cut off by a crash and a record superseded: a resume repairs and compacts it at its first write
      const path = join(dir, `old.${format}`);
      const first = openOutput(path, format, 2, 'new');
      first.writer.write(records(nasty.slice(0, 3)));
      first.writer.write([{...records(nasty.slice(1, 2))[0]!, size: 5}]);
      first.writer.abandon();
      appendFileSync(path, format === 'csv' ? '"half,rec' : format === 'json' ? ',\n{"file":"half' : '{"file":"half');
      const before = readFileSync(path);
      for (const mode of ['overwrite', 'resume'] as const) {
        const opened = openOutput(path, format, 2, mode, {retryErrors: true});
        if (mode === 'resume') assert.deepEqual([...opened.done.keys()], [nasty[0], nasty[1]], 'the error record of nasty[2] is to be retried');
        opened.writer.abandon();
        assert.deepEqual(readFileSync(path), before, `${mode} left the output as it was`);
      }
      // closed with no record, an output is created all the same: an empty part is a valid part
      const empty = openOutput(fresh, format, 2, 'new');
      empty.writer.close();
      assert.equal(readFileSync(fresh, 'utf8'), format === 'csv' ? csvLine(csvHeader(2)) : format === 'json' ? '[\n]\n' : '');
    });
  }

  it('says why an output cannot be written and what to do, for each system error', () => {
    const error = (code: string) => Object.assign(new Error(`${code}: some system text`), {code});
    const said = (code: string, where = '/data') => cannotWrite('/data/out.csv', where, error(code)).message;
    assert.equal(said('EACCES'), 'cannot write /data/out.csv: permission denied: folder /data cannot be written; choose another --output, or make /data writable');
    assert.equal(said('EPERM', '/data/out.csv'), 'cannot write /data/out.csv: permission denied: it cannot be written; choose another --output, or make /data/out.csv writable');
    assert.equal(said('EROFS'), 'cannot write /data/out.csv: folder /data is on a read-only file system; choose another --output');
    assert.equal(said('ENOSPC'), 'cannot write /data/out.csv: the disk holding /data is full; free some space or choose another --output');
    assert.equal(said('EDQUOT'), 'cannot write /data/out.csv: the disk quota for /data is used up; free some space or choose another --output');
    assert.equal(said('EIO'), 'cannot write /data/out.csv: EIO: some system text; choose another --output');
    assert.ok(cannotWrite('/o', '/', error('EACCES')) instanceof UsageError);
  });

  it('refuses to resume a CSV without the size and mtime columns (lcnet 0.1 was never released)', () => {
    const old = join(dir, 'old.csv');
    writeFileSync(old, 'file,model,class_1,label_1,score_1,error\na.jpg,m,1,x,0.5,\n');
    assert.throws(() => openOutput(old, 'csv', 1, 'resume', {model: 'm'}), /does not look like lcnet CSV output/);
  });

  it('JSON: an empty run is an empty array and a closed run resumes cleanly', () => {
    const path = join(dir, 'e.json');
    const a = openOutput(path, 'json', 1, 'new');
    a.writer.close();
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), []);
    const b = openOutput(path, 'json', 1, 'resume', {model: 'm'});
    b.writer.write(records(['one.jpg']));
    b.writer.close();
    const c = openOutput(path, 'json', 1, 'resume', {model: 'm'});
    assert.deepEqual([...c.done.keys()], ['one.jpg']);
    c.writer.write(records(['two.jpg']));
    c.writer.close();
    assert.deepEqual((JSON.parse(readFileSync(path, 'utf8')) as OutputRecord[]).map((r) => r.file), ['one.jpg', 'two.jpg']);
  });

  it('refuses to resume, and leaves untouched, a file that is not lcnet output of that format and top-k', () => {
    const cases: [string, string, 'csv' | 'jsonl' | 'json', number, RegExp][] = [
      ['x.csv', 'name,value\n1,2\n', 'csv', 1, /does not look like lcnet CSV/],
      ['notes.jsonl', 'my notes\nline2\n', 'jsonl', 5, /line 1 is not an lcnet record/],
      ['mixed.jsonl', '{"file":"a.jpg","model":"m","predictions":[]}\nnot a record\n', 'jsonl', 5, /line 2 is not an lcnet record/],
      ['csv-as.jsonl', 'file,model,class_1,label_1,score_1,error\na.jpg,m,1,x,0.5,\n', 'jsonl', 1, /not lcnet JSON Lines/],
      ['arr.json', '{"file":"a.jpg"}\n', 'json', 5, /does not start with '\['/],
    ];
    for (const [name, content, format, topk, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      assert.throws(() => openOutput(path, format, topk, 'resume', {model: 'm'}), message, name);
      assert.equal(readFileSync(path, 'utf8'), content, `${name} must not be modified`);
    }
    const csv = join(dir, 'top5.csv');
    const five = openOutput(csv, 'csv', 5, 'new');
    five.writer.write(records(['a.jpg']));
    five.writer.close();
    const before = readFileSync(csv, 'utf8');
    assert.throws(() => openOutput(csv, 'csv', 2, 'resume', {model: 'm'}), /written with --topk 5; resume it with the same --topk/);
    assert.equal(readFileSync(csv, 'utf8'), before);
  });

  for (const format of ['jsonl', 'json', 'csv'] as const) {
    it(`${format}: refuses to resume, as a usage error that names both models, records of another model, and leaves the file untouched`, () => {
      const path = join(dir, `model.${format}`);
      const first = openOutput(path, format, 2, 'new');
      // the first record is the run's own: the check looks at every record, error records included
      first.writer.write([
        ...records(['mine.jpg']).map((r) => ({...r, model: 'PPLCNet_x0_5'})),
        ...records(['a.jpg', 'b.jpg', 'c.jpg']).map((r) => ({...r, model: 'PPLCNet_x1_0'})),
      ]);
      first.writer.close();
      // a cut-off record makes the resume want to truncate: it must not
      if (format !== 'json') appendFileSync(path, format === 'csv' ? 'cut.jpg,PPLCNet_x0_5,1' : '{"file":"cut.jpg","mod');
      const before = readFileSync(path);
      assert.throws(
        () => openOutput(path, format, 2, 'resume', {model: 'PPLCNet_x0_5'}),
        (e: Error) => {
          assert.ok(e instanceof OtherModelError && e instanceof UsageError, e.message);
          assert.match(e.message, /model\.\w+ holds records of model PPLCNet_x1_0 \(line \d+\), not of PPLCNet_x0_5, the model of this run: resume it with --model PPLCNet_x1_0/);
          return true;
        },
      );
      assert.deepEqual(readFileSync(path), before, 'the output is byte for byte as it was');
      // the layout alone (no model to match) still reads it
      assert.equal(readExistingOutput(path, format, 2, null).done.size, 4);
    });
  }

  it('streams outputs larger than its read chunk, records crossing chunk boundaries', () => {
    const path = join(dir, 'big.jsonl');
    const names = Array.from({length: 40000}, (_, i) => `dir/${'x'.repeat(i % 300)}/${i}.jpg`);
    const opened = openOutput(path, 'jsonl', 2, 'new');
    for (let i = 0; i < names.length; i += 1000) opened.writer.write(records(names.slice(i, i + 1000)));
    opened.writer.close();
    const full = readFileSync(path);
    assert.ok(full.length > 9 * 1024 * 1024, `${full.length} bytes`);
    appendFileSync(path, '{"file":"cut');
    const existing = readExistingOutput(path, 'jsonl', 2, 'm');
    assert.equal(existing.done.size, names.length);
    assert.equal(existing.keepBytes, full.length);
  });
});
