/**
 * Reading back what an earlier, possibly interrupted, run wrote, for `--resume`: which files
 * already have a record, and how many bytes of the file hold complete records (a record cut off
 * by a crash is dropped and redone). The file is streamed line by line, so outputs of any size
 * can be resumed. Anything that is not lcnet output of the expected format and top-k is refused,
 * never truncated.
 */

import {closeSync, openSync, readSync} from 'node:fs';
import {csvLine, parseCsv} from './csv.js';
import type {OutputFormat} from './record.js';

export interface ExistingOutput {
  done: Set<string>;
  /** bytes of the file that hold complete records (and the header or opening bracket) */
  keepBytes: number;
  /** JSON: whether records already follow the opening bracket */
  hasRecords: boolean;
}

export class NotOurOutputError extends Error {}

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
  cols.push('error');
  return cols;
}

function parseRecord(text: string): {file?: unknown} | null {
  try {
    const r = JSON.parse(text) as unknown;
    return r !== null && typeof r === 'object' && typeof (r as {file?: unknown}).file === 'string' ? (r as {file: string}) : null;
  } catch {
    return null;
  }
}

function readCsv(path: string, topk: number): ExistingOutput {
  const done = new Set<string>();
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
        if (cols[0] === 'file' && cols.at(-1) === 'error') {
          throw new NotOurOutputError(`${path} was written with --topk ${(cols.length - 3) / 3}; resume it with the same --topk`);
        }
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
    const row = parseCsv(pending + '\n').rows[0];
    pending = '';
    pendingQuotes = 0;
    if (!row || row.length !== csvHeader(topk).length || !row[0]) throw new NotOurOutputError(`${path}: line ${lineNo} is not an lcnet CSV record`);
    done.add(row[0]);
    keepBytes = line.end;
  }
  return {done, keepBytes, hasRecords: done.size > 0};
}

function readJsonLines(path: string): ExistingOutput {
  const done = new Set<string>();
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
    done.add(rec.file as string);
    keepBytes = line.end;
  }
  return {done, keepBytes, hasRecords: done.size > 0};
}

function readJsonArray(path: string): ExistingOutput {
  const done = new Set<string>();
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
    const rec = parseRecord(body.replace(/,$/, ''));
    if (!rec) throw new NotOurOutputError(`${path}: line ${lineNo} is not an lcnet record`);
    done.add(rec.file as string);
    // keep the record, not its separator: the next one is written with ",\n" before it
    keepBytes = line.start + Buffer.byteLength(line.text.replace(/,\s*$/, ''));
  }
  return {done, keepBytes, hasRecords: done.size > 0};
}

export function readExistingOutput(path: string, format: OutputFormat, topk: number): ExistingOutput {
  if (format === 'csv') return readCsv(path, topk);
  if (format === 'jsonl') return readJsonLines(path);
  return readJsonArray(path);
}
