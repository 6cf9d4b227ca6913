/**
 * One writer per output file. `lcnet classify -o FILE` holds FILE.lock while it writes, so a
 * second run on the same output (another terminal, a retried pod or array task while the first
 * still runs) is refused instead of interleaving its records with the first one's. The lock is a
 * heartbeat lock file (src/models/download/lock.ts): a run killed with SIGKILL leaves it behind,
 * and the next run on this host sees that its owner is dead and takes it over at once. A lock from
 * another host (a shared volume) is taken over when its heartbeat has stopped for two minutes;
 * until then the new run waits for it.
 */

import {statSync} from 'node:fs';
import {hostname} from 'node:os';
import {FatalError} from '../../cli/exit-codes.js';
import {acquireLock, HEARTBEAT_STALE_MS, LockTimeoutError, readOwnerSync, type HeldLock} from '../../models/download/lock.js';

export class OutputBusyError extends FatalError {}

export function outputLockPath(output: string): string {
  return `${output}.lock`;
}

/** Locks `output`; null for an output that is not a regular file (a pipe, /dev/stdout): nothing to guard. */
export async function lockOutput(output: string, opts: {signal?: AbortSignal; onWait?: (message: string) => void} = {}): Promise<HeldLock | null> {
  const existing = statSync(output, {throwIfNoEntry: false});
  if (existing && !existing.isFile()) return null;
  const path = outputLockPath(output);
  try {
    return await acquireLock(path, {timeoutMs: 0, signal: opts.signal});
  } catch (e) {
    if (!(e instanceof LockTimeoutError)) throw e;
  }
  const owner = readOwnerSync(path);
  if (owner && owner.host !== hostname()) {
    opts.onWait?.(
      `${output} is locked by process ${owner.pid} on host ${owner.host} (since ${owner.createdAt}); waiting until it ends, or until its heartbeat has stopped for ${HEARTBEAT_STALE_MS / 1000} s`,
    );
    return acquireLock(path, {timeoutMs: HEARTBEAT_STALE_MS + 30_000, signal: opts.signal});
  }
  const who = owner ? `lcnet process ${owner.pid} (since ${owner.createdAt})` : 'another lcnet process';
  throw new OutputBusyError(`${output} is being written by ${who}: two runs must not write one output (if no lcnet process is running, delete ${path})`);
}
