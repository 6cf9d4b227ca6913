/** How the cores are shared: inference threads and sessions, and decoding workers. */

import {availableParallelism} from 'node:os';

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
