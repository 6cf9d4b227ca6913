import assert from 'node:assert/strict';
import {rmSync} from 'node:fs';
import {join} from 'node:path';
import {RecordsAt} from '../src/pipeline/output/record-at.js';
import type {OutputFormat, OutputRecord} from '../src/pipeline/output/record.js';
import {scanOutput} from '../src/pipeline/output/scan.js';
import {tempDir} from './support/cli.js';
import {rec, writeOutput} from './support/records.js';

describe('a record read again from its offset (what fingerprint matches are confirmed against)', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  for (const format of ['jsonl', 'json', 'csv'] as OutputFormat[]) {
    it(`${format}: gives back every record, in any order, short or longer than its read window, newlines in quotes included`, () => {
      // lengths around and well beyond the 16 KiB window, names a CSV row must quote over several lines
      const names = Array.from({length: 120}, (_, i) => `dir/${'x'.repeat((i * 997) % 20000)}${i % 3 ? '' : '\n"q",'}${i}.jpg`);
      names.push(`huge/${'y'.repeat(70000)}.jpg`);
      const records: OutputRecord[] = names.map((n, i) => (i % 4 === 1 ? rec(n, {error: 'empty file\nor "worse"'}) : rec(n, {size: i})));
      const path = writeOutput(join(dir, `out.${format}`), format, 3, records);
      const starts: number[] = [];
      for (const item of scanOutput(path, format)) if (item.kind === 'record') starts.push(item.start);
      assert.equal(starts.length, records.length);
      const at = new RecordsAt(path, format, 3);
      try {
        for (const [i, s] of starts.entries()) assert.deepEqual(at.read(s), records[i], `record ${i} in order`);
        for (let k = 0; k < starts.length; k++) {
          const i = (k * 37) % starts.length;
          assert.deepEqual(at.read(starts[i]!), records[i], `record ${i} out of order`);
        }
        // (in CSV the rest of a row can be a row itself: offsets come from the scanner only)
        if (format !== 'csv') assert.throws(() => at.read(starts[5]! + 3), /no lcnet record at byte/);
      } finally {
        at.close();
      }
    });
  }
});
