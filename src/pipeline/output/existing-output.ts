/**
 * Reading back what an earlier, possibly interrupted, run wrote, for `--resume`: which files
 * already have a record and with which size and modification time, and how many bytes of the
 * file hold complete records (a record cut off by a crash is dropped and redone). The file is
 * streamed line by line, so outputs of any size can be resumed. Anything that is not lcnet output
 * of the expected format and top-k is refused, never truncated.
 *
 * A file redone because it changed gets a second record; the earlier one is removed when the run
 * ends (`compactOutput`). If a crash comes first, the file holds both and the last one counts:
 * the next resume compacts before it starts.
 */

import {closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync} from 'node:fs';
import {csvLine, parseCsv} from './csv.js';
import {identityKey, type OutputFormat} from './record.js';

export interface ExistingOutput {
  /** every recorded file, with the identityKey (size and mtime) of its last record */
  done: Map<string, string>;
  /** the files whose last record is an error */
  failed: Set<string>;
  /** records followed by a later record of the same file */
  superseded: number;
  /** bytes of the file that hold complete records (and the header or opening bracket) */
  keepBytes: number;
  /** JSON: whether records already follow the opening bracket */
  hasRecords: boolean;
}

export class NotOurOutputError extends Error {}

/** One complete record as it stands in the file. */
export interface StoredRecord {
  file: string;
  error: boolean;
  /** identityKey of its size and mtime */
  identity: string;
  /** the record's own text: a CSV row or a JSON object, without separator or newline */
  text: string;
}

type Visit = (r: StoredRecord) => void;

/** What the three readers collect: every recorded file, the failed ones, and the visit. */
function tally(visit?: Visit) {
  const done = new Map<string, string>();
  const failed = new Set<string>();
  let superseded = 0;
  return {
    done,
    failed,
    superseded: () => superseded,
    add(r: StoredRecord): void {
      if (done.has(r.file)) superseded++;
      done.set(r.file, r.identity);
      if (r.error) failed.add(r.file);
      else failed.delete(r.file);
      visit?.(r);
    },
  };
}

interface Line {
  text: string;
  /** byte offset of the line's first byte */
  start: number;
  /** byte offset just past the line's newline (or its last byte when it has none) */
  end: number;
  /** ended by a newline: written completely */
  complete: boolean;
}

const CHUNK = 8 * 1024 * 1024;

/** The lines of a file, read in chunks. */
function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let carryStart = 0;
    let position = 0;
    const chunk = Buffer.alloc(CHUNK);
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK, position);
      if (n === 0) break;
      position += n;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const base = carryStart;
      let from = 0;
      for (let nl = data.indexOf(10, from); nl >= 0; nl = data.indexOf(10, from)) {
        yield {text: data.toString('utf8', from, nl), start: base + from, end: base + nl + 1, complete: true};
        from = nl + 1;
      }
      carry = Buffer.from(data.subarray(from));
      carryStart = base + from;
    }
    if (carry.length) yield {text: carry.toString('utf8'), start: carryStart, end: carryStart + carry.length, complete: false};
  } finally {
    closeSync(fd);
  }
}

export function csvHeader(topk: number): string[] {
  const cols = ['file', 'model'];
  for (let i = 1; i <= topk; i++) cols.push(`class_${i}`, `label_${i}`, `score_${i}`);
  cols.push('error', 'size', 'mtime');
  return cols;
}

/** The top-k a CSV header was written with, or null when it is not an lcnet header. */
export function csvHeaderTopk(cols: string[]): number | null {
  const topk = (cols.length - 5) / 3;
  if (!Number.isInteger(topk) || topk < 1) return null;
  return cols.join(',') === csvHeader(topk).join(',') ? topk : null;
}

interface JsonRecord {
  file: string;
  error?: unknown;
  size?: number | null;
  mtime?: string | null;
}

function parseRecord(text: string): JsonRecord | null {
  try {
    const r = JSON.parse(text) as unknown;
    return r !== null && typeof r === 'object' && typeof (r as {file?: unknown}).file === 'string' ? (r as JsonRecord) : null;
  } catch {
    return null;
  }
}

function storedJson(rec: JsonRecord, text: string): StoredRecord {
  return {file: rec.file, error: rec.error !== undefined, identity: identityKey(rec.size, rec.mtime), text};
}

function readCsv(path: string, topk: number, visit?: Visit): ExistingOutput {
  const {done, failed, superseded, add} = tally(visit);
  const header = csvLine(csvHeader(topk)).trimEnd();
  let keepBytes = 0;
  let seenHeader = false;
  let pending = '';
  let pendingQuotes = 0;
  let lineNo = 0;
  for (const line of readLines(path)) {
    lineNo++;
    if (!line.complete) break;
    if (!seenHeader) {
      const got = line.text.replace(/\r$/, '');
      if (got !== header) {
        const cols = parseCsv(got + '\n').rows[0] ?? [];
        const written = csvHeaderTopk(cols);
        if (written !== null) throw new NotOurOutputError(`${path} was written with --topk ${written}; resume it with the same --topk`);
        throw new NotOurOutputError(`${path} does not look like lcnet CSV output (its first line is not the lcnet header)`);
      }
      seenHeader = true;
      keepBytes = line.end;
      continue;
    }
    // a quoted field may hold newlines: a record ends where the quotes balance
    pending += (pending ? '\n' : '') + line.text;
    for (const ch of line.text) if (ch === '"') pendingQuotes++;
    if (pendingQuotes % 2 === 1) continue;
    const record = pending;
    const row = parseCsv(record + '\n').rows[0];
    pending = '';
    pendingQuotes = 0;
    if (!row || row.length !== csvHeader(topk).length || !row[0]) throw new NotOurOutputError(`${path}: line ${lineNo} is not an lcnet CSV record`);
    const n = row.length;
    add({file: row[0], error: row[n - 3] !== '', identity: `${row[n - 2]}|${row[n - 1]}`, text: record});
    keepBytes = line.end;
  }
  return {done, failed, superseded: superseded(), keepBytes, hasRecords: done.size > 0};
}

function readJsonLines(path: string, visit?: Visit): ExistingOutput {
  const {done, failed, superseded, add} = tally(visit);
  let keepBytes = 0;
  let lineNo = 0;
  for (const line of readLines(path)) {
    lineNo++;
    if (!line.complete) break;
    const body = line.text.trim();
    if (body === '') {
      keepBytes = line.end;
      continue;
    }
    const rec = parseRecord(body);
    if (!rec) throw new NotOurOutputError(`${path}: line ${lineNo} is not an lcnet record, so this is not lcnet JSON Lines output`);
    add(storedJson(rec, body));
    keepBytes = line.end;
  }
  return {done, failed, superseded: superseded(), keepBytes, hasRecords: done.size > 0};
}

function readJsonArray(path: string, visit?: Visit): ExistingOutput {
  const {done, failed, superseded, add} = tally(visit);
  let keepBytes = 0;
  let opened = false;
  let closed = false;
  let lineNo = 0;
  for (const line of readLines(path)) {
    lineNo++;
    if (!line.complete) break;
    const body = line.text.trim();
    if (body === '') continue;
    if (!opened) {
      if (body !== '[') throw new NotOurOutputError(`${path} does not look like lcnet JSON output (it does not start with '[')`);
      opened = true;
      keepBytes = line.end;
      continue;
    }
    if (closed) throw new NotOurOutputError(`${path}: line ${lineNo} follows the end of the JSON array`);
    if (body === ']') {
      closed = true;
      continue;
    }
    const text = body.replace(/,$/, '');
    const rec = parseRecord(text);
    if (!rec) throw new NotOurOutputError(`${path}: line ${lineNo} is not an lcnet record`);
    add(storedJson(rec, text));
    // keep the record, not its separator: the next one is written with ",\n" before it
    keepBytes = line.start + Buffer.byteLength(line.text.replace(/,\s*$/, ''));
  }
  return {done, failed, superseded: superseded(), keepBytes, hasRecords: done.size > 0};
}

/** Reads back an existing output; `visit` sees every complete record in file order. */
export function readExistingOutput(path: string, format: OutputFormat, topk: number, visit?: Visit): ExistingOutput {
  if (format === 'csv') return readCsv(path, topk, visit);
  if (format === 'jsonl') return readJsonLines(path, visit);
  return readJsonArray(path, visit);
}

/**
 * Rewrites the output with one record per file, the last one (an earlier record was superseded
 * by a file redone because it changed), and without error records when `dropErrors` is set
 * (`--resume --retry-errors` classifies those files again). The new file is written beside the
 * old one and renamed over it: an interruption leaves one or the other, never a mix.
 */
export function compactOutput(path: string, format: OutputFormat, topk: number, opts: {dropErrors: boolean}): void {
  const last = new Map<string, number>();
  let ordinal = 0;
  readExistingOutput(path, format, topk, (r) => last.set(r.file, ordinal++));
  const temp = `${path}.compact-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    let first = true;
    const put = (text: string) => writeFullySync(fd, text);
    if (format === 'csv') put(csvLine(csvHeader(topk)));
    if (format === 'json') put('[\n');
    ordinal = 0;
    readExistingOutput(path, format, topk, (r) => {
      const isLast = last.get(r.file) === ordinal++;
      if (!isLast || (opts.dropErrors && r.error)) return;
      if (format === 'json') put((first ? '' : ',\n') + r.text);
      else put(r.text + '\n');
      first = false;
    });
    if (format === 'json') put(first ? ']\n' : '\n]\n');
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(temp, {force: true});
    throw e;
  }
  closeSync(fd);
  renameSync(temp, path);
}

function writeFullySync(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let written = 0;
  while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
}
