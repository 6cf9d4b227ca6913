/**
 * Inputs a newcomer gives that are not image paths: a URL, and path lists in a file
 * (--files-from), through the real CLI.
 */

import assert from 'node:assert/strict';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
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
