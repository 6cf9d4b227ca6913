/**
 * Parallel onnxruntime sessions, one per worker thread. `run` queues a batch (already in a shared
 * buffer) for the next idle session and resolves with its output. A failed run rejects only its
 * batch; a worker that dies is replaced, and if no session can be had, every run is rejected.
 * Workers are never terminated during a run (onnxruntime-node aborts the process then): `close`
 * lets runs in flight finish, then each worker releases its session and ends.
 */

import type {Worker} from 'node:worker_threads';
import {takeWorker} from './early-workers.js';
import type {InferClose, InferReady, InferRequest, InferResult, InferWorkerConfig} from './infer-protocol.js';

export interface BatchOutput {
  values: Float32Array;
  classes: number;
  inferMs: number;
}

interface Job {
  req: InferRequest;
  resolve: (o: BatchOutput) => void;
  reject: (e: Error) => void;
}

interface Session {
  worker: Worker;
  job: Job | null;
  /** settles when the worker has ended */
  exited: Promise<void>;
}

/** How long `close` waits for a worker to end by itself before terminating it. */
const CLOSE_TIMEOUT_MS = 10000;

export class InferencePool {
  private sessions: Session[] = [];
  /** the sessions after the first, loading one after another */
  private rest: Promise<void> = Promise.resolve();
  /** workers still loading the model: `close` ends them too */
  private starting = new Set<Session>();
  private queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  /** set when no session is left and none can be started: every run fails with it */
  private broken: Error | null = null;

  private constructor(private readonly config: InferWorkerConfig) {}

  /**
   * Starts `count` sessions and resolves once the first has loaded the model: batches run on it
   * while the others load, one after another (sessions loading side by side share the cores and
   * each takes longer). A model that cannot be loaded rejects; a later session that fails to
   * load leaves the pool with those that did.
   */
  static async create(config: InferWorkerConfig, count: number): Promise<InferencePool> {
    const pool = new InferencePool(config);
    try {
      await pool.spawn();
    } catch (e) {
      await pool.close();
      throw e;
    }
    pool.rest = (async () => {
      for (let i = 1; i < count && !pool.closed; i++) await pool.spawn().catch(() => undefined);
    })();
    return pool;
  }

  /** Resolves once every session asked for has loaded (or failed to): what a benchmark waits for. */
  loaded(): Promise<void> {
    return this.rest;
  }

  private spawn(): Promise<void> {
    const worker = takeWorker('infer', this.config);
    let onExit!: () => void;
    const session: Session = {worker, job: null, exited: new Promise((r) => (onExit = r))};
    this.starting.add(session);
    void session.exited.then(() => this.starting.delete(session));
    return new Promise((ready, failed) => {
      let started = false;
      let gone = false;
      worker.on('message', (m: InferReady | InferResult) => {
        if ('ready' in m) {
          this.starting.delete(session);
          if (!m.ready) return failed(new Error(`cannot load the model: ${m.error}`));
          started = true;
          // the pool closed while this session loaded: `close` has asked it to end already
          if (this.closed) return ready();
          this.sessions.push(session);
          ready();
          this.pump();
          return;
        }
        const job = session.job;
        session.job = null;
        if (job) {
          if (m.ok) job.resolve({values: m.values, classes: m.classes, inferMs: m.inferMs});
          else job.reject(new Error(m.error));
        }
        this.pump();
      });
      const lost = (why: string) => {
        if (gone) return;
        gone = true;
        const i = this.sessions.indexOf(session);
        if (i >= 0) this.sessions.splice(i, 1);
        session.job?.reject(new Error(why));
        session.job = null;
        if (!started) return failed(new Error(why));
        if (this.closed) return;
        this.spawn().catch((e: Error) => {
          if (this.sessions.length > 0) return;
          // nothing left to run batches on: fail them instead of waiting forever
          this.broken = e;
          for (const j of this.queue) j.reject(e);
          this.queue = [];
        });
      };
      worker.on('error', (e) => lost(`inference worker crashed: ${e.message}`));
      worker.on('exit', (code) => {
        onExit();
        if (!this.closed) lost(`inference worker exited unexpectedly (code ${code})`);
      });
    });
  }

  private pump(): void {
    for (const s of this.sessions) {
      if (s.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      s.job = job;
      s.worker.postMessage(job.req);
    }
  }

  run(buffer: number, count: number): Promise<BatchOutput> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('the inference pool is closed'));
      if (this.broken) return reject(this.broken);
      this.queue.push({req: {id: this.nextId++, buffer, count}, resolve, reject});
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue) j.reject(new Error('the inference pool is closed'));
    this.queue = [];
    const sessions = this.sessions;
    this.sessions = [];
    // a worker still loading reads this once its session is made, and ends
    for (const s of this.starting) s.worker.postMessage({close: true} satisfies InferClose);
    await Promise.all([
      ...[...this.starting].map((s) => s.exited),
      ...sessions.map(async (s) => {
        // a run in flight finishes first: terminating a worker inside onnxruntime aborts the process
        if (s.job) await new Promise<void>((settled) => s.worker.once('message', () => settled()));
        s.worker.postMessage({close: true} satisfies InferClose);
        const timer = setTimeout(() => void s.worker.terminate(), CLOSE_TIMEOUT_MS);
        await s.exited;
        clearTimeout(timer);
      }),
    ]);
  }
}
