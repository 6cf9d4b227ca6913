/**
 * What the report reads: each INPUT is told apart by its content. An `lcnet eval` JSON report
 * (schema lcnet-eval/1) or an `lcnet bench --json` report (schema lcnet-bench/1) is read whole;
 * anything else is an lcnet output (JSON Lines, JSON array or CSV, as `lcnet merge` reads them)
 * and is streamed record by record through the one record codec, so a million records never sit
 * in memory. A yes/no decision counts as a one-class prediction, an attribute record as its
 * decoded values. Records the codec does not know (anything else that is a JSON object) are
 * passed on as such rather than refused: the report counts and lists them.
 */

import {closeSync, openSync, readFileSync, readSync} from 'node:fs';
import {FatalError} from '../errors.js';
import type {BenchReport} from '../bench/sweep.js';
import type {EvalReport} from '../eval/report.js';
import {detectFormat} from '../merge/read-output.js';
import {fromCsvRow, fromJson, type CsvLayout} from '../pipeline/output/codec.js';
import {isAttributes, isDecision, isError, type ClassScore, type OutputRecord} from '../pipeline/output/record.js';
import {NotOurOutputError, scanOutput} from '../pipeline/output/scan.js';

export type InputKind = 'eval' | 'bench' | 'output';

/** One record as the report sees it. */
export type ReportRecord =
  | {kind: 'prediction'; file: string; model: string | null; predictions: ClassScore[]}
  | {kind: 'error'; file: string; model: string | null; error: string}
  /** an attribute record: its decoded values */
  | {kind: 'attributes'; file: string; model: string | null; values: string[]}
  /** anything else: what the report can say about it */
  | {kind: 'unknown'; file: string | null; line: number; what: string};

const SCHEMA_HEAD = /^\s*\{\s*"schema"\s*:\s*"(lcnet-eval|lcnet-bench)\/1"/;

function readHead(path: string, bytes: number): string {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, bytes, 0));
  } catch (e) {
    throw new FatalError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Whether `path` is an eval report, a bench report or an lcnet output. */
export function inputKind(path: string): InputKind {
  const m = SCHEMA_HEAD.exec(readHead(path, 4096));
  if (!m) return 'output';
  return m[1] === 'lcnet-eval' ? 'eval' : 'bench';
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new FatalError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readEvalReport(path: string): EvalReport {
  const r = readJson(path) as unknown as EvalReport;
  if (r.schema !== 'lcnet-eval/1' || typeof r.metrics !== 'object' || r.metrics === null || typeof r.dataset !== 'object') {
    throw new FatalError(`${path} is not an lcnet eval report (schema lcnet-eval/1 with dataset and metrics)`);
  }
  return r;
}

export function readBenchReport(path: string): BenchReport {
  const r = readJson(path) as unknown as BenchReport;
  if (r.schema !== 'lcnet-bench/1' || !Array.isArray(r.configs) || typeof r.model !== 'object') {
    throw new FatalError(`${path} is not an lcnet bench report (schema lcnet-bench/1 with configs)`);
  }
  return r;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isClassScore = (p: unknown): p is ClassScore => isObject(p) && typeof p.label === 'string' && typeof p.score === 'number';

/**
 * The values in an attribute string as PaddleClas prints vehicles, `Color: (red, prob: 0.9),
 * Type: (suv, prob: 0.8)` -> `Color: red`, `Type: suv` (probabilities vary; values group); any
 * other string is one value.
 */
export function attributeValues(text: string): string[] {
  const values = [...text.matchAll(/(\w+): \(([^,)]+)[^)]*\)|(\w+ unknown)/g)].map((m) => m[3] ?? `${m[1]}: ${m[2]}`);
  return values.length ? values : [text];
}

/** A record read by the codec as the report sees it: a yes/no decision is a one-class prediction. */
function reportRecord(r: OutputRecord): ReportRecord {
  const model = r.model;
  if (isError(r)) return {kind: 'error', file: r.file, model, error: r.error};
  if (isDecision(r)) return {kind: 'prediction', file: r.file, model, predictions: [r.decision]};
  if (isAttributes(r)) return {kind: 'attributes', file: r.file, model, values: typeof r.attributes === 'string' ? attributeValues(r.attributes) : r.attributes};
  return {kind: 'prediction', file: r.file, model, predictions: r.predictions};
}

/** A JSON record the codec does not know (a decision or attributes it refuses are still read as such). */
function fromOtherJson(text: string, line: number): ReportRecord {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return {kind: 'unknown', file: null, line, what: 'not JSON'};
  }
  if (!isObject(v)) return {kind: 'unknown', file: null, line, what: 'not a JSON object'};
  const file = typeof v.file === 'string' && v.file !== '' ? v.file : null;
  const model = typeof v.model === 'string' && v.model !== '' ? v.model : null;
  if (file !== null && typeof v.error === 'string') return {kind: 'error', file, model, error: v.error};
  if (file !== null && isClassScore(v.decision)) {
    const d = v.decision;
    return {kind: 'prediction', file, model, predictions: [{class_id: Number.isInteger(d.class_id) ? (d.class_id as number) : 0, label: d.label, score: d.score}]};
  }
  if (file !== null && (typeof v.attributes === 'string' || (Array.isArray(v.attributes) && v.attributes.every((a) => typeof a === 'string')))) {
    const values = typeof v.attributes === 'string' ? attributeValues(v.attributes) : (v.attributes as string[]);
    return {kind: 'attributes', file, model, values};
  }
  const keys = Object.keys(v).slice(0, 6).join(', ');
  return {kind: 'unknown', file, line, what: `a record with the fields ${keys || '(none)'}`};
}

export interface OutputRead {
  /** why the end of a file was left out (an interrupted run), for a warning */
  truncation: string | null;
}

/**
 * The records of one lcnet output, in file order. A CSV whose header is not lcnet's, or a JSON
 * array that does not start with `[`, is refused (FatalError); a record line the report does not
 * understand is yielded as `unknown`, never an error.
 */
export function* outputRecords(path: string, state: OutputRead): Generator<ReportRecord> {
  let format;
  try {
    format = detectFormat(path);
  } catch (e) {
    if (e instanceof FatalError) throw e;
    throw new FatalError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let csvLayout: CsvLayout | null = null;
  let cutAt: number | null = null;
  state.truncation = null;
  try {
    for (const item of scanOutput(path, format)) {
      if (item.kind === 'start') csvLayout = item.layout;
      else if (item.kind === 'tail') cutAt = item.line;
      else if (item.kind === 'record') {
        const record = item.fields ? (csvLayout ? fromCsvRow(item.fields, csvLayout) : null) : fromJson(item.text);
        if (record) {
          yield reportRecord(record);
        } else if (!item.complete) {
          cutAt = item.line;
        } else if (item.fields) {
          yield {kind: 'unknown', file: item.fields[0] ?? null, line: item.line, what: 'a CSV row lcnet cannot read'};
        } else {
          yield fromOtherJson(item.text, item.line);
        }
      }
    }
  } catch (e) {
    if (e instanceof NotOurOutputError) throw new FatalError(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new FatalError(`cannot read ${path}: ${code}`);
    throw e;
  }
  if (cutAt !== null) state.truncation = `${path}: its last record, at line ${cutAt}, is cut off (an interrupted run?); read up to the record before it`;
}
