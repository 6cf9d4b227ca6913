/**
 * Output records of every head kind, and their CSV form. Top-k records keep lcnet's original
 * layout (`class_i,label_i,score_i` per rank); a yes/no record has its decision, score and the
 * threshold used; an attribute record has one column per decoded attribute, PaddleClas's 0/1
 * `output` vector, and one column per raw probability. Every layout starts with `file,model` and
 * ends with `error,size,mtime`, so resume and merge read any of them alike. A layout is told
 * from its header, so a file says how it was written.
 */

import {attributeFields, type AttributeSpec} from './attributes.js';
import {csvHeader, csvHeaderTopk} from '../output/scan.js';
import {isError, type ClassScore, type FileIdentity, type OutputRecord} from '../output/record.js';

export interface DecisionRecord extends FileIdentity {
  file: string;
  model: string;
  /** the answer, PaddleClas ThreshOutput: class 1 with p(1), or class 0 with 1 - p(1) */
  decision: ClassScore;
  threshold: number;
}

export interface AttributeRecord extends FileIdentity {
  file: string;
  model: string;
  /** as PaddleClas prints them: a list (person, table) or one string (vehicle) */
  attributes: string[] | string;
  /** PaddleClas `output`: 1 where an attribute is over its threshold */
  output: number[];
  /** each raw (sigmoid) output under its label */
  probabilities: Record<string, number>;
}

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

export function layoutHeader(l: LayoutLike): string[] {
  const layout = asLayout(l);
  if (layout.kind === 'topk') return csvHeader(layout.topk);
  if (layout.kind === 'thresh') return ['file', 'model', ...THRESH_COLUMNS, ...TAIL];
  return ['file', 'model', ...attributeFields(layout.kind), 'output', ...layout.labels.map((n) => PROBABILITY + n), ...TAIL];
}

export function sameLayout(a: LayoutLike, b: LayoutLike): boolean {
  return layoutHeader(a).join('\n') === layoutHeader(b).join('\n');
}

/** The layout a CSV header was written with, or null when it is no lcnet header. */
export function layoutFromHeader(cols: string[]): CsvLayout | null {
  const topk = csvHeaderTopk(cols);
  if (topk !== null) return {kind: 'topk', topk};
  const thresh: CsvLayout = {kind: 'thresh'};
  if (cols.join('\n') === layoutHeader(thresh).join('\n')) return thresh;
  for (const kind of ATTRIBUTE_KINDS) {
    const fields = attributeFields(kind);
    const labels = cols.slice(3 + fields.length, cols.length - TAIL.length);
    if (!labels.every((c) => c.startsWith(PROBABILITY))) continue;
    const layout: CsvLayout = {kind, labels: labels.map((c) => c.slice(PROBABILITY.length))};
    if (layout.labels.length > 0 && cols.join('\n') === layoutHeader(layout).join('\n')) return layout;
  }
  return null;
}

export function isDecision(r: OutputRecord): r is DecisionRecord {
  return 'decision' in r;
}

export function isAttributes(r: OutputRecord): r is AttributeRecord {
  return 'attributes' in r;
}

/** The attribute kind of a record, from the shape of its decoded attributes. */
function attributeKindOf(r: AttributeRecord): AttributeKind {
  if (typeof r.attributes === 'string') return 'vehicle-attribute';
  return r.attributes.length === attributeFields('person-attribute').length ? 'person-attribute' : 'table-attribute';
}

/** The CSV layout a record is written in (top-k records: at `topk`). */
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

export function layoutRow(r: OutputRecord, l: LayoutLike): (string | number)[] {
  const layout = asLayout(l);
  const row: (string | number)[] = [r.file, r.model];
  const width = layoutHeader(layout).length - 2 - TAIL.length;
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

const isNumberText = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** A CSV row of a yes/no or attribute layout as its record, or null. Error rows and top-k rows are read by the caller. */
export function headRecordFromRow(row: string[], layout: Exclude<CsvLayout, {kind: 'topk'}>, identity: FileIdentity): OutputRecord | null {
  const [file, model] = row as [string, string];
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

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The body of a JSON yes/no or attribute record (as written), or null when it is neither. */
export function headBodyFromJson(v: Record<string, unknown>): Omit<DecisionRecord, 'file' | 'model' | 'size' | 'mtime'> | Omit<AttributeRecord, 'file' | 'model' | 'size' | 'mtime'> | null {
  const {decision, threshold, attributes, output, probabilities} = v;
  if (decision !== undefined) {
    if (!isObject(decision) || !Number.isInteger(decision.class_id) || typeof decision.label !== 'string' || typeof decision.score !== 'number' || typeof threshold !== 'number') return null;
    return {decision: {class_id: decision.class_id as number, label: decision.label, score: decision.score}, threshold};
  }
  if (attributes !== undefined) {
    const listOk = typeof attributes === 'string' || (Array.isArray(attributes) && attributes.every((a) => typeof a === 'string'));
    if (!listOk || !Array.isArray(output) || !output.every((b) => b === 0 || b === 1) || !isObject(probabilities)) return null;
    if (!Object.values(probabilities).every((p) => typeof p === 'number')) return null;
    return {attributes: attributes as string[] | string, output: output as number[], probabilities: probabilities as Record<string, number>};
  }
  return null;
}

/** What a record says about its file, for telling agreeing records from conflicting ones. */
export function headOutcome(r: DecisionRecord | AttributeRecord): string {
  return isDecision(r) ? `decision\n${JSON.stringify([r.decision, r.threshold])}` : `attributes\n${JSON.stringify([r.attributes, r.output])}`;
}
