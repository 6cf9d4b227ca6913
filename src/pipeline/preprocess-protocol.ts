/** Messages between the main thread and the preprocessing workers. */

import type {PreprocessSpec} from '../models/manifest.js';
import type {ResizeMode} from './preprocess.js';

/** images each preprocessing worker decodes at once: enough to overlap reads, decodes and resampling */
export const DECODES_PER_WORKER = 4;

export interface WorkerConfig {
  spec: PreprocessSpec;
  mode: ResizeMode;
  maxPixels: number;
  /** CPU seconds one decode may take (0: no limit) */
  decodeTimeout: number;
  /** images each worker decodes at once */
  concurrency: number;
  /** the process-wide decoded-megapixel budget (PixelBudget) and its capacity */
  budget: SharedArrayBuffer;
  budgetMp: number;
  /** the batch buffers, shared with the main thread */
  buffers: SharedArrayBuffer[];
}

export interface JobRequest {
  id: number;
  /** a file to read, or the image's bytes */
  source: string | Uint8Array;
  /** which shared buffer, and where in it (in float32 elements) the tensor goes */
  buffer: number;
  offset: number;
}

export type JobResult =
  | ({id: number; ok: true; width: number; height: number; readMs: number; preprocessMs: number} & ReadIdentity)
  | ({id: number; ok: false; error: string} & Partial<ReadIdentity>);

/** The size and modification time of a file as it was read (what its record carries). */
export interface ReadIdentity {
  size?: number;
  mtime?: string;
}
