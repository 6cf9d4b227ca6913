/**
 * Which form `lcnet classify` writes its records in. Like `ls` and `git`, it writes for whoever
 * reads: a person at a terminal gets one readable line per file (text), while a pipe or a file
 * gets JSON Lines, byte for byte as before there was a text form, so that scripts never see the
 * difference. `--format` decides anywhere; else the extension of `--output`; else the terminal.
 */

import {UsageError} from '../errors.js';
import {formatFromPath, type RecordFormat} from '../pipeline/output/record.js';
import {TEXT_NOT_RESUMABLE} from '../pipeline/output/writer.js';

export interface FormatChoice {
  /** --format */
  format?: string;
  /** --output */
  output?: string;
  resume?: boolean;
  /** standard output is a terminal */
  terminal: boolean;
}

export function chooseRecordFormat(c: FormatChoice): RecordFormat {
  const format = (c.format as RecordFormat | undefined) ?? (c.output ? (formatFromPath(c.output) ?? 'jsonl') : c.terminal ? 'text' : 'jsonl');
  if (format === 'text' && c.resume) throw new UsageError(TEXT_NOT_RESUMABLE);
  return format;
}

/** Whether the records go to the terminal, where they show the progress themselves (no bar is drawn over them). */
export function recordsOnTerminal(c: FormatChoice): boolean {
  return !c.output && c.terminal;
}
