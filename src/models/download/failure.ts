/**
 * Turns any failure of the download layer into what a command shows: one clear message, in an
 * error the CLI maps to an exit code. Unreachable hosts get the offline advice naming
 * `lcnet download NAME --from DIR|FILE|URL`, and how to try lcnet without any weights.
 */

import {CancelledError, FatalError, OptionError, UsageError} from '../../errors.js';
import {DownloadError, isUnreachable} from './errors.js';
import {TarError} from './tar.js';

/** What runs without any download: PP-LCNet built with seeded weights. */
export const SYNTHETIC_TRIAL_MODEL = 'synthetic:PPLCNet_x1_0';

/** The message for a model that cannot be fetched because the host is unreachable. */
export function offlineMessage(name: string, cause?: unknown): string {
  const why = cause instanceof Error ? `${cause.message}. ` : '';
  return (
    `cannot download model ${name}: ${why}This machine cannot reach the download host. ` +
    `Fetch the archive on a connected machine ('lcnet download --list --json' shows its address) and install it with\n` +
    `  lcnet download ${name} --from DIR|FILE|URL\n` +
    `where DIR is the extracted model folder, FILE the .tar archive and URL a reachable mirror; ` +
    `behind a proxy, set HTTPS_PROXY (and NO_PROXY for local hosts).\n` +
    `To try lcnet meanwhile without weights, give classify, eval or bench -m ${SYNTHETIC_TRIAL_MODEL}: ` +
    `random weights, the same speed, meaningless labels.`
  );
}

/**
 * The error to report for a failure while installing `name`: one clear message, as a
 * UsageError, FatalError or CancelledError (the CLI turns these into exit codes), with the
 * original error as its cause.
 */
export function describeFailure(e: unknown, name: string): UsageError | FatalError | CancelledError {
  const cause = {cause: e};
  if ((e instanceof DownloadError && e.kind === 'aborted') || e instanceof CancelledError) return new CancelledError(`download of ${name} cancelled; nothing was installed`, cause);
  if (isUnreachable(e)) return new FatalError(offlineMessage(name, e), cause);
  // an error about the caller's options keeps its kind, so that the CLI names them as flags
  if (e instanceof OptionError) return e;
  if (e instanceof UsageError) return new UsageError(e.message, cause);
  if (e instanceof DownloadError) return new FatalError(`cannot download model ${name}: ${e.message}`, cause);
  if (e instanceof TarError) return new FatalError(`cannot unpack model ${name}: ${e.message}; nothing was installed`, cause);
  if (e instanceof FatalError) return new FatalError(e.message, cause);
  return new FatalError(`cannot install model ${name}: ${e instanceof Error ? e.message : String(e)}`, cause);
}
