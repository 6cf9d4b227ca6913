/**
 * One writer per output file. `lcnet classify -o FILE` holds FILE.lock while it writes, so a
 * second run on the same output (another terminal, a retried pod or array task while the first
 * still runs) is refused instead of interleaving its records with the first one's. The lock is a
 * heartbeat lock file (src/fs/lock-file.ts). A run killed with SIGKILL leaves it behind:
 * the next run takes it over at once when it can see that the owner's process is gone (same host
 * and PID namespace), and otherwise (another host, another container: a pid says nothing there)
 * once the owner's heartbeat has stopped for a minute, which it waits for.
 */

import {statSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {FatalError, UsageError} from '../../errors.js';
import {acquireLock, LockTimeoutError, ownerAlive, readOwnerSync, type HeldLock} from '../../fs/lock-file.js';

export class OutputBusyError extends FatalError {}

/** How often a running classify refreshes its output lock, and when a silent one is stale. */
export const OUTPUT_HEARTBEAT_MS = 5_000;
export const OUTPUT_STALE_MS = 60_000;

export function outputLockPath(output: string): string {
  return `${output}.lock`;
}

/** Locks `output`; null for an output that is not a regular file (a pipe, /dev/stdout): nothing to guard. */
export async function lockOutput(
  output: string,
  opts: {signal?: AbortSignal; onWait?: (message: string) => void; onLost?: () => void} = {},
): Promise<HeldLock | null> {
  const existing = statSync(output, {throwIfNoEntry: false});
  if (existing && !existing.isFile()) return null;
  const folder = dirname(resolve(output));
  if (!statSync(folder, {throwIfNoEntry: false})?.isDirectory()) throw new UsageError(`cannot write ${output}: folder ${folder} does not exist`);
  const path = outputLockPath(output);
  const lock = {heartbeatMs: OUTPUT_HEARTBEAT_MS, staleMs: OUTPUT_STALE_MS, signal: opts.signal, onLost: opts.onLost};
  try {
    return await acquireLock(path, {...lock, timeoutMs: 0});
  } catch (e) {
    if (!(e instanceof LockTimeoutError)) throw e;
  }
  const owner = readOwnerSync(path);
  if (owner && ownerAlive(owner)) {
    throw new OutputBusyError(
      `${output} is being written by lcnet process ${owner.pid} (since ${owner.createdAt}): two runs must not write one output (if no lcnet process is running, delete ${path})`,
    );
  }
  opts.onWait?.(
    `${output} is locked by ${owner ? `process ${owner.pid} on ${owner.host} (since ${owner.createdAt})` : 'another process'}, which cannot be checked from here; waiting until it ends, or until its heartbeat has stopped for ${OUTPUT_STALE_MS / 1000} s`,
  );
  try {
    return await acquireLock(path, {...lock, timeoutMs: OUTPUT_STALE_MS + 15_000});
  } catch (e) {
    if (!(e instanceof LockTimeoutError)) throw e;
    const now = readOwnerSync(path);
    throw new OutputBusyError(
      `${output} is still locked by ${now ? `process ${now.pid} on ${now.host}` : 'another process'}, whose heartbeat goes on: another run is writing it (if none is, delete ${path})`,
    );
  }
}
