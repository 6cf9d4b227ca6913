/**
 * Worker threads started at the very beginning of a command that will need them, before the
 * command is loaded. Node and oclif then load on the main thread for about 0.2 s while the second
 * core idles; in that time an early worker boots, loads onnxruntime and starts its runtime, work
 * that otherwise stands between the command's start and its first record (docs/benchmarks.md).
 * The pools take these workers instead of spawning their own and send them their configuration;
 * a worker nobody takes does not keep the process alive.
 */

import {Worker} from 'node:worker_threads';

/**
 * What an early worker finds in `workerData`: its configuration comes in its first message.
 * `busy[0]` is 1 while the worker is inside onnxruntime before it is taken (the main thread sets
 * it at the start, the worker clears it): a process that ends then waits for it to clear, since a
 * worker stopped inside onnxruntime's binding aborts the whole process.
 */
export interface EarlyStart {
  early: true;
  busy: Int32Array;
}

/** The longest an ending process waits for an early worker to leave onnxruntime. */
const EXIT_WAIT_MS = 5000;

export type WorkerKind = 'infer' | 'preprocess';

const ENTRY: Record<WorkerKind, URL> = {
  infer: new URL('./infer-worker.js', import.meta.url),
  preprocess: new URL('./preprocess-worker.js', import.meta.url),
};

interface Early {
  worker: Worker;
  busy: Int32Array;
}

const waiting: Record<WorkerKind, Early[]> = {infer: [], preprocess: []};
let guarded = false;

/** Starts one worker of `kind` that waits for its configuration. */
export function startEarly(kind: WorkerKind): void {
  // an inference worker starts onnxruntime at once; a decoding worker never enters it untaken
  const busy = new Int32Array(new SharedArrayBuffer(4));
  busy[0] = kind === 'infer' ? 1 : 0;
  const worker = new Worker(ENTRY[kind], {workerData: {early: true, busy} satisfies EarlyStart});
  worker.unref();
  const early: Early = {worker, busy};
  // one that fails before it is taken is simply not offered; the pool then spawns its own
  const drop = () => {
    Atomics.store(busy, 0, 0);
    const i = waiting[kind].indexOf(early);
    if (i >= 0) waiting[kind].splice(i, 1);
  };
  worker.once('exit', drop);
  worker.once('error', drop);
  waiting[kind].push(early);
  if (!guarded) {
    guarded = true;
    process.once('exit', () => {
      for (const e of [...waiting.infer, ...waiting.preprocess]) Atomics.wait(e.busy, 0, 1, EXIT_WAIT_MS);
    });
  }
}

/**
 * A worker of `kind` started early, handed `config` (its `workerData` had it been spawned now), or
 * a new worker when none is waiting.
 */
export function takeWorker(kind: WorkerKind, config: unknown): Worker {
  const early = waiting[kind].shift();
  if (!early) return new Worker(ENTRY[kind], {workerData: config});
  early.worker.ref();
  early.worker.postMessage({config});
  return early.worker;
}

/** How many early workers of `kind` wait to be taken (for tests). */
export function earlyWaiting(kind: WorkerKind): number {
  return waiting[kind].length;
}
