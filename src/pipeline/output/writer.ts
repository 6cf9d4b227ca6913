/**
 * Record writers for JSON Lines, JSON and CSV. Records are written as they are produced, each
 * batch in one write, so an interrupted run leaves valid output: JSONL and CSV are valid after
 * every write, and a JSON array is closed by `close()`, which the signal handlers call. With
 * `resume`, an existing output is read back, its last incomplete record cut off, and writing
 * continues after it; the files already recorded are returned, with their size and mtime, so
 * that unchanged ones can be skipped. With `retryErrors`, error records are removed first, so
 * those files are classified again. A file recorded before and written again (it changed) has
 * its old record removed when the writer is closed. A resume of an output that holds records of
 * another model than `model` is refused before anything is written (OtherModelError).
 */

import {closeSync, openSync, statSync, truncateSync} from 'node:fs';
import {UsageError} from '../../errors.js';
import {writeFully} from './write-fully.js';
import {csvLine} from './csv.js';
import {csvHeader, toCsvRow, toJson, type LayoutLike} from './codec.js';
import {compactOutput, readExistingOutput} from './existing-output.js';
import type {OutputFormat, OutputRecord} from './record.js';

export interface RecordWriter {
  readonly format: OutputFormat;
  write(records: readonly OutputRecord[]): void;
  /** finishes the document (closes a JSON array); safe to call more than once */
  close(): void;
  /** stops writing at once, leaving the file as it is (another process owns it now) */
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
  /** files that already have a record (resume), with the identityKey of their size and mtime */
  done: Map<string, string>;
}

/**
 * Opens `path` (or stdout when null) for `format`. An existing non-empty file is an error unless
 * `mode` is `overwrite` or `resume`. `layout` is the CSV layout: a top-k, or the layout of a
 * yes/no or attribute model (codec.ts).
 */
export function openOutput(
  path: string | null,
  format: OutputFormat,
  layout: LayoutLike,
  mode: 'new' | 'overwrite' | 'resume',
  opts: OpenOptions = {},
): OpenedOutput {
  const model = opts.model ?? null;
  let fd = 1;
  let done = new Map<string, string>();
  let needsHeader = true;
  let jsonHasRecords = false;
  if (path !== null) {
    const exists = fileSize(path) > 0;
    if (exists && mode === 'new') throw new UsageError(`${path} already exists: use --resume to continue it or --overwrite to replace it`);
    if (exists && mode === 'resume') {
      const retryErrors = opts.retryErrors ?? false;
      let existing = readExistingOutput(path, format, layout, model);
      if (existing.superseded > 0 || (retryErrors && existing.failed.size > 0)) {
        compactOutput(path, format, layout, model, {dropErrors: retryErrors});
        existing = readExistingOutput(path, format, layout, model);
      }
      done = existing.done;
      truncateSync(path, existing.keepBytes);
      fd = openSync(path, 'a');
      needsHeader = existing.keepBytes === 0;
      jsonHasRecords = existing.hasRecords;
    } else {
      fd = openSync(path, 'w');
    }
  }
  const append = (text: string) => writeFully(fd, text);
  let closed = false;
  let rewritten = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    if (format === 'json') append(jsonHasRecords ? '\n]\n' : ']\n');
    if (fd !== 1) closeSync(fd);
    if (rewritten && path !== null) compactOutput(path, format, layout, model, {dropErrors: false});
  };

  if (format === 'csv' && needsHeader) append(csvLine(csvHeader(layout)));
  if (format === 'json' && needsHeader) append('[\n');

  const writer: RecordWriter = {
    format,
    write(records) {
      if (closed || records.length === 0) return;
      let text = '';
      for (const r of records) {
        if (done.has(r.file)) rewritten = true;
        if (format === 'csv') text += csvLine(toCsvRow(r, layout));
        else if (format === 'jsonl') text += toJson(r) + '\n';
        else {
          text += (jsonHasRecords ? ',\n' : '') + toJson(r);
          jsonHasRecords = true;
        }
      }
      append(text);
    },
    close: finish,
    abandon() {
      if (closed) return;
      closed = true;
      if (fd !== 1) closeSync(fd);
    },
  };
  return {writer, done};
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
