import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {OutputRecord} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';

const MODEL = 'synthetic:PPLCNet_x0_25';
const base = ['-m', MODEL, '--topk', '1', '--threads', '1', '--workers', '1'];
const jsonl = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as OutputRecord);

describe('classify inputs: path lists on stdin and --shard auto (through the CLI)', function () {
  this.timeout(120000);
  let dir: string;
  const names = ['imgs/a.jpg', 'imgs/b.png', 'imgs/sub/c.jpg', 'imgs/sub/d e.png', 'imgs/sub/deeper/f.jpg', 'imgs/g.jpg', 'imgs/h.png', 'imgs/new\nline.jpg'];

  before(async () => {
    dir = tempDir();
    for (const [i, n] of names.entries()) {
      mkdirSync(join(dir, n, '..'), {recursive: true});
      const img = rawImage(80 + i * 8, 60 + i * 4, i);
      writeFileSync(join(dir, n), n.endsWith('.png') ? await img.png().toBuffer() : await img.jpeg().toBuffer());
    }
  });

  after(() => rmSync(dir, {recursive: true, force: true}));

  it('classify - reads a newline list: files as given, missing ones as error records, directories skipped', async () => {
    const list = ['imgs/a.jpg', 'imgs/sub/d e.png', 'imgs/missing.jpg', 'imgs/sub', '', 'imgs/b.png\r'].join('\n') + '\n';
    const r = await runCli(['classify', '-', ...base], {cwd: dir, input: list});
    assert.equal(r.code, 1, r.stderr);
    const records = jsonl(r.stdout);
    assert.deepEqual(
      records.map((x) => [x.file, 'error' in x ? x.error : 'ok']),
      [
        ['imgs/a.jpg', 'ok'],
        ['imgs/sub/d e.png', 'ok'],
        ['imgs/missing.jpg', 'no such file or directory'],
        ['imgs/b.png', 'ok'],
      ],
    );
    assert.match(r.stderr, /skipped 1 directory in the path list/);
  });

  it('classify - gives a FIFO or a device in the list an error record instead of waiting or reading for ever', async function () {
    const fifo = join(dir, 'pipe.jpg');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return this.skip();
    try {
      const list = ['imgs/a.jpg', fifo, '/dev/zero', 'imgs/b.png'].join('\n') + '\n';
      const r = await runCli(['classify', '-', ...base], {cwd: dir, input: list});
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(
        jsonl(r.stdout).map((x) => [x.file, 'error' in x ? x.error : 'ok']),
        [
          ['imgs/a.jpg', 'ok'],
          [fifo, 'cannot read file: not a regular file (a FIFO, socket or device)'],
          ['/dev/zero', 'cannot read file: not a regular file (a FIFO, socket or device)'],
          ['imgs/b.png', 'ok'],
        ],
      );
    } finally {
      rmSync(fifo, {force: true});
    }
  });

  it('classify - gives a file named several times (in the list, or also as an argument) one record', async () => {
    const list = ['imgs/a.jpg', './imgs/a.jpg', 'imgs/missing.jpg', 'imgs/b.png', 'imgs/missing.jpg', 'imgs/a.jpg'].join('\n');
    const r = await runCli(['classify', '-', 'imgs/b.png', ...base], {cwd: dir, input: list});
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      jsonl(r.stdout).map((x) => x.file),
      ['imgs/a.jpg', 'imgs/missing.jpg', 'imgs/b.png'],
    );
  });

  it('--resume through a symbolic link continues the file it points to, which keeps one record per file', async () => {
    const out = join(dir, 'real.jsonl');
    const first = await runCli(['classify', 'imgs/sub', ...base, '-o', out], {cwd: dir});
    assert.equal(first.code, 0, first.stderr);
    symlinkSync('real.jsonl', join(dir, 'link.jsonl'));
    const touched = join(dir, 'imgs/sub/c.jpg');
    utimesSync(touched, new Date(), new Date(Date.now() + 5000));
    const resumed = await runCli(['classify', 'imgs/sub', ...base, '-o', 'link.jsonl', '--resume'], {cwd: dir});
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /1 file, 1 classified, 0 failed, 2 already done/);
    assert.ok(lstatSync(join(dir, 'link.jsonl')).isSymbolicLink());
    const files = jsonl(readFileSync(out, 'utf8')).map((x) => x.file);
    assert.equal(files.length, 3);
    assert.equal(new Set(files).size, 3);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.lock')), []);
  });

  it('classify - reads NUL-separated lists (find -print0), names with newlines included, and resumes them', async () => {
    const list = names.join('\0') + '\0';
    const out = join(dir, 'nul.jsonl');
    const r = await runCli(['classify', '-', ...base, '-o', out], {cwd: dir, input: list});
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      jsonl(readFileSync(out, 'utf8')).map((x) => x.file),
      names,
    );
    const again = await runCli(['classify', '-', ...base, '-o', out, '--resume'], {cwd: dir, input: list});
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /0 files, 0 classified, 0 failed, 8 already done/);
    const twice = await runCli(['classify', '-', '-', ...base], {cwd: dir, input: list});
    assert.equal(twice.code, 2);
  });

  it('--shard auto takes the part from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID; the parts cover every file once', async () => {
    const parts: string[][] = [];
    for (let k = 0; k < 3; k++) {
      const k8s = await runCli(['classify', 'imgs', ...base, '--shard', 'auto'], {cwd: dir, env: {JOB_COMPLETION_INDEX: String(k), LCNET_SHARD_COUNT: '3'}});
      assert.equal(k8s.code, 0, k8s.stderr);
      const files = jsonl(k8s.stdout).map((x) => x.file);
      parts.push(files);
      const slurm = await runCli(['classify', 'imgs', ...base, '--shard', 'auto'], {
        cwd: dir,
        env: {SLURM_ARRAY_TASK_ID: String(k + 1), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3'},
      });
      assert.deepEqual(jsonl(slurm.stdout).map((x) => x.file), files);
      const explicit = await runCli(['classify', 'imgs', ...base, '--shard', `${k}/3`], {cwd: dir});
      assert.deepEqual(jsonl(explicit.stdout).map((x) => x.file), files);
    }
    assert.deepEqual(parts.flat().sort(), [...names].sort());
    assert.ok(parts.filter((p) => p.length > 0).length >= 2, parts.map((p) => p.length).join(','));
    const unset = await runCli(['classify', 'imgs', ...base, '--shard', 'auto'], {cwd: dir});
    assert.equal(unset.code, 2);
    assert.match(unset.stderr, /neither JOB_COMPLETION_INDEX/);
  });

  it('--shard hashes the path below the argument: the parts agree wherever the collection is mounted', async () => {
    for (let k = 0; k < 3; k++) {
      const relative = await runCli(['classify', 'imgs', ...base, '--shard', `${k}/3`], {cwd: dir});
      const absolute = await runCli(['classify', join(dir, 'imgs'), ...base, '--shard', `${k}/3`]);
      const below = await runCli(['classify', '.', ...base, '--shard', `${k}/3`], {cwd: join(dir, 'imgs')});
      const strip = (text: string, prefix: string) => jsonl(text).map((x) => x.file.slice(prefix.length));
      assert.deepEqual(strip(absolute.stdout, join(dir, 'imgs') + '/'), strip(relative.stdout, 'imgs/'));
      assert.deepEqual(strip(below.stdout, ''), strip(relative.stdout, 'imgs/'));
    }
  });
});
