/** One output record per input file: its ranked classes, or why it has none. */

export interface ClassScore {
  class_id: number;
  label: string;
  score: number;
}

export interface PredictionRecord {
  file: string;
  model: string;
  predictions: ClassScore[];
}

export interface ErrorRecord {
  file: string;
  model: string;
  error: string;
}

export type OutputRecord = PredictionRecord | ErrorRecord;

export function isError(r: OutputRecord): r is ErrorRecord {
  return 'error' in r;
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
