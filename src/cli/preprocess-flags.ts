/**
 * The preprocessing flags, the same on every command that loads a model (classify, eval, bench)
 * and on `download --from`, which saves them in the model's model.json. Values are checked as
 * they are parsed: a bad one ends the command with exit status 2 and a message naming the flag.
 */

import * as Errors from '@oclif/core/errors';
import * as Flags from '@oclif/core/flags';
import {EXIT} from './exit-codes.js';
import type {ModelChoice} from '../api/load-model.js';
import {CHANNELS, FITS, parseChannelValues, parseInputSize, parseScale, type Channels, type Fit} from '../models/preprocess-overrides.js';

/** `read()`, its error turned into oclif's usage error (exit status 2). */
function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new Errors.CLIError((e as Error).message, {exit: EXIT.USAGE});
  }
}

const sizeFlag = Flags.custom<[number, number]>({parse: async (input, _c, opts) => asUsage(() => parseInputSize(input, `--${opts.name}`))});
const scaleFlag = Flags.custom<number>({parse: async (input, _c, opts) => asUsage(() => parseScale(input, `--${opts.name}`))});
const meanFlag = Flags.custom<[number, number, number]>({parse: async (input, _c, opts) => asUsage(() => parseChannelValues(input, `--${opts.name}`, false))});
const stdFlag = Flags.custom<[number, number, number]>({parse: async (input, _c, opts) => asUsage(() => parseChannelValues(input, `--${opts.name}`, true))});

export const preprocessFlags = {
  'input-size': sizeFlag({
    summary: 'Network input WIDTHxHEIGHT (e.g. 192x48), or N for NxN: of a graph that leaves it open, or of a Paddle program being installed.',
    helpValue: 'WxH',
  }),
  fit: Flags.string({
    summary: 'How images fit the input: crop (resize the short side, centre crop), stretch, or pad (resize to the height keeping the aspect ratio, zeros to the right).',
    options: [...FITS],
  }),
  'resize-short': Flags.integer({
    summary: "Resize the short side to N, then centre-crop the model's input size (any model; replaces its resize and crop).",
    min: 1,
    exclusive: ['stretch'],
  }),
  stretch: Flags.boolean({summary: "Stretch images to the model's input size instead of resize + crop (any model; the same as --fit stretch)."}),
  scale: scaleFlag({summary: 'Multiply pixel values (0-255) by this before the mean and std: 1/255 or 0.00392157.', helpValue: 'N'}),
  mean: meanFlag({summary: "Mean subtracted per channel, in the network's channel order: R,G,B (or B,G,R with --channels bgr), or one value for all.", helpValue: 'A,B,C'}),
  std: stdFlag({summary: 'Standard deviation divided by per channel, in the same order, or one value for all.', helpValue: 'A,B,C'}),
  channels: Flags.string({summary: 'Channel order the network expects.', options: [...CHANNELS]}),
};

export interface PreprocessFlagValues {
  'input-size'?: [number, number];
  fit?: string;
  'resize-short'?: number;
  stretch?: boolean;
  scale?: number;
  mean?: [number, number, number];
  std?: [number, number, number];
  channels?: string;
}

/** The parsed flags as the library's model choice (absent flags stay absent: the model's own apply). */
export function preprocessChoice(flags: PreprocessFlagValues): Pick<ModelChoice, 'input' | 'fit' | 'resizeShort' | 'stretch' | 'scale' | 'mean' | 'std' | 'channels'> {
  const size = flags['input-size'];
  return {
    ...(size === undefined ? {} : {input: {width: size[1], height: size[0]}}),
    ...(flags.fit === undefined ? {} : {fit: flags.fit as Fit}),
    ...(flags['resize-short'] === undefined ? {} : {resizeShort: flags['resize-short']}),
    ...(flags.stretch ? {stretch: true} : {}),
    ...(flags.scale === undefined ? {} : {scale: flags.scale}),
    ...(flags.mean === undefined ? {} : {mean: flags.mean}),
    ...(flags.std === undefined ? {} : {std: flags.std}),
    ...(flags.channels === undefined ? {} : {channels: flags.channels as Channels}),
  };
}

/** The names of the preprocessing flags given, as typed (`--mean`, ...). */
export function givenPreprocessFlags(flags: PreprocessFlagValues): string[] {
  return (Object.keys(preprocessFlags) as (keyof PreprocessFlagValues)[]).filter((k) => flags[k] !== undefined && flags[k] !== false).map((k) => `--${k}`);
}
