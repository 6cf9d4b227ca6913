/**
 * The inputs of a classify run, taken one at a time without ever blocking the run: a source that
 * is slow to give its next input (a path list on a pipe, a program's async iterable) must not
 * hold back the records of inputs already taken, nor Ctrl-C, nor `close()`. `take` can therefore
 * give up waiting (after a timeout, or when the run is stopped) and leave the request pending for
 * the next call; an error of the source is thrown from `take`, never left unhandled.
 */

import type {WalkEntry} from './walk.js';

type Settled = {ok: true; result: IteratorResult<WalkEntry>} | {ok: false; error: unknown};

export type Taken = {kind: 'entry'; entry: WalkEntry} | {kind: 'end'} | {kind: 'idle'} | {kind: 'stopped'};

export class InputFeed {
  private readonly iterator: AsyncIterator<WalkEntry> | Iterator<WalkEntry>;
  /** the request in progress: it never rejects */
  private pending: Promise<Settled> | null = null;
  private ended = false;

  constructor(source: AsyncIterable<WalkEntry> | Iterable<WalkEntry>) {
    this.iterator = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()) as AsyncIterator<WalkEntry> | Iterator<WalkEntry>;
  }

  private request(): Promise<Settled> {
    this.pending ??= (async () => {
      try {
        return {ok: true as const, result: await this.iterator.next()};
      } catch (error) {
        return {ok: false as const, error};
      }
    })();
    return this.pending;
  }

  /**
   * The next input; `idle` when none came within `timeoutMs` (null: wait as long as it takes),
   * `stopped` when `stop` settled first. Either way the request stays pending for the next call.
   */
  async take(timeoutMs: number | null, stop: Promise<void>): Promise<Taken> {
    if (this.ended) return {kind: 'end'};
    let timer: NodeJS.Timeout | undefined;
    const waits: Promise<Settled | 'idle' | 'stopped'>[] = [this.request(), stop.then(() => 'stopped' as const)];
    if (timeoutMs !== null) waits.push(new Promise((resolve) => (timer = setTimeout(() => resolve('idle'), timeoutMs))));
    const got = await Promise.race(waits);
    clearTimeout(timer);
    if (got === 'idle' || got === 'stopped') return {kind: got};
    this.pending = null;
    if (!got.ok) {
      this.ended = true;
      throw got.error;
    }
    if (got.result.done) {
      this.ended = true;
      return {kind: 'end'};
    }
    return {kind: 'entry', entry: got.result.value};
  }

  /** Whether an input (or the end, or an error) is ready before `other` settles. */
  async readyBefore(other: Promise<unknown>): Promise<boolean> {
    if (this.ended) return true;
    return Promise.race([this.request().then(() => true), other.then(() => false, () => false)]);
  }

  /** Lets the source clean up (close directories, stop reading), without waiting for it. */
  dispose(): void {
    if (this.ended) return;
    this.ended = true;
    const finish = () => {
      const r = this.iterator.return?.();
      if (r instanceof Promise) r.catch(() => undefined);
    };
    // a generator busy with a request takes `return` only after it; do not wait for that here
    if (this.pending) void this.pending.then(finish);
    else finish();
  }
}
