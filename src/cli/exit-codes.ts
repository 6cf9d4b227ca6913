/** Process exit codes, documented in README.md. */
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

export class UsageError extends Error {
  readonly exitCode = EXIT.USAGE;
}

export class FatalError extends Error {
  readonly exitCode = EXIT.FATAL;
}

/** The exit code an error asks for (UsageError, FatalError), else FATAL. */
export function exitCodeOf(e: unknown): number {
  const code = (e as {exitCode?: unknown} | null)?.exitCode;
  return typeof code === 'number' ? code : EXIT.FATAL;
}
