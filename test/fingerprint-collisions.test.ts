import assert from 'node:assert/strict';
import {appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fingerprintOf} from '../src/fingerprint/fingerprint.js';
import {SeenKeys} from '../src/fingerprint/seen-keys.js';
import {FingerprintTable} from '../src/fingerprint/table.js';
import {mergeOutputs, type MergeOptions} from '../src/merge/merge.js';
import {OutputReader} from '../src/merge/read-output.js';
import {readExistingOutput} from '../src/pipeline/output/existing-output.js';
import {identityKey, type OutputFormat, type OutputRecord} from '../src/pipeline/output/record.js';
import {openOutput} from '../src/pipeline/output/writer.js';
import {parseExtensions, walkInputs} from '../src/pipeline/walk.js';
import {runCli, tempDir} from './support/cli.js';
import {bmp24, gradient} from './support/images.js';
import {rec, writeOutput} from './support/records.js';

/**
 * LCNET_FINGERPRINT_BITS keeps a few bits of every fingerprint, so that most files share their
 * fingerprint with others: resume, merge and path lists must still give every file its one
 * record, as they do with full fingerprints.
 */
const BITS = 'LCNET_FINGERPRINT_BITS';

async function* chunks(text: string) {
  yield Buffer.from(text);
}

/** Names with separators, quotes, newlines and characters outside ASCII, as records can hold them. */
const name = (i: number) => `photos/${i % 7}/${['a', 'b,"c"', 'd\ne', 'é子', 'f g'][i % 5]}-${i}.jpg`;

describe('fingerprint collisions (LCNET_FINGERPRINT_BITS narrows fingerprints): no file is skipped or lost', () => {
  let dir: string;
  const narrow = (bits: number) => (process.env[BITS] = String(bits));
  beforeEach(() => (dir = tempDir()));
  afterEach(() => {
    delete process.env[BITS];
    rmSync(dir, {recursive: true, force: true});
  });

  it('the table tells apart keys that share a fingerprint, across its growth; the width is the testing aid only', () => {
    narrow(3);
    const table = new FingerprintTable();
    assert.equal(table.bits, 3);
    const keys = Array.from({length: 3000}, (_, i) => name(i));
    assert.ok(new Set(keys.map((k) => table.fingerprint(k))).size <= 8, 'at most 8 fingerprints for 3000 keys');
    const seen = new SeenKeys();
    try {
      for (const k of keys) assert.equal(seen.add(k), true, `${k} is new`);
      for (const k of keys) assert.equal(seen.add(k), false, `${k} was added`);
      assert.equal(seen.size, keys.length);
    } finally {
      seen.close();
    }
    delete process.env[BITS];
    assert.equal(new FingerprintTable().bits, 52);
    assert.equal(fingerprintOf('photos/a.jpg', 52), new FingerprintTable().fingerprint('photos/a.jpg'));
    narrow(0);
    assert.throws(() => new FingerprintTable(), /LCNET_FINGERPRINT_BITS must be an integer from 1 to 52/);
  });

  for (const format of ['jsonl', 'json', 'csv'] as OutputFormat[]) {
    it(`${format}: a resume finds every recorded file with its size and mtime, redoes a changed one and keeps one record per file`, () => {
      narrow(2);
      const path = join(dir, `out.${format}`);
      const names = Array.from({length: 300}, (_, i) => name(i));
      const recordOf = (i: number) => rec(names[i]!, i % 10 === 3 ? {error: 'empty file', size: i} : {size: i});
      writeOutput(path, format, 3, names.map((_, i) => recordOf(i)));

      const opened = openOutput(path, format, 3, 'resume', {model: 'PPLCNet_x0_25'});
      assert.deepEqual([...opened.done.keys()], names);
      for (const [i, n] of names.entries()) assert.equal(opened.done.get(n), identityKey(i, '2026-11-29T10:00:00.000Z'), n);
      for (let i = 300; i < 400; i++) assert.equal(opened.done.get(name(i)), undefined, `${name(i)} has no record`);
      // a changed file is classified again; its old record goes when the run ends
      opened.writer.write([rec(names[7]!, {size: 7000}), rec(name(300), {size: 300})]);
      opened.writer.close();

      const after = readExistingOutput(path, format, 3, 'PPLCNet_x0_25');
      assert.equal(after.superseded, 0);
      assert.deepEqual([...after.done.keys()].sort(), [...names, name(300)].sort());
      assert.equal(after.done.get(names[7]!), identityKey(7000, '2026-11-29T10:00:00.000Z'));
      assert.deepEqual([...after.failed], names.filter((_, i) => i % 10 === 3));
      after.done.release();

      // --retry-errors: the files whose record is an error read as not recorded
      const retry = openOutput(path, format, 3, 'resume', {model: 'PPLCNet_x0_25', retryErrors: true});
      assert.deepEqual([...retry.done.keys()].sort(), [...names.filter((_, i) => i % 10 !== 3), name(300)].sort());
      assert.equal(retry.done.get(names[3]!), undefined);
      assert.equal(retry.done.get(names[4]!), identityKey(4, '2026-11-29T10:00:00.000Z'));
      retry.writer.abandon();
    });
  }

  it('a merge under narrow fingerprints writes the bytes, gaps and report of a merge under full ones', async () => {
    const inputs = [
      writeOutput(join(dir, 'a.jsonl'), 'jsonl', 3, Array.from({length: 200}, (_, i) => rec(name(i), {classes: [[i % 50, 0.9]]}))),
      writeOutput(
        join(dir, 'b.csv'),
        'csv',
        3,
        Array.from({length: 200}, (_, i) => (i % 2 ? rec(name(i + 100), {error: 'decode failed'}) : rec(name(i + 100), {classes: [[(i + 1) % 50, 0.8]], mtime: '2026-11-29T11:00:00.000Z'}))),
      ),
    ];
    // every file listed twice, 50 of them without a record
    const listed = Array.from({length: 350}, (_, i) => name(i));
    const list = join(dir, 'files.txt');
    writeFileSync(list, [...listed, ...listed].join('\0') + '\0');
    const run = async (tag: string) => {
      const opts: MergeOptions = {inputs, output: join(dir, `${tag}.jsonl`), format: 'jsonl', files: list, gaps: join(dir, `${tag}.gaps`), overwrite: true, warn: () => {}};
      const report = await mergeOutputs(opts);
      return {report: {...report, output: null, gapsFile: null}, out: readFileSync(opts.output!, 'utf8'), gaps: readFileSync(opts.gaps!, 'utf8')};
    };
    const full = await run('full');
    narrow(1);
    const collided = await run('narrow');
    assert.deepEqual(collided, full);
    assert.equal(full.report.files, 300);
    assert.equal(full.report.gaps, 50);
    assert.equal(full.report.listed, 350);
    assert.equal(full.report.duplicates, 100);
    assert.equal(full.report.conflicting, 100);
    const kept = [...new OutputReader(join(dir, 'narrow.jsonl'), 'jsonl').records()].map((r) => r.record.file);
    assert.deepEqual([...kept].sort(), listed.slice(0, 300).sort(), 'one record per file');
    assert.deepEqual(full.gaps.split('\0').filter(Boolean), listed.slice(300), 'each gap once');
  });

  it('a path list names each file once, however often it is listed and whatever fingerprints it shares', async () => {
    narrow(2);
    mkdirSync(join(dir, 'photos'));
    const paths = Array.from({length: 200}, (_, i) => join(dir, 'photos', `${i}.jpg`));
    for (const p of paths.slice(0, 100)) writeFileSync(p, 'x');
    const list = [...paths, ...paths.slice(50, 150), ...paths].join('\n') + '\n';
    const shown: string[] = [];
    for await (const e of walkInputs(['-'], {recursive: true, extensions: parseExtensions(undefined), followSymlinks: false, stdin: chunks(list)})) shown.push(e.display);
    assert.deepEqual(shown, paths);
  });

  it('classify: a path list, then a resume of the folder, keep one record per file through the CLI', async function () {
    this.timeout(180000);
    const folder = join(dir, 'f');
    mkdirSync(folder);
    const files = Array.from({length: 40}, (_, i) => join(folder, `${String(i).padStart(2, '0')}.${i % 8 === 0 ? 'bmp' : 'txt'}`));
    for (const [i, f] of files.entries()) writeFileSync(f, f.endsWith('.bmp') ? bmp24(16, 12, gradient(16, 12, i)) : `not an image ${i}`);
    const env = {[BITS]: '2'};
    const out = join(dir, 'out.jsonl');
    const missing = [join(folder, 'gone-1.jpg'), join(folder, 'gone-2.jpg')];
    const listed = [...files.slice(0, 20), ...missing];
    const args = ['-m', 'synthetic:PPLCNet_x0_25', '--topk', '1', '--threads', '1', '--workers', '1', '-o', out];
    const first = await runCli(['classify', '-', ...args], {input: [...listed, ...listed.slice(5), ...listed].join('\n') + '\n', env});
    assert.equal(first.code, 1, first.stderr);
    const files1 = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as OutputRecord).file);
    assert.deepEqual(files1, listed);

    appendFileSync(files[3]!, ' changed');
    const resumed = await runCli(['classify', folder, '--ext', '*', '--resume', ...args], {env});
    assert.equal(resumed.code, 1, resumed.stderr);
    assert.match(resumed.stderr, /, 19 already done/);
    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as OutputRecord);
    assert.deepEqual(records.map((r) => r.file).sort(), [...files, ...missing].sort());
    assert.equal(records.find((r) => r.file === files[3])!.size, `not an image 3 changed`.length);
  });
});
