import assert from 'node:assert/strict';
import type {Worker} from 'node:worker_threads';
import {imagenetConfig} from '../src/models/architecture.js';
import {buildLCNet} from '../src/models/builder.js';
import {InferencePool} from '../src/pipeline/infer-pool.js';

const SIZE = 3 * 32 * 32;

async function pool(sessions: number) {
  const model = buildLCNet({config: imagenetConfig(0.25, 10, [32, 32]), seed: 1}).bytes;
  const buffers = [new SharedArrayBuffer(2 * SIZE * 4)];
  new Float32Array(buffers[0]!).forEach((_, i, a) => (a[i] = Math.sin(i)));
  return InferencePool.create({model, inputName: 'x', outputName: 'probs', threads: 1, buffers, size: [32, 32]}, sessions);
}

/** The pool's worker threads (private): the tests kill one to play a crash. */
const workers = (p: InferencePool) => (p as unknown as {sessions: {worker: Worker}[]}).sessions.map((s) => s.worker);

describe('inference pool', function () {
  this.timeout(30000);

  it('runs batches on parallel sessions and closes cleanly', async () => {
    const p = await pool(2);
    const outs = await Promise.all([p.run(0, 2), p.run(0, 2), p.run(0, 1)]);
    assert.deepEqual(outs.map((o) => [o.classes, o.values.length]), [[10, 20], [10, 20], [10, 10]]);
    assert.deepEqual(Array.from(outs[0]!.values), Array.from(outs[1]!.values));
    await p.close();
    await assert.rejects(p.run(0, 1), /closed/);
  });

  it('is ready with its first session and adds the others as they load', async () => {
    const p = await pool(3);
    assert.ok(workers(p).length >= 1);
    const first = await p.run(0, 1);
    await p.loaded();
    assert.equal(workers(p).length, 3);
    const outs = await Promise.all([p.run(0, 1), p.run(0, 1), p.run(0, 1)]);
    for (const o of outs) assert.deepEqual(Array.from(o.values), Array.from(first.values));
    await p.close();
  });

  it('ends the sessions still loading when it is closed', async () => {
    const p = await pool(3);
    const starting = (p as unknown as {starting: Set<{worker: Worker}>}).starting;
    const all = [...workers(p), ...[...starting].map((s) => s.worker)];
    const exits = all.map((w) => new Promise((r) => w.once('exit', r)));
    await p.close();
    await p.loaded();
    // every worker spawned so far has ended, and none was started after the close
    await Promise.all(exits);
    assert.equal(starting.size, 0);
    assert.equal(workers(p).length, 0);
  });

  it('replaces a crashed worker once, and keeps serving', async () => {
    const p = await pool(1);
    const before = await p.run(0, 1);
    // a message the worker cannot handle throws inside it: 'error' and then 'exit' both fire
    const crashed = workers(p)[0]!;
    const gone = new Promise((r) => crashed.once('exit', r));
    crashed.postMessage(null);
    // the pool has seen it go (its own 'exit' listener ran first): a run now waits for the replacement
    await gone;
    const after = await p.run(0, 1);
    assert.deepEqual(Array.from(after.values), Array.from(before.values));
    assert.equal(workers(p).length, 1, 'exactly one replacement');
    await p.close();
  });

  it('fails to start with a clear message when the model cannot be loaded', async () => {
    await assert.rejects(
      InferencePool.create({model: new Uint8Array([1, 2, 3]), inputName: 'x', outputName: 'probs', threads: 1, buffers: [], size: [32, 32]}, 1),
      /cannot load the model/,
    );
  });
});
