/**
 * The inputs of a classify run, taken one at a time without ever blocking the run: a source that
 * is slow to give its next input (a path list on a pipe, a program's async iterable) must not
 * hold back the records of inputs already taken, nor Ctrl-C, nor `close()`. `take` can therefore
 * give up waiting (after a timeout, or when the feed is stopped) and leave the request pending
 * for the next call; an error of the source is thrown from `take`, never left unhandled.
 *
 * One waiter at a time (the engine takes inputs in sequence), and no promise reactions left on
 * promises that may never settle: a run of millions of inputs holds no memory per input.
 */

import type {WalkEntry} from './walk.js';

type Settled = {ok: true; result: IteratorResult<WalkEntry>} | {ok: false; error: unknown};

export type Taken =
  | {kind: 'entry'; entry: WalkEntry; /** the source made the run wait for it */ waited: boolean}
  | {kind: 'end'}
  | {kind: 'idle'}
  | {kind: 'stopped'};

/** An input that came later than this after it was asked for counts as waited for. */
const WAITED_MS = 5;

export class InputFeed {
  private readonly iterator: AsyncIterator<WalkEntry> | Iterator<WalkEntry>;
  private requesting = false;
  private requestedAt = 0;
  /** a settled request nobody has taken yet */
  private settled: Settled | null = null;
  private ended = false;
  private stopped = false;
  /** the one waiter: told when the request settles or the feed is stopped */
  private wake: (() => void) | null = null;

  constructor(source: AsyncIterable<WalkEntry> | Iterable<WalkEntry>) {
    this.iterator = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()) as AsyncIterator<WalkEntry> | Iterator<WalkEntry>;
  }

  private request(): void {
    if (this.requesting || this.settled || this.ended) return;
    this.requesting = true;
    this.requestedAt = performance.now();
    void (async () => {
      let s: Settled;
      try {
        s = {ok: true, result: await this.iterator.next()};
      } catch (error) {
        s = {ok: false, error};
      }
      this.requesting = false;
      this.settled = s;
      this.notify();
    })();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private consume(): Taken {
    const s = this.settled!;
    this.settled = null;
    if (!s.ok) {
      this.ended = true;
      throw s.error;
    }
    if (s.result.done) {
      this.ended = true;
      return {kind: 'end'};
    }
    return {kind: 'entry', entry: s.result.value, waited: performance.now() - this.requestedAt > WAITED_MS};
  }

  /**
   * The next input; `idle` when none came within `timeoutMs` (null: wait as long as it takes),
   * `stopped` once `stop` was called. Either way the request stays pending for the next call.
   */
  take(timeoutMs: number | null): Promise<Taken> {
    if (this.ended) return Promise.resolve({kind: 'end'});
    this.request();
    if (this.settled) {
      try {
        return Promise.resolve(this.consume());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    if (this.stopped) return Promise.resolve({kind: 'stopped'});
    return new Promise((resolve, reject) => {
      const timer = timeoutMs === null ? undefined : setTimeout(() => {
        this.wake = null;
        resolve({kind: 'idle'});
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        if (!this.settled) return resolve({kind: 'stopped'});
        try {
          resolve(this.consume());
        } catch (e) {
          reject(e);
        }
      };
    });
  }

  /** Whether an input (or the end, or an error) is ready before `other` settles, or the feed stops. */
  readyBefore(other: Promise<unknown>): Promise<boolean> {
    if (this.ended || this.stopped) return Promise.resolve(true);
    this.request();
    if (this.settled) return Promise.resolve(true);
    return new Promise((resolve) => {
      let decided = false;
      this.wake = () => {
        decided = true;
        resolve(true);
      };
      const lose = () => {
        if (decided) return;
        this.wake = null;
        resolve(false);
      };
      other.then(lose, lose);
    });
  }

  /** Stops waiting for the source: a waiting `take` returns `stopped`, and so do later ones. */
  stop(): void {
    this.stopped = true;
    this.notify();
  }

  /** Lets the source clean up (close directories, stop reading), without waiting for it. */
  dispose(): void {
    this.stop();
    if (this.ended) return;
    this.ended = true;
    const finish = () => {
      const r = this.iterator.return?.();
      if (r instanceof Promise) r.catch(() => undefined);
    };
    // a generator busy with a request takes `return` only after it: do not wait for that here
    if (this.requesting) {
      this.wake = finish;
    } else finish();
  }
}
