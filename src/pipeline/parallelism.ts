/** How the cores are shared: inference threads and sessions, and decoding workers. */

import {availableParallelism} from 'node:os';

/**
 * Images per network run. PPLCNet_x1_0 runs as fast per image in batches of 4 as of 8 (3.2-3.3 CPU
 * ms either way) while each session's activations take half the memory: 228 MiB against 270 at
 * the peak of a 900-file run, 271 against 321 over 9,900 files, in the same time within 1.5%
 * (docs/benchmarks.md).
 */
export const DEFAULT_BATCH_SIZE = 4;

export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.LCNET_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

/** Preprocessing worker threads: one per two cores (each also drives libvips threads). */
export function defaultWorkers(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

export interface InferenceLayout {
  sessions: number;
  /** intra-op threads of each session */
  threads: number;
}

/**
 * Splits `threads` inference threads over `sessions` sessions. By default every thread runs its
 * own single-threaded session: batches then run side by side with no intra-op barriers, which
 * keeps throughput up when decoders share the cores.
 */
export function inferenceLayout(threads: number | undefined, sessions: number | undefined): InferenceLayout {
  const total = threads ?? defaultThreads();
  const count = Math.min(sessions ?? total, total);
  return {sessions: count, threads: Math.max(1, Math.round(total / count))};
}
