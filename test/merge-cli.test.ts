import assert from 'node:assert/strict';
import {copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {detectFormat, OutputReader} from '../src/merge/read-output.js';
import type {MergeReport} from '../src/merge/report.js';
import type {OutputRecord} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';

const MODEL = 'synthetic:PPLCNet_x0_25';
/** one image per batch and one thread: every run computes each image alike, whatever its shard */
const CLASSIFY = ['-m', MODEL, '--batch-size', '1', '--threads', '1', '--workers', '1'];
const SHARDS = ['out-0.jsonl', 'out-1.csv', 'out-2.json', 'out-3.jsonl'];

const read = (path: string): OutputRecord[] => [...new OutputReader(path, detectFormat(path)).records()].map((r) => r.record);

describe('lcnet merge (end to end: 4 shard processes against one run)', function () {
  this.timeout(120000);
  let dir: string;
  let images: string;
  let list: string;
  let listed: string[];
  let whole: Map<string, OutputRecord>;
  const at = (name: string) => join(dir, name);
  const merge = (...args: string[]) => runCli(['merge', ...args]);
  const shards = () => SHARDS.map(at);

  /** The records as a set, by file: the same files, each with the same predictions or error. */
  const assertSameAsWhole = (records: OutputRecord[]) => {
    assert.equal(records.length, whole.size, 'one record per file');
    const got = new Map(records.map((r) => [r.file, r]));
    assert.deepEqual([...got.keys()].sort(), [...whole.keys()].sort());
    for (const [file, r] of got) assert.deepEqual(r, whole.get(file), file);
  };

  before(async () => {
    dir = tempDir();
    images = at('images');
    // 40 images in two folders, PNG and JPEG of varied sizes, and one file that is not an image
    listed = [];
    for (let i = 0; i < 40; i++) {
      const name = `${i % 3 === 0 ? 'night' : 'day'}/img-${String(i).padStart(2, '0')}.${i % 2 ? 'png' : 'jpg'}`;
      mkdirSync(join(images, name, '..'), {recursive: true});
      const image = rawImage(40 + (i % 7) * 9, 32 + (i % 5) * 11, i);
      await (i % 2 ? image.png() : image.jpeg()).toFile(join(images, name));
      listed.push(join(images, name));
    }
    writeFileSync(join(images, 'day', 'notes.jpg'), 'not an image\n');
    listed.push(join(images, 'day', 'notes.jpg'));
    list = at('files.txt');
    writeFileSync(list, listed.join('\n') + '\n');

    const runs = await Promise.all([
      runCli(['classify', images, ...CLASSIFY, '-o', at('whole.jsonl')]),
      ...SHARDS.map((out, k) => runCli(['classify', images, ...CLASSIFY, '-o', at(out), '--shard', `${k}/4`])),
    ]);
    for (const r of runs) assert.ok(r.code === 0 || r.code === 1, r.stderr);
    whole = new Map(read(at('whole.jsonl')).map((r) => [r.file, r]));
    assert.equal(whole.size, 41);
    const parts = shards().map((p) => read(p).length);
    assert.ok(parts.every((n) => n > 0), `every shard has files: ${parts.join(', ')}`);
    assert.equal(parts.reduce((a, b) => a + b), 41);
  });

  after(() => {
    if (dir) rmSync(dir, {recursive: true, force: true});
  });

  it('merges the 4 shards (JSON Lines, CSV, JSON) into the records of one run: no duplicates, no gaps', async () => {
    const r = await merge(...shards(), '-o', at('all.csv'), '--files', list, '--json');
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as MergeReport;
    assert.deepEqual(
      [summary.inputs, summary.records, summary.files, summary.duplicates, summary.conflicting, summary.errors, summary.listed, summary.gaps, summary.extras],
      [4, 41, 41, 0, 0, 1, 41, 0, 0],
    );
    assert.deepEqual(summary.models, [MODEL]);
    assert.match(r.stderr, /merged 4 inputs: 41 records read, 41 files written, 0 duplicates \(0 conflicting\), 1 error record, 0 gaps, 0 extras/);
    assertSameAsWhole(read(at('all.csv')));

    // JSON Lines on stdout by default; the list from stdin
    const out = await runCli(['merge', ...shards(), '--files', '-'], {input: listed.join('\n')});
    assert.equal(out.code, 0, out.stderr);
    assertSameAsWhole(out.stdout.trim().split('\n').map((l) => JSON.parse(l) as OutputRecord));
  });

  it('a missing shard: its files are gaps (exit 1), written for a rerun that completes the merge', async () => {
    const missing = new Set(read(at(SHARDS[3]!)).map((r) => r.file));
    const r = await merge(...shards().slice(0, 3), '-o', at('partial.jsonl'), '--files', list, '--gaps', at('gaps.txt'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${missing.size} listed files have no record`));
    assert.match(r.stderr, new RegExp(`${missing.size} gaps, 0 extras`));
    assert.equal(read(at('partial.jsonl')).length, 41 - missing.size, 'the output is still written');
    const gaps = readFileSync(at('gaps.txt'), 'utf8');
    assert.deepEqual(new Set(gaps.trimEnd().split('\n')), missing);

    const rerun = await runCli(['classify', '-', ...CLASSIFY, '-o', at('rerun.jsonl')], {input: gaps});
    assert.ok(rerun.code === 0 || rerun.code === 1, rerun.stderr);
    const complete = await merge(...shards().slice(0, 3), at('rerun.jsonl'), '-o', at('complete.json'), '--files', list);
    assert.equal(complete.code, 0, complete.stderr);
    assertSameAsWhole(read(at('complete.json')));
  });

  it('a duplicated shard: duplicates reported, none conflicting, one record per file (exit 0)', async () => {
    copyFileSync(at(SHARDS[1]!), at('again.csv'));
    const n = read(at(SHARDS[1]!)).length;
    const r = await merge(...shards(), at('again.csv'), '-o', at('dup.jsonl'), '--files', list);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${41 + n} records read, 41 files written, ${n} duplicates \\(0 conflicting\\)`));
    assertSameAsWhole(read(at('dup.jsonl')));
  });

  it('a shard killed in the middle of a record: read up to it, with a warning naming it; the lost record is a gap', async () => {
    const text = readFileSync(at(SHARDS[3]!), 'utf8');
    const lines = text.trimEnd().split('\n');
    const cut = at('killed.jsonl');
    writeFileSync(cut, lines.slice(0, -1).join('\n') + '\n' + lines.at(-1)!.slice(0, 40));
    const r = await merge(...shards().slice(0, 3), cut, '-o', at('killed-merge.jsonl'), '--files', list, '--gaps', at('killed-gaps.txt'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`warning: ${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: its last record, at line ${lines.length}, is cut off`));
    assert.equal(readFileSync(at('killed-gaps.txt'), 'utf8'), `${(JSON.parse(lines.at(-1)!) as OutputRecord).file}\n`);
  });

  it('outputs of two models: refused (exit 2) naming both, unless --model says which to keep; the others are left out and counted', async () => {
    const OTHER = 'synthetic:PPLCNet_x0_5';
    const other = await runCli(['classify', images, ...CLASSIFY.map((a) => (a === MODEL ? OTHER : a)), '-o', at('other.jsonl')]);
    assert.equal(other.code, 1, other.stderr);
    const inputs = [...shards(), at('other.jsonl')];

    const mixed = await merge(...inputs, '-o', at('mixed.jsonl'));
    assert.equal(mixed.code, 2, mixed.stderr);
    assert.match(mixed.stderr, new RegExp(`records of more than one model: ${MODEL} \\(.*out-0\\.jsonl, line 1\\) and ${OTHER} \\(.*other\\.jsonl, line 1\\).*--model NAME`));
    assert.equal(existsSync(at('mixed.jsonl')), false, 'nothing written');

    const kept = await merge(...inputs, '-o', at('kept.csv'), '--model', MODEL, '--files', list, '--json');
    assert.equal(kept.code, 0, kept.stderr);
    const summary = JSON.parse(kept.stdout) as MergeReport;
    assert.deepEqual([summary.records, summary.files, summary.duplicates, summary.gaps], [82, 41, 0, 0]);
    assert.deepEqual(summary.models, [MODEL]);
    assert.deepEqual(summary.otherModels, {records: 41, models: [OTHER]});
    assert.match(kept.stderr, new RegExp(`note: 41 records of other models \\(${OTHER}\\) were left out: --model keeps those of ${MODEL}`));
    assertSameAsWhole(read(at('kept.csv')));

    const none = await merge(...inputs, '-o', at('none.jsonl'), '--model', 'synthetic:PPLCNet_x1_0');
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, new RegExp(`no record of model synthetic:PPLCNet_x1_0 in the inputs: they hold records of ${MODEL}, ${OTHER}`));
  });

  it('refuses bad usage (exit 2) and inputs that are not lcnet output (exit 3)', async () => {
    writeFileSync(at('exists.csv'), 'x');
    const cases: [string[], number, RegExp][] = [
      [[...shards(), '-o', at('exists.csv')], 2, /exists\.csv already exists: use --overwrite/],
      [[...shards(), '-o', at(SHARDS[0]!), '--overwrite'], 2, /is also an input/],
      [[...shards(), '--json'], 2, /--json prints the merge summary on stdout, so records need --output/],
      [[...shards(), '--gaps', at('g.txt')], 2, /--files/],
      [[list], 3, /files\.txt: line 1 is not lcnet output/],
      [[at('missing.jsonl')], 3, /cannot read the input .*missing\.jsonl: ENOENT/],
    ];
    for (const [args, code, message] of cases) {
      const r = await merge(...args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(readFileSync(at('exists.csv'), 'utf8'), 'x');
    const help = await runCli(['merge', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--gaps=<value>.*NUL-separated if a path holds a newline/s);
    assert.match(help.stdout, /Exit status: 0 merged cleanly, 1 merged but there were gaps or conflicting duplicates/);
  });
});
