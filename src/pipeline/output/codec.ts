/**
 * The one record codec: an output record to and from a JSON line and a CSV row, and the CSV
 * header. The writer, `--resume` (existing-output.ts) and `lcnet merge` (src/merge) all use it,
 * so the layout is written in one place and a record is checked the same way wherever it is read.
 *
 * CSV columns: file, model, then class_i, label_i, score_i for i = 1..topk (empty after the last
 * prediction), then error, size and mtime (empty when unknown).
 */

import {parseCsv} from './csv.js';
import {isError, type ClassScore, type OutputRecord} from './record.js';

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

/** The top-k of a CSV file from its first line, or null when that is not an lcnet header. */
export function csvHeaderLineTopk(line: string): number | null {
  return csvHeaderTopk(parseCsv(line.replace(/\r$/, '') + '\n').rows[0] ?? []);
}

/** A record as its CSV fields. */
export function toCsvRow(r: OutputRecord, topk: number): (string | number)[] {
  const row: (string | number)[] = [r.file, r.model];
  for (let i = 0; i < topk; i++) {
    const p = isError(r) ? undefined : r.predictions[i];
    row.push(p?.class_id ?? '', p?.label ?? '', p?.score ?? '');
  }
  row.push(isError(r) ? r.error : '', r.size ?? '', r.mtime ?? '');
  return row;
}

/** A record as its JSON text (one line, without the newline). */
export function toJson(r: OutputRecord): string {
  return JSON.stringify(r);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const isClassScore = (p: unknown): p is ClassScore =>
  isObject(p) && Number.isInteger(p.class_id) && typeof p.label === 'string' && typeof p.score === 'number';

/** A JSON record as lcnet writes it, or null when the text is not one. */
export function fromJson(text: string): OutputRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(v)) return null;
  const {file, model, predictions, error, size, mtime} = v;
  if (typeof file !== 'string' || file === '' || typeof model !== 'string') return null;
  if (!(size === undefined || size === null || Number.isFinite(size))) return null;
  if (!(mtime === undefined || mtime === null || typeof mtime === 'string')) return null;
  const identity = {size: (size as number | null | undefined) ?? null, mtime: mtime ?? null};
  if (typeof error === 'string') return {file, model, error, ...identity};
  if (!Array.isArray(predictions) || !predictions.every(isClassScore)) return null;
  return {file, model, predictions: predictions.map((p) => ({class_id: p.class_id, label: p.label, score: p.score})), ...identity};
}

/** A CSV row (as many fields as a header of `topk`) as the record it was written from, or null. */
export function fromCsvRow(row: string[], topk: number): OutputRecord | null {
  const n = row.length;
  if (n !== csvHeader(topk).length) return null;
  const [file, model] = row as [string, string];
  if (file === '') return null;
  const [error, size, mtime] = row.slice(n - 3) as [string, string, string];
  if (size !== '' && !/^\d+$/.test(size)) return null;
  const identity = {size: size === '' ? null : Number(size), mtime: mtime === '' ? null : mtime};
  if (error !== '') return {file, model, error, ...identity};
  const predictions: ClassScore[] = [];
  for (let i = 0; i < topk; i++) {
    const [classId, label, score] = row.slice(2 + 3 * i, 5 + 3 * i) as [string, string, string];
    if (classId === '' && label === '' && score === '') break;
    if (!/^\d+$/.test(classId) || score.trim() === '' || !Number.isFinite(Number(score))) return null;
    predictions.push({class_id: Number(classId), label, score: Number(score)});
  }
  return {file, model, predictions, ...identity};
}
