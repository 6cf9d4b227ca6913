/**
 * `lcnet merge`: the outputs of several runs (the shards of one job, a rerun of its gaps) as one
 * output with exactly one record per file, checked against the list of files the job was meant
 * to cover.
 *
 * Two passes over the inputs keep memory flat: the first chooses, for every file, which of its
 * records to keep (rules.ts) and remembers only where that record stands (file-table.ts); the
 * path list is then matched against the files seen; the second pass writes the chosen records
 * in input order and compares the others with them. Records are never held in memory, so inputs
 * of any size merge in the memory of the file table.
 */

import {createReadStream, statSync} from 'node:fs';
import {resolve} from 'node:path';
import fg from 'fast-glob';
import {FatalError, UsageError} from '../cli/exit-codes.js';
import {readPathList} from '../pipeline/path-list.js';
import {isError, type OutputFormat, type OutputRecord} from '../pipeline/output/record.js';
import {openOutput, type RecordWriter} from '../pipeline/output/writer.js';
import {AtomicFile} from './atomic-file.js';
import {FileTable, FLAG, NO_RECORD} from './file-table.js';
import {GapList} from './gap-list.js';
import {detectFormat, OutputReader} from './read-output.js';
import type {MergeReport} from './report.js';
import {fileKey, outcomeDigest, replaces, standingOf, truncated} from './rules.js';

export interface MergeOptions {
  /** lcnet outputs, or glob patterns that the shell left unexpanded */
  inputs: string[];
  /** where to write the merged records (atomically), or null for stdout */
  output: string | null;
  format: OutputFormat;
  /** at most this many predictions per record [default: the largest top-k among the inputs] */
  topk?: number;
  /** the path list of the files the inputs should cover, or - for `stdin` */
  files?: string;
  /** where to write the listed files that have no record */
  gaps?: string;
  /** replace an existing output or gaps file */
  overwrite: boolean;
  /** what `files: '-'` reads [default: process.stdin] */
  stdin?: AsyncIterable<Buffer | string>;
  /** stops the merge (MergeInterrupted) at its next breather; nothing is written */
  signal?: AbortSignal;
  /** notices about the inputs (a truncated shard), as they are found */
  warn(message: string): void;
}

export class MergeInterrupted extends Error {}

const EXAMPLES = 3;

export async function mergeOutputs(opts: MergeOptions): Promise<MergeReport> {
  const inputs = resolveInputs(opts.inputs);
  checkDestinations(opts, inputs);
  if (opts.files !== undefined && opts.files !== '-') readableFile(opts.files, '--files list');
  const readers = inputs.map((p) => new OutputReader(p, detectFormat(p)));
  const table = new FileTable();
  const pace = new Pace(opts.signal);

  // pass 1: the record to keep for every file
  const models = new Set<string>();
  const counts: number[] = [];
  let ordinal = 0;
  for (const reader of readers) {
    let n = 0;
    for (const {record} of reader.records()) {
      if (pace.due()) await pace.breathe();
      const key = fileKey(record.file);
      const slot = table.find(key) ?? table.add(key);
      const standing = standingOf(record);
      if (table.count[slot] === 0 || replaces(standing, table.standing(slot))) table.choose(slot, ordinal, standing);
      table.count[slot]!++;
      if (!isError(record)) table.depth[slot] = Math.min(table.depth[slot]!, record.predictions.length);
      models.add(record.model);
      n++;
      ordinal++;
    }
    counts.push(n);
    if (reader.truncation) opts.warn(reader.truncation);
  }
  const records = ordinal;
  const topk = opts.topk ?? Math.max(1, ...readers.map((r) => r.topk));

  const output = opts.output !== null ? new AtomicFile(opts.output) : null;
  const gapList = opts.gaps !== undefined ? new GapList(opts.gaps) : null;
  let writer: RecordWriter | null = null;
  try {
    // the path list: listed files without a record are gaps
    const examples = {conflicting: [] as string[], gaps: [] as string[], extras: [] as string[]};
    let listed: number | null = null;
    let gaps: number | null = null;
    if (opts.files !== undefined) {
      listed = gaps = 0;
      const source = opts.files === '-' ? (opts.stdin ?? process.stdin) : createReadStream(opts.files);
      for await (const path of readPathList(source)) {
        if (pace.due()) await pace.breathe();
        const key = fileKey(path);
        const slot = table.find(key) ?? table.add(key);
        if (table.flags[slot]! & FLAG.LISTED) continue;
        table.flags[slot]! |= FLAG.LISTED;
        listed++;
        if (table.position[slot] !== NO_RECORD) continue;
        gaps++;
        gapList?.add(path);
        if (examples.gaps.length < EXAMPLES) examples.gaps.push(path);
      }
    }

    // pass 2: write the kept records; compare the others with them
    writer = openOutput(output ? output.temp : null, opts.format, topk, 'overwrite').writer;
    const batch: OutputRecord[] = [];
    /** digests of left-out records met before the kept one and unlike the first of them (rare) */
    const unlike = new Map<number, number[]>();
    let written = 0;
    let errors = 0;
    let conflicting = 0;
    const conflict = (file: string) => {
      conflicting++;
      if (examples.conflicting.length < EXAMPLES && !examples.conflicting.includes(file)) examples.conflicting.push(file);
    };
    ordinal = 0;
    for (const [i, reader] of readers.entries()) {
      let n = 0;
      for (const {record} of reader.records(counts[i])) {
        if (pace.due()) await pace.breathe();
        n++;
        const at = ordinal++;
        const slot = table.find(fileKey(record.file));
        if (slot === undefined) continue;
        const kept = table.position[slot] === at;
        if (kept) {
          batch.push(truncated(record, topk));
          written++;
          if (isError(record)) errors++;
          if (batch.length >= 1024) writer.write(batch.splice(0));
        }
        if (table.count[slot]! < 2) continue;
        const digest = outcomeDigest(record, Math.min(table.depth[slot]!, topk));
        if (kept) {
          let differ = table.digest[slot] !== digest ? table.early[slot]! : 0;
          for (const d of unlike.get(slot) ?? []) if (d !== digest) differ++;
          for (let k = 0; k < differ; k++) conflict(record.file);
          unlike.delete(slot);
          table.digest[slot] = digest;
          table.flags[slot]! |= FLAG.KEPT_SEEN;
        } else if (table.flags[slot]! & FLAG.KEPT_SEEN) {
          if (digest !== table.digest[slot]) conflict(record.file);
        } else if (table.early[slot] === 0 || table.digest[slot] === digest) {
          table.digest[slot] = digest;
          table.early[slot]!++;
        } else {
          unlike.set(slot, [...(unlike.get(slot) ?? []), digest]);
        }
      }
      if (n !== counts[i]) throw new FatalError(`${reader.path} changed during the merge: it had ${counts[i]} records, now ${n}`);
    }
    writer.write(batch);
    writer.close();

    let files = 0;
    let extras: number | null = opts.files !== undefined ? 0 : null;
    for (const [key, slot] of table.entries()) {
      if (table.position[slot] === NO_RECORD) continue;
      files++;
      if (extras === null || table.flags[slot]! & FLAG.LISTED) continue;
      extras++;
      if (examples.extras.length < EXAMPLES) examples.extras.push(key);
    }
    if (written !== files) throw new FatalError(`the inputs changed during the merge: ${written} records written for ${files} files`);

    output?.commit();
    gapList?.commit();
    return {
      inputs: inputs.length,
      records,
      files,
      duplicates: records - files,
      conflicting,
      errors,
      listed,
      gaps,
      extras,
      models: [...models].sort(),
      output: opts.output,
      format: opts.format,
      topk,
      inputTopk: [...new Set(readers.map((r) => r.topk).filter((k) => k > 0))].sort((a, b) => a - b),
      gapsFile: opts.gaps ?? null,
      gapsNulSeparated: gapList?.nulSeparated ?? false,
      truncated: readers.filter((r) => r.truncation).map((r) => r.path),
      examples,
    };
  } catch (e) {
    writer?.close();
    output?.discard();
    gapList?.discard();
    throw e;
  }
}

/** The input files: each argument a file, or a glob pattern matching some. */
export function resolveInputs(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (arg === '-') throw new UsageError('merge reads its inputs twice, so they must be files, not - (standard input)');
    if (!exists(arg) && fg.isDynamicPattern(arg)) {
      const matches = fg.sync(arg, {onlyFiles: true, unique: true, dot: true}).sort();
      if (matches.length === 0) throw new FatalError(`${arg}: no files match this pattern`);
      files.push(...matches);
    } else {
      files.push(readableFile(arg, 'input'));
    }
  }
  return files;
}

function readableFile(path: string, what: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new FatalError(`cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!isFile) throw new FatalError(`the ${what} ${path} is not a file`);
  return path;
}

function checkDestinations(opts: MergeOptions, inputs: string[]): void {
  const destinations: [string, string][] = [];
  if (opts.output !== null) destinations.push(['the output', opts.output]);
  if (opts.gaps !== undefined) destinations.push(['the --gaps file', opts.gaps]);
  for (const [what, path] of destinations) {
    for (const input of inputs) if (sameFile(path, input)) throw new UsageError(`${what} ${path} is also an input`);
    if (opts.files !== undefined && opts.files !== '-' && sameFile(path, opts.files)) throw new UsageError(`${what} ${path} is also the --files list`);
    if (isDirectory(path)) throw new UsageError(`${what} ${path} is a directory`);
    if (!opts.overwrite && nonEmpty(path)) throw new UsageError(`${path} already exists: use --overwrite to replace it`);
  }
  if (destinations.length === 2 && sameFile(destinations[0]![1], destinations[1]![1])) throw new UsageError('the output and the --gaps file must differ');
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function nonEmpty(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return resolve(a) === resolve(b);
  }
}

/** Lets the event loop run now and then (so Ctrl-C is heard) and stops once `signal` is aborted. */
class Pace {
  private n = 0;

  constructor(private readonly signal?: AbortSignal) {}

  due(): boolean {
    return ++this.n % 4096 === 0;
  }

  async breathe(): Promise<void> {
    await new Promise((done) => setImmediate(done));
    if (this.signal?.aborted) throw new MergeInterrupted('interrupted');
  }
}
