/**
 * Worker-thread entry: reads image files, decodes and preprocesses them into shared batch
 * buffers, so that the main thread can keep the network busy. Several jobs run at once per
 * worker to overlap file reads, libvips decoding (on libuv threads) and the JS resampling.
 */

import {FileBuffers, NOT_REGULAR_FILE} from './file-buffers.js';
import {parentPort} from 'node:worker_threads';
import pLimit from 'p-limit';
import {describeDecodeError, megapixelsOf} from './decode.js';
import {recordedMtime} from './file-identity.js';
import {createPreprocessor} from './preprocess.js';
import {PixelBudget} from './pixel-budget.js';
import type {JobRequest, JobResult, ReadIdentity, WorkerConfig} from './preprocess-protocol.js';
import {jpegTurbo} from './jpeg-turbo.js';
import {readAhead} from './read-ahead.js';
import {startedEarly, withConfig} from './worker-config.js';

const fileBuffers = new FileBuffers();

/** What a record says of a file that could not be read, by the read's error code. */
const READ_FAILURES: Record<string, string> = {
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  [NOT_REGULAR_FILE]: 'not a regular file (a FIFO, socket or device)',
  ENOENT: 'file disappeared before it was read',
};

/**
 * The image's bytes with the file's size and mtime as read, or why its file cannot be read; a
 * file's bytes are in a buffer of `fileBuffers`, to be released once the image is done.
 */
function readSource(source: string | Uint8Array): {bytes: Uint8Array; buffer?: Buffer; identity: ReadIdentity} | string {
  if (typeof source !== 'string') return {bytes: source, identity: {}};
  try {
    const {bytes, buffer, stats} = fileBuffers.readFile(source);
    return {bytes, buffer, identity: {size: stats.size, mtime: recordedMtime(stats.mtimeMs)}};
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `cannot read file: ${(code !== undefined && READ_FAILURES[code]) || (e as Error).message}`;
  }
}

// a worker started early loads the JPEG decoder while it waits for its configuration
if (startedEarly()) {
  try {
    jpegTurbo();
  } catch {
    // a bad LCNET_JPEG_DECODER is reported by the first JPEG's decoding
  }
}

withConfig<WorkerConfig>((config) => {
  const preprocessor = createPreprocessor(config.spec, config.mode, {maxPixels: config.maxPixels, timeoutSeconds: config.decodeTimeout});
  const views = config.buffers.map((b) => new Float32Array(b));
  const limit = pLimit(config.concurrency);
  const budget = new PixelBudget(config.budget, config.budgetMp);

  async function handle(job: JobRequest): Promise<JobResult> {
    const t0 = performance.now();
    const read = readSource(job.source);
    if (typeof read === 'string') return {id: job.id, ok: false, error: read};
    const {bytes, buffer, identity} = read;
    try {
      const t1 = performance.now();
      const held = await budget.acquire(await megapixelsOf(bytes));
      try {
        const size = await preprocessor.run(bytes, views[job.buffer]!, job.offset);
        return {id: job.id, ok: true, width: size.width, height: size.height, readMs: t1 - t0, preprocessMs: performance.now() - t1, ...identity};
      } catch (e) {
        return {id: job.id, ok: false, error: describeDecodeError(e, bytes), ...identity};
      } finally {
        budget.release(held);
      }
    } finally {
      if (buffer) fileBuffers.release(buffer);
    }
  }

  parentPort!.on('message', (job: JobRequest) => {
    // the disk reads the file while the images before it are decoded
    if (typeof job.source === 'string' && limit.activeCount + limit.pendingCount >= config.concurrency) readAhead(job.source);
    limit(() => handle(job)).then(
      (r) => parentPort!.postMessage(r),
      (e: unknown) => parentPort!.postMessage({id: job.id, ok: false, error: `internal error: ${String(e)}`} satisfies JobResult),
    );
  });
});
