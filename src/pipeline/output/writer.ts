/**
 * Record writers for JSON Lines, JSON and CSV, and for the human form (`text`, text.ts). Records
 * are written as they are produced, each batch in one write, so an interrupted run leaves valid
 * output: JSONL and CSV are valid after every write, and a JSON array is closed by `close()`,
 * which the signal handlers call. With
 * `resume`, an existing output is read back, its last incomplete record cut off, and writing
 * continues after it; the files already recorded are returned, with their size and mtime, so
 * that unchanged ones can be skipped. With `retryErrors`, error records are removed first, so
 * those files are classified again. A file recorded before and written again (it changed) has
 * its old record removed when the writer is closed. A resume of an output that holds records of
 * another model than `model` is refused before anything is written (OtherModelError).
 *
 * Opening only reads: the file is created, truncated, repaired or compacted at the first write,
 * or at `close()` when there was nothing to write. A run that stops before that (its inputs
 * matched nothing: `abandon()`) leaves no new file, and an output it would have replaced or
 * continued untouched.
 *
 * A write that fails (a full disk, a quota) is cut back to the batch before it, so the file
 * holds complete records only (a resume continues it once there is room again), and an
 * OutputWriteError says what failed.
 *
 * Text is written like JSON Lines, a line per record, but is never read back: a text output
 * cannot be resumed (refused with a UsageError).
 */

import {closeSync, fstatSync, ftruncateSync, openSync, statSync, truncateSync, writeSync} from 'node:fs';
import {FatalError, UsageError} from '../../errors.js';
import {writeFully} from './write-fully.js';
import {csvLine} from './csv.js';
import {csvHeader, toCsvRow, toJson, type LayoutLike} from './codec.js';
import {compactOutput, readExistingOutput, type ExistingOutput} from './existing-output.js';
import {RecordedFiles} from './recorded-files.js';
import type {OutputRecord, RecordFormat} from './record.js';
import {TextLines} from './text.js';

export interface RecordWriter {
  readonly format: RecordFormat;
  /** throws an OutputWriteError when the records cannot be written; the output keeps those before them */
  write(records: readonly OutputRecord[]): void;
  /** finishes the document (closes a JSON array); safe to call more than once */
  close(): void;
  /** stops writing at once, leaving the file as it is (another process owns it now, or nothing was written) */
  abandon(): void;
}

export interface OpenOptions {
  /** the model whose records are written: a resumed output must hold records of no other (absent: any) */
  model?: string;
  /** with `resume`: remove error records first, so that those files are classified again */
  retryErrors?: boolean;
}

export interface OpenedOutput {
  writer: RecordWriter;
  /**
   * files that already have a record (resume), with the identityKey of their size and mtime
   * (with `retryErrors`, not those whose record is an error); valid until the writer is closed
   */
  done: RecordedFiles;
}

/** Writing the output failed; `code` is the system error's (ENOSPC, EDQUOT, EPIPE...). */
export class OutputWriteError extends FatalError {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** the file holds complete records only (a regular file, cut back to the last complete batch) */
    readonly intact: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type OutputMode = 'new' | 'overwrite' | 'resume';

/** Refuses an existing non-empty output in `new` mode (neither --resume nor --overwrite). */
export function refuseExisting(path: string, mode: OutputMode): void {
  if (mode === 'new' && fileSize(path) > 0) throw new UsageError(`${path} already exists: use --resume to continue it or --overwrite to replace it`);
}

/**
 * Opens `path` (or stdout when null) for `format`. An existing non-empty file is an error unless
 * `mode` is `overwrite` or `resume`. `layout` is the CSV layout: a top-k, or the layout of a
 * yes/no or attribute model (codec.ts).
 */
export function openOutput(path: string | null, format: RecordFormat, layout: LayoutLike, mode: OutputMode, opts: OpenOptions = {}): OpenedOutput {
  if (format === 'text' && mode === 'resume') throw new UsageError(TEXT_NOT_RESUMABLE);
  /** the format read back when resuming and compacting (a text output is never resumed, so never read back) */
  const readBack = format === 'text' ? 'jsonl' : format;
  const textLines = format === 'text' ? new TextLines() : null;
  const model = opts.model ?? null;
  const retryErrors = opts.retryErrors ?? false;
  let existing: ExistingOutput | null = null;
  let compact = false;
  let done = new RecordedFiles(null);
  if (path !== null) {
    refuseExisting(path, mode);
    if (mode === 'resume' && fileSize(path) > 0) {
      existing = readExistingOutput(path, readBack, layout, model);
      // what the compaction at the first write will leave: the last record of each file, less errors to retry
      compact = existing.superseded > 0 || (retryErrors && existing.failed.size > 0);
      done = existing.done;
      done.failedUndone = retryErrors;
    }
  }

  let state: 'waiting' | 'writing' | 'failed' | 'closed' = 'waiting';
  let fd = -1;
  /** bytes of the file known to end with a complete record (or the header) */
  let size = 0;
  /** a regular file: a failed write can be cut back */
  let regular = false;
  let jsonHasRecords = false;
  let rewritten = false;

  /** Cuts the file back to its last complete record. */
  const cutBack = () => {
    if (!regular) return;
    try {
      ftruncateSync(fd, size);
    } catch {
      // the next resume cuts an unfinished record off anyway
    }
  };
  const fail = (e: unknown): OutputWriteError => {
    state = 'failed';
    cutBack();
    return e instanceof OutputWriteError ? e : writeFailure(path, e, regular);
  };
  /** Where the last batches ended (JSON: and whether records came before): where a failed output can be cut back to. */
  const ends: {size: number; hasRecords: boolean}[] = [];
  const put = (text: string, hasRecords: boolean) => {
    const bytes = Buffer.from(text);
    try {
      writeFully(fd, bytes);
    } catch (e) {
      throw fail(e);
    }
    size += bytes.length;
    if (regular) {
      ends.push({size, hasRecords});
      if (ends.length > KEPT_ENDS) ends.shift();
    }
  };
  /**
   * Closes the JSON array of a failed output. On a full disk even its three bytes may not fit:
   * the file is then cut back a batch at a time until they do (a resume redoes the records cut).
   */
  const closeJsonAfterFailure = () => {
    for (let i = ends.length - 1; i >= 0; i--) {
      const end = ends[i]!;
      try {
        ftruncateSync(fd, end.size);
        // at the end, wherever a partial write left the file position
        writeAt(fd, end.hasRecords ? '\n]\n' : ']\n', end.size);
        return;
      } catch {
        // try with one batch less
      }
    }
    cutBack();
  };
  const start = () => {
    try {
      if (path === null) fd = 1;
      else if (existing) {
        if (compact) {
          compactOutput(path, readBack, layout, model, {dropErrors: retryErrors}, done);
          // the offsets of `done` were those of the file replaced: it now reads the new one
          existing = readExistingOutput(path, readBack, layout, model);
          done.adopt(existing.done);
        }
        truncateSync(path, existing.keepBytes);
        fd = openSync(path, 'a');
        size = existing.keepBytes;
        jsonHasRecords = existing.hasRecords;
      } else fd = openSync(path, 'w');
      regular = path !== null && fstatSync(fd).isFile();
    } catch (e) {
      throw fail(e);
    }
    state = 'writing';
    if (regular && size > 0) ends.push({size, hasRecords: jsonHasRecords});
    if (size === 0 && format === 'csv') put(csvLine(csvHeader(layout)), false);
    if (size === 0 && format === 'json') put('[\n', false);
  };
  const closeFd = () => {
    if (fd > 1) closeSync(fd);
    fd = -1;
  };

  const writer: RecordWriter = {
    format,
    write(records) {
      if (state === 'failed' || state === 'closed' || records.length === 0) return;
      if (state === 'waiting') start();
      let text = textLines ? textLines.lines(records) : '';
      let follows = jsonHasRecords;
      for (const r of records) {
        if (!rewritten && done.has(r.file)) rewritten = true;
        if (format === 'text') continue;
        if (format === 'csv') text += csvLine(toCsvRow(r, layout));
        else if (format === 'jsonl') text += toJson(r) + '\n';
        else {
          text += (follows ? ',\n' : '') + toJson(r);
          follows = true;
        }
      }
      put(text, follows);
      jsonHasRecords = follows;
    },
    close() {
      if (state === 'closed') return;
      /** a failed output is left with complete records, a JSON array closed if it can be */
      const closeFailed = () => {
        if (format === 'json' && regular) closeJsonAfterFailure();
        closeFd();
        done.release();
        state = 'closed';
      };
      if (state === 'failed') return closeFailed();
      try {
        if (state === 'waiting') start();
        if (format === 'json') put(jsonHasRecords ? '\n]\n' : ']\n', jsonHasRecords);
      } catch (e) {
        closeFailed();
        throw e;
      }
      closeFd();
      state = 'closed';
      // the compaction makes its own reading of the output, which has grown since
      done.release();
      if (rewritten && path !== null) {
        try {
          compactOutput(path, readBack, layout, model, {dropErrors: false});
        } catch (e) {
          // the output keeps both records of a changed file: the last one counts, and the next resume compacts
          throw writeFailure(path, e, true);
        }
      }
    },
    abandon() {
      if (state === 'closed') return;
      closeFd();
      done.release();
      state = 'closed';
    },
  };
  return {writer, done};
}

/** Why a text output is not continued: it is for reading, and lcnet cannot read its records back. */
export const TEXT_NOT_RESUMABLE = '--format text cannot be resumed: it is for reading, and lcnet does not read it back; write jsonl, json or csv to use --resume';

/** Batch ends kept to cut a failed JSON output back to: enough to free a few blocks of any file system. */
const KEPT_ENDS = 256;

/** Writes all of `text` at `position` (a partial write may have moved the file position past the end). */
function writeAt(fd: number, text: string, position: number): void {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/** The error of a failed write to `path` (null: standard output), said for the user. */
function writeFailure(path: string | null, e: unknown, intact: boolean): OutputWriteError {
  const code = (e as NodeJS.ErrnoException).code;
  const name = path ?? 'standard output';
  const what =
    code === 'ENOSPC'
      ? `the disk is full: no space left to write ${name}`
      : code === 'EDQUOT'
        ? `the disk quota is used up: no space left to write ${name}`
        : `cannot write ${name}: ${(e as Error).message}`;
  return new OutputWriteError(what, code, intact, {cause: e});
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
