/**
 * `lcnet merge`: the outputs of several runs (the shards of one job, a rerun of its gaps) as one
 * output with exactly one record per file, checked against the list of files the job was meant
 * to cover.
 *
 * Two passes over the inputs keep memory flat: the first chooses, for every file, which of its
 * records to keep (rules.ts) and remembers only a fingerprint of the file and where that record
 * stands (file-table.ts, positions.ts); the path list is then streamed against the files seen
 * (listed files without a record, the gaps, are kept apart with their paths on disk:
 * seen-keys.ts); the second pass writes the chosen records in input order and compares the
 * others with them. Neither records nor paths are held in memory, so inputs of any size merge in
 * a few tens of bytes per file. The output holds the records of one model (model-choice.ts).
 */

import {createReadStream} from 'node:fs';
import {FatalError} from '../errors.js';
import {readPathList} from '../pipeline/path-list.js';
import {isError, type OutputFormat, type OutputRecord} from '../pipeline/output/record.js';
import {openOutput, type RecordWriter} from '../pipeline/output/writer.js';
import {AtomicFile} from '../pipeline/output/atomic-file.js';
import {SeenKeys} from '../fingerprint/seen-keys.js';
import {FileTable, FLAG} from './file-table.js';
import {GapList} from './gap-list.js';
import {ModelChoice} from './model-choice.js';
import {checkDestinations, readableFile, resolveInputs} from './paths.js';
import {detectFormat, OutputReader} from './read-output.js';
import {Positions} from './positions.js';
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
  /**
   * keep the records of this model and leave out the others; without it, inputs holding records
   * of more than one model are refused (UsageError)
   */
  model?: string;
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

/** How many files each count shows in the warnings. */
const EXAMPLES = 3;

export async function mergeOutputs(opts: MergeOptions): Promise<MergeReport> {
  const inputs = resolveInputs(opts.inputs);
  checkDestinations(opts, inputs);
  if (opts.files !== undefined && opts.files !== '-') readableFile(opts.files, '--files list');
  const readers = inputs.map((p) => new OutputReader(p, detectFormat(p)));
  try {
    return await mergeReaders(readers, inputs, opts);
  } finally {
    for (const r of readers) r.close();
  }
}

async function mergeReaders(readers: OutputReader[], inputs: string[], opts: MergeOptions): Promise<MergeReport> {
  const positions = new Positions(readers);
  const table = new FileTable((position) => fileKey(positions.recordAt(position).file));
  const pace = new Pace(opts.signal);

  const models = new ModelChoice(opts.model);
  const chosen = await chooseRecords(readers, positions, table, pace, models, opts.warn);
  models.check();
  // the inputs whose records are written say the top-k and the CSV layout (not those left out)
  const sources = opts.model === undefined ? readers : readers.filter((_, i) => chosen.kept[i]! > 0);
  const topk = opts.topk ?? Math.max(1, ...sources.map((r) => r.topk));
  const output = opts.output !== null ? new AtomicFile(opts.output, 'merge') : null;
  const gapList = opts.gaps !== undefined ? new GapList(opts.gaps) : null;
  let writer: RecordWriter | null = null;
  try {
    const listing = opts.files !== undefined ? await matchList(listSource(opts.files, opts.stdin), table, pace, gapList) : null;
    // yes/no and attribute records have their own CSV columns
    const layout = sources.find((r) => r.layout !== null)?.layout ?? topk;
    writer = openOutput(output ? output.temp : null, opts.format, layout, 'overwrite').writer;
    const kept = await writeChosen(readers, positions, chosen.counts, table, pace, models, writer, topk);
    writer.close();
    const files = countFiles(table, listing !== null);
    if (kept.written !== files.files) throw new FatalError(`the inputs changed during the merge: ${kept.written} records written for ${files.files} files`);
    output?.commit();
    gapList?.commit();
    return {
      inputs: inputs.length,
      records: chosen.records,
      files: files.files,
      duplicates: chosen.records - models.dropped - files.files,
      conflicting: kept.conflicting,
      errors: kept.errors,
      listed: listing?.listed ?? null,
      gaps: listing?.gaps ?? null,
      extras: files.extras,
      models: models.model === null ? [] : [models.model],
      otherModels: {records: models.dropped, models: [...models.others].sort()},
      output: opts.output,
      format: opts.format,
      topk,
      inputTopk: [...new Set(sources.map((r) => r.topk).filter((k) => k > 0))].sort((a, b) => a - b),
      gapsFile: opts.gaps ?? null,
      gapsNulSeparated: gapList?.nulSeparated ?? false,
      truncated: readers.filter((r) => r.truncation).map((r) => r.path),
      examples: {conflicting: kept.examples, gaps: listing?.examples ?? [], extras: files.examples},
    };
  } catch (e) {
    writer?.close();
    output?.discard();
    gapList?.discard();
    throw e;
  }
}

/**
 * Pass 1: which record of each file to keep. Returns how many records each input holds, and how
 * many of them are of the model kept.
 */
async function chooseRecords(readers: OutputReader[], positions: Positions, table: FileTable, pace: Pace, models: ModelChoice, warn: (m: string) => void) {
  const counts: number[] = [];
  const kept: number[] = [];
  let records = 0;
  for (const [i, reader] of readers.entries()) {
    let n = 0;
    let ofModel = 0;
    for (const {record, line, start} of reader.records()) {
      if (pace.due()) await pace.breathe();
      records++;
      n++;
      if (!models.admit(record, reader.path, line)) continue;
      ofModel++;
      const at = positions.of(i, start);
      const key = fileKey(record.file);
      const fp = table.fingerprint(key);
      const standing = standingOf(record);
      let entry = table.find(key, fp);
      if (entry < 0) {
        entry = table.add(fp, at, standing);
      } else {
        table.flags[entry]! |= FLAG.MANY;
        if (replaces(standing, table.standing(entry))) table.choose(entry, at, standing);
      }
      if ('predictions' in record) table.deepen(entry, record.predictions.length);
    }
    counts.push(n);
    kept.push(ofModel);
    if (reader.truncation) warn(reader.truncation);
  }
  return {records, counts, kept};
}

function listSource(files: string, stdin?: AsyncIterable<Buffer | string>): AsyncIterable<Buffer | string> {
  return files === '-' ? (stdin ?? process.stdin) : createReadStream(files);
}

/**
 * The path list against the files seen, as a stream: listed files without a record are gaps,
 * each counted and written once however often the list names it.
 */
async function matchList(list: AsyncIterable<Buffer | string>, table: FileTable, pace: Pace, gapList: GapList | null) {
  let listed = 0;
  let gaps = 0;
  const examples: string[] = [];
  const missing = new SeenKeys();
  try {
    for await (const path of readPathList(list)) {
      if (pace.due()) await pace.breathe();
      const key = fileKey(path);
      const entry = table.find(key, table.fingerprint(key));
      if (entry >= 0) {
        if (table.flags[entry]! & FLAG.LISTED) continue;
        table.flags[entry]! |= FLAG.LISTED;
        listed++;
        continue;
      }
      if (!missing.add(key)) continue;
      listed++;
      gaps++;
      gapList?.add(path);
      if (examples.length < EXAMPLES) examples.push(path);
    }
  } finally {
    missing.close();
  }
  return {listed, gaps, examples};
}

/**
 * Pass 2: writes the kept records in input order, and compares every left-out record with the
 * one kept for its file (at the depth both have), counting those that differ. A left-out record
 * met before the kept one is remembered by its digest: the first such digest and how many alike
 * in the table, any unlike it (rare) in a side map.
 */
async function writeChosen(readers: OutputReader[], positions: Positions, counts: number[], table: FileTable, pace: Pace, models: ModelChoice, writer: RecordWriter, topk: number) {
  table.startSecondPass();
  const batch: OutputRecord[] = [];
  const unlike = new Map<number, number[]>();
  const examples: string[] = [];
  let written = 0;
  let errors = 0;
  let conflicting = 0;
  const conflict = (file: string, n = 1) => {
    conflicting += n;
    if (n > 0 && examples.length < EXAMPLES && !examples.includes(file)) examples.push(file);
  };
  for (const [i, reader] of readers.entries()) {
    let n = 0;
    for (const {record, start} of reader.records(counts[i])) {
      if (pace.due()) await pace.breathe();
      n++;
      if (!models.keeps(record)) continue;
      const at = positions.of(i, start);
      const key = fileKey(record.file);
      const slot = table.locate(key, table.fingerprint(key), at);
      if (slot < 0) continue;
      const kept = table.position[slot] === at;
      if (kept) {
        batch.push(truncated(record, topk));
        written++;
        if (isError(record)) errors++;
        if (batch.length >= 1024) writer.write(batch.splice(0));
      }
      if (!(table.flags[slot]! & FLAG.MANY)) continue;
      const digest = outcomeDigest(record, Math.min(table.depth[slot]!, topk));
      if (kept) {
        let differ = table.digest[slot] !== digest ? table.early[slot]! : 0;
        for (const d of unlike.get(slot) ?? []) if (d !== digest) differ++;
        conflict(record.file, differ);
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
  return {written, errors, conflicting, examples};
}

/** Files with a record, and (with a path list) those the list does not name. */
function countFiles(table: FileTable, listed: boolean) {
  let extras: number | null = listed ? 0 : null;
  const examples: string[] = [];
  for (let entry = 0; extras !== null && entry < table.size; entry++) {
    if (table.flags[entry]! & FLAG.LISTED) continue;
    extras++;
    if (examples.length < EXAMPLES) examples.push(table.keyOf(entry));
  }
  return {files: table.size, extras, examples};
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
