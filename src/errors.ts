/**
 * The errors lcnet's library throws for conditions a caller should tell apart. They carry no
 * process exit codes: the CLI maps them to exit codes in one place (`src/cli/exit-codes.ts`).
 */

/** The request is invalid: options, or files and names the caller gave. */
export class UsageError extends Error {}

/** The request is valid but cannot be carried out: a model missing or invalid, an unreadable or foreign file, a failed download or conversion. */
export class FatalError extends Error {}

/** The operation was cancelled by the caller's AbortSignal (Ctrl-C in the CLI). */
export class CancelledError extends Error {}
