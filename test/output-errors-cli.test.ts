/**
 * Output paths that cannot be written are told before any work, in one line, with exit 2; a
 * disk that fills up during a run is told with exit 3, leaves a valid output, and --resume
 * completes it once there is room. Through the real CLI.
 *
 * The full disk is real: a tmpfs of 128 KiB mounted for the test (which needs the right to
 * mount: the tests skip, saying so, where it is missing), and /dev/full, where every write
 * fails with ENOSPC. A folder that refuses new files even to root is /sys (sysfs).
 */

import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync} from 'node:fs';
import {join} from 'node:path';
import {toJson} from '../src/pipeline/output/codec.js';
import type {OutputRecord} from '../src/pipeline/output/record.js';
import {openOutput, OutputWriteError} from '../src/pipeline/output/writer.js';
import {BIN, runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';

const MODEL = 'synthetic:PPLCNet_x0_25';
const base = ['-m', MODEL, '--threads', '1', '--workers', '1', '--batch-size', '1'];
/** A model that cannot be found: a run that gets as far as looking for it says so (exit 2 too), so the message tells which check came first. */
const NO_MODEL = ['-m', '/nonexistent/model.onnx'];

describe('classify: output errors (through the CLI)', function () {
  this.timeout(120000);
  let dir: string;

  before(async () => {
    dir = tempDir();
    mkdirSync(join(dir, 'imgs'));
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, 'imgs', `photo-${String(i).padStart(3, '0')}.jpg`), await rawImage(40 + i, 32, i).jpeg().toBuffer());
    writeFileSync(join(dir, 'a-file'), 'x');
  });

  after(() => rmSync(dir, {recursive: true, force: true}));

  /** Exit 2 with `message`, before the model is looked for (its absence would be the message). */
  async function refusedEarly(output: string, message: RegExp, extra: string[] = []): Promise<void> {
    const r = await runCli(['classify', 'imgs', ...NO_MODEL, '-o', output, ...extra], {cwd: dir});
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /model/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }

  it('a missing folder, a file where a folder should be, an output that is a folder: one line, exit 2, before the model loads', async () => {
    await refusedEarly(join('no', 'such', 'out.csv'), new RegExp(`Error: cannot write ${dir}/no/such/out.csv: folder ${dir}/no/such does not exist; create it \\(mkdir -p ${dir}/no/such\\) or choose another --output\\n`));
    await refusedEarly('a-file/out.csv', new RegExp(`Error: cannot write ${dir}/a-file/out.csv: ${dir}/a-file is a file, not a folder; choose another --output\\n`));
    await refusedEarly('a-file/deeper/out.csv', new RegExp(`Error: cannot write ${dir}/a-file/deeper/out.csv: ${dir}/a-file is a file, not a folder`));
    await refusedEarly('imgs', new RegExp(`Error: cannot write ${dir}/imgs: it is a folder; give --output a file name\\n`));
    // an existing output is refused as early
    writeFileSync(join(dir, 'done.csv'), 'file\n');
    await refusedEarly('done.csv', /done\.csv already exists: use --resume to continue it or --overwrite to replace it/);
  });

  it('lcnet eval -o: the same checks, before the model loads and the images are read', async () => {
    for (const [output, message] of [
      // named as given, the folder in full
      [join('no', 'such', 'report.json'), `cannot write no/such/report.json: folder ${dir}/no/such does not exist`],
      ['a-file/report.json', `cannot write a-file/report.json: ${dir}/a-file is a file, not a folder`],
      ['imgs', 'cannot write imgs: it is a folder'],
    ]) {
      const r = await runCli(['eval', '--imagenet-val', 'imgs', ...NO_MODEL, '-o', output!], {cwd: dir});
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(`Error: ${message}`), r.stderr);
    }
    if (statSync('/sys', {throwIfNoEntry: false})?.isDirectory()) {
      const r = await runCli(['eval', '--imagenet-val', 'imgs', ...NO_MODEL, '-o', '/sys/lcnet-report.json'], {cwd: dir});
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Error: cannot write \/sys\/lcnet-report\.json: (permission denied|folder \/sys is on a read-only)/);
      assert.ok(!readdirSync('/sys').some((f) => f.startsWith('lcnet-report')), 'no probe left');
    }
  });

  it('a folder that takes no new file (sysfs refuses even root): exit 2 naming the output, no lock left', async function () {
    if (!statSync('/sys', {throwIfNoEntry: false})?.isDirectory()) this.skip();
    const output = '/sys/lcnet-test-output.jsonl';
    await refusedEarly(output, /Error: cannot write \/sys\/lcnet-test-output\.jsonl: (permission denied: folder \/sys cannot be written; choose another --output, or make \/sys writable|folder \/sys is on a read-only file system)/);
    assert.ok(!existsSync(`${output}.lock`));
  });

  it('an output where every write fails (/dev/full): exit 3, the disk is full', async function () {
    if (!existsSync('/dev/full')) this.skip();
    const r = await runCli(['classify', 'imgs', ...base, '-o', '/dev/full'], {cwd: dir});
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Error: the disk is full: no space left to write \/dev\/full\n/);
    // standard output on a full disk: the same words, and no --resume to suggest
    const home = tempDir('lcnet-home-');
    const full = openSync('/dev/full', 'w');
    try {
      const s = spawnSync(process.execPath, [BIN, 'classify', 'imgs', ...base], {
        cwd: dir,
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
        env: {...process.env, LCNET_HOME: home, LCNET_MODEL: '', OCLIF_COLUMNS: '1000'},
      });
      assert.equal(s.status, 3, s.stderr);
      assert.match(s.stderr, /Error: the disk is full: no space left to write standard output\n/);
    } finally {
      closeSync(full);
      rmSync(home, {recursive: true, force: true});
    }
  });

  describe('on a disk that fills up (a small tmpfs)', () => {
    let mnt: string;
    let mounted = false;

    before(function () {
      mnt = join(dir, 'mnt');
      mkdirSync(mnt);
      const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'lcnet-test', mnt], {encoding: 'utf8'});
      if (m.status !== 0) {
        console.log(`      (skipped: cannot mount a small tmpfs here: ${(m.stderr || m.error?.message || '').trim()})`);
        this.skip();
      }
      mounted = true;
    });

    after(() => {
      if (mounted) spawnSync('umount', [mnt]);
    });

    // each test starts on an empty disk, whatever the one before left
    beforeEach(() => {
      for (const f of readdirSync(mnt)) rmSync(join(mnt, f), {recursive: true, force: true});
    });

    /** Fills the disk but for about `room` bytes. */
    function ballast(room: number): string {
      const path = join(mnt, 'ballast');
      const fd = openSync(path, 'w');
      const chunk = Buffer.alloc(4096, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        closeSync(fd);
      }
      // give back `room` (the file system counts it in whole pages)
      truncateSync(path, Math.max(0, statSync(path).size - room));
      return path;
    }

    for (const format of ['jsonl', 'csv', 'json'] as const) {
      it(`${format}: exit 3 saying the disk is full, a valid output, and --resume completes it to the bytes of an uninterrupted run`, async () => {
        const reference = join(dir, `reference.${format}`);
        const whole = await runCli(['classify', 'imgs', ...base, '-o', reference], {cwd: dir});
        assert.equal(whole.code, 0, whole.stderr);
        const expected = readFileSync(reference, 'utf8');

        const out = join(mnt, `out.${format}`);
        // room for the lock and about half the records
        const filler = ballast(4096 + Math.ceil(expected.length / 2));
        const r = await runCli(['classify', 'imgs', ...base, '-o', out], {cwd: dir});
        assert.equal(r.code, 3, r.stderr);
        assert.match(
          r.stderr,
          new RegExp(`Error: the disk is full: no space left to write ${out}\\. The output so far is valid \\(complete records only\\); free some space, then run the same command with --resume to continue it\\n`),
        );
        const partial = readFileSync(out, 'utf8');
        assert.deepEqual(readdirSync(mnt).sort(), ['ballast', `out.${format}`], 'no lock or temporary file left');
        // complete records only, each the record an uninterrupted run writes
        if (format === 'json') {
          const records = JSON.parse(partial) as unknown[];
          const all = JSON.parse(expected) as unknown[];
          assert.ok(records.length > 0 && records.length < all.length, `${records.length} of ${all.length}`);
          assert.deepEqual(records, all.slice(0, records.length));
        } else {
          assert.ok(partial.length > 0 && partial.length < expected.length && partial.endsWith('\n'), `${partial.length} of ${expected.length} bytes`);
          assert.ok(expected.startsWith(partial));
        }

        unlinkSync(filler);
        const resumed = await runCli(['classify', 'imgs', ...base, '-o', out, '--resume'], {cwd: dir});
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.equal(readFileSync(out, 'utf8'), expected);
      });
    }

    it('JSON: when even the closing bracket no longer fits, the array is cut back a batch at a time until it does', () => {
      // the first record ends exactly at a block boundary: the bracket after it would need a new block
      const block = statfsSync(mnt).bsize;
      const record = (name: string): OutputRecord => ({file: name, model: 'm', error: 'e', size: null, mtime: null});
      const bare = toJson(record('')).length;
      const first = record('x'.repeat(block - '[\n'.length - bare));
      const path = join(mnt, 'cut.json');
      const {writer} = openOutput(path, 'json', 1, 'new');
      writer.write([first]);
      assert.equal(statSync(path).size, block);
      ballast(0);
      assert.throws(
        () => writer.write([record('y'.repeat(block))]),
        (e: Error) => e instanceof OutputWriteError && e.code === 'ENOSPC' && e.intact && /^the disk is full: no space left to write /.test(e.message),
      );
      assert.equal(statSync(path).size, block, 'the failed batch is cut off');
      writer.close();
      assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), [], 'valid JSON, without the record a resume redoes');
    });

    it('a lock that cannot be written on a full disk: exit 2 before the model loads, no lock left behind', async () => {
      ballast(0);
      const out = join(mnt, 'out.jsonl');
      const r = await runCli(['classify', 'imgs', ...NO_MODEL, '-o', out], {cwd: dir});
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`Error: cannot write ${out}: the disk holding ${mnt} is full; free some space or choose another --output\\n`));
      assert.deepEqual(readdirSync(mnt), ['ballast']);
    });
  });
});
