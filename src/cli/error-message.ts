/**
 * What the CLI says for an error of the library: its message, with the options it names
 * (library API names, e.g. `resizeShort`) worded as the flags the user typed (`--resize-short`).
 */

import {OptionError} from '../errors.js';

/** Library options whose flag is not simply their kebab-case name. */
const FLAG_OF: Readonly<Record<string, string>> = {
  extensions: '--ext',
  filesFrom: '--files-from',
  input: '--input-size',
};

/** The flag of a library option: `--threshold` for threshold, `--resize-short` for resizeShort. */
export function flagOf(option: string): string {
  return FLAG_OF[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function cliMessage(e: unknown): string {
  if (e instanceof OptionError) return e.messageNaming(flagOf);
  return e instanceof Error ? e.message : String(e);
}
