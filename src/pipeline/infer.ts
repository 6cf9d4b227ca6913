/**
 * The network: one onnxruntime session, fed whole batches. Threads do not spin between runs
 * (spinning would steal the CPU the decoders need), and the session is created once per run.
 */

import * as ort from 'onnxruntime-node';

export interface InferenceOptions {
  /** intra-op threads; the calling thread is one of them */
  threads: number;
}

export class InferenceSession {
  /** onnxruntime-node rejects tensors over SharedArrayBuffer memory: batches are copied here */
  private staging = new Float32Array(0);

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputName: string,
    readonly outputName: string,
  ) {}

  static async create(model: Uint8Array | string, inputName: string, outputName: string, opts: InferenceOptions): Promise<InferenceSession> {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // the memory pattern plans one block for every intermediate tensor of a batch and keeps it:
      // about 25 MiB per session at batch 8 for PPLCNet_x1_0, for no speed measured on this kind
      // of CPU (docs/benchmarks.md); without it the arena reuses blocks as tensors die
      enableMemPattern: false,
      extra: {session: {intra_op: {allow_spinning: '0'}}},
    };
    const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
    if (!session.inputNames.includes(inputName)) throw new Error(`the model has no input '${inputName}' (inputs: ${session.inputNames.join(', ')})`);
    if (!session.outputNames.includes(outputName)) throw new Error(`the model has no output '${outputName}' (outputs: ${session.outputNames.join(', ')})`);
    return new InferenceSession(session, inputName, outputName);
  }

  /** Runs `count` images of shape [3, height, width] stored contiguously in `data`. */
  async run(data: Float32Array, count: number, height: number, width: number): Promise<{values: Float32Array; classes: number}> {
    const size = count * 3 * height * width;
    if (this.staging.length < size) this.staging = new Float32Array(size);
    const staged = this.staging.subarray(0, size);
    staged.set(data.subarray(0, size));
    const input = new ort.Tensor('float32', staged, [count, 3, height, width]);
    const result = await this.session.run({[this.inputName]: input}, [this.outputName]);
    const out = result[this.outputName]!;
    const values = out.data as Float32Array;
    const classes = out.dims[out.dims.length - 1]!;
    input.dispose?.();
    return {values, classes};
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
