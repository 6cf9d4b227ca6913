/**
 * Which record of a file a merge keeps when it has several, and when two of them disagree.
 *
 * A prediction beats an error (a retry that worked); then the later modification time wins (the
 * file changed and was classified again); then the record read later, in the order the inputs
 * were given and their records stand (as `--resume` lets the last record count).
 */

import {posix} from 'node:path';
import {isDecision, isError, type AttributeRecord, type DecisionRecord, type OutputRecord} from '../pipeline/output/record.js';
import {fnv1a} from '../pipeline/shard.js';

/** What the choice looks at, kept for the record chosen so far. */
export interface Standing {
  error: boolean;
  /** modification time in ms, -Infinity when unknown */
  mtime: number;
}

export function standingOf(r: OutputRecord): Standing {
  const t = r.mtime === null ? NaN : Date.parse(r.mtime);
  return {error: isError(r), mtime: Number.isNaN(t) ? -Infinity : t};
}

/** Whether `later`, read after `kept`, takes its place. */
export function replaces(later: Standing, kept: Standing): boolean {
  if (later.error !== kept.error) return kept.error;
  if (later.mtime !== kept.mtime) return later.mtime > kept.mtime;
  return true;
}

/** What `posix.normalize` would change: an empty path, `//`, and `.` or `..` segments. */
const NOT_NORMAL = /^$|\/\/|(^|\/)\.\.?(\/|$)/;

/** The key records and listed paths are matched on: `./photos/a.jpg` and `photos/a.jpg` are one file. */
export function fileKey(file: string): string {
  // most paths are normal already: the test costs a fifth of normalising them
  return NOT_NORMAL.test(file) ? posix.normalize(file) : file;
}

/** What a yes/no or attribute record says about its file, for telling agreeing records from conflicting ones. */
function headOutcome(r: DecisionRecord | AttributeRecord): string {
  return isDecision(r) ? `decision\n${JSON.stringify([r.decision, r.threshold])}` : `attributes\n${JSON.stringify([r.attributes, r.output])}`;
}

/**
 * A 32-bit digest of what a record says about its file, its error or its first `depth`
 * predictions: records with equal outcomes have equal digests (a top-1 record agrees with a top-5
 * one when compared at depth 1).
 */
export function outcomeDigest(r: OutputRecord, depth: number): number {
  if (isError(r)) return fnv1a(`error\n${r.error}`);
  if (!('predictions' in r)) return fnv1a(headOutcome(r));
  return fnv1a(`predictions\n${JSON.stringify(r.predictions.slice(0, depth))}`);
}

/** The record with at most `topk` predictions. */
export function truncated(r: OutputRecord, topk: number): OutputRecord {
  return !('predictions' in r) || r.predictions.length <= topk ? r : {...r, predictions: r.predictions.slice(0, topk)};
}
