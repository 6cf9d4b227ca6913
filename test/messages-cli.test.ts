/**
 * What the commands say agrees with what they do and with README.md: usage lines that show flag
 * relations as they are, help texts that describe the real defaults, and counts and sizes in
 * correct words.
 */

import assert from 'node:assert/strict';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';
import {unrunnableModel} from './support/onnx-models.js';
import {rec, writeOutput} from './support/records.js';

const MODEL = 'synthetic:PPLCNet_x0_25';
const fast = ['-m', MODEL, '--topk', '1', '--threads', '1', '--workers', '1', '--no-progress'];

/** The USAGE section of a command's --help, on one line. */
async function usage(command: string): Promise<string> {
  const r = await runCli([command, '--help']);
  assert.equal(r.code, 0, r.stderr);
  const m = /USAGE\n([\s\S]*?)\n\n/.exec(r.stdout);
  assert.ok(m, r.stdout);
  return m[1]!.replace(/\s+/g, ' ');
}

/** oclif wraps error messages and prefixes their lines with ' ›   ': one line again. */
const oneLine = (s: string) => s.replace(/\s*\n\s*(›\s*)?/g, ' ');

describe('messages agree with the behaviour and the docs (through the CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = tempDir()));
  after(() => rmSync(dir, {recursive: true, force: true}));

  it('download: the usage line shows --from, --labels and --name as usable together; --list still refuses them', async () => {
    const u = await usage('download');
    for (const flag of ['[-l]', '[--from <value>]', '[--labels <value>]', '[--name <value>]', '[--sha256 <value>]', '[-f]']) assert.ok(u.includes(flag), `${flag} in ${u}`);
    // the bars left are a flag's choices and the one real exclusive group: --resize-short or --stretch
    assert.deepEqual(u.match(/\[[^\]]*\|[^\]]*\]/g), ['[--fit crop|stretch|pad]', '[--resize-short <value> | --stretch]', '[--channels rgb|bgr]']);
    const r = await runCli(['download', '--list', '--name', 'x']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(oneLine(r.stderr), /--name=x cannot also be provided when using --list/);
  });

  it('classify: the usage line shows --retry-errors beside --resume | --overwrite; it still needs --resume', async () => {
    const u = await usage('classify');
    assert.ok(u.includes('[--resume | --overwrite] [--retry-errors]'), u);
    assert.ok(!u.includes('[--retry-errors [--resume'), u);
    const r = await runCli(['classify', 'x.jpg', '--retry-errors']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(oneLine(r.stderr), /must be provided when using --retry-errors: --resume/);
  });

  it('merge: the usage line shows --files without --gaps; --gaps still needs --files', async () => {
    const u = await usage('merge');
    assert.ok(u.includes('[--files <value>] [--gaps <value>]'), u);
    const r = await runCli(['merge', 'a.jsonl', '--gaps', 'g.txt']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(oneLine(r.stderr), /must be provided when using --gaps: --files/);
    // no input: said so, and the list on stdin (--files -) is not taken for one
    const none = await runCli(['merge', '--files', '-'], {input: 'x.jsonl\n'});
    assert.equal(none.code, 2, none.stderr);
    assert.match(oneLine(none.stderr), /Missing 1 required arg/);
  });

  it('bench --help says its default model is a generated one, never downloaded', async () => {
    const r = await runCli(['bench', '--help']);
    assert.equal(r.code, 0, r.stderr);
    const help = r.stdout.replace(/\s+/g, ' ');
    assert.doesNotMatch(help, /downloaded on first use/);
    assert.match(help, /else synthetic:PPLCNet_x1_0: the same network with generated weights \(nothing is downloaded/);
    // bench has no PATHS: its --files-from says where the listed images go among its own inputs
    assert.match(help, /The files come after those of --images, each file once, up to --limit in all/);
    assert.match(help, /at most this many images from --images and --files-from/);
  });

  it('report --help gives the time of a million records that docs/benchmarks.md measured', async () => {
    const r = await runCli(['report', '--help']);
    const help = r.stdout.replace(/\s+/g, ' ');
    assert.doesNotMatch(help, /a million records take a few seconds and/);
    assert.match(help, /a million records take under a minute with the page's thumbnails/);
  });

  it('merge and report count in words: 1 input, 1 record, 1 file, 1 placeholder; a small page in KiB', async () => {
    const input = writeOutput(join(dir, 'one.jsonl'), 'jsonl', 1, [rec(join(dir, 'gone.jpg'), {classes: [[1, 0.9]]})]);
    const m = await runCli(['merge', input, '-o', join(dir, 'merged.jsonl')]);
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stderr, /lcnet: merged 1 input: 1 record read, 1 file written, 0 duplicates \(0 conflicting\), 0 error records;/);
    const r = await runCli(['report', input, '-o', join(dir, 'page.html')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote \S+page\.html \(\d+\.\d KiB\): 1 record \(1 classified, 0 errors\); 0 thumbnails, 1 placeholder for unreadable images/);
  });

  it('classify: 1 file, 1 directory, and a shard shown as it was typed (2/2, not 0/2)', async () => {
    const photos = join(dir, 'photos');
    mkdirSync(join(photos, 'sub'), {recursive: true});
    writeFileSync(join(photos, 'a.jpg'), await rawImage(40, 30, 1).jpeg().toBuffer());
    const list = `${join(photos, 'a.jpg')}\n${join(photos, 'sub')}\n`;
    const one = await runCli(['classify', '-', ...fast], {input: list});
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stderr, /lcnet: skipped 1 directory in the path list/);
    assert.match(one.stderr, /lcnet: 1 file, 1 classified, 0 failed in/);
    // one file: one of the two parts holds it, the other is empty; both are named as typed
    const parts = await Promise.all(['1/2', '2/2'].map((s) => runCli(['classify', photos, ...fast, '--shard', s])));
    const said = parts.map((p, i) => {
      assert.equal(p.code, 0, p.stderr);
      const typed = ['1/2', '2/2'][i]!;
      if (p.stderr.includes(`shard ${typed} holds no file of the 1 found`)) return 'empty';
      return p.stderr.includes(`1 file, 1 classified, 0 failed (shard ${typed})`) ? 'holds it' : p.stderr;
    });
    assert.deepEqual([...said].sort(), ['empty', 'holds it']);
  });

  it("classify names as flags the options of the library's errors: --threshold, --topk, --shard, --ext, --labels", async () => {
    const cases: [string[], RegExp][] = [
      [['--threshold', '0.5'], /--threshold applies to yes\/no and attribute models; this model ranks classes \(use --topk\)/],
      [['--shard', '3'], /--shard takes K\/N \(for example 1\/4 or 0\/4\) or auto, got '3'/],
      [['--ext', ','], /--ext needs at least one extension, or \* for every file/],
      [['--labels', join(dir, 'no-labels.txt')], /--labels \S+no-labels\.txt: /],
    ];
    for (const [flags, said] of cases) {
      const r = await runCli(['classify', dir, ...fast, ...flags]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(oneLine(r.stderr), said);
    }
  });

  it('download --from FILE.onnx names the checksum of the .onnx file, not of an archive, and counts 1 class', async () => {
    const file = join(dir, 'one.onnx');
    writeFileSync(file, unrunnableModel(1, 8));
    writeFileSync(join(dir, 'one-label.txt'), 'only\n');
    const r = await runCli(['download', '--from', file, '--name', 'one', '--labels', join(dir, 'one-label.txt'), '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /installed one \(onnx, [^,]+, 1 class, input 8x8\)/);
    assert.match(r.stdout, /^\.onnx file sha256 [0-9a-f]{64} \(not checked\)$/m);
    assert.doesNotMatch(r.stdout, /archive sha256/);
  });
});
