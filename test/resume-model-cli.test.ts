import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {OutputReader} from '../src/merge/read-output.js';
import type {OutputFormat} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';

const A = 'synthetic:PPLCNet_x1_0';
const B = 'synthetic:PPLCNet_x0_5';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('--resume refuses an output written by another model (through the CLI)', function () {
  this.timeout(120000);
  let dir: string;
  let images: string;

  before(async () => {
    dir = tempDir();
    images = join(dir, 'images');
    mkdirSync(images);
    for (let i = 0; i < 4; i++) writeFileSync(join(images, `i${i}.png`), await rawImage(48 + 8 * i, 40, i).png().toBuffer());
  });

  after(() => rmSync(dir, {recursive: true, force: true}));

  const classify = (out: string, model: string | null, ...more: string[]) =>
    runCli(['classify', images, ...(model ? ['-m', model] : []), '--threads', '1', '--workers', '1', '-o', out, ...more], model ? {} : {env: {LCNET_MODEL: B}});

  for (const format of ['jsonl', 'json', 'csv'] as const) {
    it(`${format}: a run of model A killed mid-record, resumed with model B: exit 2 naming both, the output byte for byte as it was`, async () => {
      const out = join(dir, `a.${format}`);
      const first = await classify(out, A);
      assert.equal(first.code, 0, first.stderr);
      // as a run killed while writing its last record leaves it: a resume would truncate this tail
      const whole = readFileSync(out);
      writeFileSync(out, whole.subarray(0, whole.length - 12));
      const killed = readFileSync(out);

      const other = await classify(out, B, '--resume');
      assert.equal(other.code, 2, other.stderr);
      assert.match(other.stderr, new RegExp(`holds records of model ${escape(A)} \\(line \\d+\\), not of ${escape(B)}, the model of this run: resume it with --model ${escape(A)}`));
      assert.deepEqual(readFileSync(out), killed, 'not one byte changed');
      assert.equal(existsSync(`${out}.lock`), false, 'the lock goes with the refused run');

      // the model that wrote it resumes it: every file once, all of model A
      const same = await classify(out, A, '--resume');
      assert.equal(same.code, 0, same.stderr);
      const records = [...new OutputReader(out, format as OutputFormat).records()].map((r) => r.record);
      assert.deepEqual(records.map((r) => r.file.split('/').pop()).sort(), readdirSync(images).sort());
      assert.deepEqual(new Set(records.map((r) => r.model)), new Set([A]));
    });
  }

  it('counts the model $LCNET_MODEL names as the run\'s model', async () => {
    const out = join(dir, 'env.jsonl');
    const first = await classify(out, A);
    assert.equal(first.code, 0, first.stderr);
    const before = readFileSync(out);
    const other = await classify(out, null, '--resume');
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr, new RegExp(`records of model ${escape(A)} .*not of ${escape(B)}`));
    assert.deepEqual(readFileSync(out), before);
  });
});
