/**
 * A pool of preprocessing workers. `submit` hands one file (or image bytes) to the least busy worker and resolves
 * when its tensor is in the shared buffer (or with the reason it could not be made). A worker that
 * dies fails its jobs with a clear error and is replaced, so one bad file cannot stop a run.
 */

import type {Worker} from 'node:worker_threads';
import {takeWorker} from './early-workers.js';
import type {JobRequest, JobResult, WorkerConfig} from './preprocess-protocol.js';

interface PendingJob {
  job: JobRequest;
  resolve: (r: JobResult) => void;
  /** a job pending in a worker that crashed is retried once on a fresh worker */
  retried: boolean;
}

interface Slot {
  worker: Worker;
  pending: Map<number, PendingJob>;
}

export class PreprocessPool {
  private slots: Slot[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly config: WorkerConfig,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = takeWorker('preprocess', this.config);
    const slot: Slot = {worker, pending: new Map()};
    worker.on('message', (r: JobResult) => {
      const p = slot.pending.get(r.id);
      slot.pending.delete(r.id);
      p?.resolve(r);
    });
    const fail = (why: string) => {
      const orphans = [...slot.pending.values()];
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (this.closed || i < 0) {
        for (const p of orphans) p.resolve({id: p.job.id, ok: false, error: why});
        return;
      }
      const fresh = this.spawn();
      this.slots[i] = fresh;
      for (const p of orphans) {
        if (p.retried) p.resolve({id: p.job.id, ok: false, error: why});
        else this.dispatch(fresh, {...p, retried: true});
      }
    };
    worker.on('error', (e) => fail(`decoder crashed: ${e.message}`));
    worker.on('exit', (code) => {
      if (!this.closed) fail(`decoder exited unexpectedly (code ${code})`);
    });
    return slot;
  }

  private dispatch(slot: Slot, p: PendingJob): void {
    slot.pending.set(p.job.id, p);
    slot.worker.postMessage(p.job);
  }

  /** `source`: a file path, or the image's bytes (copied to the worker). */
  submit(source: string | Uint8Array, buffer: number, offset: number): Promise<JobResult> {
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < best.pending.size) best = s;
    const job: JobRequest = {id: this.nextId++, source, buffer, offset};
    return new Promise((resolve) => this.dispatch(best, {job, resolve, retried: false}));
  }

  /** Ends the workers; jobs still pending resolve with an error, so nothing waits for them forever. */
  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots) {
      for (const p of slot.pending.values()) p.resolve({id: p.job.id, ok: false, error: 'not processed: the classifier was closed'});
      slot.pending.clear();
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
