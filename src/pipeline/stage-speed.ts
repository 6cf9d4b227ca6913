/**
 * What one image cost in each stage of a run, from what the run itself measured (StageTimes,
 * filled by classify-engine.ts as the batches go), not from a separate benchmark:
 *
 * - read: wall time of reading the file into memory, on its decoding worker;
 * - decode+preprocess: wall time on the decoding worker from the file's bytes to the tensor in the
 *   batch buffer (header, pixel budget, decode, resize, normalisation);
 * - inference: wall time of each onnxruntime run, on its session's worker, shared evenly among
 *   the images of the batch;
 * - postprocess: main-thread wall time turning a batch's outputs into records, per record.
 *
 * These are wall-clock times on the thread that does the stage, not CPU times (Node 20 has no
 * per-thread CPU clock): when more threads are busy than there are cores, they include the time
 * a thread waits for a core, so they exceed `lcnet bench`'s CPU costs of the same stages. The
 * stages of different images run at once on several threads, so the figures do not add up to the
 * run's time per image (1 / images per second).
 */

import type {StageTimes} from './classify-engine.js';

export interface StageSpeed {
  /** milliseconds per image; null when no image reached the stage */
  readMs: number | null;
  preprocessMs: number | null;
  inferMs: number | null;
  postprocessMs: number | null;
}

/** Per-image stage times of a run that made `records` records. */
export function stageSpeed(stages: StageTimes, records: number): StageSpeed {
  const per = (ms: number, n: number) => (n > 0 ? ms / n : null);
  return {
    readMs: per(stages.readMs, stages.decoded),
    preprocessMs: per(stages.preprocessMs, stages.decoded),
    inferMs: per(stages.inferMs, stages.inferred),
    postprocessMs: per(stages.postprocessMs, records),
  };
}
