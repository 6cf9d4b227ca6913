import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {BIN, cliEnv, runCli, tempDir} from './support/cli.js';
import {rawImage, writeBadInputs} from './support/images.js';
import {spawnUnreaped} from './support/unreaped.js';
import {until} from './support/wait.js';

/** A small seeded generator (mulberry32): the kill points are random but the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lineCount = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0);

describe('resume after SIGKILL at random points', function () {
  this.timeout(240000);
  let dir: string;
  let images: string;
  const FILES = 150;

  before(async () => {
    dir = tempDir();
    images = join(dir, 'images');
    mkdirSync(images);
    for (let i = 0; i < FILES; i++) {
      const img = rawImage(160 + (i % 7) * 40, 120 + (i % 5) * 30, i);
      const name = `img${String(i).padStart(3, '0')}`;
      writeFileSync(join(images, i % 3 ? `${name}.jpg` : `${name}.png`), i % 3 ? await img.jpeg().toBuffer() : await img.png().toBuffer());
    }
    await writeBadInputs(images);
  });

  after(() => rmSync(dir, {recursive: true, force: true}));

  const args = (out: string) => ['classify', images, '-m', 'synthetic:PPLCNet_x0_5', '--batch-size', '3', '--threads', '1', '--workers', '1', '--topk', '3', '-o', out];

  for (const format of ['jsonl', 'csv', 'json'] as const) {
    it(`${format}: killed with SIGKILL again and again, then resumed, gives exactly the records of an uninterrupted run`, async () => {
      const reference = join(dir, `reference.${format}`);
      const whole = await runCli(args(reference));
      assert.equal(whole.code, 1, whole.stderr); // the bad inputs fail
      const expected = readFileSync(reference, 'utf8');
      const total = lineCount(reference);

      const out = join(dir, `killed.${format}`);
      const next = random({jsonl: 1, csv: 2, json: 3}[format]);
      const kills: string[] = [];
      for (let round = 0; round < 8; round++) {
        const before = lineCount(out);
        if (before >= total - 2) break;
        // kill during start-up, or after a random number of new lines, up to half of what is left
        const target = next() < 0.2 ? 0 : before + 1 + Math.floor((next() * (total - before - 2)) / 2);
        let killed = false;
        const r = await runCli([...args(out), '--resume'], {
          onStart: (child) => {
            const timer = setInterval(() => {
              if (killed || (target > 0 && lineCount(out) < target)) return;
              killed = child.kill('SIGKILL');
              clearInterval(timer);
            }, target === 0 ? 50 + Math.floor(next() * 300) : 2);
            child.on('close', () => clearInterval(timer));
          },
        });
        if (!killed) break; // it finished first
        assert.equal(r.signal, 'SIGKILL');
        kills.push(`${before}->${lineCount(out)}`);
      }
      assert.ok(kills.length >= 3, `killed ${kills.length} times (${kills.join(', ')})`);
      const finished = await runCli([...args(out), '--resume']);
      assert.ok(finished.code === 0 || finished.code === 1, finished.stderr);
      assert.equal(readFileSync(out, 'utf8'), expected, `after kills at ${kills.join(', ')}`);
      assert.equal(existsSync(`${out}.lock`), false, 'the lock goes with the run');
    });
  }

  it('refuses a second run on an output another run is writing; the lock goes when the first ends', async () => {
    const out = join(dir, 'busy.jsonl');
    const list = readdirSync(images).sort().map((f) => join(images, f));
    let second: Awaited<ReturnType<typeof runCli>> | undefined;
    // the first run reads its list from a pipe held open until the second run has been answered
    const first = await runCli([...args(out).map((a) => (a === images ? '-' : a))], {
      openStdin: true,
      onStart: (child) => {
        child.stdin!.write(list.slice(0, 10).join('\n') + '\n');
        const timer = setInterval(() => {
          if (lineCount(out) < 1 || second) return;
          clearInterval(timer);
          void runCli([...args(out), '--resume']).then((r) => {
            second = r;
            child.stdin!.end(list.slice(10).join('\n') + '\n');
          });
        }, 5);
        child.on('close', () => clearInterval(timer));
      },
    });
    assert.equal(first.code, 1, first.stderr);
    assert.ok(second, 'the second run ended first');
    assert.equal(second.code, 3, second.stderr);
    assert.match(second.stderr, /busy.jsonl is being written by lcnet process \d+ \(since .*\): two runs must not write one output/);
    assert.equal(lineCount(out), FILES + 5);
    assert.equal(existsSync(`${out}.lock`), false);
    const after = await runCli([...args(out), '--resume']);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stderr, /0 files, 0 classified, 0 failed, \d+ already done/);
  });
});

describe('an output lock taken away from a running classify', function () {
  this.timeout(60000);

  it('stops writing and exits 3 when another process has taken the output over', async () => {
    const dir = tempDir();
    try {
      const images = join(dir, 'images');
      mkdirSync(images);
      for (let i = 0; i < 4; i++) writeFileSync(join(images, `i${i}.png`), await rawImage(64, 48, i).png().toBuffer());
      const out = join(dir, 'taken.jsonl');
      const lock = `${out}.lock`;
      let usurped = false;
      const r = await runCli(['classify', '-', '-m', 'synthetic:PPLCNet_x0_25', '--threads', '1', '--workers', '1', '-o', out], {
        openStdin: true,
        onStart: (child) => {
          // the feeding below goes on until the child is seen to exit: a write that comes after the
          // child has closed its end fails with EPIPE, which only means it has gone
          child.stdin!.on('error', () => undefined);
          child.stdin!.write(join(images, 'i0.png') + '\n');
          const timer = setInterval(() => {
            if (usurped || lineCount(out) < 1 || !existsSync(lock)) return;
            usurped = true;
            // another process breaks the lock and writes its own (as after a long stall)
            writeFileSync(lock, JSON.stringify({pid: 1, host: 'another-host', createdAt: new Date().toISOString(), token: 'usurper'}));
            const more = setInterval(() => {
              if (child.exitCode !== null || child.killed) return clearInterval(more);
              child.stdin!.write(join(images, 'i1.png') + '\n');
            }, 200);
            child.on('close', () => clearInterval(more));
          }, 5);
          child.on('close', () => clearInterval(timer));
        },
      });
      assert.ok(usurped);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /lost the lock on .*taken.jsonl: another run took the output over/);
      assert.equal(JSON.parse(readFileSync(lock, 'utf8')).token, 'usurper', 'the new owner keeps its lock');
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});

describe('a run killed under a parent that does not reap it (its process a zombie)', function () {
  this.timeout(120000);

  it('leaves a lock that --resume takes over at once: exit 0, every file exactly one record', async () => {
    const dir = tempDir();
    try {
      const images = join(dir, 'images');
      mkdirSync(images);
      const names = Array.from({length: 6}, (_, i) => `i${i}.png`);
      for (const [i, name] of names.entries()) writeFileSync(join(images, name), await rawImage(64, 48, i).png().toBuffer());
      const out = join(dir, 'out.jsonl');
      const lock = `${out}.lock`;
      const args = ['-m', 'synthetic:PPLCNet_x0_25', '--threads', '1', '--workers', '1', '--batch-size', '1', '-o', out];
      const env = cliEnv(join(dir, 'home'));
      // the run reads its paths from a pipe kept open: it cannot finish before it is killed
      const run = await spawnUnreaped(process.execPath, [BIN, 'classify', '-', ...args], env);
      try {
        run.input.write(`${join(images, names[0]!)}\n${join(images, names[1]!)}\n`);
        await until(() => lineCount(out) >= 1, `a first record (${run.stderr()})`, 60_000);
        assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, run.pid);
        process.kill(run.pid, 'SIGKILL');
        await until(() => run.state() === 'Z', 'the killed run to be a zombie');

        const resumed = await runCli(['classify', images, ...args, '--resume'], {env: {LCNET_HOME: join(dir, 'home')}});
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.equal(run.state(), 'Z', 'the owner was still a zombie when its lock was taken over');
        const files = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as {file: string}).file);
        assert.deepEqual(files.map((f) => f.split('/').pop()).sort(), names);
        assert.equal(existsSync(lock), false);
      } finally {
        await run.reap();
      }
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
