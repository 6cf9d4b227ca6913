/**
 * Inputs that match nothing are a usage error (exit 2) that writes nothing; an empty shard of a
 * non-empty collection is not (exit 0, a note on stderr). Through the real CLI.
 */

import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {OutputRecord} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';

const MODEL = 'synthetic:PPLCNet_x0_25';
const base = ['-m', MODEL, '--topk', '1', '--threads', '1', '--workers', '1'];
const DEFAULTS = 'extensions tried: jpg, jpeg, png, webp, gif, tif, tiff, avif, bmp';
const jsonl = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as OutputRecord);

describe('classify: inputs that match nothing (through the CLI)', function () {
  this.timeout(120000);
  let dir: string;

  before(async () => {
    dir = tempDir();
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'texts'));
    writeFileSync(join(dir, 'texts', 'a.txt'), 'not an image');
    mkdirSync(join(dir, 'imgs', 'sub'), {recursive: true});
    writeFileSync(join(dir, 'imgs', 'sub', 'one.jpg'), await rawImage(64, 48, 1).jpeg().toBuffer());
  });

  after(() => rmSync(dir, {recursive: true, force: true}));

  /** Exit 2 with one line naming what was tried; no record, and no output or lock left. */
  async function refused(args: string[], message: string, input?: string): Promise<void> {
    const out = join(dir, 'out.csv');
    const r = await runCli(['classify', ...args, ...base, '-o', out], {cwd: dir, input});
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`Error: ${message}\n`), r.stderr);
    assert.doesNotMatch(r.stderr, /0 files/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('out.')), [], 'no output and no lock');
  }

  it('an empty folder, a folder of .txt files, a typo in --ext, a glob matching nothing, an empty path list: exit 2, nothing written', async () => {
    await refused(['empty'], `no images found in empty (${DEFAULTS})`);
    await refused(['texts', 'empty'], `no images found in texts, empty (${DEFAULTS})`);
    await refused(['imgs', '--ext', 'jgp'], 'no images found in imgs (extensions tried: jgp)');
    await refused(['imgs', '--no-recursive'], `no images found in imgs (${DEFAULTS}, subfolders not walked)`);
    await refused(['nowhere/*.jpg', 'imgs/*.png'], `no images found in nowhere/*.jpg, imgs/*.png (${DEFAULTS})`);
    await refused(['-'], 'no images found in the path list on standard input', '');
    // a list naming only folders names no file either; the folders skipped are told as usual
    const r = await runCli(['classify', '-', ...base], {cwd: dir, input: 'imgs\nempty\n'});
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /skipped 2 directories in the path list/);
    assert.equal(r.stdout, '', 'not even a CSV header or a JSON bracket on stdout');
  });

  it('lcnet bench --images says it in the same words', async () => {
    const r = await runCli(['bench', '--images', 'texts', '-m', MODEL, '--iterations', '1', '--warmup', '0', '--threads', '1'], {cwd: dir});
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`Error: --images: no images found in texts (${DEFAULTS})\n`), r.stderr);
    const glob = await runCli(['bench', '--images', 'nowhere/*.jpg', '-m', MODEL, '--iterations', '1', '--warmup', '0', '--threads', '1'], {cwd: dir});
    assert.equal(glob.code, 2, glob.stderr);
    assert.ok(glob.stderr.includes(`Error: --images: no images found in nowhere/*.jpg (${DEFAULTS})\n`), glob.stderr);
  });

  it('leaves an output to resume or replace exactly as it was', async () => {
    const out = join(dir, 'kept.jsonl');
    // a record superseded and one cut off by a crash: a resume that went ahead would compact and truncate it
    const a = JSON.stringify({file: 'x.jpg', model: MODEL, predictions: [{class_id: 1, label: 'a', score: 0.5}], size: 1, mtime: '2026-11-29T10:00:00.000Z'});
    const b = JSON.stringify({file: 'x.jpg', model: MODEL, predictions: [{class_id: 2, label: 'b', score: 0.5}], size: 2, mtime: '2026-11-29T10:00:00.000Z'});
    const content = `${a}\n${b}\n{"file":"cut`;
    writeFileSync(out, content);
    for (const mode of ['--resume', '--overwrite']) {
      const r = await runCli(['classify', 'empty', ...base, '-o', out, mode], {cwd: dir});
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /no images found in empty/);
      assert.equal(readFileSync(out, 'utf8'), content, mode);
      assert.ok(!existsSync(`${out}.lock`));
    }
  });

  it('a pattern matching nothing beside inputs that match keeps its error record (exit 1)', async () => {
    const r = await runCli(['classify', 'nowhere/*.jpg', 'imgs', ...base], {cwd: dir});
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      jsonl(r.stdout).map((x) => ('error' in x ? `${x.file}: ${x.error}` : x.file)),
      ['nowhere/*.jpg: no files match this pattern', 'imgs/sub/one.jpg'],
    );
  });

  it('an empty shard of a non-empty collection succeeds with a note and a valid empty output', async () => {
    const parts = [];
    for (const shard of ['1/2', '2/2']) {
      const out = join(dir, `part-${shard[0]}.csv`);
      const r = await runCli(['classify', 'imgs', ...base, '--shard', shard, '-o', out], {cwd: dir});
      assert.equal(r.code, 0, r.stderr);
      parts.push({shard, stderr: r.stderr, rows: readFileSync(out, 'utf8').trim().split('\n').length - 1});
    }
    // the one file is in exactly one part; the other part is empty, says so, and has a CSV header
    assert.deepEqual(parts.map((p) => p.rows).sort(), [0, 1]);
    const empty = parts.find((p) => p.rows === 0)!;
    // named as it was typed: 2/2 is the part 0/2 also names
    assert.match(empty.stderr, new RegExp(`shard ${empty.shard} holds no file of the 1 found\\n`));
    assert.doesNotMatch(parts.find((p) => p.rows === 1)!.stderr, /holds no file/);
  });
});
