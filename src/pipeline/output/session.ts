/**
 * The output side of one `lcnet classify` run, from the lock to the last record: the output is
 * checked and its lock taken first (so a path that cannot be written, an output that exists and
 * a clash are told before any model download), then the writer is opened (reading back what a
 * resumed output holds; nothing is written before the first records), records are written until
 * the run ends or another process takes the lock over, and `finish` / `closeNow` release
 * everything exactly once, however the run ends. A run with nothing to write (its inputs matched
 * nothing) is `discard`ed: no file is created, and an existing output is left as it was.
 */

import type {HeldLock} from '../../fs/lock-file.js';
import type {InputFile} from '../select.js';
import type {LayoutLike} from './codec.js';
import {lockOutput} from './output-lock.js';
import {RecordedFiles} from './recorded-files.js';
import {sameIdentity, type OutputRecord, type RecordFormat} from './record.js';
import {openOutput, OutputWriteError, refuseExisting, type OutputMode, type RecordWriter} from './writer.js';

export type {OutputMode} from './writer.js';

export interface OutputSessionOptions {
  format: RecordFormat;
  /** the CSV layout: a top-k, or a yes/no or attribute model's layout (codec.ts) */
  layout: LayoutLike;
  /** with `resume`: classify again the files whose record is an error */
  retryErrors?: boolean;
  /** the name the run's records carry: a resumed output holding another model's records is refused */
  model: string;
}

export class OutputLostError extends Error {}

export class OutputSession {
  private lock: HeldLock | null = null;
  private writer: RecordWriter | null = null;
  private recorded = new RecordedFiles(null);
  private readonly lostController = new AbortController();
  /** files skipped because the resumed output records them unchanged */
  skipped = 0;

  /** `output`: the resolved output path, or null for stdout */
  constructor(
    readonly output: string | null,
    readonly mode: OutputMode,
  ) {}

  /** Fires when another process has taken the output's lock over: stop writing. */
  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  /**
   * Checks that the output can be written and takes its lock (nothing to take for stdout, a pipe
   * or a device); refuses an existing output unless it is resumed or overwritten.
   */
  async acquire(opts: {signal?: AbortSignal; onWait?: (message: string) => void} = {}): Promise<void> {
    if (this.output === null) return;
    this.lock = await lockOutput(this.output, {...opts, onLost: () => this.lostController.abort()});
    try {
      refuseExisting(this.output, this.mode);
    } catch (e) {
      this.discard();
      throw e;
    }
  }

  /** Opens the writer; with `resume`, reads back what the output records. Nothing is written yet. */
  open(opts: OutputSessionOptions): void {
    const opened = openOutput(this.output, opts.format, opts.layout, this.mode, {model: opts.model, retryErrors: opts.retryErrors});
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
      if (this.output !== null || (e as NodeJS.ErrnoException).code !== 'EPIPE') throw this.resumable(e);
      this.readerGone = true;
      this.writer!.abandon();
      return false;
    }
    return true;
  }

  /**
   * Ends the session: the writer is finished (a JSON array closed, a resumed output compacted,
   * an output with no record created), or, when the lock was lost, left as it is for the process
   * that took it over; then the lock is released. Throws an OutputWriteError when the end of the
   * output cannot be written (the lock is released all the same). Safe to call again.
   */
  finish(): void {
    try {
      if (this.lost.aborted || this.readerGone) this.writer?.abandon();
      else this.writer?.close();
    } catch (e) {
      throw this.resumable(e);
    } finally {
      this.lock?.releaseSync();
    }
  }

  /**
   * `finish` for exit and signal handlers (synchronous, never throws): a failure to write the end
   * leaves records that a resume reads all the same.
   */
  closeNow(): void {
    try {
      this.finish();
    } catch {
      // told by `finish` on the normal way out; here the process is ending
    }
  }

  /** Ends a session with nothing to write: no file is created, an existing output is left as it was. */
  discard(): void {
    this.writer?.abandon();
    this.lock?.releaseSync();
  }

  /** A failed write told with what to do next: the output is valid, and a resume continues it. */
  private resumable(e: unknown): unknown {
    if (!(e instanceof OutputWriteError) || !e.intact || this.output === null) return e;
    const fix = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? 'free some space' : 'once that is fixed';
    return new OutputWriteError(
      `${e.message}. The output so far is valid (complete records only); ${fix}, then run the same command with --resume to continue it`,
      e.code,
      true,
      {cause: e.cause},
    );
  }

  /** The error to report when the lock was lost, else null. */
  lostError(): OutputLostError | null {
    if (!this.lost.aborted) return null;
    return new OutputLostError(
      `lost the lock on ${this.output}: another run took the output over, so this one stopped writing (its records so far are in the file; resume it from one process only)`,
    );
  }
}
