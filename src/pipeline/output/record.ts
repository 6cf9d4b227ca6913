/**
 * One output record per input file: its ranked classes (or, for a yes/no or attribute model, its
 * decision or decoded attributes), or why it has none, followed by the
 * file's size and modification time when it was read, which `--resume` compares to tell a done
 * file from one changed since (null for a path that does not exist and for bytes handed to the
 * library API without a file).
 */

export interface ClassScore {
  class_id: number;
  label: string;
  score: number;
}

export interface FileIdentity {
  /** bytes */
  size: number | null;
  /** ISO 8601 with milliseconds */
  mtime: string | null;
}

export interface PredictionRecord extends FileIdentity {
  file: string;
  model: string;
  predictions: ClassScore[];
}

export interface ErrorRecord extends FileIdentity {
  file: string;
  model: string;
  error: string;
}

/** A yes/no model's record (PaddleClas ThreshOutput). */
export interface DecisionRecord extends FileIdentity {
  file: string;
  model: string;
  /** the answer, PaddleClas ThreshOutput: class 1 with p(1), or class 0 with 1 - p(1) */
  decision: ClassScore;
  threshold: number;
}

/** An attribute model's record (PersonAttribute, VehicleAttribute, TableAttribute). */
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

/** Every record; the codec (codec.ts) writes and reads each kind. */
export type OutputRecord = PredictionRecord | DecisionRecord | AttributeRecord | ErrorRecord;

export function isError(r: OutputRecord): r is ErrorRecord {
  return 'error' in r;
}

/** A record of ranked classes (top-k), as opposed to an error, a yes/no decision or attributes. */
export function isPrediction(r: OutputRecord): r is PredictionRecord {
  return 'predictions' in r;
}

export function isDecision(r: OutputRecord): r is DecisionRecord {
  return 'decision' in r;
}

export function isAttributes(r: OutputRecord): r is AttributeRecord {
  return 'attributes' in r;
}

/** One string for a size and modification time: equal strings mean an unchanged file. */
export function identityKey(size: number | null | undefined, mtime: string | null | undefined): string {
  return `${size ?? ''}|${mtime ?? ''}`;
}

/** Whether a recorded identity (identityKey) stands for a file of this size and mtime. */
export function sameIdentity(recorded: string | undefined, size: number | null | undefined, mtime: string | null | undefined): boolean {
  return recorded !== undefined && recorded === identityKey(size, mtime);
}

/** float32 scores carry about 7 significant digits; print no more than that */
export function roundScore(v: number): number {
  return Number(v.toPrecision(7));
}

export type OutputFormat = 'jsonl' | 'json' | 'csv';

/** What a writer writes: an output format lcnet reads back, or `text`, the human form (text.ts), which it does not. */
export type RecordFormat = OutputFormat | 'text';

export function formatFromPath(path: string): OutputFormat | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}
