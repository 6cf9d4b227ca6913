/** Messages between the main thread and the inference workers. */

export interface InferWorkerConfig {
  /** ONNX bytes (each worker gets its own copy) or a path */
  model: Uint8Array | string;
  inputName: string;
  outputName: string;
  /** intra-op threads of this worker's session */
  threads: number;
  /** where optimised graphs are kept (graph-cache.ts); absent: the model is optimised each time */
  graphCache?: string;
  /** the batch buffers, shared with the decoders and the main thread */
  buffers: SharedArrayBuffer[];
  /** [height, width] of one image tensor */
  size: [number, number];
}

export interface InferRequest {
  id: number;
  buffer: number;
  count: number;
}

/** Asks a worker to release its session and end (never terminate one inside a run: onnxruntime aborts). */
export interface InferClose {
  close: true;
}

export type InferResult =
  | {id: number; ok: true; values: Float32Array; classes: number; inferMs: number}
  | {id: number; ok: false; error: string};

/** First message of a worker: its session is ready, or could not be created. */
export type InferReady = {ready: true} | {ready: false; error: string};
