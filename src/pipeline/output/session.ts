/**
 * The output side of one `lcnet classify` run, from the lock to the last record: the output's
 * lock is taken first (so a clash is told before any model download), then the writer is opened
 * (reading back what a resumed output holds), records are written until the run ends or another
 * process takes the lock over, and `close` / `closeNow` release everything exactly once, however
 * the run ends.
 */

import type {HeldLock} from '../../fs/lock-file.js';
import type {InputFile} from '../select.js';
import type {LayoutLike} from './codec.js';
import {lockOutput} from './output-lock.js';
import {sameIdentity, type OutputFormat, type OutputRecord} from './record.js';
import {openOutput, type RecordWriter} from './writer.js';

export type OutputMode = 'new' | 'overwrite' | 'resume';

export interface OutputSessionOptions {
  format: OutputFormat;
  /** the CSV layout: a top-k, or a yes/no or attribute model's layout (codec.ts) */
  layout: LayoutLike;
  mode: OutputMode;
  /** the name the run's records carry: a resumed output holding another model's records is refused */
  model: string;
  /** with `resume`: classify again the files whose record is an error */
  retryErrors?: boolean;
}

export class OutputLostError extends Error {}

export class OutputSession {
  private lock: HeldLock | null = null;
  private writer: RecordWriter | null = null;
  private recorded = new Map<string, string>();
  private readonly lostController = new AbortController();
  /** files skipped because the resumed output records them unchanged */
  skipped = 0;

  /** `output`: the resolved output path, or null for stdout */
  constructor(readonly output: string | null) {}

  /** Fires when another process has taken the output's lock over: stop writing. */
  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  /** Takes the output's lock (nothing to take for stdout, a pipe or a device). */
  async acquire(opts: {signal?: AbortSignal; onWait?: (message: string) => void} = {}): Promise<void> {
    if (this.output === null) return;
    this.lock = await lockOutput(this.output, {...opts, onLost: () => this.lostController.abort()});
  }

  /** Opens the writer; with `resume`, reads back what the output records. */
  open(opts: OutputSessionOptions): void {
    const opened = openOutput(this.output, opts.format, opts.layout, opts.mode, {model: opts.model, retryErrors: opts.retryErrors});
    this.writer = opened.writer;
    this.recorded = opened.done;
  }

  /**
   * The resume filter: true (and counted) for a file the output already records with the same
   * size and mtime; undefined when nothing is recorded, so the walk need not stat files.
   */
  get skip(): ((f: InputFile) => boolean) | undefined {
    if (this.recorded.size === 0) return undefined;
    return (f) => {
      if (!sameIdentity(this.recorded.get(f.file), f.size, f.mtime)) return false;
      this.skipped++;
      return true;
    };
  }

  /** Whether the output records `f` unchanged (not counted: for a second walk, e.g. a progress total). */
  recordsUnchanged(f: InputFile): boolean {
    return sameIdentity(this.recorded.get(f.file), f.size, f.mtime);
  }

  /** Set when the reader of standard output has gone (`lcnet classify ... | head`). */
  readerGone = false;

  /**
   * Writes records (a batch, in one write); false once nothing more can be written: the lock was
   * lost, or standard output was closed by its reader (then the run should stop, quietly).
   */
  write(records: readonly OutputRecord[]): boolean {
    if (this.lost.aborted || this.readerGone) return false;
    if (records.length === 0) return true;
    try {
      this.writer!.write(records);
    } catch (e) {
      if (this.output !== null || (e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
      this.readerGone = true;
      this.writer!.abandon();
      return false;
    }
    return true;
  }

  /**
   * Ends the session: the writer is finished (a JSON array closed, a resumed output compacted),
   * or, when the lock was lost, left as it is for the process that took it over; then the lock
   * is released. Synchronous, so exit and signal handlers can call it; safe to call again.
   */
  closeNow(): void {
    if (this.lost.aborted || this.readerGone) this.writer?.abandon();
    else this.writer?.close();
    this.lock?.releaseSync();
  }

  /** The error to report when the lock was lost, else null. */
  lostError(): OutputLostError | null {
    if (!this.lost.aborted) return null;
    return new OutputLostError(
      `lost the lock on ${this.output}: another run took the output over, so this one stopped writing (its records so far are in the file; resume it from one process only)`,
    );
  }
}
