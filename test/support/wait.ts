/**
 * Waiting in tests for something to happen, never for a fixed time: a test passes or fails by
 * what the code does, not by how fast this machine is. `until` looks again every few ms and only
 * gives up after a long time, which a passing test never reaches.
 */

import {setImmediate as nextTurn, setTimeout as pause} from 'node:timers/promises';

/** Resolves once `cond()` holds; rejects naming `what` if it still does not after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await pause(5);
  }
}

/** A promise with its resolve function, for a callback to say that something happened. */
export function signal<T = void>(): {promise: Promise<T>; fire: (v: T) => void} {
  let fire!: (v: T) => void;
  const promise = new Promise<T>((r) => (fire = r));
  return {promise, fire};
}

/** Lets every callback already due run (promise reactions, I/O, immediates), a few turns deep. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
}
