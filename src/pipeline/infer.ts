/**
 * The network: one onnxruntime session, fed whole batches. Threads do not spin between runs
 * (spinning would steal the CPU the decoders need), and the session is created once per run.
 */

import {existsSync, mkdirSync, renameSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import * as ort from 'onnxruntime-node';
import {ensureCacheDir, graphEntry, GRAPH_FILE, pruneStale, temporaryName, WEIGHTS_FILE, writeSource} from './graph-cache.js';
import {encodeModel} from '../onnx/encode.js';
import {OnnxGraph} from '../onnx/graph.js';

export interface InferenceOptions {
  /** intra-op threads; the calling thread is one of them */
  threads: number;
  /** a folder where the optimised graph of a model given by path is kept (graph-cache.ts) */
  graphCache?: string;
}

/** Where a session's graph came from: the saved optimised graph, or the model optimised now. */
export type GraphSource = 'cache' | 'model';

/** Threads do not spin between runs: spinning would steal the CPU the decoders need. */
const SESSION_CONFIG = {intra_op: {allow_spinning: '0'}};

export class InferenceSession {
  /** onnxruntime-node rejects tensors over SharedArrayBuffer memory: batches are copied here */
  private staging = new Float32Array(0);

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputName: string,
    readonly outputName: string,
    readonly graphSource: GraphSource,
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
      extra: {session: SESSION_CONFIG},
    };
    const {session, source} = await openSession(model, options, opts.graphCache);
    if (!session.inputNames.includes(inputName)) throw new Error(`the model has no input '${inputName}' (inputs: ${session.inputNames.join(', ')})`);
    if (!session.outputNames.includes(outputName)) throw new Error(`the model has no output '${outputName}' (outputs: ${session.outputNames.join(', ')})`);
    return new InferenceSession(session, inputName, outputName, source);
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

/**
 * Saves the optimised graph of the model file `model` in `graphCache` ahead of its first run (what
 * `lcnet download` does once it has installed a model), so that the first classify starts its
 * sessions from it too. Resolves to where the session's graph came from ('cache' when it was saved
 * already); rejects when onnxruntime cannot load the model.
 */
export async function prepareGraph(model: string, inputName: string, outputName: string, graphCache: string): Promise<GraphSource> {
  const session = await InferenceSession.create(model, inputName, outputName, {threads: 1, graphCache});
  await session.release();
  return session.graphSource;
}

/** A session of `model`, from its saved optimised graph when `graphCache` holds one, else saving it there. */
async function openSession(model: Uint8Array | string, options: ort.InferenceSession.SessionOptions, graphCache: string | undefined): Promise<{session: ort.InferenceSession; source: GraphSource}> {
  if (typeof model !== 'string') return {session: await ort.InferenceSession.create(model, options), source: 'model'};
  const entry = graphCache !== undefined ? graphEntry(graphCache, model, ort.env.versions.node ?? ort.env.versions.common) : null;
  if (entry && existsSync(join(entry.path, GRAPH_FILE))) {
    try {
      return {session: await ort.InferenceSession.create(join(entry.path, GRAPH_FILE), options), source: 'cache'};
    } catch {
      // an entry this runtime cannot load (damaged on disk): optimise the model again
      rmSync(entry.path, {recursive: true, force: true});
    }
  }
  if (entry && ensureCacheDir(graphCache!)) {
    const partial = temporaryName(entry.path);
    let session: ort.InferenceSession | null = null;
    try {
      mkdirSync(partial);
      session = await ort.InferenceSession.create(model, {
        ...options,
        optimizedModelFilePath: join(partial, GRAPH_FILE),
        // saving a graph of level 'all' makes onnxruntime warn that it suits this machine only,
        // which the entry's name already ensures
        logSeverityLevel: 3,
        extra: {session: {...SESSION_CONFIG, optimized_model_external_initializers_file_name: WEIGHTS_FILE, optimized_model_external_initializers_min_size_in_bytes: '1024'}},
      });
      writeSource(partial, entry.source);
      renameSync(partial, entry.path);
      pruneStale(entry);
    } catch {
      // the entry could not be written, or another run wrote it first (a session made is used
      // all the same), or the model cannot be loaded (the plain way below says why)
      rmSync(partial, {recursive: true, force: true});
    }
    if (session) return {session, source: 'model'};
  }
  return {session: await ort.InferenceSession.create(model, options), source: 'model'};
}

/**
 * Starts onnxruntime's runtime (its environment and kernel registry, about 70 ms the first time
 * in a process) with a session of a one-node model, so that a worker started early has it ready
 * when its model comes. Never fails: a runtime that cannot start says so when the model loads.
 */
export async function startRuntime(): Promise<void> {
  const graph = new OnnxGraph('start');
  graph.inputs.push({name: 'x', elemType: 'float32', shape: [1]});
  graph.node('Identity', ['x'], {}, ['y']);
  graph.outputs.push({name: 'y', elemType: 'float32', shape: [1]});
  try {
    const session = await ort.InferenceSession.create(encodeModel(graph, {producer: 'lcnet', producerVersion: '0', metadata: {}}), {intraOpNumThreads: 1, interOpNumThreads: 1});
    await session.release();
  } catch {
    // the model's own session reports the problem
  }
}
