/** Retry timing: exponential backoff with jitter, and an abortable sleep. */

import {setTimeout as delay} from 'node:timers/promises';
import {DownloadError} from './errors.js';

/**
 * Delay before retry number `attempt` (0 = first retry): `baseMs * 2^attempt` capped at `maxMs`,
 * scaled by a random factor in [0.5, 1) so that clients that failed together do not retry
 * together. A server's Retry-After (capped at `maxMs`) wins when longer.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** attempt);
  const jittered = Math.round(exp * (0.5 + 0.5 * random()));
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(maxMs, retryAfterMs));
}

/** Sleeps `ms`, rejecting with an 'aborted' DownloadError when `signal` fires. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, {signal});
  } catch (e) {
    if (signal?.aborted) throw new DownloadError('download cancelled', 'aborted', false, undefined, {cause: e});
    throw e;
  }
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}
