/**
 * A record cut off by a crash is dropped on --resume and redone: the output then ends with exactly
 * one complete record per file, and nothing of the cut text is left. Crashes are simulated by
 * cutting a finished output at chosen bytes (a row without its newline, half a row, a row cut
 * inside a quoted field), for CSV, JSON Lines and JSON, through the writer and through the CLI.
 */

import assert from 'node:assert/strict';
import {appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {parseCsv} from '../src/pipeline/output/csv.js';
import type {OutputFormat, OutputRecord} from '../src/pipeline/output/record.js';
import {openOutput} from '../src/pipeline/output/writer.js';
import {readExistingOutput} from '../src/pipeline/output/existing-output.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';
import {rec, writeOutput} from './support/records.js';

/** The files of an output, record by record, parsed independently of the resume code. */
function filesIn(path: string, format: OutputFormat): string[] {
  const text = readFileSync(path, 'utf8');
  if (format === 'json') return (JSON.parse(text) as OutputRecord[]).map((r) => r.file);
  if (format === 'jsonl') return text.split('\n').slice(0, -1).map((l) => (JSON.parse(l) as OutputRecord).file);
  const rows = parseCsv(text).rows;
  // every row has all the columns of the header: a glued or half row would not
  for (const r of rows) assert.equal(r.length, rows[0]!.length, `a CSV row of ${r.length} fields: ${JSON.stringify(r)}`);
  return rows.slice(1).map((r) => r[0]!);
}

describe('resume after a record cut off by a crash: the writer', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  const names = ['a.jpg', 'b,comma.jpg', 'c\nnewline.jpg', 'd.jpg'];
  // what a crashed run had started to write: a record of d.jpg that the resume must not keep
  const cutRecord = rec('d.jpg', {classes: [[7, 0.5]], size: 4242});

  for (const format of ['csv', 'jsonl', 'json'] as const) {
    const whole = (r: OutputRecord): string => {
      const probe = join(dir, `probe.${format}`);
      writeOutput(probe, format, 1, [r]);
      const text = readFileSync(probe, 'utf8');
      // the record alone, as the writer put it: a CSV row with its newline, a JSON line, a JSON object
      return format === 'csv' ? text.slice(text.indexOf('\n') + 1) : format === 'jsonl' ? text : text.slice(2, -3);
    };

    const cuts: [string, (text: string) => string][] = [
      ['half of the last record', (t) => t.slice(0, Math.floor(t.length / 2))],
      ['the last record but one byte', (t) => t.slice(0, format === 'json' ? -1 : -2)],
    ];
    // a JSON array's last record has no newline until the next one comes: only CSV and JSON Lines
    // records are cut when their newline is missing
    if (format !== 'json') cuts.unshift(['the last record complete but without its newline', (t) => t.slice(0, -1)]);
    for (const [what, cut] of cuts) {
      it(`${format}: ${what} is dropped and redone; the file ends with one complete record per file`, () => {
        const path = join(dir, `out.${format}`);
        const first = openOutput(path, format, 1, 'new');
        first.writer.write(names.slice(0, 3).map((n) => rec(n, {classes: [[1, 0.75]]})));
        // the crash: the run never closed its output, and its last write was cut
        appendFileSync(path, (format === 'json' ? ',\n' : '') + cut(whole(cutRecord)));
        const resumed = openOutput(path, format, 1, 'resume');
        assert.deepEqual([...resumed.done.keys()], names.slice(0, 3), 'the cut record is not taken as done');
        resumed.writer.write([rec('d.jpg', {classes: [[1, 0.75]]})]);
        resumed.writer.close();

        const text = readFileSync(path, 'utf8');
        assert.deepEqual(filesIn(path, format), names);
        assert.ok(text.endsWith('\n'), 'the file ends with a complete line');
        assert.ok(!text.includes('4242'), `the cut record's text is left in the file:\n${text}`);
        assert.equal(readExistingOutput(path, format, 1, null).done.get('d.jpg'), '1000|2026-11-29T10:00:00.000Z');
      });
    }
  }

  it('csv: a row cut inside a quoted field after its newline is dropped and redone', () => {
    const path = join(dir, 'quoted.csv');
    const first = openOutput(path, 'csv', 1, 'new');
    first.writer.write([rec('a.jpg')]);
    // `"c` then a newline: a line that is complete, in a field that is not
    appendFileSync(path, '"c\nnewline.jpg",PPLCNet_x0_25,1,lab');
    const resumed = openOutput(path, 'csv', 1, 'resume');
    assert.deepEqual([...resumed.done.keys()], ['a.jpg']);
    resumed.writer.write([rec('c\nnewline.jpg')]);
    resumed.writer.close();
    assert.deepEqual(filesIn(path, 'csv'), ['a.jpg', 'c\nnewline.jpg']);
    assert.ok(!readFileSync(path, 'utf8').includes(',lab\n'));
  });

  it('csv: a header cut before its newline is written again', () => {
    const path = join(dir, 'header.csv');
    writeFileSync(path, 'file,model,class_1,lab');
    const resumed = openOutput(path, 'csv', 1, 'resume');
    assert.equal(resumed.done.size, 0);
    resumed.writer.write([rec('a.jpg')]);
    resumed.writer.close();
    assert.deepEqual(filesIn(path, 'csv'), ['a.jpg']);
  });
});

describe('resume after a record cut off by a crash: lcnet classify', function () {
  this.timeout(120000);
  let dir: string;
  let images: string;

  before(async () => {
    dir = tempDir();
    images = join(dir, 'images');
    mkdirSync(images);
    // names CSV must quote (a comma, a newline), and a file that gets an error record
    const names = ['a.png', 'b,comma.jpg', 'c.png', 'd\nnewline.jpg', 'e.png', 'f.jpg'];
    for (const [i, name] of names.entries()) {
      const img = rawImage(64 + 8 * i, 48 + 4 * i, i);
      writeFileSync(join(images, name), name.endsWith('.png') ? await img.png().toBuffer() : await img.jpeg().toBuffer());
    }
    writeFileSync(join(images, 'broken.jpg'), 'not an image, not at all\n');
  });

  after(() => rmSync(dir, {recursive: true, force: true}));

  const args = (out: string) => ['classify', images, '-m', 'synthetic:PPLCNet_x0_25', '--threads', '1', '--workers', '1', '--topk', '2', '--no-progress', '-o', out];

  /** Where each record of an uninterrupted run starts and ends (bytes): a CSV row and a JSON line with their newline, a JSON object without its separator. */
  function recordsOf(bytes: Buffer, format: OutputFormat): [number, number][] {
    // every record starts with its file, below `images`: a CSV field (quoted or not), or a JSON object
    const starts = format === 'jsonl' ? [0] : [];
    const marks = format === 'csv' ? [`\n${images}/`, `\n"${images}/`] : ['\n{"file":'];
    for (const m of marks) for (let i = bytes.indexOf(m); i >= 0; i = bytes.indexOf(m, i + 1)) starts.push(i + 1);
    starts.sort((a, b) => a - b);
    // a JSON record is followed by ",\n", the last one by "\n]\n"
    const end = format === 'json' ? bytes.length - 3 : bytes.length;
    return starts.map((s, i) => [s, i + 1 < starts.length ? starts[i + 1]! - (format === 'json' ? 2 : 0) : end]);
  }

  for (const format of ['csv', 'jsonl', 'json'] as const) {
    it(`${format}: cut at a record's newline, half-way through it or inside a quoted name, then resumed, gives the bytes of an uninterrupted run`, async () => {
      const reference = join(dir, `reference.${format}`);
      const whole = await runCli(args(reference));
      assert.equal(whole.code, 1, whole.stderr); // broken.jpg fails
      const expected = readFileSync(reference);
      const records = recordsOf(expected, format);
      assert.equal(records.length, 7, 'one record per file');
      const quoted = records.findIndex(([s, e]) => expected.subarray(s, e).toString().includes('newline.jpg'));
      const [s2, e2] = records[2]!;
      const [sq] = records[quoted]!;
      const [sLast, eLast] = records.at(-1)!;
      const cuts: [string, number][] = [
        ['the third record without its newline', format === 'json' ? e2 : e2 - 1],
        ['half of the third record', s2 + Math.floor((e2 - s2) / 2)],
        // CSV: a line that ends inside a quoted field; JSON: inside the name's escaped newline
        ['inside the name with a newline', format === 'csv' ? expected.indexOf('d\n', sq) + 2 : expected.indexOf('d\\n', sq) + 2],
        ['the last record without its newline', format === 'json' ? eLast : eLast - 1],
        ['half of the last record', sLast + Math.floor((eLast - sLast) / 2)],
      ];
      if (format !== 'jsonl') cuts.push(['the header or opening bracket without its newline', records[0]![0] - 1]);
      if (format === 'json') cuts.push(['the comma after the third record', e2 + 1], ['the closing bracket without its newline', expected.length - 1]);
      for (const [what, at] of cuts) {
        assert.ok(at > 0 && at < expected.length, `${what}: cut at ${at}`);
        const out = join(dir, `cut.${format}`);
        writeFileSync(out, expected.subarray(0, at));
        const r = await runCli([...args(out), '--resume']);
        assert.ok(r.code === 0 || r.code === 1, `${what}: exit ${r.code}: ${r.stderr}`);
        const got = readFileSync(out);
        assert.equal(got.toString(), expected.toString(), `cut at byte ${at} (${what})`);
      }
      assert.equal(filesIn(reference, format).length, 7);
    });
  }
});
