/**
 * One writer per output file. `lcnet classify -o FILE` holds FILE.lock while it writes, so a
 * second run on the same output (another terminal, a retried pod or array task while the first
 * still runs) is refused instead of interleaving its records with the first one's. The lock is a
 * heartbeat lock file (src/fs/lock-file.ts). A run killed with SIGKILL leaves it behind:
 * the next run takes it over at once when it can see that the owner's process is gone (same host
 * and PID namespace), and otherwise (another host, another container: a pid says nothing there)
 * once the owner's heartbeat has stopped for a minute, which it waits for.
 */

import {dirname, resolve} from 'node:path';
import {FatalError} from '../../errors.js';
import {cannotWrite, checkOutputTarget} from './output-target.js';
import {acquireLock, LockTimeoutError, ownerAlive, readOwnerSync, type HeldLock} from '../../fs/lock-file.js';

export class OutputBusyError extends FatalError {}

/** How often a running classify refreshes its output lock, and when a silent one is stale. */
export const OUTPUT_HEARTBEAT_MS = 5_000;
export const OUTPUT_STALE_MS = 60_000;

export function outputLockPath(output: string): string {
  return `${output}.lock`;
}

/**
 * Locks `output`; null for an output that is not a regular file (a pipe, /dev/stdout): nothing to
 * guard. An output that cannot be written (checkOutputTarget), and a lock that cannot be created
 * in its folder, are told at once with an OutputNotWritableError.
 */
export async function lockOutput(
  output: string,
  opts: {signal?: AbortSignal; onWait?: (message: string) => void; onLost?: () => void} = {},
): Promise<HeldLock | null> {
  if (checkOutputTarget(output) === 'special') return null;
  const path = outputLockPath(output);
  const lock = {heartbeatMs: OUTPUT_HEARTBEAT_MS, staleMs: OUTPUT_STALE_MS, signal: opts.signal, onLost: opts.onLost};
  try {
    return await acquireLock(path, {...lock, timeoutMs: 0});
  } catch (e) {
    if (!(e instanceof LockTimeoutError)) throw lockProblem(output, e);
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
    if (!(e instanceof LockTimeoutError)) throw lockProblem(output, e);
    const now = readOwnerSync(path);
    throw new OutputBusyError(
      `${output} is still locked by ${now ? `process ${now.pid} on ${now.host}` : 'another process'}, whose heartbeat goes on: another run is writing it (if none is, delete ${path})`,
    );
  }
}

/** A system error while creating the lock (the first file the run creates beside the output) said as the output's; others as they are. */
function lockProblem(output: string, e: unknown): unknown {
  if (typeof (e as NodeJS.ErrnoException).code !== 'string') return e;
  return cannotWrite(output, dirname(resolve(output)), e);
}
