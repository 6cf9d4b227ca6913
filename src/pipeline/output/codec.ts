/**
 * The one record codec: an output record of any head kind to and from a JSON line and a CSV row,
 * and the CSV header. The writer, `--resume` (existing-output.ts) and `lcnet merge` (src/merge)
 * all use it, so each layout is written in one place and a record is checked the same way
 * wherever it is read.
 *
 * CSV layouts (a file says how it was written: its header tells the layout):
 * - top-k: file, model, then class_i, label_i, score_i for i = 1..topk (empty after the last
 *   prediction);
 * - yes/no (ThreshOutput): file, model, class_id, label, score, threshold;
 * - attributes: file, model, one column per decoded attribute (PaddleClas's texts), `output`
 *   (PaddleClas's 0/1 vector, space-separated), then one `p:<label>` column per raw probability;
 * each then ends with error, size and mtime (empty when unknown). An error row leaves the
 * columns between model and error empty.
 */

import {attributeFields} from '../postprocess/attributes.js';
import type {AttributeSpec} from '../../models/head-spec.js';
import {parseCsv} from './csv.js';
import {
  isAttributes,
  isDecision,
  isError,
  type AttributeRecord,
  type ClassScore,
  type DecisionRecord,
  type FileIdentity,
  type OutputRecord,
} from './record.js';

export type AttributeKind = AttributeSpec['kind'];

export type CsvLayout = {kind: 'topk'; topk: number} | {kind: 'thresh'} | {kind: AttributeKind; labels: string[]};

/** What writers and readers take: a top-k (the original layout) or any layout. */
export type LayoutLike = number | CsvLayout;

export function asLayout(l: LayoutLike): CsvLayout {
  return typeof l === 'number' ? {kind: 'topk', topk: l} : l;
}

/** The top-k of a layout, 0 for other kinds. */
export function layoutTopk(l: LayoutLike): number {
  const layout = asLayout(l);
  return layout.kind === 'topk' ? layout.topk : 0;
}

const ATTRIBUTE_KINDS: AttributeKind[] = ['person-attribute', 'vehicle-attribute', 'table-attribute'];
const THRESH_COLUMNS = ['class_id', 'label', 'score', 'threshold'];
const TAIL = ['error', 'size', 'mtime'];
const PROBABILITY = 'p:';

/** The CSV header of a layout (a number: the top-k layout). */
export function csvHeader(l: LayoutLike): string[] {
  const layout = asLayout(l);
  if (layout.kind === 'thresh') return ['file', 'model', ...THRESH_COLUMNS, ...TAIL];
  if (layout.kind !== 'topk') return ['file', 'model', ...attributeFields(layout.kind), 'output', ...layout.labels.map((n) => PROBABILITY + n), ...TAIL];
  const cols = ['file', 'model'];
  for (let i = 1; i <= layout.topk; i++) cols.push(`class_${i}`, `label_${i}`, `score_${i}`);
  cols.push(...TAIL);
  return cols;
}

export function sameLayout(a: LayoutLike, b: LayoutLike): boolean {
  return csvHeader(a).join('\n') === csvHeader(b).join('\n');
}

/** The top-k a CSV header was written with, or null when it is not an lcnet top-k header. */
export function csvHeaderTopk(cols: string[]): number | null {
  const topk = (cols.length - 5) / 3;
  if (!Number.isInteger(topk) || topk < 1) return null;
  return cols.join(',') === csvHeader(topk).join(',') ? topk : null;
}

/** The layout a CSV header was written with, or null when it is no lcnet header. */
export function layoutFromHeader(cols: string[]): CsvLayout | null {
  const topk = csvHeaderTopk(cols);
  if (topk !== null) return {kind: 'topk', topk};
  const thresh: CsvLayout = {kind: 'thresh'};
  if (cols.join('\n') === csvHeader(thresh).join('\n')) return thresh;
  for (const kind of ATTRIBUTE_KINDS) {
    const fields = attributeFields(kind);
    const labels = cols.slice(3 + fields.length, cols.length - TAIL.length);
    if (!labels.every((c) => c.startsWith(PROBABILITY))) continue;
    const layout: CsvLayout = {kind, labels: labels.map((c) => c.slice(PROBABILITY.length))};
    if (layout.labels.length > 0 && cols.join('\n') === csvHeader(layout).join('\n')) return layout;
  }
  return null;
}

/** The layout of a CSV file from its first line, or null when that is not an lcnet header. */
export function csvHeaderLineLayout(line: string): CsvLayout | null {
  return layoutFromHeader(parseCsv(line.replace(/\r$/, '') + '\n').rows[0] ?? []);
}

/** The attribute kind of a record, from the shape of its decoded attributes. */
function attributeKindOf(r: AttributeRecord): AttributeKind {
  if (typeof r.attributes === 'string') return 'vehicle-attribute';
  return r.attributes.length === attributeFields('person-attribute').length ? 'person-attribute' : 'table-attribute';
}

/** The CSV layout a record is written in (top-k records: at `topk`); null for an error. */
export function layoutOfRecord(r: OutputRecord, topk: number): CsvLayout | null {
  if (isError(r)) return null;
  if (isDecision(r)) return {kind: 'thresh'};
  if (isAttributes(r)) return {kind: attributeKindOf(r), labels: Object.keys(r.probabilities)};
  return {kind: 'topk', topk};
}

/** The decoded attributes one per column: the list as it is, the vehicle string cut before its type. */
function attributeColumns(r: AttributeRecord): string[] {
  if (typeof r.attributes !== 'string') return r.attributes;
  const cut = r.attributes.lastIndexOf(', Type');
  return cut < 0 ? [r.attributes, ''] : [r.attributes.slice(0, cut), r.attributes.slice(cut + 2)];
}

/** A record as its CSV fields in a layout (a number: the top-k layout). */
export function toCsvRow(r: OutputRecord, l: LayoutLike): (string | number)[] {
  const layout = asLayout(l);
  const row: (string | number)[] = [r.file, r.model];
  const width = csvHeader(layout).length - 2 - TAIL.length;
  if (isError(r)) {
    for (let i = 0; i < width; i++) row.push('');
  } else if (layout.kind === 'topk') {
    if (!('predictions' in r)) throw new Error(`${r.file}: a record without ranked classes cannot be written in the top-k CSV layout`);
    for (let i = 0; i < layout.topk; i++) {
      const p = r.predictions[i];
      row.push(p?.class_id ?? '', p?.label ?? '', p?.score ?? '');
    }
  } else if (layout.kind === 'thresh') {
    if (!isDecision(r)) throw new Error(`${r.file}: only yes/no records can be written in this CSV layout`);
    row.push(r.decision.class_id, r.decision.label, r.decision.score, r.threshold);
  } else {
    if (!isAttributes(r) || attributeKindOf(r) !== layout.kind) throw new Error(`${r.file}: only ${layout.kind} records can be written in this CSV layout`);
    row.push(...attributeColumns(r), r.output.join(' '));
    for (const label of layout.labels) row.push(r.probabilities[label] ?? '');
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

const isNumberText = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

type Body<R> = Omit<R, 'file' | 'model' | 'size' | 'mtime'>;

/** The body of a JSON yes/no or attribute record (as written), or null when it is neither. */
function headBodyFromJson(v: Record<string, unknown>): Body<DecisionRecord> | Body<AttributeRecord> | null {
  const {decision, threshold, attributes, output, probabilities} = v;
  if (decision !== undefined) {
    if (!isClassScore(decision) || typeof threshold !== 'number') return null;
    return {decision: {class_id: decision.class_id, label: decision.label, score: decision.score}, threshold};
  }
  if (attributes !== undefined) {
    const listOk = typeof attributes === 'string' || (Array.isArray(attributes) && attributes.every((a) => typeof a === 'string'));
    if (!listOk || !Array.isArray(output) || !output.every((b) => b === 0 || b === 1) || !isObject(probabilities)) return null;
    if (!Object.values(probabilities).every((p) => typeof p === 'number')) return null;
    return {attributes: attributes as string[] | string, output: output as number[], probabilities: probabilities as Record<string, number>};
  }
  return null;
}

/** A JSON record as lcnet writes it (any head kind), or null when the text is not one. */
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
  if (predictions === undefined) {
    // yes/no and attribute records
    const body = headBodyFromJson(v);
    return body ? ({file, model, ...body, ...identity} as OutputRecord) : null;
  }
  if (!Array.isArray(predictions) || !predictions.every(isClassScore)) return null;
  return {file, model, predictions: predictions.map((p) => ({class_id: p.class_id, label: p.label, score: p.score})), ...identity};
}

/** The body of a yes/no or attribute CSV row, or null. */
function headRecordFromRow(row: string[], layout: Exclude<CsvLayout, {kind: 'topk'}>, file: string, model: string, identity: FileIdentity): OutputRecord | null {
  if (layout.kind === 'thresh') {
    const [classId, label, score, threshold] = row.slice(2, 6) as [string, string, string, string];
    if (!/^[01]$/.test(classId) || !isNumberText(score) || !isNumberText(threshold)) return null;
    return {file, model, decision: {class_id: Number(classId), label, score: Number(score)}, threshold: Number(threshold), ...identity} satisfies DecisionRecord;
  }
  const fields = attributeFields(layout.kind).length;
  const values = row.slice(2, 2 + fields);
  const output = row[2 + fields]!.split(' ').map(Number);
  if (output.length !== layout.labels.length || !output.every((b) => b === 0 || b === 1)) return null;
  const probabilities: Record<string, number> = {};
  for (const [i, label] of layout.labels.entries()) {
    const v = row[3 + fields + i]!;
    if (!isNumberText(v)) return null;
    probabilities[label] = Number(v);
  }
  const attributes = layout.kind === 'vehicle-attribute' ? values.join(', ') : values;
  return {file, model, attributes, output, probabilities, ...identity} satisfies AttributeRecord;
}

/** A CSV row (as many fields as the header of its layout) as the record it was written from, or null. */
export function fromCsvRow(row: string[], l: LayoutLike): OutputRecord | null {
  const layout = asLayout(l);
  const n = row.length;
  if (n !== csvHeader(layout).length) return null;
  const [file, model] = row as [string, string];
  if (file === '') return null;
  const [error, size, mtime] = row.slice(n - 3) as [string, string, string];
  if (size !== '' && !/^\d+$/.test(size)) return null;
  const identity = {size: size === '' ? null : Number(size), mtime: mtime === '' ? null : mtime};
  if (error !== '') return {file, model, error, ...identity};
  if (layout.kind !== 'topk') return headRecordFromRow(row, layout, file, model, identity);
  const predictions: ClassScore[] = [];
  for (let i = 0; i < layout.topk; i++) {
    const [classId, label, score] = row.slice(2 + 3 * i, 5 + 3 * i) as [string, string, string];
    if (classId === '' && label === '' && score === '') break;
    if (!/^\d+$/.test(classId) || score.trim() === '' || !Number.isFinite(Number(score))) return null;
    predictions.push({class_id: Number(classId), label, score: Number(score)});
  }
  return {file, model, predictions, ...identity};
}
