import assert from 'node:assert/strict';
import {FatalError, UsageError} from '../src/errors.js';
import {spawn, spawnSync} from 'node:child_process';
import {lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join, posix} from 'node:path';
import {mergeOutputs, type MergeOptions} from '../src/merge/merge.js';
import {fileKey} from '../src/merge/rules.js';
import {OutputReader} from '../src/merge/read-output.js';
import {isClean, reportWarnings} from '../src/merge/report.js';
import {readPathList} from '../src/pipeline/path-list.js';
import type {OutputFormat, OutputRecord} from '../src/pipeline/output/record.js';
import {tempDir} from './support/cli.js';
import {rec, writeOutput} from './support/records.js';

const T0 = '2026-11-29T10:00:00.000Z';
const T1 = '2026-11-29T11:00:00.000Z';

async function* chunks(text: string) {
  yield Buffer.from(text);
}

describe('merge: one record per file, duplicates, conflicts, gaps and extras', () => {
  let dir: string;
  let warnings: string[];
  beforeEach(() => {
    dir = tempDir();
    warnings = [];
  });
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  /** Writes each list of records as an input (JSON Lines unless named otherwise), merges them into out.jsonl. */
  const merge = (inputs: (OutputRecord[] | [string, OutputFormat, number, OutputRecord[]])[], opts: Partial<MergeOptions> = {}) => {
    const paths = inputs.map((input, i) =>
      input.length === 4 && typeof input[0] === 'string'
        ? writeOutput(join(dir, input[0]), input[1] as OutputFormat, input[2] as number, input[3] as OutputRecord[])
        : writeOutput(join(dir, `in-${i}.jsonl`), 'jsonl', 3, input as OutputRecord[]),
    );
    return mergeOutputs({inputs: paths, output: join(dir, 'out.jsonl'), format: 'jsonl', overwrite: true, warn: (m) => warnings.push(m), ...opts});
  };
  const merged = (path = join(dir, 'out.jsonl')) => [...new OutputReader(path, 'jsonl').records()].map((r) => r.record);
  const byFile = (records: OutputRecord[]) => new Map(records.map((r) => [r.file, r]));

  it('matches files on the normal form of their paths, for every path of up to 7 characters from a/./ and b', () => {
    // every string over this alphabet: empty paths, runs of slashes and dots, . and .. segments
    const alphabet = ['a', '.', '/', 'b'];
    let paths = [''];
    let checked = 0;
    for (let length = 0; length <= 7; length++) {
      for (const p of paths) {
        assert.equal(fileKey(p), posix.normalize(p), JSON.stringify(p));
        checked++;
      }
      paths = paths.flatMap((p) => alphabet.map((c) => p + c));
    }
    assert.equal(checked, (4 ** 8 - 1) / 3);
  });

  it('keeps one record per file: a prediction beats an error, then the later mtime, then the later record', async () => {
    const report = await merge([
      [
        rec('ok-then-error.jpg', {mtime: T0}),
        rec('error-then-ok.jpg', {error: 'decode failed', mtime: T1}),
        rec('newer-first.jpg', {classes: [[10, 0.9]], mtime: T1}),
        rec('same-time.jpg', {classes: [[20, 0.9]]}),
        rec('no-mtime.jpg', {classes: [[30, 0.9]], mtime: T0}),
        rec('within.jpg', {classes: [[40, 0.9]]}),
        rec('within.jpg', {classes: [[41, 0.9]]}),
      ],
      [
        rec('ok-then-error.jpg', {error: 'later failure', mtime: T1}),
        rec('error-then-ok.jpg', {classes: [[5, 0.5]], mtime: T0}),
        rec('newer-first.jpg', {classes: [[11, 0.9]], mtime: T0}),
        rec('same-time.jpg', {classes: [[21, 0.9]]}),
        rec('no-mtime.jpg', {classes: [[31, 0.9]], mtime: null}),
      ],
    ]);
    const kept = byFile(merged());
    const top1 = (file: string) => {
      const r = kept.get(file)!;
      return 'error' in r ? r.error : 'predictions' in r ? r.predictions[0]!.class_id : null;
    };
    assert.equal(top1('ok-then-error.jpg'), 1);
    assert.equal(top1('error-then-ok.jpg'), 5);
    assert.equal(top1('newer-first.jpg'), 10);
    assert.equal(top1('same-time.jpg'), 21);
    assert.equal(top1('no-mtime.jpg'), 30);
    assert.equal(top1('within.jpg'), 41);
    assert.equal(kept.size, 6);
    assert.equal(report.records, 12);
    assert.equal(report.files, 6);
    assert.equal(report.duplicates, 6);
    // every duplicate here says something else than the record kept
    assert.equal(report.conflicting, 6);
    assert.equal(report.errors, 0);
    assert.equal(isClean(report), false);
  });

  it('counts a duplicate as conflicting only when it differs from the record kept, wherever it stands', async () => {
    const a = rec('a.jpg');
    const changedScore = rec('a.jpg', {classes: [[1, 0.75], [2, 0.125], [3, 0.0625001]]});
    const report = await merge([[a, rec('b.jpg')], [rec('b.jpg'), a], [a, changedScore]]);
    // a.jpg: four records, the last kept (equal mtimes): the three before it, equal to each other,
    // differ from it in their third score
    assert.equal(report.duplicates, 4);
    assert.equal(report.conflicting, 3);
    assert.equal(report.examples.conflicting[0], 'a.jpg');

    const same = await merge([[a, rec('b.jpg', {error: 'bad'})], [a, rec('b.jpg', {error: 'bad'})], [a]]);
    assert.equal(same.duplicates, 3);
    assert.equal(same.conflicting, 0);
    assert.equal(same.errors, 1);
    assert.equal(isClean(same), true);

    // a top-1 record agrees with a top-3 one that starts the same; an error disagrees with both
    const topk = await merge([[rec('a.jpg', {classes: [[1, 0.75]]})], [a], [rec('a.jpg', {error: 'gone', mtime: T1})]]);
    assert.equal(topk.duplicates, 2);
    assert.equal(topk.conflicting, 1);
  });

  it('reports gaps and extras against a path list, writes the gaps for a rerun, matches ./ and repeated names', async () => {
    const gaps = join(dir, 'gaps.txt');
    const report = await merge([[rec('photos/a.jpg'), rec('photos/b.jpg'), rec('photos/stray.jpg')], [rec('photos/c.jpg')]], {
      files: '-',
      stdin: chunks('./photos/a.jpg\nphotos/b.jpg\nphotos/c.jpg\nphotos/d.jpg\nphotos/e.jpg\nphotos/d.jpg\n'),
      gaps,
    });
    assert.equal(report.listed, 5);
    assert.equal(report.gaps, 2);
    assert.equal(report.extras, 1);
    assert.deepEqual(report.examples.extras, ['photos/stray.jpg']);
    assert.equal(readFileSync(gaps, 'utf8'), 'photos/d.jpg\nphotos/e.jpg\n');
    assert.equal(report.gapsNulSeparated, false);
    assert.equal(merged().length, 4, 'extras are still merged');
    assert.equal(isClean(report), false);

    const list = join(dir, 'files.txt');
    writeFileSync(list, 'photos/a.jpg\0photos/b.jpg\0photos/c.jpg\0photos/stray.jpg\0');
    const clean = await merge([[rec('photos/a.jpg'), rec('photos/b.jpg'), rec('photos/stray.jpg')], [rec('photos/c.jpg')]], {files: list, gaps});
    assert.deepEqual([clean.listed, clean.gaps, clean.extras], [4, 0, 0]);
    assert.equal(readFileSync(gaps, 'utf8'), '');
    assert.equal(isClean(clean), true);
  });

  it('writes the gaps NUL-separated when a path holds a newline, so that classify - reads them back exactly', async () => {
    const names = ['x/one.jpg', 'x/two\nlines.jpg', 'x/three.jpg', 'x/cr\r'];
    for (const order of [names, [...names.slice(1), names[0]!]]) {
      const gaps = join(dir, 'gaps.txt');
      const report = await merge([[rec('x/other.jpg')]], {files: '-', stdin: chunks('\0' + order.join('\0') + '\0'), gaps});
      assert.equal(report.gapsNulSeparated, true);
      const back: string[] = [];
      for await (const p of readPathList(chunks(readFileSync(gaps, 'utf8')))) back.push(p);
      assert.deepEqual(back, order);
    }
  });

  it('writes any format with the largest top-k of the inputs, or fewer with --topk', async () => {
    const inputs: [string, OutputFormat, number, OutputRecord[]][] = [
      ['top1.csv', 'csv', 1, [rec('a.jpg', {classes: [[1, 0.5]]})]],
      ['top3.json', 'json', 3, [rec('b.jpg'), rec('c.jpg', {error: 'bad, "really"\nbad'})]],
    ];
    const csv = join(dir, 'all.csv');
    const report = await merge(inputs, {output: csv, format: 'csv'});
    assert.equal(report.topk, 3);
    assert.deepEqual(report.inputTopk, [1, 3]);
    assert.equal(readFileSync(csv, 'utf8').split('\n')[0], 'file,model,class_1,label_1,score_1,class_2,label_2,score_2,class_3,label_3,score_3,error,size,mtime');
    assert.deepEqual([...new OutputReader(csv, 'csv').records()].map((r) => r.record), [...inputs[0]![3], ...inputs[1]![3]]);

    const json = join(dir, 'all.json');
    await merge(inputs, {output: json, format: 'json', topk: 1});
    const records = JSON.parse(readFileSync(json, 'utf8')) as OutputRecord[];
    assert.deepEqual(records.map((r) => ('predictions' in r ? r.predictions.length : 'error' in r ? r.error : null)), [1, 1, 'bad, "really"\nbad']);
  });

  it('warns about truncated inputs', async () => {
    const cut = writeOutput(join(dir, 'cut.jsonl'), 'jsonl', 3, [rec('a.jpg')]);
    writeFileSync(cut, readFileSync(cut, 'utf8') + '{"file":"b.j');
    const other = writeOutput(join(dir, 'other.jsonl'), 'jsonl', 3, [rec('c.jpg')]);
    const report = await mergeOutputs({inputs: [cut, other], output: join(dir, 'out.jsonl'), format: 'jsonl', overwrite: false, warn: (m) => warnings.push(m)});
    assert.deepEqual(report.truncated, [cut]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /cut\.jsonl: its last record, at line 2, is cut off/);
    assert.deepEqual(report.models, ['PPLCNet_x0_25']);
  });

  it('refuses records of more than one model, naming two and where they stand; --model keeps one and counts the others left out', async () => {
    // a.jpg, b.jpg and c.jpg classified by both models (a.jpg twice by the first); d.jpg by the other only, as an error
    const x1 = 'PPLCNet_x1_0';
    const inputs: (OutputRecord[] | [string, OutputFormat, number, OutputRecord[]])[] = [
      [rec('a.jpg'), rec('b.jpg')],
      ['other.csv', 'csv', 1, [rec('c.jpg', {model: x1, classes: [[9, 0.5]]}), rec('b.jpg', {model: x1, classes: [[9, 0.5]], mtime: T1}), rec('d.jpg', {model: x1, error: 'bad'}), rec('a.jpg', {model: x1, classes: [[9, 0.5]]})]],
      [rec('c.jpg'), rec('a.jpg')],
    ];
    const out = join(dir, 'out.jsonl');
    await assert.rejects(merge(inputs), (e: Error) => {
      assert.ok(e instanceof UsageError, e.message);
      assert.match(e.message, /records of more than one model: PPLCNet_x0_25 \(.*in-0\.jsonl, line 1\) and PPLCNet_x1_0 \(.*other\.csv, line 2\); .*--model NAME/);
      return true;
    });
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('out')), [], 'nothing written');

    // keep x0_25: the other model's records are left out, even where they would win (b.jpg's later mtime)
    const list = join(dir, 'files.txt');
    writeFileSync(list, 'a.jpg\nb.jpg\nc.jpg\nd.jpg\n');
    const kept = await merge(inputs, {model: 'PPLCNet_x0_25', files: list});
    assert.deepEqual(merged(out), [rec('b.jpg'), rec('c.jpg'), rec('a.jpg')]);
    assert.deepEqual(
      [kept.records, kept.files, kept.duplicates, kept.conflicting, kept.errors, kept.gaps],
      [8, 3, 1, 0, 0, 1],
      'only the kept model\'s records count: one duplicate (a.jpg), which agrees; d.jpg, recorded by the other model only, is a gap',
    );
    assert.deepEqual(kept.models, ['PPLCNet_x0_25']);
    assert.deepEqual(kept.otherModels, {records: 4, models: [x1]});
    assert.deepEqual(reportWarnings(kept).filter((l) => /other models/.test(l)), ['lcnet: note: 4 records of other models (PPLCNet_x1_0) were left out: --model keeps those of PPLCNet_x0_25']);

    assert.equal(kept.topk, 3);

    // keep x1_0: its records only, at the top-k of the input they come from (1), not of those left out (3)
    const other = await merge(inputs, {model: x1});
    assert.deepEqual(merged(out).map((r) => [r.file, r.model]), [['c.jpg', x1], ['b.jpg', x1], ['d.jpg', x1], ['a.jpg', x1]]);
    assert.deepEqual([other.records, other.files, other.duplicates, other.errors, other.otherModels.records, other.topk], [8, 4, 0, 1, 4, 1]);

    // a --model the inputs do not hold is refused, with the models they do hold
    await assert.rejects(merge(inputs, {model: 'PPLCNet_x2_5'}), (e: Error) => e instanceof UsageError && /no record of model PPLCNet_x2_5 in the inputs: they hold records of PPLCNet_x0_25, PPLCNet_x1_0/.test(e.message));
  });

  it('refuses an existing output, an output that is an input, and leaves nothing behind on failure', async () => {
    const input = writeOutput(join(dir, 'in.jsonl'), 'jsonl', 3, [rec('a.jpg')]);
    const out = join(dir, 'out.csv');
    writeFileSync(out, 'keep me');
    const base = {inputs: [input], format: 'csv' as const, overwrite: false, warn: () => {}};
    const usage = (e: Error) => e instanceof UsageError;
    await assert.rejects(mergeOutputs({...base, output: out}), (e: Error) => usage(e) && /already exists: use --overwrite/.test(e.message));
    assert.equal(readFileSync(out, 'utf8'), 'keep me');
    await assert.rejects(mergeOutputs({...base, output: input, overwrite: true}), (e: Error) => usage(e) && /is also an input/.test(e.message));
    symlinkSync(input, join(dir, 'link.jsonl'));
    await assert.rejects(mergeOutputs({...base, output: join(dir, 'link.jsonl'), overwrite: true}), /is also an input/);
    await assert.rejects(mergeOutputs({...base, output: out, overwrite: true, files: '-', gaps: out}), /must differ/);

    // a bad second input fails the merge (exit status 3) after the first was read: no output, no temporary file
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"file":"b.jpg","model":"PPLCNet_x0_25","error":"x"}\nnot a record\n');
    const fresh = join(dir, 'fresh.csv');
    await assert.rejects(mergeOutputs({...base, inputs: [input, bad], output: fresh}), (e: Error) => e instanceof FatalError && /bad\.jsonl: line 2/.test(e.message));
    assert.deepEqual(readdirSync(dir).sort(), ['bad.jsonl', 'in.jsonl', 'link.jsonl', 'out.csv']);

    // success: renamed into place, no temporary file left
    await mergeOutputs({...base, output: out, overwrite: true});
    assert.equal([...new OutputReader(out, 'csv').records()].length, 1);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.merge-')), []);
  });

  it('writes into a pipe instead of renaming over it, replaces the target of a symlink, refuses a directory', async function () {
    const input = writeOutput(join(dir, 'in.jsonl'), 'jsonl', 3, [rec('a.jpg'), rec('b.jpg')]);
    const base = {inputs: [input], format: 'jsonl' as const, overwrite: true, warn: () => {}};
    const target = join(dir, 'target.jsonl');
    writeFileSync(target, 'old');
    symlinkSync(target, join(dir, 'link.jsonl'));
    await mergeOutputs({...base, output: join(dir, 'link.jsonl')});
    assert.ok(lstatSync(join(dir, 'link.jsonl')).isSymbolicLink(), 'the link stays a link');
    assert.equal(readFileSync(target, 'utf8'), readFileSync(input, 'utf8'));
    await assert.rejects(mergeOutputs({...base, output: dir}), (e: Error) => e instanceof UsageError && /is a directory/.test(e.message));

    const fifo = join(dir, 'pipe');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return this.skip();
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.setEncoding('utf8').on('data', (d: string) => (got += d));
    const closed = new Promise((done) => reader.on('close', done));
    await mergeOutputs({...base, output: fifo});
    await closed;
    assert.ok(lstatSync(fifo).isFIFO(), 'the pipe is still a pipe');
    assert.equal(got, readFileSync(input, 'utf8'));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.merge-')), []);
  });

  it('expands glob patterns the shell left alone, and says when one matches nothing', async () => {
    for (let i = 0; i < 3; i++) writeOutput(join(dir, `part-${i}.jsonl`), 'jsonl', 3, [rec(`f${i}.jpg`)]);
    const report = await mergeOutputs({inputs: [join(dir, 'part-*.jsonl')], output: join(dir, 'all.jsonl'), format: 'jsonl', overwrite: false, warn: () => {}, topk: 1});
    assert.equal(report.inputs, 3);
    assert.equal(report.files, 3);
    await assert.rejects(
      mergeOutputs({inputs: [join(dir, 'nothing-*.jsonl')], output: join(dir, 'none.jsonl'), format: 'jsonl', overwrite: false, warn: () => {}}),
      (e: Error) => e instanceof FatalError && /no files match/.test(e.message),
    );
  });
});
