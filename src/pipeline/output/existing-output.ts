/**
 * Reading back what an earlier, possibly interrupted, run wrote, for `--resume`: which files
 * already have a record and with which size and modification time, and how many bytes of the
 * file hold complete records (a record cut off by a crash is dropped and redone). The file is
 * streamed line by line, so outputs of any size can be resumed. Anything that is not lcnet output
 * of the expected format and layout (top-k, yes/no, attributes: a CSV header, a JSON record's
 * fields) is refused, never truncated, so that one output never mixes two kinds of model; so is a
 * record that names another model than the run's (every record, CSV rows included, carries its
 * model's name), so that one output never mixes two models of the same kind either.
 *
 * A file redone because it changed gets a second record; the earlier one is removed when the run
 * ends (`compactOutput`). If a crash comes first, the file holds both and the last one counts:
 * the next resume compacts before it starts.
 */

import {closeSync, openSync} from 'node:fs';
import {UsageError} from '../../errors.js';
import {writeFully} from './write-fully.js';
import {AtomicFile} from './atomic-file.js';
import {asLayout, csvHeader, fromCsvRow, fromJson, layoutOfRecord, sameLayout, type CsvLayout, type LayoutLike} from './codec.js';
import {csvLine} from './csv.js';
import {identityKey, isError, type OutputFormat, type OutputRecord} from './record.js';
import {RecordedFiles} from './recorded-files.js';
import {RecordsAt} from './record-at.js';
import {NotOurOutputError, scanOutput} from './scan.js';

/**
 * An output written by another model than the run's: a usage error (the user named the wrong
 * model or output), not a damaged file.
 */
export class OtherModelError extends UsageError {}

export interface ExistingOutput {
  /** every recorded file, with the identityKey (size and mtime) of its last record (recorded-files.ts) */
  done: RecordedFiles;
  /** the files whose last record is an error */
  failed: {readonly size: number; [Symbol.iterator](): Iterator<string>};
  /** records followed by a later record of the same file */
  superseded: number;
  /** bytes of the file that hold complete records (and the header or opening bracket) */
  keepBytes: number;
  /** JSON: whether records already follow the opening bracket */
  hasRecords: boolean;
}

/** One complete record as it stands in the file. */
export interface StoredRecord {
  file: string;
  error: boolean;
  /** identityKey of its size and mtime */
  identity: string;
  /** the record's own text: a CSV row or a JSON object, without separator or newline */
  text: string;
  /** byte offset of its first line */
  start: number;
}

type Visit = (r: StoredRecord) => void;

/**
 * Reads back an existing output; `visit` sees every complete record in file order. Reading stops
 * at the first unfinished record (a resume redoes it). CSV must have been written in `layout` (a
 * number: the top-k layout), and every record by `model` (null: any model, for reading the
 * layout alone).
 */
export function readExistingOutput(path: string, format: OutputFormat, layout: LayoutLike, model: string | null, visit?: Visit): ExistingOutput {
  // opened first: the offsets it reads from are those of the file this reading sees
  const done = new RecordedFiles(new RecordsAt(path, format, layout));
  let keepBytes: number;
  try {
    keepBytes = visitRecords(path, format, layout, model, (r) => {
      done.add(r.file, r.start, r.error);
      visit?.(r);
    });
  } catch (e) {
    done.release();
    throw e;
  }
  const failed = {
    get size() {
      return done.failedCount;
    },
    [Symbol.iterator]: () => done.failedFiles(),
  };
  return {done, failed, superseded: done.superseded, keepBytes, hasRecords: done.size > 0};
}

/**
 * Checks an existing output record by record (see readExistingOutput) and shows `visit` each
 * complete one; returns how many bytes of the file hold complete records.
 */
function visitRecords(path: string, format: OutputFormat, layout: LayoutLike, model: string | null, visit: Visit): number {
  const wanted = asLayout(layout);
  let keepBytes = 0;
  for (const item of scanOutput(path, format)) {
    if (item.kind === 'tail' || (item.kind === 'record' && !item.complete)) break;
    if (item.kind === 'start') {
      if (item.layout && !sameLayout(item.layout, wanted)) {
        if (item.layout.kind === 'topk' && wanted.kind === 'topk') throw new NotOurOutputError(`${path} was written with --topk ${item.layout.topk}; resume it with the same --topk`);
        throw new NotOurOutputError(`${path} was written with other CSV columns (${item.layout.kind} output) than this model writes (${wanted.kind}); resume it with the same model`);
      }
      keepBytes = item.end;
    } else if (item.kind === 'blank') {
      keepBytes = item.end;
    } else if (item.kind === 'record') {
      const record = item.fields ? fromCsvRow(item.fields, layout) : fromJson(item.text);
      if (!record) throw new NotOurOutputError(`${path}: line ${item.line} is not an lcnet record${format === 'jsonl' ? ', so this is not lcnet JSON Lines output' : ''}`);
      // first: another model explains another layout too, and says what to do
      if (model !== null && record.model !== model) throw otherModel(path, item.line, record.model, model);
      if (!fitsLayout(record, wanted)) {
        throw new NotOurOutputError(`${path}: line ${item.line} holds ${writtenBy(layoutOfRecord(record, 0)!, true)}, which this model does not write (${writtenBy(wanted)}); resume it with the model that wrote it`);
      }
      visit({file: record.file, error: isError(record), identity: identityKey(record.size, record.mtime), text: item.text, start: item.start});
      keepBytes = item.end;
    }
  }
  return keepBytes;
}

function otherModel(path: string, line: number, recorded: string, model: string): OtherModelError {
  return new OtherModelError(
    `${path} holds records of model ${recorded} (line ${line}), not of ${model}, the model of this run: resume it with --model ${recorded}, or write this model's records to another output`,
  );
}

/** Whether `r` is a record of a model writing `layout` (an error record fits every model; top-k fits any --topk). */
function fitsLayout(r: OutputRecord, layout: CsvLayout): boolean {
  const own = layoutOfRecord(r, 0);
  // attribute layouts also name their labels: only they need the columns compared
  return own === null || (own.kind === layout.kind && (own.kind === 'topk' || own.kind === 'thresh' || sameLayout(own, layout)));
}

/** The kind of model behind a layout, in words (`one`: of a single record). */
function writtenBy(layout: CsvLayout, one = false): string {
  if (layout.kind === 'topk') return 'top-k predictions';
  if (layout.kind === 'thresh') return one ? 'a yes/no decision' : 'yes/no decisions';
  return `attributes (${layout.labels.join(', ')})`;
}

/**
 * Rewrites the output with one record per file, the last one (an earlier record was superseded
 * by a file redone because it changed), and without error records when `dropErrors` is set
 * (`--resume --retry-errors` classifies those files again). The new file is written beside the
 * old one and renamed over it: an interruption leaves one or the other, never a mix. `recorded`,
 * a reading of this very file, saves reading it once more to find each file's last record.
 */
export function compactOutput(
  path: string,
  format: OutputFormat,
  layout: LayoutLike,
  model: string | null,
  opts: {dropErrors: boolean},
  recorded?: RecordedFiles,
): void {
  const last = recorded ?? readExistingOutput(path, format, layout, model).done;
  const file = new AtomicFile(path, 'compact');
  const fd = openSync(file.temp, 'w');
  try {
    let first = true;
    const put = (text: string) => writeFully(fd, text);
    if (format === 'csv') put(csvLine(csvHeader(layout)));
    if (format === 'json') put('[\n');
    visitRecords(path, format, layout, model, (r) => {
      if (!last.isLast(r.file, r.start) || (opts.dropErrors && r.error)) return;
      if (format === 'json') put((first ? '' : ',\n') + r.text);
      else put(r.text + '\n');
      first = false;
    });
    if (format === 'json') put(first ? ']\n' : '\n]\n');
  } catch (e) {
    closeSync(fd);
    file.discard();
    throw e;
  } finally {
    if (!recorded) last.release();
  }
  closeSync(fd);
  file.commit();
}
