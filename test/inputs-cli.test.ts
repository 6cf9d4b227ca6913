/**
 * Inputs a newcomer gives that are not image paths: a URL, and path lists in a file
 * (--files-from), through the real CLI.
 */

import assert from 'node:assert/strict';
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {OutputRecord} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';

const MODEL = 'synthetic:PPLCNet_x0_25';
const base = ['-m', MODEL, '--topk', '1', '--threads', '1', '--workers', '1', '--no-progress'];
const jsonl = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as OutputRecord);
const outcome = (records: OutputRecord[]) => records.map((x) => [x.file, 'error' in x ? x.error : 'ok']);
const URL_ERROR = 'URLs are not read: lcnet classifies local files; download the image first (for example with curl -O URL), then classify the file';

describe('inputs that are not image paths (through the CLI)', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    dir = tempDir();
    mkdirSync(join(dir, 'imgs', 'sub'), {recursive: true});
    for (const [i, n] of ['imgs/a.jpg', 'imgs/b.png', 'imgs/sub/c.jpg'].entries()) {
      const img = rawImage(60 + i * 8, 40 + i * 4, i);
      writeFileSync(join(dir, n), n.endsWith('.png') ? await img.png().toBuffer() : await img.jpeg().toBuffer());
    }
  });

  after(() => rmSync(dir, {recursive: true, force: true}));

  describe('--files-from FILE', () => {
    it('classifies the files a list names, as - reads a list: paths from the working directory, missing ones as records, directories skipped', async () => {
      writeFileSync(join(dir, 'list.txt'), ['imgs/b.png', './imgs/a.jpg', 'imgs/none.jpg', 'imgs/sub', '', 'imgs/sub/c.jpg\r'].join('\n') + '\n');
      const r = await runCli(['classify', '--files-from', 'list.txt', ...base], {cwd: dir});
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(outcome(jsonl(r.stdout)), [
        ['imgs/b.png', 'ok'],
        ['./imgs/a.jpg', 'ok'],
        ['imgs/none.jpg', 'no such file or directory'],
        ['imgs/sub/c.jpg', 'ok'],
      ]);
      assert.match(r.stderr, /skipped 1 directory in the path list/);
      // the same list on stdin gives the same records
      const stdin = await runCli(['classify', '-', ...base], {cwd: dir, input: ['imgs/b.png', './imgs/a.jpg', 'imgs/none.jpg', 'imgs/sub', '', 'imgs/sub/c.jpg\r'].join('\n')});
      assert.deepEqual(outcome(jsonl(stdin.stdout)), outcome(jsonl(r.stdout)));
    });

    it('reads NUL-separated lists, several lists, and - for stdin; with PATHS, those come first and each file gets one record', async () => {
      writeFileSync(join(dir, 'nul.lst'), ['imgs/sub/c.jpg', 'imgs/a.jpg', ''].join('\0'));
      writeFileSync(join(dir, 'more.txt'), `${join(dir, 'imgs', 'b.png')}\nimgs/a.jpg\n`);
      const r = await runCli(['classify', 'imgs/a.jpg', '--files-from', 'nul.lst', '--files-from', '-', 'imgs/sub', ...base], {cwd: dir, input: 'more.txt\n'});
      // more.txt is read from stdin as a path list line: it names a text file, which is an input like any other
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(outcome(jsonl(r.stdout)).map(([f]) => f), ['imgs/a.jpg', 'imgs/sub/c.jpg', 'more.txt']);
      // --files-from - alone: the list on stdin is the list, not a path (oclif reads stdin for a missing argument)
      const alone = await runCli(['classify', '--files-from', '-', ...base], {cwd: dir, input: 'imgs/a.jpg\nimgs/b.png\n'});
      assert.equal(alone.code, 0, alone.stderr);
      assert.deepEqual(outcome(jsonl(alone.stdout)).map(([f]) => f), ['imgs/a.jpg', 'imgs/b.png']);
      const two = await runCli(['classify', 'imgs/sub', '--files-from', 'more.txt', '--files-from', 'nul.lst', ...base], {cwd: dir});
      assert.equal(two.code, 0, two.stderr);
      assert.deepEqual(outcome(jsonl(two.stdout)).map(([f]) => f), ['imgs/sub/c.jpg', join(dir, 'imgs', 'b.png'), 'imgs/a.jpg']);
    });

    it('a list that cannot be read, or stdin named twice, is a usage error told before the model loads; nothing is written', async () => {
      mkdirSync(join(dir, 'a-folder'), {recursive: true});
      const out = join(dir, 'never.jsonl');
      const cases: [string[], RegExp][] = [
        [['--files-from', 'no-list.txt'], /--files-from no-list\.txt: no such file or directory/],
        [['--files-from', 'a-folder'], /--files-from a-folder: is a directory/],
        [['-', '--files-from', '-'], /standard input holds one path list: give - once/],
        [[], /give the images to classify: PATHS .* or --files-from FILE/],
      ];
      for (const [args, said] of cases) {
        const r = await runCli(['classify', ...args, ...base, '-o', out], {cwd: dir, input: 'imgs/a.jpg\n'});
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr.replace(/\s*\n\s*(›\s*)?/g, ' '), said);
        // the model's warning would come once it is loaded
        assert.doesNotMatch(r.stderr, /SYNTHETIC/);
        assert.equal(existsSync(out), false);
      }
    });

    it('an empty list is an input that matches nothing (exit 2, naming the list)', async () => {
      writeFileSync(join(dir, 'empty.txt'), '');
      const r = await runCli(['classify', '--files-from', 'empty.txt', ...base], {cwd: dir});
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /no images found in the path list empty\.txt/);
    });

    it('a list given as an input gets a record pointing to --files-from; other text files do not', async () => {
      writeFileSync(join(dir, 'paths.txt'), 'imgs/a.jpg\nimgs/b.png\n');
      writeFileSync(join(dir, 'notes.txt'), 'Remember to classify the photos.\nAnd then the scans/ folder.\n');
      const r = await runCli(['classify', 'paths.txt', 'notes.txt', ...base], {cwd: dir});
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(outcome(jsonl(r.stdout)), [
        ['paths.txt', 'not an image but a list of paths (to classify the files it names: lcnet classify --files-from FILE, or the filesFrom option)'],
        ['notes.txt', 'not an image (unrecognised file format)'],
      ]);
    });

    it('bench --files-from measures the listed images, with those of --images, each once; a missing list is a usage error', async () => {
      writeFileSync(join(dir, 'bench.txt'), 'imgs/a.jpg\nimgs/sub/c.jpg\n');
      const args = ['bench', '-m', MODEL, '--threads', '1', '--batch-size', '1', '--iterations', '1', '--warmup', '0', '--workers', '1', '--json'];
      const r = await runCli([...args, '--images', 'imgs/sub', '--files-from', 'bench.txt'], {cwd: dir});
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as {images: {count: number}}).images.count, 2);
      const missing = await runCli([...args, '--files-from', 'no-list.txt'], {cwd: dir});
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /--files-from no-list\.txt: no such file or directory/);
      assert.doesNotMatch(missing.stderr, /SYNTHETIC/);
    });
  });

  describe('URLs', () => {
    it('get an error record saying URLs are not read and how to fetch first; the run goes on (exit 1)', async () => {
      // a '?' in a URL must not make it a glob pattern that matches nothing
      const urls = ['https://example.invalid/cat.jpg', 'https://example.invalid/photo.jpg?size=large'];
      const r = await runCli(['classify', urls[0]!, 'imgs/a.jpg', urls[1]!, ...base], {cwd: dir});
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(outcome(jsonl(r.stdout)), [
        [urls[0], URL_ERROR],
        ['imgs/a.jpg', 'ok'],
        [urls[1], URL_ERROR],
      ]);
    });

    it('a URL alone gets its record and exit 1, as a path that does not exist does', async () => {
      for (const input of ['https://example.invalid/a.jpg?x=1', 'imgs/none.jpg']) {
        const r = await runCli(['classify', input, ...base], {cwd: dir});
        assert.equal(r.code, 1, r.stderr);
        const records = jsonl(r.stdout);
        assert.equal(records.length, 1);
        assert.equal(records[0]!.file, input);
        assert.equal('error' in records[0]! && records[0].error, input.startsWith('https:') ? URL_ERROR : 'no such file or directory');
      }
    });

    it('a URL in a path list gets the same record', async () => {
      const r = await runCli(['classify', '-', ...base], {cwd: dir, input: 'imgs/b.png\nhttp://example.invalid/x.png\n'});
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(outcome(jsonl(r.stdout)), [
        ['imgs/b.png', 'ok'],
        ['http://example.invalid/x.png', URL_ERROR],
      ]);
    });
  });
});
