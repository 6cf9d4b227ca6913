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

/**
 * A UsageError about the caller's options. Its message names them as the library API does
 * (`threshold must be between 0 and 1`); the CLI words the same message with its flags
 * (`--threshold must be ...`) through `messageNaming`, so neither audience reads the other's names.
 */
export class OptionError extends UsageError {
  /** the options the message names, by their library names (e.g. ['threshold']) */
  readonly options: readonly string[];
  private readonly say: (name: (option: string) => string) => string;

  constructor(say: (name: (option: string) => string) => string) {
    const named: string[] = [];
    super(
      say((option) => {
        if (!named.includes(option)) named.push(option);
        return option;
      }),
    );
    this.options = named;
    this.say = say;
  }

  /** The message with each option named by `name` (the CLI passes its flag names). */
  messageNaming(name: (option: string) => string): string {
    return this.say(name);
  }
}
