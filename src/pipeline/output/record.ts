/**
 * One output record per input file: its ranked classes, or why it has none, followed by the
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

export type OutputRecord = PredictionRecord | ErrorRecord;

export function isError(r: OutputRecord): r is ErrorRecord {
  return 'error' in r;
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

export function formatFromPath(path: string): OutputFormat | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}
