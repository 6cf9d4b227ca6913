/**
 * Turns any failure of the download layer into what a command shows: one clear message and an
 * exit code from `src/cli/exit-codes.ts`. Unreachable hosts get the offline advice naming
 * `lcnet download NAME --from DIR|FILE|URL`.
 */

import {EXIT, FatalError, UsageError} from '../../cli/exit-codes.js';
import {DownloadError, isUnreachable} from './errors.js';
import {TarError} from './tar.js';

/** The message for a model that cannot be fetched because the host is unreachable. */
export function offlineMessage(name: string, cause?: unknown): string {
  const why = cause instanceof Error ? `${cause.message}. ` : '';
  return (
    `cannot download model ${name}: ${why}This machine cannot reach the download host. ` +
    `Fetch the archive on a connected machine ('lcnet download --list --json' shows its address) and install it with\n` +
    `  lcnet download ${name} --from DIR|FILE|URL\n` +
    `where DIR is the extracted model folder, FILE the .tar archive and URL a reachable mirror; ` +
    `behind a proxy, set HTTPS_PROXY (and NO_PROXY for local hosts).`
  );
}

export interface Failure {
  message: string;
  exitCode: number;
}

/** Message and exit code for an error thrown while installing `name`. */
export function describeFailure(e: unknown, name: string): Failure {
  if (e instanceof DownloadError && e.kind === 'aborted') return {message: `download of ${name} cancelled; nothing was installed`, exitCode: EXIT.INTERRUPTED};
  if (isUnreachable(e)) return {message: offlineMessage(name, e), exitCode: EXIT.FATAL};
  if (e instanceof UsageError) return {message: e.message, exitCode: EXIT.USAGE};
  if (e instanceof DownloadError) return {message: `cannot download model ${name}: ${e.message}`, exitCode: EXIT.FATAL};
  if (e instanceof TarError) return {message: `cannot unpack model ${name}: ${e.message}; nothing was installed`, exitCode: EXIT.FATAL};
  if (e instanceof FatalError) return {message: e.message, exitCode: EXIT.FATAL};
  return {message: `cannot install model ${name}: ${e instanceof Error ? e.message : String(e)}`, exitCode: EXIT.FATAL};
}
