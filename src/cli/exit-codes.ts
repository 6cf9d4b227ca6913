/** Process exit codes, documented in README.md, and the one place library errors become them. */

import {CancelledError, UsageError} from '../errors.js';

export const EXIT = {
  /** everything succeeded */
  OK: 0,
  /** the run finished but some inputs failed (each has an error record) */
  PARTIAL: 1,
  /** bad arguments or flags (oclif's own parse errors also exit 2) */
  USAGE: 2,
  /** a fatal error: model missing or invalid, output not writable, download or conversion failed */
  FATAL: 3,
  /** interrupted by SIGINT/SIGTERM; output written so far is valid and resumable */
  INTERRUPTED: 130,
} as const;

/** The exit code for an error: USAGE for a UsageError, INTERRUPTED when cancelled, else FATAL. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT.USAGE;
  if (e instanceof CancelledError) return EXIT.INTERRUPTED;
  return EXIT.FATAL;
}
