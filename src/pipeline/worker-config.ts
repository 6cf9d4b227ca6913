/**
 * A worker's side of early-workers.ts: its configuration is its `workerData`, or, for a worker
 * started early, its first message. `start` runs as soon as the configuration is known, inside
 * that message's event, so a listener it installs hears every message sent after.
 */

import {parentPort, workerData} from 'node:worker_threads';
import type {EarlyStart} from './early-workers.js';

export function startedEarly(): boolean {
  return typeof workerData === 'object' && workerData !== null && (workerData as Partial<EarlyStart>).early === true;
}

/** Tells the main thread that this early worker has left onnxruntime (see EarlyStart). */
export function leftRuntime(): void {
  if (!startedEarly()) return;
  const {busy} = workerData as EarlyStart;
  Atomics.store(busy, 0, 0);
  Atomics.notify(busy, 0);
}

export function withConfig<T>(start: (config: T) => void): void {
  if (!startedEarly()) return start(workerData as T);
  parentPort!.once('message', (m: {config: T}) => start(m.config));
}
