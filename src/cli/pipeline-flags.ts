/** Flags shared by the commands that run the network: model choice and pipeline tuning. */

import * as Errors from '@oclif/core/errors';
import * as Flags from '@oclif/core/flags';
import {EXIT} from './exit-codes.js';
import {parseSeconds} from '../models/download/settings.js';
import type {PipelineOptions} from '../pipeline/classify-run.js';
import type {ResizeMode} from '../pipeline/preprocess.js';
import {DEFAULT_DECODE_TIMEOUT_S, DEFAULT_MAX_PIXELS} from '../pipeline/limits.js';
import {DEFAULT_BATCH_SIZE} from '../pipeline/parallelism.js';
import {pipelineOptionsOf, type ClassifierOptions} from '../api/classifier.js';
import {preprocessFlags} from './preprocess-flags.js';

/** A positive number of seconds, fractions allowed (e.g. --timeout 2.5), parsed to milliseconds. */
export const secondsFlag = Flags.custom<number>({
  parse: async (input, _context, opts) => {
    try {
      return parseSeconds(input, `--${opts.name}`);
    } catch (e) {
      throw new Errors.CLIError((e as Error).message, {exit: EXIT.USAGE});
    }
  },
});

/** A number of seconds that may be 0 (meaning no limit), fractions allowed. */
export const limitSecondsFlag = Flags.custom<number>({
  parse: async (input, _context, opts) => {
    const v = Number(input);
    if (input.trim() === '' || !Number.isFinite(v) || v < 0) throw new Errors.CLIError(`--${opts.name} must be a number of seconds (0 for no limit), got '${input}'`, {exit: EXIT.USAGE});
    return v;
  },
});

/** A decision threshold between 0 and 1 (--threshold of yes/no and attribute models). */
export const thresholdFlag = Flags.custom<number>({
  parse: async (input, _context, opts) => {
    const v = Number(input);
    if (input.trim() === '' || !(v >= 0 && v <= 1)) throw new Errors.CLIError(`--${opts.name} must be a number between 0 and 1, got '${input}'`, {exit: EXIT.USAGE});
    return v;
  },
});

export const modelFlags = {
  model: Flags.string({
    char: 'm',
    summary: 'Catalogue name, model folder, .onnx file, or synthetic:NAME[@SEED].',
    description: 'Defaults to $LCNET_MODEL, else PPLCNet_x1_0 (downloaded on first use).',
    env: 'LCNET_MODEL',
  }),
  labels: Flags.string({summary: "Class names (any model; needed by an .onnx file that carries none): one per line, or \"index name\" lines."}),
  ...preprocessFlags,
};

export const pipelineFlags = {
  'batch-size': Flags.integer({char: 'b', summary: 'Images per network run.', default: DEFAULT_BATCH_SIZE, min: 1, max: 1024}),
  threads: Flags.integer({char: 't', summary: 'Inference threads in all [default: $LCNET_THREADS or all cores].', min: 1, max: 256}),
  sessions: Flags.integer({
    summary: 'Parallel onnxruntime sessions sharing the threads [default: one per thread, best for throughput; 1 for the lowest latency].',
    min: 1,
    max: 256,
  }),
  workers: Flags.integer({summary: 'Decoding worker threads [default: one per two cores].', min: 1, max: 64}),
  resize: Flags.string({
    summary: 'exact: bit-exact PaddleClas/OpenCV preprocessing; fast: libvips shrink-on-load (faster on large photos, not exact).',
    options: ['exact', 'fast'],
    default: 'exact',
  }),
  'max-pixels': Flags.integer({summary: 'Refuse images with more pixels than this (each gets an error record).', default: DEFAULT_MAX_PIXELS, min: 1}),
  'decode-timeout': limitSecondsFlag({
    summary: 'CPU seconds one image may take to decode before it gets an error record instead (0: no limit).',
    default: DEFAULT_DECODE_TIMEOUT_S,
  }),
};

/** The parsed `pipelineFlags` (and --topk) as the library API's options. */
export function classifierOptions(flags: {
  'batch-size': number;
  threads?: number;
  sessions?: number;
  workers?: number;
  resize: string;
  'max-pixels': number;
  'decode-timeout'?: number;
  topk: number;
  threshold?: number;
}): ClassifierOptions {
  return {
    batchSize: flags['batch-size'],
    threads: flags.threads,
    sessions: flags.sessions,
    workers: flags.workers,
    resize: flags.resize as ResizeMode,
    maxPixels: flags['max-pixels'],
    ...(flags['decode-timeout'] === undefined ? {} : {decodeTimeout: flags['decode-timeout']}),
    topk: flags.topk,
    ...(flags.threshold === undefined ? {} : {threshold: flags.threshold}),
  };
}

/** The parsed `pipelineFlags` (and --topk) as the pipeline's options. */
export function pipelineOptions(flags: Parameters<typeof classifierOptions>[0]): PipelineOptions {
  return pipelineOptionsOf(classifierOptions(flags));
}
