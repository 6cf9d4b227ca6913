/**
 * The library API: `createClassifier` loads a model and starts the decoding workers and
 * onnxruntime sessions once; `classify` takes file paths, directories, glob patterns or image
 * bytes and yields one record per image, in input order, as an async iterable; `close` ends the
 * workers. `lcnet classify` is built on exactly this.
 *
 *   const classifier = await createClassifier({model: 'PPLCNet_x1_0'});
 *   for await (const r of classifier.classify(['photos/'])) console.log(r.file, r.predictions?.[0]);
 *   await classifier.close();
 */

import {ClassifyEngine, emptySummary, type PipelineOptions, type Progress, type RunSummary} from '../pipeline/classify-engine.js';
import {OptionError} from '../errors.js';
import {DEFAULT_DECODE_TIMEOUT_S, DEFAULT_MAX_PIXELS} from '../pipeline/limits.js';
import {pathListProblem} from '../pipeline/path-list.js';
import type {OutputRecord} from '../pipeline/output/record.js';
import type {ResizeMode} from '../pipeline/preprocess.js';
import {selectEntries, type InputFile} from '../pipeline/select.js';
import {NO_SHARD, parseShard, type Shard} from '../pipeline/shard.js';
import {LookedFor, NoInputsError, requireInputs} from '../pipeline/no-inputs.js';
import {listedFile, parseExtensions, walkInputs, type WalkEntry, type WalkOptions} from '../pipeline/walk.js';
import {DEFAULT_BATCH_SIZE, defaultThreads, defaultWorkers, inferenceLayout} from '../pipeline/parallelism.js';
import {loadModel, type ModelChoice} from './load-model.js';
import type {ModelManifest} from '../models/manifest.js';
import {graphsRoot} from '../models/store.js';
import {headOf} from '../pipeline/postprocess/head.js';

export interface ClassifierOptions extends ModelChoice {
  /** images per network run [default: 4] */
  batchSize?: number;
  /** inference threads in all [default: $LCNET_THREADS, else all cores] */
  threads?: number;
  /** parallel onnxruntime sessions sharing the threads [default: one per thread] */
  sessions?: number;
  /** decoding worker threads [default: one per two cores] */
  workers?: number;
  /** 'exact' (PaddleClas/OpenCV, the default) or 'fast' (libvips shrink-on-load) */
  resize?: ResizeMode;
  /** images with more pixels get an error record [default: 268402689, sharp's limit] */
  maxPixels?: number;
  /** CPU seconds one image may take to decode before it gets an error record; 0 for no limit [default: 30] */
  decodeTimeout?: number;
  /** classes per record [default: 5] */
  topk?: number;
  /** the decision threshold of a yes/no or attribute model, 0..1 [default: the published one]; refused for a top-k model */
  threshold?: number;
}

/** An image given as bytes; `name` is what its record's `file` says. */
export interface NamedBytes {
  name: string;
  data: Uint8Array;
}

export type ClassifyInput = string | Uint8Array | NamedBytes;

export type ClassifyInputs = ClassifyInput | Iterable<ClassifyInput> | AsyncIterable<ClassifyInput>;

export type {InputFile} from '../pipeline/select.js';

export interface ClassifyOptions {
  /** classes per record [default: the classifier's topk] */
  topk?: number;
  /** the decision threshold of a yes/no or attribute model [default: the classifier's threshold, else the published one] */
  threshold?: number;
  /**
   * true (default): strings are expanded like the CLI's arguments (directories walked, glob
   * patterns matched, '-' reads a path list from standard input); false: each string is one file
   * path taken as it is, as `lcnet classify -` does with its list.
   */
  expand?: boolean;
  /** walk directories recursively [default: true] */
  recursive?: boolean;
  /** extensions taken from directories and globs ('jpg,png' or ['jpg', 'png']; '*' for all) */
  extensions?: string | string[];
  followSymlinks?: boolean;
  /** 'K/N', 'auto', or {index, count}: only the inputs of that part (see docs/scale-out.md) */
  shard?: string | Shard;
  /** inputs for which this returns true get no record (lcnet classify --resume skips done files) */
  skip?: (file: InputFile) => boolean;
  /** stops taking inputs; the images in flight still get their records */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** a path-list line that names a directory (it is skipped: lists name files) */
  onListedDirectory?: (path: string) => void;
  /** where '-' reads its path list [default: process.stdin] */
  stdin?: AsyncIterable<Buffer | string>;
  /**
   * files holding path lists, one path per line or NUL-separated ('-' is `stdin`), as
   * `lcnet classify --files-from` reads them: each path is one file taken as it is (relative ones
   * from the working directory); their files come after those of `inputs`, each file once
   */
  filesFrom?: string | readonly string[];
}

/** How many inputs a classification found, final once its iteration has ended. */
export interface InputCounts {
  /** files (and byte inputs) the inputs matched, before sharding */
  found: number;
  /** of those, the files of the requested shard, including those `skip` skipped */
  inShard: number;
}

/** The records of one `classify` call: iterate it once, record by record or batch by batch. */
export interface Classification extends AsyncIterable<OutputRecord> {
  /** counts and timings so far; final once the iteration has ended */
  readonly summary: RunSummary;
  /** the inputs found and those of the shard, so far; an empty shard of a non-empty collection has `inShard` 0 */
  readonly inputs: Readonly<InputCounts>;
  /** The same records a batch at a time, in input order (for a writer that writes each batch at once). */
  batches(): AsyncIterable<readonly OutputRecord[]>;
}

export interface ClassifierModel {
  name: string;
  labels: readonly string[];
  /** the size of the images the network takes, in pixels (the CLI prints it width x height) */
  input: Readonly<{width: number; height: number}>;
  /**
   * The same size as [height, width], the order of the tensor's dimensions.
   * @deprecated use `input.width` and `input.height`, which cannot be read in the wrong order
   */
  inputSize: readonly [number, number];
  /** built from seeded weights: predictions are meaningless */
  synthetic: boolean;
  manifest: ModelManifest;
}

export interface Classifier {
  readonly model: ClassifierModel;
  /** what a user should be told about the model (for example that its weights are synthetic) */
  readonly warnings: readonly string[];
  readonly pipeline: Readonly<PipelineOptions>;
  /** Classifies `inputs`; calls on one classifier take turns. */
  classify(inputs: ClassifyInputs, options?: ClassifyOptions): Classification;
  /** Ends the workers; a classification in progress finishes the images in flight. */
  close(): Promise<void>;
}

export function pipelineOptionsOf(o: ClassifierOptions): PipelineOptions {
  const positive = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new RangeError(`${name} must be a whole number of at least 1, got ${v}`);
    return v;
  };
  const seconds = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`${name} must be a number of seconds (0 for no limit), got ${v}`);
    return v;
  };
  return {
    batchSize: positive('batchSize', o.batchSize) ?? DEFAULT_BATCH_SIZE,
    ...inferenceLayout(positive('threads', o.threads) ?? defaultThreads(), positive('sessions', o.sessions)),
    workers: positive('workers', o.workers) ?? defaultWorkers(),
    resize: o.resize ?? 'exact',
    maxPixels: positive('maxPixels', o.maxPixels) ?? DEFAULT_MAX_PIXELS,
    decodeTimeout: seconds('decodeTimeout', o.decodeTimeout) ?? DEFAULT_DECODE_TIMEOUT_S,
    topk: positive('topk', o.topk) ?? 5,
  };
}

export async function createClassifier(options: ClassifierOptions = {}): Promise<Classifier> {
  if (options.resize !== undefined && options.resize !== 'exact' && options.resize !== 'fast') throw new RangeError(`resize must be 'exact' or 'fast', got '${String(options.resize)}'`);
  const pipeline = pipelineOptionsOf(options);
  const loaded = await loadModel(options);
  // a threshold the model's head cannot take (a top-k model, out of 0..1) is refused before any worker starts
  headOf(loaded.manifest, pipeline.topk, options.threshold);
  // sessions after the first on this machine load onnxruntime's saved optimised graph
  const engine = new ClassifyEngine({...loaded, graphCache: graphsRoot(options.home)}, pipeline);
  try {
    await engine.ready();
  } catch (e) {
    await engine.close();
    throw e;
  }
  const m = loaded.manifest;
  return {
    model: {
      name: loaded.name,
      labels: m.labels,
      input: {width: m.inputSize[1], height: m.inputSize[0]},
      inputSize: [m.inputSize[0], m.inputSize[1]],
      synthetic: m.synthetic === true,
      manifest: m,
    },
    warnings: loaded.warnings,
    pipeline,
    classify: (inputs, opts = {}) => classification(engine, inputs, {...opts, threshold: opts.threshold ?? options.threshold}),
    close: () => engine.close(),
  };
}

function classification(engine: ClassifyEngine, inputs: ClassifyInputs, opts: ClassifyOptions): Classification {
  const summary = emptySummary();
  const counts: InputCounts = {found: 0, inShard: 0};
  let started = false;
  async function* batches(): AsyncGenerator<readonly OutputRecord[]> {
    if (started) throw new Error('a classification can be iterated once; call classify again');
    started = true;
    const shard = typeof opts.shard === 'string' ? parseShard(opts.shard) : (opts.shard ?? NO_SHARD);
    if (!(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
      throw new RangeError(`shard {index: ${shard.index}, count: ${shard.count}} is not one of count parts (0 <= index < count)`);
    }
    const walk = walkOptions(opts);
    const lists = typeof opts.filesFrom === 'string' ? [opts.filesFrom] : [...(opts.filesFrom ?? [])];
    checkPathLists(lists);
    const looked = new LookedFor(walk.extensions, walk.recursive);
    for (const list of lists) looked.add(list, 'list');
    // paths that match nothing at all are a usage error, told when the walk ends without a file
    const noneFound = () => (looked.empty ? null : new NoInputsError(looked.message()));
    const entries = selectEntries(requireInputs(toEntries(inputs, opts.expand ?? true, {...walk, pathLists: lists}, looked), counts, noneFound), shard, opts.skip, counts);
    yield* engine.run(entries, summary, {topk: opts.topk, threshold: opts.threshold, signal: opts.signal, onProgress: opts.onProgress});
  }
  return {
    summary,
    inputs: counts,
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const records of batches()) yield* records;
    },
  };
}

function walkOptions(opts: ClassifyOptions): WalkOptions {
  const ext = Array.isArray(opts.extensions) ? opts.extensions.join(',') : opts.extensions;
  return {
    recursive: opts.recursive ?? true,
    extensions: parseExtensions(ext),
    followSymlinks: opts.followSymlinks ?? false,
    stdin: opts.stdin,
    onListedDirectory: opts.onListedDirectory,
    // a walk's stat is only needed to decide what to skip; records take the decoder's
    statFiles: opts.skip !== undefined,
  };
}

const isBytes = (x: unknown): x is Uint8Array => x instanceof Uint8Array;
const isNamedBytes = (x: unknown): x is NamedBytes => typeof x === 'object' && x !== null && 'data' in x && isBytes((x as NamedBytes).data);

function bytesEntry(x: Uint8Array | NamedBytes, index: number): WalkEntry {
  const display = isBytes(x) ? `<bytes ${index}>` : x.name;
  return {kind: 'bytes', bytes: isBytes(x) ? x : x.data, display, relative: display};
}

/** Path-list files that cannot be read are refused before any record, as the CLI refuses them before the model loads. */
function checkPathLists(lists: readonly string[]): void {
  if (lists.filter((l) => l === '-').length > 1) throw new OptionError((opt) => `${opt('filesFrom')} names standard input (-) more than once: it can be read once`);
  for (const list of lists) {
    const problem = list === '-' ? null : pathListProblem(list);
    if (problem) throw new OptionError((opt) => `${opt('filesFrom')} ${list}: ${problem}`);
  }
}

/**
 * The inputs as walk entries, in order. Expanded strings in a row go through one walk, so
 * overlapping arguments still yield each file once, as on the command line; the path lists of
 * `walk.pathLists` join the last walk. The strings are added to `looked`, for the message that
 * tells they matched nothing.
 */
async function* toEntries(inputs: ClassifyInputs, expand: boolean, walk: WalkOptions, looked: LookedFor): AsyncGenerator<WalkEntry> {
  const lists = walk.pathLists ?? [];
  walk = {...walk, pathLists: []};
  const single = typeof inputs === 'string' || isBytes(inputs) || isNamedBytes(inputs);
  const items: Iterable<ClassifyInput> | AsyncIterable<ClassifyInput> = single ? [inputs] : inputs;
  let args: string[] = [];
  let index = 0;
  for await (const item of items) {
    if (typeof item === 'string') {
      looked.add(item, expand ? 'argument' : 'literal');
      if (expand) args.push(item);
      else {
        const e = await listedFile(item, walk);
        if (e) yield e;
      }
    } else if (isBytes(item) || isNamedBytes(item)) {
      if (args.length) yield* walkInputs(args, walk);
      args = [];
      yield bytesEntry(item, index);
    } else {
      throw new TypeError(`classify takes paths (strings), Uint8Array/Buffer or {name, data}; input ${index} is ${typeof item}`);
    }
    index++;
    // an async source is not held back: what it has given is walked before waiting for more
    if (args.length && !Array.isArray(items) && Symbol.asyncIterator in items) {
      yield* walkInputs(args, walk);
      args = [];
    }
  }
  if (args.length || lists.length) yield* walkInputs(args, {...walk, pathLists: lists});
}

